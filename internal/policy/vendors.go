package policy

import (
	"slices"
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
	// Products are the vendor's products besides its main one (the
	// catalogue's `products:`).
	Products []ProductTerms `json:"products,omitempty"`
	// MainContext are lower-case words that point a company-only mention
	// ("Facebook") at the main product ("pixel"; the catalogue's
	// `main_context:`).
	MainContext []string `json:"main_context,omitempty"`
	// Companies are names of the company behind a vendor that name the
	// vendor (company only, no product) just in a sentence saying that
	// data goes to it or that it is used ("we use LogMeIn …", "shared
	// with LogMeIn"), a vendor list's entry or a cookie-table row: an
	// entity vendor's company ("LogMeIn" for BoldChat). In a menu line,
	// a heading or a list of links the company's name discloses nothing.
	Companies []string `json:"companies,omitempty"`
}

// WithCompany returns vt with the terms that spell company (but not the
// vendor's own name) moved to Companies: for a vendor made from a company's
// entity (third-party-web), whose company alone must be named where data
// goes to it.
func (vt VendorTerms) WithCompany(company string) VendorTerms {
	if company == "" || strings.EqualFold(company, vt.Name) {
		return vt
	}
	terms := make([]string, 0, len(vt.Terms))
	for _, t := range vt.Terms {
		if strings.EqualFold(strings.TrimSpace(t), strings.TrimSpace(company)) {
			vt.Companies = append(slices.Clone(vt.Companies), t)
			continue
		}
		terms = append(terms, t)
	}
	vt.Terms = terms
	return vt
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
	// Document is the URL of the document the quote is from, set when the
	// privacy and cookie policies are read together ("" otherwise).
	Document string `json:"document,omitempty"`
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
	vendors  []int    // indexes into the vendor list
	products []string // per vendor: the product the term names, "" for the company
	flow     []bool   // per vendor: a company name that needs a data-flow sentence (VendorTerms.Companies)
	parent   bool
	first    string // the lower-case run of letters and digits the term starts with, "" if none
}

// vendorIndex is the compiled form of a []VendorTerms.
type vendorIndex struct {
	vendors  []VendorTerms
	products []vendorProducts // per vendor
	matchers []termMatcher    // longest first
	// byFirst maps a lower-case first word to the matchers whose term
	// starts with it (in matchers' order); wordless are those whose term
	// starts with no letter or digit ("_fbp").
	byFirst  map[string][]int
	wordless []int
}

