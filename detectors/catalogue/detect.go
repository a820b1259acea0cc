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
	d := &detection{acc: map[*Product]*tracker{}, jar: newJarEvidence(visits)}
	for i, v := range visits {
		if v == nil {
			continue
		}
		var doc *goquery.Document
		if i < len(docs) {
			doc = docs[i]
		}
		x.detectVisit(d, site, v, doc)
	}
	d.resolveShared()
	return finish(d.acc)
}

// jarKey names one cookie of one profile's jar.
type jarKey struct {
	profile            crawler.Profile
	name, domain, path string
}

// jarEvidence decides which visit a jar cookie is evidence for. The tabs of
// a profile share one jar, so a jar read after a page holds the cookies of
// earlier pages and of other tabs too: a jar cookie is evidence for a page
// only when that page's own responses or scripts set or changed it. A
// cookie that no recorded write of its profile set (a mechanism the
// recorder does not see) counts once, for the first visit, in the order
// given, whose jar held it.
type jarEvidence struct {
	setSomewhere map[jarKey]bool
	fallback     map[jarKey]bool
	own          map[*crawler.Visit]map[jarKey]bool // the cookies each visit set or changed
}

func newJarEvidence(visits []*crawler.Visit) *jarEvidence {
	j := &jarEvidence{setSomewhere: map[jarKey]bool{}, fallback: map[jarKey]bool{}, own: map[*crawler.Visit]map[jarKey]bool{}}
	for _, v := range visits {
		if v == nil {
			continue
		}
		for _, ck := range v.Cookies {
			if _, own := v.SetBy(ck); own {
				k := jarKey{v.Profile, ck.Name, ck.Domain, ck.Path}
				j.setSomewhere[k] = true
				if j.own[v] == nil {
					j.own[v] = map[jarKey]bool{}
				}
				j.own[v][k] = true
			}
		}
	}
	return j
}

// counts reports whether the jar cookie ck is evidence for visit v (and
// takes the fallback when it is).
func (j *jarEvidence) counts(v *crawler.Visit, ck crawler.Cookie) bool {
	k := jarKey{v.Profile, ck.Name, ck.Domain, ck.Path}
	if j.own[v][k] {
		return true
	}
	if j.setSomewhere[k] || j.fallback[k] {
		return false
	}
	j.fallback[k] = true
	return true
}

// detection accumulates one site's trackers, one per product seen.
type detection struct {
	acc map[*Product]*tracker
	jar *jarEvidence
	// deferred are shared-cookie hits of visits where no product of the
	// vendor ran: they go to the product seen under the same profile.
	deferred []sharedHit
}

// sharedHit is a hit of a cookie every product of a vendor sets.
type sharedHit struct {
	m                     Match
	profile, page, detail string
}

// Evidence states: what an observation says of the vendor's code.
const (
	stateActive  = iota // its code ran: a request, a cookie, a global it defined
	statePresent        // on the page, but no sign that its code ran
	stateBlocked        // on the page as a tag the browser did not execute
)

type tracker struct {
	product  *Product
	ids      map[string]bool
	pages    map[string]bool
	active   map[string]bool // profiles with active evidence
	blocked  map[string]bool // profiles with blocked evidence
	seen     map[string]bool // profiles with any evidence
	evidence []report.Evidence
	dedup    map[report.Evidence]bool
	perKind  map[string]int // kind + "\x00" + profile → count
}

func (d *detection) tracker(p *Product) *tracker {
	t := d.acc[p]
	if t == nil {
		t = &tracker{
			product: p, ids: map[string]bool{}, pages: map[string]bool{}, active: map[string]bool{},
			blocked: map[string]bool{}, seen: map[string]bool{}, dedup: map[report.Evidence]bool{}, perKind: map[string]int{},
		}
		d.acc[p] = t
	}
	return t
}

