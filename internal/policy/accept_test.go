package policy

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
)

// realPolicy is a short policy in the shape real ones take.
const realPolicy = `<html lang="en"><head><title>Privacy Policy | Example</title></head><body><main>
<h1>Privacy Policy</h1>
<p>This policy explains how Example Ltd, the controller, collects and processes personal data when you visit our website.</p>
<h2>Cookies and analytics</h2>
<p>We use cookies and Google Analytics to measure how the site is used. You can withdraw your consent at any time.</p>
<h2>Your rights</h2>
<p>You have the right to access, correct and erase your personal data. We retain data for no longer than 26 months.</p>
</main></body></html>`

func TestCheck(t *testing.T) {
	tests := []struct {
		name, body, final string
		status            int
		want              string // substring of the reason; "" = accepted
	}{
		{"policy", realPolicy, "https://www.example.com/privacy", 200, ""},
		{"policy from a file", realPolicy, "file:///tmp/p.html", 0, ""},
		{"chrome error page", `<html><head><title>www.gone.test</title></head><body><h1>This site can’t be reached</h1>
<p>Check if there is a typo in www.gone.test. DNS_PROBE_FINISHED_NXDOMAIN</p></body></html>`, "chrome-error://chromewebdata/", 200, "browser showed its own error page"},
		{"404", realPolicy, "https://www.example.com/privacy", 404, "HTTP status 404"},
		{"redirect stub", `<html><head><title>Redirecting...</title><meta http-equiv="refresh" content="0; url=https://legal.gone.test/"></head>
<body><p>Redirecting to <a href="https://legal.gone.test/">https://legal.gone.test/</a></p></body></html>`, "https://www.example.com/privacy/", 200, "redirect stub"},
		{"german redirect stub", `<html><head><title>Weiterleitung</title></head><body><p>Sie werden weitergeleitet.</p></body></html>`,
			"https://www.example.de/datenschutz", 200, "redirect stub"},
		{"soft 404", `<html><head><title>Page not found – Example</title></head><body><main><h1>Oops! That page can’t be found.</h1>
<p>It looks like nothing was found at this location. Maybe try a search? Read our privacy policy or cookie policy.</p></main></body></html>`,
			"https://www.example.com/privacy-notice/", 200, "soft 404"},
		{"dutch soft 404", `<html><head><title>Pagina niet gevonden</title></head><body><h1>Pagina niet gevonden</h1><p>Deze pagina bestaat niet.</p></body></html>`,
			"https://www.example.nl/privacy", 200, "soft 404"},
		{"error page with 200", `<html><head><title>Something went wrong</title></head><body><h1>Something went wrong</h1>
<p>We could not load this page. Please try again later.</p></body></html>`, "https://www.example.com/legal/privacy", 200, "error page"},
		{"not a policy", `<html><head><title>About us</title></head><body><main><h1>About us</h1><p>We make the finest bicycles in the
country, hand built in our workshop since 1982. Visit our showroom to try one.</p></main></body></html>`, "https://www.example.com/about", 200, "no policy-like content"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Extract([]byte(tt.body), "text/html", tt.final)
			if err != nil {
				t.Fatal(err)
			}
			got := Check(doc, tt.final, tt.status)
			if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
				t.Errorf("Check = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMetaRefresh(t *testing.T) {
	tests := []struct{ html, want string }{
		{`<meta http-equiv="refresh" content="0; url=https://legal.gone.test/privacy">`, "https://legal.gone.test/privacy"},
		{`<META HTTP-EQUIV="Refresh" CONTENT="5;URL='/privacy-policy/'">`, "https://www.example.com/privacy-policy/"},
		{`<meta content="0;url=policy.html" http-equiv="refresh">`, "https://www.example.com/legal/policy.html"},
		{`<meta http-equiv=refresh content=0;url=/p>`, "https://www.example.com/p"},
		{`<meta http-equiv="refresh" content="30">`, ""}, // a reload
		{`<meta name="description" content="0; url=/x">`, ""},
		{`<html><body><p>&lt;meta http-equiv="refresh"&gt;</p></body></html>`, ""},
	}
	for _, tt := range tests {
		got, ok := MetaRefresh(tt.html, "https://www.example.com/legal/x")
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("MetaRefresh(%s) = %q %v, want %q", tt.html, got, ok, tt.want)
		}
	}
}

// TestReadURLFollowsAndRejects checks the static reader: a meta refresh is
// followed, a refresh to a host that does not resolve, a stub, a soft 404
// and an error status are rejected with a reason and the status.
func TestReadURLFollowsAndRejects(t *testing.T) {
	mux := http.NewServeMux()
	page := func(status int, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(status)
			fmt.Fprint(w, body)
		}
	}
	mux.HandleFunc("/policy", page(200, realPolicy))
	mux.HandleFunc("/privacy/", page(200, `<html><head><title>Redirecting...</title><meta http-equiv="refresh" content="0; url=/policy"></head><body>Redirecting…</body></html>`))
	mux.HandleFunc("/gone/", page(200, `<html><head><title>Redirecting...</title><meta http-equiv="refresh" content="0; url=https://legal.gone.invalid/privacy"></head><body>Redirecting…</body></html>`))
	mux.HandleFunc("/soft404", page(200, `<html><head><title>Page not found</title></head><body><h1>Page not found</h1></body></html>`))
	mux.HandleFunc("/broken", page(500, `<html><head><title>Internal Server Error</title></head><body>oops</body></html>`))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	f := HTTPFetcher{Client: srv.Client()}

	a, rec, err := ReadURL(t.Context(), f, srv.URL+"/privacy/", DocPrivacy, nil)
	if err != nil || a == nil || !rec.Used || rec.FinalURL != srv.URL+"/policy" || rec.Status != 200 {
		t.Fatalf("refresh: err %v rec %+v", err, rec)
	}
	for _, tt := range []struct {
		path, why string
		status    int
	}{
		{"/gone/", "meta refresh redirect failed", 0},
		{"/soft404", "soft 404", 200},
		{"/broken", "HTTP status 500", 500},
	} {
		a, rec, err := ReadURL(t.Context(), f, srv.URL+tt.path, DocPrivacy, nil)
		if a != nil || err == nil || rec.Used || !strings.Contains(rec.Why, tt.why) || rec.Status != tt.status {
			t.Errorf("%s: analysis %v err %v rec %+v, want why %q", tt.path, a != nil, err, rec, tt.why)
		}
	}
	a, err = AnalyzeURL(t.Context(), f, srv.URL+"/soft404", nil)
	if !errors.Is(err, ErrNotPolicy) || a.Found || len(a.Documents) != 1 || !strings.Contains(a.Error, srv.URL+"/soft404") {
		t.Errorf("AnalyzeURL soft 404: err %v analysis %+v", err, a)
	}
}

func TestSiteLocale(t *testing.T) {
	tests := []struct {
		home, html, lang, region string
		assumed                  bool
	}{
		{"https://www.example.com/", `<html lang="en-US"><head></head><body>`, "en", "us", false},
		{"https://www.example.com/", `<html lang="en-AU"><head></head><body>`, "en", "au", false},
		{"https://www.example.com/", `<html lang="en"><head><link rel="alternate" hreflang="en-gb" href="https://www.example.com/"><link rel="alternate" hreflang="en-au" href="https://www.example.com/au/"></head><body>`, "en", "gb", false},
		{"https://www.example.com/", `<html lang="en"><head></head><body>`, "en", "us", true},
		{"https://www.example.de/", `<html lang="de"><head></head><body>`, "de", "de", false},
		{"https://www.example.co.uk/", `<html lang="en"><head></head><body>`, "en", "gb", false},
		{"https://www.example.io/", `<html lang="nl"><head></head><body>`, "nl", "", false},
		{"https://www.example.test/", `<html lang="en"><head></head><body>`, "en", "", false},
	}
	for _, tt := range tests {
		u, _ := url.Parse(tt.home)
		got := SiteLocale(u, tt.html)
		if got.Lang != tt.lang || got.Region != tt.region || got.Assumed != tt.assumed {
			t.Errorf("SiteLocale(%s, %s) = %+v, want %s %s assumed %v", tt.home, tt.html, got, tt.lang, tt.region, tt.assumed)
		}
	}
}

// TestPreferLocale: five regional statements tied at the same score; the
// site's region wins, then the general policy; a state supplement never
// replaces the main policy.
func TestPreferLocale(t *testing.T) {
	regional := []Link{
		{URL: "/legal/privacy-statement-au", Text: "Privacy Statement", InFooter: true},
		{URL: "/legal/privacy-statement-ca", Text: "Privacy Statement", InFooter: true},
		{URL: "/legal/privacy-statement-eu", Text: "Privacy Statement", InFooter: true},
		{URL: "/legal/privacy-statement-uk", Text: "Privacy Statement", InFooter: true},
		{URL: "/legal/privacy-statement-us", Text: "Privacy Statement", InFooter: true},
	}
	tests := []struct {
		name, home, html string
		links            []Link
		want             string
	}{
		{"us site", "https://www.example.com/", `<html lang="en-US">`, regional, "/legal/privacy-statement-us"},
		{"us assumed", "https://www.example.com/", `<html lang="en">`, regional, "/legal/privacy-statement-us"},
		{"au site", "https://www.example.com.au/", `<html lang="en">`, regional, "/legal/privacy-statement-au"},
		{"german site reads the EU one", "https://www.example.de/", `<html lang="de">`, regional, "/legal/privacy-statement-eu"},
		{"general beats assumed", "https://www.example.com/", `<html lang="en">`,
			append([]Link{{URL: "/privacy", Text: "Privacy Statement", InFooter: true}}, regional...), "/privacy"},
		{"general beats a supplement", "https://www.example.com/", `<html lang="en-US">`, []Link{
			{URL: "/california-privacy-notice", Text: "California Privacy Notice", InFooter: true},
			{URL: "/privacy", Text: "Privacy Notice", InFooter: true}}, "/privacy"},
		{"german site reads the German policy", "https://www.example.ch/", `<html lang="de-CH">`, []Link{
			{URL: "/en/privacy-policy", Text: "Privacy Policy", InFooter: true},
			{URL: "/de/datenschutz", Text: "Datenschutz", InFooter: true}}, "/de/datenschutz"},
		{"english site reads the English policy", "https://www.example.com/", `<html lang="en">`, []Link{
			{URL: "/de/datenschutzerklaerung", Text: "Datenschutzerklärung", InFooter: true},
			{URL: "/privacy-notice", Text: "Privacy Notice", InFooter: true}}, "/privacy-notice"},
		{"text names the region", "https://www.example.com/", `<html lang="en-GB">`, []Link{
			{URL: "/p/1", Text: "Privacy Policy (Australia)", InFooter: true},
			{URL: "/p/2", Text: "Privacy Policy (UK)", InFooter: true}}, "/p/2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, _ := url.Parse(tt.home)
			got := PreferLocale(FindCandidates(base, tt.links), SiteLocale(base, tt.html), nil)
			want, _ := base.Parse(tt.want)
			if got[0].URL != want.String() {
				for _, c := range got {
					t.Logf("%d %s %s", c.Score, c.URL, c.Reason)
				}
				t.Errorf("best = %s, want %s", got[0].URL, want)
			}
		})
	}
}

