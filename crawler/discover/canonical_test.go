package discover

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestCanonicalAndKey(t *testing.T) {
	tests := []struct{ raw, canonical, key string }{
		{"HTTPS://WWW.Shop.test:443/Contact/#form", "https://www.shop.test/Contact/", "https://www.shop.test/Contact"},
		{"https://www.shop.test/contact", "https://www.shop.test/contact", "https://www.shop.test/contact"},
		{"https://www.shop.test/?utm_source=news&utm_medium=email&gclid=Cj0K", "https://www.shop.test/", "https://www.shop.test/"},
		{"https://www.shop.test/p?id=7&fbclid=IwAR1&msclkid=abc&mc_eid=9f&_ga=2.1.2.3&_gl=1*x", "https://www.shop.test/p?id=7", "https://www.shop.test/p?id=7"},
		{"https://www.shop.test/p?b=2&a=1", "https://www.shop.test/p?b=2&a=1", "https://www.shop.test/p?a=1&b=2"},
		{"https://www.shop.test/about/index.html", "https://www.shop.test/about/", "https://www.shop.test/about"},
		{"https://www.shop.test/index.php", "https://www.shop.test/", "https://www.shop.test/"},
		{"http://www.shop.test:80/", "http://www.shop.test/", "http://www.shop.test/"},
		{"https://www.shop.test:8443/x/", "https://www.shop.test:8443/x/", "https://www.shop.test:8443/x"},
		{"https://app.shop.test/#/privacy?x", "https://app.shop.test/#/privacy?x", "https://app.shop.test/#/privacy?x"},
		{"https://app.shop.test/#!/contact", "https://app.shop.test/#!/contact", "https://app.shop.test/#!/contact"},
		{"https://app.shop.test/faq#shipping", "https://app.shop.test/faq", "https://app.shop.test/faq"},
		// Not tracking: a page parameter and a "ref" that some sites route on.
		{"https://www.shop.test/blog?page=2&ref=nav", "https://www.shop.test/blog?page=2&ref=nav", "https://www.shop.test/blog?page=2&ref=nav"},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := Canonical(u).String(); got != tt.canonical {
			t.Errorf("Canonical(%s) = %s, want %s", tt.raw, got, tt.canonical)
		}
		if got := Key(u); got != tt.key {
			t.Errorf("Key(%s) = %s, want %s", tt.raw, got, tt.key)
		}
	}
}

func TestFamily(t *testing.T) {
	same := [][]string{
		{"https://www.shop.test/privacy-statement/", "https://www.shop.test/privacy-statement-eu/", "https://www.shop.test/privacy-statement-us", "https://www.shop.test/privacy-statement-au/"},
		{"https://www.shop.test/de/privacy/", "https://www.shop.test/en/privacy/", "https://www.shop.test/en-gb/privacy", "https://www.shop.test/privacy?lang=fr"},
		{"https://www.shop.test/legal/cookies_uk/", "https://www.shop.test/legal/cookies_de/"},
		{"https://de.shop.test/impressum", "https://fr.shop.test/impressum"},
	}
	for _, group := range same {
		want := ""
		for _, raw := range group {
			u, _ := url.Parse(raw)
			got, _ := Family(u)
			if want == "" {
				want = got
			} else if got != want {
				t.Errorf("Family(%s) = %s, want %s (as %s)", raw, got, want, group[0])
			}
		}
	}
	different := []string{"https://www.shop.test/", "https://www.shop.test/#/privacy", "https://www.shop.test/contact/", "https://www.shop.test/privacy/", "https://www.shop.test/blog/seo-tips-us-retailers/extra", "https://www.shop.test/products/usb-c/"}
	fams := map[string]string{}
	for _, raw := range different {
		u, _ := url.Parse(raw)
		f, marked := Family(u)
		if prev, ok := fams[f]; ok {
			t.Errorf("%s and %s share family %s", raw, prev, f)
		}
		fams[f] = raw
		if marked {
			t.Errorf("%s counted as regional", raw)
		}
	}
}

// TestRankRegionalCopies: five regional copies of the privacy statement
// rank after /contact/: one copy keeps the policy's place, the others wait
// until every other page is in.
func TestRankRegionalCopies(t *testing.T) {
	var pages []Page
	for _, p := range []string{"/", "/privacy-statement-eu/", "/privacy-statement-us/", "/privacy-statement/", "/privacy-statement-au/", "/de/privacy-statement/", "/contact/", "/blog/"} {
		u, _ := url.Parse("https://www.shop.test" + p)
		pages = append(pages, NewPage(u, 1, ""))
	}
	pages[0].Kind, pages[0].Depth = KindHome, 0
	Rank(pages)
	var got []string
	for _, p := range pages {
		got = append(got, strings.TrimPrefix(p.URL, "https://www.shop.test"))
	}
	want := []string{"/", "/privacy-statement/", "/contact/", "/blog/", "/privacy-statement-eu/", "/privacy-statement-us/", "/privacy-statement-au/", "/de/privacy-statement/"}
	if !slices.Equal(got, want) {
		t.Errorf("rank = %v\nwant   %v", got, want)
	}
}

