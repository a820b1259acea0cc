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
		a := catalogueAnalyzer().Analyze(docFromText(t, tt.text))
		got := map[string]string{}
		for _, v := range a.Vendors {
			got[v.Vendor] = v.Stance
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.text, diff)
		}
	}
}

// TestForeignVendorStances reads vendor names in policies written in the
// other languages privscan finds policies in. Each case is one sentence in a
// document of that language.
func TestForeignVendorStances(t *testing.T) {
	tests := []struct {
		lang, vendor, want, text string
	}{
		{"de", "google-analytics", "uses", "Wir verwenden Google Analytics, um die Nutzung unserer Website zu analysieren."},
		{"de", "facebook", "denies", "Wir verwenden keinen Facebook Pixel."},
		{"de", "google-analytics", "denies", "Google Analytics setzen wir nicht ein."},
		{"de", "facebook", "", "Folgen Sie uns auf Facebook."},
		{"de", "facebook", "", "Wir geben keine Daten an Facebook weiter."},
		{"de", "linkedin", "uses", "Wir setzen das LinkedIn Insight Tag ein."},
		{"nl", "google-analytics", "uses", "Wij gebruiken Google Analytics om het gebruik van onze website te meten."},
		{"nl", "facebook", "denies", "Wij gebruiken geen Facebook Pixel."},
		{"nl", "hubspot", "denies", "HubSpot wordt niet gebruikt op deze website."},
		{"nl", "linkedin", "", "Volg ons op LinkedIn."},
		{"da", "leadinfo", "uses", "Vi bruger Leadinfo til at genkende virksomheder, der besøger hjemmesiden."},
		{"da", "facebook", "denies", "Vi bruger ikke Facebook Pixel."},
		{"sv", "google-analytics", "uses", "Vi använder Google Analytics för att analysera trafiken."},
		{"no", "hubspot", "denies", "Vi bruker ikke HubSpot."},
		{"fr", "google-analytics", "uses", "Nous utilisons Google Analytics pour la mesure d'audience."},
		{"fr", "facebook", "denies", "Nous n'utilisons pas le pixel Facebook."},
		{"fr", "linkedin", "", "Suivez-nous sur LinkedIn."},
		{"es", "google-analytics", "uses", "Utilizamos Google Analytics para analizar el uso del sitio."},
		{"es", "facebook", "denies", "No utilizamos el píxel de Facebook."},
		{"it", "recaptcha", "uses", "Utilizziamo Google reCAPTCHA per proteggere i moduli dallo spam."},
		{"it", "hubspot", "denies", "Non utilizziamo HubSpot."},
		{"pl", "google-analytics", "uses", "Używamy Google Analytics do analizy ruchu."},
		{"pl", "facebook", "denies", "Nie używamy piksela Facebook."},
		{"de", "facebook", "denies", "We do not use Facebook Pixel."},
	}
	for _, tt := range tests {
		doc := docFromText(t, tt.text)
		doc.Language = tt.lang
		got := ""
		for _, v := range catalogueAnalyzer().Analyze(doc).Vendors {
			if v.Vendor == tt.vendor {
				got = v.Stance
			}
		}
		if got != tt.want {
			t.Errorf("%s %q: %s is %q, want %q", tt.lang, tt.text, tt.vendor, got, tt.want)
		}
	}
}

// TestEntityCompanyNeedsDataFlow: an entity vendor named only by its
// company (BoldChat by "LogMeIn") is disclosed where data is said to go to
// the company or the company is used, not by a menu line or a list of
// links; its own name keeps the usual reading.
func TestEntityCompanyNeedsDataFlow(t *testing.T) {
	for _, tt := range []struct {
		text, lang string
		want       string // "" = not in policy.vendors; else stance/product
	}{
		{"Contact forms Downloads LogMeIn Login to DOC site", "en", ""},
		{"Products: LogMeIn | GoToMeeting | Support | Login", "en", ""},
		{"Log in with your LogMeIn account to download the documentation.", "en", ""},
		{"We use LogMeIn to run the live chat on our website.", "en", "uses/"},
		{"Chat transcripts are shared with LogMeIn, which hosts our chat service.", "en", "uses/"},
		{"Our live chat is provided by BoldChat.", "en", "uses/BoldChat"},
		{"Für den Live-Chat nutzen wir LogMeIn.", "de", "uses/"},
		{"Die Chatverläufe werden an LogMeIn übermittelt.", "de", "uses/"},
		{"LogMeIn Anmeldung Downloads Kontakt", "de", ""},
		{"Solutions | BoldChat | Support | Login", "en", ""},
		{"Home · BoldChat · Datenschutz · Impressum", "de", ""},
	} {
		doc := docFromText(t, tt.text)
		doc.Language = tt.lang
		got := ""
		for _, v := range catalogueAnalyzer().Analyze(doc).Vendors {
			if v.Vendor == "boldchat" {
				got = v.Stance + "/" + v.Product
			}
		}
		if got != tt.want {
			t.Errorf("%q: boldchat %q, want %q", tt.text, got, tt.want)
		}
	}
}
