package scan

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/detectors/catalogue"
	"github.com/privscan/privscan/internal/policy"
	"github.com/privscan/privscan/report"
)

// policyTerms converts the catalogue's vendor names (the single source of
// vendor names) to the policy analyser's terms.
func policyTerms(cat *catalogue.Catalogue) []policy.VendorTerms {
	var out []policy.VendorTerms
	for _, v := range cat.PolicyTerms() {
		out = append(out, policy.VendorTerms{Vendor: v.Vendor, Name: v.Name, Terms: v.Terms, Parents: v.Parents, ParentContext: v.ParentContext})
	}
	return out
}

// policyStage finds, fetches and analyses the site's privacy policy, or
// reads the one given with --policy (Options.Policy, a URL or a file).
type policyStage struct {
	terms []policy.VendorTerms
}

// run returns the analysis for the report. It never fails: a policy that
// cannot be found or read is an Analysis with Found false and the reason.
func (p *policyStage) run(ctx context.Context, obs *Observations) *policy.Analysis {
	if obs.Options.Policy != "" {
		return p.fromOverride(ctx, obs, obs.Options.Policy)
	}
	var links []crawler.Link
	for _, v := range obs.Visits {
		if v.Profile == obs.firstProfile() {
			links = append(links, v.Links...)
		}
	}
	candidates := policy.FindCandidates(obs.Home, links)
	var privacy, cookie *policy.Candidate
	for i := range candidates {
		c := &candidates[i]
		switch {
		case c.Kind == policy.KindPrivacyPolicy && privacy == nil:
			privacy = c
		case c.Kind == policy.KindCookiePolicy && cookie == nil:
			cookie = c
		}
	}
	if privacy == nil {
		for _, path := range policy.CommonPaths() {
			u := *obs.Home
			u.Path, u.RawQuery = path, ""
			if ok := probe(ctx, obs.Client, u.String()); ok {
				candidates = append(candidates, policy.Candidate{URL: u.String(), Kind: policy.KindPrivacyPolicy,
					Reason: "no policy link on the pages visited; " + path + " answered 200"})
				privacy = &candidates[len(candidates)-1]
				break
			}
		}
	}
	if privacy == nil && cookie != nil {
		// A cookie policy is the only policy the site links: read it.
		privacy, cookie = cookie, nil
	}
	if privacy == nil {
		a := policy.Analyze(nil, p.terms)
		a.Candidates = candidates
		a.Error = "no link to a privacy policy on the pages visited, and none of the usual paths (/privacy, /privacy-policy, …) answered"
		return a
	}
	a := p.read(ctx, obs, privacy.URL)
	if cookie != nil && cookie.URL != privacy.URL && a.Found {
		if ca := p.read(ctx, obs, cookie.URL); ca.Found {
			merge(a, ca)
		}
	}
	a.Candidates = candidates
	return a
}

// read loads a policy page rendered (client-side cookie tables exist only
// after scripts run), falling back to a static fetch for documents the
// browser does not render as pages (PDF) or when the browser failed.
func (p *policyStage) read(ctx context.Context, obs *Observations, u string) *policy.Analysis {
	var v *crawler.Visit
	for _, visit := range obs.Visits {
		if visit.URL == u && visit.Profile == obs.firstProfile() && visit.Error == "" && visit.HTML != "" {
			v = visit
			break
		}
	}
	if v == nil && obs.Visit != nil {
		if visit, err := obs.Visit(ctx, u); err == nil && visit.Error == "" && visit.HTML != "" {
			v = visit
		}
	}
	if v != nil && v.Status < 400 {
		final := v.FinalURL
		if final == "" {
			final = u
		}
		doc, err := policy.Extract([]byte(v.HTML), "text/html; charset=utf-8", final)
		if err == nil {
			return policy.Analyze(doc, p.terms)
		}
	}
	a, _ := policy.AnalyzeURL(ctx, policy.HTTPFetcher{Client: obs.Client}, u, p.terms)
	return a
}

func (p *policyStage) fromOverride(ctx context.Context, obs *Observations, override string) *policy.Analysis {
	if _, err := os.Stat(override); err == nil {
		a, err := policy.AnalyzeFile(ctx, override, p.terms)
		if err != nil {
			a = policy.Analyze(nil, p.terms)
			a.URL, a.Error = override, err.Error()
		}
		a.Candidates = []policy.Candidate{{URL: override, Kind: policy.KindPrivacyPolicy, Reason: "given with --policy"}}
		return a
	}
	a := p.read(ctx, obs, override)
	a.Candidates = []policy.Candidate{{URL: override, Kind: policy.KindPrivacyPolicy, Reason: "given with --policy"}}
	return a
}

// merge adds a separate cookie policy's disclosures to the privacy policy's.
func merge(a, c *policy.Analysis) {
	a.Cookies = append(a.Cookies, c.Cookies...)
	for _, v := range c.Vendors {
		if !slices.ContainsFunc(a.Vendors, func(x policy.VendorDisclosure) bool { return x.Vendor == v.Vendor && x.Stance == v.Stance }) {
			a.Vendors = append(a.Vendors, v)
		}
	}
	m, n := &a.Mentions, c.Mentions
	m.Cookies = m.Cookies || n.Cookies
	m.SessionCookies = m.SessionCookies || n.SessionCookies
	m.PersistentCookies = m.PersistentCookies || n.PersistentCookies
	m.ThirdPartyCookies = m.ThirdPartyCookies || n.ThirdPartyCookies
	m.Analytics = m.Analytics || n.Analytics
	m.Advertising = m.Advertising || n.Advertising
	m.WebBeacons = m.WebBeacons || n.WebBeacons
	if a.DNT == policy.NotMentioned && c.DNT != policy.NotMentioned {
		a.DNT, a.DNTQuote, a.DNTHeading = c.DNT, c.DNTQuote, c.DNTHeading
	}
	if a.GPC == policy.NotMentioned && c.GPC != policy.NotMentioned {
		a.GPC, a.GPCQuote, a.GPCHeading = c.GPC, c.GPCQuote, c.GPCHeading
	}
}

// probe reports whether u answers 200 with an HTML or PDF body.
func probe(ctx context.Context, client *http.Client, u string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return false
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	ct := strings.ToLower(resp.Header.Get("Content-Type"))
	return resp.StatusCode == http.StatusOK && (strings.Contains(ct, "html") || strings.Contains(ct, "pdf") || strings.Contains(ct, "text/plain"))
}

// PolicyToReport converts the analysis to the report's policy section through
// its JSON form, which is the contract both sides share. chosen marks the
// candidate that was read.
func PolicyToReport(a *policy.Analysis, chosen string) (*report.Policy, error) {
	data, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	var p report.Policy
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("policy section: %w", err)
	}
	for i := range p.Candidates {
		if p.Candidates[i].URL == chosen {
			p.Candidates[i].Chosen = true
		}
	}
	if p.Vendors == nil {
		p.Vendors = []report.PolicyVendor{}
	}
	if p.Cookies == nil {
		p.Cookies = []report.PolicyCookie{}
	}
	return &p, nil
}

// firstProfile is the profile whose visits discovered the pages.
func (o *Observations) firstProfile() crawler.Profile {
	if len(o.Visits) > 0 {
		return o.Visits[0].Profile
	}
	return crawler.Baseline
}

// PolicyTerms returns the vendor names the policy analyser looks for, from
// the built-in catalogue plus extra rules.
func PolicyTerms(rules [][]byte) ([]policy.VendorTerms, error) {
	cat, err := catalogue.Load(rules...)
	if err != nil {
		return nil, err
	}
	return policyTerms(cat), nil
}
