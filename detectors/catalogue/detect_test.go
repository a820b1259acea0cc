package catalogue_test

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/detectors/catalogue"
	"github.com/privscan/privscan/report"
)

const site = "https://www.example.com/"

// got is the part of a tracker the detection table compares.
type got struct {
	Vendor   string
	IDs      []string
	Profiles []string
}

func project(ts []report.Tracker) []got {
	out := []got{}
	for _, t := range ts {
		out = append(out, got{t.Vendor, t.IDs, t.Profiles})
	}
	return out
}

func script(u string) crawler.Request {
	return crawler.Request{URL: u, ResourceType: "Script", Status: 200}
}
func req(u, typ string) crawler.Request {
	return crawler.Request{URL: u, ResourceType: typ, Status: 200}
}
func jar(name, domain string) crawler.Cookie {
	return crawler.Cookie{Name: name, Domain: domain, Path: "/"}
}

func page(profile crawler.Profile, url string, v crawler.Visit) *crawler.Visit {
	v.Profile, v.URL, v.FinalURL, v.Status = profile, url, url, 200
	return &v
}

// negatives is a page full of look-alikes that are not trackers.
func negatives(profile crawler.Profile) *crawler.Visit {
	return page(profile, site+"contact", crawler.Visit{
		Requests: []crawler.Request{
			req(site+"contact", "Document"),
			script(site + "js/analytics.js"),                                     // self-hosted, another product
			script("https://cdn.segment.com/analytics.js/v1/k/analytics.min.js"), // not GA
			req("https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg", "Image"),     // a thumbnail, no player
			req("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "Document"),       // a link followed, not an embed
			script(site + "js/my-matomo.js"),                                     // a file named like a tracker
			req("https://www.google.com/maps/place/Berlin", "Document"),          // a Maps page, not an embed
			script(site + "fonts/inter.css"),                                     // self-hosted fonts
			req("https://static.licdn.com/aero-v1/sc/h/logo.svg", "Image"),
			req("https://www.google.com/search?q=recaptcha", "XHR"),
		},
		Cookies: []crawler.Cookie{
			jar("_gali", ".example.com"),              // a _ga-like name
			jar("_galaxy_session", "www.example.com"), // another vendor's _ga-like name
			jar("_li_ss", ".example.com"),             // LiveIntent, not Leadinfo
			jar("fr", "www.example.fr"),               // not on facebook.com
			jar("bcookie", ".example.com"),            // not on linkedin.com
			jar("_GRECAPTCHA", "www.example.com"),     // not on google.com
			jar("session", "www.example.com"),
		},
		Globals: map[string]string{"dataLayer": `[{"event":"gtm.js"}]`, "ga": "function"},
		HTML: `<html><head>
<script src="/js/analytics.js"></script>
<script>var hsNote = "We use HubSpot to send newsletters";</script>
</head><body>
<p>We use HubSpot, Leadinfo, LinkedIn Insight Tag and the Meta Pixel. See our <a href="https://www.facebook.com/acme">Facebook page</a>
and <a href="https://www.linkedin.com/company/acme">LinkedIn</a>.</p>
<a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">Our video</a> <a href="https://www.google.com/maps/place/Berlin">Directions</a>
<link rel="stylesheet" href="/fonts/inter.css">
<div class="recaptcha-note">This form is protected against spam.</div>
<footer>Cookies help us deliver our services. <a href="/privacy">Privacy policy</a></footer>
</body></html>`,
	})
}

func TestDetect(t *testing.T) {
	c, err := catalogue.Load()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		visits []*crawler.Visit
		want   []got
	}{
		{
			name:   "negatives only",
			visits: []*crawler.Visit{negatives(crawler.Baseline), negatives(crawler.GPC)},
			want:   []got{},
		},
		{
			name: "GA4 via gtag.js with cookies",
			visits: []*crawler.Visit{
				page(crawler.Baseline, site, crawler.Visit{
					Requests: []crawler.Request{
						script("https://www.googletagmanager.com/gtag/js?id=G-97RE5L0TM9"),
						req("https://region1.google-analytics.com/g/collect?v=2&tid=G-97RE5L0TM9&gtm=45je5ca1v9&_p=1&cid=1.2&en=page_view", "Ping"),
					},
					Cookies: []crawler.Cookie{jar("_ga", ".example.com"), jar("_ga_97RE5L0TM9", ".example.com")},
				}),
				page(crawler.DNT, site, crawler.Visit{
					CookieWrites: []crawler.CookieWrite{{Raw: "_ga=GA1.1.1.2; path=/; domain=example.com; max-age=63072000", Name: "_ga",
						Script: "https://www.googletagmanager.com/gtag/js?id=G-97RE5L0TM9"}},
				}),
				negatives(crawler.GPC),
			},
			want: []got{{"google-analytics", []string{"G-97RE5L0TM9"}, []string{"baseline", "dnt"}}},
		},
		{
			name: "Google tag GT- alone is not Google Analytics",
			visits: []*crawler.Visit{page(crawler.Baseline, site, crawler.Visit{
				Requests: []crawler.Request{script("https://www.googletagmanager.com/gtag/js?id=GT-KFHTZ9Q")},
				Globals:  map[string]string{"dataLayer": "[]", "gtag": "function"},
				HTML:     `<script async src="https://www.googletagmanager.com/gtag/js?id=GT-KFHTZ9Q"></script><script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);} gtag('js', new Date()); gtag('config', 'GT-KFHTZ9Q');</script>`,
			})},
			want: []got{{"google-tag-manager", []string{"GT-KFHTZ9Q"}, []string{"baseline"}}},
		},
		{
			name: "Google tag GT- with a /g/collect hit is Google Analytics too",
			visits: []*crawler.Visit{page(crawler.GPC, site, crawler.Visit{
				Requests: []crawler.Request{
					script("https://www.googletagmanager.com/gtag/js?id=GT-KFHTZ9Q"),
					req("https://www.google-analytics.com/g/collect?v=2&tid=G-V4WZGN7VET&gtm=45je&cid=1.2&en=page_view", "Ping"),
				},
			})},
			want: []got{
				{"google-analytics", []string{"G-V4WZGN7VET"}, []string{"gpc"}},
				{"google-tag-manager", []string{"GT-KFHTZ9Q"}, []string{"gpc"}},
			},
		},
		{
			name: "server-side GA4 on a first-party host",
			visits: []*crawler.Visit{page(crawler.Baseline, site, crawler.Visit{
				Requests: []crawler.Request{
					script("https://metrics.example.com/gtag/js?id=G-5EZH1VMLV6"),
					req("https://metrics.example.com/g/collect?v=2&tid=G-5EZH1VMLV6&cid=1.2&en=page_view", "Ping"),
				},
			})},
			want: []got{{"google-analytics", []string{"G-5EZH1VMLV6"}, []string{"baseline"}}},
		},
		{
			name: "Universal Analytics",
			visits: []*crawler.Visit{page(crawler.Baseline, site, crawler.Visit{
				Requests: []crawler.Request{
					script("https://www.google-analytics.com/analytics.js"),
					req("https://www.google-analytics.com/collect?v=1&_v=j101&t=pageview&tid=UA-91043834-1&cid=1.2", "Image"),
				},
				Cookies: []crawler.Cookie{jar("_gid", ".example.com"), jar("_gat_gtag_UA_91043834_1", ".example.com")},
				HTML:    `<script>ga('create', 'UA-91043834-1', 'auto'); ga('send', 'pageview');</script>`,
			})},
			want: []got{{"google-analytics", []string{"UA-91043834-1"}, []string{"baseline"}}},
		},
		{
			name: "GTM container with noscript frame; dataLayer alone is not GTM",
			visits: []*crawler.Visit{
				page(crawler.Baseline, site, crawler.Visit{
					Requests: []crawler.Request{script("https://www.googletagmanager.com/gtm.js?id=GTM-T47TZW")},
					Globals:  map[string]string{"dataLayer": "[]", "google_tag_manager": `{"GTM-T47TZW":{}}`},
					HTML:     `<body><noscript><iframe src="https://www.googletagmanager.com/ns.html?id=GTM-T47TZW" height="0" width="0" style="display:none;visibility:hidden"></iframe></noscript></body>`,
				}),
				page(crawler.GPC, site, crawler.Visit{Globals: map[string]string{"dataLayer": "[]"}}),
			},
			want: []got{{"google-tag-manager", []string{"GTM-T47TZW"}, []string{"baseline"}}},
		},
		{
			// Google Ads (AW-), Fonts, Maps and YouTube are their own vendors,
			// never Google Analytics.
			name: "Google products other than Analytics",
			visits: []*crawler.Visit{page(crawler.Baseline, site, crawler.Visit{
				Requests: []crawler.Request{
					script("https://www.googletagmanager.com/gtag/js?id=AW-123456789"),
					req("https://googleads.g.doubleclick.net/pagead/viewthroughconversion/123456789/?random=1&cv=11&fst=1&guid=ON&async=1", "Script"),
					req("https://fonts.googleapis.com/css2?family=Inter:wght@400;700&display=swap", "Stylesheet"),
					req("https://fonts.gstatic.com/s/inter/v13/UcCO3FwrK3iLTeHuS_fvQtMwCp50KnMw2boKoduKmMEVuLyfAZ9hiA.woff2", "Font"),
					req("https://www.google.com/maps/embed?pb=!1m18!1m12!1m3!1d2436", "Document"),
					script("https://maps.googleapis.com/maps/api/js?key=AIzaSyD-abc&callback=initMap"),
					req("https://www.youtube.com/embed/dQw4w9WgXcQ", "Document"),
					script("https://www.youtube.com/iframe_api"),
				},
				Cookies: []crawler.Cookie{jar("_gcl_au", ".example.com"), jar("YSC", ".youtube.com")},
				HTML:    `<script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);} gtag('js', new Date()); gtag('config', 'AW-123456789');</script>`,
			})},
			want: []got{
				{"google-ads", []string{"AW-123456789"}, []string{"baseline"}},
				{"google-fonts", []string{"Inter"}, []string{"baseline"}},
				{"google-maps", []string{}, []string{"baseline"}}, // the embed
				{"google-maps", []string{}, []string{"baseline"}}, // the JavaScript API
				{"youtube", []string{"dQw4w9WgXcQ"}, []string{"baseline"}},
			},
		},
		{
			name: "HubSpot full stack",
			visits: []*crawler.Visit{page(crawler.Baseline, site, crawler.Visit{
				Requests: []crawler.Request{
					script("https://js.hs-scripts.com/4067153.js"),
					script("https://js.hs-analytics.net/analytics/1706156400000/4067153.js"),
					script("https://js.hs-banner.com/v2/4067153/banner.js"),
					script("https://js.usemessages.com/conversations-embed.js"),
					req("https://track.hubspot.com/__ptq.gif?v=1.1&a=4067153&pi=1&ct=standard-page&vi=abc", "Image"),
				},
				CookieWrites: []crawler.CookieWrite{
					{Raw: "__hstc=1.2.3.4.5.1; expires=Sat, 01 Jan 2028 00:00:00 GMT; path=/; domain=.example.com", Name: "__hstc", Script: "https://js.hs-analytics.net/analytics/1706156400000/4067153.js"},
					{Raw: "hubspotutk=abc; path=/", Name: "hubspotutk"},
				},
				Globals: map[string]string{"_hsq": "[]"},
			})},
			want: []got{{"hubspot", []string{"4067153"}, []string{"baseline"}}},
		},
		{
			name: "LinkedIn Insight Tag with third-party cookies",
			visits: []*crawler.Visit{page(crawler.GPC, site, crawler.Visit{
				Requests: []crawler.Request{
					script("https://snap.licdn.com/li.lms-analytics/insight.min.js"),
					{URL: "https://px.ads.linkedin.com/collect?v=2&fmt=js&pid=3412345&time=1&url=https%3A%2F%2Fwww.example.com%2F", ResourceType: "Image",
						SetCookies: []crawler.SetCookie{{Line: "lidc=\"b=VB1:s=V\"; Domain=.linkedin.com; Path=/; Secure; SameSite=None", Name: "lidc"}}},
				},
				Cookies: []crawler.Cookie{jar("li_sugr", ".linkedin.com"), jar("bcookie", ".linkedin.com"), jar("li_fat_id", ".example.com")},
				HTML:    `<script>_linkedin_partner_id = "3412345"; window._linkedin_data_partner_ids = window._linkedin_data_partner_ids || []; window._linkedin_data_partner_ids.push(_linkedin_partner_id);</script><noscript><img height="1" width="1" style="display:none;" alt="" src="https://px.ads.linkedin.com/collect/?pid=3412345&fmt=gif" /></noscript>`,
				Globals: map[string]string{"_linkedin_data_partner_ids": `["3412345"]`},
			})},
			want: []got{{"linkedin", []string{"3412345"}, []string{"gpc"}}},
		},
		{
			name: "Meta Pixel",
			visits: []*crawler.Visit{
				page(crawler.Baseline, site, crawler.Visit{
					Requests: []crawler.Request{
						script("https://connect.facebook.net/en_US/fbevents.js"),
						script("https://connect.facebook.net/signals/config/1673876842863185?v=2.9.326&r=stable"),
						req("https://www.facebook.com/tr/?id=1673876842863185&ev=PageView&dl=https%3A%2F%2Fwww.example.com%2F&v=2.9.326", "Image"),
					},
					Cookies: []crawler.Cookie{jar("_fbp", ".example.com"), jar("fr", ".facebook.com")},
					Globals: map[string]string{"fbq": "function"},
					HTML:    `<script>!function(f,b,e,v,n,t,s){if(f.fbq)return;}(window, document,'script','https://connect.facebook.net/en_US/fbevents.js'); fbq('init', '1673876842863185'); fbq('track', 'PageView');</script><noscript><img height="1" width="1" style="display:none" src="https://www.facebook.com/tr?id=1673876842863185&ev=PageView&noscript=1"/></noscript>`,
				}),
				negatives(crawler.DNT),
			},
			want: []got{{"facebook", []string{"1673876842863185"}, []string{"baseline"}}},
		},
		{
			name: "Meta Pixel noscript image alone",
			visits: []*crawler.Visit{page(crawler.DNT, site, crawler.Visit{
				HTML: `<body><noscript><img height="1" width="1" src="https://www.facebook.com/tr?id=373803703159625&ev=PageView&noscript=1"/></noscript></body>`,
			})},
			// A noscript pixel never loads while JavaScript runs: present,
			// not active (TestDetectBlocked checks it is blocked).
			want: []got{{"facebook", []string{"373803703159625"}, []string{}}},
		},
		{
			name: "Leadinfo cookieless",
			visits: []*crawler.Visit{page(crawler.Baseline, site, crawler.Visit{
				Requests: []crawler.Request{
					script("https://cdn.leadinfo.net/ping.js"),
					req("https://collector4.leadinfo.net/com.snowplowanalytics.snowplow/tp2", "Fetch"),
				},
				Globals: map[string]string{"leadinfo.t": `"LI-5F11A67EACFB4"`, "GlobalLeadinfoNamespace": `["leadinfo"]`},
				HTML:    `<script>(function(l,e,a,d,i,n,f,o){if(!l[i]){l[i]=function(){};l[i].t=l[i].t||n;o=e.createElement(a);o.src=d;}}(window,document,"script","https://cdn.leadinfo.net/ping.js","leadinfo","LI-5F11A67EACFB4"));</script>`,
			})},
			want: []got{{"leadinfo", []string{"LI-5F11A67EACFB4"}, []string{"baseline"}}},
		},
		{
			name: "Leadinfo cookies, not LiveIntent or LinkedIn",
			visits: []*crawler.Visit{page(crawler.GPC, site, crawler.Visit{
				Cookies: []crawler.Cookie{jar("_li_id.3f2a", ".example.com"), jar("_li_ses.3f2a", ".example.com"), jar("_li_ss", ".example.com")},
			})},
			want: []got{{"leadinfo", []string{}, []string{"gpc"}}},
		},
		{
			name: "reCAPTCHA v3",
			visits: []*crawler.Visit{page(crawler.Baseline, site+"contact", crawler.Visit{
				Requests: []crawler.Request{
					script("https://www.google.com/recaptcha/api.js?render=6Lc1q8AgAAAAAAFB-Yy-kg9nPTA4GkbxMKHGhA4G"),
					script("https://www.gstatic.com/recaptcha/releases/PoyoqOPhxBO7pBk68S4YbpHZ/recaptcha__en.js"),
					req("https://www.google.com/recaptcha/api2/anchor?ar=1&k=6Lc1q8AgAAAAAAFB-Yy-kg9nPTA4GkbxMKHGhA4G&co=aHR0cHM6Ly93d3cuZXhhbXBsZS5jb206NDQz&hl=en&v=PoyoqOPhxBO7pBk68S4YbpHZ&size=invisible&cb=x", "Document"),
					req("https://www.google.com/maps/embed?pb=!1m18", "Document"),
				},
				HTML: `<div class="grecaptcha-badge" data-style="bottomright"></div>`,
			})},
			want: []got{
				{"google-maps", []string{}, []string{"baseline"}}, // an embedded map on www.google.com is not reCAPTCHA
				{"recaptcha", []string{"6Lc1q8AgAAAAAAFB-Yy-kg9nPTA4GkbxMKHGhA4G"}, []string{"baseline"}},
			},
		},
		{
			name: "reCAPTCHA v2 checkbox via recaptcha.net, and Enterprise",
			visits: []*crawler.Visit{
				page(crawler.Baseline, site+"contact", crawler.Visit{
					Requests: []crawler.Request{script("https://www.recaptcha.net/recaptcha/api.js")},
					HTML:     `<form><div class="g-recaptcha" data-sitekey="6LcFessjAAAAAHmyd86gfP68JhuLeD7msdMBOEbt"></div></form>`,
				}),
				page(crawler.DNT, site+"login", crawler.Visit{
					Requests: []crawler.Request{script("https://www.google.com/recaptcha/enterprise.js?render=6LeXXXXjAAAAAHmyd86gfP68JhuLeD7msdMBOEbt")},
					Globals:  map[string]string{"grecaptcha.enterprise": "[object Object]"},
					Cookies:  []crawler.Cookie{jar("_GRECAPTCHA", "www.google.com")},
				}),
			},
			want: []got{{"recaptcha", []string{"6LcFessjAAAAAHmyd86gfP68JhuLeD7msdMBOEbt", "6LeXXXXjAAAAAHmyd86gfP68JhuLeD7msdMBOEbt"}, []string{"baseline", "dnt"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotTrackers := c.Detect(site, tt.visits)
			if diff := cmp.Diff(tt.want, project(gotTrackers)); diff != "" {
				t.Errorf("Detect() mismatch (-want +got):\n%s", diff)
				for _, tr := range gotTrackers {
					for _, e := range tr.Evidence {
						t.Logf("%s: %s %s %s", tr.Vendor, e.Kind, e.Profile, e.Detail)
					}
				}
			}
		})
	}
}

func TestDetectEvidence(t *testing.T) {
	c, err := catalogue.Load()
	if err != nil {
		t.Fatal(err)
	}
	v := page(crawler.Baseline, site, crawler.Visit{
		Requests: []crawler.Request{
			script("https://www.google.com/recaptcha/api.js?render=6Lc1q8AgAAAAAAFB-Yy-kg9nPTA4GkbxMKHGhA4G"),
		},
	})
	// Many beacons on many pages: evidence stays bounded and deduplicated.
	var visits []*crawler.Visit
	for i := range 20 {
		p := page(crawler.Baseline, fmt.Sprintf("%sp%d", site, i), crawler.Visit{})
		for j := range 10 {
			p.Requests = append(p.Requests, req(fmt.Sprintf("https://www.facebook.com/tr/?id=1673876842863185&ev=PageView&ts=%d%d", i, j), "Image"))
		}
		p.Cookies = []crawler.Cookie{jar("_fbp", ".example.com")}
		visits = append(visits, p)
	}
	ts := c.Detect(site, append(visits, v))
	if len(ts) != 2 {
		t.Fatalf("got %d trackers, want 2: %+v", len(ts), project(ts))
	}
	fb, rc := ts[0], ts[1]
	if len(fb.Pages) != 20 {
		t.Errorf("facebook pages = %d, want 20", len(fb.Pages))
	}
	counts := map[string]int{}
	for _, e := range fb.Evidence {
		counts[e.Kind]++
	}
	if diff := cmp.Diff(map[string]int{"request": catalogue.MaxEvidencePerKind, "cookie": 1}, counts); diff != "" {
		t.Errorf("facebook evidence counts (-want +got):\n%s", diff)
	}
	want := []report.Evidence{{Kind: "script", Profile: "baseline", Page: site,
		Detail: "v3 loader: https://www.google.com/recaptcha/api.js?render=6Lc1q8AgAAAAAAFB-Yy-kg9nPTA4GkbxMKHGhA4G"}}
	if diff := cmp.Diff(want, rc.Evidence); diff != "" {
		t.Errorf("recaptcha evidence (-want +got):\n%s", diff)
	}
	if rc.Name != "Google reCAPTCHA" || rc.Category != "security" {
		t.Errorf("recaptcha name/category = %q/%q", rc.Name, rc.Category)
	}
	for _, e := range fb.Evidence {
		if strings.TrimSpace(e.Detail) == "" || e.Profile == "" || e.Page == "" {
			t.Errorf("incomplete evidence %+v", e)
		}
	}
}

// state is a tracker's product and where it ran or sat blocked.
type state struct {
	Vendor, Product   string
	IDs               []string
	Profiles, Blocked []string
}

func states(ts []report.Tracker) []state {
	out := []state{}
	for _, t := range ts {
		p := ""
		if t.Product != nil {
			p = *t.Product
		}
		out = append(out, state{t.Vendor, p, t.IDs, t.Profiles, t.Blocked})
	}
	return out
}

// complianzGA4 is the GA4 snippet of the site, parked by Complianz.
const complianzGA4 = `<script type="text/plain" data-service="google-analytics" data-category="statistics" async data-cmplz-src="https://www.googletagmanager.com/gtag/js?id=G-97RE5L0TM9"></script>
<script type="text/plain" data-category="statistics">window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);} gtag('js', new Date()); gtag('config', 'G-97RE5L0TM9');</script>`

func TestDetectBlocked(t *testing.T) {
	c, err := catalogue.Load()
	if err != nil {
		t.Fatal(err)
	}
	pixel := "!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?n.callMethod.apply(n,arguments):n.queue.push(arguments)};n.queue=[];t=b.createElement(e);t.async=!0;t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window, document,'script','https://connect.facebook.net/en_US/fbevents.js'); fbq('init', '1673876842863185'); fbq('track', 'PageView');"
	tests := []struct {
		name   string
		visits []*crawler.Visit
		want   []state
	}{
		{
			name: "Complianz-parked GA4 is blocked, not active, in every profile",
			visits: []*crawler.Visit{
				page(crawler.Baseline, site, crawler.Visit{HTML: complianzGA4}),
				page(crawler.GPC, site, crawler.Visit{HTML: complianzGA4}),
			},
			want: []state{{"google-analytics", "Google Analytics", []string{"G-97RE5L0TM9"}, []string{}, []string{"baseline", "gpc"}}},
		},
		{
			name: "parked in one profile, running after accept",
			visits: []*crawler.Visit{
				page(crawler.Reject, site, crawler.Visit{HTML: complianzGA4}),
				page(crawler.Accept, site, crawler.Visit{
					HTML:     `<script async src="https://www.googletagmanager.com/gtag/js?id=G-97RE5L0TM9"></script>`,
					Requests: []crawler.Request{script("https://www.googletagmanager.com/gtag/js?id=G-97RE5L0TM9")},
				}),
			},
			want: []state{{"google-analytics", "Google Analytics", []string{"G-97RE5L0TM9"}, []string{"accept"}, []string{"reject"}}},
		},
		{
			name: "Meta Pixel in a text/plain block with a Cookiebot mark",
			visits: []*crawler.Visit{page(crawler.Baseline, site, crawler.Visit{
				HTML: `<script type="text/plain" data-cookieconsent="marketing">` + pixel + `</script>`,
			})},
			want: []state{{"facebook", "Meta Pixel", []string{"1673876842863185"}, []string{}, []string{"baseline"}}},
		},
		{
			name: "an executed snippet whose library never loaded is present, neither active nor blocked",
			visits: []*crawler.Visit{page(crawler.Baseline, site, crawler.Visit{
				HTML:    `<script>` + pixel + `</script>`,
				Globals: map[string]string{"fbq": "function", "_fbq": "function"},
			})},
			want: []state{{"facebook", "Meta Pixel", []string{"1673876842863185"}, []string{}, []string{}}},
		},
		{
			name: "noscript pixel and template markup are blocked",
			visits: []*crawler.Visit{page(crawler.DNT, site, crawler.Visit{
				HTML: `<body><noscript><img height="1" width="1" src="https://www.facebook.com/tr?id=373803703159625&ev=PageView&noscript=1"/></noscript>
<template><script src="https://snap.licdn.com/li.lms-analytics/insight.min.js"></script></template></body>`,
			})},
			want: []state{
				{"facebook", "Meta Pixel", []string{"373803703159625"}, []string{}, []string{"dnt"}},
				{"linkedin", "LinkedIn Insight Tag", []string{}, []string{}, []string{"dnt"}},
			},
		},
		{
			name: "WP Rocket's delayed script before its trigger, iubenda and CookieYes tags",
			visits: []*crawler.Visit{page(crawler.Baseline, site, crawler.Visit{
				HTML: `<script type="rocketlazyloadscript" data-rocket-src="https://www.googletagmanager.com/gtag/js?id=G-97RE5L0TM9" async></script>
<script type="text/plain" class="_iub_cs_activate" data-iub-purposes="5" async data-suppressedsrc="https://snap.licdn.com/li.lms-analytics/insight.min.js"></script>
<script type="text/plain" data-cookieyes="cookieyes-advertisement" src="https://connect.facebook.net/en_US/fbevents.js"></script>`,
			})},
			want: []state{
				{"facebook", "Meta Pixel", []string{}, []string{}, []string{"baseline"}},
				{"google-analytics", "Google Analytics", []string{"G-97RE5L0TM9"}, []string{}, []string{"baseline"}},
				{"linkedin", "LinkedIn Insight Tag", []string{}, []string{}, []string{"baseline"}},
			},
		},
		{
			name: "Borlabs Cookie: a text/template script and base64 opt-in code",
			visits: []*crawler.Visit{page(crawler.Baseline, site, crawler.Visit{
				HTML: `<script data-borlabs-cookie-script-blocker-handle="ga" data-borlabs-cookie-script-blocker-id="google-analytics" type="text/template" data-borlabs-cookie-script-blocker-src="https://www.googletagmanager.com/gtag/js?id=G-97RE5L0TM9"></script>
<div class="borlabs-hide" data-borlabs-cookie-type="cookie" data-borlabs-cookie-id="facebook-pixel"><script type="text/template">` + base64.StdEncoding.EncodeToString([]byte("<script>"+pixel+"</script>")) + `</script></div>`,
			})},
			want: []state{
				{"facebook", "Meta Pixel", []string{"1673876842863185"}, []string{}, []string{"baseline"}},
				{"google-analytics", "Google Analytics", []string{"G-97RE5L0TM9"}, []string{}, []string{"baseline"}},
			},
		},
		{
			name: "a tag the plugin already activated (type back to JavaScript) is present, not blocked; its request makes it active",
			visits: []*crawler.Visit{
				page(crawler.Baseline, site, crawler.Visit{
					HTML: `<script type="text/javascript" data-cookieconsent="statistics" async src="https://www.googletagmanager.com/gtag/js?id=G-97RE5L0TM9"></script>`,
				}),
				page(crawler.GPC, site, crawler.Visit{
					HTML:     `<script type="module" data-rocket-src="https://www.googletagmanager.com/gtag/js?id=G-97RE5L0TM9" src="https://www.googletagmanager.com/gtag/js?id=G-97RE5L0TM9"></script>`,
					Requests: []crawler.Request{script("https://www.googletagmanager.com/gtag/js?id=G-97RE5L0TM9")},
				}),
			},
			want: []state{{"google-analytics", "Google Analytics", []string{"G-97RE5L0TM9"}, []string{"gpc"}, []string{}}},
		},
		{
			name: "data blocks and LinkedIn's IN/ tags are not parked trackers",
			visits: []*crawler.Visit{page(crawler.Baseline, site, crawler.Visit{
				HTML: `<script type="application/ld+json">{"@type":"Organization","sameAs":["https://www.facebook.com/acme"]}</script>
<script type="IN/Share" data-url="https://www.example.com/"></script>`,
			})},
			want: []state{{"linkedin", "LinkedIn plugins", []string{}, []string{}, []string{}}},
		},
		{
			name: "an iframe inside <template> is blocked",
			visits: []*crawler.Visit{page(crawler.Baseline, site, crawler.Visit{
				HTML: `<template id="fb-embed"><iframe src="https://www.facebook.com/plugins/page.php?href=https%3A%2F%2Fwww.facebook.com%2Facme"></iframe></template>`,
			})},
			want: []state{{"facebook", "Facebook social plugins", []string{}, []string{}, []string{"baseline"}}},
		},
		{
			// The newer vendors' tags as consent platforms park them: a
			// Cookiebot-marked Klaviyo loader, a Complianz-parked Segment
			// snippet, a OneTrust-classed Mixpanel init and Intercom's
			// settings behind CookieYes.
			name: "parked tags of Klaviyo, Segment, Mixpanel and Intercom",
			visits: []*crawler.Visit{page(crawler.Baseline, site, crawler.Visit{
				HTML: `<script type="text/plain" data-cookieconsent="marketing" async src="https://static.klaviyo.com/onsite/js/Xy7Kq2/klaviyo.js?company_id=Xy7Kq2"></script>
<script type="text/plain" data-category="statistics">!function(){var i="analytics",analytics=window[i]=window[i]||[];if(!analytics.initialize){analytics.invoked=!0;analytics.load=function(key,n){var t=document.createElement("script");t.async=!0;t.src="https://cdn.segment.com/analytics.js/v1/"+key+"/analytics.min.js";var r=document.getElementsByTagName("script")[0];r.parentNode.insertBefore(t,r)};analytics.SNIPPET_VERSION="5.2.1";analytics.load("Qw3rTy7UiOp9AsDfGhJkLzXc");analytics.page()}}();</script>
<script type="text/plain" class="optanon-category-C0002">mixpanel.init("5f0e1d2c3b4a59687f6e5d4c3b2a1908", {track_pageview: true});</script>
<script type="text/plain" data-cookieyes="cookieyes-functional">window.intercomSettings = {api_base: "https://api-iam.intercom.io", app_id: "q1w2e3r4"};</script>`,
			})},
			want: []state{
				{"intercom", "Intercom", []string{"q1w2e3r4"}, []string{}, []string{"baseline"}},
				{"klaviyo", "Klaviyo", []string{"Xy7Kq2"}, []string{}, []string{"baseline"}},
				{"mixpanel", "Mixpanel", []string{"5f0e1d2c3b4a59687f6e5d4c3b2a1908"}, []string{}, []string{"baseline"}},
				{"segment", "Segment", []string{"Qw3rTy7UiOp9AsDfGhJkLzXc"}, []string{}, []string{"baseline"}},
			},
		},
		{
			name: "parked iframes: Cookiebot and Complianz",
			visits: []*crawler.Visit{page(crawler.Baseline, site, crawler.Visit{
				HTML: `<iframe data-cookieconsent="marketing" data-cookieblock-src="https://www.facebook.com/plugins/page.php?href=https%3A%2F%2Fwww.facebook.com%2Facme"></iframe>
<iframe class="cmplz-iframe" src="about:blank" data-src-cmplz="https://www.linkedin.com/embed/feed/update/urn:li:share:7009404129856884736"></iframe>`,
			})},
			want: []state{
				{"facebook", "Facebook social plugins", []string{}, []string{}, []string{"baseline"}},
				{"linkedin", "LinkedIn plugins", []string{}, []string{}, []string{"baseline"}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.Detect(site, tt.visits)
			if diff := cmp.Diff(tt.want, states(got)); diff != "" {
				t.Errorf("Detect() mismatch (-want +got):\n%s", diff)
				for _, tr := range got {
					for _, e := range tr.Evidence {
						t.Logf("%s: %s %s %s", tr.Vendor, e.Kind, e.Profile, e.Detail)
					}
				}
			}
		})
	}
}

func TestDetectProducts(t *testing.T) {
	c, err := catalogue.Load()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		visits []*crawler.Visit
		want   []state
	}{
		{
			name: "a like button and a page plugin are Facebook's social plugins, and fr goes with them",
			visits: []*crawler.Visit{page(crawler.Baseline, site, crawler.Visit{
				Requests: []crawler.Request{
					script("https://connect.facebook.net/en_US/sdk.js#xfbml=1&version=v19.0"),
					req("https://www.facebook.com/v19.0/plugins/like.php?app_id=1234567890123&href=https%3A%2F%2Fwww.example.com%2F&layout=button_count&sdk=joey", "Document"),
					req("https://www.facebook.com/plugins/page.php?href=https%3A%2F%2Fwww.facebook.com%2Facme", "Document"),
				},
				Cookies: []crawler.Cookie{jar("fr", ".facebook.com")},
				HTML:    `<div id="fb-root"></div><div class="fb-like" data-href="https://www.example.com/"></div>`,
			})},
			want: []state{{"facebook", "Facebook social plugins", []string{"1234567890123"}, []string{"baseline"}, []string{}}},
		},
		{
			name: "Pixel and social plugins on one site are two products; fr follows the page's code",
			visits: []*crawler.Visit{
				page(crawler.Baseline, site, crawler.Visit{
					Requests: []crawler.Request{req("https://www.facebook.com/tr/?id=1673876842863185&ev=PageView", "Image")},
					Cookies:  []crawler.Cookie{jar("fr", ".facebook.com")},
				}),
				page(crawler.GPC, site+"blog", crawler.Visit{
					Requests: []crawler.Request{req("https://www.facebook.com/plugins/share_button.php?href=https%3A%2F%2Fwww.example.com%2Fblog", "Document")},
					Cookies:  []crawler.Cookie{jar("fr", ".facebook.com")},
				}),
			},
			want: []state{
				{"facebook", "Meta Pixel", []string{"1673876842863185"}, []string{"baseline"}, []string{}},
				{"facebook", "Facebook social plugins", []string{}, []string{"gpc"}, []string{}},
			},
		},
		{
			name: "Facebook Login",
			visits: []*crawler.Visit{page(crawler.Baseline, site+"login", crawler.Visit{
				Requests: []crawler.Request{req("https://www.facebook.com/x/oauth/status?client_id=1234567890123&input_token&origin=1&sdk=joey&wants_cookie_data=true", "XHR")},
				Cookies:  []crawler.Cookie{jar("fblo_1234567890123", "www.example.com")},
			})},
			want: []state{{"facebook", "Facebook Login", []string{"1234567890123"}, []string{"baseline"}, []string{}}},
		},
		{
			name: "a LinkedIn follow button with bcookie and lidc is not the Insight Tag",
			visits: []*crawler.Visit{
				page(crawler.Baseline, site, crawler.Visit{
					Requests: []crawler.Request{
						script("https://platform.linkedin.com/in.js"),
						{URL: "https://www.linkedin.com/pages-extensions/FollowCompany?id=1035&counter=bottom", ResourceType: "Document",
							SetCookies: []crawler.SetCookie{{Line: "bcookie=\"v=2&1\"; Domain=.linkedin.com; Path=/; Secure; SameSite=None", Name: "bcookie"}}},
					},
					Cookies: []crawler.Cookie{jar("bcookie", ".linkedin.com"), jar("lidc", ".linkedin.com")},
					HTML:    `<script type="IN/FollowCompany" data-id="1035" data-counter="bottom"></script>`,
				}),
				// A later page without the button still carries the jar's
				// cookies: they stay with the plugins.
				page(crawler.Baseline, site+"about", crawler.Visit{
					Cookies: []crawler.Cookie{jar("bcookie", ".linkedin.com"), jar("lidc", ".linkedin.com")},
				}),
			},
			want: []state{{"linkedin", "LinkedIn plugins", []string{}, []string{"baseline"}, []string{}}},
		},
		{
			name: "LinkedIn cookies with nothing else stay with the Insight Tag",
			visits: []*crawler.Visit{page(crawler.DNT, site, crawler.Visit{
				Cookies: []crawler.Cookie{jar("bcookie", ".linkedin.com")},
			})},
			want: []state{{"linkedin", "LinkedIn Insight Tag", []string{}, []string{"dnt"}, []string{}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.Detect(site, tt.visits)
			if diff := cmp.Diff(tt.want, states(got)); diff != "" {
				t.Errorf("Detect() mismatch (-want +got):\n%s", diff)
				for _, tr := range got {
					for _, e := range tr.Evidence {
						t.Logf("%s/%s: %s %s %s", tr.Vendor, tr.Name, e.Kind, e.Profile, e.Detail)
					}
				}
			}
		})
	}
}

// TestProfileOrderAgrees: the report contract's profile order and the
// crawler's are the same order.
func TestProfileOrderAgrees(t *testing.T) {
	names := []string{"baseline", "gpc", "dnt", "reject", "accept", "custom", "another"}
	for _, a := range names {
		for _, b := range names {
			if got, want := report.CompareProfiles(a, b), crawler.CompareProfiles(a, b); got != want {
				t.Errorf("report.CompareProfiles(%s, %s) = %d, crawler says %d", a, b, got, want)
			}
		}
	}
}

// TestDetectJarAttribution: the tabs of a profile share a cookie jar, so a
// page's jar read holds cookies other pages set. Only the page whose own
// response set a cookie gets it as evidence (reCAPTCHA on /contact, not
// /privacy read later); a cookie no visit recorded setting counts once, for
// the first page whose jar held it.
func TestDetectJarAttribution(t *testing.T) {
	c, err := catalogue.Load()
	if err != nil {
		t.Fatal(err)
	}
	grecaptcha := crawler.Cookie{Name: "_GRECAPTCHA", Domain: "www.google.com", Path: "/recaptcha"}
	anchor := crawler.Request{URL: "https://www.google.com/recaptcha/api2/anchor?ar=1&k=6LcV2chkAAAAAPq9Zr3Xy7Wv5Ut4Sr2Qp1On0Ml8&size=normal",
		ResourceType: "Document", Status: 200, SetCookies: []crawler.SetCookie{{Name: "_GRECAPTCHA",
			Line: "_GRECAPTCHA=09Aabc; Path=/recaptcha; Max-Age=15465600; Secure; HttpOnly; SameSite=None"}}}
	fbp := jar("_fbp", ".example.com") // set by nothing any visit recorded
	home := page(crawler.Baseline, site, crawler.Visit{})
	privacy := page(crawler.Baseline, site+"privacy", crawler.Visit{Cookies: []crawler.Cookie{grecaptcha, fbp}})
	contact := page(crawler.Baseline, site+"contact", crawler.Visit{Requests: []crawler.Request{anchor}, Cookies: []crawler.Cookie{grecaptcha, fbp}})
	about := page(crawler.Baseline, site+"about", crawler.Visit{Cookies: []crawler.Cookie{grecaptcha, fbp}})
	gpcContact := page(crawler.GPC, site+"contact", crawler.Visit{Cookies: []crawler.Cookie{grecaptcha}})

	ts := c.Detect(site, []*crawler.Visit{home, privacy, contact, about, gpcContact})
	pages := map[string][]string{}
	profiles := map[string][]string{}
	for _, tr := range ts {
		pages[tr.Vendor], profiles[tr.Vendor] = tr.Pages, tr.Profiles
	}
	want := map[string][]string{"recaptcha": {site + "contact"}, "facebook": {site + "privacy"}}
	if diff := cmp.Diff(want, pages); diff != "" {
		t.Errorf("tracker pages (-want +got):\n%s", diff)
	}
	// Under gpc nothing recorded setting _GRECAPTCHA: its first holder
	// counts, so the profile is still covered.
	if diff := cmp.Diff([]string{"baseline", "gpc"}, profiles["recaptcha"]); diff != "" {
		t.Errorf("recaptcha profiles (-want +got):\n%s", diff)
	}
}
