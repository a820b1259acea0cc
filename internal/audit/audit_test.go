package audit

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/privscan/privscan/report"
)

func f64(v float64) *float64 { return &v }
func str(s string) *string   { return &s }

var (
	ga = report.Tracker{Vendor: "google-analytics", Name: "Google Analytics", Category: CategoryAnalytics, IDs: []string{"G-ABC"},
		Profiles: []string{"baseline", "gpc", "dnt"}, Pages: []string{"https://www.shop.test/"},
		Evidence: []report.Evidence{{Kind: "request", Profile: "baseline", Page: "https://www.shop.test/", Detail: "g/collect"},
			{Kind: "request", Profile: "gpc", Page: "https://www.shop.test/", Detail: "g/collect"},
			{Kind: "request", Profile: "dnt", Page: "https://www.shop.test/", Detail: "g/collect"}}}
	fb = report.Tracker{Vendor: "facebook", Name: "Meta Pixel", Category: CategoryAdvertising, IDs: []string{"123456789012345"},
		Profiles: []string{"baseline", "gpc", "dnt"}, Pages: []string{"https://www.shop.test/"},
		Evidence: []report.Evidence{{Kind: "request", Profile: "gpc", Page: "https://www.shop.test/", Detail: "facebook.com/tr"}}}
	fbBaselineOnly = report.Tracker{Vendor: "facebook", Name: "Meta Pixel", Category: CategoryAdvertising, Profiles: []string{"baseline"}}
	// fbLDU sends Limited Data Use only under GPC; adsRDP restricted data
	// processing only under GPC.
	fbLDU = report.Tracker{Vendor: "facebook", Name: "Meta Pixel", Category: CategoryAdvertising, Profiles: []string{"baseline", "gpc"},
		Evidence: []report.Evidence{{Kind: "request", Profile: "baseline", Detail: "https://www.facebook.com/tr/?id=1&ev=PageView"},
			{Kind: "request", Profile: "gpc", Detail: "https://www.facebook.com/tr/?id=1&ev=PageView&dpo=LDU&dpoco=0&dpost=0"}}}
	adsRDP = report.Tracker{Vendor: "google-ads", Name: "Google Ads", Category: CategoryAdvertising, Profiles: []string{"baseline", "gpc"},
		Evidence: []report.Evidence{{Kind: "request", Profile: "baseline", Detail: "https://googleads.g.doubleclick.net/pagead/viewthroughconversion/123/?random=1"},
			{Kind: "request", Profile: "gpc", Detail: "https://googleads.g.doubleclick.net/pagead/viewthroughconversion/123/?random=1&rdp=1"}}}
	fbBoth   = report.Tracker{Vendor: "facebook", Name: "Meta Pixel", Category: CategoryAdvertising, Profiles: []string{"baseline", "gpc"}}
	liBoth   = report.Tracker{Vendor: "linkedin", Name: "LinkedIn Insight Tag", Category: CategoryAdvertising, Profiles: []string{"baseline", "gpc"}}
	gtm      = report.Tracker{Vendor: "google-tag-manager", Name: "Google Tag Manager", Category: CategoryTagManager, Profiles: []string{"baseline", "gpc", "dnt"}}
	gaCookie = report.Cookie{Name: "_ga", Domain: ".shop.test", Party: "first", DeclaredLifetimeDays: f64(730), LifetimeDays: f64(400),
		Vendor: str("google-analytics"), Category: "analytics", Profiles: []string{"baseline", "gpc", "dnt"}, SetBy: "script"}
	fbpCookie = report.Cookie{Name: "_fbp", Domain: ".shop.test", Party: "first", DeclaredLifetimeDays: f64(90), LifetimeDays: f64(90),
		Vendor: str("facebook"), Category: "marketing", Profiles: []string{"baseline", "gpc", "dnt"}, SetBy: "script"}
	sessCookie = report.Cookie{Name: "shop_session", Domain: "www.shop.test", Party: "first", Session: true, Category: "unknown", Profiles: []string{"baseline"}}
)

func policy(mod func(*report.Policy)) *report.Policy {
	p := &report.Policy{Found: true, URL: str("https://www.shop.test/privacy"), DNT: "not-honored", DNTQuote: str("We do not respond to DNT."),
		GPC: "not-mentioned", Mentions: map[string]bool{}}
	if mod != nil {
		mod(p)
	}
	return p
}

