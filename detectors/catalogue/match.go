package catalogue

import (
	"fmt"
	"slices"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/detectors/internal/dom"
)

// Match is one matcher that fired on one input.
type Match struct {
	Matcher *Matcher
	// IDs are the identifiers the matcher extracted (may be empty).
	IDs []string
	// Value is what matched: the URL, cookie name, global value or
	// attribute value (not truncated).
	Value string
	// Inert is set on a DOM match whose every element sits inside a
	// <noscript> or <template> ("noscript", "template"): markup that does
	// not load while JavaScript runs.
	Inert string
}

// maxIDsPerInput bounds the IDs one input can contribute.
const maxIDsPerInput = 10

// urlIndex pre-filters request and script matchers by host, so that a
// request to an unrelated host costs a few map look-ups.
type urlIndex struct {
	exact map[string][]*Matcher // host → matchers
	wild  map[string][]*Matcher // suffix of "*.suffix" → matchers
	any   []*Matcher            // no hosts: pre-filtered by a literal
}

func newURLIndex() *urlIndex {
	return &urlIndex{exact: map[string][]*Matcher{}, wild: map[string][]*Matcher{}}
}

func (x *urlIndex) add(m *Matcher) {
	if len(m.hosts) == 0 {
		x.any = append(x.any, m)
		return
	}
	for _, h := range m.hosts {
		if s, ok := strings.CutPrefix(h, "*."); ok {
			x.wild[s] = append(x.wild[s], m)
		} else {
			x.exact[h] = append(x.exact[h], m)
		}
	}
}

// candidates appends to buf the matchers of kind whose host filter admits
// host and whose literal pre-filter occurs in target, in catalogue order.
func (x *urlIndex) candidates(buf []*Matcher, kind Kind, host, target string) []*Matcher {
	add := func(ms []*Matcher) {
		for _, m := range ms {
			if m.Kind == kind && (m.contains == "" || strings.Contains(target, m.contains)) && !slices.Contains(buf, m) {
				buf = append(buf, m)
			}
		}
	}
	add(x.exact[host])
	for s := host; s != ""; {
		add(x.wild[s])
		i := strings.IndexByte(s, '.')
		if i < 0 {
			break
		}
		s = s[i+1:]
	}
	add(x.any)
	slices.SortFunc(buf, func(a, b *Matcher) int { return a.order - b.order })
	return buf
}

// SplitURL turns an absolute http(s) URL into the matching target: the
// lower-cased host name (no port, no user info) followed by the path and
// query, without scheme or fragment. ok is false for other URLs.
func SplitURL(raw string) (host, target string, ok bool) {
	var rest string
	switch {
	case len(raw) > 8 && strings.EqualFold(raw[:8], "https://"):
		rest = raw[8:]
	case len(raw) > 7 && strings.EqualFold(raw[:7], "http://"):
		rest = raw[7:]
	default:
		return "", "", false
	}
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	end := strings.IndexAny(rest, "/?")
	if end < 0 {
		end = len(rest)
	}
	host = rest[:end]
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		host = host[i+1:]
	}
	if strings.HasPrefix(host, "[") { // IPv6 literal
		if i := strings.IndexByte(host, ']'); i >= 0 {
			host = host[:i+1]
		}
	} else if i := strings.IndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	host = strings.TrimSuffix(host, ".")
	if host == "" {
		return "", "", false
	}
	if hasUpper(host) {
		host = strings.ToLower(host)
	}
	return host, host + rest[end:], true
}

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

// MatchURL runs the request or script matchers on an absolute URL. At most
// one match per vendor is returned: the first of its matchers, in file
// order, that fires.
func (c *Catalogue) MatchURL(kind Kind, rawURL string) []Match {
	host, target, ok := SplitURL(rawURL)
	if !ok {
		return nil
	}
	var arr [16]*Matcher
	cands := c.urls.candidates(arr[:0], kind, host, target)
	return firstPerVendor(cands, func(m *Matcher) ([]string, bool) { return m.matchString(target) }, rawURL)
}

func firstPerVendor(cands []*Matcher, try func(*Matcher) ([]string, bool), value string) []Match {
	var out []Match
	var done []*Vendor
	for _, m := range cands {
		if slices.Contains(done, m.Vendor) {
			continue
		}
		if ids, ok := try(m); ok {
			out = append(out, Match{Matcher: m, IDs: ids, Value: value})
			done = append(done, m.Vendor)
		}
	}
	return out
}

// MatchInline runs the inline-script matchers on the text of one <script>
// element without src.
func (c *Catalogue) MatchInline(text string) []Match {
	return firstPerVendor(c.inline, func(m *Matcher) ([]string, bool) {
		if m.contains != "" && !strings.Contains(text, m.contains) {
			return nil, false
		}
		return m.matchString(text)
	}, text)
}

