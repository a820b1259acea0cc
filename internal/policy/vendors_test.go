package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestVendorNamePositions checks the exact stance of vendors named where a
// sentence ends, next to host names and punctuation, in a document of many
// sentences (the matcher searches them all at once).
func TestVendorNamePositions(t *testing.T) {
	tests := []struct {
		text string
		want map[string]string
	}{
		{"We use cookies on this site. For statistics we use Google Analytics.", map[string]string{"google-analytics": "uses"}},
		{"We do not use HubSpot.\nOur forms are protected by reCAPTCHA.", map[string]string{"hubspot": "denies", "recaptcha": "uses"}},
		{`Statistics: "We use Google Analytics." That is all.`, map[string]string{"google-analytics": "uses"}},
		{"Tracking data is shared with LinkedIn.) More below.", map[string]string{"linkedin": "uses"}},
		{"Our data is processed under the terms at hubspot.com and facebook.com/policy for this website.", map[string]string{}},
		{"We store meta data about visits. Our pages carry meta tags for search engines.", map[string]string{}},
	}
	for _, tt := range tests {
		a := Analyze(docFromText(t, tt.text), catalogueTerms())
		got := map[string]string{}
		for _, v := range a.Vendors {
			got[v.Vendor] = v.Stance
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.text, diff)
		}
	}
}
