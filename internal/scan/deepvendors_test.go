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

// deepVendor is one vendor a deep-vendor fixture site must show: its slug,
// the product seen, its category, an account ID it must report ("" when
// the vendor's code carries none) and the page it runs on.
type deepVendor struct {
	slug, product, category, id, page string
}

// TestDeepVendorSites scans each deep-vendor fixture site once (baseline,
// GPC, DNT) and checks that every vendor on it is detected under its slug,
// product and category, with its ID and with evidence from code that ran
// (a request, a cookie or a global its library defined), and that the look-alikes beside them are not;
// the whole report summary is compared with the site's golden file.
func TestDeepVendorSites(t *testing.T) {
	cases := []struct {
		site string
		want []deepVendor
		// notIn are strings that no tracker's evidence may contain: the
		// look-alikes' URLs and hosts.
		notIn []string
	}{
		{site: "deep-saas", want: []deepVendor{
			{"segment", "Segment", "analytics", fixtures.QuillstackSegment, "/"},
			{"mixpanel", "Mixpanel", "analytics", fixtures.QuillstackMixpanel, "/"},
			{"amplitude", "Amplitude", "analytics", fixtures.QuillstackAmplitude, "/"},
			{"heap", "Heap", "analytics", fixtures.QuillstackHeap, "/"},
			{"fullstory", "FullStory", "analytics", fixtures.QuillstackFullStory, "/"},
			{"intercom", "Intercom", "customer-success", fixtures.QuillstackIntercom, "/"},
			{"drift", "Drift", "marketing-automation", fixtures.QuillstackDrift, "/support/"},
			{"zendesk", "Zendesk", "customer-success", fixtures.QuillstackZendesk, "/support/"},
			{"tawk-to", "Tawk.to", "customer-success", fixtures.QuillstackTawk, "/support/"},
			{"crisp", "Crisp", "customer-success", fixtures.QuillstackCrisp, "/support/"},
		}, notIn: []string{"/assets/analytics.js/v1/release-notes/", "www.quillstack.test/api/v1/p", "www.intercom.com/", "segment.com/catalog"}},
		{site: "deep-publisher", want: []deepVendor{
			{"adobe-analytics", "Adobe Analytics", "analytics", fixtures.GazetteReportSuite, "/"},
			{"adobe-analytics", "Adobe Experience Platform Launch", "tag-manager", fixtures.GazetteLaunch, "/"},
			{"taboola", "Taboola", "advertising", fixtures.GazetteTaboola, "/news/harbour-dredging-approved/"},
			{"outbrain", "Outbrain", "advertising", "", "/news/harbour-dredging-approved/"},
		}, notIn: []string{"typekit", "www.taboola.com/", "www.outbrain.com/what-is"}},
		{site: "deep-shop", want: []deepVendor{
			{"activecampaign", "ActiveCampaign", "marketing-automation", fixtures.FernfoldActiveCampaign, "/"},
			{"mailchimp", "Mailchimp", "marketing-automation", fixtures.FernfoldMailchimpUser, "/"},
			{"klaviyo", "Klaviyo", "marketing-automation", fixtures.FernfoldKlaviyo, "/"},
		}, notIn: []string{"klaviyo-consent-bridge", "www.fernfold.test/newsletter/subscribe"}},
	}
	for _, tc := range cases {
		t.Run(tc.site, func(t *testing.T) {
			s := site(t, tc.site)
			r := scanSite(t, s.Home, func(o *scan.Options) {
				o.Observations = true
				o.MaxPages = 10
				o.Profiles = []crawler.Profile{crawler.Baseline, crawler.GPC, crawler.DNT}
				o.ProfilesExplicit = true
			})
			golden(t, "sites/"+tc.site, summarizeSite(r))
			for _, w := range tc.want {
				var tr *report.Tracker
				for i := range r.Trackers {
					if r.Trackers[i].Vendor == w.slug && r.Trackers[i].Product != nil && *r.Trackers[i].Product == w.product {
						tr = &r.Trackers[i]
					}
				}
				if tr == nil {
					t.Errorf("%s (%s) not detected", w.slug, w.product)
					continue
				}
				if tr.Category != w.category || tr.Source != "catalogue" {
					t.Errorf("%s: category %q source %q, want %q catalogue", w.product, tr.Category, tr.Source, w.category)
				}
				if w.id != "" && !slices.Contains(tr.IDs, w.id) {
					t.Errorf("%s: ids %q, want %s", w.product, tr.IDs, w.id)
				}
				if !slices.Contains(tr.Pages, s.Home+strings.TrimPrefix(w.page, "/")) || !slices.Equal(tr.Profiles, []string{"baseline", "gpc", "dnt"}) {
					t.Errorf("%s: pages %q profiles %q", w.product, tr.Pages, tr.Profiles)
				}
				ran := false
				for _, e := range tr.Evidence {
					ran = ran || e.Kind == "request" || e.Kind == "cookie" || e.Kind == "global"
				}
				if !ran {
					t.Errorf("%s: no evidence from code that ran: %+v", w.product, tr.Evidence)
				}
			}
			for _, tr := range r.Trackers {
				for _, e := range tr.Evidence {
					for _, bad := range tc.notIn {
						if strings.Contains(e.Detail, bad) {
							t.Errorf("look-alike %q counted as %s: %s %s", bad, tr.Vendor, e.Kind, e.Detail)
						}
					}
				}
			}
			for _, tp := range r.ThirdParties {
				if strings.Contains(tp.Domain, "typekit") && tp.Vendor != nil {
					t.Errorf("Adobe Fonts (%s) attributed to %s", tp.Domain, *tp.Vendor)
				}
			}
		})
	}
}
