package detectors_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/detectors"
	"github.com/privscan/privscan/report"
)

func sp(s string) *string { return &s }

func TestRun(t *testing.T) {
	set, err := detectors.New(detectors.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"gpc": true, "lastUpdate": "2025-04-15"}`))
	}))
	defer srv.Close()
	site := srv.URL + "/"
	visits := []*crawler.Visit{
		{Profile: crawler.Baseline, URL: site, FinalURL: site,
			Requests: []crawler.Request{
				{URL: site, ResourceType: "Document"},
				{URL: srv.URL + "/app.js", ResourceType: "Script"},
				{URL: "https://www.googletagmanager.com/gtag/js?id=G-97RE5L0TM9", ResourceType: "Script"},
				{URL: "https://region1.google-analytics.com/g/collect?v=2&tid=G-97RE5L0TM9&cid=1.2&en=page_view", ResourceType: "Ping"},
				{URL: "https://px.ads.linkedin.com/collect?v=2&fmt=js&pid=3412345", ResourceType: "Image",
					SetCookies: []crawler.SetCookie{{Line: "lidc=x; Domain=.linkedin.com; Path=/", Name: "lidc", Blocked: true}}},
				{URL: "https://www.youtube.com/embed/abc", ResourceType: "Document"},
				{URL: "https://i.ytimg.com/vi/abc/hq.jpg", ResourceType: "Image"},
			},
			Cookies:  []crawler.Cookie{{Name: "_ga", Domain: ".127.0.0.1"}, {Name: "session", Domain: "127.0.0.1"}},
			HTML:     `<div id="onetrust-banner-sdk"></div>`,
			Overlays: []crawler.Overlay{{Selector: "div#onetrust-banner-sdk", Text: "We use cookies", Buttons: []string{"Accept"}}},
		},
	}
	res := set.Run(t.Context(), site, visits, srv.Client())
	var vendors []string
	for _, tr := range res.Trackers {
		vendors = append(vendors, tr.Vendor)
	}
	if diff := cmp.Diff([]string{"google-analytics", "linkedin"}, vendors); diff != "" {
		t.Errorf("trackers (-want +got):\n%s", diff)
	}
	wantTP := []report.ThirdParty{
		{Domain: "google-analytics.com", Requests: 1, Vendor: sp("google-analytics"), Profiles: []string{"baseline"},
			Entity: sp("Google Analytics"), Company: sp("Google"), Category: sp("analytics")},
		{Domain: "googletagmanager.com", Requests: 1, Vendor: sp("google-analytics"), Profiles: []string{"baseline"},
			Entity: sp("Google Tag Manager"), Company: sp("Google"), Category: sp("tag-manager")},
		// The table names www.linkedin.com "LinkedIn Ads"; the vendor is
		// what the rules matched.
		{Domain: "linkedin.com", Requests: 1, SetCookies: true, Vendor: sp("linkedin"), Profiles: []string{"baseline"},
			Entity: sp("LinkedIn Ads"), Company: sp("LinkedIn Ads"), Category: sp("ad")},
		{Domain: "youtube.com", Requests: 1, Vendor: sp("youtube"), Profiles: []string{"baseline"},
			Entity: sp("YouTube"), Company: sp("YouTube"), Category: sp("video")},
		{Domain: "ytimg.com", Requests: 1, Vendor: sp("youtube"), Profiles: []string{"baseline"},
			Entity: sp("YouTube"), Company: sp("YouTube"), Category: sp("video")},
	}
	if diff := cmp.Diff(wantTP, res.ThirdParties); diff != "" {
		t.Errorf("third parties (-want +got):\n%s", diff)
	}
	if res.Consent.CMP == nil || *res.Consent.CMP != "onetrust" || !res.Consent.Banner {
		t.Errorf("consent = %+v", res.Consent)
	}
	if g := res.Signals.GPCJSON; g == nil || !g.Valid || g.GPC == nil || !*g.GPC {
		t.Errorf("gpc.json = %+v", g)
	}
	ga := res.Cookies[detectors.CookieKey{Name: "_ga", Domain: ".127.0.0.1"}]
	if ga.Vendor == nil || *ga.Vendor != "google-analytics" || ga.Category != "analytics" {
		t.Errorf("_ga class = %+v", ga)
	}
	if c := res.Cookies[detectors.CookieKey{Name: "session", Domain: "127.0.0.1"}]; c.Vendor != nil || c.Category != "unknown" {
		t.Errorf("session class = %+v", c)
	}
	if c := res.Cookies[detectors.CookieKey{Name: "lidc", Domain: ".linkedin.com"}]; c.Vendor == nil || *c.Vendor != "linkedin" {
		t.Errorf("lidc class = %+v", c)
	}
	var rc report.Cookie
	detectors.Apply(&rc, ga)
	if rc.Category != "analytics" || rc.Vendor == nil {
		t.Errorf("Apply: %+v", rc)
	}
}

// corpus generates a deterministic, realistic crawl: pages of ~50 requests
// each, mixing the seven vendors' URLs with first-party assets and many
// non-tracker third parties, plus cookies.
func corpus(pages int) []*crawler.Visit {
	rng := rand.New(rand.NewPCG(1, 2))
	trackers := []string{
		"https://www.googletagmanager.com/gtag/js?id=G-97RE5L0TM9",
		"https://region1.google-analytics.com/g/collect?v=2&tid=G-97RE5L0TM9&gtm=45je5ca1v9&_p=%d&cid=1.2&en=page_view&dl=https%%3A%%2F%%2Fwww.example.com%%2F",
		"https://www.google-analytics.com/collect?v=1&_v=j101&t=pageview&tid=UA-91043834-1&cid=1.%d",
		"https://www.googletagmanager.com/gtm.js?id=GTM-T47TZW",
		"https://js.hs-scripts.com/4067153.js",
		"https://js.hs-analytics.net/analytics/1706156400000/4067153.js",
		"https://track.hubspot.com/__ptq.gif?v=1.1&a=4067153&pi=%d&ct=standard-page",
		"https://snap.licdn.com/li.lms-analytics/insight.min.js",
		"https://px.ads.linkedin.com/collect?v=2&fmt=js&pid=3412345&time=%d",
		"https://connect.facebook.net/en_US/fbevents.js",
		"https://connect.facebook.net/signals/config/1673876842863185?v=2.9.326&r=stable",
		"https://www.facebook.com/tr/?id=1673876842863185&ev=PageView&ts=%d",
		"https://cdn.leadinfo.net/ping.js",
		"https://collector4.leadinfo.net/com.snowplowanalytics.snowplow/tp2",
		"https://www.google.com/recaptcha/api.js?render=6Lc1q8AgAAAAAAFB-Yy-kg9nPTA4GkbxMKHGhA4G",
		"https://www.google.com/recaptcha/api2/anchor?ar=1&k=6Lc1q8AgAAAAAAFB-Yy-kg9nPTA4GkbxMKHGhA4G&size=invisible&cb=%d",
		"https://www.gstatic.com/recaptcha/releases/PoyoqOPhxBO7pBk68S4YbpHZ/recaptcha__en.js",
	}
	others := []string{
		"https://www.example.com/assets/app.%d.js", "https://www.example.com/assets/style.%d.css",
		"https://www.example.com/img/hero-%d.webp", "https://www.example.com/api/products?page=%d",
		"https://fonts.googleapis.com/css2?family=Inter:wght@%d", "https://fonts.gstatic.com/s/inter/v13/font-%d.woff2",
		"https://cdn.jsdelivr.net/npm/swiper@11/swiper-bundle.min.js?%d", "https://cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/jquery.min.js?%d",
		"https://www.youtube.com/embed/vid%d", "https://i.ytimg.com/vi/vid%d/hqdefault.jpg",
		"https://maps.googleapis.com/maps/api/js?key=AIza%d", "https://www.google.com/maps/embed?pb=%d",
		"https://images.ctfassets.net/space/asset-%d.png", "https://static.hotjar.com/c/hotjar-%d.js",
		"https://browser.sentry-cdn.com/7.0.0/bundle-%d.min.js", "https://cdn.shopify.com/s/files/1/%d/x.js",
		"https://use.typekit.net/abc%d.css", "https://player.vimeo.com/video/%d", "https://api.example.net/v1/items/%d",
		"https://s3.eu-west-1.amazonaws.com/bucket/file-%d.pdf", "https://www.gstatic.com/images/icons/%d.png",
	}
	cookieNames := []string{"_ga", "_ga_97RE5L0TM9", "_gid", "__hstc", "hubspotutk", "__hssc", "_fbp", "li_fat_id",
		"_li_id.3f2a", "session", "PHPSESSID", "_hjSessionUser_1", "cart", "lang", "_gali", "CookieConsent"}
	profiles := []crawler.Profile{crawler.Baseline, crawler.GPC, crawler.DNT}
	var visits []*crawler.Visit
	for p := range pages {
		v := &crawler.Visit{Profile: profiles[p%3], URL: fmt.Sprintf("https://www.example.com/page/%d", p)}
		v.FinalURL = v.URL
		for range 50 {
			var u string
			if rng.IntN(100) < 30 {
				u = trackers[rng.IntN(len(trackers))]
			} else {
				u = others[rng.IntN(len(others))]
			}
			if strings.Contains(u, "%d") {
				u = fmt.Sprintf(u, rng.IntN(100000))
			}
			typ := "XHR"
			if strings.HasSuffix(strings.Split(u, "?")[0], ".js") || strings.Contains(u, "/gtag/js") || strings.Contains(u, "gtm.js") {
				typ = "Script"
			}
			v.Requests = append(v.Requests, crawler.Request{URL: u, ResourceType: typ, Status: 200})
		}
		for i := range 10 {
			n := cookieNames[(p+i)%len(cookieNames)]
			v.Cookies = append(v.Cookies, crawler.Cookie{Name: n, Domain: ".example.com", Path: "/"})
		}
		v.Cookies = append(v.Cookies, crawler.Cookie{Name: "bcookie", Domain: ".linkedin.com"})
		visits = append(visits, v)
	}
	return visits
}

// BenchmarkClassify measures the per-request and per-page cost of tracker
// detection, third-party attribution and cookie classification over a
// generated crawl of 10,000 requests (200 pages × 50 requests).
func BenchmarkClassify(b *testing.B) {
	set, err := detectors.New(detectors.Options{})
	if err != nil {
		b.Fatal(err)
	}
	visits := corpus(200)
	requests := 0
	for _, v := range visits {
		requests += len(v.Requests)
	}
	site := "https://www.example.com/"
	b.ResetTimer()
	for b.Loop() {
		x := set.Catalogue.NewClassifier()
		ts := x.Detect(site, visits, nil)
		detectors.ThirdPartiesWith(site, visits, x)
		for _, v := range visits {
			for _, c := range v.Cookies {
				set.Cookies.Classify(c.Name, c.Domain)
			}
		}
		// The seven original vendors plus Google Fonts, Maps, Hotjar and
		// Vimeo among the "others" (the corpus's YouTube IDs are not real
		// video IDs).
		if len(ts) != 11 {
			b.Fatalf("got %d trackers, want 11", len(ts))
		}
	}
	perRun := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(perRun/float64(requests), "ns/request")
	b.ReportMetric(perRun/float64(len(visits)), "ns/page")
}
