package scan

import (
	"math"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/report"
)

// redacted replaces cookie values unless the user asked to keep them.
const redacted = "[redacted]"

// finish fills the report sections that come straight from the
// observations (pages, cookies, raw observations) and the summary, and
// sorts every array.
func finish(r *report.Report, obs *Observations, opts Options) {
	if obs != nil {
		if r.Pages == nil {
			r.Pages = pagesOf(obs.Visits)
		}
		if r.Cookies == nil {
			r.Cookies = CookiesOf(obs.Home, obs.Visits, obs.FinalJars, opts.ShowValues)
		}
		if opts.Observations {
			r.Observations = observationsOf(obs.Home, obs.Visits, opts.ShowValues)
		}
	}
	if r.Pages == nil {
		r.Pages = []report.Page{}
	}
	if r.Cookies == nil {
		r.Cookies = []report.Cookie{}
	}
	if r.Trackers == nil {
		r.Trackers = []report.Tracker{}
	}
	if r.ThirdParties == nil {
		r.ThirdParties = []report.ThirdParty{}
	}
	if r.Findings == nil {
		r.Findings = []report.Finding{}
	}
	if r.Signals.Reads == nil {
		r.Signals.Reads = map[string][]string{"globalPrivacyControl": {}, "doNotTrack": {}}
	}
	report.Sort(r)
	r.Summary.Count(r.Findings)
}

func pagesOf(visits []*crawler.Visit) []report.Page {
	pages := make([]report.Page, 0, len(visits))
	for _, v := range visits {
		p := report.Page{URL: v.URL, Profile: string(v.Profile), Status: v.Status, Title: v.Title,
			LoadMS: v.Load.Milliseconds(), Requests: len(v.Requests), ErrorKind: v.ErrorKind, Settled: v.Settled}
		if v.Interaction != nil {
			p.Navigation = v.Interaction.Navigation
		}
		if v.FinalURL != "" && v.FinalURL != v.URL {
			p.FinalURL = v.FinalURL
		}
		if v.Error != "" {
			e := v.Error
			p.Error = &e
		}
		pages = append(pages, p)
	}
	return pages
}

// Party says whether a cookie domain belongs to the site (first party) or
// not, by registrable domain.
func Party(home *url.URL, cookieDomain string) string {
	if home != nil && crawler.SameSite(cookieDomain, home.Hostname()) {
		return "first"
	}
	return "third"
}

// days converts a lifetime to days, rounded to the minute first: the set
// time is known to within a few hundred milliseconds only.
func days(d time.Duration) *float64 {
	v := math.Round(d.Round(time.Minute).Hours()/24*10000) / 10000
	return &v
}

type cookieKey struct{ name, domain, path string }

