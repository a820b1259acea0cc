package catalogue

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestRuleExamples runs every example of every matcher of every vendor, one
// sub-test per example, and fails when a matcher has no example.
func TestRuleExamples(t *testing.T) {
	c, err := load(false)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if len(c.Vendors()) == 0 {
		t.Fatal("no vendors")
	}
	for _, v := range c.Vendors() {
		for _, m := range v.Matchers {
			if len(m.examples.Match) == 0 {
				t.Errorf("%s/%s: no match example", v.Slug, m.ID)
			}
			for i, ex := range m.examples.Match {
				t.Run(v.Slug+"/"+m.ID+"/match/"+itoa(i), func(t *testing.T) {
					for _, f := range m.checkMatch(ex) {
						t.Error(f)
					}
				})
			}
			for i, ex := range m.examples.NoMatch {
				t.Run(v.Slug+"/"+m.ID+"/no_match/"+itoa(i), func(t *testing.T) {
					if f := v.checkNoMatch(m, ex); f != "" {
						t.Error(f)
					}
				})
			}
		}
	}
}

func itoa(i int) string { return string(rune('0'+i/10)) + string(rune('0'+i%10)) }

func TestBuiltinVendors(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for _, v := range c.Vendors() {
		slugs = append(slugs, v.Slug)
	}
	// The seven original vendors and the deep-rule slugs of DESIGN.md; a
	// slug never changes once released.
	want := []string{"facebook", "google-analytics", "google-tag-manager", "hubspot", "leadinfo", "linkedin", "recaptcha",
		"google-ads", "doubleclick", "google-maps", "youtube", "google-fonts", "tiktok", "microsoft-clarity", "microsoft-ads",
		"pinterest", "x", "snapchat", "reddit", "hotjar", "matomo", "plausible", "cloudflare-insights", "yandex-metrica",
		"adobe-analytics", "segment", "mixpanel", "amplitude", "heap", "fullstory", "intercom", "drift", "zendesk", "tawk-to",
		"crisp", "criteo", "taboola", "outbrain", "vimeo", "activecampaign", "mailchimp", "klaviyo"}
	slices.Sort(want)
	if !slices.Equal(slugs, want) {
		t.Errorf("vendors = %q, want %q", slugs, want)
	}
}

// TestInvalidRules loads each file of testdata/invalid as an extra rule
// document and expects Load to fail with the error named in the file's
// first line ("# want: <substring>").
func TestInvalidRules(t *testing.T) {
	files, err := filepath.Glob("testdata/invalid/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no invalid-rule corpus: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			first, _, _ := strings.Cut(string(b), "\n")
			want, ok := strings.CutPrefix(first, "# want: ")
			if !ok {
				t.Fatalf("first line must be '# want: <error substring>'")
			}
			_, err = Load(b)
			if err == nil {
				t.Fatalf("Load succeeded, want error containing %q", want)
			}
			if !strings.Contains(err.Error(), want) {
				t.Errorf("Load error = %v\nwant it to contain %q", err, want)
			}
		})
	}
}

func TestExtraRules(t *testing.T) {
	extra := []byte(`
slug: simple-analytics
name: Simple Analytics
category: analytics
policy_terms: [Simple Analytics]
matchers:
  - id: script
    kind: script
    detail: Simple Analytics script
    hosts: [scripts.simpleanalyticscdn.com]
    match: '^scripts\.simpleanalyticscdn\.com/latest\.js'
    examples:
      match:
        - https://scripts.simpleanalyticscdn.com/latest.js
`)
	c, err := Load(extra)
	if err != nil {
		t.Fatal(err)
	}
	if c.Vendor("simple-analytics") == nil {
		t.Fatal("extra vendor missing")
	}
	if got := c.MatchURL(KindScript, "https://scripts.simpleanalyticscdn.com/latest.js"); len(got) != 1 || got[0].Matcher.Vendor.Slug != "simple-analytics" {
		t.Errorf("MatchURL = %+v", got)
	}
}

func TestProbeGlobalsAndPolicyTerms(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	g := c.ProbeGlobals()
	for _, want := range []string{"fbq", "leadinfo.t", "_linkedin_data_partner_ids", "google_tag_manager", "_hsq", "grecaptcha"} {
		if !slices.Contains(g, want) {
			t.Errorf("ProbeGlobals() lacks %q: %q", want, g)
		}
	}
	if slices.Contains(g, "dataLayer") {
		t.Errorf("ProbeGlobals() has dataLayer, which is not evidence of anything")
	}
	terms := c.PolicyTerms()
	byVendor := map[string]VendorTerms{}
	for _, vt := range terms {
		byVendor[vt.Vendor] = vt
	}
	for vendor, term := range map[string]string{
		"google-analytics": "Universal Analytics", "facebook": "Facebook Pixel",
		"linkedin": "LinkedIn Insight Tag", "hubspot": "HubSpot", "leadinfo": "Leadinfo", "recaptcha": "reCAPTCHA",
	} {
		if !slices.Contains(byVendor[vendor].Terms, term) {
			t.Errorf("%s terms %q lack %q", vendor, byVendor[vendor].Terms, term)
		}
	}
	if !slices.Contains(byVendor["linkedin"].Parents, "Microsoft Corporation") {
		t.Errorf("linkedin parents = %q", byVendor["linkedin"].Parents)
	}
	// The policy analyser's product knowledge comes from here alone: the
	// products with their naming and context terms, and the words that
	// point a company-only mention at the main product (lower case).
	if !slices.Contains(byVendor["facebook"].MainContext, "pixel") || !slices.Contains(byVendor["linkedin"].MainContext, "insight") {
		t.Errorf("main context: facebook %q, linkedin %q", byVendor["facebook"].MainContext, byVendor["linkedin"].MainContext)
	}
	login := false
	for _, p := range byVendor["facebook"].Products {
		login = login || (p.Name == "Facebook Login" && slices.Contains(p.Terms, "sign in with"))
	}
	if !login {
		t.Errorf("facebook products %+v lack Facebook Login's context term", byVendor["facebook"].Products)
	}
	for _, vt := range terms {
		for _, w := range vt.MainContext {
			if w != strings.ToLower(w) || len(vt.Products) == 0 {
				t.Errorf("%s: main_context %q must be lower case, on a vendor with products", vt.Vendor, w)
			}
		}
	}
}

// TestProductsDeclared checks the products contract in the built-in files: a
// matcher's product names one of its vendor's products (or is empty, the
// main product), and the vendors with agreed products list them.
func TestProductsDeclared(t *testing.T) {
	names, err := filepath.Glob("data/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	products := map[string][]string{}
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		vs, err := decode(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, v := range vs {
			var declared []string
			for _, p := range v.Products {
				if p.Name == "" || !slices.Contains(Categories, p.Category) || len(p.PolicyTerms) == 0 {
					t.Errorf("%s: product %+v needs a name, a known category and policy terms", v.Slug, p)
				}
				declared = append(declared, p.Name)
			}
			products[v.Slug] = declared
			for _, m := range v.Matchers {
				if m.Product != "" && !slices.Contains(declared, m.Product) {
					t.Errorf("%s/%s: product %q is not declared", v.Slug, m.ID, m.Product)
				}
			}
		}
	}
	for slug, want := range map[string][]string{
		"youtube":     {"YouTube embed (privacy-enhanced mode)"},
		"google-maps": {"Google Maps JavaScript API"},
	} {
		if !slices.Equal(products[slug], want) {
			t.Errorf("%s products = %q, want %q", slug, products[slug], want)
		}
	}
}
