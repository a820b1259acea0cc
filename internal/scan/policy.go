package scan

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/detectors/catalogue"
	"github.com/privscan/privscan/internal/policy"
	"github.com/privscan/privscan/report"
)

// policyTerms converts the catalogue's vendor and product names (the
// single source of vendor names) to the policy analyser's terms.
func policyTerms(cat *catalogue.Catalogue) []policy.VendorTerms {
	var out []policy.VendorTerms
	for _, v := range cat.PolicyTerms() {
		vt := policy.VendorTerms{Vendor: v.Vendor, Name: v.Name, Terms: v.Terms, Parents: v.Parents, ParentContext: v.ParentContext, MainContext: v.MainContext}
		for _, p := range v.Products {
			vt.Products = append(vt.Products, policy.ProductTerms{Name: p.Name, Category: p.Category, Terms: p.Terms})
		}
		// An entity vendor's company ("LogMeIn" for BoldChat) names it only
		// where data is said to go to the company.
		if cv := cat.Vendor(v.Vendor); cv != nil && cv.Source == catalogue.SourceEntity && cv.Entity != nil {
			vt = vt.WithCompany(cv.Entity.Company)
		}
		out = append(out, vt)
	}
	return out
}

// policyStage finds, fetches and analyses the site's privacy policy, or
// reads the one given with --policy (Options.Policy, a URL or a file).
type policyStage struct {
	terms []policy.VendorTerms
	// an reads every document of every scan against terms, compiled once
	// (set on first use).
	anOnce sync.Once
	an     *policy.Analyzer
}

// analyzer returns the stage's Analyzer, compiling the vendor list once.
func (p *policyStage) analyzer() *policy.Analyzer {
	p.anOnce.Do(func() { p.an = policy.NewAnalyzer(p.terms) })
	return p.an
}

// Tries per search: each is a browser visit, and a site rarely links more
// than a few policy-like pages.
const (
	maxPrivacyTries = 4
	maxCookieTries  = 2
	maxPathTries    = 2
)

// run returns the analysis for the report. It never fails: a policy that
// cannot be found or read is an Analysis with Found false and the reason.
// Candidates are tried best first (after PreferLocale's ranking for the
// site's language and region) until one is a real policy (policy.Check);
// a separate cookie policy is read with it. Every document tried is in
// Analysis.Documents.
func (p *policyStage) run(ctx context.Context, obs *Observations) *policy.Analysis {
	if obs.Options.Policy != "" {
		return p.fromOverride(ctx, obs, obs.Options.Policy)
	}
	var links []crawler.Link
	var home *crawler.Visit
	for _, v := range obs.Visits {
		if v.Profile != obs.firstProfile() {
			continue
		}
		links = append(links, v.Links...)
		if home == nil || (v.URL == obs.Home.String() && home.URL != obs.Home.String()) {
			home = v
		}
	}
	homeLinks := map[string]bool{}
	homeHTML := ""
	if home != nil {
		homeHTML = home.HTML
		for _, c := range policy.FindCandidates(obs.Home, home.Links) {
			homeLinks[c.URL] = true
		}
	}
	loc := policy.SiteLocale(obs.Home, homeHTML)
	candidates := policy.PreferLocale(policy.FindCandidates(obs.Home, links), loc, homeLinks)

	var docs []policy.DocumentRecord
	tried := map[string]bool{}
	var main *policy.Analysis
	try := func(u, kind string) *policy.Analysis {
		tried[u] = true
		a, rec := p.try(ctx, obs, u, kind)
		docs = append(docs, rec)
		return a
	}
	n := 0
	for _, c := range candidates {
		if main != nil || n == maxPrivacyTries || ctx.Err() != nil {
			break
		}
		if c.Kind == policy.KindPrivacyPolicy && !tried[c.URL] {
			n++
			main = try(c.URL, policy.DocKind(c))
		}
	}
	if main == nil {
		n = 0
		for _, path := range policy.CommonPaths() {
			if n == maxPathTries || ctx.Err() != nil {
				break
			}
			u := *obs.Home
			u.Path, u.RawQuery = path, ""
			if tried[u.String()] || !probe(ctx, obs.Client, u.String()) {
				continue
			}
			n++
			candidates = append(candidates, policy.Candidate{URL: u.String(), Kind: policy.KindPrivacyPolicy,
				Reason: "no policy link on the pages visited was a policy; " + path + " answered 200"})
			if main = try(u.String(), policy.DocPrivacy); main != nil {
				break
			}
		}
	}
	n = 0
	for _, c := range candidates {
		if n == maxCookieTries || ctx.Err() != nil {
			break
		}
		if c.Kind != policy.KindCookiePolicy || tried[c.URL] {
			continue
		}
		n++
		ca := try(c.URL, policy.DocKind(c))
		if ca == nil {
			continue
		}
		if main == nil {
			// A cookie policy is the only policy the site has: read it.
			main = ca
		} else {
			merge(main, ca)
		}
		break
	}
	if main == nil {
		a := policy.Rejected(docs)
		if len(docs) == 0 {
			a.Error = "no link to a privacy policy on the pages visited, and none of the usual paths (/privacy, /privacy-policy, …) answered"
		}
		a.Candidates = candidates
		return a
	}
	main.Candidates = candidates
	main.Documents = docs
	return main
}

