package policy

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// VendorTerms tells Analyze how a vendor is named in policies.
type VendorTerms struct {
	// Vendor is the report slug, e.g. "google-analytics".
	Vendor string `json:"vendor"`
	// Name is the display name, e.g. "Google Analytics".
	Name string `json:"name"`
	// Terms are the product names that name the vendor on their own
	// ("Google Analytics", "GA4"). Terms of up to five characters written
	// in capitals ("GA4", "GTM") match case-sensitively; all others match
	// case-insensitively on word boundaries.
	Terms []string `json:"terms"`
	// Parents are parent companies ("Google LLC", "Google"). A parent alone
	// names the vendor only in a sentence that also contains one of
	// ParentContext.
	Parents []string `json:"parents,omitempty"`
	// ParentContext are lower-case word stems that make a parent-only
	// mention specific to this vendor ("analytics", "statistic" for Google
	// Analytics; "captcha", "spam" for reCAPTCHA). With none, a parent
	// alone never counts.
	ParentContext []string `json:"parent_context,omitempty"`
}

// VendorDisclosure is what the policy says about one vendor.
type VendorDisclosure struct {
	// Vendor is the slug from VendorTerms.
	Vendor string `json:"vendor"`
	// Product is the vendor's product the sentence is about ("Meta Pixel",
	// "Facebook social plugins"), or "" (JSON null) when it names only the
	// company.
	Product string `json:"product"`
	// Stance is "uses" when the policy names the vendor as used, "denies"
	// when it says the vendor is not used.
	Stance string `json:"stance"`
	// Quote is the sentence (or table row) that supports the stance.
	Quote string `json:"quote"`
	// Heading is the heading of the section the quote is in.
	Heading string `json:"heading"`
	// Term is the name that matched; Via is "term" or "parent".
	Term string `json:"term"`
	Via  string `json:"via"`
}

// Vendor stances.
const (
	StanceUses   = "uses"
	StanceDenies = "denies"
)

// termMatcher is one searchable name.
type termMatcher struct {
	lower    string // lower-cased term (case-insensitive match)
	exact    string // exact term (case-sensitive match) when caseSens
	caseSens bool
	vendors  []int // indexes into the vendor list
	parent   bool
}

// vendorIndex is the compiled form of a []VendorTerms.
type vendorIndex struct {
	vendors  []VendorTerms
	matchers []termMatcher // longest first
}

func compileVendors(vendors []VendorTerms) *vendorIndex {
	idx := &vendorIndex{vendors: vendors}
	seen := map[string]int{} // key → matcher index
	addTerm := func(term string, v int, parent bool) {
		term = strings.TrimSpace(term)
		if term == "" {
			return
		}
		cs := isAcronym(term)
		key := strings.ToLower(term)
		if cs {
			key = "\x00" + term
		}
		if parent {
			key = "p" + key
		}
		if i, ok := seen[key]; ok {
			idx.matchers[i].vendors = append(idx.matchers[i].vendors, v)
			return
		}
		seen[key] = len(idx.matchers)
		m := termMatcher{lower: strings.ToLower(term), exact: term, caseSens: cs, vendors: []int{v}, parent: parent}
		idx.matchers = append(idx.matchers, m)
	}
	for v, vt := range vendors {
		for _, t := range vt.Terms {
			addTerm(t, v, false)
		}
		for _, p := range vt.Parents {
			addTerm(p, v, true)
		}
	}
	// A term also listed as a parent (e.g. "Facebook") matches as a term.
	sort.SliceStable(idx.matchers, func(i, j int) bool {
		a, b := idx.matchers[i], idx.matchers[j]
		if len(a.lower) != len(b.lower) {
			return len(a.lower) > len(b.lower)
		}
		return !a.parent && b.parent
	})
	return idx
}

// isAcronym reports whether a short term is written in capitals and digits
// ("GA4", "GTM") and therefore matches case-sensitively.
func isAcronym(t string) bool {
	if len(t) > 5 {
		return false
	}
	for _, r := range t {
		if unicode.IsLower(r) {
			return false
		}
	}
	return true
}

// termHit is one vendor name found in a unit of text.
type termHit struct {
	start, end int
	m          *termMatcher
}

