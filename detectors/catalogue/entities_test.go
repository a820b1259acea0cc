package catalogue_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/detectors/catalogue"
)

func TestEntityTable(t *testing.T) {
	c, err := catalogue.Load()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(c.Entities()); n < 2000 {
		t.Errorf("%d entities, want the whole table (2,143)", n)
	}
	evs := c.EntityVendors()
	if len(evs) < 1000 {
		t.Errorf("%d entity vendors, want every tracking-category entity that no rule covers", len(evs))
	}
	seen := map[string]bool{}
	for _, v := range c.Vendors() {
		seen[v.Slug] = true
	}
	for _, v := range evs {
		if seen[v.Slug] {
			t.Errorf("entity vendor %s shadows another vendor", v.Slug)
		}
		seen[v.Slug] = true
		if v.Source != catalogue.SourceEntity || v.Entity == nil || v.Entity.Vendor != v {
			t.Errorf("%s: source %q, entity %v", v.Slug, v.Source, v.Entity)
		}
		if v.Slug != catalogue.EntitySlug(v.Name) {
			t.Errorf("%s: slug is not the kebab-case of %q", v.Slug, v.Name)
		}
		if len(v.PolicyTerms) == 0 {
			t.Errorf("%s: no policy terms", v.Slug)
		}
	}
	for _, v := range c.Vendors() {
		if v.Source != catalogue.SourceCatalogue {
			t.Errorf("%s: source %q", v.Slug, v.Source)
		}
	}

	tests := []struct {
		host, entity, vendor, coveredBy, category string
	}{
		{"d.adroll.com", "Adroll", "adroll", "", "advertising"},
		{"cdn.optimizely.com", "Optimizely", "optimizely", "", "analytics"},
		{"tags.tiqcdn.com", "Tealium", "tealium", "", "tag-manager"},
		{"static.olark.com", "Olark", "olark", "", "customer-success"},
		// Piwik PRO is its own company, not Matomo.
		{"example.piwikpro.com", "Piwik", "piwik", "", "analytics"},
		// Where the table's granularity misleads, the rules decide: no
		// entity vendor for LinkedIn Ads (www.linkedin.com), Bing Ads
		// (*.microsoft.com), Facebook (pixel, plugins and login in one).
		{"www.linkedin.com", "LinkedIn Ads", "", "linkedin", ""},
		{"www.microsoft.com", "Bing Ads", "", "microsoft-ads", ""},
		{"www.facebook.com", "Facebook", "", "facebook", ""},
		{"mc.yandex.ru", "Yandex Metrica", "", "yandex-metrica", ""},
		{"static.hotjar.com", "Hotjar", "", "hotjar", ""},
		{"pagead2.googlesyndication.com", "Google/Doubleclick Ads", "", "doubleclick", ""},
		// Not a tracking category: named, never a vendor.
		{"cdnjs.cloudflare.com", "Cloudflare CDN", "", "", ""},
		{"www.example.com", "", "", "", ""},
	}
	for _, tt := range tests {
		e := c.EntityOfHost(tt.host)
		got := struct{ Entity, Vendor, CoveredBy, Category string }{}
		if e != nil {
			got.Entity = e.Name
			if e.Vendor != nil {
				got.Vendor, got.Category = e.Vendor.Slug, e.Vendor.Category
			}
			if e.CoveredBy != nil {
				got.CoveredBy = e.CoveredBy.Slug
			}
		}
		want := struct{ Entity, Vendor, CoveredBy, Category string }{tt.entity, tt.vendor, tt.coveredBy, tt.category}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.host, diff)
		}
	}
}

