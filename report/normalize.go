package report

// Normalized returns a copy of r in which every list of the JSON contract
// that is nil is empty instead, so that JSON output writes [] and never
// null for an empty list. r itself is not changed (nested lists that need
// no change are shared with it).
func Normalized(r *Report) *Report {
	cp := *r
	cp.Profiles = orEmpty(r.Profiles)
	cp.Pages = orEmpty(r.Pages)
	cp.Cookies = mapSlice(r.Cookies, func(c Cookie) Cookie { c.Profiles = orEmpty(c.Profiles); return c })
	cp.Trackers = mapSlice(r.Trackers, func(t Tracker) Tracker {
		t.IDs, t.Profiles, t.Blocked, t.Pages = orEmpty(t.IDs), orEmpty(t.Profiles), orEmpty(t.Blocked), orEmpty(t.Pages)
		t.Evidence = orEmpty(t.Evidence)
		return t
	})
	cp.ThirdParties = mapSlice(r.ThirdParties, func(t ThirdParty) ThirdParty { t.Profiles = orEmpty(t.Profiles); return t })
	cp.Findings = NormalizedFindings(r.Findings)
	if r.Suppressed != nil {
		cp.Suppressed = NormalizedFindings(r.Suppressed)
	}
	cp.Checks = orEmpty(r.Checks)
	if r.Signals.Reads == nil {
		cp.Signals.Reads = map[string][]string{}
	} else {
		reads := make(map[string][]string, len(r.Signals.Reads))
		for k, v := range r.Signals.Reads {
			reads[k] = orEmpty(v)
		}
		cp.Signals.Reads = reads
	}
	if r.Consent.Journeys != nil {
		cp.Consent.Journeys = mapSlice(r.Consent.Journeys, func(j ConsentJourney) ConsentJourney {
			j.VendorsAfterChoice, j.VendorsLater = orEmpty(j.VendorsAfterChoice), orEmpty(j.VendorsLater)
			j.State = mapSlice(j.State, func(s ConsentState) ConsentState {
				s.SameOn, s.Words = orEmpty(s.SameOn), orEmpty(s.Words)
				return s
			})
			return j
		})
	}
	if r.Policy != nil {
		p := *r.Policy
		p.Vendors, p.Cookies, p.Documents = orEmpty(p.Vendors), orEmpty(p.Cookies), orEmpty(p.Documents)
		if p.Mentions == nil {
			p.Mentions = map[string]bool{}
		}
		cp.Policy = &p
	}
	if r.Observations != nil {
		cp.Observations = mapSlice(r.Observations, func(o Observation) Observation { o.Requests = orEmpty(o.Requests); return o })
	}
	return &cp
}

// NormalizedFindings is Normalized for a list of findings.
func NormalizedFindings(fs []Finding) []Finding {
	return mapSlice(fs, func(f Finding) Finding { f.Evidence = orEmpty(f.Evidence); return f })
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// mapSlice returns f applied to each element, as a new non-nil slice.
func mapSlice[T any](s []T, f func(T) T) []T {
	out := make([]T, len(s))
	for i, v := range s {
		out[i] = f(v)
	}
	return out
}
