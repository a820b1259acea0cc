package scan_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/fixtures"
	"github.com/privscan/privscan/internal/scan"
	"github.com/privscan/privscan/report"
)

// trackerByProduct returns the tracker of a vendor's product, or nil.
func trackerByProduct(r *report.Report, vendor, product string) *report.Tracker {
	for i, t := range r.Trackers {
		if t.Vendor == vendor && t.Product != nil && *t.Product == product {
			return &r.Trackers[i]
		}
	}
	return nil
}

// requestsOf returns the request URLs of the baseline visit of path.
func requestsOf(r *report.Report, home, path string) []string {
	var out []string
	for _, o := range r.Observations {
		if o.Profile == "baseline" && o.URL == strings.TrimSuffix(home, "/")+path {
			for _, q := range o.Requests {
				out = append(out, q.URL)
			}
		}
	}
	return out
}

func anyHas(urls []string, part string) bool {
	return slices.ContainsFunc(urls, func(u string) bool { return strings.Contains(u, part) })
}

// TestConsentBlockingMarkup scans the pages of the major consent plugins
// in real Chromium, blocked (no consent stored) and unblocked (consent
// stored, the plugins activate their tags): parked tags are reported as
// blocked, never as tracking before consent, and activated ones as
// running.
func TestConsentBlockingMarkup(t *testing.T) {
	baselineOnly := func(o *scan.Options) {
		o.Profiles = []crawler.Profile{crawler.Baseline}
		o.ProfilesExplicit = true
		o.Observations = true
	}
	t.Run("parked", func(t *testing.T) {
		home := site(t, "consent-parked").Home
		r := scanSite(t, home, baselineOnly)
		for path := range fixtures.ParkedPlugins {
			reqs := requestsOf(r, home, path)
			if len(reqs) == 0 {
				t.Errorf("%s was not visited", path)
				continue
			}
			for _, host := range []string{"googletagmanager.com", "google-analytics.com", "facebook.net", "facebook.com"} {
				if anyHas(reqs, host) {
					t.Errorf("%s: a parked tag ran: request to %s", path, host)
				}
			}
		}
		for _, want := range []struct{ vendor, product string }{
			{"google-analytics", "Google Analytics"}, {"facebook", "Meta Pixel"}, {"facebook", "Facebook social plugins"},
		} {
			tr := trackerByProduct(r, want.vendor, want.product)
			if tr == nil {
				t.Errorf("%s not reported", want.product)
				continue
			}
			if len(tr.Profiles) != 0 || !slices.Equal(tr.Blocked, []string{"baseline"}) {
				t.Errorf("%s: profiles %v, blocked %v; want it blocked, not running", want.product, tr.Profiles, tr.Blocked)
			}
		}
		ga, pixel := trackerByProduct(r, "google-analytics", "Google Analytics"), trackerByProduct(r, "facebook", "Meta Pixel")
		for path, ids := range fixtures.ParkedPlugins {
			if ga != nil && !slices.Contains(ga.IDs, ids[0]) {
				t.Errorf("%s: parked GA4 %s not found (ids %v)", path, ids[0], ga.IDs)
			}
			if pixel != nil && !slices.Contains(pixel.IDs, ids[1]) {
				t.Errorf("%s: parked Meta Pixel %s not found (ids %v)", path, ids[1], pixel.IDs)
			}
		}
		if !r.Consent.Banner {
			t.Error("no consent banner detected")
		}
		for _, f := range r.Findings {
			if f.Code == "tracking-before-consent" {
				t.Errorf("false alarm: %s: %s", f.Title, f.Detail)
			}
		}
		for _, c := range r.Checks {
			if c.Code == "tracking-before-consent" && (c.Status != report.CheckPassed || !strings.Contains(c.Covered, "blocked, never run: ")) {
				t.Errorf("tracking-before-consent check = %+v", c)
			}
		}
	})
	t.Run("unparked", func(t *testing.T) {
		home := site(t, "consent-unparked").Home
		r := scanSite(t, home, baselineOnly)
		for path, ids := range fixtures.ParkedPlugins {
			reqs := requestsOf(r, home, path)
			if !anyHas(reqs, "gtag/js?id="+ids[0]) || !anyHas(reqs, "tid="+ids[0]) {
				t.Errorf("%s: GA4 %s did not run after consent: %q", path, ids[0], reqs)
			}
			if !anyHas(reqs, "facebook.com/tr/?id="+ids[1]) && !anyHas(reqs, "facebook.com/tr?id="+ids[1]) {
				t.Errorf("%s: Meta Pixel %s did not run after consent: %q", path, ids[1], reqs)
			}
		}
		for _, want := range []struct{ vendor, product string }{
			{"google-analytics", "Google Analytics"}, {"facebook", "Meta Pixel"}, {"facebook", "Facebook social plugins"},
		} {
			tr := trackerByProduct(r, want.vendor, want.product)
			if tr == nil {
				t.Errorf("%s not reported", want.product)
				continue
			}
			if !slices.Equal(tr.Profiles, []string{"baseline"}) || len(tr.Blocked) != 0 {
				t.Errorf("%s: profiles %v, blocked %v; want it running", want.product, tr.Profiles, tr.Blocked)
			}
		}
	})
}

// TestConsentBlockingWorksIsReported: on the OneTrust imitation, which
// parks GA4 and the Meta Pixel as text/plain until "accept", the reject
// journey keeps them blocked; the report says consent blocking works
// instead of a bare "passed", and nothing is tracking before consent.
func TestConsentBlockingWorksIsReported(t *testing.T) {
	r, _ := scanConsent(t, site(t, "consent-onetrust").Home, journeyProfiles)
	for _, want := range []struct{ vendor, product string }{{"google-analytics", "Google Analytics"}, {"facebook", "Meta Pixel"}} {
		tr := trackerByProduct(r, want.vendor, want.product)
		if tr == nil {
			t.Errorf("%s not reported", want.product)
			continue
		}
		if !slices.Equal(tr.Profiles, []string{"accept"}) || !slices.Equal(tr.Blocked, []string{"baseline", "reject"}) {
			t.Errorf("%s: profiles %v, blocked %v; want running after accept only, blocked in baseline and reject", want.product, tr.Profiles, tr.Blocked)
		}
	}
	byCode := map[string]report.Check{}
	for _, c := range r.Checks {
		byCode[c.Code] = c
	}
	if c := byCode["tracking-after-reject"]; c.Status != report.CheckPassed ||
		!strings.Contains(c.Covered, "consent blocking works: Meta Pixel, Google Analytics stayed blocked after \"reject\" and ran after \"accept\"") {
		t.Errorf("tracking-after-reject check = %+v", c)
	}
	if c := byCode["tracking-before-consent"]; c.Status != report.CheckPassed || !strings.Contains(c.Covered, "blocked, never run: Meta Pixel, Google Analytics") {
		t.Errorf("tracking-before-consent check = %+v", c)
	}
}