// MatchGlobals runs the global matchers on the probed JavaScript paths of a
// page (path → short rendering of the value).
func (c *Catalogue) MatchGlobals(globals map[string]string) []Match {
	if len(globals) == 0 {
		return nil
	}
	var out []Match
	for _, m := range c.globals {
		v, ok := globals[m.Path]
		if !ok {
			continue
		}
		if ids, ok := m.matchString(v); ok {
			out = append(out, Match{Matcher: m, IDs: ids, Value: v})
		}
	}
	return out
}

// MatchDOM runs the DOM matchers on a parsed document.
func (c *Catalogue) MatchDOM(doc *goquery.Document) []Match {
	if doc == nil {
		return nil
	}
	var out []Match
	for _, m := range c.dom {
		if mt, ok := m.matchDOM(doc); ok {
			out = append(out, mt)
		}
	}
	return out
}

// MatchCookie finds the cookie matcher for a cookie name on a domain (the
// cookie's Domain, with or without leading dot). When a matcher knows the
// name but restricts it to other domains (e.g. "fr" outside facebook.com),
// ok is false and m.Matcher is that matcher, so that callers can refuse
// other attributions of the name to the same vendor.
func (c *Catalogue) MatchCookie(name, domain string) (m Match, ok bool) {
	var wrong *Matcher
	for _, mt := range c.cookies {
		ids, hit := mt.matchString(name)
		if !hit {
			continue
		}
		if !mt.domainOK(domain) {
			if wrong == nil {
				wrong = mt
			}
			continue
		}
		return Match{Matcher: mt, IDs: ids, Value: name}, true
	}
	return Match{Matcher: wrong, Value: name}, false
}

func (m *Matcher) domainOK(domain string) bool {
	if len(m.domains) == 0 {
		return true
	}
	d := strings.ToLower(strings.TrimPrefix(domain, "."))
	for _, want := range m.domains {
		if d == want || strings.HasSuffix(d, "."+want) {
			return true
		}
	}
	return false
}

func (m *Matcher) matchString(s string) ([]string, bool) {
	if m.match != nil && !m.match.MatchString(s) {
		return nil, false
	}
	for _, r := range m.requires {
		if !r.MatchString(s) {
			return nil, false
		}
	}
	return m.extractIDs(s), true
}

func (m *Matcher) extractIDs(s string) []string {
	re := m.idRegex
	if re == nil {
		re = m.match
	}
	if re == nil || re.NumSubexp() == 0 {
		return nil
	}
	var ids []string
	for _, loc := range re.FindAllStringSubmatchIndex(s, maxIDsPerInput) {
		var id string
		if m.idTemplate != "" {
			id = string(re.ExpandString(nil, m.idTemplate, s, loc))
		} else if loc[2] >= 0 {
			id = s[loc[2]:loc[3]]
		}
		for part := range strings.SplitSeq(id, ",") {
			if part = strings.TrimSpace(part); part != "" && !slices.Contains(ids, part) {
				ids = append(ids, part)
			}
		}
	}
	return ids
}

func (m *Matcher) matchDOM(doc *goquery.Document) (Match, bool) {
	// A match outside <noscript>/<template> wins over an inert one.
	var live, inert Match
	liveFound, inertFound := false, false
	doc.FindMatcher(m.selector).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		value := ""
		if m.attr != "" {
			v, ok := s.Attr(m.attr)
			if !ok {
				return true
			}
			value = v
		}
		ids, ok := m.matchString(value)
		if m.match == nil && m.attr == "" {
			ids, ok = nil, true
		}
		if !ok {
			return true
		}
		out, found := &live, &liveFound
		container := inertContainer(s.Get(0))
		if container != "" {
			out, found = &inert, &inertFound
		}
		if !*found {
			*out = Match{Matcher: m, Value: value, Inert: container}
			*found = true
		}
		for _, id := range ids {
			if !slices.Contains(out.IDs, id) {
				out.IDs = append(out.IDs, id)
			}
		}
		return !liveFound || len(live.IDs) < maxIDsPerInput
	})
	if liveFound {
		return live, true
	}
	return inert, inertFound
}

// test runs the matcher alone on an example input.
func (m *Matcher) test(ex rawExample) ([]string, bool) {
	switch m.Kind {
	case KindRequest, KindScript:
		host, target, ok := SplitURL(ex.Input)
		if !ok {
			return nil, false
		}
		// The same host and literal pre-filter as MatchURL.
		idx := newURLIndex()
		idx.add(m)
		if len(idx.candidates(nil, m.Kind, host, target)) == 0 {
			return nil, false
		}
		return m.matchString(target)
	case KindInline:
		if m.contains != "" && !strings.Contains(ex.Input, m.contains) {
			return nil, false
		}
		return m.matchString(ex.Input)
	case KindCookie:
		ids, ok := m.matchString(ex.Input)
		return ids, ok && m.domainOK(ex.Domain)
	case KindGlobal:
		return m.matchString(ex.Input)
	case KindDOM:
		mt, ok := m.matchDOM(dom.Parse(ex.Input))
		return mt.IDs, ok
	}
	return nil, false
}

