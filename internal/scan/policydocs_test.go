package scan_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/fixtures"
	"github.com/privscan/privscan/internal/scan"
	"github.com/privscan/privscan/report"
)

// scanPolicySite scans a policy fixture's home page only, under baseline:
// what is tested is which documents the policy stage reads.
func scanPolicySite(t *testing.T, name string) *report.Report {
	t.Helper()
	return scanSite(t, site(t, name).Home, func(o *scan.Options) {
		o.MaxPages = 1
		o.Profiles = []crawler.Profile{crawler.Baseline}
		o.ProfilesExplicit = true
	})
}

// documents renders policy.documents[] as "url kind used|why".
func documents(p *report.Policy) []string {
	var out []string
	for _, d := range p.Documents {
		state := "used"
		if !d.Used {
			state = "rejected"
			if d.Why != nil {
				state += ": " + *d.Why
			}
		}
		status := "-"
		if d.Status != nil {
			status = fmt.Sprint(*d.Status)
		}
		out = append(out, fmt.Sprintf("%s %s %s %s", d.URL, d.Kind, status, state))
	}
	return out
}

// TestPolicyStaleLinks: every link to a policy leads to no document (a meta
// refresh to a host that does not resolve, a soft 404, a 503 page, a
// redirect stub whose script throws). The report says policy-not-found, the
// finding's detail names each URL and why, and documents[] lists them.
func TestPolicyStaleLinks(t *testing.T) {
	r := scanPolicySite(t, "policy-stale-links")
	p := r.Policy
	docs := documents(p)
	t.Logf("documents:\n%s", strings.Join(docs, "\n"))
	if p.Found {
		t.Fatalf("policy found at %v; documents:\n%s", *p.URL, strings.Join(docs, "\n"))
	}
	want := map[string]string{
		"https://www.stalelinks.test/privacy-policy/":  "could not be reached|meta refresh",
		"https://www.stalelinks.test/privacy-notice/":  "soft 404",
		"https://www.stalelinks.test/data-protection/": "HTTP status 503",
		"https://www.stalelinks.test/legal/privacy/":   "redirect stub",
	}
	if len(p.Documents) != len(want) {
		t.Errorf("documents:\n%s\nwant one per link (%d)", strings.Join(docs, "\n"), len(want))
	}
	for _, d := range p.Documents {
		w, ok := want[d.URL]
		if !ok {
			t.Errorf("unexpected document %s", d.URL)
			continue
		}
		if d.Used || d.Why == nil || !matchesAny(*d.Why, w) || d.Kind != "privacy" {
			t.Errorf("%s: %s, want rejected for %q", d.URL, strings.Join(documents(&report.Policy{Documents: []report.PolicyDocument{d}}), ""), w)
		}
	}
	var nf *report.Finding
	for i, f := range r.Findings {
		if f.Code == "policy-not-found" {
			nf = &r.Findings[i]
		}
	}
	if nf == nil {
		t.Fatalf("no policy-not-found finding: %+v", r.Findings)
	}
	for u := range want {
		if !strings.Contains(nf.Detail, u) {
			t.Errorf("policy-not-found detail does not name %s:\n%s", u, nf.Detail)
		}
	}
}

func matchesAny(s, alternatives string) bool {
	for _, a := range strings.Split(alternatives, "|") {
		if strings.Contains(s, a) {
			return true
		}
	}
	return false
}