func (t *tracker) add(kind, profile, page, detail string, ids []string, state int) {
	for _, id := range ids {
		t.ids[id] = true
	}
	t.seen[profile] = true
	switch state {
	case stateActive:
		t.active[profile] = true
	case stateBlocked:
		t.blocked[profile] = true
	}
	if page != "" {
		t.pages[page] = true
	}
	if len(detail) > maxDetail {
		detail = strings.ToValidUTF8(detail[:maxDetail-3], "") + "..."
	}
	key := report.Evidence{Kind: kind, Profile: profile, Detail: detail}
	if t.dedup[key] {
		return
	}
	t.dedup[key] = true
	k := kind + "\x00" + profile
	if t.perKind[k] >= MaxEvidencePerKind {
		return
	}
	t.perKind[k]++
	t.evidence = append(t.evidence, report.Evidence{Kind: kind, Profile: profile, Page: page, Detail: detail})
}

// resolveShared attributes the deferred shared-cookie hits: to the
// vendor's products seen under the same profile, else to any of its
// products seen, else to its main product.
func (d *detection) resolveShared() {
	for _, h := range d.deferred {
		v := h.m.Matcher.Vendor
		var targets []*Product
		for _, p := range v.Products {
			if t := d.acc[p]; t != nil && t.seen[h.profile] {
				targets = append(targets, p)
			}
		}
		if len(targets) == 0 {
			for _, p := range v.Products {
				if d.acc[p] != nil {
					targets = append(targets, p)
				}
			}
		}
		if len(targets) == 0 {
			targets = v.Products[:1]
		}
		for _, p := range targets {
			d.tracker(p).add("cookie", h.profile, h.page, h.detail, h.m.IDs, stateActive)
		}
	}
	d.deferred = nil
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

func (x *Classifier) detectVisit(d *detection, site string, v *crawler.Visit, doc *goquery.Document) {
	c := x.c
	first := x.firstDomains(site, v)
	thirdParty := func(host string) bool { return host != "" && !slices.Contains(first, x.Domain(host)) }
	profile := string(v.Profile)
	page := v.URL
	var shared []sharedHit
	inVisit := map[*Product]bool{}
	hit := func(kind string, m Match, detail string, state int) {
		detail = m.Matcher.Detail + ": " + detail
		if m.Matcher.Shared {
			shared = append(shared, sharedHit{m: m, profile: profile, page: page, detail: detail})
			return
		}
		if m.Matcher.Stub && state == stateActive {
			state = statePresent
			detail = m.Matcher.Detail + stubNote + strings.TrimPrefix(detail, m.Matcher.Detail+": ")
		}
		inVisit[m.Matcher.Product] = true
		d.tracker(m.Matcher.Product).add(kind, profile, page, detail, m.IDs, state)
	}
	// An entity vendor is recognised by its hosts, and only where no
	// catalogue rule matched: the rules take precedence.
	entityHit := func(e *Entity, kind, detail string) {
		if e != nil && e.Vendor != nil && len(e.Vendor.Products) > 0 {
			d.tracker(e.Vendor.Products[0]).add(kind, profile, page,
				fmt.Sprintf("%s host (third-party-web %s): %s", e.Name, e.Category, detail), nil, stateActive)
		}
	}

	for i := range v.Requests {
		r := &v.Requests[i]
		isScript := strings.EqualFold(r.ResourceType, "script")
		u := x.URL(r.URL, isScript)
		for _, m := range u.Request {
			hit("request", m, r.URL+afterInteraction(r), stateActive)
		}
		for _, m := range u.Script() {
			hit("script", m, r.URL+afterInteraction(r), stateActive)
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
					hit("cookie", m, fmt.Sprintf("%s (%s, Set-Cookie %s)", name, domain, state), stateActive)
				} else if m.Matcher == nil && thirdParty(host) {
					entityHit(u.Entity, "cookie", fmt.Sprintf("%s (%s, Set-Cookie %s)", name, domain, state))
				}
			}
		}
	}

	for _, ck := range v.Cookies {
		m, ok := c.MatchCookie(ck.Name, ck.Domain)
		var e *Entity
		if !ok {
			dom := strings.ToLower(strings.TrimPrefix(ck.Domain, "."))
			if m.Matcher != nil || dom == "" || !thirdParty(dom) {
				continue
			}
			if e = x.Entity(dom); e == nil || e.Vendor == nil {
				continue
			}
		}
		if !d.jar.counts(v, ck) {
			continue
		}
		if ok {
			hit("cookie", m, fmt.Sprintf("%s (%s)", ck.Name, ck.Domain), stateActive)
		} else {
			entityHit(e, "cookie", fmt.Sprintf("%s (%s)", ck.Name, ck.Domain))
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
			detail := fmt.Sprintf("%s (%s, document.cookie)", name, domain)
			if w.Script != "" {
				detail = fmt.Sprintf("%s (%s, document.cookie by %s)", name, domain, w.Script)
			}
			hit("cookie", m, detail, stateActive)
		}
	}

	for _, m := range c.MatchGlobals(v.Globals) {
		hit("global", m, m.Matcher.Path+" = "+m.Value, stateActive)
	}

	if doc == nil {
		doc = dom.Parse(v.HTML)
	}
	if doc != nil {
		base, _ := url.Parse(cmp.Or(v.FinalURL, v.URL, site))
		c.detectMarkup(doc, base, hit)
	}

	// A cookie every product of the vendor sets belongs to the products
	// whose code was on this page; with none here, to those seen under
	// the same profile (resolved when all visits are in).
	for _, h := range shared {
		var targets []*Product
		for _, p := range h.m.Matcher.Vendor.Products {
			if inVisit[p] {
				targets = append(targets, p)
			}
		}
		if len(targets) == 0 {
			d.deferred = append(d.deferred, h)
			continue
		}
		for _, p := range targets {
			d.tracker(p).add("cookie", h.profile, h.page, h.detail, h.m.IDs, stateActive)
		}
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
// report.CompareProfiles).
func ProfileOrder(a, b string) int { return report.CompareProfiles(a, b) }

func finish(acc map[*Product]*tracker) []report.Tracker {
	out := make([]report.Tracker, 0, len(acc))
	for _, t := range acc {
		profiles := keys(t.active)
		slices.SortFunc(profiles, ProfileOrder)
		var blocked []string
		for p := range t.blocked {
			if !t.active[p] {
				blocked = append(blocked, p)
			}
		}
		slices.SortFunc(blocked, ProfileOrder)
		if blocked == nil {
			blocked = []string{}
		}
		ev := t.evidence
		slices.SortStableFunc(ev, func(a, b report.Evidence) int {
			return cmp.Or(ProfileOrder(a.Profile, b.Profile), strings.Compare(a.Kind, b.Kind),
				strings.Compare(a.Detail, b.Detail), strings.Compare(a.Page, b.Page))
		})
		ids := keys(t.ids)
		slices.Sort(ids)
		pages := keys(t.pages)
		slices.Sort(pages)
		product := t.product.Name
		out = append(out, report.Tracker{
			Vendor: t.product.Vendor.Slug, Name: t.product.Name, Category: t.product.Category,
			Product: &product, Source: cmp.Or(t.product.Vendor.Source, report.SourceCatalogue), OtherProduct: !t.product.Main(),
			IDs: ids, Profiles: profiles, Blocked: blocked, Pages: pages, Evidence: ev,
		})
	}
	slices.SortFunc(out, func(a, b report.Tracker) int {
		return cmp.Or(strings.Compare(a.Vendor, b.Vendor), cmp.Compare(boolInt(a.OtherProduct), boolInt(b.OtherProduct)),
			strings.Compare(a.Name, b.Name))
	})
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Evidence detail conventions of code that is present in a page but did
// not run (see ActiveEvidence).
const (
	inlineScriptPrefix = "inline <script> "
	staticScriptPrefix = "<script src> "
	// stubNote marks a global that the site's loader snippet defines.
	stubNote = " (defined by the site's loader snippet, not proof the vendor's code loaded): "
)

// ActiveEvidence reports whether an observation shows the vendor's own code
// doing something: a request, a cookie, a global its code defined, or a
// script that loaded. Code only present in the page — an inline snippet, a
// <script src> the browser did not load, a queueing stub the snippet
// defined, a consent-blocked tag, a noscript pixel — does not.
func ActiveEvidence(e report.Evidence) bool {
	switch e.Kind {
	case "request", "cookie":
		return true
	case "global":
		return !strings.Contains(e.Detail, stubNote)
	case "script":
		return !strings.Contains(e.Detail, inlineScriptPrefix) && !strings.Contains(e.Detail, staticScriptPrefix)
	}
	return false
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
