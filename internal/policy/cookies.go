package policy

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// CookieDeclaration is one cookie the policy declares, from a cookie table
// (Cookiebot, OneTrust or hand-written) or a prose list item.
type CookieDeclaration struct {
	// Name is the cookie name as written; "#" and "*" wildcards are kept.
	Name string `json:"name"`
	// Provider is the provider, source or host column ("" when absent).
	Provider string `json:"provider"`
	// DurationText is the declared lifetime as written ("2 years").
	DurationText string `json:"duration_text"`
	// LifetimeDays is DurationText parsed by ParseDuration; nil when it
	// cannot be read ("persistent", "unknown", a date). 0 for session.
	LifetimeDays *float64 `json:"lifetime_days"`
	// Session is true for a session cookie.
	Session bool `json:"session"`
	// Type is the storage type column, when the table has one
	// ("HTTP Cookie", "HTML Local Storage", "Third Party").
	Type string `json:"type,omitempty"`
	// Purpose is the purpose or description column.
	Purpose string `json:"purpose,omitempty"`
	// Source is "table" or "text".
	Source string `json:"source"`
}

type column int

const (
	colNone column = iota
	colName
	colProvider
	colDuration
	colPurpose
	colType
)

var (
	hdrType     = regexp.MustCompile(`type|cookies used|typ\b|tipo|art\b|soort`)
	hdrDuration = regexp.MustCompile(`expir|duration|lifespan|life span|lifetime|retention|storage|ablauf|speicherdauer|laufzeit|gültigkeit|dauer|durée|bewaartermijn|looptijd|vervaltijd|geldigheid|udløb|varighed|utløp|levetid|lagringstid|giltighet|caducidad|duración|vencimiento|durata|scadenza|conservazione|wygaś|czas|okres|validity|valid|how long`)
	hdrProvider = regexp.MustCompile(`provider|source|domain|host|vendor|set by|anbieter|aanbieder|udbyder|leverandør|leverantör|fournisseur|proveedor|fornitore|dostawca|subgroup|third party|origin|platform|service`)
	hdrPurpose  = regexp.MustCompile(`purpose|description|function|zweck|beschreibung|doel|beschrijving|formål|beskrivelse|syfte|finalité|finalidad|descripción|finalità|descrizione|\bcel\b|opis|used for|what it does|usage`)
	hdrName     = regexp.MustCompile(`name|cookie|navn|naam|\bnom\b|nombre|nome|namn|nazwa|\bkey\b`)
)

func classifyHeader(h string) column {
	h = strings.ToLower(h)
	switch {
	case h == "":
		return colNone
	case hdrType.MatchString(h):
		return colType
	case hdrDuration.MatchString(h):
		return colDuration
	case hdrProvider.MatchString(h):
		return colProvider
	case hdrPurpose.MatchString(h):
		return colPurpose
	case hdrName.MatchString(h):
		return colName
	}
	return colNone
}

// cookieColumns maps a table's columns; ok is false unless the table has a
// name and a duration column. Tables without a header qualify when most
// first-column cells look like cookie names and one column holds durations.
func cookieColumns(t Table) (cols map[column]int, ok bool) {
	cols = map[column]int{}
	if len(t.Header) > 0 {
		for i, h := range t.Header {
			c := classifyHeader(h)
			if _, dup := cols[c]; c != colNone && !dup {
				cols[c] = i
			}
		}
		_, hasName := cols[colName]
		_, hasDur := cols[colDuration]
		return cols, hasName && hasDur
	}
	if len(t.Rows) < 2 {
		return nil, false
	}
	names, width := 0, 0
	for _, r := range t.Rows {
		if len(r) > 0 && looksLikeCookieName(r[0]) {
			names++
		}
		width = max(width, len(r))
	}
	if names*2 < len(t.Rows) {
		return nil, false
	}
	bestCol, bestN := -1, 0
	for c := 1; c < width; c++ {
		n := 0
		for _, r := range t.Rows {
			if c < len(r) {
				if _, _, ok := ParseDuration(r[c]); ok {
					n++
				}
			}
		}
		if n > bestN {
			bestCol, bestN = c, n
		}
	}
	if bestN*2 < len(t.Rows) {
		return nil, false
	}
	cols[colName], cols[colDuration] = 0, bestCol
	return cols, true
}

var cookieNameShape = regexp.MustCompile(`^[A-Za-z0-9_.\-#*\[\]$]{2,60}$`)

// looksLikeCookieName accepts tokens such as "_ga", "_ga_#", "__hstc",
// "bcookie", "ASP.NET_SessionId", "OptanonConsent".
func looksLikeCookieName(s string) bool {
	s = strings.TrimSpace(s)
	if !cookieNameShape.MatchString(s) {
		return false
	}
	if strings.ContainsAny(s, "_#*.$0123456789") {
		return true
	}
	// camelCase or lower-case run-together words.
	upperInside := false
	for i, r := range s {
		if i > 0 && unicode.IsUpper(r) {
			upperInside = true
		}
	}
	return upperInside || strings.ToLower(s) == s
}

