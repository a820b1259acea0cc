package policy

import (
	"net/url"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFindCandidatesLanguages(t *testing.T) {
	base, _ := url.Parse("https://www.example.com/de/start")
	tests := []struct {
		lang, text, href, kind string
	}{
		{"en", "Privacy", "/privacy", KindPrivacyPolicy},
		{"en", "Privacy Notice", "/legal/notice", KindPrivacyPolicy},
		{"en", "Privacy Policy", "/p/123", KindPrivacyPolicy},
		{"de", "Datenschutz", "/datenschutz", KindPrivacyPolicy},
		{"de", "Datenschutzerklärung", "/info/dse", KindPrivacyPolicy},
		{"nl", "Privacyverklaring", "/privacyverklaring", KindPrivacyPolicy},
		{"da", "Privatlivspolitik", "/privatlivspolitik", KindPrivacyPolicy},
		{"da", "Persondatapolitik", "/persondatapolitik", KindPrivacyPolicy},
		{"fr", "Politique de confidentialité", "/confidentialite", KindPrivacyPolicy},
		{"fr", "Confidentialité", "/mentions", KindPrivacyPolicy},
		{"es", "Política de privacidad", "/politica-de-privacidad", KindPrivacyPolicy},
		{"it", "Informativa sulla privacy", "/informativa", KindPrivacyPolicy},
		{"sv", "Integritetspolicy", "/integritetspolicy", KindPrivacyPolicy},
		{"no", "Personvern", "/personvern", KindPrivacyPolicy},
		{"pl", "Polityka prywatności", "/polityka-prywatnosci", KindPrivacyPolicy},
		{"en", "Cookie Policy", "/cookie-policy", KindCookiePolicy},
		{"de", "Cookie-Richtlinie", "/cookies", KindCookiePolicy},
		{"nl", "Cookiebeleid", "/cookiebeleid", KindCookiePolicy},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.text, func(t *testing.T) {
			links := []Link{
				{URL: "/about", Text: "About us"},
				{URL: tt.href, Text: tt.text, InFooter: true},
				{URL: "/contact", Text: "Contact"},
			}
			got := FindCandidates(base, links)
			if len(got) == 0 {
				t.Fatalf("no candidate for %q", tt.text)
			}
			want, _ := base.Parse(tt.href)
			if got[0].URL != want.String() || got[0].Kind != tt.kind {
				t.Errorf("best = %+v, want %s (%s)", got[0], want, tt.kind)
			}
			if got[0].Reason == "" {
				t.Error("empty reason")
			}
		})
	}
}

func TestFindCandidatesRanking(t *testing.T) {
	base, _ := url.Parse("https://shop.example.co.uk/")
	links := []Link{
		{URL: "https://policies.google.com/privacy", Text: "Google Privacy Policy"},
		{URL: "/privacy-policy", Text: "Privacy Policy", InFooter: true},
		{URL: "/blog/privacy-tips", Text: "Ten privacy tips"},
		{URL: "/privacy-policy#cookies", Text: "Privacy Policy"},
		{URL: "/cookie-policy", Aria: "Cookie policy", InFooter: true},
		{URL: "javascript:void(0)", Text: "Cookie settings"},
		{URL: "#", Text: "Manage cookies"},
		{URL: "mailto:privacy@example.co.uk", Text: "privacy@example.co.uk"},
		{URL: "https://www.example.co.uk/datenschutz", Title: "Datenschutz"},
		{URL: "/prodotti", Text: "Prodotti"},
	}
	got := FindCandidates(base, links)
	var urls []string
	for _, c := range got {
		urls = append(urls, c.URL)
	}
	if urls[0] != "https://shop.example.co.uk/privacy-policy" {
		t.Errorf("best = %s, want the footer privacy policy; all: %v", urls[0], urls)
	}
	if i, j := slices.Index(urls, "https://policies.google.com/privacy"), slices.Index(urls, "https://www.example.co.uk/datenschutz"); i < j {
		t.Errorf("third-party policy ranks above same-site one: %v", urls)
	}
	if slices.Contains(urls, "https://shop.example.co.uk/prodotti") {
		t.Error("\"Prodotti\" matched a policy word")
	}
	n := 0
	for _, c := range got {
		if c.URL == "https://shop.example.co.uk/privacy-policy" {
			n++
		}
		if c.URL == "https://shop.example.co.uk/cookie-policy" && c.Kind != KindCookiePolicy {
			t.Errorf("cookie policy kind = %s", c.Kind)
		}
	}
	if n != 1 {
		t.Errorf("privacy policy listed %d times, want once (fragments merged)", n)
	}
}

func TestCommonPaths(t *testing.T) {
	p := CommonPaths()
	for _, want := range []string{"/privacy", "/privacy-policy", "/legal/privacy", "/datenschutz"} {
		if !slices.Contains(p, want) {
			t.Errorf("CommonPaths lacks %s", want)
		}
	}
	p[0] = "changed"
	if diff := cmp.Diff("/privacy", CommonPaths()[0]); diff != "" {
		t.Errorf("CommonPaths shares its slice (-want +got):\n%s", diff)
	}
}
