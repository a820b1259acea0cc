package scan_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/crawler/discover"
	"github.com/privscan/privscan/fixtures"
	"github.com/privscan/privscan/internal/scan"
	"github.com/privscan/privscan/report"
)

// pagesOf returns the URLs of a profile's pages, with and without errors.
func pagesByProfile(r *report.Report, profile string) (ok, failed []string) {
	for _, p := range r.Pages {
		if p.Profile != profile {
			continue
		}
		if p.Error != nil {
			failed = append(failed, p.URL+" "+p.ErrorKind)
		} else {
			ok = append(ok, p.URL)
		}
	}
	slices.Sort(ok)
	slices.Sort(failed)
	return ok, failed
}

// TestDistinctPageBudget scans www.harbourline.test with a budget of nine
// pages. Its home page links the same pages under many spellings, an old
// path that redirects, five regional copies of the policy and two dead
// subdomains: the nine pages are nine distinct pages that answer, the
// contact page (reCAPTCHA) is among them and no regional copy is, the dead
// subdomains are recorded once (baseline) without using the budget, and the
// subdomain linked only from an inner page is not visited.
func TestDistinctPageBudget(t *testing.T) {
	s := site(t, "harbourline")
	r := scanSite(t, s.Home, func(o *scan.Options) {
		o.MaxPages = 9
		o.Observations = true
		o.Profiles = []crawler.Profile{crawler.Baseline, crawler.GPC}
		o.ProfilesExplicit = true
	})
	ok, failed := pagesByProfile(r, "baseline")
	h := "https://www.harbourline.test"
	want := []string{"https://help.harbourline.test/", h + "/", h + "/about/", h + "/checkout/", h + "/contact/",
		h + "/journal/", h + "/journal/waxing-a-jacket/", h + "/privacy-policy/", h + "/products/"}
	if diff := cmp.Diff(want, ok); diff != "" {
		t.Errorf("baseline pages (-want +got):\n%s", diff)
	}
	wantFailed := []string{"https://cp.harbourline.test/login network", "https://ir.harbourline.test/ http-status"}
	if diff := cmp.Diff(wantFailed, failed); diff != "" {
		t.Errorf("baseline pages with errors (-want +got):\n%s", diff)
	}
	keys := map[string]bool{}
	for _, u := range ok {
		if k := discover.KeyOf(u); keys[k] {
			t.Errorf("%s visited twice", k)
		} else {
			keys[k] = true
		}
	}
	gpcOK, gpcFailed := pagesByProfile(r, "gpc")
	if diff := cmp.Diff(want, gpcOK); diff != "" || len(gpcFailed) > 0 {
		t.Errorf("gpc pages (-want +got):\n%s\nwith errors: %v", diff, gpcFailed)
	}
	golden(t, "sites/harbourline-budget", summarizeSite(r))
}

// attribution is what a scan credits each page with.
func attribution(r *report.Report) map[string]string {
	out := map[string]string{}
	for _, tr := range r.Trackers {
		out["tracker "+tr.Vendor] = strings.Join(tr.Pages, " ") + " | " + strings.Join(tr.Profiles, ",")
	}
	for _, c := range r.Cookies {
		out[fmt.Sprintf("cookie %s %s", c.Name, c.Domain)] = c.FirstPage + " | " + c.SetBy + " | " + strings.Join(c.Profiles, ",")
	}
	return out
}

// TestAttributionIndependentOfTabs: the tabs of a profile share a cookie
// jar, so with four tabs a page read after another tab set a cookie used to
// be credited with it (reCAPTCHA's _GRECAPTCHA, set only on /contact/, was
// credited to /privacy-policy/). The same scan with one tab and with four
// credits the same pages, and those are the pages whose own visit made the
// requests or set the cookies.
func TestAttributionIndependentOfTabs(t *testing.T) {
	s := site(t, "harbourline")
	run := func(tabs int) map[string]string {
		r := scanSite(t, s.Home, func(o *scan.Options) {
			o.MaxPages = 7
			o.Concurrency = tabs
			o.Profiles = []crawler.Profile{crawler.Baseline}
			o.ProfilesExplicit = true
		})
		return attribution(r)
	}
	one, four := run(1), run(4)
	if diff := cmp.Diff(one, four); diff != "" {
		t.Errorf("attribution with 1 tab (-) and 4 tabs (+):\n%s", diff)
	}
	h := "https://www.harbourline.test"
	for key, want := range map[string]string{
		"tracker recaptcha":                 h + "/contact/ | baseline",
		"tracker facebook":                  h + "/checkout/ | baseline",
		"cookie _GRECAPTCHA www.google.com": h + "/contact/ | header | baseline",
		"cookie _fbp .harbourline.test":     h + "/checkout/ | script | baseline",
		"cookie fr .facebook.com":           h + "/checkout/ | header | baseline",
		"cookie _ga .harbourline.test":      h + "/ | script | baseline",
	} {
		if got := four[key]; got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
}

// TestSinglePageApp scans www.appshell.test, whose HTML is an empty shell:
// the pages are found in the rendered DOM (links that exist only after the
// app fetched its navigation, ordinary <a href> its router intercepts),
// including a page two clicks deep, and the privacy policy, a History-API
// route, is read from the rendered page.
func TestSinglePageApp(t *testing.T) {
	s := site(t, "appshell")
	r := scanSite(t, s.Home, func(o *scan.Options) {
		o.MaxPages = 10
		o.Profiles = []crawler.Profile{crawler.Baseline}
		o.ProfilesExplicit = true
	})
	ok, failed := pagesByProfile(r, "baseline")
	h := "https://www.appshell.test"
	want := []string{h + "/", h + "/about", h + "/contact", h + "/features", h + "/pricing", h + "/privacy", h + "/signup"}
	if diff := cmp.Diff(want, ok); diff != "" || len(failed) > 0 {
		t.Errorf("pages (-want +got):\n%s\nwith errors: %v", diff, failed)
	}
	p := r.Policy
	if p == nil || !p.Found || p.URL == nil || *p.URL != h+"/privacy" {
		t.Fatalf("policy = %+v, want the rendered /privacy route", p)
	}
	var vendors []string
	for _, v := range p.Vendors {
		vendors = append(vendors, v.Vendor+" "+v.Stance)
	}
	if !slices.Contains(vendors, "google-analytics uses") || p.DNT != "not-honored" {
		t.Errorf("policy read from the shell, not the rendered route: vendors %v, dnt %s", vendors, p.DNT)
	}
	// The app injects its tags 1.6 s after load: the dwell waits for the
	// pending timer, so they are seen, and the undisclosed pixel is found.
	ids := map[string][]string{}
	for _, tr := range r.Trackers {
		if slices.Contains(tr.Profiles, "baseline") {
			ids[tr.Vendor] = append(ids[tr.Vendor], tr.IDs...)
		}
	}
	if !slices.Contains(ids["google-analytics"], fixtures.AppShellGA4) || !slices.Contains(ids["facebook"], fixtures.AppShellPixel) {
		t.Errorf("late-injected tags not seen running: %v", ids)
	}
	if !slices.ContainsFunc(r.Findings, func(f report.Finding) bool {
		return f.Code == "undisclosed-vendor" && f.Vendor != nil && *f.Vendor == "facebook"
	}) {
		t.Errorf("no undisclosed-vendor finding for the late-injected Meta Pixel")
	}
}