// tableCookies returns the cookie declarations of one table, or nil when it
// is not a cookie table.
func tableCookies(t Table) []CookieDeclaration {
	cols, ok := cookieColumns(t)
	if !ok {
		return nil
	}
	get := func(r []string, c column) string {
		i, ok := cols[c]
		if !ok || i >= len(r) {
			return ""
		}
		return strings.TrimSpace(r[i])
	}
	var out []CookieDeclaration
	for _, r := range t.Rows {
		r = realign(r, cols)
		name := get(r, colName)
		if name == "" {
			continue
		}
		dur := get(r, colDuration)
		names := []string{name}
		durs := []string{dur}
		// OneTrust: several cookies and lifespans in one row, paired by
		// position.
		if strings.Contains(name, ",") {
			parts := splitList(name)
			allNames := len(parts) > 1
			for _, p := range parts {
				if strings.Contains(p, " ") {
					allNames = false
				}
			}
			if allNames {
				names = parts
				if d := splitList(dur); len(d) == len(parts) {
					durs = d
				} else {
					durs = make([]string, len(parts))
					for i := range durs {
						durs[i] = dur
					}
				}
			}
		}
		for i, n := range names {
			c := CookieDeclaration{Name: n, Provider: get(r, colProvider), DurationText: durs[i],
				Type: get(r, colType), Purpose: get(r, colPurpose), Source: "table"}
			setLifetime(&c)
			out = append(out, c)
		}
	}
	return out
}

// realign repairs rows with an empty provider cell that was dropped, as in
// hand-written tables where "fr | 3 months | …" sits under
// "Cookie name | Source | Duration | Description": when the duration column
// does not parse but the provider column does, the provider is taken as
// missing and the rest of the row moves one column right.
func realign(r []string, cols map[column]int) []string {
	pi, okP := cols[colProvider]
	di, okD := cols[colDuration]
	if !okP || !okD || pi >= di || pi >= len(r) {
		return r
	}
	if _, _, ok := ParseDuration(r[pi]); !ok {
		return r
	}
	if di < len(r) {
		if _, _, ok := ParseDuration(r[di]); ok {
			return r
		}
	}
	out := make([]string, 0, len(r)+1)
	out = append(out, r[:pi]...)
	out = append(out, "")
	out = append(out, r[pi:]...)
	return out
}

func splitList(s string) []string {
	var out []string
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func setLifetime(c *CookieDeclaration) {
	if d, session, ok := ParseDuration(c.DurationText); ok {
		c.LifetimeDays = &d
		c.Session = session
	}
}

var (
	proseCookie   = regexp.MustCompile(`^["“'‘]?([A-Za-z0-9_.\-#*\[\]$]{2,60})["”'’]?\s*(?:[:–—]|\s-\s|\()\s*(.+)$`)
	proseDuration = regexp.MustCompile(`(?i)\b(\d+(?:[.,]\d+)?\s*(?:minutes?|mins?|hours?|days?|weeks?|months?|years?)|(?:one|a|an|two|three|six|twelve|thirteen|eighteen|twenty-four)\s+(?:minutes?|hours?|days?|weeks?|months?|years?))\b|\b(?:end of (?:the )?(?:browser )?session|session)\b`)
)

// proseCookies reads declarations written as list items or sentences such
// as "_ga: distinguishes users; expires after 2 years".
func proseCookies(sentence string, inCookieSection bool) (CookieDeclaration, bool) {
	m := proseCookie.FindStringSubmatch(sentence)
	if m == nil {
		return CookieDeclaration{}, false
	}
	name, rest := m[1], m[2]
	if !looksLikeCookieName(name) {
		return CookieDeclaration{}, false
	}
	special := strings.ContainsAny(name, "_#*$")
	if !special && !inCookieSection && !strings.Contains(strings.ToLower(sentence), "cookie") {
		return CookieDeclaration{}, false
	}
	// Plain lower-case words ("note: …") need the strongest evidence.
	if !special && strings.ToLower(name) == name && !strings.ContainsAny(name, "0123456789") && len(name) < 5 {
		return CookieDeclaration{}, false
	}
	d := proseDuration.FindString(rest)
	if d == "" {
		return CookieDeclaration{}, false
	}
	c := CookieDeclaration{Name: name, DurationText: d, Purpose: rest, Source: "text"}
	setLifetime(&c)
	return c, true
}

// sortCookies orders declarations by name, provider, duration text and
// source, and drops exact duplicates.
func sortCookies(cs []CookieDeclaration) []CookieDeclaration {
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if la, lb := strings.ToLower(a.Name), strings.ToLower(b.Name); la != lb {
			return la < lb
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.Provider != b.Provider {
			return a.Provider < b.Provider
		}
		if a.DurationText != b.DurationText {
			return a.DurationText < b.DurationText
		}
		if a.Purpose != b.Purpose {
			return a.Purpose < b.Purpose
		}
		return a.Source < b.Source
	})
	out := cs[:0]
	for i, c := range cs {
		if i > 0 {
			p := out[len(out)-1]
			if p.Name == c.Name && p.Provider == c.Provider && p.DurationText == c.DurationText && p.Type == c.Type {
				continue
			}
		}
		out = append(out, c)
	}
	return out
}