// TestDiscoverDistinctPages: duplicates (trailing slash, tracking
// parameters, index.html, fragments, host case, a redirect to a page
// already found) are one page; a dead page and a dead subdomain linked from
// the home page do not use the budget; a subdomain linked from elsewhere is
// not visited.
func TestDiscoverDistinctPages(t *testing.T) {
	mux := http.NewServeMux()
	page := func(links ...string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<html><body>")
			for _, l := range links {
				fmt.Fprintf(w, `<a href="%s">%s</a>`, l, l)
			}
			fmt.Fprint(w, "</body></html>")
		}
	}
	mux.HandleFunc("www.shop.test/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" && r.URL.Path != "/index.html" {
			http.NotFound(w, r)
			return
		}
		page("/contact", "/contact/", "/contact/?utm_source=footer", "/checkout/#top", "http://WWW.SHOP.TEST/checkout?gclid=x",
			"/index.html", "/old-pricing", "/pricing/", "/gone/", "http://ir.shop.test/", "http://cp.shop.test/", "/about/")(w, r)
	})
	mux.HandleFunc("www.shop.test/contact/", page())
	mux.HandleFunc("www.shop.test/checkout/", page())
	mux.HandleFunc("www.shop.test/pricing/", page())
	mux.HandleFunc("www.shop.test/about/", page("http://careers.shop.test/"))
	mux.HandleFunc("www.shop.test/old-pricing", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/pricing/", http.StatusMovedPermanently)
	})
	mux.HandleFunc("www.shop.test/robots.txt", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	mux.HandleFunc("www.shop.test/sitemap.xml", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	mux.HandleFunc("ir.shop.test/", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusNotFound) })
	mux.HandleFunc("careers.shop.test/", page())
	srv := httptest.NewServer(mux)
	defer srv.Close()
	dialer := &net.Dialer{}
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if strings.HasPrefix(addr, "cp.") {
			return nil, fmt.Errorf("no such host")
		}
		return dialer.DialContext(ctx, network, srv.Listener.Addr().String())
	}}}
	target, _ := url.Parse("http://www.shop.test/")
	res, err := Discover(t.Context(), target, Options{MaxPages: 10, Depth: 2, Client: client})
	if err != nil {
		t.Fatal(err)
	}
	var got, dead []string
	for _, p := range res.Pages {
		got = append(got, p.URL)
	}
	for _, p := range res.Dead {
		dead = append(dead, fmt.Sprintf("%s %d", p.URL, p.Status))
	}
	slices.Sort(got)
	slices.Sort(dead)
	want := []string{"http://www.shop.test/", "http://www.shop.test/about/", "http://www.shop.test/checkout/", "http://www.shop.test/contact/", "http://www.shop.test/pricing/"}
	if !slices.Equal(got, want) {
		t.Errorf("pages = %v\nwant    %v", got, want)
	}
	wantDead := []string{"http://cp.shop.test/ -1", "http://ir.shop.test/ 404", "http://www.shop.test/gone/ 404"}
	if !slices.Equal(dead, wantDead) {
		t.Errorf("dead = %v\nwant   %v", dead, wantDead)
	}
}

// TestDiscoverHashRoutes: a hash router's routes are pages of their own,
// an anchor within a page is not.
func TestDiscoverHashRoutes(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/faq", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<html><body><h1 id="shipping">Shipping</h1></body></html>`)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<html><body><a href="/#/privacy">Privacy</a><a href="#!/contact">Contact</a><a href="/faq#shipping">Shipping</a><a href="/faq">FAQ</a></body></html>`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	target, _ := url.Parse(srv.URL + "/")
	res, err := Discover(t.Context(), target, Options{MaxPages: 10, Depth: 1, Client: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range res.Pages {
		got = append(got, strings.TrimPrefix(p.URL, srv.URL))
	}
	slices.Sort(got)
	want := []string{"/", "/#!/contact", "/#/privacy", "/faq"}
	if !slices.Equal(got, want) {
		t.Errorf("pages = %v, want %v", got, want)
	}
}