func compileVendors(vendors []VendorTerms) *vendorIndex {
	idx := &vendorIndex{vendors: vendors}
	seen := map[string]int{} // key → matcher index
	addFlowTerm := func(term string, v int, parent bool, product string, flow bool) {
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
			if !slices.Contains(idx.matchers[i].vendors, v) {
				idx.matchers[i].vendors = append(idx.matchers[i].vendors, v)
				idx.matchers[i].products = append(idx.matchers[i].products, product)
				idx.matchers[i].flow = append(idx.matchers[i].flow, flow)
			}
			return
		}
		seen[key] = len(idx.matchers)
		m := termMatcher{lower: strings.ToLower(term), exact: term, caseSens: cs, vendors: []int{v}, products: []string{product}, flow: []bool{flow}, parent: parent}
		m.first = firstWord(m.lower)
		idx.matchers = append(idx.matchers, m)
	}
	addTerm := func(term string, v int, parent bool, product string) {
		addFlowTerm(term, v, parent, product, false)
	}
	for v, vt := range vendors {
		vp, names := compileProducts(vt)
		idx.products = append(idx.products, vp)
		for _, t := range vt.Terms {
			product := vt.Name
			if companyOnly(t, vt) {
				product = ""
			}
			addTerm(t, v, false, product)
		}
		for _, t := range sortedKeys(names) {
			addTerm(t, v, false, names[t])
		}
		for _, c := range vt.Companies {
			addFlowTerm(c, v, false, "", true)
		}
		for _, p := range vt.Parents {
			// "HubSpot, Inc." and "Leadinfo B.V." contain the product's
			// name: they name it as a term does. "Meta Platforms Ireland
			// Limited" names the company.
			if t, ok := containedTerm(p, vt.Terms); ok {
				product := vt.Name
				if companyOnly(t, vt) {
					product = ""
				}
				addTerm(p, v, false, product)
				continue
			}
			addTerm(p, v, true, "")
		}
	}
	// A term also listed as a parent (e.g. "Facebook") matches as a term.
	slices.SortStableFunc(idx.matchers, func(a, b termMatcher) int {
		if len(a.lower) != len(b.lower) {
			return len(b.lower) - len(a.lower)
		}
		switch {
		case !a.parent && b.parent:
			return -1
		case a.parent && !b.parent:
			return 1
		}
		return 0
	})
	idx.byFirst = map[string][]int{}
	for i, m := range idx.matchers {
		if m.first == "" {
			idx.wordless = append(idx.wordless, i)
			continue
		}
		idx.byFirst[m.first] = append(idx.byFirst[m.first], i)
	}
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
	// A term matches only where a word starts, so one pass over the
	// text's words finds every candidate: a map lookup per word gives the
	// terms that start with it, and each costs one comparison. The
	// thousands of names (the entity table's) are never scanned for.
	type cand struct{ matcher, pos int }
	var cands []cand
	eachWord(lower, func(start, end int) {
		for _, i := range idx.byFirst[lower[start:end]] {
			m := &idx.matchers[i]
			if m.caseSens && strings.HasPrefix(text[start:], m.exact) || !m.caseSens && strings.HasPrefix(lower[start:], m.lower) {
				cands = append(cands, cand{i, start})
			}
		}
	})
	for _, i := range idx.wordless {
		m := &idx.matchers[i]
		for off := 0; ; {
			j := strings.Index(lower[off:], m.lower)
			if j < 0 {
				break
			}
			if !m.caseSens || strings.HasPrefix(text[off+j:], m.exact) {
				cands = append(cands, cand{i, off + j})
			}
			off += j + len(m.lower)
		}
	}
	// Longer names first (the matchers' order), so that they win over
	// the shorter names they overlap.
	slices.SortFunc(cands, func(a, b cand) int {
		if a.matcher != b.matcher {
			return a.matcher - b.matcher
		}
		return a.pos - b.pos
	})
	for _, c := range cands {
		m := &idx.matchers[c.matcher]
		s, e := c.pos, c.pos+len(m.lower)
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
	urlPattern = mustCue(`(?i)\bhttps?://\S+|\bwww\.\S+|\b[\w.-]+\.(?:com|net|org|io|de|nl|dk|fr|es|it|se|no|pl|eu)(?:/\S*)?`)
	socialCue  = mustCue(`\b(?:follow(?:ing)? us|like us|find us|join us|connect with us|reach us|share (?:this|our|it|them|on|via|to|with your)|shared? on|our (?:official )?(?:facebook|linkedin|instagram|twitter|youtube|xing|tiktok|pinterest|social media|company|fan|business) (?:page|profile|account|channel|group|community|site)s?\b|social (?:media|network)s? (?:page|channel|profile|account|presence|site)s?|fan ?page|(?:contact|message|reach|write to|chat with) us (?:via|on|through|using)|(?:message|write to) us\b|(?:we have|we maintain|we run|we operate|our) (?:\w+ )?(?:pages?|profiles?|accounts?|channels?|presence) on|(?:company|fan|business) page|team members are on)`)
	// trackingCue is trackingStem or trackingWord: stems anywhere, "tag"
	// and "ad" as words (split so that the stems are a plain substring
	// test).
	trackingStem   = mustCue(`cookie|pixel|track|analytic|advertis|conversion|remarketing|retarget|beacon|insight|audience|campaign|statistic`)
	trackingWord   = mustCue(`\btags?\b|\bads?\b`)
	usageCue       = mustCue(`\b(?:use|uses|using|used|utili[sz]e|employ|employs|rely on|relies on|deploy|embed|integrate|forwarded to|transferred to|shared with|provided by|collected (?:via|through|by)|set by|placed by|powered by|protected by|through|via)\b`)
	negCue         = mustCue(`\b(?:(?:do|does|did|will|would|shall|can|could|are|is|have|has|decided|chosen|choose|chose|opted|elected)\s+not(?:\s+to)?|never|no longer|cannot)\b(?:\s+\S+){0,4}?\s+(?:use|used|using|employ|load|embed|install|deploy|integrate|utili[sz]e|rely on|work with|run|implement|include|place|set|activate)\b`)
	norCue         = mustCue(`\b(?:neither|nor)\b`)
	useVerb        = mustCue(`\b(?:use|uses|using|employ|employs|load|embed|install|deploy|integrate|utili[sz]e|run|implement)\b`)
	passiveNeg     = mustCue(`^[^.;]{0,40}?\b(?:is|are|was|were|has been|have been)\s+(?:not|never|no longer)\s+(?:used|installed|loaded|embedded|active|deployed|integrated|present|in use)\b`)
	exceptCue      = mustCue(`\b(?:except(?: for)?|other than|apart from|besides|aside from|with the exception of|save for|only)\b`)
	firstPersonUse = mustCue(`\bwe (?:\w+ )?(?:use|employ|rely on|work with)\b`)
	practiceCue    = mustCue(`\b(?:use|uses|used|using|utili[sz]e|employ|collect|process|processor|processors|data|information|share|shared|transfer|transferred|forward|forwarded|cookie|cookies|track|tracking|analytic|analytics|analy[sz]e|statistic|statistics|advertis\w*|ads|pixel|tag|script|plugin|plug-in|service|services|provider|providers|tool|tools|software|embed|embedded|integrat\w*|privacy|opt-out|opt out|protected|partner|partners|third part\w*|measure|identify|visitors?|visits?|campaigns?|marketing|remarketing|conversions?|stored?|stores|storage|crm|newsletters?|mailings?|forms?|rely on|relies on|count|measure\w*|receiv\w*|log ?in|sign[ -]?in|sign up|email|include[sd]?|contains?|features?|displays?|(?:provided|powered|hosted|operated) by)\b`)
	clauseBreak    = mustCue(`;|\. |\bbut\b|\bhowever\b|\balthough\b|\bwhereas\b|\bwhile\b|\binstead\b`)
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
	if strings.IndexByte(s, '\'') < 0 && !strings.Contains(s, "’") {
		return s
	}
	return contractions.Replace(s)
}