// CookiesOf merges the cookie jars of all visits into one inventory. Each
// cookie keeps the page that set it, which profiles had it, and who set it:
// the response whose Set-Cookie line created it, or the script whose
// document.cookie write did. Lifetimes are in days: as stored (Chrome caps at
// 400) and as declared by the line that set it.
//
// Tabs of one profile share a jar, so a jar read after a page also holds
// what earlier pages and other tabs set: a cookie's first page is the first
// visit, in the order given (page order, then profile order), whose own
// responses or scripts set or changed it, never one that only found it in
// the jar. Only a cookie that no recorded write set anywhere falls back to
// the first visit whose jar held it. For the same reason a cookie that one
// page set and deleted at once (a domain probe) can show up in another
// tab's jar read; such passing observations are left out (see jarFilter).
func CookiesOf(home *url.URL, visits []*crawler.Visit, finalJars map[crawler.Profile][]crawler.Cookie, showValues bool) []report.Cookie {
	type seen struct {
		v *crawler.Visit
		c crawler.Cookie
	}
	origin := map[cookieKey]seen{} // the first visit that set it, else the first that held it
	setter := map[cookieKey]bool{}
	profiles := map[cookieKey][]string{}
	var order []cookieKey
	filter := newJarFilter(visits, finalJars)
	for _, v := range visits {
		for _, c := range v.Cookies {
			if filter.passing(v, c) {
				continue
			}
			k := cookieKey{c.Name, c.Domain, c.Path}
			if _, ok := origin[k]; !ok {
				order = append(order, k)
				origin[k] = seen{v, c}
			}
			if !setter[k] {
				if _, own := v.SetBy(c); own {
					setter[k] = true
					origin[k] = seen{v, c}
				}
			}
			if !slices.Contains(profiles[k], string(v.Profile)) {
				profiles[k] = append(profiles[k], string(v.Profile))
			}
		}
	}
	out := make([]report.Cookie, 0, len(order))
	for _, k := range order {
		v, c := origin[k].v, origin[k].c
		rc := report.Cookie{Name: c.Name, Domain: c.Domain, Path: c.Path, Party: Party(home, c.Domain),
			Session: c.Session, Secure: c.Secure, HTTPOnly: c.HTTPOnly, SameSite: c.SameSite,
			Partitioned: c.Partitioned, FirstPage: v.URL, Category: "unknown", SetBy: "unknown", Profiles: profiles[k]}
		if showValues {
			rc.Value = c.Value
		} else if c.Value != "" {
			rc.Value = redacted
		}
		setAt := attribute(&rc, v, c)
		if !c.Session && !c.Expires.IsZero() {
			rc.LifetimeDays = days(c.Expires.Sub(setAt))
		}
		slices.SortStableFunc(rc.Profiles, crawler.CompareProfiles)
		out = append(out, rc)
	}
	return out
}

// attribute fills the cookie's setter and declared lifetime from visit v,
// when v recorded what set it, and returns when it was set (the visit's
// start when unknown).
func attribute(rc *report.Cookie, v *crawler.Visit, c crawler.Cookie) time.Time {
	o, ok := v.SetBy(c)
	at := o.At
	if at.IsZero() {
		at = v.StartedAt
	}
	if !ok {
		return at
	}
	rc.SetBy, rc.Setter = o.By, o.Setter
	if _, declared, session := crawler.DeclaredLifetime(o.Line, at); !session {
		rc.DeclaredLifetimeDays = days(declared)
	}
	return at
}

type nameDomain struct{ name, domain string }

type profileCookie struct {
	profile crawler.Profile
	name    string
}

// jarFilter recognises jar observations that are not evidence of a cookie
// the site keeps: the cookie is gone from the profile's final jar and
// either its last write deleted it, or nothing in the visit that saw it
// set it (another tab's short-lived cookie caught in passing), or no
// recorded response or script set it anywhere.
type jarFilter struct {
	finalNames map[crawler.Profile]map[string]bool
	final      map[crawler.Profile]map[nameDomain]bool
	deleted    map[profileCookie]bool         // last write in the profile deleted it
	lastWrite  map[string]crawler.CookieWrite // last write anywhere, by name
	headerSet  map[string]bool                // a Set-Cookie line named it
}

func newJarFilter(visits []*crawler.Visit, finalJars map[crawler.Profile][]crawler.Cookie) *jarFilter {
	f := &jarFilter{finalNames: map[crawler.Profile]map[string]bool{}, final: map[crawler.Profile]map[nameDomain]bool{},
		deleted: map[profileCookie]bool{}, lastWrite: map[string]crawler.CookieWrite{}, headerSet: map[string]bool{}}
	for p, jar := range finalJars {
		f.finalNames[p], f.final[p] = map[string]bool{}, map[nameDomain]bool{}
		for _, c := range jar {
			f.finalNames[p][c.Name] = true
			f.final[p][nameDomain{c.Name, c.Domain}] = true
		}
	}
	last := map[profileCookie]crawler.CookieWrite{}
	for _, v := range visits {
		for _, w := range v.CookieWrites {
			k := profileCookie{v.Profile, w.Name}
			if prev, ok := last[k]; !ok || !w.At.Before(prev.At) {
				last[k] = w
			}
			if prev, ok := f.lastWrite[w.Name]; !ok || !w.At.Before(prev.At) {
				f.lastWrite[w.Name] = w
			}
		}
		for _, q := range v.Requests {
			for _, sc := range q.SetCookies {
				f.headerSet[sc.Name] = true
			}
		}
	}
	for k, w := range last {
		f.deleted[k] = crawler.IsDeletion(w.Raw, w.At)
	}
	return f
}

