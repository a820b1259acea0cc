package policy

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"golang.org/x/net/html"
)

// Locale is the language and region a site addresses, as its home page
// declares them.
type Locale struct {
	// Lang is an ISO 639-1 code ("en"), "" when unknown.
	Lang string
	// Region is a lower-case ISO 3166 code ("us", "gb", "au", "de"), "" when
	// unknown.
	Region string
	// Assumed is true when Region is a guess (an English site on a generic
	// top-level domain is taken to address the United States), not
	// something the site declares.
	Assumed bool
	// Source says how the region was found, for the candidate's reason.
	Source string
}

// genericTLDs are top-level domains that say nothing about a country, and
// country codes sold as generic names.
var genericTLDs = map[string]bool{"com": true, "net": true, "org": true, "info": true, "biz": true, "io": true,
	"co": true, "ai": true, "app": true, "dev": true, "me": true, "tv": true, "cc": true, "ly": true, "to": true,
	"fm": true, "gg": true, "so": true, "sh": true, "ws": true, "xyz": true, "online": true, "site": true,
	"shop": true, "store": true, "tech": true, "cloud": true, "test": true, "example": true, "localhost": true}

// SiteLocale reads the site's language and region from the home page:
// <html lang="en-AU">, then the hreflang of the <link rel="alternate"> that
// points at the home page itself, then the country-code top-level domain.
// An English site on a generic top-level domain (.com, .org, …) is assumed
// to address the United States.
func SiteLocale(home *url.URL, homeHTML string) Locale {
	var loc Locale
	lang, self := headLocale(home, homeHTML)
	if l, r := splitTag(lang); l != "" {
		loc.Lang = l
		if r != "" {
			loc.Region, loc.Source = r, fmt.Sprintf("<html lang=%q>", lang)
		}
	}
	if loc.Region == "" && self != "" {
		if l, r := splitTag(self); r != "" {
			loc.Region, loc.Source = r, fmt.Sprintf("hreflang %q of the home page", self)
			if loc.Lang == "" {
				loc.Lang = l
			}
		}
	}
	if loc.Region == "" && home != nil {
		host := strings.TrimSuffix(strings.ToLower(home.Hostname()), ".")
		tld := host[strings.LastIndexByte(host, '.')+1:]
		switch {
		case tld == "us":
			loc.Region, loc.Source = "us", "the .us domain"
		case tld == "uk":
			loc.Region, loc.Source = "gb", "the .uk domain"
		case len(tld) == 2 && !genericTLDs[tld]:
			loc.Region, loc.Source = tld, "the ."+tld+" domain"
		case loc.Lang == "en" || loc.Lang == "":
			if genericTLDs[tld] && tld != "test" && tld != "example" && tld != "localhost" {
				loc.Region, loc.Assumed = "us", true
				loc.Source = "an English site on a generic domain (." + tld + "), taken to address the United States"
			}
		}
	}
	return loc
}

// headLocale returns <html lang> and the hreflang of the alternate link to
// the home page itself, reading no further than <body>.
func headLocale(home *url.URL, page string) (lang, self string) {
	if page == "" {
		return "", ""
	}
	z := html.NewTokenizer(strings.NewReader(page))
	for n := 0; n < 5000; n++ {
		tt := z.Next()
		if tt == html.ErrorToken {
			return
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		switch string(name) {
		case "body":
			return
		case "html":
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				if string(k) == "lang" || (string(k) == "xml:lang" && lang == "") {
					lang = strings.TrimSpace(string(v))
				}
			}
		case "link":
			var rel, hreflang, href string
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				switch string(k) {
				case "rel":
					rel = strings.ToLower(string(v))
				case "hreflang":
					hreflang = string(v)
				case "href":
					href = string(v)
				}
			}
			if self == "" && strings.Contains(rel, "alternate") && hreflang != "" && !strings.EqualFold(hreflang, "x-default") && home != nil {
				if u, err := home.Parse(href); err == nil && strings.TrimSuffix(u.String(), "/") == strings.TrimSuffix(home.String(), "/") {
					self = hreflang
				}
			}
		}
	}
	return
}

