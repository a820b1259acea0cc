package report

import (
	"cmp"
	"slices"
	"strings"

	"github.com/privscan/privscan/crawler"
)

// compareProfiles orders profile names as every report lists them.
func compareProfiles(a, b string) int { return crawler.CompareProfiles(a, b) }

// Sort puts every array of the report in its deterministic order, so that
// two reports of the same site diff cleanly.
func Sort(r *Report) {
	// Stable: visit order within a profile is meaningful.
	slices.SortStableFunc(r.Pages, func(a, b Page) int { return compareProfiles(a.Profile, b.Profile) })
	slices.SortFunc(r.Trackers, func(a, b Tracker) int { return strings.Compare(a.Vendor, b.Vendor) })
	for i := range r.Trackers {
		slices.SortStableFunc(r.Trackers[i].Profiles, compareProfiles)
	}
	slices.SortFunc(r.Cookies, cookieOrder)
	slices.SortFunc(r.ThirdParties, func(a, b ThirdParty) int { return strings.Compare(a.Domain, b.Domain) })
	SortFindings(r.Findings)
	SortFindings(r.Suppressed)
	slices.SortStableFunc(r.Observations, func(a, b Observation) int { return compareProfiles(a.Profile, b.Profile) })
}

// SortFindings orders findings: most severe first, then by code, vendor,
// cookie and id.
func SortFindings(f []Finding) {
	slices.SortFunc(f, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(b.Severity, a.Severity), strings.Compare(a.Code, b.Code),
			strings.Compare(deref(a.Vendor), deref(b.Vendor)), strings.Compare(deref(a.Cookie), deref(b.Cookie)),
			strings.Compare(a.ID, b.ID))
	})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
