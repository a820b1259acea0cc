package catalogue

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/detectors/internal/dom"
	"github.com/privscan/privscan/report"
)

// MaxEvidencePerKind bounds the evidence a tracker keeps per kind and
// profile; duplicates (same kind, profile and detail) are dropped first.
const MaxEvidencePerKind = 3

// maxDetail bounds the length of an evidence detail.
const maxDetail = 240

// Detect runs the catalogue over the visits of one site and returns one
// tracker per vendor seen, sorted by vendor slug. Each tracker carries its
// IDs (sorted, deduplicated), the profiles and pages it was seen on and
// bounded evidence. site is the scan target; it is only used to resolve
// relative URLs when a visit has none of its own.
func (c *Catalogue) Detect(site string, visits []*crawler.Visit) []report.Tracker {
	return c.DetectParsed(site, visits, nil)
}

// DetectParsed is Detect for callers that already parsed each visit's HTML
// (docs[i] belongs to visits[i]; a nil entry is parsed here).
func (c *Catalogue) DetectParsed(site string, visits []*crawler.Visit, docs []*goquery.Document) []report.Tracker {
	return c.NewClassifier().Detect(site, visits, docs)
}

// Detect is Catalogue.DetectParsed with the classifier's memory of URLs:
// each distinct URL is matched once for the whole crawl (and again never,
// when the same classifier then lists the third parties).
func (x *Classifier) Detect(site string, visits []*crawler.Visit, docs []*goquery.Document) []report.Tracker {
	acc := map[*Vendor]*tracker{}
	for i, v := range visits {
		if v == nil {
			continue
		}
		var d *goquery.Document
		if i < len(docs) {
			d = docs[i]
		}
		x.detectVisit(acc, site, v, d)
	}
	x.detectJars(acc, site, visits)
	return finish(acc)
}

// detectJars adds the cookies of each visit's jar. The tabs of a profile
// share one jar, so a jar read after a page holds the cookies of earlier
// pages and of other tabs too: a jar cookie is evidence for a page only when
// that page's own responses or scripts set or changed it. A cookie that no
// recorded write of its profile set (a mechanism the recorder does not see)
// counts once, for the first visit, in the order given, whose jar held it.
func (x *Classifier) detectJars(acc map[*Vendor]*tracker, site string, visits []*crawler.Visit) {
	c := x.c
	type jarKey struct {
		profile            crawler.Profile
		name, domain, path string
	}
	type match struct {
		v      *crawler.Visit
		ck     crawler.Cookie
		vendor *Vendor
		detail string
		ids    []string
		own    bool
	}
	var matches []match
	setSomewhere := map[jarKey]bool{}
	for _, v := range visits {
		if v == nil {
			continue
		}
		var first []string
		for _, ck := range v.Cookies {
			var mt match
			if m, ok := c.MatchCookie(ck.Name, ck.Domain); ok {
				mt = match{vendor: m.Matcher.Vendor, detail: m.Matcher.Detail + ": " + fmt.Sprintf("%s (%s)", ck.Name, ck.Domain), ids: m.IDs}
			} else if d := strings.ToLower(strings.TrimPrefix(ck.Domain, ".")); m.Matcher == nil && d != "" {
				// An entity vendor's cookie, on a third-party domain only: the
				// catalogue rules take precedence.
				if first == nil {
					first = x.firstDomains(site, v)
				}
				e := x.Entity(d)
				if e == nil || e.Vendor == nil || slices.Contains(first, x.Domain(d)) {
					continue
				}
				mt = match{vendor: e.Vendor, detail: fmt.Sprintf("%s host (third-party-web %s): %s (%s)", e.Name, e.Category, ck.Name, ck.Domain)}
			} else {
				continue
			}
			_, own := v.SetBy(ck)
			if own {
				setSomewhere[jarKey{v.Profile, ck.Name, ck.Domain, ck.Path}] = true
			}
			mt.v, mt.ck, mt.own = v, ck, own
			matches = append(matches, mt)
		}
	}
	fallback := map[jarKey]bool{}
	for _, m := range matches {
		k := jarKey{m.v.Profile, m.ck.Name, m.ck.Domain, m.ck.Path}
		if !m.own {
			if setSomewhere[k] || fallback[k] {
				continue
			}
			fallback[k] = true
		}
		addHit(acc, m.vendor, "cookie", string(m.v.Profile), m.v.URL, m.detail, m.ids)
	}
}

// addHit records one observation of vendor.
func addHit(acc map[*Vendor]*tracker, vendor *Vendor, kind, profile, page, detail string, ids []string) {
	t := acc[vendor]
	if t == nil {
		t = &tracker{
			vendor: vendor, ids: map[string]bool{}, profiles: map[string]bool{},
			pages: map[string]bool{}, seen: map[report.Evidence]bool{}, perKind: map[string]int{},
		}
		acc[vendor] = t
	}
	t.add(kind, profile, page, detail, ids)
}

