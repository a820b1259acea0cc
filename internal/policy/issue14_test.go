package policy

import (
	"strings"
	"testing"
)

// TestClauseStances holds the sentence shapes that a whole-sentence reading
// got wrong (issue 14), each rephrased: a causal or concessive clause before
// the stance, "so …", "the same as any other request", plans for the future.
func TestClauseStances(t *testing.T) {
	tests := []struct {
		sig  string
		want Stance
		text string
	}{
		{"dnt", NotHonored, "As no industry standard for honouring do not track requests has emerged, this website does not respond to Do Not Track signals."},
		{"dnt", NotHonored, "Although we work hard to respect the privacy choices of our visitors, we are unable to respond to DNT signals for now."},
		{"dnt", NotHonored, "There is no agreed way to interpret a Do Not Track request, so our site does not respond to DNT."},
		{"gpc", Unclear, "We are evaluating whether we will support GPC at a later date."},
		{"dnt", NotHonored, "When our site receives a Do Not Track request, it handles it the same as any other request."},
		{"dnt", Honored, "If your browser sends Do Not Track, we do not load our analytics tags."},
		{"dnt", Honored, "We honour Do Not Track signals."},
		{"dnt", NotHonored, "Even if you turn on Do Not Track, our partners will still collect usage data on this site."},
		{"gpc", NotHonored, "While we may support GPC in the future, we do not currently respond to it."},
		{"gpc", Honored, "Although GPC is new, we treat it as a valid request to opt out of sharing."},
	}
	for _, tt := range tests {
		a := catalogueAnalyzer().Analyze(docFromText(t, tt.text))
		got := a.DNT
		if tt.sig == "gpc" {
			got = a.GPC
		}
		if got != tt.want {
			t.Errorf("%s %q = %s, want %s", tt.sig, tt.text, got, tt.want)
		}
	}
}

// TestVendorMentionsAreAboutProducts holds the vendor mentions of issue 14,
// rephrased: a restricted denial is use; removal, contact channels, social
// pages and a conditional cookie-table note are no disclosure; a sentence
// is attributed to the product it is about.
func TestVendorMentionsAreAboutProducts(t *testing.T) {
	tests := []struct {
		vendor, stance, product, text string
	}{
		{"google-analytics", "uses", "Google Analytics", "We do not use Google Analytics cookies to identify individual visitors."},
		{"google-analytics", "uses", "Google Analytics", "Google Analytics is not used to collect any personal data."},
		{"google-analytics", "denies", "Google Analytics", "We do not use Google Analytics on this website."},
		{"facebook", "", "", "We took the Facebook Pixel off our pages in 2023."},
		{"facebook", "", "", "We removed the Meta Pixel last year."},
		{"linkedin", "", "", "If you contact us via LinkedIn, we handle your message under this notice."},
		{"facebook", "", "", "We have pages on Facebook and LinkedIn where we post news."},
		{"linkedin", "", "", "We have pages on Facebook and LinkedIn where we post news."},
		{"facebook", "uses", "Facebook social plugins", "We use Facebook to display our latest social posts and share buttons."},
		{"linkedin", "uses", "LinkedIn plugins", "Our articles carry LinkedIn share buttons that contact LinkedIn when they load."},
		{"facebook", "uses", "Meta Pixel", "We use the Facebook Pixel to measure our advertising."},
		{"facebook", "uses", "", "We share visit data with Meta for advertising."},
		{"google-tag-manager", "", "", gtmNoteTable},
		{"google-analytics", "uses", "Google Analytics", gtmNoteTable},
	}
	for _, tt := range tests {
		a := catalogueAnalyzer().Analyze(docFromText(t, tt.text))
		stance, product := "", ""
		for _, v := range a.Vendors {
			if v.Vendor == tt.vendor && stance != StanceUses {
				stance, product = v.Stance, v.Product
			}
		}
		if stance != tt.stance || product != tt.product {
			t.Errorf("%s in %q = %q %q, want %q %q", tt.vendor, tt.text, stance, product, tt.stance, tt.product)
		}
	}
}

