package consent

import (
	"testing"

	"github.com/andybalholm/cascadia"
)

func TestClassify(t *testing.T) {
	cases := []struct {
		text string
		want Kind
	}{
		// reject, in every supported language
		{"Reject all", RejectAll}, {"Reject All Cookies", RejectAll}, {"Decline", RejectAll}, {"Deny", RejectAll},
		{"Only necessary", RejectAll}, {"Use necessary cookies only", RejectAll}, {"Accept only essential cookies", RejectAll},
		{"Necessary cookies only", RejectAll}, {"Continue without accepting →", RejectAll}, {"I do not accept", RejectAll},
		{"Alle ablehnen", RejectAll}, {"Ablehnen", RejectAll}, {"Nur notwendige Cookies", RejectAll}, {"Nicht akzeptieren", RejectAll},
		{"Weigeren", RejectAll}, {"Alles weigeren", RejectAll}, {"Alleen noodzakelijke cookies", RejectAll},
		{"Afvis alle", RejectAll}, {"Kun nødvendige", RejectAll},
		{"Tout refuser", RejectAll}, {"Refuser", RejectAll}, {"Continuer sans accepter", RejectAll},
		{"Rechazar todo", RejectAll}, {"Rechazar", RejectAll},
		{"Rifiuta tutto", RejectAll}, {"Rifiuta", RejectAll},
		{"Avvisa alla", RejectAll}, {"Endast nödvändiga", RejectAll},
		{"Avslå alle", RejectAll}, {"Avslå", RejectAll},
		{"Odrzuć wszystkie", RejectAll}, {"Odrzuć", RejectAll},
		// accept
		{"Accept all", AcceptAll}, {"Accept All Cookies", AcceptAll}, {"Allow all", AcceptAll}, {"I agree", AcceptAll},
		{"OK", AcceptAll}, {"Got it!", AcceptAll}, {"Alle akzeptieren", AcceptAll}, {"Akzeptieren", AcceptAll},
		{"Zustimmen", AcceptAll}, {"Alles accepteren", AcceptAll}, {"Accepteren", AcceptAll}, {"Tillad alle", AcceptAll},
		{"Tout accepter", AcceptAll}, {"J'accepte", AcceptAll}, {"Aceptar todo", AcceptAll}, {"Accetta tutto", AcceptAll},
		{"Acceptera alla", AcceptAll}, {"Godta alle", AcceptAll}, {"Zaakceptuj wszystkie", AcceptAll}, {"Akceptuję", AcceptAll},
		{"Accept all settings", AcceptAll},
		// settings
		{"Settings", Settings}, {"Cookie settings", Settings}, {"Manage options", Settings}, {"Manage consent", Settings},
		{"Customize", Settings}, {"Customise", Settings}, {"More options", Settings}, {"Einstellungen", Settings},
		{"Instellingen", Settings}, {"Paramétrer les cookies", Settings}, {"Personnaliser", Settings}, {"Configurar", Settings},
		{"Impostazioni", Settings}, {"Inställningar", Settings}, {"Ustawienia", Settings},
		// save
		{"Save", Save}, {"Save settings", Save}, {"Confirm my choices", Save}, {"Allow selection", Save},
		{"Auswahl speichern", Save}, {"Speichern", Save}, {"Enregistrer", Save}, {"Opslaan", Save},
		// negatives
		{"Learn more", None}, {"Privacy policy", None}, {"Privacy Policy", None}, {"Cookie Policy", None},
		{"Mehr erfahren", None}, {"Datenschutzerklärung", None}, {"En savoir plus", None}, {"Impressum", None},
		{"", None}, {"Home", None}, {"Contact us", None}, {"Okapi", None}, {"Gemeinsam", None},
		{"We use cookies to improve your experience. By clicking accept you agree to our use of cookies.", None},
	}
	for _, c := range cases {
		if got := Classify(Control{Text: c.text, Tag: "button"}); got != c.want {
			t.Errorf("Classify(%q) = %s, want %s", c.text, got, c.want)
		}
	}
}

func TestClassifyLinks(t *testing.T) {
	// A link that leads to another page is never a consent control, even
	// with a consent-like label; an in-page link (href="#") is.
	if got := Classify(Control{Text: "Reject all", Tag: "a", Nav: true}); got != None {
		t.Errorf("navigating link = %s, want none", got)
	}
	if got := Classify(Control{Text: "Reject all", Tag: "a"}); got != RejectAll {
		t.Errorf("in-page link = %s, want reject", got)
	}
	if got := Classify(Control{Text: "Privacy policy", Tag: "a", Nav: true}); got != None {
		t.Errorf("policy link = %s, want none", got)
	}
}

func TestBannerRelevance(t *testing.T) {
	yes := banner{Text: "Wir verwenden Cookies, um unsere Website zu verbessern.", Controls: []Control{{Text: "Alle akzeptieren"}, {Text: "Einstellungen"}}}
	if !yes.relevant() {
		t.Error("German cookie banner not relevant")
	}
	chat := banner{Text: "Chat with us! We reply within minutes.", Controls: []Control{{Text: "OK"}}}
	if chat.relevant() {
		t.Error("chat widget taken for a banner")
	}
	footer := banner{Text: "We use cookies. Read our cookie policy.", Controls: []Control{{Text: "Cookie policy", Tag: "a", Nav: true}}}
	if footer.relevant() {
		t.Error("a notice without a consent control taken for a banner")
	}
}

func TestRules(t *testing.T) {
	rs, err := Rules()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"onetrust", "cookiebot", "didomi", "usercentrics", "cookieyes", "complianz", "trustarc", "quantcast", "borlabs", "hubspot"}
	if len(rs) != len(want) {
		t.Fatalf("%d rules, want %d", len(rs), len(want))
	}
	for i, r := range rs {
		if r.Slug != want[i] {
			t.Errorf("rule %d = %s, want %s", i, r.Slug, want[i])
		}
		if len(r.Detect) == 0 || len(r.Banner) == 0 || len(r.Reject) == 0 || len(r.Accept) == 0 {
			t.Errorf("%s: detect, banner, reject and accept are required", r.Slug)
		}
		for _, l := range [][]string{r.Detect, r.Banner, r.Reject, r.Accept, r.Settings, r.RejectSecond, r.Save} {
			for _, s := range l {
				if _, err := cascadia.Compile(s); err != nil {
					t.Errorf("%s: selector %q: %v", r.Slug, s, err)
				}
			}
		}
		for c, api := range r.API {
			if c != Reject && c != Accept || api.Guard == "" || api.Call == "" {
				t.Errorf("%s: bad api entry %q", r.Slug, c)
			}
		}
	}
}