// findTermsAll finds vendor names in all units at once: each matcher scans
// the joined text a single time, and hits are mapped back to their unit.
// Within a unit, longer names win over overlapping shorter ones. texts and
// lowers are the (URL-masked) unit texts and their asciiLower forms.
func (idx *vendorIndex) findTermsAll(texts, lowers []string) [][]termHit {
	starts := make([]int, len(texts))
	size := len(texts)
	for _, t := range texts {
		size += len(t)
	}
	var jt, jl strings.Builder
	jt.Grow(size)
	jl.Grow(size)
	for i := range texts {
		starts[i] = jt.Len()
		jt.WriteString(texts[i])
		jt.WriteByte('\n')
		jl.WriteString(lowers[i])
		jl.WriteByte('\n')
	}
	text, lower := jt.String(), jl.String()
	hits := make([][]termHit, len(texts))
	covered := func(u, s, e int) bool {
		for _, h := range hits[u] {
			if s < h.end && e > h.start {
				return true
			}
		}
		return false
	}
	for i := range idx.matchers {
		m := &idx.matchers[i]
		hay, needle := lower, m.lower
		if m.caseSens {
			hay, needle = text, m.exact
		}
		for off := 0; ; {
			j := strings.Index(hay[off:], needle)
			if j < 0 {
				break
			}
			s, e := off+j, off+j+len(needle)
			off = e
			if !wordBoundary(text, s, e) {
				continue
			}
			u := sort.SearchInts(starts, s+1) - 1
			s, e = s-starts[u], e-starts[u]
			if covered(u, s, e) {
				continue
			}
			hits[u] = append(hits[u], termHit{s, e, m})
		}
	}
	for _, h := range hits {
		sort.Slice(h, func(i, j int) bool { return h[i].start < h[j].start })
	}
	return hits
}