type tracker struct {
	vendor   *Vendor
	ids      map[string]bool
	profiles map[string]bool
	pages    map[string]bool
	evidence []report.Evidence
	seen     map[report.Evidence]bool
	perKind  map[string]int // kind + "\x00" + profile → count
}

func (t *tracker) add(kind, profile, page, detail string, ids []string) {
	for _, id := range ids {
		t.ids[id] = true
	}
	t.profiles[profile] = true
	if page != "" {
		t.pages[page] = true
	}
	if len(detail) > maxDetail {
		detail = detail[:maxDetail-3] + "..."
	}
	key := report.Evidence{Kind: kind, Profile: profile, Detail: detail}
	if t.seen[key] {
		return
	}
	t.seen[key] = true
	k := kind + "\x00" + profile
	if t.perKind[k] >= MaxEvidencePerKind {
		return
	}
	t.perKind[k]++
	t.evidence = append(t.evidence, report.Evidence{Kind: kind, Profile: profile, Page: page, Detail: detail})
}

// afterInteraction notes, for evidence, that a request came only after the
// scanner acted like a visitor: the tag waits for interaction (or for
// scrolling into view), which a load-and-leave scan would miss.
func afterInteraction(r *crawler.Request) string {
	switch r.AfterInteraction {
	case crawler.ActionScroll:
		return " (after scroll)"
	case crawler.ActionMouseMove:
		return " (after mouse move)"
	}
	return ""
}

func (x *Classifier) detectVisit(acc map[*Vendor]*tracker, site string, v *crawler.Visit, doc *goquery.Document) {
	c := x.c
	first := x.firstDomains(site, v)
	thirdParty := func(host string) bool { return host != "" && !slices.Contains(first, x.Domain(host)) }
	profile := string(v.Profile)
	page := v.URL
	add := func(vendor *Vendor, kind, detail string, ids []string) {
		addHit(acc, vendor, kind, profile, page, detail, ids)
	}
	hit := func(kind string, m Match, detail string) {
		add(m.Matcher.Vendor, kind, m.Matcher.Detail+": "+detail, m.IDs)
	}
	// An entity vendor is recognised by its hosts, and only where no
	// catalogue rule matched the URL: the rules take precedence.
	entityHit := func(e *Entity, kind, detail string) {
		if e != nil && e.Vendor != nil {
			add(e.Vendor, kind, fmt.Sprintf("%s host (third-party-web %s): %s", e.Name, e.Category, detail), nil)
		}
	}

	for i := range v.Requests {
		r := &v.Requests[i]
		isScript := strings.EqualFold(r.ResourceType, "script")
		u := x.URL(r.URL, isScript)
		for _, m := range u.Request {
			hit("request", m, r.URL+afterInteraction(r))
		}
		for _, m := range u.Script() {
			hit("script", m, r.URL+afterInteraction(r))
		}
		if !u.Matched(isScript) && thirdParty(u.Host) {
			entityHit(u.Entity, "request", r.URL+afterInteraction(r))
		}
		if len(r.SetCookies) > 0 {
			host := u.Host
			for _, sc := range r.SetCookies {
				name := sc.Name
				if name == "" {
					name, _, _ = strings.Cut(sc.Line, "=")
					name = strings.TrimSpace(name)
				}
				domain := cookieLineDomain(sc.Line, host)
				state := "set"
				if sc.Blocked {
					state = "blocked"
				}
				if m, ok := c.MatchCookie(name, domain); ok {
					hit("cookie", m, fmt.Sprintf("%s (%s, Set-Cookie %s)", name, domain, state))
				} else if m.Matcher == nil && thirdParty(host) {
					entityHit(u.Entity, "cookie", fmt.Sprintf("%s (%s, Set-Cookie %s)", name, domain, state))
				}
			}
		}
	}

	pageHost := ""
	if h, _, ok := SplitURL(cmp.Or(v.FinalURL, v.URL, site)); ok {
		pageHost = h
	}
	for _, w := range v.CookieWrites {
		name := w.Name
		if name == "" {
			name, _, _ = strings.Cut(w.Raw, "=")
			name = strings.TrimSpace(name)
		}
		domain := cookieLineDomain(w.Raw, pageHost)
		if m, ok := c.MatchCookie(name, domain); ok {
			d := fmt.Sprintf("%s (%s, document.cookie)", name, domain)
			if w.Script != "" {
				d = fmt.Sprintf("%s (%s, document.cookie by %s)", name, domain, w.Script)
			}
			hit("cookie", m, d)
		}
	}

	for _, m := range c.MatchGlobals(v.Globals) {
		hit("global", m, m.Matcher.Path+" = "+m.Value)
	}

	if doc == nil {
		doc = dom.Parse(v.HTML)
	}
	if doc == nil {
		return
	}
	base, _ := url.Parse(cmp.Or(v.FinalURL, v.URL, site))
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		if src, ok := s.Attr("src"); ok {
			abs := dom.Resolve(base, src)
			if abs == "" {
				return
			}
			// A script element in the DOM is not proof that it ran: consent
			// managers park scripts as type="text/plain" until consent.
			for _, m := range x.URL(abs, true).Script() {
				hit("script", m, staticScriptPrefix+abs)
			}
			return
		}
		text := s.Text()
		if strings.TrimSpace(text) == "" {
			return
		}
		for _, m := range c.MatchInline(text) {
			hit("script", m, inlineScriptPrefix+snippet(text, m))
		}
	})
	for _, m := range c.MatchDOM(doc) {
		d := m.Matcher.selSource
		if m.Value != "" {
			d += " " + m.Matcher.attr + "=" + m.Value
		}
		hit("dom", m, d)
	}
}