// TestPolicySecondLink: the footer's link is dead (meta refresh to a host
// that does not resolve), so the next candidate, a real notice, is read.
func TestPolicySecondLink(t *testing.T) {
	r := scanPolicySite(t, "policy-second-link")
	p := r.Policy
	docs := documents(p)
	t.Logf("documents:\n%s", strings.Join(docs, "\n"))
	if !p.Found || p.URL == nil || *p.URL != "https://www.secondlink.test/about/privacy-notice/" {
		t.Fatalf("policy %+v; documents:\n%s", p, strings.Join(docs, "\n"))
	}
	// The notice's text is in an iframe: final_url is the frame.
	if len(p.Documents) != 2 || p.Documents[0].Used || !p.Documents[1].Used ||
		p.Documents[0].URL != "https://www.secondlink.test/privacy-policy/" || p.Documents[1].Why != nil ||
		p.Documents[1].FinalURL == nil || *p.Documents[1].FinalURL != "https://www.secondlink.test/policy-embed/notice.html" {
		t.Errorf("documents:\n%s", strings.Join(docs, "\n"))
	}
	if p.DNT != "not-honored" {
		t.Errorf("dnt = %s, want not-honored (the notice's own statement)", p.DNT)
	}
	for _, f := range r.Findings {
		if f.Code == "policy-not-found" {
			t.Errorf("unexpected %s: %s", f.Code, f.Detail)
		}
	}
}

// TestPolicyRegional: a US site (<html lang="en-US">) whose footer links
// five regional statements with the same text; the US statement is read
// (the Australian one sorts first), together with the cookie policy.
func TestPolicyRegional(t *testing.T) {
	r := scanPolicySite(t, "policy-regional")
	p := r.Policy
	docs := documents(p)
	t.Logf("documents:\n%s", strings.Join(docs, "\n"))
	const us = "https://www.harborpine.test/legal/privacy-statement-us/"
	if !p.Found || p.URL == nil || *p.URL != us {
		t.Fatalf("policy URL %v, want %s; documents:\n%s", p.URL, us, strings.Join(docs, "\n"))
	}
	want := []string{
		us + " regional 200 used",
		"https://www.harborpine.test/legal/cookie-policy/ cookie 200 used",
	}
	if strings.Join(docs, "\n") != strings.Join(want, "\n") {
		t.Errorf("documents:\n%s\nwant:\n%s", strings.Join(docs, "\n"), strings.Join(want, "\n"))
	}
	if len(p.Cookies) < 3 {
		t.Errorf("the cookie policy's table was not read with the statement: %d cookies", len(p.Cookies))
	}
	for _, c := range p.Candidates {
		if c.Chosen != (c.URL == us || strings.HasSuffix(c.URL, "/cookie-policy/")) {
			t.Errorf("candidate %s chosen %v", c.URL, c.Chosen)
		}
	}
	// The statement discloses the Meta Pixel, the cookie policy denies it,
	// and the site runs it: one contradiction quoting both, no "denies"
	// finding. _ga is declared as 1 year and asks for 2.
	var codes []string
	for _, f := range r.Findings {
		key := ""
		if f.Vendor != nil {
			key = *f.Vendor
		}
		if f.Cookie != nil {
			key += " cookie " + *f.Cookie
		}
		codes = append(codes, fmt.Sprintf("%s %s %s", f.Severity, f.Code, key))
		if f.Code == "policy-contradiction" && (f.PolicyQuote == nil || !strings.Contains(f.Detail, "/legal/cookie-policy/") || !strings.Contains(f.Detail, us)) {
			t.Errorf("contradiction does not quote both documents: %s", f.Detail)
		}
	}
	slices.Sort(codes)
	// The Meta Pixel's cookies are missing from a cookie list that denies
	// the pixel.
	want = []string{"medium cookie-lifetime-mismatch google-analytics cookie _ga", "medium cookie-lifetime-mismatch google-analytics cookie _ga_" + strings.TrimPrefix(fixtures.HarborPineGA4, "G-"),
		"medium policy-contradiction facebook", "medium undisclosed-cookie facebook cookie _fbp", "medium undisclosed-cookie facebook cookie fr"}
	if !slices.Equal(codes, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(codes, "\n"), strings.Join(want, "\n"))
	}
	if p.USNexus == nil {
		t.Error("us_nexus is null for a statement that names the United States")
	}
}
