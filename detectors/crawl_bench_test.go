package detectors_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/detectors"
)

// crawlURLs are the URL shapes of one realistic crawl: first-party assets,
// the deep vendors' tags and beacons (the same scripts on every page, the
// beacons with a per-page query), and third parties from the entity table.
var crawlURLs = []string{
	"https://www.googletagmanager.com/gtm.js?id=GTM-T47TZW",
	"https://www.googletagmanager.com/gtag/js?id=G-97RE5L0TM9",
	"https://www.googletagmanager.com/gtag/js?id=AW-123456789",
	"https://region1.google-analytics.com/g/collect?v=2&tid=G-97RE5L0TM9&_p=%d&cid=1.2&en=page_view",
	"https://googleads.g.doubleclick.net/pagead/viewthroughconversion/123456789/?random=%d&cv=11",
	"https://www.google.com/pagead/1p-user-list/123456789/?random=%d",
	"https://8765432.fls.doubleclick.net/activityi;src=8765432;type=invmedia;cat=homep0;ord=%d?",
	"https://connect.facebook.net/en_US/fbevents.js",
	"https://www.facebook.com/tr/?id=1673876842863185&ev=PageView&ts=%d",
	"https://snap.licdn.com/li.lms-analytics/insight.min.js",
	"https://px.ads.linkedin.com/collect?v=2&fmt=js&pid=3412345&time=%d",
	"https://js.hs-scripts.com/4067153.js",
	"https://track.hubspot.com/__ptq.gif?v=1.1&a=4067153&pi=%d",
	"https://analytics.tiktok.com/i18n/pixel/events.js?sdkid=CABCDE1234567890ABCD&lib=ttq",
	"https://analytics.tiktok.com/api/v2/pixel",
	"https://www.clarity.ms/tag/k8mq2x7rzp",
	"https://k.clarity.ms/collect",
	"https://bat.bing.com/bat.js",
	"https://bat.bing.com/action/0?ti=187012345&Ver=2&evt=pageLoad&rn=%d",
	"https://s.pinimg.com/ct/core.js",
	"https://ct.pinterest.com/v3/?event=init&tid=2612345678901&cb=%d",
	"https://static.hotjar.com/c/hotjar-3456789.js?sv=6",
	"https://in.hotjar.com/api/v2/client/sites/3456789/visit-data?sv=7&r=%d",
	"https://analytics.example.com/matomo.php?idsite=3&rec=1&r=%d",
	"https://static.ads-twitter.com/uwt.js",
	"https://t.co/i/adsct?txn_id=o8z7x&type=javascript&r=%d",
	"https://www.youtube.com/embed/dQw4w9WgXcQ",
	"https://www.google.com/maps/embed?pb=!1m18!1m12",
	"https://fonts.googleapis.com/css2?family=Inter:wght@400;700&display=swap",
	"https://fonts.gstatic.com/s/inter/v13/font-%d.woff2",
	"https://static.criteo.net/js/ld/ld.js",
	"https://sslwidget.criteo.com/event?a=12345&v=5.23.0&r=%d",
	"https://cdn.segment.com/analytics.js/v1/AbCdEfGhIjKlMnOpQrStUv0123456789/analytics.min.js",
	"https://api.segment.io/v1/p",
	"https://widget.intercom.io/widget/abc12def",
	"https://www.example.com/assets/app.%d.js", "https://www.example.com/assets/style.%d.css",
	"https://www.example.com/img/hero-%d.webp", "https://www.example.com/api/products?page=%d",
	"https://cdn.jsdelivr.net/npm/swiper@11/swiper-bundle.min.js", "https://images.ctfassets.net/space/asset-%d.png",
}

// crawl builds one crawl: pages × 3 profiles visits of ~80 requests each,
// a third of them to hosts drawn from the entity table.
func crawl(tb testing.TB, pages int) []*crawler.Visit {
	b, err := os.ReadFile("catalogue/data/third-party-web/entities.json")
	if err != nil {
		tb.Fatal(err)
	}
	var ents []struct {
		Domains []string `json:"domains"`
	}
	if err := json.Unmarshal(b, &ents); err != nil {
		tb.Fatal(err)
	}
	var hosts []string
	for i, e := range ents {
		if i%7 == 0 {
			for _, d := range e.Domains {
				hosts = append(hosts, strings.Replace(d, "*.", "cdn.", 1))
			}
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	profiles := []crawler.Profile{crawler.Baseline, crawler.GPC, crawler.DNT}
	var visits []*crawler.Visit
	for p := range pages {
		// Each page has its own third parties; every profile repeats them.
		var reqs []crawler.Request
		for range 55 {
			u := crawlURLs[rng.IntN(len(crawlURLs))]
			if strings.Contains(u, "%d") {
				u = fmt.Sprintf(u, rng.IntN(100000))
			}
			typ := "XHR"
			if strings.HasSuffix(strings.Split(u, "?")[0], ".js") || strings.Contains(u, "/gtag/js") || strings.Contains(u, "gtm.js") {
				typ = "Script"
			}
			reqs = append(reqs, crawler.Request{URL: u, ResourceType: typ, Status: 200})
		}
		for range 25 {
			reqs = append(reqs, crawler.Request{URL: fmt.Sprintf("https://%s/t.js?p=%d", hosts[rng.IntN(len(hosts))], rng.IntN(1000)),
				ResourceType: "Script", Status: 200})
		}
		for _, prof := range profiles {
			v := &crawler.Visit{Profile: prof, URL: fmt.Sprintf("https://www.example.com/page/%d", p), Requests: reqs}
			v.FinalURL = v.URL
			visits = append(visits, v)
		}
	}
	return visits
}

// BenchmarkClassifyCrawl classifies one crawl (25 pages × 3 profiles, 6,000
// requests) against every catalogue rule and the entity table's 3,000+ host
// patterns: tracker detection plus the third-party list. "shared" matches
// each distinct URL once for both; "separate" lets each make its own
// matches, as before the classifier.
func BenchmarkClassifyCrawl(b *testing.B) {
	set, err := detectors.New(detectors.Options{})
	if err != nil {
		b.Fatal(err)
	}
	visits := crawl(b, 25)
	site := "https://www.example.com/"
	b.Run("separate", func(b *testing.B) {
		for b.Loop() {
			set.Catalogue.Detect(site, visits)
			detectors.ThirdParties(site, visits, set.Catalogue)
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/crawl")
	})
	b.Run("shared", func(b *testing.B) {
		for b.Loop() {
			x := set.Catalogue.NewClassifier()
			x.Detect(site, visits, nil)
			detectors.ThirdPartiesWith(site, visits, x)
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/crawl")
	})
}