func TestUSNexus(t *testing.T) {
	tests := []struct{ text, want string }{
		{"Residents of California may request a list of third parties.", `"California"`},
		{"Harbor Inc., 500 Market Street, San Francisco, CA 94105.", `"CA 94105"`},
		{"Under the CCPA you may opt out of the sale of personal information.", `"CCPA"`},
		{"Wir verarbeiten Ihre Daten gemäß DSGVO. Musterstraße 1, 20095 Hamburg.", ""},
		{"Wij verwerken persoonsgegevens volgens de AVG. Kerkstraat 1, 1017 GB Amsterdam.", ""},
		{"We use cookies to measure the use of our website.", ""},
	}
	for _, tt := range tests {
		doc, err := Extract([]byte(tt.text), "text/plain", "file:///p.txt")
		if err != nil {
			t.Fatal(err)
		}
		got := USNexus(doc)
		if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
			t.Errorf("USNexus(%q) = %q, want %s", tt.text, got, tt.want)
		}
	}
}

// TestCheckAcceptsSeeds: every seed policy (real policies, text and HTML
// fixtures' sources) reads as a policy.
func TestCheckAcceptsSeeds(t *testing.T) {
	for _, path := range seedFiles(t) {
		body, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := Extract(body, "text/plain; charset=utf-8", "file:///seeds/x.txt")
		if err != nil {
			t.Fatal(err)
		}
		if why := Check(doc, doc.URL, 200); why != "" {
			t.Errorf("%s rejected: %s", path, why)
		}
	}
}

func TestEmbeddedPolicy(t *testing.T) {
	tests := []struct{ page, want string }{
		{`<h1>Privacy</h1><iframe src="https://app.policyhost.example/embed/policy/abc123" width="100%"></iframe>`, "https://app.policyhost.example/embed/policy/abc123"},
		{`<iframe title="Privacy notice" src='/embed/n.html'></iframe>`, "https://www.example.com/embed/n.html"},
		{`<iframe src="https://www.youtube-nocookie.com/embed/xyz"></iframe>`, ""},
		{`<iframe src="javascript:void(0)" title="privacy"></iframe>`, ""},
		{`<p>no frames</p>`, ""},
	}
	for _, tt := range tests {
		got, ok := EmbeddedPolicy(tt.page, "https://www.example.com/legal/privacy")
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("EmbeddedPolicy(%s) = %q %v, want %q", tt.page, got, ok, tt.want)
		}
	}
}
