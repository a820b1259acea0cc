package report

import (
	"cmp"
	"slices"
	"strings"
)

// profileRank is the order of the scanner's profiles in every list of the
// report contract.
var profileRank = map[string]int{"baseline": 0, "gpc": 1, "dnt": 2, "reject": 3, "accept": 4}

// CompareProfiles orders profile names as every report lists them:
// baseline, gpc, dnt, reject, accept, then any other by name.
func CompareProfiles(a, b string) int {
	ra, oka := profileRank[a]
	rb, okb := profileRank[b]
	if !oka {
		ra = len(profileRank)
	}
	if !okb {
		rb = len(profileRank)
	}
	return cmp.Or(cmp.Compare(ra, rb), strings.Compare(a, b))
}

// compareProfiles is CompareProfiles.
func compareProfiles(a, b string) int { return CompareProfiles(a, b) }

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
