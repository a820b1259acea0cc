package report

import (
	"strings"

	"github.com/olekukonko/tablewriter/pkg/twwidth"
)

// fitColumns wraps the cells of a table so that it fits in width terminal
// columns: columns that fit their widest cell keep it, the rest share what
// is left. Text wraps at spaces; only words wider than their column (URLs)
// are broken. Cells may carry ANSI colour; it is kept.
func fitColumns(width int, headers []string, rows [][]string) [][]string {
	n := len(headers)
	if n == 0 {
		return rows
	}
	// Light-style borders: n+1 rules, one space of padding each side.
	avail := width - (n + 1) - 2*n
	natural := make([]int, n)
	minimum := make([]int, n)
	for i, h := range headers {
		natural[i] = twwidth.Width(h)
		minimum[i] = min(max(twwidth.Width(h), 3), 12)
	}
	for _, row := range rows {
		for i := 0; i < n && i < len(row); i++ {
			for _, line := range strings.Split(row[i], "\n") {
				natural[i] = max(natural[i], twwidth.Width(line))
			}
		}
	}
	widths := make([]int, n)
	done := make([]bool, n)
	left, open := avail, n
	for changed := true; changed && open > 0; {
		changed = false
		share := left / open
		for i := range n {
			if !done[i] && natural[i] <= share {
				widths[i], done[i] = natural[i], true
				left -= natural[i]
				open--
				changed = true
			}
		}
	}
	if open > 0 {
		share := left / open
		extra := left - share*open
		for i := range n {
			if !done[i] {
				widths[i] = max(share, minimum[i])
				if extra > 0 {
					widths[i]++
					extra--
				}
			}
		}
	}
	out := make([][]string, len(rows))
	for r, row := range rows {
		out[r] = make([]string, len(row))
		for i, cell := range row {
			if i < n && twwidth.Width(cell) > widths[i] {
				cell = wrapText(cell, widths[i])
			}
			out[r][i] = cell
		}
	}
	return out
}

// wrapText wraps s (which may hold newlines) to lines of at most w
// columns.
func wrapText(s string, w int) string {
	if w < 1 {
		return s
	}
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			for twwidth.Width(word) > w {
				// Break an over-long word: fill the current line first.
				room := w - twwidth.Width(line)
				if line != "" {
					room--
				}
				if room < 4 {
					lines = append(lines, line)
					line, room = "", w
				}
				head := cutWidth(word, room)
				if line != "" {
					line += " "
				}
				lines = append(lines, line+head)
				line = ""
				word = word[len(head):]
			}
			switch {
			case line == "":
				line = word
			case twwidth.Width(line)+1+twwidth.Width(word) <= w:
				line += " " + word
			default:
				lines = append(lines, line)
				line = word
			}
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// cutWidth returns the longest prefix of s that is at most w columns wide
// (at least one rune).
func cutWidth(s string, w int) string {
	width := 0
	for i, r := range s {
		rw := twwidth.Width(string(r))
		if width+rw > w && i > 0 {
			return s[:i]
		}
		width += rw
	}
	return s
}
