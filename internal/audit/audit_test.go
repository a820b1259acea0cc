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
	gtm            = report.Tracker{Vendor: "google-tag-manager", Name: "Google Tag Manager", Category: CategoryTagManager, Profiles: []string{"baseline", "gpc", "dnt"}}
	gaCookie       = report.Cookie{Name: "_ga", Domain: ".shop.test", Party: "first", DeclaredLifetimeDays: f64(730), LifetimeDays: f64(400),
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
			name: "GPC honoured through the US Privacy string",
			r: report.Report{Profiles: []string{"baseline", "gpc"}, Trackers: []report.Tracker{fb}, Signals: report.Signals{USP: map[string]string{"baseline": "1YNN", "gpc": "1YYN"}},
				Policy: policy(func(p *report.Policy) { p.Vendors = uses("facebook"); p.GPC = "honored" })},
			want: nil,
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
			name: "DNT not mentioned",
			r:    report.Report{Policy: policy(func(p *report.Policy) { p.DNT = "not-mentioned" })},
			want: []key{{CodeDNTUndisclosed, "", "", "low"}},
		},
		{
			name: "DNT unclear (third parties only) is undisclosed too",
			r:    report.Report{Policy: policy(func(p *report.Policy) { p.DNT = "unclear" })},
			want: []key{{CodeDNTUndisclosed, "", "", "low"}},
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
				return VendorInfo{Name: "Vendor " + slug, Category: "advertising"}, true
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
