package policy

import (
	"encoding/json"
	"strings"
	"sync"
)

// Analysis is what a policy discloses. It marshals to the "policy" section
// of the privscan JSON report (schema_version 1): unknown strings are null,
// arrays are sorted (vendors by slug, cookies by name).
type Analysis struct {
	// Found is true when a policy document was read.
	Found bool
	// URL, Title and Language describe the document ("" when unknown).
	URL, Title, Language string
	// Truncated is true when only the beginning of the policy was read.
	Truncated bool
	// Vendors are the vendors the policy names as used or denies.
	Vendors []VendorDisclosure
	// Cookies are the cookies the policy declares.
	Cookies []CookieDeclaration
	// DNT and GPC are the site's stated stance on Do Not Track and Global
	// Privacy Control; the quotes and headings are the supporting sentence
	// ("" when not mentioned).
	DNT, GPC               Stance
	DNTQuote, GPCQuote     string
	DNTHeading, GPCHeading string
	// Mentions records which tracking practices the policy talks about.
	Mentions Mentions
	// Candidates are the links considered when the policy was looked for
	// (set by callers that searched; Analyze leaves it empty).
	Candidates []Candidate
	// Documents are the documents read or rejected while looking for the
	// policy, in the order they were tried (set by callers that fetch).
	Documents []DocumentRecord
	// USNexus says why the policy read has a plausible tie to the United
	// States (see USNexus), "" when it has none (set by callers that read
	// documents).
	USNexus string
	// Error says why no policy could be read, when Found is false.
	Error string
}

// Mentions records whether the policy talks about each practice at all.
type Mentions struct {
	Cookies           bool `json:"cookies"`
	SessionCookies    bool `json:"session_cookies"`
	PersistentCookies bool `json:"persistent_cookies"`
	ThirdPartyCookies bool `json:"third_party_cookies"`
	Analytics         bool `json:"analytics"`
	Advertising       bool `json:"advertising"`
	WebBeacons        bool `json:"web_beacons"`
}