// passing reports whether v's observation of c should be left out.
func (f *jarFilter) passing(v *crawler.Visit, c crawler.Cookie) bool {
	names, ok := f.finalNames[v.Profile]
	if !ok {
		return false // no final jar to compare with: keep everything
	}
	if !f.final[v.Profile][nameDomain{c.Name, c.Domain}] {
		if _, own := v.SetBy(c); !own {
			return true
		}
	}
	if names[c.Name] {
		return false
	}
	k := profileCookie{v.Profile, c.Name}
	if w, inProfile := f.deleted[k]; inProfile {
		return w
	}
	if w, anywhere := f.lastWrite[c.Name]; anywhere {
		return crawler.IsDeletion(w.Raw, w.At)
	}
	return c.Session && !f.headerSet[c.Name]
}

// observationsOf turns visits into the report's raw observations, with
// cookie values redacted unless asked otherwise.
func observationsOf(home *url.URL, visits []*crawler.Visit, showValues bool) []report.Observation {
	out := make([]report.Observation, 0, len(visits))
	for _, v := range visits {
		o := report.Observation{URL: v.URL, Profile: string(v.Profile), Globals: v.Globals, APIs: v.APIs,
			Dialogs: v.Dialogs, Popups: v.Popups, Downloads: v.Downloads, Overlays: overlaysOf(v.Overlays),
			Settled: v.Settled, Interaction: observedInteraction(v.Interaction)}
		for _, q := range v.Requests {
			rq := report.ObservedRequest{URL: q.URL, Method: q.Method, Type: q.ResourceType, Status: q.Status,
				Initiator: q.Initiator, Failed: q.Failed, Error: q.ErrorText, AfterInteraction: q.AfterInteraction}
			if u, err := url.Parse(q.URL); err == nil && home != nil {
				rq.ThirdParty = !crawler.SameSite(u.Hostname(), home.Hostname())
			}
			rq.SignalHeaders = map[string]string{}
			for _, h := range []string{"sec-gpc", "dnt"} {
				if val, ok := q.RequestHeaders[h]; ok {
					rq.SignalHeaders[h] = val
				}
			}
			if len(rq.SignalHeaders) == 0 {
				rq.SignalHeaders = nil
			}
			for _, sc := range q.SetCookies {
				line := sc.Line
				if !showValues {
					line = redactLine(line)
				}
				rq.SetCookies = append(rq.SetCookies, report.ObservedSetCookie{Name: sc.Name, Line: line, Blocked: sc.Blocked, Reasons: sc.Reasons})
			}
			o.Requests = append(o.Requests, rq)
		}
		for _, w := range v.CookieWrites {
			raw := w.Raw
			if !showValues {
				raw = redactLine(raw)
			}
			o.CookieWrites = append(o.CookieWrites, report.ObservedCookieWrite{Name: w.Name, Raw: raw, Script: w.Script})
		}
		for _, sr := range v.SignalReads {
			o.SignalReads = append(o.SignalReads, report.ObservedSignalRead{Property: sr.Property, Script: sr.Script})
		}
		for _, st := range v.Storage {
			o.Storage = append(o.Storage, report.ObservedStorage{Area: st.Area, Origin: st.Origin, Key: st.Key})
		}
		out = append(out, o)
	}
	return out
}

// redactLine replaces the value of a "name=value; attrs" cookie line.
func redactLine(line string) string {
	nv, rest, hasRest := strings.Cut(line, ";")
	name, _, hasValue := strings.Cut(nv, "=")
	if !hasValue {
		return line
	}
	out := name + "=" + redacted
	if hasRest {
		out += ";" + rest
	}
	return out
}

func observedInteraction(i *crawler.Interaction) *report.ObservedInteraction {
	if i == nil {
		return nil
	}
	return &report.ObservedInteraction{Actions: i.Actions, ScrollSteps: i.ScrollSteps, Capped: i.Capped, Navigation: i.Navigation}
}