// try reads one candidate: rendered in the browser (client-side cookie
// tables exist only after scripts run), with a meta refresh the browser did
// not follow followed here, and a static fetch for documents the browser
// does not render as pages (PDF) or when the browser failed. It returns the
// analysis when the document is a policy (policy.Check), else nil, and the
// document's record either way.
func (p *policyStage) try(ctx context.Context, obs *Observations, u, kind string) (*policy.Analysis, policy.DocumentRecord) {
	rec := policy.DocumentRecord{URL: u, Kind: kind}
	var v *crawler.Visit
	for _, visit := range obs.Visits {
		if visit.URL == u && visit.Profile == obs.firstProfile() && (visit.Error != "" || visit.HTML != "") {
			v = visit
			break
		}
	}
	if v == nil && obs.Visit != nil {
		if visit, err := obs.Visit(ctx, u); err == nil {
			v = visit
		}
	} else if v != nil && obs.Visit != nil && v.Error == "" && v.HTML != "" && renderedEmpty(v) {
		// A single-page app renders its policy from an API: a crawl visit
		// that ended before the text arrived is read again, once, alone.
		if visit, err := obs.Visit(ctx, u); err == nil && visit.Error == "" && !renderedEmpty(visit) {
			v = visit
		}
	}
	browserWhy := ""
	if v != nil {
		final := v.FinalURL
		if final == "" {
			final = u
		}
		for hop := 0; hop < policy.MaxRefreshHops && v.HTML != "" && obs.Visit != nil && strings.HasPrefix(final, "http"); hop++ {
			next, ok := policy.MetaRefresh(v.HTML, final)
			if !ok {
				break
			}
			nv, err := obs.Visit(ctx, next)
			if err != nil {
				rec.Why = fmt.Sprintf("its meta refresh to %s could not be followed: %v", next, err)
				return nil, rec
			}
			v, final = nv, nv.FinalURL
			if final == "" {
				final = next
			}
		}
		rec.Status = v.Status
		if final != u {
			rec.FinalURL = final
		}
		switch {
		case !strings.HasPrefix(final, "http"):
			rec.Why = policy.Check(nil, final, 0)
			return nil, rec
		case v.ErrorKind == crawler.PageErrorHTTP || (v.Status >= 300 && v.Status != 304):
			rec.Why = fmt.Sprintf("HTTP status %d", v.Status)
			return nil, rec
		case servedPDF(v):
			// The browser shows a PDF in its viewer, whose DOM holds no
			// text: read the file itself below.
		case v.Error == "" && v.HTML != "":
			doc, err := policy.Extract([]byte(v.HTML), "text/html; charset=utf-8", final)
			if err != nil {
				rec.Why = "could not be read: " + err.Error()
				return nil, rec
			}
			if why := policy.Check(doc, final, v.Status); why != "" {
				// A page that embeds its policy (a policy service's
				// iframe) has its text in the frame: read that instead.
				if frame, ok := policy.EmbeddedPolicy(v.HTML, final); ok && obs.Visit != nil && strings.HasPrefix(why, "no policy-like content") {
					if fv, err := obs.Visit(ctx, frame); err == nil && fv.Error == "" && fv.HTML != "" {
						if fdoc, err := policy.Extract([]byte(fv.HTML), "text/html; charset=utf-8", frame); err == nil && policy.Check(fdoc, frame, fv.Status) == "" {
							rec.FinalURL, rec.Status, rec.Used = frame, fv.Status, true
							a := p.analyzer().Analyze(fdoc)
							// The policy is where visitors read it: the
							// page around the frame.
							a.URL = final
							a.USNexus = policy.USNexus(fdoc)
							return fromDocument(a, u), rec
						}
					}
				}
				rec.Why = why
				return nil, rec
			}
			rec.Used = true
			a := p.analyzer().Analyze(doc)
			a.USNexus = policy.USNexus(doc)
			return fromDocument(a, u), rec
		case v.Error != "":
			browserWhy = "the browser could not load it (" + v.Error + ")"
		}
	}
	// PDFs (a download to the browser), browser failures, no browser.
	a, frec, _ := p.analyzer().ReadURL(ctx, policy.HTTPFetcher{Client: obs.Client}, u, kind)
	if a == nil && browserWhy != "" && frec.Status == 0 {
		frec.Why = browserWhy + "; " + frec.Why
	}
	if a != nil {
		a = fromDocument(a, u)
	}
	return a, frec
}