func uses(slugs ...string) []report.PolicyVendor {
	var out []report.PolicyVendor
	for _, s := range slugs {
		out = append(out, report.PolicyVendor{Vendor: s, Stance: "uses", Quote: "We use " + s + "."})
	}
	return out
}

type key struct{ Code, Vendor, Cookie, Severity string }

func keys(fs []report.Finding) []key {
	var out []key
	for _, f := range fs {
		k := key{Code: f.Code, Severity: f.Severity.String()}
		if f.Vendor != nil {
			k.Vendor = *f.Vendor
		}
		if f.Cookie != nil {
			k.Cookie = *f.Cookie
		}
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b key) int { return strings.Compare(a.Code+a.Vendor+a.Cookie, b.Code+b.Vendor+b.Cookie) })
	return out
}

func TestAudit(t *testing.T) {
	tests := []struct {
		name string
		r    report.Report
		want []key
	}{
		{
			name: "policy not found with analytics is high",
			r:    report.Report{Trackers: []report.Tracker{ga}, Policy: &report.Policy{Found: false}},
			want: []key{{CodePolicyNotFound, "", "", "high"}},
		},
		{
			name: "policy not found, no trackers, is medium",
			r:    report.Report{Policy: nil},
			want: []key{{CodePolicyNotFound, "", "", "medium"}},
		},
		{
			name: "everything disclosed: no finding",
			r:    report.Report{Trackers: []report.Tracker{ga, fb}, Policy: policy(func(p *report.Policy) { p.Vendors = uses("google-analytics", "facebook") })},
			want: nil,
		},
		{
			name: "undisclosed vendors ranked by category",
			r:    report.Report{Trackers: []report.Tracker{ga, fb, gtm}, Policy: policy(nil)},
			want: []key{{CodeUndisclosedVendor, "facebook", "", "high"}, {CodeUndisclosedVendor, "google-analytics", "", "medium"}, {CodeUndisclosedVendor, "google-tag-manager", "", "low"}},
		},
		{
			// The entity table names vendors by company too: a policy
			// naming its own company, or a menu line, is no claim of use.
			name: "a long-tail vendor named but not seen is no finding",
			r:    report.Report{Policy: policy(func(p *report.Policy) { p.Vendors = uses("dynatrace") })},
			want: nil,
		},
		{
			name: "the Meta Pixel claimed, only Facebook's social plugins seen",
			r: report.Report{Pages: []report.Page{{URL: "https://www.shop.test/", Profile: "baseline", Status: 200}},
				Trackers: []report.Tracker{{Vendor: "facebook", Name: "Facebook social plugins", Product: str("Facebook social plugins"),
					Category: CategorySocial, OtherProduct: true, Profiles: []string{"baseline"}, Pages: []string{"https://www.shop.test/"}}},
				Policy: policy(func(p *report.Policy) {
					p.Vendors = []report.PolicyVendor{{Vendor: "facebook", Product: str("Meta Pixel"), Stance: "uses", Quote: "We use the Meta Pixel."}}
				})},
			want: []key{{CodeDisclosedNotObserved, "facebook", "", "low"}, {CodeUndisclosedVendor, "facebook", "", "medium"}},
		},
		{
			name: "the company claimed, one of its products seen: disclosed",
			r: report.Report{Trackers: []report.Tracker{{Vendor: "facebook", Name: "Facebook social plugins", Product: str("Facebook social plugins"),
				Category: CategorySocial, OtherProduct: true, Profiles: []string{"baseline"}}},
				Policy: policy(func(p *report.Policy) { p.Vendors = uses("facebook") })},
			want: nil,
		},
		{
			name: "category disclosed in general terms lowers severity",
			r: report.Report{Trackers: []report.Tracker{ga}, Policy: policy(func(p *report.Policy) {
				p.Mentions["analytics"] = true
			})},
			want: []key{{CodeUndisclosedVendor, "google-analytics", "", "low"}},
		},
		{
			name: "denied vendor is high even for analytics",
			r: report.Report{Trackers: []report.Tracker{ga}, Policy: policy(func(p *report.Policy) {
				p.Vendors = []report.PolicyVendor{{Vendor: "google-analytics", Stance: "denies", Quote: "We do not use Google Analytics."}}
			})},
			want: []key{{CodeUndisclosedVendor, "google-analytics", "", "high"}},
		},
		{
			name: "disclosed but not observed",
			r:    report.Report{Trackers: []report.Tracker{ga}, Policy: policy(func(p *report.Policy) { p.Vendors = uses("google-analytics", "linkedin") })},
			want: []key{{CodeDisclosedNotObserved, "linkedin", "", "low"}},
		},
		{
			name: "denied and absent: nothing",
			r: report.Report{Policy: policy(func(p *report.Policy) {
				p.Vendors = []report.PolicyVendor{{Vendor: "linkedin", Stance: "denies", Quote: "We do not use LinkedIn."}}
			})},
			want: nil,
		},
		{
			name: "cookie list: undeclared cookie and lifetime mismatch; 2 years vs Chrome cap is fine",
			r: report.Report{Cookies: []report.Cookie{gaCookie, fbpCookie, sessCookie}, Policy: policy(func(p *report.Policy) {
				p.Cookies = []report.PolicyCookie{
					{Name: "_ga", DurationText: "2 years", LifetimeDays: f64(730)},
					{Name: "_fbp", DurationText: "1 day", LifetimeDays: f64(1)},
					{Name: "_gid", DurationText: "24 hours", LifetimeDays: f64(1)},
				}
			})},
			want: []key{{CodeCookieLifetimeMismatch, "facebook", "_fbp", "medium"}, {CodeUndisclosedCookie, "", "shop_session", "low"}},
		},
		{
			name: "wildcard declarations match",
			r: report.Report{Cookies: []report.Cookie{{Name: "_ga_ABC123", Domain: ".shop.test", DeclaredLifetimeDays: f64(730), Category: "analytics", Profiles: []string{"baseline"}},
				{Name: "_li_id.cb00", Domain: ".shop.test", DeclaredLifetimeDays: f64(730), Category: "marketing", Profiles: []string{"baseline"}}},
				Policy: policy(func(p *report.Policy) {
					p.Cookies = []report.PolicyCookie{{Name: "_ga_<container-id>", LifetimeDays: f64(730)}, {Name: "_li_id.*", LifetimeDays: f64(730)}, {Name: "x", LifetimeDays: f64(1)}}
				})},
			want: nil,
		},
		{
			name: "leading underscores eaten by the policy's editor still match",
			r: report.Report{Cookies: []report.Cookie{{Name: "__hstc", Domain: ".shop.test", DeclaredLifetimeDays: f64(180), Category: "marketing", Profiles: []string{"baseline"}}},
				Policy: policy(func(p *report.Policy) {
					p.Cookies = []report.PolicyCookie{{Name: "hstc", LifetimeDays: f64(395)}, {Name: "a"}, {Name: "b"}}
				})},
			want: nil,
		},
		{
			name: "too few declarations: no undeclared-cookie findings",
			r:    report.Report{Cookies: []report.Cookie{sessCookie}, Policy: policy(func(p *report.Policy) { p.Cookies = []report.PolicyCookie{{Name: "_ga"}} })},
			want: nil,
		},
		{
			name: "session declared, persistent observed",
			r: report.Report{Cookies: []report.Cookie{fbpCookie}, Policy: policy(func(p *report.Policy) {
				p.Cookies = []report.PolicyCookie{{Name: "_fbp", Session: true, DurationText: "Session"}, {Name: "a"}, {Name: "b"}}
			})},
			want: []key{{CodeCookieLifetimeMismatch, "facebook", "_fbp", "medium"}},
		},
		{
			name: "GPC promised, pixel keeps firing",
			r: report.Report{Profiles: []string{"baseline", "gpc", "dnt"}, Trackers: []report.Tracker{fb, ga}, Policy: policy(func(p *report.Policy) {
				p.Vendors = uses("facebook", "google-analytics")
				p.GPC, p.GPCQuote = "honored", str("We honor GPC.")
			})},
			want: []key{{CodeGPCNotHonored, "facebook", "", "high"}},
		},
		{
			name: "GPC promised and the pixel stops under gpc: nothing",
			r: report.Report{Profiles: []string{"baseline", "gpc", "dnt"}, Trackers: []report.Tracker{fbBaselineOnly}, Policy: policy(func(p *report.Policy) {
				p.Vendors = uses("facebook")
				p.GPC = "honored"
			})},
			want: nil,
		},
		{
			name: "gpc.json claims support without policy promise",
			r: report.Report{Profiles: []string{"baseline", "gpc"}, Trackers: []report.Tracker{fb}, Signals: report.Signals{GPCJSON: &report.GPCJSON{Valid: true, GPC: new(true)}},
				Policy: policy(func(p *report.Policy) { p.Vendors = uses("facebook") })},
			want: []key{{CodeGPCNotHonored, "facebook", "", "high"}},
		},
		{
			name: "the US Privacy string changes under GPC, but the pixel's own requests do not: still a finding",
			r: report.Report{Profiles: []string{"baseline", "gpc"}, Trackers: []report.Tracker{fb}, Signals: report.Signals{USP: map[string]string{"baseline": "1YNN", "gpc": "1YYN"}},
				Policy: policy(func(p *report.Policy) { p.Vendors = uses("facebook"); p.GPC = "honored" })},
			want: []key{{CodeGPCNotHonored, "facebook", "", "high"}},
		},
		{
			name: "GPC honoured by the vendor itself: its requests carry an opt-out only under GPC",
			r: report.Report{Profiles: []string{"baseline", "gpc"}, Trackers: []report.Tracker{fbLDU, adsRDP}, Signals: report.Signals{USP: map[string]string{"baseline": "1YNN", "gpc": "1YYN"}},
				Policy: policy(func(p *report.Policy) { p.Vendors = uses("facebook", "google-ads"); p.GPC = "honored" })},
			want: nil,
		},
		{
			name: "GPC honoured by the vendor itself: fewer cookies under GPC; another vendor unchanged",
			r: report.Report{Profiles: []string{"baseline", "gpc"}, Trackers: []report.Tracker{fbBoth, liBoth},
				Cookies: []report.Cookie{{Name: "_fbp", Domain: ".shop.test", Vendor: str("facebook"), Profiles: []string{"baseline"}},
					{Name: "fr", Domain: ".facebook.com", Vendor: str("facebook"), Profiles: []string{"baseline", "gpc"}},
					{Name: "li_sugr", Domain: ".linkedin.com", Vendor: str("linkedin"), Profiles: []string{"baseline", "gpc"}}},
				Policy: policy(func(p *report.Policy) { p.Vendors = uses("facebook", "linkedin"); p.GPC = "honored" })},
			want: []key{{CodeGPCNotHonored, "linkedin", "", "high"}},
		},
		{
			name: "claimed in the privacy policy, denied in the cookie policy, observed: a contradiction, not a denial",
			r: report.Report{Trackers: []report.Tracker{fb}, Policy: policy(func(p *report.Policy) {
				p.Vendors = []report.PolicyVendor{
					{Vendor: "facebook", Stance: "uses", Quote: "We use the Meta Pixel to measure our ads.", Document: "https://www.shop.test/privacy"},
					{Vendor: "facebook", Stance: "denies", Quote: "We do not use the Facebook Pixel.", Document: "https://www.shop.test/cookies"}}
				p.Documents = []report.PolicyDocument{{URL: "https://www.shop.test/privacy", Kind: "privacy", Used: true}, {URL: "https://www.shop.test/cookies", Kind: "cookie", Used: true}}
			})},
			want: []key{{CodePolicyContradiction, "facebook", "", "medium"}},
		},
		{
			name: "claimed and denied, not observed: a low contradiction, not disclosed-not-observed",
			r: report.Report{Policy: policy(func(p *report.Policy) {
				p.Vendors = []report.PolicyVendor{{Vendor: "linkedin", Stance: "denies", Quote: "We do not use LinkedIn Insight."}, {Vendor: "linkedin", Stance: "uses", Quote: "We use LinkedIn Insight."}}
			})},
			want: []key{{CodePolicyContradiction, "linkedin", "", "low"}},
		},
		{
			name: "declared 1 year, asks for 10 years: a mismatch although Chrome stores 400 days",
			r: report.Report{Cookies: []report.Cookie{{Name: "visitor_id", Domain: ".shop.test", DeclaredLifetimeDays: f64(3650), LifetimeDays: f64(400), SetBy: "header", Category: "analytics", Profiles: []string{"baseline"}}},
				Policy: policy(func(p *report.Policy) {
					p.Cookies = []report.PolicyCookie{{Name: "visitor_id", DurationText: "1 year", LifetimeDays: f64(365)}}
				})},
			want: []key{{CodeCookieLifetimeMismatch, "", "visitor_id", "medium"}},
		},
		{
			name: "DNT not mentioned, policy names California: CalOPPA, low",
			r:    report.Report{Policy: policy(func(p *report.Policy) { p.DNT = "not-mentioned"; p.USNexus = str(`the policy mentions "California"`) })},
			want: []key{{CodeDNTUndisclosed, "", "", "low"}},
		},
		{
			name: "DNT not mentioned, site serves a US Privacy string: CalOPPA, low",
			r: report.Report{Signals: report.Signals{USP: map[string]string{"baseline": "1YNN"}},
				Policy: policy(func(p *report.Policy) { p.DNT = "not-mentioned" })},
			want: []key{{CodeDNTUndisclosed, "", "", "low"}},
		},
		{
			name: "DNT promised, analytics keeps firing; tag manager ignored",
			r: report.Report{Profiles: []string{"baseline", "dnt"}, Trackers: []report.Tracker{ga, gtm}, Policy: policy(func(p *report.Policy) {
				p.Vendors = uses("google-analytics", "google-tag-manager")
				p.DNT = "honored"
			})},
			want: []key{{CodeDNTNotHonored, "google-analytics", "", "medium"}},
		},
		{
			name: "DNT not mentioned, no US connection: good practice, info",
			r:    report.Report{Policy: policy(func(p *report.Policy) { p.DNT = "not-mentioned" })},
			want: []key{{CodeDNTUndisclosed, "", "", "info"}},
		},
		{
			name: "DNT unclear (third parties only) is undisclosed too",
			r:    report.Report{Policy: policy(func(p *report.Policy) { p.DNT = "unclear" })},
			want: []key{{CodeDNTUndisclosed, "", "", "info"}},
		},
		{
			name: "tracking before consent on a site with a banner",
			r: report.Report{Profiles: []string{"baseline"}, Consent: report.Consent{Banner: true}, Trackers: []report.Tracker{ga, fb, gtm},
				Cookies: []report.Cookie{gaCookie, {Name: "_hjid", Domain: ".shop.test", Category: "analytics", Profiles: []string{"baseline"}}},
				Policy:  policy(func(p *report.Policy) { p.Vendors = uses("google-analytics", "facebook", "google-tag-manager") })},
			want: []key{{CodeTrackingBeforeConsent, "", "_hjid", "medium"}, {CodeTrackingBeforeConsent, "facebook", "", "high"}, {CodeTrackingBeforeConsent, "google-analytics", "", "medium"}},
		},
		{
			name: "no banner: no consent finding",
			r: report.Report{Profiles: []string{"baseline"}, Trackers: []report.Tracker{ga}, Cookies: []report.Cookie{gaCookie},
				Policy: policy(func(p *report.Policy) { p.Vendors = uses("google-analytics") })},
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.r.Target = "https://www.shop.test/"
			got := Audit(Input{Report: &tt.r, Vendors: func(slug string) (VendorInfo, bool) {
				info := VendorInfo{Name: "Vendor " + slug, Category: "advertising", Source: SourceCatalogue}
				if slug == "dynatrace" {
					info.Source = SourceEntity
				}
				return info, true
			}})
			if diff := cmp.Diff(tt.want, keys(got)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			for _, f := range got {
				if f.ID == "" || f.Title == "" || f.Detail == "" {
					t.Errorf("incomplete finding %+v", f)
				}
			}
		})
	}
}

