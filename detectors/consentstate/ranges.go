package consentstate

import (
	"fmt"
	"strconv"
	"strings"
)

// Ranges renders sorted ids (purposes, vendors) with runs as ranges
// ("1–4, 7, 9–11"), the first n items of them (all when n is 0); "none"
// when there are none.
func Ranges(ids []int, n int) string {
	if len(ids) == 0 {
		return "none"
	}
	var parts []string
	for i := 0; i < len(ids); {
		if n > 0 && len(parts) == n {
			parts = append(parts, fmt.Sprintf("… (%d ids in all)", len(ids)))
			break
		}
		j := i
		for j+1 < len(ids) && ids[j+1] == ids[j]+1 {
			j++
		}
		switch {
		case j-i >= 2:
			parts = append(parts, fmt.Sprintf("%d–%d", ids[i], ids[j]))
		case j > i:
			parts = append(parts, strconv.Itoa(ids[i]), strconv.Itoa(ids[j]))
		default:
			parts = append(parts, strconv.Itoa(ids[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}
