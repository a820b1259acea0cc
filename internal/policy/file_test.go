package policy

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAnalyzeFile(t *testing.T) {
	a, err := AnalyzeFile(t.Context(), "testdata/seeds/001_782d3dcc839f8384.txt", catalogueTerms())
	if err != nil {
		t.Fatal(err)
	}
	if !a.Found || a.GPC != Honored || !strings.HasPrefix(a.URL, "file:///") {
		t.Errorf("found %v GPC %s URL %s", a.Found, a.GPC, a.URL)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "policy.html")
	if err := os.WriteFile(p, []byte(cookiebotHTML), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err = AnalyzeFile(t.Context(), p, nil)
	if err != nil || len(a.Cookies) != 4 {
		t.Errorf("html file: err %v, %d cookies", err, len(a.Cookies))
	}
	if _, err := AnalyzeFile(t.Context(), filepath.Join(dir, "missing.txt"), nil); err == nil {
		t.Error("missing file: no error")
	}
}

func TestAnalyzeURL(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/privacy", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<html><head><title>Privacy</title></head><body><main><h1>Privacy</h1>
<p>We use the Meta Pixel for advertising. We do not use Google Analytics.</p>
<p>We honor Global Privacy Control signals.</p></main></body></html>`))
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte(strings.Repeat("We use cookies to process personal data with your consent. ", 1000)))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	a, err := AnalyzeURL(t.Context(), HTTPFetcher{Client: srv.Client()}, srv.URL+"/privacy", catalogueTerms())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range a.Vendors {
		got = append(got, v.Vendor+"="+v.Stance)
	}
	if strings.Join(got, ",") != "facebook=uses,google-analytics=denies" || a.GPC != Honored || a.Title != "Privacy" {
		t.Errorf("vendors %v GPC %s title %q", got, a.GPC, a.Title)
	}

	a, err = AnalyzeURL(t.Context(), HTTPFetcher{Client: srv.Client(), MaxBytes: 100}, srv.URL+"/big", nil)
	if err != nil || !a.Truncated {
		t.Errorf("big: err %v truncated %v", err, a.Truncated)
	}

	a, err = AnalyzeURL(t.Context(), HTTPFetcher{Client: srv.Client()}, srv.URL+"/missing", nil)
	if err == nil || a == nil || a.Found || a.Error == "" {
		t.Errorf("404: err %v analysis %+v", err, a)
	}
	if b, _ := a.MarshalJSON(); !strings.Contains(string(b), `"found":false`) || !strings.Contains(string(b), `"vendors":null`) {
		t.Errorf("not-found JSON: %s", b)
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := AnalyzeURL(ctx, HTTPFetcher{Client: srv.Client()}, srv.URL+"/privacy", nil); err == nil {
		t.Error("cancelled context: no error")
	}
}
