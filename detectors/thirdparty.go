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
// blocked) and the vendor slug when known: the vendor whose rules matched
// most of its requests, else the catalogue vendor owning the domain. cat
// may be nil. The site's own registrable domain (and that of pages it
// redirected to) is first party.
func ThirdParties(site string, visits []*crawler.Visit, cat *catalogue.Catalogue) []report.ThirdParty {
	first := map[string]bool{}
	siteHost, _, ok := catalogue.SplitURL(site)
	if ok {
		first[crawler.RegistrableDomain(siteHost)] = true
	}
	for _, v := range visits {
		if v == nil {
			continue
		}
		if h, _, ok := catalogue.SplitURL(v.URL); ok && first[crawler.RegistrableDomain(h)] {
			if fh, _, ok := catalogue.SplitURL(v.FinalURL); ok {
				first[crawler.RegistrableDomain(fh)] = true
			}
		}
	}
	type acc struct {
		tp       report.ThirdParty
		profiles map[string]bool
		votes    map[string]int
	}
	byDomain := map[string]*acc{}
	// A crawl repeats hosts and URLs (every page, every profile): look each
	// up once.
	domainOf := map[string]string{}
	type urlKey struct {
		url    string
		script bool
	}
	vendorsOf := map[urlKey][]string{}
	for _, v := range visits {
		if v == nil {
			continue
		}
		for _, r := range v.Requests {
			host, _, ok := catalogue.SplitURL(r.URL)
			if !ok {
				continue
			}
			d, known := domainOf[host]
			if !known {
				d = crawler.RegistrableDomain(host)
				domainOf[host] = d
			}
			if first[d] {
				continue
			}
			a := byDomain[d]
			if a == nil {
				a = &acc{tp: report.ThirdParty{Domain: d}, profiles: map[string]bool{}, votes: map[string]int{}}
				byDomain[d] = a
			}
			a.tp.Requests++
			a.profiles[string(v.Profile)] = true
			if len(r.SetCookies) > 0 {
				a.tp.SetCookies = true
			}
			if cat != nil {
				k := urlKey{r.URL, strings.EqualFold(r.ResourceType, "script")}
				slugs, known := vendorsOf[k]
				if !known {
					ms := cat.MatchURL(catalogue.KindRequest, r.URL)
					if k.script {
						ms = append(ms, cat.MatchURL(catalogue.KindScript, r.URL)...)
					}
					for _, m := range ms {
						slugs = append(slugs, m.Matcher.Vendor.Slug)
					}
					vendorsOf[k] = slugs
				}
				for _, slug := range slugs {
					a.votes[slug]++
				}
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
		if best == "" && cat != nil {
			if v := cat.OwnerOfDomain(d); v != nil {
				best = v.Slug
			}
		}
		if best != "" {
			a.tp.Vendor = &best
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