// analysisJSON is the wire form of Analysis.
type analysisJSON struct {
	Found      bool                `json:"found"`
	URL        *string             `json:"url"`
	Title      *string             `json:"title"`
	Language   *string             `json:"language"`
	Truncated  bool                `json:"truncated,omitempty"`
	Vendors    []VendorDisclosure  `json:"vendors"`
	Cookies    []CookieDeclaration `json:"cookies"`
	DNT        Stance              `json:"dnt"`
	DNTQuote   *string             `json:"dnt_quote"`
	DNTHeading *string             `json:"dnt_heading"`
	GPC        Stance              `json:"gpc"`
	GPCQuote   *string             `json:"gpc_quote"`
	GPCHeading *string             `json:"gpc_heading"`
	Mentions   *Mentions           `json:"mentions"`
	Candidates []Candidate         `json:"candidates,omitempty"`
	Documents  []DocumentRecord    `json:"documents,omitempty"`
	USNexus    string              `json:"us_nexus,omitempty"`
	Error      string              `json:"error,omitempty"`
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// MarshalJSON writes the report's "policy" object.
func (a Analysis) MarshalJSON() ([]byte, error) {
	w := analysisJSON{
		Found: a.Found, URL: nullable(a.URL), Title: nullable(a.Title), Language: nullable(a.Language),
		Truncated: a.Truncated, Vendors: a.Vendors, Cookies: a.Cookies,
		DNT: a.DNT, DNTQuote: nullable(a.DNTQuote), DNTHeading: nullable(a.DNTHeading),
		GPC: a.GPC, GPCQuote: nullable(a.GPCQuote), GPCHeading: nullable(a.GPCHeading),
		Candidates: a.Candidates, Documents: a.Documents, USNexus: a.USNexus, Error: a.Error,
	}
	if a.Found {
		w.Mentions = &a.Mentions
		if w.Vendors == nil {
			w.Vendors = []VendorDisclosure{}
		}
		if w.Cookies == nil {
			w.Cookies = []CookieDeclaration{}
		}
	}
	if w.DNT == "" {
		w.DNT = NotMentioned
	}
	if w.GPC == "" {
		w.GPC = NotMentioned
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads what MarshalJSON writes.
func (a *Analysis) UnmarshalJSON(b []byte) error {
	var w analysisJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*a = Analysis{
		Found: w.Found, URL: deref(w.URL), Title: deref(w.Title), Language: deref(w.Language),
		Truncated: w.Truncated, Vendors: w.Vendors, Cookies: w.Cookies,
		DNT: w.DNT, DNTQuote: deref(w.DNTQuote), DNTHeading: deref(w.DNTHeading),
		GPC: w.GPC, GPCQuote: deref(w.GPCQuote), GPCHeading: deref(w.GPCHeading),
		Candidates: w.Candidates, Documents: w.Documents, USNexus: w.USNexus, Error: w.Error,
	}
	if w.Mentions != nil {
		a.Mentions = *w.Mentions
	}
	return nil
}

// Analyze reads a Document and reports the vendors it names or denies, the
// cookies it declares, its DNT and GPC stance and the practices it
// mentions. vendors is the list of vendors to look for (the vendor
// catalogue's, see scan.PolicyTerms). A nil doc yields an Analysis with Found false.
// Analyze is deterministic and safe for concurrent use. It compiles the
// vendor list on every call; a caller that reads several documents against
// the same list uses NewAnalyzer once.
func Analyze(doc *Document, vendors []VendorTerms) *Analysis {
	return NewAnalyzer(vendors).Analyze(doc)
}

// notFound is the Analysis of no document: nothing found, no stance.
func notFound() *Analysis { return &Analysis{DNT: NotMentioned, GPC: NotMentioned} }

// Analyzer reads documents against a vendor list compiled once: with the
// entity table's thousands of names, compiling costs as much as reading a
// policy.
type Analyzer struct {
	idx func() *vendorIndex
}

// NewAnalyzer returns an Analyzer for a vendor list (see Analyze); the list
// is compiled on first use, once. An Analyzer is safe for concurrent use.
func NewAnalyzer(vendors []VendorTerms) *Analyzer {
	return &Analyzer{idx: sync.OnceValue(func() *vendorIndex { return compileVendors(vendors) })}
}

// Analyze is the package-level Analyze with the compiled vendor list.
func (an *Analyzer) Analyze(doc *Document) *Analysis {
	a := notFound()
	if doc == nil {
		return a
	}
	a.Found = true
	a.URL, a.Title, a.Language, a.Truncated = doc.URL, doc.Title, doc.Language, doc.Truncated

	// units are the sentences (for the signal stances); vunits add the
	// table rows (for vendors and mentions).
	var units, vunits []unit
	cookies := []CookieDeclaration{}
	for si, s := range doc.Sections {
		cookieSection := strings.Contains(strings.ToLower(s.Heading), "cookie")
		for _, t := range s.Sentences {
			u := unit{text: t, heading: s.Heading, lower: asciiLower(t), section: si}
			units = append(units, u)
			vunits = append(vunits, u)
			cookies = append(cookies, proseCookies(t, u.lower, cookieSection)...)
		}
		cookies = append(cookies, fieldCookies(s.Sentences)...)
		for _, t := range s.Tables {
			tc := tableCookies(t)
			// One row without a header is a line with bars in it (a menu
			// in a text file), not a table.
			realTable := len(t.Header) > 0 || len(t.Rows) > 1
			cookies = append(cookies, tc...)
			for _, r := range t.Rows {
				row := strings.Join(nonEmpty(r), " | ")
				vunits = append(vunits, unit{text: row, heading: s.Heading, lower: asciiLower(row), section: si, cookieRow: tc != nil, tableRow: realTable})
			}
		}
	}
	a.Cookies = sortCookies(cookies)
	a.Vendors = analyzeVendors(an.idx(), vunits, doc.Language)

	var u unit
	a.DNT, u = signalStance(units, signalDNT)
	a.DNTQuote, a.DNTHeading = u.text, u.heading
	a.GPC, u = signalStance(units, signalGPC)
	a.GPCQuote, a.GPCHeading = u.text, u.heading

	a.Mentions = findMentions(vunits, a.Cookies, a.Vendors)
	return a
}

func nonEmpty(r []string) []string {
	out := make([]string, 0, len(r))
	for _, c := range r {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}

var (
	reCookie     = mustCue(`\bcookies?\b|\bcookie-|\bcookiebeleid|\bcookieverklaring|\bcookiepolitik`)
	reSession    = mustCue(`\bsession[\s"”“'’\-]*(?:based\s+)?cookies?\b|\bcookies? (?:that|which) (?:are|is) session|\bsitzungs-?cookies?\b|\bsessie-?cookies?\b|\bsessionscookies?\b|\bsesjonscookies?\b|\bcookies? de session\b|\bcookies? de sesión\b|\bcookie di sessione\b|\bcookies? sesyjn`)
	rePersistent = mustCue(`\b(?:persistent|permanent)[\s"”“'’\-]*(?:based\s+)?cookies?\b|\bcookies? (?:that|which) (?:are|is|remain) (?:persistent|permanent|stored)|\bpersistente? cookies?\b|\bdauerhafte cookies?\b|\bpermanente cookies?\b|\bcookies? persistants?\b|\bcookies? persistentes\b|\bcookie persistenti\b|\bcookies? stał|\bvaraktiga cookies?\b`)
	reThirdParty = mustCue(`\bthird[\s\-]part(?:y|ies)\b|\bdrittanbieter|\bderden\b|\btredjepart|\btredje ?part|\bdritte\b|\btiers\b|\bterceros\b|\bterze parti\b|\bpodmiot(?:y|ów) trzeci|\bad networks?\b|\badvertising (?:companies|partners|networks)\b|\bthese companies\b`)
	reAnalytics  = mustCue(`\banalytic|\banaly[sz](?:e|es|ed|ing|is)\b|\bstatistic|\bstatistik|\bstatistiek|\bstatistique|\bestadístic|\bstatistich|\bstatystyk|\bmeasure (?:the )?(?:use|usage|traffic|performance)|\bweb ?analys`)
	reAdvertis   = mustCue(`\badvertis|\bads\b|\bad networks?\b|\bremarketing|\bretarget|\btargeted (?:ads|advertising|promotions|campaigns|offers)|\binterest-based|\bbehaviou?ral advertising|\bwerbung|\bwerbe|\breclame|\badvertentie|\bpublicit|\bpubblicit|\breklam|\bmarketing cookies?\b`)
	reBeacon     = mustCue(`\bbeacons?\b|\bpixels?\b|\bpixel tags?\b|\bclear gifs?\b|\bweb bugs?\b|\bspy pixels?\b|\btracking pixels?\b|\bzählpixel|\bpixel-tags?\b|\bbalises? web\b`)
)

// findMentions sets the practice flags from the text units, the declared
// cookies and the named vendors. A declared session cookie counts as a
// session-cookie mention, a declared cookie with a lifetime over a day as a
// persistent-cookie mention, and a declared cookie with a provider or a
// named vendor's cookie sentence as a third-party-cookie mention.
func findMentions(units []unit, cookies []CookieDeclaration, vendors []VendorDisclosure) Mentions {
	var m Mentions
	// has runs re only when l contains one of the cheap substrings.
	has := func(l string, re *cueRE, subs ...string) bool {
		for _, sub := range subs {
			if strings.Contains(l, sub) {
				return re.MatchString(l)
			}
		}
		return false
	}
	for _, u := range units {
		l := u.lower
		if strings.Contains(l, "cookie") && reCookie.MatchString(l) {
			m.Cookies = true
			m.SessionCookies = m.SessionCookies || has(l, reSession, "sess", "sitzung", "sesj", "sesi", "sesyj")
			m.PersistentCookies = m.PersistentCookies || has(l, rePersistent, "persist", "perman", "dauerhaft", "stał", "varaktig")
			if !m.ThirdPartyCookies && (has(l, reThirdParty, "third", "dritt", "derden", "tredje", "dritte", "tiers", "tercero", "terze", "trzeci", "network", "advertising", "these companies") || namesVendor(l, vendors)) {
				m.ThirdPartyCookies = true
			}
		}
		m.Analytics = m.Analytics || has(l, reAnalytics, "analy", "statist", "measure", "estadíst", "statyst")
		m.Advertising = m.Advertising || has(l, reAdvertis, "advert", "ads", "ad network", "market", "target", "interest-based", "behavio", "werb", "reclame", "publicit", "pubblicit", "reklam")
		m.WebBeacons = m.WebBeacons || has(l, reBeacon, "beacon", "pixel", "gif", "web bug", "balise")
	}
	for _, c := range cookies {
		m.Cookies = true
		if c.Session {
			m.SessionCookies = true
		} else if c.LifetimeDays != nil && *c.LifetimeDays >= 1 {
			m.PersistentCookies = true
		}
	}
	return m
}

// namesVendor reports whether a lower-cased sentence contains the term of a
// vendor the policy names as used.
func namesVendor(l string, vendors []VendorDisclosure) bool {
	for _, v := range vendors {
		if v.Stance == StanceUses && v.Term != "" && strings.Contains(l, strings.ToLower(v.Term)) {
			return true
		}
	}
	return false
}

// MarshalJSON writes the disclosure with a null heading when there is none
// and a null product when the sentence names only the company.
func (v VendorDisclosure) MarshalJSON() ([]byte, error) {
	type plain VendorDisclosure
	return json.Marshal(struct {
		plain
		Product *string `json:"product"`
		Heading *string `json:"heading"`
	}{plain(v), nullable(v.Product), nullable(v.Heading)})
}

// MarshalJSON writes the declaration with null provider and duration_text
// when the policy gives none.
func (c CookieDeclaration) MarshalJSON() ([]byte, error) {
	type plain CookieDeclaration
	return json.Marshal(struct {
		plain
		Provider     *string `json:"provider"`
		DurationText *string `json:"duration_text"`
	}{plain(c), nullable(c.Provider), nullable(c.DurationText)})
}