// splitTag splits a language tag ("en-US", "de_AT", "en") into lower-case
// language and region.
func splitTag(tag string) (lang, region string) {
	parts := strings.FieldsFunc(strings.ToLower(tag), func(r rune) bool { return r == '-' || r == '_' })
	if len(parts) == 0 || len(parts[0]) < 2 || len(parts[0]) > 3 {
		return "", ""
	}
	lang = parts[0]
	for _, p := range parts[1:] {
		if len(p) == 2 {
			region = p
			if region == "uk" {
				region = "gb"
			}
			break
		}
	}
	return lang, region
}

// eu lists the European Union and EEA members, whose sites an "EU" or
// "EEA" statement addresses.
var eu = map[string]bool{"at": true, "be": true, "bg": true, "hr": true, "cy": true, "cz": true, "dk": true,
	"ee": true, "fi": true, "fr": true, "de": true, "gr": true, "hu": true, "ie": true, "it": true, "lv": true,
	"lt": true, "lu": true, "mt": true, "nl": true, "pl": true, "pt": true, "ro": true, "sk": true, "si": true,
	"es": true, "se": true, "no": true, "is": true, "li": true}

// regionTokens maps URL path tokens to regions. "global" and its kind mark a
// statement for everyone.
var regionTokens = map[string]string{"us": "us", "usa": "us", "uk": "gb", "gb": "gb", "au": "au", "ca": "ca",
	"eu": "eu", "eea": "eu", "europe": "eu", "nz": "nz", "ie": "ie", "sg": "sg", "za": "za", "at": "at",
	"ch": "ch", "be": "be", "br": "br", "mx": "mx", "jp": "jp", "kr": "kr", "apac": "apac", "emea": "eu", "latam": "latam",
	"australia": "au", "canada": "ca", "global": "global", "international": "global", "worldwide": "global"}

// regionPhrases maps link-text phrases (lower case, word-start) to regions.
var regionPhrases = []struct{ phrase, region string }{
	{"australia", "au"}, {"australian", "au"}, {"united kingdom", "gb"}, {"great britain", "gb"},
	{"canada", "ca"}, {"canadian", "ca"}, {"europe", "eu"}, {"european", "eu"},
	{"united states", "us"}, {"u.s.", "us"}, {"new zealand", "nz"}, {"ireland", "ie"},
	{"singapore", "sg"}, {"deutschland", "de"}, {"österreich", "at"}, {"schweiz", "ch"}, {"global", "global"},
	{"international", "global"}, {"worldwide", "global"},
}

// supplementWords mark a state or sector supplement that adds to the main
// policy and never replaces it ("California Privacy Notice", "CCPA").
var supplementWords = []string{"california", "ccpa", "cpra", "nevada", "virginia", "colorado", "connecticut",
	"utah", "texas", "oregon", "washington health", "consumer health", "state privacy", "us state", "u.s. state",
	"hipaa", "children", "kids", "job applicant", "candidate", "employee", "recruit"}

// policyLangs are the languages whose policy names FindCandidates knows;
// a first path segment naming one ("/de/…", "/fr-be/…") is the language of
// the page.
var policyLangs = map[string]bool{"en": true, "de": true, "nl": true, "da": true, "fr": true, "es": true, "it": true,
	"sv": true, "no": true, "nb": true, "pl": true}

// candidateLang returns the language of a candidate: its link text's
// policy name, else its first path segment, else "".
func candidateLang(c Candidate) string {
	if c.lang != "" {
		return c.lang
	}
	u, err := url.Parse(c.URL)
	if err != nil {
		return ""
	}
	seg := strings.ToLower(strings.SplitN(strings.TrimPrefix(u.Path, "/"), "/", 2)[0])
	if l, _ := splitTag(seg); l != "" && policyLangs[l] && (len(seg) == 2 || len(seg) == 5) {
		if l == "nb" {
			l = "no"
		}
		return l
	}
	return ""
}

