package audit

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/privscan/privscan/report"
)

// withConsentMode gives t Consent Mode hits under profile.
func withConsentMode(t report.Tracker, profile, gcs, ad, analytics string) report.Tracker {
	if t.ConsentMode == nil {
		t.ConsentMode = map[string]*report.TrackerConsentMode{}
	}
	t.ConsentMode[profile] = &report.TrackerConsentMode{Hits: 2, GCS: []string{gcs}, GCD: []string{}, NPA: []string{}, AdStorage: ad, AnalyticsStorage: analytics}
	return t
}

// TestConsentStateFindings: the consent state a journey left and the
// Consent Mode of Google's hits decide the consent findings.
func TestConsentStateFindings(t *testing.T) {
	ga := tracker("google-analytics", "Google Analytics", CategoryAnalytics, "baseline", "reject", "accept")
	gaDenied := withConsentMode(withConsentMode(ga, "baseline", "G100", "denied", "denied"), "reject", "G100", "denied", "denied")
	gaGrantedEarly := withConsentMode(ga, "baseline", "G111", "granted", "granted")
	fb := tracker("facebook", "Meta Pixel", CategoryAdvertising, "reject")
	gaCookie := report.Cookie{Name: "_ga", Domain: ".shop.test", Category: "analytics", Profiles: []string{"baseline"}, Vendor: str("google-analytics")}

	tcf := func(purposes, vendors, vendorLI []int) report.ConsentJourney {
		j := rejected
		j.State = []report.ConsentState{{Page: "https://www.shop.test/", AfterChoice: true,
			TCF: &report.TCFState{Source: "api", TCString: "CQ…", CMPID: 412, PolicyVersion: 5, PurposeConsents: purposes,
				VendorConsents: vendors, VendorLegitimateInterests: vendorLI}}}
		return j
	}
	cmState := func(state map[string]string) report.ConsentJourney {
		j := rejected
		j.State = []report.ConsentState{{Page: "https://www.shop.test/about", ConsentMode: &report.ConsentModeState{
			Commands: []report.ConsentCommand{{Kind: "update", Settings: state}}, State: state, Hits: []report.ConsentModeHit{}}}}
		return j
	}
	tcfError := rejected
	tcfError.State = []report.ConsentState{{Page: "https://www.shop.test/", TCF: &report.TCFState{Source: "api", Error: "__tcfapi threw: nope"}}}

	cases := []struct {
		name     string
		j        report.ConsentJourney
		trackers []report.Tracker
		cookies  []report.Cookie
		want     []key
		detail   string
	}{
		{name: "cookieless pings before consent and after reject are their own low finding", j: rejected, trackers: []report.Tracker{gaDenied},
			want:   []key{{Code: CodeCookielessPings, Vendor: "google-analytics", Severity: "low"}, {Code: CodeCookielessPings, Vendor: "google-analytics", Severity: "low"}},
			detail: "no cookie of its own"},
		{name: "storage denied but a GA cookie before consent: tracking", j: rejected, trackers: []report.Tracker{withConsentMode(ga, "baseline", "G100", "denied", "denied")},
			cookies: []report.Cookie{gaCookie},
			want: []key{{Code: CodeTrackingAfterReject, Vendor: "google-analytics", Severity: "medium"},
				{Code: CodeTrackingBeforeConsent, Vendor: "google-analytics", Severity: "medium"}}},
		{name: "Consent Mode granted before any choice", j: rejected, trackers: []report.Tracker{gaGrantedEarly},
			want: []key{{Code: CodeTrackingAfterReject, Vendor: "google-analytics", Severity: "medium"},
				{Code: CodeTrackingBeforeConsent, Vendor: "google-analytics", Severity: "medium"}},
			detail: "gcs"},
		{name: "reject leaves TCF purpose 1 consent", j: tcf([]int{1, 2, 3}, []int{755}, nil),
			want: []key{{Code: CodeConsentNotRecorded, Severity: "high"}}, detail: "purpose 1"},
		{name: "reject leaves analytics_storage granted", j: cmState(map[string]string{"analytics_storage": "granted", "ad_storage": "denied"}),
			want: []key{{Code: CodeConsentNotRecorded, Severity: "medium"}}, detail: "granted for analytics_storage"},
		{name: "reject leaves ad_storage granted", j: cmState(map[string]string{"ad_storage": "granted"}),
			want: []key{{Code: CodeConsentNotRecorded, Severity: "high"}}},
		{name: "a TC string without consent records the reject", j: tcf(nil, nil, []int{755})},
		{name: "a throwing __tcfapi makes no finding of its own", j: tcfError},
		{name: "after reject: the TCF vendor is named, with what the string says", j: tcf(nil, nil, []int{755}),
			trackers: []report.Tracker{tracker("google-analytics", "Google Analytics", CategoryAnalytics, "reject")},
			want:     []key{{Code: CodeTrackingAfterReject, Vendor: "google-analytics", Severity: "medium"}},
			detail:   "TCF vendor 755 (Google Advertising Products) on the Global Vendor List; the TC string the reject left gives it no consent, only legitimate interest"},
		{name: "after reject: a vendor outside the TCF", j: tcf(nil, nil, nil), trackers: []report.Tracker{fb},
			want:   []key{{Code: CodeTrackingAfterReject, Vendor: "facebook", Severity: "high"}},
			detail: "not a Global Vendor List vendor"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := journeyReport(c.j, c.trackers, c.cookies)
			var got []report.Finding
			for _, f := range Audit(Input{Report: r}) {
				if slices.Contains([]string{CodeTrackingAfterReject, CodeConsentNotRecorded, CodeCookielessPings, CodeTrackingBeforeConsent}, f.Code) {
					got = append(got, f)
				}
			}
			if diff := cmp.Diff(c.want, keys(got)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			if c.detail != "" && !slices.ContainsFunc(got, func(f report.Finding) bool { return strings.Contains(f.Detail, c.detail) }) {
				t.Errorf("no finding detail contains %q:\n%v", c.detail, details(got))
			}
		})
	}
}

func details(fs []report.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Detail)
	}
	return out
}
