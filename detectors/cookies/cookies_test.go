package cookies_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/privscan/privscan/detectors/catalogue"
	"github.com/privscan/privscan/detectors/cookies"
)

func ptr(s string) *string { return &s }

func load(t *testing.T, withCatalogue bool) *cookies.DB {
	t.Helper()
	var cat *catalogue.Catalogue
	if withCatalogue {
		c, err := catalogue.Load()
		if err != nil {
			t.Fatal(err)
		}
		cat = c
	}
	db, err := cookies.Load(cat)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestLoad(t *testing.T) {
	db := load(t, false)
	if db.Rows() < 2000 {
		t.Errorf("Rows() = %d, want the whole OCD (2,264 rows)", db.Rows())
	}
}

// TestOverrides asserts each row of the override table, on a DB without the
// catalogue so that the override (not a catalogue matcher) decides.
func TestOverrides(t *testing.T) {
	db := load(t, false)
	tests := []struct {
		name, domain string
		want         cookies.Class
	}{
		{"__hstc", ".example.com", cookies.Class{Vendor: ptr("hubspot"), Platform: "Hubspot", Category: "marketing", Retention: "6 months", Source: "override"}},
		{"hubspotutk", ".example.com", cookies.Class{Vendor: ptr("hubspot"), Platform: "Hubspot", Category: "marketing", Retention: "6 months", Source: "override"}},
		{"messagesUtk", ".example.com", cookies.Class{Vendor: ptr("hubspot"), Platform: "Hubspot", Category: "marketing", Retention: "6 months", Source: "override"}},
		{"__hssc", ".example.com", cookies.Class{Vendor: ptr("hubspot"), Platform: "Hubspot", Category: "marketing", Retention: "30 minutes", Source: "override"}},
		{"__hssrc", ".example.com", cookies.Class{Vendor: ptr("hubspot"), Platform: "Hubspot", Category: "marketing", Retention: "session", Source: "override"}},
		{"__hs_opt_out", "www.example.com", cookies.Class{Vendor: ptr("hubspot"), Platform: "Hubspot", Category: "functional", Retention: "13 months", Source: "override"}},
		{"__hs_do_not_track", "www.example.com", cookies.Class{Vendor: ptr("hubspot"), Platform: "Hubspot", Category: "functional", Retention: "13 months", Source: "override"}},
		{"__hs_initial_opt_in", "www.example.com", cookies.Class{Vendor: ptr("hubspot"), Platform: "Hubspot", Category: "functional", Retention: "7 days", Source: "override"}},
		{"hs-messages-is-open", "www.example.com", cookies.Class{Vendor: ptr("hubspot"), Platform: "Hubspot", Category: "functional", Retention: "30 minutes", Source: "override"}},
		{"hs-messages-hide-welcome-message", "www.example.com", cookies.Class{Vendor: ptr("hubspot"), Platform: "Hubspot", Category: "functional", Retention: "1 day", Source: "override"}},
		{"_fbp", ".example.com", cookies.Class{Vendor: ptr("facebook"), Platform: "Facebook", Category: "marketing", Retention: "90 days", Source: "override"}},
		{"_fbc", ".example.com", cookies.Class{Vendor: ptr("facebook"), Platform: "Facebook", Category: "marketing", Retention: "90 days", Source: "override"}},
		{"UserMatchHistory", ".linkedin.com", cookies.Class{Vendor: ptr("linkedin"), Platform: "LinkedIn", Category: "marketing", Retention: "30 days", Source: "override"}},
		{"li_gc", ".linkedin.com", cookies.Class{Vendor: ptr("linkedin"), Platform: "LinkedIn", Category: "functional", Retention: "6 months", Source: "override"}},
		{"li_fat_id", ".example.com", cookies.Class{Vendor: ptr("linkedin"), Platform: "LinkedIn", Category: "marketing", Retention: "30 days", Source: "override"}},
		{"li_giant", ".example.com", cookies.Class{Vendor: ptr("linkedin"), Platform: "LinkedIn", Category: "marketing", Retention: "7 days", Source: "override"}},
		{"_gat_gtag_UA_91043834_1", ".example.com", cookies.Class{Vendor: ptr("google-analytics"), Platform: "Google Analytics", Category: "analytics", Retention: "1 minute", Source: "override"}},
		{"__utmv", ".example.com", cookies.Class{Vendor: ptr("google-analytics"), Platform: "Google Analytics", Category: "analytics", Retention: "2 years after last activity", Source: "override"}},
		{"_GRECAPTCHA", "www.recaptcha.net", cookies.Class{Vendor: ptr("google-recaptcha"), Platform: "Google reCAPTCHA", Category: "necessary", Retention: "179 days", Source: "override"}},
		{"_li_id.3f2a", ".example.com", cookies.Class{Vendor: ptr("leadinfo"), Platform: "Leadinfo", Category: "marketing", Retention: "2 years", Source: "override"}},
		{"_li_ses.3f2a", ".example.com", cookies.Class{Vendor: ptr("leadinfo"), Platform: "Leadinfo", Category: "marketing", Retention: "30 minutes", Source: "override"}},
		{"mp_3f9c2a7b5d1e4f6a8b0c2d4e6f8a0b1c_mixpanel", ".example.com", cookies.Class{Vendor: ptr("mixpanel"), Platform: "Mixpanel", Category: "analytics", Retention: "1 year", Source: "override"}},
	}
	if len(tests) != len(cookies.Overrides) {
		t.Errorf("%d override cases for %d override rows: assert every row", len(tests), len(cookies.Overrides))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, db.Classify(tt.name, tt.domain)); diff != "" {
				t.Errorf("Classify(%q, %q) mismatch (-want +got):\n%s", tt.name, tt.domain, diff)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	db := load(t, true)
	unknown := cookies.Class{Category: "unknown"}
	tests := []struct {
		name, domain string
		want         cookies.Class
	}{
		// Catalogue matchers win for our vendors; retention comes from the
		// corrected OCD row.
		{"_ga", ".example.com", cookies.Class{Vendor: ptr("google-analytics"), Platform: "Google Analytics", Category: "analytics", Retention: "2 years", Source: "catalogue"}},
		{"_ga_97RE5L0TM9", ".example.com", cookies.Class{Vendor: ptr("google-analytics"), Platform: "Google Analytics", Category: "analytics", Retention: "2 years", Source: "catalogue"}},
		{"_gat_gtag_UA_91043834_1", ".example.com", cookies.Class{Vendor: ptr("google-analytics"), Platform: "Google Analytics", Category: "analytics", Retention: "1 minute", Source: "catalogue"}},
		{"__hstc", ".example.com", cookies.Class{Vendor: ptr("hubspot"), Platform: "HubSpot", Category: "marketing", Retention: "6 months", Source: "catalogue"}},
		{"_fbp", ".example.com", cookies.Class{Vendor: ptr("facebook"), Platform: "Meta Pixel", Category: "marketing", Retention: "90 days", Source: "catalogue"}},
		{"fr", ".facebook.com", cookies.Class{Vendor: ptr("facebook"), Platform: "Meta Pixel", Category: "marketing", Retention: "90 days", Source: "catalogue"}},
		{"_GRECAPTCHA", "www.google.com", cookies.Class{Vendor: ptr("recaptcha"), Platform: "Google reCAPTCHA", Category: "necessary", Retention: "179 days", Source: "catalogue"}},
		{"li_adsId", ".example.com", cookies.Class{Vendor: ptr("linkedin"), Platform: "LinkedIn Insight Tag", Category: "marketing", Retention: "180 days", Source: "catalogue"}},
		{"_li_ses.3f2a", ".example.com", cookies.Class{Vendor: ptr("leadinfo"), Platform: "Leadinfo", Category: "marketing", Retention: "30 minutes", Source: "catalogue"}},
		// A site's own cookie that only shares a vendor's prefix.
		{"mp_lang", "www.example.com", unknown},
		// OCD for everyone else; wildcard rows are prefixes.
		// The conversion linker cookie is Google Ads' (catalogue), not generic "Google".
		{"_gcl_au", ".example.com", cookies.Class{Vendor: ptr("google-ads"), Platform: "Google Ads", Category: "marketing", Retention: "90 days", Source: "catalogue"}},
		{"CookieConsent", "www.example.com", cookies.Class{Vendor: ptr("cookiebot"), Platform: "Cookiebot", Category: "functional", Retention: "1 year", Source: "ocd"}},
		{"_li_ss", ".liadm.com", cookies.Class{Vendor: ptr("liveintent"), Platform: "LiveIntent", Category: "marketing", Retention: "1 month", Source: "ocd"}},
		// Hotjar's user cookie keeps the visitor's analytics ID: analytics (the
		// catalogue), not functional as the OCD row says.
		{"_hjSessionUser_123456", ".example.com", cookies.Class{Vendor: ptr("hotjar"), Platform: "Hotjar", Category: "analytics", Retention: "365 days", Source: "catalogue"}},
		// Unknown stays unknown: no guessing from look-alike names, short
		// OCD prefixes or vendor names on the wrong domain.
		{"session", "www.example.com", unknown},
		{"_galaxy_session", "www.example.com", unknown},
		{"_session_id", "www.example.com", unknown},
		{"fr", "www.example.fr", unknown},
		{"bcookie", ".example.com", unknown},
		{"lang", "www.example.com", unknown},
		{"_GRECAPTCHA", "www.example.com", unknown},
		{"_li_ss", ".example.com", unknown}, // OCD: LiveIntent on liadm.com only
	}
	for _, tt := range tests {
		t.Run(tt.name+"@"+tt.domain, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, db.Classify(tt.name, tt.domain)); diff != "" {
				t.Errorf("Classify(%q, %q) mismatch (-want +got):\n%s", tt.name, tt.domain, diff)
			}
		})
	}
}

func TestKebab(t *testing.T) {
	for in, want := range map[string]string{"Google Ads": "google-ads", "Hotjar": "hotjar", "Microsoft Clarity ": "microsoft-clarity", "A/B Tasty": "a-b-tasty"} {
		if got := cookies.Kebab(in); got != want {
			t.Errorf("Kebab(%q) = %q, want %q", in, got, want)
		}
	}
}
