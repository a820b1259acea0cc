package policy

import (
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
	hdrType     = mustCue(`type|cookies used|typ\b|tipo|art\b|soort`)
	hdrDuration = mustCue(`expir|duration|lifespan|life span|lifetime|retention|storage|ablauf|speicherdauer|laufzeit|gültigkeit|dauer|durée|bewaartermijn|looptijd|vervaltijd|geldigheid|udløb|varighed|utløp|levetid|lagringstid|giltighet|caducidad|duración|vencimiento|durata|scadenza|conservazione|wygaś|czas|okres|ważnoś|validity|valid|how long|varighet|utgång|löptid|expiración|vervaldatum|bewaarperiode`)
	hdrProvider = mustCue(`provider|source|domain|host|vendor|set by|anbieter|aanbieder|udbyder|leverandør|leverantör|fournisseur|proveedor|fornitore|dostawca|subgroup|third party|origin|platform|service|herkunft|bron|origine|origen|źródło|domäne|domein|dominio|domena|kilde|källa|udsteder|utsteder`)
	hdrPurpose  = mustCue(`purpose|description|function|zweck|beschreibung|doel|beschrijving|formål|beskrivelse|syfte|finalité|finalidad|descripción|finalità|descrizione|\bcel\b|opis|used for|what it does|usage`)
	hdrName     = mustCue(`name|cookie|navn|naam|\bnom\b|nombre|nome|namn|nazwa|\bkey\b|bezeichnung|benaming|denominazione|denominación|nazwa pliku`)
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

var cookieNameShape = mustCue(`^[A-Za-z0-9_.\-#*\[\]$]{2,60}$`)

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
		if name == "" || repeatsHeader(r, t.Header) {
			continue
		}
		// A row with one filled cell is a section label or a merged cell
		// ("Analytics", "Marketing cookies"), unless it is a cookie name.
		if len(nonEmpty(r)) == 1 && len(t.Header) > 1 && !strings.ContainsAny(name, "_#$*") {
			continue
		}
		// Section rows ("Analytics cookies"), footnotes ("* Durations are
		// maximums") and merged cells are not cookies: a cookie name has no
		// spaces, except in a list ("_ga, _gid") or around a name given in
		// brackets ("Google Analytics (_ga)").
		if strings.ContainsAny(name, " \t") && !strings.Contains(name, ",") {
			n, ok := bracketedName(name)
			if !ok {
				continue
			}
			name = n
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

// repeatsHeader reports a row that repeats the table's header (tables
// split across pages, or a header written as the first body row).
func repeatsHeader(r, header []string) bool {
	if len(header) == 0 {
		same := 0
		for _, c := range r {
			if classifyHeader(c) != colNone {
				same++
			}
		}
		return same >= 2 && same == len(nonEmpty(r))
	}
	n := 0
	for i, c := range r {
		if i < len(header) && strings.EqualFold(strings.TrimSpace(c), strings.TrimSpace(header[i])) {
			n++
		}
	}
	return n >= 2 || (n == 1 && len(nonEmpty(r)) == 1 && len(header) == 1)
}

var bracketed = mustCue(`\(\s*([A-Za-z0-9_.\-#*$\[\]<>]{2,60})\s*\)`)

// bracketedName finds the cookie name in "Google Analytics (_ga)".
func bracketedName(s string) (string, bool) {
	m := bracketed.FindStringSubmatch(s)
	if m == nil || !looksLikeCookieName(m[1]) {
		return "", false
	}
	return m[1], true
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

// proseCookies reads declarations written as list items or sentences:
// "_ga: distinguishes users; expires after 2 years", "the _ga cookie
// expires after 2 years", "Das Cookie _ga wird nach 2 Jahren gelöscht",
// "PHPSESSID – keeps your session – session", "Google Analytics sets _ga
// (2 years) and _gid (24 hours)".
func proseCookies(sentence, lower string, inCookieSection bool) []CookieDeclaration {
	// (ContainsAny with a dash outside ASCII would walk the sentence rune
	// by rune: this runs for every sentence.)
	if strings.IndexByte(sentence, ':') >= 0 || strings.IndexByte(sentence, '-') >= 0 || strings.IndexByte(sentence, '(') >= 0 ||
		strings.Contains(sentence, "–") || strings.Contains(sentence, "—") {
		if m := proseCookie.FindStringSubmatch(sentence); m != nil {
			if c, ok := listedCookie(sentence, m[1], m[2], inCookieSection); ok {
				return []CookieDeclaration{c}
			}
		}
	}
	return sentenceCookies(sentence, lower, inCookieSection)
}

// listedCookie reads "name: purpose, duration" and "name – purpose –
// duration".
func listedCookie(sentence, name, rest string, inCookieSection bool) (CookieDeclaration, bool) {
	if !looksLikeCookieName(name) || cookieStopwords[strings.ToLower(name)] {
		return CookieDeclaration{}, false
	}
	lower := strings.ToLower(sentence)
	special := strings.ContainsAny(name, "_#*$")
	// A plain word before a colon ("purpose: …") needs the strongest
	// evidence: a cookie section or the word cookie, and an expiry word.
	if !special {
		if !inCookieSection && !hasCookieWord(lower) && !dashList.MatchString(sentence) && !expiryCue.MatchString(lower) {
			return CookieDeclaration{}, false
		}
		if strings.ToLower(name) == name && !strings.ContainsAny(name, "0123456789") && len(name) < 5 {
			return CookieDeclaration{}, false
		}
		if !expiryCue.MatchString(lower) && !dashList.MatchString(sentence) && !inCookieSection {
			return CookieDeclaration{}, false
		}
	}
	d := findDuration(rest)
	if d == "" {
		return CookieDeclaration{}, false
	}
	c := CookieDeclaration{Name: name, DurationText: d, Purpose: rest, Source: "text"}
	setLifetime(&c)
	return c, true
}

// sentenceCookies reads a sentence that names one cookie and one lifetime
// ("the _ga cookie expires after 2 years"), or several cookies each
// followed by its own lifetime ("sets _ga (2 years) and _gid (24
// hours)"). Without the word cookie (or a cookie section), the names
// must have a cookie name's punctuation and the sentence must say that
// the cookie is set ("Google Ads sets _gcl_au for 90 days", "Meta
// speichert _fbp für 3 Monate", "Hotjar dépose _hjid pour 1 an"), or,
// for names that begin with "_", that it expires or lasts.
func sentenceCookies(sentence, lower string, inCookieSection bool) []CookieDeclaration {
	cookieWord := hasCookieWord(lower)
	if !cookieWord && !strings.ContainsAny(sentence, "_#$") {
		// Outside a name with a cookie name's punctuation, a candidate
		// stands next to the word cookie.
		return nil
	}
	type span struct {
		name       string
		start, end int
	}
	var names []span
	for _, m := range tokenSpans(sentence) {
		tok := strings.TrimRight(sentence[m[0]:m[1]], ".,;:")
		if !candidateCookieName(sentence, tok, m[0], m[0]+len(tok)) {
			continue
		}
		if len(names) > 0 && names[len(names)-1].name == tok {
			continue
		}
		names = append(names, span{tok, m[0], m[0] + len(tok)})
	}
	if len(names) == 0 {
		return nil
	}
	if !cookieWord && !inCookieSection {
		underscored := true
		for _, n := range names {
			underscored = underscored && strings.HasPrefix(n.name, "_")
		}
		if !cookieSetCue.MatchString(lower) && !(underscored && (cookieStoreCue.MatchString(lower) || expiryCue.MatchString(lower))) {
			return nil
		}
	}
	if len(names) == 1 {
		n := names[0]
		d := findDuration(sentence[n.end:])
		if d == "" {
			d = findDuration(sentence[:n.start])
		}
		if d == "" {
			return nil
		}
		c := CookieDeclaration{Name: n.name, DurationText: d, Purpose: sentence, Source: "text"}
		setLifetime(&c)
		return []CookieDeclaration{c}
	}
	// Several names: each takes the lifetime between it and the next
	// name; when one has none, which lifetime is whose cannot be told.
	if findDuration(sentence[:names[0].start]) != "" {
		return nil
	}
	out := make([]CookieDeclaration, 0, len(names))
	for i, n := range names {
		end := len(sentence)
		if i+1 < len(names) {
			end = names[i+1].start
		}
		d := findDuration(sentence[n.end:end])
		if d == "" {
			return nil
		}
		c := CookieDeclaration{Name: n.name, DurationText: d, Purpose: sentence, Source: "text"}
		setLifetime(&c)
		out = append(out, c)
	}
	return out
}

// cookieSetCue is a verb saying that a cookie is set on the visitor's
// device, in the ten languages ("sets", "places", "drops", "setzt",
// "plaatst", "dépose", "instala", "installa", "sätter", "placerer",
// "setter", "ustawia"). cookieStoreCue says it is stored or saved, which
// is said of data as well: it counts for names that begin with "_" ("Meta
// speichert _fbp für 3 Monate"), not for "stores ticket_id references".
var (
	cookieSetCue   = mustCue(`\b(?:sets?|setting|placed?|places|placing|drops?|dropped|writes?|written|installs?|installed|setzt|gesetzt|setzen|platziert|plaatst|geplaatst|plaatsen|dépose|déposé|déposent|installe|installé|instala|instalada|instalado|coloca|colocada|establece|installa|installato|imposta|impostato|sätter|sätts|placerar|placeras|sætter|sættes|placerer|placeres|setter|settes|plasserer|ustawia|ustawiany|umieszcza)\b`)
	cookieStoreCue = mustCue(`\b(?:stores?|stored|saves?|saved|speichert|gespeichert|abgelegt|opgeslagen|slaat|enregistre|enregistré|stocke|stocké|almacena|almacenada|guarda|memorizza|memorizzato|salva|lagrar|lagras|sparar|sparas|gemmer|gemmes|lagres|lagrer|zapisuje|zapisywany|przechowuje|przechowywany)\b`)
)

// candidateCookieName accepts a token as a cookie name: it has a cookie
// name's punctuation ("_ga", "_hjSession_#") or case ("OptanonConsent"), or
// it stands right next to the word cookie ("the bcookie cookie", "Cookie
// NID") and is no ordinary word.
func candidateCookieName(s, tok string, start, end int) bool {
	if strings.ContainsAny(tok, "_#$") {
		return looksLikeCookieName(tok)
	}
	before := strings.TrimRight(s[:start], " \t\"'“‘")
	after := strings.TrimLeft(s[end:], " \t\"'”’")
	if !(len(after) >= 6 && strings.EqualFold(after[:6], "cookie")) &&
		!(len(before) >= 6 && strings.EqualFold(before[len(before)-6:], "cookie")) {
		return false
	}
	before = asciiLower(before[max(0, len(before)-16):])
	if !looksLikeCookieName(tok) || cookieStopwords[strings.ToLower(tok)] {
		return false
	}
	// "the bcookie cookie", or "das Cookie NID" / "het cookie NID" after an
	// article; a verb after "cookie" ("a session cookie containing …") is
	// no name.
	nextToCookie := strings.HasPrefix(after, "cookie") || articleCookie.MatchString(before)
	if !nextToCookie || strings.HasSuffix(tok, "ing") || strings.HasSuffix(tok, "ed") {
		return false
	}
	upperInside := false
	for i, r := range tok {
		if i > 0 && unicode.IsUpper(r) {
			upperInside = true
		}
	}
	return upperInside || len(tok) >= 5
}

// hasCookieWord is reCookieWord without the regexp, for every sentence.
func hasCookieWord(lower string) bool {
	return strings.Contains(lower, "cookie") || strings.Contains(lower, "ciasteczk") ||
		strings.Contains(lower, "informasjonskaps") || strings.Contains(lower, "kakor") || strings.Contains(lower, "kakan")
}

// tokenSpans returns the byte spans of the white-space separated tokens of
// s, without the quotes and brackets around them.
func tokenSpans(s string) [][2]int {
	var out [][2]int
	start := -1
	trim := func(a, b int) {
		for a < b && strings.IndexByte("\"'(“‘", s[a]) >= 0 {
			a++
		}
		for b > a && strings.IndexByte("\"')”’", s[b-1]) >= 0 {
			b--
		}
		if b-a >= 2 {
			out = append(out, [2]int{a, b})
		}
	}
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' || s[i] == '\t' || s[i] == '\n' {
			if start >= 0 {
				trim(start, i)
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		trim(start, len(s))
	}
	return out
}

var articleCookie = mustCue(`(?:^|\s)(?:the|das|der|het|de|le|il|el|la)\s+cookie$`)

// cookieStopwords are words that stand next to "cookie" without naming one.
var cookieStopwords = func() map[string]bool {
	m := map[string]bool{}
	for w := range strings.FieldsSeq(`the this that these those a an our your their its each every any some such
		session persistent permanent analytics analytical statistics marketing advertising tracking functional
		necessary essential preference preferences performance targeting social third-party first-party
		consent google facebook meta linkedin hubspot microsoft other own same following first third party
		strictly technical der die das ein eine einen dieses diese het de een deze dit le la les ce cette un une
		el los las este esta il lo questo questa ten ta ciasteczko pliki plik cookies cookie name names named
		called set sets placed expire expires http html local storage retention duration purpose expiry
		provider type description note example lifetime lifespan category domain host name`) {
		m[w] = true
	}
	return m
}()

var (
	proseCookie = mustCue(`^["“'‘]?([A-Za-z0-9_.\-#*\[\]$]{2,60})["”'’]?\s*(?:[:–—]|\s-\s|\()\s*(.+)$`)
	dashList    = mustCue(`^\S+\s+[-–—]\s+.+\s+[-–—]\s+\S.{0,40}$`)
	expiryCue   = mustCue(`expir|lasts?\b|lifetime|life span|lifespan|duration|persist|stored for|kept for|retained|deleted after|valid for|läuft|gelöscht|gespeichert|gültig|speicherdauer|vervalt|verloopt|bewaard|expire|supprim|conserv|caduca|durata|scade|udløb|utløp|varar|wygasa|przechowywan`)
)

var (
	// fieldName and fieldExpiry are the lines of a declaration written as
	// labelled fields ("Cookie name: _ga." "Expiry: 2 years."), in the ten
	// languages.
	fieldName     = mustCue(`(?i)^\s*(?:cookie[\s-]?name|name of (?:the )?cookie|cookie|name|naam|nom(?: du cookie)?|nombre(?: de la cookie)?|nome(?: del cookie)?|namn|navn|nazwa(?: pliku cookie)?)\s*:\s*([A-Za-z0-9_.\-#*$\[\]<>]{2,60}?)\.?\s*$`)
	fieldExpiry   = mustCue(`(?i)^\s*(?:expiry|expiration|expires|duration|maximum storage duration|storage duration|lifespan|life span|lifetime|retention(?: period)?|speicherdauer|laufzeit|ablauf|gültigkeit|bewaartermijn|looptijd|vervaltijd|geldigheid|durée(?: de (?:conservation|vie))?|expiration|duración|caducidad|durata|scadenza|lagringstid|utløp|udløb|varighed|varighet|czas (?:przechowywania|życia)|okres przechowywania|wygaśnięcie)\s*:\s*(.+?)\.?\s*$`)
	fieldProvider = mustCue(`(?i)^\s*(?:provider|set by|anbieter|dienstanbieter|aanbieder|fournisseur|proveedor|fornitore|leverantör|udbyder|leverandør|dostawca)\s*:\s*(.+?)\.?\s*$`)
)

// fieldCookies reads declarations written as labelled fields over several
// sentences: a name line followed, within the next three lines, by an
// expiry line (and perhaps a provider line).
func fieldCookies(sentences []string) []CookieDeclaration {
	var out []CookieDeclaration
	for i, s := range sentences {
		if !strings.Contains(s, ":") {
			continue
		}
		m := fieldName.FindStringSubmatch(s)
		if m == nil || !looksLikeCookieName(m[1]) || cookieStopwords[strings.ToLower(m[1])] {
			continue
		}
		c := CookieDeclaration{Name: m[1], Source: "text"}
		for _, next := range sentences[i+1 : min(len(sentences), i+4)] {
			if fieldName.MatchString(next) {
				break
			}
			if e := fieldExpiry.FindStringSubmatch(next); e != nil && c.DurationText == "" {
				c.DurationText = strings.TrimSpace(e[1])
			}
			if p := fieldProvider.FindStringSubmatch(next); p != nil && c.Provider == "" {
				c.Provider = strings.TrimSpace(p[1])
			}
		}
		if c.DurationText == "" {
			continue
		}
		setLifetime(&c)
		out = append(out, c)
	}
	return out
}

// proseUnits are the duration unit words findDuration accepts in prose:
// the parser's units without single letters and short words that are
// ordinary words in some language ("min", "std", "sec").
var proseUnits = func() map[string]bool {
	m := map[string]bool{}
	for u := range durationUnits {
		if len([]rune(u)) >= 3 && u != "min" && u != "std" && u != "sec" && u != "mos" && u != "yrs" {
			m[u] = true
		}
	}
	// "år" (year) is no other word in Danish, Norwegian or Swedish.
	for _, u := range []string{"an", "yrs", "år"} {
		m[u] = true
	}
	return m
}()

var proseSession = map[string]bool{"session": true, "sitzung": true, "sessie": true, "sesja": true, "sesji": true, "sesión": true, "sessione": true}

// findDuration returns the first lifetime phrase in s ("2 years", "24
// Stunden", "one year", "session"), or "". It scans words rather than
// running one large pattern: it is called for every candidate sentence.
func findDuration(s string) string {
	words := strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '.' && r != ','
	})
	session := ""
	for i, w := range words {
		w = strings.TrimRight(w, ".,")
		lw := strings.ToLower(w)
		if proseSession[lw] && session == "" {
			session = w
			if i >= 2 && strings.EqualFold(words[i-2], "end") {
				session = "end of " + w
			}
		}
		// "90days", "24h" written together.
		if j := strings.IndexFunc(lw, func(r rune) bool { return !unicode.IsDigit(r) && r != '.' && r != ',' }); j > 0 && proseUnits[lw[j:]] {
			return w
		}
		if !proseUnits[lw] || i == 0 {
			continue
		}
		prev := strings.ToLower(strings.TrimRight(words[i-1], ".,"))
		if _, ok := parseNumber(prev); ok && (lw != "an" || prev[0] >= '0' && prev[0] <= '9') {
			if prev == "a" || prev == "an" || prev == "one" || prev == "en" || prev == "et" || prev == "to" {
				// Ambiguous number words count only before a clear unit.
				if lw == "an" {
					continue
				}
			}
			return words[i-1] + " " + w
		}
	}
	return session
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
