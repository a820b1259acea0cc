package policy

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// TestProseCookieSentences pins the prose reading: names without the word
// cookie need a setting verb, several names need one lifetime each, and
// data fields that are stored are no cookies.
func TestProseCookieSentences(t *testing.T) {
	for _, tt := range []struct {
		text string
		want string // "name=days" sorted, comma-separated; "" for none
	}{
		{"Google Analytics sets _ga (2 years) and _gid (24 hours).", "_ga=730,_gid=1"},
		{"Matomo sets _pk_id.# for 13 months and _pk_ses.# for 30 minutes.", "_pk_id.#=390,_pk_ses.#=0.0208"},
		// Which of the two lasts 2 years? Nothing is declared.
		{"Google Analytics sets _ga and _gid, which expire after 2 years.", ""},
		{"For 2 years, Google Analytics sets _ga and _gid.", ""},
		{"Meta speichert _fbp für 3 Monate.", "_fbp=90"},
		{"Google sætter _ga, som gemmes i 2 år.", "_ga=730"},
		// A stored data field is no cookie; a set one with a cookie
		// name's punctuation is.
		{"Our support desk stores ticket_id references for 2 years.", ""},
		{"LinkedIn drops li_sugr for 90 days.", "li_sugr=90"},
		{"Invoices (invoice_no) are kept for 10 years.", ""},
	} {
		a := catalogueAnalyzer().Analyze(docFromText(t, tt.text))
		var got []string
		for _, c := range a.Cookies {
			d := "nil"
			if c.LifetimeDays != nil {
				d = fmt.Sprint(*c.LifetimeDays)
			}
			got = append(got, c.Name+"="+d)
		}
		sort.Strings(got)
		if g := strings.Join(got, ","); g != tt.want {
			t.Errorf("%q: cookies %q, want %q", tt.text, g, tt.want)
		}
	}
}