// vendorVerdict classifies one vendor name in one unit: "uses", "denies" or
// "" (named, but not a disclosure that the site uses the vendor). cueText is
// lowerMasked with every vendor name blanked, so that the name itself
// ("Google Analytics") is no practice word.
func vendorVerdict(u unit, lowerMasked string, h termHit, cues *unitCues) string {
	if hypotheticalDeploy(lowerMasked, h, u.cookieRow) {
		return ""
	}
	if u.cookieRow {
		return StanceUses
	}
	if notADisclosure(cues) {
		return ""
	}
	// Social mentions ("follow us on LinkedIn", "contact us via Facebook")
	// are not tracking disclosures unless the sentence also talks about
	// tracking.
	if cues.social() && !cues.tracking() {
		return ""
	}
	// The clause around the name, within a window: clauses are short, and
	// a table row or run-on sentence can be long.
	win := max(0, h.start-300)
	start := win
	for _, loc := range clauseBreak.FindAllStringIndex(lowerMasked[win:h.start], -1) {
		start = win + loc[1]
	}
	prefix := expandContractions(lowerMasked[start:h.start])
	// The clause after the name, cut where the next one begins; only a
	// negation needs it.
	clauseAfter := func() string {
		suffix := lowerMasked[h.end:min(len(lowerMasked), h.end+200)]
		if loc := clauseBreak.FindStringIndex(suffix); loc != nil {
			suffix = suffix[:loc[0]]
		}
		return suffix
	}
	if exceptCue.MatchString(prefix) {
		return StanceUses
	}
	if loc := passiveNeg.FindStringIndex(lowerMasked[h.end:min(len(lowerMasked), h.end+100)]); loc != nil {
		suffix := clauseAfter()
		// "Google Analytics is not used to collect personal data": a
		// restriction on use, not a denial.
		if loc[1] <= len(suffix) && qualifiedUse.MatchString(suffix[loc[1]:]) {
			return StanceUses
		}
		return StanceDenies
	}
	neg := negCue.MatchString(prefix) || (norCue.MatchString(prefix) && useVerb.MatchString(prefix))
	if neg {
		// "We do not use Google Analytics cookies to identify you": use
		// with a restriction.
		if qualifiedUse.MatchString(clauseAfter()) {
			return StanceUses
		}
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

var (
	// qualifiedUse is a purpose after a negated use: the denial restricts
	// what the vendor is used for ("… to identify you", "… for
	// advertising").
	qualifiedUse = mustCue(`^[^,;:]*?\b(?:to (?:identify|collect|track|build|profile|sell|share|store|process|target|personali[sz]e|advertise|show|serve|link|combine|create|gather|record|monitor|send|transfer|merge|match|single out|recogni[sz]e|learn)|for (?:advertising|marketing|profiling|targeting|remarketing|retargeting|ads|personali[sz]ed|the purposes? of|purposes? of|tracking|interest-based|behaviou?ral)|in order to|so as to|in a (?:way|manner) that|in any (?:way|manner) that|with the (?:intent|aim|purpose))\b`)
	// pastCue: the vendor was used once, or removed.
	pastCue = mustCue(`\b(?:previously|formerly|used to (?:use|run|rely)|in the past|until (?:\w+ )?(?:\d{4}|recently)|removed|discontinued|replaced|migrated (?:away|off)|switched (?:away|from)|uninstalled|deactivated|stopped using|phased out|decommissioned|we used|was used|were used|had used)\b`)
	// optOutCue: instructions for opting out or settings at the vendor.
	optOutCue = mustCue(`\bopt(?:-| )?out\b|\bbrowser add-?on\b|\bprevent \S+ (?:\S+ )?from\b|\b(?:ad|ads|privacy|account) (?:settings|preferences)\b|\bdeactivate\b`)
	// vendorDocCue: a pointer to the vendor's own policy, terms or help.
	vendorDocCue = mustCue(`\b(?:privacy (?:policy|notice|statement)|data (?:policy|protection (?:policy|notice|statement))|cookie (?:policy|notice)|terms of (?:service|use)|terms|documentation|help (?:centre|center|pages)|learn more|more information|for details|further information)\b`)
	// businessCue: the vendor named as a business relation or subject
	// matter, not as a tool the site runs.
	businessCue = mustCue(`\b(?:certified|solutions? partner|partner agency|we are an? (?:\w+ ){0,3}partner|\bagency\b|for (?:our )?clients|course|training|teaches|case stud(?:y|ies)|customers grow|resell\w*|consultan\w*)`)
	// siteUse: the site itself as the subject of a use verb, or a passive
	// "is protected by".
	siteUse = mustCue(`\b(?:we|our (?:web ?)?sites?|this (?:web ?)?site|the (?:web ?)?site|our (?:pages|forms|services?|app)|us)\b(?:\s+\S+){0,3}?\s+(?:use|uses|using|utili[sz]e|employ|employs|load|loads|embed|embeds|integrate|integrates|deploy|rely|relies|run|runs|set|sets|work with|share|shares|process|send|transfer)\b|\b(?:is|are) (?:protected|provided|powered|supported) by\b`)
	// deployPassive: "(if) X is deployed / loaded via …" in a condition.
	deployPassive = mustCue(`\b(?:is|are|gets|get) (?:\w+ )?(?:deployed|loaded|used|installed|implemented|integrated|activated|enabled|added)\b`)
	// listLabel is a vendor list's label right before the name, in the ten
	// languages ("Anbieter:", "Dienstanbieter:", "verwerker:", "Provider:").
	listLabel = mustCue(`(?i)(?:^|[\s|(])(?:(?:dienst|service[\s-]?)?anbieter(?:in)?|auftragsverarbeiter|empfänger|(?:service )?providers?|(?:sub-?)?processors?|vendors?|recipients?|(?:sub)?verwerkers?|aanbieder|leverancier|ontvanger|fournisseur|prestataire|destinataire|proveedor|encargado|fornitore|responsabile|leverantör|personuppgiftsbiträde|udbyder|databehandler|leverandør|dostawca|podmiot przetwarzający|anbieter \(verantwortlicher\))\s*:\s*$`)
	condOpen  = mustCue(`\b(?:if|where|in case|should|whenever|provided that)\b`)
)

// linkList reports a line of short items between separators ("Products |
// LogMeIn | Support", "Home · Hotjar · Login") outside a table: a menu, a
// breadcrumb or a list of links, not a sentence.
func linkList(s string) bool {
	items := strings.FieldsFunc(s, func(r rune) bool { return r == '|' || r == '·' || r == '•' || r == '›' || r == '»' })
	if len(items) < 3 {
		return false
	}
	for _, it := range items {
		if len(strings.Fields(it)) > 4 || strings.ContainsAny(it, ".,;") {
			return false
		}
	}
	return true
}

// flowCue says that the site uses a company or that data goes to it:
// a use verb, or a verb of passing data on with its preposition, or the
// company as a processor or provider.
var flowCue = mustCue(`\b(?:use|uses|using|used|utili[sz]e[sd]?|employ(?:s|ed)?|rely on|relies on|deploy(?:s|ed)?|embed(?:s|ded)?|integrate[sd]?|work with|works with|partner with|(?:share[sd]?|sharing|transfer(?:s|red)?|send|sends|sent|disclose[sd]?|forward(?:s|ed)?|pass(?:es|ed)?|transmit(?:s|ted)?|provide[sd]?|made available|make available)\s+(?:\S+\s+){0,4}?(?:to|with)|(?:provided|processed|hosted|operated|powered|supplied|managed|set|placed|collected|stored|received)\s+(?:\S+\s+)?by|on (?:our )?behalf|via|through|(?:sub-?)?processors?|service providers?)\b`)

// foreignFlow is flowCue's passing-on words in the other languages (their
// use verbs are foreignCues.use).
var foreignFlow = words("übermittel*", "weitergegeben", "weitergeleitet", "auftragsverarbeit*", "doorgegeven", "doorgestuurd", "verstrekt", "verwerker*", "transmis", "transmises", "communiqué*", "sous-traitant*", "cedidos", "comunicados", "transferidos", "encargado*", "trasmess*", "comunicat*", "responsabile del trattamento", "overført*", "overføres", "databehandler*", "överför*", "personuppgiftsbiträde*", "przekazyw*", "podmiot przetwarzający")

// dataFlow reports whether a unit says that the site uses a company or
// passes data to it (see VendorTerms.Companies).
func dataFlow(c *unitCues, foreign foreignCues, isForeign bool) bool {
	if c.get(10, flowCue) {
		return true
	}
	return isForeign && (foreign.use.MatchString(c.lower) || foreignFlow.MatchString(c.lower))
}

// notADisclosure reports sentences that name a vendor without saying the
// site uses it: past use or removal, opt-out instructions, pointers to the
// vendor's own policy, business relations, unless the site itself is said
// to use something in the same sentence.
func notADisclosure(c *unitCues) bool {
	if c.keyed(5, pastCue, pastKeys) {
		return true
	}
	if !c.keyed(7, optOutCue, optOutKeys) && !c.keyed(8, vendorDocCue, vendorDocKeys) && !c.keyed(9, businessCue, businessKeys) {
		return false
	}
	return !c.get(6, siteUse)
}

// listed reports whether the text before a name ends in a vendor list's
// label ("Dienstanbieter:").
func listed(before string) bool {
	b := strings.TrimRight(before, " \t")
	if !strings.HasSuffix(b, ":") {
		return false
	}
	return listLabel.MatchString(before[max(0, len(before)-60):])
}

// hypotheticalDeploy reports a name inside a conditional clause about its
// own deployment ("if GA is deployed via Google Tag Manager, the cookie is
// named …"): it explains, it does not disclose.
//
// In a cookie-table row the row's own cookie belongs to the vendor named as
// the subject ("if Google Analytics is deployed …"), so only a name after
// the verb ("… via Google Tag Manager") is hypothetical there.
func hypotheticalDeploy(lower string, h termHit, cookieRow bool) bool {
	if !strings.Contains(lower, "if ") && !strings.Contains(lower, "where") && !strings.Contains(lower, "in case") &&
		!strings.Contains(lower, "should") && !strings.Contains(lower, "provided that") {
		return false
	}
	start := 0
	for _, loc := range condOpen.FindAllStringIndex(lower[:h.start], -1) {
		start = loc[0]
	}
	if start == 0 && !condOpen.MatchString(lower[:min(len(lower), h.start)]) {
		return false
	}
	end := len(lower)
	if i := strings.IndexAny(lower[start:], ",;|"); i >= 0 {
		end = start + i
	}
	if h.start >= end {
		return false
	}
	loc := deployPassive.FindStringIndex(lower[start:end])
	if loc == nil {
		return false
	}
	return !cookieRow || h.start >= start+loc[1]
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
	type key struct {
		vendor  int
		product string
	}
	type best struct {
		d     VendorDisclosure
		score int
	}
	uses := map[key]*best{}
	denies := map[key]*best{}
	texts := make([]string, len(units))
	lowers := make([]string, len(units))
	for i, u := range units {
		texts[i], lowers[i] = u.text, u.lower
		// "e.g." looks like a host name to hasHostLike; the URL pattern's
		// own literals ("://", "www.", ".com" …), checked on the lower-case
		// text already at hand, leave the regular expression to sentences
		// that may hold one.
		if hasHostLike(u.text) && urlPattern.mayLower(u.lower) {
			if m := maskURLs(u.text); m != u.text {
				texts[i] = m
				lowers[i] = asciiLower(m)
			}
		}
	}
	allHits := idx.findTermsAll(texts, lowers)
	for order, u := range units {
		hits := allHits[order]
		if len(hits) == 0 {
			continue
		}
		lowerMasked := lowers[order]
		// The cues are read with the names blanked: "Google Analytics" is
		// no analytics word, "LinkedIn Insight Tag" no tracking word.
		blank := []byte(lowerMasked)
		for _, h := range hits {
			for i := h.start; i < h.end; i++ {
				blank[i] = ' '
			}
		}
		cues := &unitCues{lower: string(blank), named: lowerMasked}
		// A company named beside its product ("the Facebook Pixel, a tool
		// of Meta Platforms Ireland Limited") is that product's company.
		named := map[int]bool{}
		for _, h := range hits {
			if hypotheticalDeploy(lowerMasked, h, u.cookieRow) {
				continue
			}
			for k, v := range h.m.vendors {
				if h.m.products[k] != "" {
					named[v] = true
				}
			}
		}
		for _, h := range hits {
			// A vendor's own name is no context for its parent ("Google
			// Tag Manager" does not make "Google" mean GTM).
			ctx := cues.lower
			if h.m.parent && u.heading != "" {
				// A section headed "Google Analytics" gives its "Provider:
				// Google Ireland Limited" line the context.
				ctx = cues.lower + "\n" + asciiLower(u.heading)
			}
			if h.m.parent && !anyParentContext(idx, h.m.vendors, ctx) {
				continue
			}
			var verdict string
			if !u.tableRow && linkList(u.text) {
				// "Solutions | Hotjar | Support | Login": a menu or a
				// list of links names products, it discloses no use.
				continue
			}
			if listed(lowerMasked[:h.start]) {
				// "Dienstanbieter: Google Ireland Limited", "Verwerker:
				// Leadinfo B.V.": a vendor list names the recipient.
				verdict = StanceUses
			} else if isForeign {
				verdict = foreignVerdict(foreign, u, lowerMasked, h)
				// An English sentence in the policy keeps its English
				// reading: a denial ("We do not use Facebook Pixel") or no
				// disclosure ("we removed …").
				if verdict == StanceUses {
					switch vendorVerdict(u, lowerMasked, h, cues) {
					case StanceDenies:
						verdict = StanceDenies
					case "":
						if hypotheticalDeploy(lowerMasked, h, u.cookieRow) || cues.keyed(5, pastCue, pastKeys) {
							verdict = ""
						}
					}
				}
			} else {
				verdict = vendorVerdict(u, lowerMasked, h, cues)
			}
			if verdict == "" {
				continue
			}
			for k, v := range h.m.vendors {
				// A company name alone names its entity vendor only
				// where data is said to go to it.
				if h.m.flow[k] && !u.cookieRow && !listed(lowerMasked[:h.start]) && !dataFlow(cues, foreign, isForeign) {
					continue
				}
				via := "term"
				score := cues.score(u.cookieRow)
				if h.m.parent {
					if !parentContext(idx.vendors[v].ParentContext, ctx) {
						continue
					}
					via = "parent"
					score -= 3
				}
				product := h.m.products[k]
				if product == "" && named[v] {
					continue
				}
				if product == "" {
					product = idx.products[v].productFor(cues.lower)
				}
				d := VendorDisclosure{Vendor: idx.vendors[v].Vendor, Product: product, Stance: verdict, Quote: u.text,
					Heading: u.heading, Term: u.text[h.start:h.end], Via: via}
				m := uses
				if verdict == StanceDenies {
					m = denies
				}
				kk := key{v, product}
				if b, ok := m[kk]; !ok || score > b.score {
					m[kk] = &best{d, score}
				}
			}
		}
	}
	// A company-level mention adds nothing beside the vendor's main product
	// with the same stance ("Google" beside "Google Analytics"); beside
	// another product ("LinkedIn plugins") it still says the company is
	// used.
	hasProduct := map[int]map[string]bool{}
	for _, m := range []map[key]*best{uses, denies} {
		for k, b := range m {
			if k.product == idx.vendors[k.vendor].Name {
				if hasProduct[k.vendor] == nil {
					hasProduct[k.vendor] = map[string]bool{}
				}
				hasProduct[k.vendor][b.d.Stance] = true
			}
		}
	}
	out := []VendorDisclosure{}
	for k, b := range uses {
		if k.product == "" && hasProduct[k.vendor][StanceUses] {
			continue
		}
		out = append(out, b.d)
	}
	for k, b := range denies {
		if k.product == "" && hasProduct[k.vendor][StanceDenies] {
			continue
		}
		// A product both used and denied ("we do not use Google Analytics
		// for advertising" read as a denial elsewhere) is reported as
		// used: a denial only stands alone.
		if _, ok := uses[k]; !ok {
			out = append(out, b.d)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Vendor != b.Vendor {
			return a.Vendor < b.Vendor
		}
		if a.Product != b.Product {
			return a.Product < b.Product
		}
		return a.Stance > b.Stance // uses before denies
	})
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
	lower string // the unit with vendor names blanked
	named string // the unit with its names, for the social cues ("our Facebook page")
	done  [11]bool
	val   [11]bool
}

func (c *unitCues) get(i int, re *cueRE) bool {
	if !c.done[i] {
		c.done[i], c.val[i] = true, re.MatchString(c.lower)
	}
	return c.val[i]
}

func (c *unitCues) social() bool {
	if !c.done[0] {
		c.done[0], c.val[0] = true, containsAny(c.named, socialKeys) && socialCue.MatchString(c.named)
	}
	return c.val[0]
}

// keyed is get for a cue whose every match contains one of keys: the
// regular expression runs only when a key is present.
func (c *unitCues) keyed(i int, re *cueRE, keys []string) bool {
	if !c.done[i] {
		c.done[i], c.val[i] = true, containsAny(c.lower, keys) && re.MatchString(c.lower)
	}
	return c.val[i]
}

func containsAny(s string, keys []string) bool {
	for _, k := range keys {
		if strings.Contains(s, k) {
			return true
		}
	}
	return false
}

// Substrings every match of the cue with the same name contains.
var (
	pastKeys      = []string{"previous", "formerly", "used", "in the past", "until", "remov", "discontinu", "replac", "migrat", "switch", "uninstall", "deactivat", "stopped", "phased", "decommission"}
	optOutKeys    = []string{"opt", "add-on", "addon", "prevent", "settings", "preferences", "deactivate"}
	vendorDocKeys = []string{"policy", "notice", "statement", "terms", "documentation", "help", "learn more", "information", "details"}
	businessKeys  = []string{"certified", "partner", "agency", "clients", "course", "training", "teaches", "case stud", "customers grow", "resell", "consultan"}
	socialKeys    = []string{"follow", "like us", "find us", "join us", "connect", "reach", "share", "shared", "our ", "fan", "contact", "message", "write to", "chat with", "we have", "we maintain", "we run", "we operate", "page", "team members"}
)

func (c *unitCues) tracking() bool {
	if !c.done[1] {
		c.done[1], c.val[1] = true, trackingStem.MatchString(c.lower) || trackingWord.MatchString(c.lower)
	}
	return c.val[1]
}
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

// isWordRune is a letter or digit: what a word is made of for eachWord and
// firstWord.
func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// eachWord calls f with the bounds of every maximal run of letters and
// digits in s, in order.
func eachWord(s string, f func(start, end int)) {
	start := -1
	for i, r := range s {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			f(start, i)
			start = -1
		}
	}
	if start >= 0 {
		f(start, len(s))
	}
}

// wordSet returns the maximal runs of letters and digits in s.
func wordSet(s string) map[string]bool {
	set := map[string]bool{}
	eachWord(s, func(start, end int) { set[s[start:end]] = true })
	return set
}

// firstWord returns the run of letters and digits a term starts with, or ""
// when it starts with anything else ("_fbp"), which then is always looked
// for.
func firstWord(term string) string {
	for i, r := range term {
		if !isWordRune(r) {
			return term[:i]
		}
	}
	return term
}

// containedTerm returns the longest of terms that p contains as words.
func containedTerm(p string, terms []string) (string, bool) {
	best := ""
	for _, t := range terms {
		if len(t) > len(best) && containsAnyFold(p, []string{strings.ToLower(t)}) {
			best = t
		}
	}
	return best, best != ""
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
