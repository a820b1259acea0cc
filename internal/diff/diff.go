// Package diff compares two privscan reports of the same site: findings by
// their stable id (new, resolved, changed), trackers by vendor (added,
// removed, profiles changed) and cookies by name, domain and path (added,
// removed, lifetime changed).
package diff

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/privscan/privscan/report"
)

// Side describes one of the two compared reports.
type Side struct {
	Target    string    `json:"target"`
	StartedAt time.Time `json:"started_at"`
	// Ref is where the report came from: a file name or "scan 42".
	Ref string `json:"ref,omitempty"`
}

// Result is the difference between an old and a new report.
type Result struct {
	Old              Side             `json:"old"`
	New              Side             `json:"new"`
	NewFindings      []report.Finding `json:"new_findings"`
	ResolvedFindings []report.Finding `json:"resolved_findings"`
	ChangedFindings  []FindingChange  `json:"changed_findings"`
	TrackersAdded    []report.Tracker `json:"trackers_added"`
	TrackersRemoved  []report.Tracker `json:"trackers_removed"`
	TrackersChanged  []TrackerChange  `json:"trackers_changed"`
	CookiesAdded     []report.Cookie  `json:"cookies_added"`
	CookiesRemoved   []report.Cookie  `json:"cookies_removed"`
	CookiesChanged   []CookieChange   `json:"cookies_changed"`
}

// FindingChange is a finding present in both reports whose severity, title
// or detail changed.
type FindingChange struct {
	ID  string         `json:"id"`
	Old report.Finding `json:"old"`
	New report.Finding `json:"new"`
	// Fields names what changed: severity, title, detail.
	Fields []string `json:"fields"`
}

// TrackerChange is a vendor seen in both reports under different profiles.
type TrackerChange struct {
	Vendor      string   `json:"vendor"`
	Name        string   `json:"name"`
	OldProfiles []string `json:"old_profiles"`
	NewProfiles []string `json:"new_profiles"`
}

// CookieChange is a cookie in both reports whose lifetime changed.
type CookieChange struct {
	Name                string   `json:"name"`
	Domain              string   `json:"domain"`
	Path                string   `json:"path"`
	OldLifetimeDays     *float64 `json:"old_lifetime_days"`
	NewLifetimeDays     *float64 `json:"new_lifetime_days"`
	OldDeclaredLifetime *float64 `json:"old_declared_lifetime_days"`
	NewDeclaredLifetime *float64 `json:"new_declared_lifetime_days"`
}

// Compare returns what changed from old to new. Suppressed findings are
// ignored on both sides.
func Compare(old, new *report.Report) *Result {
	res := &Result{
		Old: Side{Target: old.Target, StartedAt: old.StartedAt},
		New: Side{Target: new.Target, StartedAt: new.StartedAt},
	}
	oldF := indexBy(old.Findings, func(f report.Finding) string { return f.ID })
	newF := indexBy(new.Findings, func(f report.Finding) string { return f.ID })
	for _, f := range new.Findings {
		o, ok := oldF[f.ID]
		if !ok {
			res.NewFindings = append(res.NewFindings, f)
			continue
		}
		var fields []string
		if o.Severity != f.Severity {
			fields = append(fields, "severity")
		}
		if o.Title != f.Title {
			fields = append(fields, "title")
		}
		if o.Detail != f.Detail {
			fields = append(fields, "detail")
		}
		if len(fields) > 0 {
			res.ChangedFindings = append(res.ChangedFindings, FindingChange{ID: f.ID, Old: o, New: f, Fields: fields})
		}
	}
	for _, f := range old.Findings {
		if _, ok := newF[f.ID]; !ok {
			res.ResolvedFindings = append(res.ResolvedFindings, f)
		}
	}
	bySeverity := func(a, b report.Finding) int {
		return cmp.Or(cmp.Compare(b.Severity, a.Severity), cmp.Compare(a.Code, b.Code), cmp.Compare(a.ID, b.ID))
	}
	slices.SortFunc(res.NewFindings, bySeverity)
	slices.SortFunc(res.ResolvedFindings, bySeverity)
	slices.SortFunc(res.ChangedFindings, func(a, b FindingChange) int { return bySeverity(a.New, b.New) })

	oldT := indexBy(old.Trackers, trackerKey)
	newT := indexBy(new.Trackers, trackerKey)
	for _, t := range new.Trackers {
		o, ok := oldT[trackerKey(t)]
		switch {
		case !ok:
			res.TrackersAdded = append(res.TrackersAdded, t)
		case !sameSet(o.Profiles, t.Profiles):
			res.TrackersChanged = append(res.TrackersChanged, TrackerChange{Vendor: t.Vendor, Name: t.Name, OldProfiles: o.Profiles, NewProfiles: t.Profiles})
		}
	}
	for _, t := range old.Trackers {
		if _, ok := newT[trackerKey(t)]; !ok {
			res.TrackersRemoved = append(res.TrackersRemoved, t)
		}
	}

	oldC := indexBy(old.Cookies, cookieKey)
	newC := indexBy(new.Cookies, cookieKey)
	for _, c := range new.Cookies {
		o, ok := oldC[cookieKey(c)]
		switch {
		case !ok:
			res.CookiesAdded = append(res.CookiesAdded, c)
		case lifetimeChanged(o.LifetimeDays, c.LifetimeDays) || lifetimeChanged(o.DeclaredLifetimeDays, c.DeclaredLifetimeDays):
			res.CookiesChanged = append(res.CookiesChanged, CookieChange{Name: c.Name, Domain: c.Domain, Path: c.Path,
				OldLifetimeDays: o.LifetimeDays, NewLifetimeDays: c.LifetimeDays,
				OldDeclaredLifetime: o.DeclaredLifetimeDays, NewDeclaredLifetime: c.DeclaredLifetimeDays})
		}
	}
	for _, c := range old.Cookies {
		if _, ok := newC[cookieKey(c)]; !ok {
			res.CookiesRemoved = append(res.CookiesRemoved, c)
		}
	}
	return res
}