// candidateRegion returns the region a candidate's URL or link text names,
// "supplement" for a state or audience supplement, or "".
func candidateRegion(c Candidate, text string) string {
	u, err := url.Parse(c.URL)
	if err != nil {
		return ""
	}
	l := strings.ToLower(text) + " "
	path, _ := url.PathUnescape(strings.ToLower(u.Path + " " + u.RawQuery))
	for _, w := range supplementWords {
		if containsAt(l, w, true) || strings.Contains(path, strings.ReplaceAll(w, " ", "-")) {
			return "supplement"
		}
	}
	for _, tok := range strings.FieldsFunc(path, func(r rune) bool { return !(r >= 'a' && r <= 'z') }) {
		if r, ok := regionTokens[tok]; ok {
			return r
		}
	}
	for _, p := range regionPhrases {
		if containsAt(l, p.phrase, true) {
			return p.region
		}
	}
	// Abbreviations count only in capitals ("US", not "contact us").
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !(r >= 'A' && r <= 'Z') && !(r >= 'a' && r <= 'z') }) {
		switch w {
		case "US", "USA":
			return "us"
		case "UK", "GB":
			return "gb"
		case "EU", "EEA", "EWR":
			return "eu"
		}
	}
	return ""
}

// Region bonuses (see PreferLocale).
const (
	bonusRegionMatch  = 30
	bonusGeneral      = 20
	bonusAssumedMatch = 15
	bonusHomeLink     = 5
	bonusLangMatch    = 5
	penaltyOtherLang  = -15
	penaltyOther      = -20
	penaltySupplement = -15
)

// PreferLocale re-ranks candidates for the site's locale and returns them
// sorted, best first. A statement for the site's own region (or the EU, for
// a site in a member state) ranks first; then the general policy (no region,
// or "global"); then a statement for a region the site was only assumed to
// address; statements for other regions and state or audience supplements
// ("California Privacy Notice") rank last. A policy in the site's language
// (by its link text or a "/de/" path) ranks higher, one in another language
// lower; candidates linked from the home page itself rank a little higher; home lists the URLs the home page links
// to, as FindCandidates writes them.
func PreferLocale(cands []Candidate, loc Locale, home map[string]bool) []Candidate {
	out := make([]Candidate, len(cands))
	copy(out, cands)
	for i := range out {
		c := &out[i]
		r := candidateRegion(*c, c.text)
		c.Region = r
		var why string
		switch {
		case r == "":
			c.Score += bonusGeneral
			why = "general (no region)"
		case r == "supplement":
			c.Score += penaltySupplement
			why = "a supplement for one state or audience"
		case r == "global":
			c.Score += bonusGeneral
			why = "general (global)"
		case loc.Region != "" && (r == loc.Region || (r == "eu" && eu[loc.Region])):
			if loc.Assumed {
				c.Score += bonusAssumedMatch
				why = "for region " + r + ", which " + loc.Source
			} else {
				c.Score += bonusRegionMatch
				why = "for region " + r + ", the site's region (" + loc.Source + ")"
			}
		default:
			c.Score += penaltyOther
			why = "for region " + r + ", not the site's"
		}
		c.Reason += "; " + why
		if l := candidateLang(*c); l != "" && loc.Lang != "" {
			if l == loc.Lang {
				c.Score += bonusLangMatch
				c.Reason += "; in the site's language (" + l + ")"
			} else {
				c.Score += penaltyOtherLang
				c.Reason += "; in " + l + ", the site is in " + loc.Lang
			}
		}
		if home[c.URL] {
			c.Score += bonusHomeLink
			c.Reason += "; linked from the home page"
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].URL < out[j].URL
	})
	return out
}

// DocKind is the policy.documents[] kind of a candidate.
func DocKind(c Candidate) string {
	switch {
	case c.Region != "" && c.Region != "global":
		return DocRegional
	case c.Kind == KindCookiePolicy:
		return DocCookie
	}
	return DocPrivacy
}