func TestIDsAreStable(t *testing.T) {
	a := ID(CodeUndisclosedVendor, "shop.test", "facebook")
	if a != ID(CodeUndisclosedVendor, "shop.test", "facebook") {
		t.Fatal("same input, different id")
	}
	for _, other := range []string{ID(CodeUndisclosedVendor, "shop.test", "linkedin"), ID(CodeUndisclosedVendor, "other.test", "facebook"), ID(CodeGPCNotHonored, "shop.test", "facebook")} {
		if other == a {
			t.Errorf("collision: %s", a)
		}
	}
	// www and bare domain share ids.
	r1 := report.Report{Target: "https://www.shop.test/", Trackers: []report.Tracker{fb}, Policy: policy(nil)}
	r2 := report.Report{Target: "https://shop.test/page", Trackers: []report.Tracker{fb}, Policy: policy(nil)}
	if Audit(Input{Report: &r1})[0].ID != Audit(Input{Report: &r2})[0].ID {
		t.Error("www and bare domain give different ids")
	}
}

func TestSuppress(t *testing.T) {
	sups, err := ParseSuppressions([]byte(`
- id: PS-AAA
  reason: accepted
  expires: 2027-01-31
- id: PS-BBB
  expires: 2026-01-01
- id: PS-CCC
`))
	if err != nil {
		t.Fatal(err)
	}
	findings := []report.Finding{{ID: "PS-AAA"}, {ID: "PS-BBB"}, {ID: "PS-CCC"}, {ID: "PS-DDD"}}
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	kept, suppressed, notes := Suppress(findings, sups, now)
	var keptIDs, supIDs []string
	for _, f := range kept {
		keptIDs = append(keptIDs, f.ID)
	}
	for _, f := range suppressed {
		supIDs = append(supIDs, f.ID)
		if f.SuppressedBecause == "" {
			t.Errorf("%s has no reason", f.ID)
		}
	}
	if diff := cmp.Diff([]string{"PS-BBB", "PS-DDD"}, keptIDs); diff != "" {
		t.Errorf("kept (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"PS-AAA", "PS-CCC"}, supIDs); diff != "" {
		t.Errorf("suppressed (-want +got):\n%s", diff)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "PS-BBB") {
		t.Errorf("notes = %v", notes)
	}
	for _, bad := range []string{"- reason: x", "- id: A\n  expires: soon", "id: [", "{}"} {
		if _, err := ParseSuppressions([]byte(bad)); err == nil {
			t.Errorf("ParseSuppressions(%q): want error", bad)
		}
	}
}

func TestDeclPattern(t *testing.T) {
	tests := []struct {
		decl, name string
		want       bool
	}{
		{"_ga_<container-id>", "_ga_ABC123", true},
		{"_ga_*", "_ga_ABC123", true},
		{"_gat_UA-#", "_gat_UA-1234-1", true},
		{"_li_id.*", "_li_id.cb00", true},
		{"_hjSession_XXXXXX", "_hjSession_123456", true},
		{"_ga", "_gat", false},
		{"_ga", "_ga_ABC", false},
		{"__utm.", "__utm.a", true},
		{"fr", "FR", true},
		{"_ga", "ga", false},
	}
	for _, tt := range tests {
		if got := declPattern(tt.decl).MatchString(tt.name); got != tt.want {
			t.Errorf("declPattern(%q) matches %q = %v, want %v", tt.decl, tt.name, got, tt.want)
		}
	}
}

// TestContradictionQuotesBoth: the finding names both documents and quotes
// both statements; a lifetime mismatch shows what was asked and stored.
func TestContradictionQuotesBoth(t *testing.T) {
	r := report.Report{Target: "https://www.shop.test/", Trackers: []report.Tracker{fb},
		Cookies: []report.Cookie{{Name: "visitor_id", Domain: ".shop.test", DeclaredLifetimeDays: f64(3650), LifetimeDays: f64(400), SetBy: "header", Category: "analytics", Profiles: []string{"baseline"}}},
		Policy: policy(func(p *report.Policy) {
			p.Vendors = []report.PolicyVendor{
				{Vendor: "facebook", Stance: "uses", Quote: "We use the Meta Pixel to measure our ads.", Document: "https://www.shop.test/privacy"},
				{Vendor: "facebook", Stance: "denies", Quote: "We do not use the Facebook Pixel.", Document: "https://www.shop.test/cookies"}}
			p.Documents = []report.PolicyDocument{{URL: "https://www.shop.test/privacy", Kind: "privacy", Used: true}, {URL: "https://www.shop.test/cookies", Kind: "cookie", Used: true}}
			p.Cookies = []report.PolicyCookie{{Name: "visitor_id", DurationText: "1 year", LifetimeDays: f64(365)}}
		})}
	for _, f := range Audit(Input{Report: &r}) {
		switch f.Code {
		case CodePolicyContradiction:
			for _, want := range []string{"The privacy policy (https://www.shop.test/privacy)", "the cookie policy (https://www.shop.test/cookies)",
				"We use the Meta Pixel to measure our ads.", "We do not use the Facebook Pixel.", "the denial is wrong"} {
				if !strings.Contains(f.Detail, want) && !strings.Contains(f.Detail, upperFirst(want)) {
					t.Errorf("contradiction detail lacks %q:\n%s", want, f.Detail)
				}
			}
			if f.PolicyQuote == nil || !strings.Contains(*f.PolicyQuote, "We use the Meta Pixel") || !strings.Contains(*f.PolicyQuote, "We do not use the Facebook Pixel") {
				t.Errorf("policy quote %v", f.PolicyQuote)
			}
		case CodeCookieLifetimeMismatch:
			for _, want := range []string{`"1 year"`, "Set-Cookie header asks for it to last 10 year(s)", "stored it for 400 days"} {
				if !strings.Contains(f.Detail, want) {
					t.Errorf("lifetime detail lacks %q:\n%s", want, f.Detail)
				}
			}
		case CodeUndisclosedVendor:
			t.Errorf("a contradiction gave %s: %s", f.Code, f.Title)
		}
	}
}