func wordBoundary(s string, start, end int) bool {
	if start > 0 {
		r, _ := utf8.DecodeLastRuneInString(s[:start])
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '@' {
			return false
		}
	}
	if end < len(s) {
		r, _ := utf8.DecodeRuneInString(s[end:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' {
			return false
		}
		// "facebook.com": a host name, not a name in prose. A full stop
		// before a space, a line break, a quote or the end is prose.
		if r == '.' && end+1 < len(s) {
			next, _ := utf8.DecodeRuneInString(s[end+1:])
			if unicode.IsLetter(next) || unicode.IsDigit(next) {
				return false
			}
		}
	}
	return true
}

// asciiLower lower-cases ASCII letters only, keeping byte offsets stable.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

var (
	urlPattern     = regexp.MustCompile(`(?i)\bhttps?://\S+|\bwww\.\S+|\b[\w.-]+\.(?:com|net|org|io|de|nl|dk|fr|es|it|se|no|pl|eu)(?:/\S*)?`)
	socialCue      = regexp.MustCompile(`\b(?:follow(?:ing)? us|like us|find us|join us|connect with us|reach us|share (?:this|our|it|them|on|via|to|with your)|shared? on|our (?:official )?\S+ (?:page|profile|account|channel|group|community|site)s?\b|(?:sign|log) ?(?:in|on|up) (?:with|via|using)|social (?:media|network)s? (?:page|channel|profile|account|presence|site)s?|fan ?page)`)
	trackingCue    = regexp.MustCompile(`cookie|pixel|\btags?\b|track|analytic|advertis|\bads?\b|conversion|remarketing|retarget|beacon|insight|audience|campaign|statistic`)
	usageCue       = regexp.MustCompile(`\b(?:use|uses|using|used|utili[sz]e|employ|employs|rely on|relies on|deploy|embed|integrate|forwarded to|transferred to|shared with|provided by|collected (?:via|through|by)|set by|placed by|powered by|protected by|through|via)\b`)
	negCue         = regexp.MustCompile(`\b(?:(?:do|does|did|will|would|shall|can|could|are|is|have|has)\s+not|never|no longer|cannot)\b(?:\s+\S+){0,4}?\s+(?:use|using|employ|load|embed|install|deploy|integrate|utili[sz]e|rely on|work with|run|implement|include|place|set|activate)\b`)
	norCue         = regexp.MustCompile(`\b(?:neither|nor)\b`)
	useVerb        = regexp.MustCompile(`\b(?:use|uses|using|employ|employs|load|embed|install|deploy|integrate|utili[sz]e|run|implement)\b`)
	passiveNeg     = regexp.MustCompile(`^[^.;]{0,40}?\b(?:is|are|was|were|has been|have been)\s+(?:not|never|no longer)\s+(?:used|installed|loaded|embedded|active|deployed|integrated|present|in use)\b`)
	exceptCue      = regexp.MustCompile(`\b(?:except(?: for)?|other than|apart from|besides|aside from|with the exception of|save for|only)\b`)
	firstPersonUse = regexp.MustCompile(`\bwe (?:\w+ )?(?:use|employ|rely on|work with)\b`)
	practiceCue    = regexp.MustCompile(`\b(?:use|uses|used|using|utili[sz]e|employ|collect|process|processor|processors|data|information|share|shared|transfer|transferred|forward|forwarded|cookie|cookies|track|tracking|analytic|analytics|analy[sz]e|statistic|statistics|advertis\w*|ads|pixel|tag|script|plugin|plug-in|service|services|provider|providers|tool|tools|software|embed|embedded|integrat\w*|privacy|opt-out|opt out|protected|partner|partners|third part\w*|measure|identify|visitors?|campaigns?|marketing|remarketing|conversions?)\b`)
	clauseBreak    = regexp.MustCompile(`;|\. |\bbut\b|\bhowever\b|\balthough\b|\bwhereas\b|\bwhile\b|\binstead\b`)
)

// contractions expands English negative contractions ("don't" → "do not").
var contractions = strings.NewReplacer(
	"won't", "will not", "won’t", "will not",
	"can't", "can not", "can’t", "can not",
	"n't", " not", "n’t", " not",
)

// expandContractions rewrites English negative contractions so that one
// negation pattern covers them ("don't" → "do not").
func expandContractions(s string) string {
	if !strings.ContainsAny(s, "'’") {
		return s
	}
	return contractions.Replace(s)
}

// vendorVerdict classifies one vendor name in one unit: "uses", "denies" or
// "" (named, but not a tracking disclosure).
func vendorVerdict(u unit, lowerMasked string, h termHit, cues *unitCues) string {
	if u.cookieRow {
		return StanceUses
	}
	// Social mentions ("follow us on LinkedIn") are not tracking
	// disclosures unless the sentence also talks about tracking.
	if cues.social() && !cues.tracking() {
		return ""
	}
	// The clause around the name.
	start := 0
	for _, loc := range clauseBreak.FindAllStringIndex(lowerMasked[:h.start], -1) {
		start = loc[1]
	}
	prefix := expandContractions(lowerMasked[start:h.start])
	suffix := lowerMasked[h.end:]
	if exceptCue.MatchString(prefix) {
		return StanceUses
	}
	if passiveNeg.MatchString(suffix) {
		return StanceDenies
	}
	neg := negCue.MatchString(prefix) || (norCue.MatchString(prefix) && useVerb.MatchString(prefix))
	if neg {
		return StanceDenies
	}
	if strings.Contains(prefix, " not ") || strings.HasPrefix(prefix, "not ") || strings.Contains(prefix, "never ") {
		// Negated, but not about using the vendor ("we do not sell data to
		// Facebook"): no stance.
		return ""
	}
	// A bare name ("read our case study on how HubSpot customers grow") is
	// not a disclosure: the sentence must speak of a data practice.
	if !cues.practice() {
		return ""
	}
	return StanceUses
}

// maskURLs blanks out URLs and host names so that "facebook.com/policy"
// names no vendor; byte offsets are preserved.
func maskURLs(s string) string {
	if !hasHostLike(s) {
		return s
	}
	return urlPattern.ReplaceAllStringFunc(s, func(m string) string { return strings.Repeat(" ", len(m)) })
}

// analyzeVendors finds vendor disclosures in the units, one per vendor.
func analyzeVendors(idx *vendorIndex, units []unit, lang string) []VendorDisclosure {
	foreign, isForeign := foreignVendorCues[lang]
	type best struct {
		d     VendorDisclosure
		score int
		order int
	}
	uses := map[int]*best{}
	denies := map[int]*best{}
	texts := make([]string, len(units))
	lowers := make([]string, len(units))
	for i, u := range units {
		texts[i], lowers[i] = u.text, u.lower
		if hasHostLike(u.text) {
			texts[i] = maskURLs(u.text)
			lowers[i] = asciiLower(texts[i])
		}
	}
	allHits := idx.findTermsAll(texts, lowers)
	for order, u := range units {
		hits := allHits[order]
		if len(hits) == 0 {
			continue
		}
		lowerMasked := lowers[order]
		cues := &unitCues{lower: lowerMasked}
		for _, h := range hits {
			if h.m.parent && !anyParentContext(idx, h.m.vendors, lowerMasked) {
				continue
			}
			var verdict string
			if isForeign {
				verdict = foreignVerdict(foreign, u, lowerMasked, h)
				// An English sentence in the policy keeps its English
				// denial ("We do not use Facebook Pixel").
				if verdict == StanceUses && vendorVerdict(u, lowerMasked, h, cues) == StanceDenies {
					verdict = StanceDenies
				}
			} else {
				verdict = vendorVerdict(u, lowerMasked, h, cues)
			}
			if verdict == "" {
				continue
			}
			for _, v := range h.m.vendors {
				via := "term"
				score := cues.score(u.cookieRow)
				if h.m.parent {
					if !parentContext(idx.vendors[v].ParentContext, lowerMasked) {
						continue
					}
					via = "parent"
					score -= 3
				}
				d := VendorDisclosure{Vendor: idx.vendors[v].Vendor, Stance: verdict, Quote: u.text,
					Heading: u.heading, Term: u.text[h.start:h.end], Via: via}
				m := uses
				if verdict == StanceDenies {
					m = denies
				}
				if b, ok := m[v]; !ok || score > b.score {
					m[v] = &best{d, score, order}
				}
			}
		}
	}
	out := []VendorDisclosure{}
	for v := range idx.vendors {
		// A vendor both used and denied ("we do not use Google Analytics for
		// advertising") is reported as used: a denial only stands alone.
		if b, ok := uses[v]; ok {
			out = append(out, b.d)
		} else if b, ok := denies[v]; ok {
			out = append(out, b.d)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Vendor < out[j].Vendor })
	return out
}

func parentContext(ctx []string, lower string) bool {
	for _, c := range ctx {
		if strings.Contains(lower, c) {
			return true
		}
	}
	return false
}

// hasHostLike reports whether s may contain a URL or host name: a period
// followed directly by a letter, or "://".
func hasHostLike(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '.' {
			c := s[i+1] | 0x20
			if c >= 'a' && c <= 'z' {
				return true
			}
		}
	}
	return false
}