// snippet returns a short excerpt of an inline script around the first ID
// or the match.
func snippet(text string, m Match) string {
	needle := ""
	if len(m.IDs) > 0 {
		needle = m.IDs[0]
	}
	i := -1
	if needle != "" {
		i = strings.Index(text, needle)
	}
	if i < 0 && m.Matcher.match != nil {
		if loc := m.Matcher.match.FindStringIndex(text); loc != nil {
			i = loc[0]
		}
	}
	if i < 0 {
		i = 0
	}
	start := max(0, i-60)
	end := min(len(text), i+80)
	s := strings.Join(strings.Fields(text[start:end]), " ")
	return strings.ToValidUTF8(s, "")
}

// cookieLineDomain returns the Domain attribute of a Set-Cookie line or a
// document.cookie assignment, or host when there is none.
func cookieLineDomain(line, host string) string {
	if d := crawler.CookieAttribute(line, "domain"); d != "" {
		return strings.ToLower(d)
	}
	return host
}

// ProfileOrder sorts profile names as reports show them (see
// crawler.CompareProfiles).
func ProfileOrder(a, b string) int { return crawler.CompareProfiles(a, b) }

func finish(acc map[*Vendor]*tracker) []report.Tracker {
	out := make([]report.Tracker, 0, len(acc))
	for _, t := range acc {
		profiles := activeProfiles(t)
		slices.SortFunc(profiles, ProfileOrder)
		ev := t.evidence
		slices.SortStableFunc(ev, func(a, b report.Evidence) int {
			return cmp.Or(ProfileOrder(a.Profile, b.Profile), strings.Compare(a.Kind, b.Kind),
				strings.Compare(a.Detail, b.Detail), strings.Compare(a.Page, b.Page))
		})
		ids := keys(t.ids)
		slices.Sort(ids)
		pages := keys(t.pages)
		slices.Sort(pages)
		out = append(out, report.Tracker{
			Vendor: t.vendor.Slug, Name: t.vendor.Name, Category: t.vendor.Category,
			IDs: ids, Profiles: profiles, Pages: pages, Evidence: ev, Source: cmp.Or(t.vendor.Source, SourceCatalogue),
		})
	}
	slices.SortFunc(out, func(a, b report.Tracker) int { return strings.Compare(a.Vendor, b.Vendor) })
	return out
}

// Evidence detail prefixes of scripts seen in the DOM rather than loaded.
const (
	inlineScriptPrefix = "inline <script> "
	staticScriptPrefix = "<script src> "
)

// ActiveEvidence reports whether an observation shows the vendor doing
// something: a request, a cookie, a global its code defined, or a script
// that loaded. Code only present in the page (an inline snippet a consent or
// signal check skipped, a script parked as text/plain, a noscript pixel)
// does not.
func ActiveEvidence(e report.Evidence) bool {
	switch e.Kind {
	case "request", "cookie", "global":
		return true
	case "script":
		return !strings.Contains(e.Detail, inlineScriptPrefix) && !strings.Contains(e.Detail, staticScriptPrefix)
	}
	return false
}

// activeProfiles are the profiles in which the vendor was active (see
// ActiveEvidence); a vendor that is only present in pages counts in the
// profiles it was seen in, since that is all there is of it.
func activeProfiles(t *tracker) []string {
	active := map[string]bool{}
	for _, e := range t.evidence {
		if ActiveEvidence(e) {
			active[e.Profile] = true
		}
	}
	if len(active) == 0 {
		return keys(t.profiles)
	}
	return keys(active)
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// firstDomains are the registrable domains that are first party on a
// visit: the site's and those of the page and the page it ended on. A site
// that is itself in the entity table (a publisher's own ad domain, say) is
// not its own third party.
func (x *Classifier) firstDomains(site string, v *crawler.Visit) []string {
	var out []string
	for _, u := range []string{site, v.URL, v.FinalURL} {
		if h, _, ok := SplitURL(u); ok {
			out = append(out, x.Domain(h))
		}
	}
	return out
}
