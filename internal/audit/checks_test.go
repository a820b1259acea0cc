package audit

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/privscan/privscan/report"
)

// TestEveryCodeHasACoverageRule: a code without one could only ever be
// "incomplete" when it finds nothing.
func TestEveryCodeHasACoverageRule(t *testing.T) {
	for _, c := range Codes {
		if coverageRules[c] == nil {
			t.Errorf("code %s has no coverage rule in checks.go", c)
		}
	}
	for c := range coverageRules {
		if !slices.Contains(Codes, c) {
			t.Errorf("coverage rule for %s, which is not in Codes", c)
		}
	}
}

func TestChecks(t *testing.T) {
	social := report.Tracker{Vendor: "facebook", Name: "Facebook social plugins", Category: CategorySocial,
		Product: str("Facebook social plugins"), OtherProduct: true, Profiles: []string{"accept"}, Blocked: []string{"baseline", "reject"}}
	gaBlocked := report.Tracker{Vendor: "google-analytics", Name: "Google Analytics", Category: CategoryAnalytics,
		Profiles: []string{"accept"}, Blocked: []string{"baseline", "reject"}}
	unknown := []report.ThirdParty{{Domain: "a.example", Profiles: []string{"baseline", "gpc"}}, {Domain: "b.example", Profiles: []string{"reject"}},
		{Domain: "google-analytics.com", Vendor: str("google-analytics"), Profiles: []string{"accept"}}}
	pages := []report.Page{{URL: "https://www.shop.test/", Profile: "baseline"}, {URL: "https://www.shop.test/", Profile: "gpc"},
		{URL: "https://www.shop.test/", Profile: "reject"}, {URL: "https://www.shop.test/a", Profile: "reject"}}
	operated := []report.ConsentJourney{{Profile: "reject", Method: "selector", Clicked: "Reject all"}}
	tests := []struct {
		name string
		r    report.Report
		want map[string]report.Check // by code; codes not listed are not compared
	}{
		{
			name: "a clean site with a banner whose consent blocking works",
			r: report.Report{Profiles: []string{"baseline", "gpc", "reject", "accept"}, Pages: pages,
				Trackers: []report.Tracker{social, gaBlocked}, ThirdParties: unknown,
				Consent: report.Consent{Banner: true, CMP: str("complianz"), Journeys: operated},
				Policy:  policy(func(p *report.Policy) { p.Vendors = uses("google-analytics", "facebook") })},
			want: map[string]report.Check{
				CodeTrackingBeforeConsent: {Code: CodeTrackingBeforeConsent, Status: report.CheckPassed,
					Covered: "no recognised analytics, advertising, marketing or social vendor ran before any consent choice (1 page); 2 tags on the pages but blocked, never run: Facebook social plugins, Google Analytics; 1 unclassified third party contacted, not judged: a.example"},
				CodeTrackingAfterReject: {Code: CodeTrackingAfterReject, Status: report.CheckPassed,
					Covered: "no recognised analytics, advertising, marketing or social vendor ran after \"reject\" (2 pages); 2 tags on the pages but blocked, never run: Facebook social plugins, Google Analytics; 1 unclassified third party contacted, not judged: b.example; consent blocking works: Facebook social plugins, Google Analytics stayed blocked after \"reject\" and ran after \"accept\""},
				CodeGPCNotHonored: {Code: CodeGPCNotHonored, Status: report.CheckNotApplicable,
					Covered: "the policy makes no Global Privacy Control promise and the site's gpc.json claims none"},
				CodeDNTNotHonored:     {Code: CodeDNTNotHonored, Status: report.CheckNotApplicable, Covered: "the scan did not run the dnt profile"},
				CodeUndisclosedCookie: {Code: CodeUndisclosedCookie, Status: report.CheckNotApplicable, Covered: "the policy does not list its cookies by name (0 cookies declared)"},
				CodePolicyNotFound:    {Code: CodePolicyNotFound, Status: report.CheckPassed, Covered: "privacy policy read at https://www.shop.test/privacy"},
			},
		},
		{
			name: "a GPC promise, a pixel under GPC, and no banner",
			r: report.Report{Profiles: []string{"baseline", "gpc"}, Pages: pages[:2], Trackers: []report.Tracker{fb}, ThirdParties: unknown,
				Policy: policy(func(p *report.Policy) { p.GPC = "honored"; p.Vendors = uses("facebook") })},
			want: map[string]report.Check{
				CodeGPCNotHonored: {Code: CodeGPCNotHonored, Status: report.CheckFailed,
					Covered: "1 finding; recognised advertising, marketing or social vendors that ran with GPC on: Meta Pixel; 1 unclassified third party contacted, not judged: a.example"},
				CodeTrackingBeforeConsent: {Code: CodeTrackingBeforeConsent, Status: report.CheckNotApplicable, Covered: "no consent banner was seen, so there was no consent to wait for"},
				CodeTrackingAfterReject:   {Code: CodeTrackingAfterReject, Status: report.CheckNotApplicable, Covered: "no consent banner was seen, so there was nothing to reject"},
			},
		},
		{
			name: "no policy: policy checks do not apply, and nothing passes for them",
			r:    report.Report{Profiles: []string{"baseline"}, Pages: pages[:1], Trackers: []report.Tracker{ga}, Policy: &report.Policy{Found: false}},
			want: map[string]report.Check{
				CodePolicyNotFound:    {Code: CodePolicyNotFound, Status: report.CheckFailed, Covered: "1 finding"},
				CodeUndisclosedVendor: {Code: CodeUndisclosedVendor, Status: report.CheckNotApplicable, Covered: noPolicy},
				CodeDNTUndisclosed:    {Code: CodeDNTUndisclosed, Status: report.CheckNotApplicable, Covered: noPolicy},
			},
		},
		{
			name: "a journey that could not operate the banner is incomplete",
			r: report.Report{Profiles: []string{"baseline", "reject"}, Pages: pages, Consent: report.Consent{Banner: true,
				Journeys: []report.ConsentJourney{{Profile: "reject", Error: "no reject control found"}}}, Policy: policy(nil)},
			want: map[string]report.Check{
				CodeTrackingAfterReject: {Code: CodeTrackingAfterReject, Status: report.CheckIncomplete, Covered: "the reject journey could not operate the banner: no reject control found"},
				CodeConsentNotRecorded:  {Code: CodeConsentNotRecorded, Status: report.CheckIncomplete, Covered: "the reject journey could not operate the banner: no reject control found"},
			},
		},
		{
			name: "an interrupted scan checked nothing",
			r:    report.Report{Interrupted: true, Profiles: []string{"baseline"}, Trackers: []report.Tracker{ga}},
			want: map[string]report.Check{
				CodeUndisclosedVendor: {Code: CodeUndisclosedVendor, Status: report.CheckIncomplete, Covered: "the scan was interrupted before findings were computed"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.r
			if !r.Interrupted {
				r.Findings = Audit(Input{Report: &r})
			}
			checks := Checks(&r)
			var codes []string
			got := map[string]report.Check{}
			for _, c := range checks {
				codes = append(codes, c.Code)
				if _, ok := tt.want[c.Code]; ok {
					got[c.Code] = c
				}
				if c.Status == report.CheckPassed && c.Covered == "" {
					t.Errorf("%s passed without saying what it covered", c.Code)
				}
			}
			if !slices.Equal(codes, Codes) {
				t.Errorf("check codes = %q, want Codes %q", codes, Codes)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("checks (-want +got):\n%s", diff)
			}
		})
	}
}

// TestProductsSeverityAndKeys: Facebook's social plugins are not the
// Pixel: medium, not high, before consent; a policy naming only the
// Pixel does not disclose them; and the Pixel keeps its finding ids.
func TestProductsSeverityAndKeys(t *testing.T) {
	social := report.Tracker{Vendor: "facebook", Name: "Facebook social plugins", Category: CategorySocial,
		Product: str("Facebook social plugins"), OtherProduct: true, Profiles: []string{"baseline"}, Pages: []string{"https://www.shop.test/"}}
	pixel := fbBaselineOnly
	pixel.Product = str("Meta Pixel")
	login := report.Tracker{Vendor: "facebook", Name: "Facebook Login", Category: CategoryFunctional,
		Product: str("Facebook Login"), OtherProduct: true, Profiles: []string{"baseline"}}
	r := report.Report{Target: "https://www.shop.test/", Profiles: []string{"baseline"}, Trackers: []report.Tracker{pixel, social, login},
		Consent: report.Consent{Banner: true},
		Policy: policy(func(p *report.Policy) {
			p.Vendors = []report.PolicyVendor{{Vendor: "facebook", Product: str("Meta Pixel"), Stance: "uses", Quote: "We use the Meta Pixel."}}
		})}
	fs := Audit(Input{Report: &r})
	got := map[string]string{}
	for _, f := range fs {
		if f.Code == CodeDNTUndisclosed {
			continue
		}
		got[f.Code+" "+f.Title] = f.Severity.String()
	}
	want := map[string]string{
		"tracking-before-consent Meta Pixel tracks visitors before they answer the cookie banner":              "high",
		"tracking-before-consent Facebook social plugins tracks visitors before they answer the cookie banner": "medium",
		"undisclosed-vendor Facebook social plugins runs on the site but the privacy policy does not name it":  "medium",
		"undisclosed-vendor Facebook Login runs on the site but the privacy policy does not name it":           "low",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	for _, f := range fs {
		if f.Code == CodeTrackingBeforeConsent && f.Title[:4] == "Meta" && f.ID != ID(CodeTrackingBeforeConsent, "shop.test", "vendor:facebook") {
			t.Errorf("the Pixel's finding id changed: %s", f.ID)
		}
	}
}

// TestCategoriesInFindingRules pins what each vendor category takes part in:
// a chat widget (customer-success) that loads before the banner is answered
// is tracking before consent, and is held to a DNT promise, but not to a
// GPC one (it serves the site); a social network's widget is held to a GPC
// promise (it passes the visit to the network); Facebook Login (functional,
// used when the visitor asks) is exempt from all three.
func TestCategoriesInFindingRules(t *testing.T) {
	all := []string{"baseline", "gpc", "dnt"}
	chat := report.Tracker{Vendor: "intercom", Name: "Intercom", Category: CategoryCustomer, Product: str("Intercom"),
		Profiles: all, Pages: []string{"https://www.shop.test/"}}
	share := report.Tracker{Vendor: "addtoany", Name: "AddToAny", Category: CategorySocial, Product: str("AddToAny"), Source: "entity",
		Profiles: all, Pages: []string{"https://www.shop.test/"}}
	login := report.Tracker{Vendor: "facebook", Name: "Facebook Login", Category: CategoryFunctional,
		Product: str("Facebook Login"), OtherProduct: true, Profiles: all}
	r := report.Report{Target: "https://www.shop.test/", Profiles: all, Trackers: []report.Tracker{chat, share, login},
		Consent: report.Consent{Banner: true},
		Policy: policy(func(p *report.Policy) {
			p.Vendors = uses("intercom", "addtoany", "facebook")
			p.GPC, p.DNT = "honored", "honored"
		})}
	got := map[string]string{}
	for _, f := range Audit(Input{Report: &r}) {
		got[f.Code+" "+*f.Vendor] = f.Severity.String()
	}
	want := map[string]string{
		"tracking-before-consent intercom": "medium",
		"tracking-before-consent addtoany": "medium",
		"dnt-not-honored intercom":         "medium",
		"dnt-not-honored addtoany":         "medium",
		"gpc-not-honored addtoany":         "high",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	for _, cat := range []string{CategoryCustomer, CategorySocial, CategoryAnalytics, CategoryAdvertising, CategoryMarketing} {
		if !NonNecessary(cat) {
			t.Errorf("NonNecessary(%q) = false", cat)
		}
	}
	for _, cat := range []string{CategoryFunctional, CategoryTagManager, CategorySecurity} {
		if NonNecessary(cat) {
			t.Errorf("NonNecessary(%q) = true", cat)
		}
	}
}