func anyParentContext(idx *vendorIndex, vendors []int, lower string) bool {
	for _, v := range vendors {
		if parentContext(idx.vendors[v].ParentContext, lower) {
			return true
		}
	}
	return false
}

// unitCues evaluates the cue patterns of one unit lazily, at most once each.
type unitCues struct {
	lower string
	done  [5]bool
	val   [5]bool
}

func (c *unitCues) get(i int, re *regexp.Regexp) bool {
	if !c.done[i] {
		c.done[i], c.val[i] = true, re.MatchString(c.lower)
	}
	return c.val[i]
}

func (c *unitCues) social() bool      { return c.get(0, socialCue) }
func (c *unitCues) tracking() bool    { return c.get(1, trackingCue) }
func (c *unitCues) practice() bool    { return c.get(2, practiceCue) }
func (c *unitCues) usage() bool       { return c.get(3, usageCue) }
func (c *unitCues) firstPerson() bool { return c.get(4, firstPersonUse) }

// score ranks a unit as a quote: first-person use, a usage verb and
// tracking words make a better quote; table rows rank below prose, and
// among them rows that speak of tracking beat "Follow us" panels.
func (c *unitCues) score(cookieRow bool) int {
	if cookieRow {
		s := -5
		if c.tracking() {
			s++
		}
		if c.social() {
			s--
		}
		return s
	}
	s := 1
	if c.usage() {
		s += 2
	}
	if c.tracking() {
		s++
	}
	if c.firstPerson() {
		s++
	}
	return s
}