// CheckExamples runs every example of every matcher and returns one line per
// failure: a match example must fire its matcher (with the listed IDs, when
// given); a no_match example must fire no matcher of the same product
// and kind (a like button's sdk.js is a no_match of the Meta Pixel, and a
// match of Facebook's social plugins).
func (c *Catalogue) CheckExamples() []string {
	var fails []string
	for _, v := range c.vendors {
		for _, m := range v.Matchers {
			for _, ex := range m.examples.Match {
				fails = append(fails, m.checkMatch(ex)...)
			}
			for _, ex := range m.examples.NoMatch {
				if f := v.checkNoMatch(m, ex); f != "" {
					fails = append(fails, f)
				}
			}
		}
	}
	return fails
}

func (m *Matcher) checkMatch(ex rawExample) []string {
	ids, ok := m.test(ex)
	if !ok {
		return []string{fmt.Sprintf("%s/%s: match example does not match: %q", m.Vendor.Slug, m.ID, ex.Input)}
	}
	if ex.IDs != nil && !slices.Equal(sortedCopy(ids), sortedCopy(ex.IDs)) {
		return []string{fmt.Sprintf("%s/%s: example %q: ids %q, want %q", m.Vendor.Slug, m.ID, ex.Input, ids, ex.IDs)}
	}
	return nil
}

func (v *Vendor) checkNoMatch(m *Matcher, ex rawExample) string {
	for _, o := range v.Matchers {
		if o.Kind != m.Kind || o.Product != m.Product || (o.Kind == KindGlobal && o.Path != m.Path) {
			continue
		}
		if _, ok := o.test(ex); ok {
			return fmt.Sprintf("%s/%s: no_match example %q is matched by %s", v.Slug, m.ID, ex.Input, o.ID)
		}
	}
	return ""
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

// URLMatches is everything the catalogue knows about one request URL.
type URLMatches struct {
	// Host is the URL's lower-case host; ok is false for URLs that are not
	// http(s).
	Host string
	ok   bool
	// Request are the request matchers that fired (one per vendor).
	Request []Match
	// Entity is the third-party-web entity of the host, or nil.
	Entity *Entity

	raw        string
	target     string
	script     []Match
	scriptDone bool
}

// matchScript runs the script matchers on the URL on first use only.
func (u *URLMatches) matchScript(c *Catalogue) []Match {
	if !u.scriptDone {
		u.scriptDone = true
		if u.ok {
			var arr [16]*Matcher
			cands := c.urls.candidates(arr[:0], KindScript, u.Host, u.target)
			u.script = firstPerVendor(cands, func(m *Matcher) ([]string, bool) { return m.matchString(u.target) }, u.raw)
		}
	}
	return u.script
}

// Matched reports whether any catalogue rule (request or, for a script,
// script) fired on the URL.
func (u *URLMatches) Matched(script bool) bool {
	return len(u.Request) > 0 || (script && len(u.script) > 0)
}

// Classifier matches each distinct URL of a crawl once, against every
// request and script rule and the entity table, and remembers the answer:
// a crawl repeats URLs on every page and profile, and both the tracker
// detection and the third-party list need them. It is not safe for
// concurrent use; make one per crawl.
type Classifier struct {
	c       *Catalogue
	memo    map[string]*URLMatches
	domains map[string]string // host → registrable domain
}

// NewClassifier returns an empty classifier for one crawl.
func (c *Catalogue) NewClassifier() *Classifier {
	return &Classifier{c: c, memo: map[string]*URLMatches{}, domains: map[string]string{}}
}

// Domain returns the registrable domain of a host, remembered per crawl.
func (x *Classifier) Domain(host string) string {
	d, ok := x.domains[host]
	if !ok {
		d = crawler.RegistrableDomain(host)
		x.domains[host] = d
	}
	return d
}

// Entity returns the third-party-web entity of a host (or of a cookie
// domain without its leading dot), or nil.
func (x *Classifier) Entity(host string) *Entity { return x.c.entities.lookup(host) }

// Catalogue returns the catalogue the classifier matches against.
func (x *Classifier) Catalogue() *Catalogue { return x.c }

// URL classifies a URL; with script true the script matchers run too (once
// per URL).
func (x *Classifier) URL(raw string, script bool) *URLMatches {
	u := x.memo[raw]
	if u == nil {
		u = &URLMatches{raw: raw}
		u.Host, u.target, u.ok = SplitURL(raw)
		if u.ok {
			var arr [16]*Matcher
			cands := x.c.urls.candidates(arr[:0], KindRequest, u.Host, u.target)
			u.Request = firstPerVendor(cands, func(m *Matcher) ([]string, bool) { return m.matchString(u.target) }, raw)
			u.Entity = x.c.entities.lookup(u.Host)
		}
		x.memo[raw] = u
	}
	if script {
		u.matchScript(x.c)
	}
	return u
}

// Script returns the script matches of a URL classified with script true.
func (u *URLMatches) Script() []Match { return u.script }

// Distinct returns how many distinct URLs the classifier has matched.
func (x *Classifier) Distinct() int { return len(x.memo) }
