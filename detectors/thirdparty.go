package detectors

import (
	"slices"
	"strings"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/detectors/catalogue"
	"github.com/privscan/privscan/report"
)

// ThirdParties lists every third-party registrable domain the visits sent
// requests to, sorted by domain, with request counts, the profiles that
// contacted it, whether any response tried to set a cookie (stored or
// blocked), the vendor slug when known (the vendor whose rules matched most
// of its requests, else the catalogue vendor owning the domain, else the
// entity vendor of most of its hosts) and the third-party-web entity,
// company and category of most of its requests. cat may be nil. The site's
// own registrable domain (and that of pages it redirected to) is first
// party.
func ThirdParties(site string, visits []*crawler.Visit, cat *catalogue.Catalogue) []report.ThirdParty {
	var x *catalogue.Classifier
	if cat != nil {
		x = cat.NewClassifier()
	}
	return ThirdPartiesWith(site, visits, x)
}

// ThirdPartiesWith is ThirdParties with a classifier that may already know
// the crawl's URLs (from tracker detection): no URL is matched twice. x may
// be nil.
func ThirdPartiesWith(site string, visits []*crawler.Visit, x *catalogue.Classifier) []report.ThirdParty {
	domainOf := func(host string) string {
		if x != nil {
			return x.Domain(host)
		}
		return crawler.RegistrableDomain(host)
	}
	first := map[string]bool{}
	siteHost, _, ok := catalogue.SplitURL(site)
	if ok {
		first[domainOf(siteHost)] = true
	}
	for _, v := range visits {
		if v == nil {
			continue
		}
		if h, _, ok := catalogue.SplitURL(v.URL); ok && first[domainOf(h)] {
			if fh, _, ok := catalogue.SplitURL(v.FinalURL); ok {
				first[domainOf(fh)] = true
			}
		}
	}
	type acc struct {
		tp       report.ThirdParty
		profiles map[string]bool
		votes    map[string]int
		entities map[*catalogue.Entity]int
	}
	byDomain := map[string]*acc{}
	for _, v := range visits {
		if v == nil {
			continue
		}
		for _, r := range v.Requests {
			var u *catalogue.URLMatches
			var host string
			if x != nil {
				u = x.URL(r.URL, strings.EqualFold(r.ResourceType, "script"))
				host = u.Host
			} else {
				host, _, _ = catalogue.SplitURL(r.URL)
			}
			if host == "" {
				continue
			}
			d := domainOf(host)
			if first[d] {
				continue
			}
			a := byDomain[d]
			if a == nil {
				a = &acc{tp: report.ThirdParty{Domain: d}, profiles: map[string]bool{}, votes: map[string]int{}, entities: map[*catalogue.Entity]int{}}
				byDomain[d] = a
			}
			a.tp.Requests++
			a.profiles[string(v.Profile)] = true
			if len(r.SetCookies) > 0 {
				a.tp.SetCookies = true
			}
			if u == nil {
				continue
			}
			for _, m := range u.Request {
				a.votes[m.Matcher.Vendor.Slug]++
			}
			for _, m := range u.Script() {
				a.votes[m.Matcher.Vendor.Slug]++
			}
			if u.Entity != nil {
				a.entities[u.Entity]++
			}
		}
	}
	out := make([]report.ThirdParty, 0, len(byDomain))
	for d, a := range byDomain {
		best, n := "", 0
		for slug, c := range a.votes {
			if c > n || (c == n && slug < best) {
				best, n = slug, c
			}
		}
		var ent *catalogue.Entity
		en := 0
		for e, c := range a.entities {
			if c > en || (c == en && e.Name < ent.Name) {
				ent, en = e, c
			}
		}
		if best == "" && x != nil {
			if v := x.Catalogue().OwnerOfDomain(d); v != nil {
				best = v.Slug
			} else if ent != nil && ent.Vendor != nil {
				best = ent.Vendor.Slug
			}
		}
		if best != "" {
			a.tp.Vendor = &best
		}
		if ent != nil {
			a.tp.Entity, a.tp.Company, a.tp.Category = ptr(ent.Name), ptr(ent.Company), ptr(ent.Category)
		}
		for p := range a.profiles {
			a.tp.Profiles = append(a.tp.Profiles, p)
		}
		slices.SortFunc(a.tp.Profiles, catalogue.ProfileOrder)
		out = append(out, a.tp)
	}
	slices.SortFunc(out, func(a, b report.ThirdParty) int { return strings.Compare(a.Domain, b.Domain) })
	return out
}

func ptr(s string) *string { return &s }
