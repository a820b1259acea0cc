package scan_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/internal/scan"
)

// TestCookieFirstPage: a cookie's first page is the first page, in page
// order, whose own visit set it, not an earlier page whose jar read caught
// it from another tab; its lifetime is measured from that visit.
func TestCookieFirstPage(t *testing.T) {
	home, _ := url.Parse("https://www.example.com/")
	start := time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)
	expires := start.Add(179 * 24 * time.Hour)
	grecaptcha := crawler.Cookie{Name: "_GRECAPTCHA", Domain: "www.google.com", Path: "/recaptcha", Expires: expires, Secure: true, HTTPOnly: true}
	session := crawler.Cookie{Name: "sid", Domain: "www.example.com", Path: "/", Session: true}
	visit := func(path string, at time.Duration, reqs []crawler.Request, jar ...crawler.Cookie) *crawler.Visit {
		return &crawler.Visit{URL: "https://www.example.com" + path, Profile: crawler.Baseline, Status: 200,
			StartedAt: start.Add(at), Requests: reqs, Cookies: jar}
	}
	anchor := []crawler.Request{{URL: "https://www.google.com/recaptcha/api2/anchor?k=x", Status: 200,
		SetCookies: []crawler.SetCookie{{Name: "_GRECAPTCHA", Line: "_GRECAPTCHA=09A; Path=/recaptcha; Max-Age=15465600; Secure; HttpOnly"}}}}
	visits := []*crawler.Visit{
		visit("/", 0, nil, session),
		// /privacy ran in another tab while /contact set the cookie.
		visit("/privacy", 0, nil, session, grecaptcha),
		visit("/contact", 0, anchor, session, grecaptcha),
	}
	jars := map[crawler.Profile][]crawler.Cookie{crawler.Baseline: {session, grecaptcha}}
	got := map[string]string{}
	for _, c := range scan.CookiesOf(home, visits, jars, false) {
		got[c.Name] = c.FirstPage + " by " + c.SetBy
	}
	want := map[string]string{
		"_GRECAPTCHA": "https://www.example.com/contact by header",
		"sid":         "https://www.example.com/ by unknown", // nothing recorded setting it: first holder
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("first pages (-want +got):\n%s", diff)
	}
}