// gtmNoteTable is a cookie table whose GA row explains the cookie's name
// when GA is deployed through GTM: a GA disclosure (by its provider), not a
// GTM one.
const gtmNoteTable = `| Cookie | Provider | Expiry | Description |
|---|---|---|---|
| _gat_UA-* | Google | 1 minute | Throttles requests; if Google Analytics is deployed via Google Tag Manager, this cookie is named _dc_gtm_<property-id>. |`

// TestVendorLists reads the vendor lists of German and Dutch policies: a
// label ("Dienstanbieter:", "Anbieter:", "Verwerker:") before the company,
// with the section's heading naming the product.
func TestVendorLists(t *testing.T) {
	tests := []struct {
		lang, text, vendor, product string
	}{
		{"de", "## Google Analytics\n\nDienstanbieter: Google Ireland Limited, Gordon House, Barrow Street, Dublin 4, Irland.", "google-analytics", ""},
		{"de", "## HubSpot\n\nAnbieter: HubSpot, Inc., 25 First Street, Cambridge, MA 02141, USA.", "hubspot", "HubSpot"},
		{"nl", "## Leadinfo\n\nVerwerker: Leadinfo B.V., Rotterdam.", "leadinfo", "Leadinfo"},
		{"en", "## Analytics\n\nService provider: Google Ireland Limited, Dublin, Ireland.", "google-analytics", ""},
	}
	for _, tt := range tests {
		doc := docFromText(t, tt.text)
		doc.Language = tt.lang
		found := false
		for _, v := range catalogueAnalyzer().Analyze(doc).Vendors {
			if v.Vendor == tt.vendor {
				found = true
				if v.Stance != StanceUses || v.Product != tt.product {
					t.Errorf("%q: %s %s %q, want uses %q", tt.text, v.Vendor, v.Stance, v.Product, tt.product)
				}
			}
		}
		if !found {
			t.Errorf("%q: %s not read", tt.text, tt.vendor)
		}
	}
	// A list label does not make Google mean every Google vendor.
	doc := docFromText(t, "## Google Analytics\n\nDienstanbieter: Google Ireland Limited.")
	doc.Language = "de"
	for _, v := range catalogueAnalyzer().Analyze(doc).Vendors {
		if v.Vendor != "google-analytics" {
			t.Errorf("unexpected %s from a GA section", v.Vendor)
		}
	}
}

// TestCookieTableRows checks that header repeats, section rows and
// footnotes are not read as cookies, in a table whose columns are found by
// their German headers.
func TestCookieTableRows(t *testing.T) {
	text := `| Name | Anbieter | Zweck | Speicherdauer |
|---|---|---|---|
| Name | Anbieter | Zweck | Speicherdauer |
| Statistik | | | |
| _ga | Google | Unterscheidet Nutzer | 2 Jahre |
| _ga_<container-id> | Google | Speichert den Sitzungsstatus | 2 Jahre |
| Marketing-Cookies | | | |
| _fbp | Meta | Werbung | 3 Monate |
| * Alle Angaben ohne Gewähr. | | | |`
	a := catalogueAnalyzer().Analyze(docFromText(t, text))
	var got []string
	for _, c := range a.Cookies {
		got = append(got, c.Name)
	}
	want := []string{"_fbp", "_ga", "_ga_<container-id>"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("cookies = %v, want %v", got, want)
	}
}

// TestHTMLSourceLineBreaks: a line break inside a paragraph's HTML source is
// white space, so a sentence wrapped in the source stays one sentence and
// its list of vendors one disclosure.
func TestHTMLSourceLineBreaks(t *testing.T) {
	doc, err := Extract([]byte("<html><body><main><h1>Privacy</h1><p>We use Google Analytics, HubSpot,\nthe Meta Pixel and Leadinfo on this site.</p><pre>line one\nline two</pre></main></body></html>"), "text/html", "test:")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range doc.Sections {
		got = append(got, s.Sentences...)
	}
	if len(got) == 0 || got[0] != "We use Google Analytics, HubSpot, the Meta Pixel and Leadinfo on this site." {
		t.Errorf("sentences = %q", got)
	}
	a := catalogueAnalyzer().Analyze(doc)
	if len(a.Vendors) != 4 {
		t.Errorf("vendors = %+v, want 4", a.Vendors)
	}
}