func TestEntityPolicyTerms(t *testing.T) {
	c, err := catalogue.Load()
	if err != nil {
		t.Fatal(err)
	}
	terms := map[string]catalogue.VendorTerms{}
	for _, vt := range c.PolicyTerms() {
		terms[vt.Vendor] = vt
	}
	if !slices.Contains(terms["adroll"].Terms, "Adroll") {
		t.Errorf("adroll terms = %q", terms["adroll"].Terms)
	}
	// A common word names no vendor: "Signal" is only a parent.
	if slices.Contains(terms["signal"].Terms, "Signal") || !slices.Contains(terms["signal"].Parents, "Signal") {
		t.Errorf("signal terms = %q, parents = %q", terms["signal"].Terms, terms["signal"].Parents)
	}
	for slug, vt := range terms {
		for _, term := range vt.Terms {
			// Short acronyms ("VK") match case-sensitively; anything else
			// that short would name vendors by accident.
			if len(term) < 3 && strings.ToUpper(term) != term {
				t.Errorf("%s: term %q is too short to name a vendor", slug, term)
			}
		}
	}
	if _, ok := terms["google-ads"]; !ok {
		t.Error("catalogue vendors missing from the policy terms")
	}
}

func TestSlugs(t *testing.T) {
	for name, want := range map[string]string{
		"Tawk.to": "tawk-to", "Google/Doubleclick Ads": "google-doubleclick-ads", "[24]7": "24-7", "Yahoo!": "yahoo", "AOL ad": "aol-ad",
	} {
		if got := catalogue.EntitySlug(name); got != want {
			t.Errorf("EntitySlug(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestDetectEntityVendors(t *testing.T) {
	c, err := catalogue.Load()
	if err != nil {
		t.Fatal(err)
	}
	visits := []*crawler.Visit{
		page(crawler.Baseline, site, crawler.Visit{
			Requests: []crawler.Request{
				script("https://s.adroll.com/j/ABCDEFGHIJKLMNOPQRSTUV/roundtrip.js"),
				{URL: "https://d.adroll.com/cm/b/out", ResourceType: "Image",
					SetCookies: []crawler.SetCookie{{Line: "__adroll=abc; Domain=.adroll.com; Path=/; Secure; SameSite=None", Name: "__adroll"}}},
				req("https://www.linkedin.com/company/example/", "Document"), // covered: the rules decide, and find nothing
				req("https://www.microsoft.com/favicon.ico", "Image"),        // "Bing Ads" in the table, not an ad tracker
				req("https://cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/jquery.min.js", "Script"),
				script("https://static.hotjar.com/c/hotjar-3456789.js?sv=6"), // the rule, not the entity
			},
		}),
		page(crawler.GPC, site, crawler.Visit{
			Cookies: []crawler.Cookie{jar("__adroll_fpc", ".example.com"), jar("__ar_v4", ".adroll.com")},
		}),
	}
	got := c.Detect(site, visits)
	var summary []string
	for _, tr := range got {
		summary = append(summary, tr.Vendor+" "+tr.Source+" "+tr.Category+" "+strings.Join(tr.Profiles, ","))
	}
	want := []string{"adroll entity advertising baseline,gpc", "hotjar catalogue analytics baseline"}
	if diff := cmp.Diff(want, summary); diff != "" {
		t.Errorf("trackers (-want +got):\n%s", diff)
	}
	for _, tr := range got {
		if tr.Vendor == "adroll" {
			kinds := map[string]bool{}
			for _, e := range tr.Evidence {
				kinds[e.Kind] = true
				if !strings.Contains(e.Detail, "Adroll host (third-party-web ad)") {
					t.Errorf("evidence detail %q does not say where the name comes from", e.Detail)
				}
			}
			if !kinds["request"] || !kinds["cookie"] {
				t.Errorf("adroll evidence kinds = %v, want requests and cookies", kinds)
			}
		}
	}

	// A site that is itself in the table is not its own third party.
	own := c.Detect("https://www.adroll.com/", []*crawler.Visit{page(crawler.Baseline, "https://www.adroll.com/", crawler.Visit{
		Requests: []crawler.Request{req("https://www.adroll.com/", "Document"), script("https://s.adroll.com/app.js")},
	})})
	if len(own) != 0 {
		t.Errorf("first-party entity hosts reported as trackers: %+v", own)
	}
}
