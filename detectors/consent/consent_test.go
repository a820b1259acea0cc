package consent_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/detectors/consent"
)

type want struct {
	CMP    string
	Banner bool
}

func visit(v crawler.Visit) *crawler.Visit {
	v.Profile, v.URL = crawler.Baseline, "https://www.example.com/"
	return &v
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name  string
		visit crawler.Visit
		want  want
	}{
		{"onetrust DOM + overlay", crawler.Visit{
			HTML:     `<div id="onetrust-consent-sdk"><div id="onetrust-banner-sdk"><p>We use cookies</p><button id="onetrust-accept-btn-handler">Accept All Cookies</button></div></div>`,
			Overlays: []crawler.Overlay{{Selector: "div#onetrust-banner-sdk", Text: "We use cookies to improve your experience.", Buttons: []string{"Accept All Cookies", "Cookie Settings"}}},
		}, want{"onetrust", true}},
		{"onetrust script and cookie, banner already closed", crawler.Visit{
			Requests: []crawler.Request{{URL: "https://cdn.cookielaw.org/scripttemplates/otSDKStub.js", ResourceType: "Script"}},
			Cookies:  []crawler.Cookie{{Name: "OptanonConsent", Value: "isGpcEnabled=1&groups=C0001%3A1", Domain: ".example.com"}},
		}, want{"onetrust", false}},
		{"cookiebot", crawler.Visit{
			Requests: []crawler.Request{{URL: "https://consent.cookiebot.com/uc.js?cbid=0000", ResourceType: "Script"}},
			Globals:  map[string]string{"Cookiebot": "[object Object]"},
			Overlays: []crawler.Overlay{{Selector: "div#CybotCookiebotDialog", Text: "Diese Webseite verwendet Cookies", Buttons: []string{"Ablehnen", "Alle zulassen"}}},
		}, want{"cookiebot", true}},
		{"didomi", crawler.Visit{
			HTML:    `<div id="didomi-host"></div>`,
			Cookies: []crawler.Cookie{{Name: "didomi_token", Domain: ".example.com"}, {Name: "euconsent-v2", Domain: ".example.com"}},
		}, want{"didomi", false}},
		{"usercentrics shadow root", crawler.Visit{
			HTML:     `<div id="usercentrics-root"></div>`,
			Globals:  map[string]string{"UC_UI": "[object Object]"},
			Overlays: []crawler.Overlay{{Selector: "div#usercentrics-root"}},
		}, want{"usercentrics", true}},
		{"cookieyes", crawler.Visit{
			HTML:     `<div class="cky-consent-container cky-banner-bottom"><div class="cky-consent-bar"><p>We value your privacy</p><button class="cky-btn-accept">Accept All</button></div></div>`,
			Requests: []crawler.Request{{URL: "https://cdn-cookieyes.com/client_data/abc/script.js"}},
		}, want{"cookieyes", false}},
		{"complianz", crawler.Visit{
			Requests: []crawler.Request{{URL: "https://www.example.com/wp-content/plugins/complianz-gdpr/cookiebanner/js/complianz.min.js"}},
			Cookies:  []crawler.Cookie{{Name: "cmplz_banner-status", Domain: "www.example.com"}},
		}, want{"complianz", false}},
		{"trustarc", crawler.Visit{
			HTML:    `<div id="truste-consent-track"></div>`,
			Globals: map[string]string{"truste": "[object Object]"},
		}, want{"trustarc", false}},
		{"quantcast", crawler.Visit{
			HTML:     `<div id="qc-cmp2-container"><div id="qc-cmp2-ui"></div></div>`,
			Overlays: []crawler.Overlay{{Selector: "div#qc-cmp2-ui", Text: "Nous respectons votre vie privée", Buttons: []string{"J'ACCEPTE", "PLUS D'OPTIONS"}}},
		}, want{"quantcast", true}},
		{"borlabs", crawler.Visit{
			HTML:    `<div id="BorlabsCookieBox"></div>`,
			Cookies: []crawler.Cookie{{Name: "borlabs-cookie", Domain: "www.example.com"}},
		}, want{"borlabs", false}},
		{"hubspot banner", crawler.Visit{
			HTML:     `<div id="hs-eu-cookie-confirmation"><div id="hs-eu-cookie-confirmation-inner"><p>This website stores cookies on your computer.</p><a id="hs-eu-confirmation-button">Accept</a><a id="hs-eu-decline-button">Decline</a></div></div>`,
			Overlays: []crawler.Overlay{{Selector: "div#hs-eu-cookie-confirmation", Text: "This website stores cookies on your computer.", Buttons: []string{"Accept", "Decline"}}},
		}, want{"hubspot", true}},
		{"generic banner, Dutch", crawler.Visit{
			Overlays: []crawler.Overlay{{Selector: "div.banner", Text: "Wij gebruiken cookies om onze website te verbeteren.", Buttons: []string{"Accepteren", "Weigeren"}}},
		}, want{"", true}},
		{"generic banner, Polish", crawler.Visit{
			Overlays: []crawler.Overlay{{Selector: "div#cookies", Text: "Ta strona używa plików cookie. Wyrażasz zgodę?", Buttons: []string{"Akceptuję"}}},
		}, want{"", true}},
		{"generic banner, Swedish", crawler.Visit{
			Overlays: []crawler.Overlay{{Selector: "section.notice", Text: "Vi använder kakor för att förbättra webbplatsen.", Buttons: []string{"Godkänn alla", "Inställningar"}}},
		}, want{"", true}},
		{"footer that mentions cookies is not a banner", crawler.Visit{
			HTML:     `<footer>We use cookies. <a href="/cookies">Cookie policy</a> <a href="/privacy">Privacy</a></footer>`,
			Overlays: []crawler.Overlay{{Selector: "footer.sticky", Text: "We use cookies. Cookie policy · Privacy"}},
		}, want{"", false}},
		{"sticky header with privacy link and menu button is not a banner", crawler.Visit{
			Overlays: []crawler.Overlay{{Selector: "header.site", Text: "Home Products Privacy Contact", Buttons: []string{"Menu", "Settings"}}},
		}, want{"", false}},
		{"chat widget is not a banner", crawler.Visit{
			Overlays: []crawler.Overlay{{Selector: "div.chat", Text: "Hi! How can we help you?", Buttons: []string{"Start chat"}}},
		}, want{"", false}},
		{"generic CookieConsent cookie alone is not Cookiebot", crawler.Visit{
			Cookies: []crawler.Cookie{{Name: "CookieConsent", Domain: "www.example.com"}},
		}, want{"", false}},
		{"page text naming a CMP is nothing", crawler.Visit{
			HTML: `<p>Our consent banner is provided by OneTrust and Cookiebot.</p>`,
		}, want{"", false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := consent.Detect([]*crawler.Visit{visit(tt.visit)})
			g := want{Banner: got.Banner}
			if got.CMP != nil {
				g.CMP = *got.CMP
			}
			if diff := cmp.Diff(tt.want, g); diff != "" {
				t.Errorf("Detect() mismatch (-want +got):\n%s\nevidence: %+v", diff, got.Evidence)
			}
		})
	}
}
