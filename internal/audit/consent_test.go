package audit

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/privscan/privscan/report"
)

func boolp(b bool) *bool { return &b }

func journeyReport(j report.ConsentJourney, trackers []report.Tracker, cookies []report.Cookie) *report.Report {
	return &report.Report{Target: "https://www.shop.test/", Profiles: []string{"baseline", "reject", "accept"},
		Consent:  report.Consent{Banner: true, CMP: str("onetrust"), Journeys: []report.ConsentJourney{j}},
		Trackers: trackers, Cookies: cookies, Policy: policy(func(p *report.Policy) { p.Vendors = uses("google-analytics", "facebook", "hotjar") })}
}

func tracker(slug, name, category string, profiles ...string) report.Tracker {
	t := report.Tracker{Vendor: slug, Name: name, Category: category, Profiles: profiles}
	for _, p := range profiles {
		t.Evidence = append(t.Evidence, report.Evidence{Kind: "request", Profile: p, Page: "https://www.shop.test/", Detail: slug + " beacon"})
	}
	return t
}

var rejected = report.ConsentJourney{Profile: "reject", Page: "https://www.shop.test/", CMP: str("onetrust"), Method: "selector",
	Clicked: "Reject All", RejectOnFirstLayer: boolp(true), BannerClosed: true, Steps: []string{`clicked "Reject All"`},
	VendorsAfterChoice: []string{}, VendorsLater: []string{}}

func TestConsentJourneyFindings(t *testing.T) {
	secondLayer := rejected
	secondLayer.RejectOnFirstLayer, secondLayer.SecondLayer, secondLayer.Clicked = boolp(false), true, "Alle ablehnen"
	forgot := rejected
	forgot.VendorsLater = []string{"google-analytics", "facebook"}
	forgot.VendorsAfterChoice = []string{"facebook"}
	bannerBack := rejected
	bannerBack.BannerReturned = []string{"https://www.shop.test/a", "https://www.shop.test/b"}
	failed := rejected
	failed.Method, failed.Error = "", "no consent banner found"

	gaAcc := tracker("google-analytics", "Google Analytics", CategoryAnalytics, "accept")
	fbAll := tracker("facebook", "Meta Pixel", CategoryAdvertising, "baseline", "reject", "accept")
	gaRej := tracker("google-analytics", "Google Analytics", CategoryAnalytics, "reject", "accept")
	gtmRej := tracker("google-tag-manager", "Google Tag Manager", CategoryTagManager, "reject", "accept")
	hjCookie := report.Cookie{Name: "_hjSessionUser_1", Domain: ".shop.test", Category: "analytics", Profiles: []string{"reject"}, Vendor: str("hotjar")}
	necessary := report.Cookie{Name: "OptanonConsent", Domain: ".shop.test", Category: "necessary", Profiles: []string{"reject", "accept"}}

	cases := []struct {
		name     string
		j        report.ConsentJourney
		trackers []report.Tracker
		cookies  []report.Cookie
		want     []key
		detail   string
	}{
		{name: "honoured: a vendor only after accept is correctly gated", j: rejected, trackers: []report.Tracker{gaAcc, gtmRej},
			cookies: []report.Cookie{necessary}},
		{name: "advertising and analytics after reject, cookie of an unseen vendor", j: rejected, trackers: []report.Tracker{fbAll, gaRej, gtmRej},
			cookies: []report.Cookie{hjCookie, necessary},
			want: []key{{Code: CodeTrackingAfterReject, Vendor: "facebook", Severity: "high"},
				{Code: CodeTrackingAfterReject, Vendor: "google-analytics", Severity: "medium"},
				{Code: CodeTrackingAfterReject, Vendor: "hotjar", Cookie: "_hjSessionUser_1", Severity: "medium"}}},
		{name: "reject only on the second layer is named in the detail", j: secondLayer, trackers: []report.Tracker{gaRej},
			want:   []key{{Code: CodeTrackingAfterReject, Vendor: "google-analytics", Severity: "medium"}},
			detail: "no reject option on its first layer"},
		{name: "trackers return on later pages", j: forgot, trackers: []report.Tracker{fbAll, gaRej},
			want: []key{{Code: CodeConsentNotRecorded, Severity: "medium"},
				{Code: CodeTrackingAfterReject, Vendor: "facebook", Severity: "high"},
				{Code: CodeTrackingAfterReject, Vendor: "google-analytics", Severity: "medium"}}},
		{name: "banner comes back", j: bannerBack, trackers: []report.Tracker{gaAcc},
			want: []key{{Code: CodeConsentNotRecorded, Severity: "low"}}, detail: "shown again on 2 later page(s)"},
		{name: "banner not operated: no finding", j: failed, trackers: []report.Tracker{fbAll, gaRej}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := journeyReport(c.j, c.trackers, c.cookies)
			got := ConsentFindings(r)
			if diff := cmp.Diff(c.want, keys(got)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			for _, f := range got {
				if c.detail != "" && !strings.Contains(f.Detail, c.detail) {
					t.Errorf("%s detail %q lacks %q", f.Code, f.Detail, c.detail)
				}
			}
			// Audit makes the same journey findings when the journeys are
			// already in the report.
			var fromAudit []report.Finding
			for _, f := range Audit(Input{Report: r}) {
				if f.Code == CodeTrackingAfterReject || f.Code == CodeConsentNotRecorded {
					fromAudit = append(fromAudit, f)
				}
			}
			if diff := cmp.Diff(got, fromAudit); diff != "" {
				t.Errorf("Audit differs from ConsentFindings (-consent +audit):\n%s", diff)
			}
		})
	}
}

func TestConsentJourneyNeedsRejectProfile(t *testing.T) {
	r := journeyReport(rejected, []report.Tracker{tracker("facebook", "Meta Pixel", CategoryAdvertising, "reject")}, nil)
	r.Profiles = []string{"baseline", "accept"}
	if got := ConsentFindings(r); len(got) != 0 {
		t.Errorf("findings without the reject profile: %v", keys(got))
	}
}
