package browser

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/privscan/privscan/crawler"
)

// TestVisitLeavesThePreviousDocumentBehind: what the page a tab leaves does
// until the next page's response arrives (a beforeunload handler, a timer
// that injects a tag) is not recorded as the next page's requests: a tracker's pages name only pages whose own
// visit made the request.
func TestVisitLeavesThePreviousDocumentBehind(t *testing.T) {
	requireChrome(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/leaving", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<html><body><p>leaving</p><script>
addEventListener("beforeunload", () => {
  new Image().src = "/pixel?from=leaving";
  const s = document.createElement("script"); s.src = "/tag.js?from=leaving"; document.head.appendChild(s);
});
</script></body></html>`)
	})
	mux.HandleFunc("/next", func(w http.ResponseWriter, r *http.Request) {
		// The leaving page keeps running until the next one's response
		// arrives.
		time.Sleep(700 * time.Millisecond)
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<html><body><p>next</p><img src="/pixel?from=next"></body></html>`)
	})
	mux.HandleFunc("/pixel", func(w http.ResponseWriter, r *http.Request) { w.Header().Set("Content-Type", "image/gif") })
	mux.HandleFunc("/tag.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, "window.tag = 1;")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	opts := smokeOptions(srv)
	opts.PageTimeout = 10 * time.Second
	_, s := launchSession(t, opts, crawler.Baseline, 1)
	first, err := s.Visit(t.Context(), "http://www.smoke.test/leaving")
	if err != nil || first.Error != "" {
		t.Fatalf("first visit: %v %s", err, first.Error)
	}
	next, err := s.Visit(t.Context(), "http://www.smoke.test/next")
	if err != nil || next.Error != "" {
		t.Fatalf("second visit: %v %s", err, next.Error)
	}
	var own bool
	for _, q := range next.Requests {
		if strings.Contains(q.URL, "from=leaving") {
			t.Errorf("the next page recorded the leaving page's request %s (%s)", q.URL, q.ResourceType)
		}
		own = own || strings.Contains(q.URL, "from=next")
	}
	if !own {
		t.Errorf("the next page's own pixel is missing: %d requests", len(next.Requests))
	}
}