// renderedEmpty reports whether a visit's rendered page holds almost no
// text: an app shell whose content had not arrived when it was recorded.
func renderedEmpty(v *crawler.Visit) bool {
	doc, err := policy.Extract([]byte(v.HTML), "text/html; charset=utf-8", v.URL)
	return err == nil && len(strings.Fields(doc.Text())) < 20
}

// servedPDF reports whether the visit's page was a PDF document.
func servedPDF(v *crawler.Visit) bool {
	for _, q := range v.Requests {
		if strings.EqualFold(q.ResourceType, "document") && strings.Contains(strings.ToLower(q.MIMEType), "pdf") {
			return true
		}
	}
	return false
}

// fromDocument records which document each vendor statement is from, so that
// a claim in one document and a denial in another can be shown side by side.
func fromDocument(a *policy.Analysis, u string) *policy.Analysis {
	for i := range a.Vendors {
		a.Vendors[i].Document = u
	}
	return a
}

func (p *policyStage) fromOverride(ctx context.Context, obs *Observations, override string) *policy.Analysis {
	given := []policy.Candidate{{URL: override, Kind: policy.KindPrivacyPolicy, Reason: "given with --policy"}}
	if _, err := os.Stat(override); err == nil {
		a, err := p.analyzer().AnalyzeFile(ctx, override)
		if err != nil {
			a = p.analyzer().Analyze(nil)
			a.URL, a.Error = override, err.Error()
			a.Documents = []policy.DocumentRecord{{URL: override, Kind: policy.DocPrivacy, Why: "could not be read: " + err.Error()}}
		}
		a.Candidates = given
		return a
	}
	a, rec := p.try(ctx, obs, override, policy.DocPrivacy)
	if a == nil {
		a = policy.Rejected([]policy.DocumentRecord{rec})
	} else {
		a.Documents = []policy.DocumentRecord{rec}
	}
	a.Candidates = given
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
	if a.USNexus == "" {
		a.USNexus = c.USNexus
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
	used := map[string]bool{chosen: chosen != ""}
	p.Documents = make([]report.PolicyDocument, 0, len(a.Documents))
	for _, d := range a.Documents {
		pd := report.PolicyDocument{URL: d.URL, Kind: d.Kind, Used: d.Used}
		if d.FinalURL != "" {
			pd.FinalURL = &d.FinalURL
		}
		if d.Status != 0 {
			pd.Status = &d.Status
		}
		if d.Why != "" {
			pd.Why = &d.Why
		}
		p.Documents = append(p.Documents, pd)
		if d.Used {
			used[d.URL] = true
		}
	}
	for i := range p.Candidates {
		if used[p.Candidates[i].URL] {
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
