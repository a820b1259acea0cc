package discover

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		raw, text string
		want      Kind
	}{
		{"https://a.test/", "", KindHome},
		{"https://a.test/?page=2", "", KindOther},
		{"https://a.test/privacy-policy/", "", KindPolicy},
		{"https://a.test/legal/", "Datenschutzerklärung", KindPolicy},
		{"https://a.test/kontakt", "", KindForm},
		{"https://a.test/x", "Sign up", KindForm},
		{"https://a.test/blog/post", "Read more", KindOther},
	}
	for _, tt := range tests {
		u, _ := url.Parse(tt.raw)
		if got := Classify(u, tt.text); got != tt.want {
			t.Errorf("Classify(%s, %q) = %v, want %v", tt.raw, tt.text, got, tt.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	for raw, want := range map[string]string{
		"HTTPS://A.test:443/a/../b#frag": "https://a.test/b",
		"http://a.test:80":               "http://a.test/",
		"https://a.test/dir/":            "https://a.test/dir/",
		"https://a.test:8443/x":          "https://a.test:8443/x",
	} {
		u, _ := url.Parse(raw)
		if got := Normalize(u).String(); got != want {
			t.Errorf("Normalize(%s) = %s, want %s", raw, got, want)
		}
	}
}

// TestDiscoverRespectsRobotsAndRanks: robots.txt keeps a linked page out,
// the sitemap adds an unlinked one, off-site links and files are ignored,
// and the ranking puts home, policy and form pages first.
func TestDiscoverRespectsRobotsAndRanks(t *testing.T) {
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
	mux.HandleFunc("/", page("/blog/", "/private/", "/contact/", "/privacy/", "https://elsewhere.test/", "/report.pdf"))
	mux.HandleFunc("/blog/", page("/blog/post/"))
	mux.HandleFunc("/blog/post/", page())
	mux.HandleFunc("/contact/", page())
	mux.HandleFunc("/privacy/", page())
	mux.HandleFunc("/private/", page())
	mux.HandleFunc("/from-sitemap/", page())
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
	})
	mux.HandleFunc("/sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<urlset><url><loc>http://%s/from-sitemap/</loc></url></urlset>`, r.Host)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	target, _ := url.Parse(srv.URL + "/")
	res, err := Discover(t.Context(), target, Options{MaxPages: 10, Depth: 2, Client: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range res.Pages {
		got = append(got, p.URL[len(srv.URL):])
	}
	want := []string{"/", "/privacy/", "/contact/", "/from-sitemap/", "/blog/", "/blog/post/"}
	if !slices.Equal(got, want) {
		t.Errorf("pages = %v, want %v", got, want)
	}
	if !slices.Equal(res.Disallowed, []string{srv.URL + "/private/"}) {
		t.Errorf("disallowed = %v", res.Disallowed)
	}
	res, err = Discover(t.Context(), target, Options{MaxPages: 10, Depth: 2, Client: srv.Client(), IgnoreRobots: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(res.Pages, func(p Page) bool { return p.URL == srv.URL+"/private/" }) {
		t.Errorf("--ignore-robots did not visit /private/: %v", res.Pages)
	}
	if _, err := Discover(t.Context(), &url.URL{Scheme: "http", Host: "127.0.0.1:1", Path: "/"}, Options{Client: srv.Client()}); err == nil {
		t.Error("unreachable target: no error")
	}
}