// trackerKey identifies a tracker across reports: its vendor and product
// (a vendor may be seen as several products).
func trackerKey(t report.Tracker) string {
	if t.Product == nil {
		return t.Vendor
	}
	return t.Vendor + "\x00" + *t.Product
}

func cookieKey(c report.Cookie) string { return c.Name + "\x00" + c.Domain + "\x00" + c.Path }

func indexBy[T any](items []T, key func(T) string) map[string]T {
	m := make(map[string]T, len(items))
	for _, it := range items {
		m[key(it)] = it
	}
	return m
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// lifetimeChanged ignores the drift of a few seconds between two scans: a
// lifetime changes when it appears, disappears or moves by more than a day
// and 1%.
func lifetimeChanged(a, b *float64) bool {
	if (a == nil) != (b == nil) {
		return true
	}
	if a == nil {
		return false
	}
	d := math.Abs(*a - *b)
	return d > 1 && d > 0.01*math.Max(math.Abs(*a), math.Abs(*b))
}

// Empty reports whether nothing changed.
func (r *Result) Empty() bool {
	return len(r.NewFindings)+len(r.ResolvedFindings)+len(r.ChangedFindings)+len(r.TrackersAdded)+len(r.TrackersRemoved)+
		len(r.TrackersChanged)+len(r.CookiesAdded)+len(r.CookiesRemoved)+len(r.CookiesChanged) == 0
}

// NewAtOrAbove returns the new findings at or above min. A changed finding
// whose severity rose to min or above counts too.
func (r *Result) NewAtOrAbove(min report.Severity) []report.Finding {
	var out []report.Finding
	for _, f := range r.NewFindings {
		if f.Severity >= min {
			out = append(out, f)
		}
	}
	for _, c := range r.ChangedFindings {
		if c.New.Severity >= min && c.Old.Severity < min {
			out = append(out, c.New)
		}
	}
	return out
}

// Headline is a one-line summary, e.g. "2 new, 1 resolved, 0 changed
// findings; trackers +1 -0 ~0; cookies +3 -1 ~0".
func (r *Result) Headline() string {
	return fmt.Sprintf("%d new, %d resolved, %d changed findings; trackers +%d -%d ~%d; cookies +%d -%d ~%d",
		len(r.NewFindings), len(r.ResolvedFindings), len(r.ChangedFindings),
		len(r.TrackersAdded), len(r.TrackersRemoved), len(r.TrackersChanged),
		len(r.CookiesAdded), len(r.CookiesRemoved), len(r.CookiesChanged))
}

func days(v *float64) string {
	if v == nil {
		return "session"
	}
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.1f", *v), "0"), ".") + "d"
}

func orDash(s *string) string {
	if s == nil || *s == "" {
		return "-"
	}
	return *s
}
