package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/privscan/privscan/report"
)

// TestPolicyCommandRejects: `privscan policy` on a redirect stub (a file, or
// a URL whose meta refresh leads to a 404) answers found: false with the
// document and why in documents[], and exits 2; on a real policy reached
// through a meta refresh it reads the target.
func TestPolicyCommandRejects(t *testing.T) {
	mux := http.NewServeMux()
	page := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, body)
		}
	}
	stub := func(to string) string {
		return `<html><head><title>Redirecting...</title><meta http-equiv="refresh" content="0; url=` + to + `"></head><body>Redirecting...</body></html>`
	}
	mux.HandleFunc("/privacy/", page(stub("/gone")))
	mux.HandleFunc("/moved/", page(stub("/real-policy")))
	mux.HandleFunc("/real-policy", page(`<html><head><title>Privacy Policy</title></head><body><main><h1>Privacy Policy</h1>
<p>We process personal data to run this website. We use cookies and Google Analytics with your consent.</p>
<p>You have the right to access and erase your personal data.</p></main></body></html>`))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	file := filepath.Join(t.TempDir(), "stub.html")
	if err := os.WriteFile(file, []byte(stub("https://legal.example.invalid/privacy")), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		src, why string
		found    bool
	}{
		{srv.URL + "/privacy/", "HTTP status 404", false},
		{file, "redirect", false},
		{srv.URL + "/moved/", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			env, out, _ := testEnv()
			err := Run(t.Context(), []string{"policy", tt.src, "--format", "json"}, env)
			var p report.Policy
			if jerr := json.Unmarshal(out.Bytes(), &p); jerr != nil {
				t.Fatalf("output is not a policy (%v; err %v): %s", jerr, err, out)
			}
			if p.Found != tt.found || len(p.Documents) != 1 {
				t.Fatalf("found %v, documents %+v; want found %v and one document", p.Found, p.Documents, tt.found)
			}
			d := p.Documents[0]
			if tt.found {
				if err != nil || !d.Used || d.FinalURL == nil || *d.FinalURL != srv.URL+"/real-policy" {
					t.Errorf("err %v, document %+v", err, d)
				}
				return
			}
			if Code(err) != ExitFailure || d.Used || d.Why == nil || !strings.Contains(*d.Why, tt.why) {
				t.Errorf("exit %d (%v), document %+v, want why %q", Code(err), err, d, tt.why)
			}
		})
	}
}
