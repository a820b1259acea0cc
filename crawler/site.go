package crawler

import (
	"cmp"
	"net"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// RegistrableDomain returns the eTLD+1 of a host ("js.hs-scripts.com" →
// "hs-scripts.com"), or the host itself for IP addresses, localhost and
// other names without a public suffix. A leading dot (cookie domains) is
// ignored.
func RegistrableDomain(host string) string {
	host = strings.TrimSuffix(strings.TrimPrefix(strings.ToLower(host), "."), ".")
	if net.ParseIP(strings.Trim(host, "[]")) != nil {
		return host
	}
	d, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return host
	}
	return d
}

// SameSite reports whether two hosts share a registrable domain (for IP
// addresses and single labels: whether they are the same host).
func SameSite(a, b string) bool {
	return RegistrableDomain(a) == RegistrableDomain(b)
}

// profileRank orders the profiles as reports show them.
var profileRank = map[Profile]int{Baseline: 0, GPC: 1, DNT: 2, Reject: 3, Accept: 4}

// CompareProfiles orders profile names for every list a report shows:
// baseline, gpc, dnt, reject, accept, then any other by name.
func CompareProfiles(a, b string) int {
	ra, oka := profileRank[Profile(a)]
	rb, okb := profileRank[Profile(b)]
	if !oka {
		ra = len(profileRank)
	}
	if !okb {
		rb = len(profileRank)
	}
	return cmp.Or(cmp.Compare(ra, rb), strings.Compare(a, b))
}

// CookieAttribute returns the value of attribute name (case-insensitive) in
// a Set-Cookie line or a document.cookie assignment, "" when absent.
func CookieAttribute(line, name string) string {
	parts := strings.Split(line, ";")
	for _, p := range parts[1:] {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		if strings.EqualFold(strings.TrimSpace(k), name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
