package browser

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/internal/testenv"
)

// requireChrome fails the test in CI when Chromium is missing, and skips it
// elsewhere.
func requireChrome(t testing.TB) {
	t.Helper()
	_, err := FindChrome("")
	testenv.Need(t, err)
}

const testPage = `<!doctype html><html><head><title>Smoke &amp; test</title></head><body>
<footer><a href="/privacy">Privacy Policy</a></footer>
<script src="/tracker.js"></script>
<div id="banner" style="position:fixed;bottom:0;left:0;width:400px;height:80px">We use cookies <button>Accept</button></div>
</body></html>`

const trackerJS = `
document.cookie = "js_id=abc; max-age=" + (2*365*24*3600) + "; path=/";
window.tracker = {id: "T-1"};
var gpc = navigator.globalPrivacyControl, dnt = navigator.doNotTrack;
localStorage.setItem("tracker_key", "1");
new Image().src = "/pixel.gif?gpc=" + gpc + "&dnt=" + dnt;
`

func smokeServer(t *testing.T) (*httptest.Server, chan http.Header) {
	headers := make(chan http.Header, 100)
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		headers <- r.Header.Clone()
		http.SetCookie(w, &http.Cookie{Name: "srv", Value: "1", MaxAge: 3600, Path: "/", HttpOnly: true})
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, testPage)
	})
	mux.HandleFunc("/tracker.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/javascript")
		fmt.Fprint(w, trackerJS)
	})
	mux.HandleFunc("/pixel.gif", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/gif")
	})
	mux.HandleFunc("/alert", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><script>alert("hi"); confirm("sure?")</script><p>after</p></body></html>`)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop2", http.StatusFound)
	})
	mux.HandleFunc("/loop2", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	mux.HandleFunc("/missing", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "nope", http.StatusNotFound)
	})
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(time.Minute):
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, headers
}

// smokeRules sends www.smoke.test to the smoke server's port and resolves
// nothing else.
func smokeRules(port string) string {
	return "MAP www.smoke.test 127.0.0.1:" + port + ", MAP * ~NOTFOUND, EXCLUDE localhost"
}

// smokeOptions returns the default options with www.smoke.test served by
// srv and a page timeout fit for a test.
func smokeOptions(srv *httptest.Server) Options {
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	opts := DefaultOptions()
	opts.HostRules = smokeRules(port)
	opts.PageTimeout = 8 * time.Second
	return opts
}

// launchSession starts a browser with opts and one session on it, both
// closed when the test ends.
func launchSession(t *testing.T, opts Options, profile crawler.Profile, tabs int) (*Browser, *Session) {
	t.Helper()
	b, err := Launch(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	s, err := b.NewSession(t.Context(), profile, tabs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return b, s
}

func TestVisitRecordsProfiles(t *testing.T) {
	requireChrome(t)
	srv, headers := smokeServer(t)
	opts := smokeOptions(srv)
	opts.ProbeGlobals = []string{"tracker", "tracker.id", "missing.path"}
	b, err := Launch(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	for _, profile := range []crawler.Profile{crawler.Baseline, crawler.GPC, crawler.DNT} {
		t.Run(string(profile), func(t *testing.T) {
			s, err := b.NewSession(t.Context(), profile, 1)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			for len(headers) > 0 {
				<-headers
			}
			v, err := s.Visit(t.Context(), "http://www.smoke.test/")
			if err != nil {
				t.Fatal(err)
			}
			if v.Error != "" || v.Status != 200 {
				t.Fatalf("visit error %q status %d", v.Error, v.Status)
			}
			if v.Title != "Smoke & test" {
				t.Errorf("title = %q", v.Title)
			}
			h := <-headers
			if got, want := h.Get("Sec-GPC"), map[crawler.Profile]string{crawler.GPC: "1"}[profile]; got != want {
				t.Errorf("Sec-GPC header = %q, want %q", got, want)
			}
			if got, want := h.Get("DNT"), map[crawler.Profile]string{crawler.DNT: "1"}[profile]; got != want {
				t.Errorf("DNT header = %q, want %q", got, want)
			}
			var pixel *crawler.Request
			for i, q := range v.Requests {
				if strings.Contains(q.URL, "/pixel.gif") {
					pixel = &v.Requests[i]
				}
			}
			if pixel == nil {
				t.Fatalf("no pixel request among %d", len(v.Requests))
			}
			if pixel.RemoteIP != "127.0.0.1" {
				t.Errorf("pixel remote IP = %q, want 127.0.0.1", pixel.RemoteIP)
			}
			if !strings.HasSuffix(pixel.Initiator, "/tracker.js") {
				t.Errorf("pixel initiator = %q, want the tracker script", pixel.Initiator)
			}
			wantQuery := map[crawler.Profile]string{crawler.Baseline: "gpc=undefined&dnt=null", crawler.GPC: "gpc=true&dnt=null", crawler.DNT: "gpc=undefined&dnt=1"}[profile]
			if !strings.HasSuffix(pixel.URL, wantQuery) {
				t.Errorf("pixel URL %q, want it to end with %q", pixel.URL, wantQuery)
			}
			var names []string
			for _, c := range v.Cookies {
				names = append(names, c.Name)
			}
			slices.Sort(names)
			if !slices.Equal(names, []string{"js_id", "srv"}) {
				t.Errorf("cookies = %v", names)
			}
			if len(v.CookieWrites) != 1 || !strings.HasSuffix(v.CookieWrites[0].Script, "/tracker.js") || v.CookieWrites[0].Name != "js_id" {
				t.Errorf("cookie writes = %+v", v.CookieWrites)
			}
			if v.Globals["tracker.id"] != "T-1" || v.Globals["tracker"] == "" {
				t.Errorf("globals = %v", v.Globals)
			}
			if _, ok := v.Globals["missing.path"]; ok {
				t.Errorf("missing global reported")
			}
			if len(v.Storage) != 1 || v.Storage[0].Key != "tracker_key" {
				t.Errorf("storage = %+v", v.Storage)
			}
			reads := map[string]bool{}
			for _, r := range v.SignalReads {
				reads[r.Property] = strings.HasSuffix(r.Script, "/tracker.js")
			}
			if !reads["doNotTrack"] || (profile == crawler.GPC) != reads["globalPrivacyControl"] {
				t.Errorf("signal reads = %+v", v.SignalReads)
			}
			if len(v.Links) != 1 || !v.Links[0].InFooter || v.Links[0].Text != "Privacy Policy" {
				t.Errorf("links = %+v", v.Links)
			}
			if len(v.Overlays) != 1 || !slices.Contains(v.Overlays[0].Buttons, "Accept") {
				t.Errorf("overlays = %+v", v.Overlays)
			}
			var srvCookie *crawler.SetCookie
			for _, q := range v.Requests {
				for i, sc := range q.SetCookies {
					if sc.Name == "srv" {
						srvCookie = &q.SetCookies[i]
					}
				}
			}
			if srvCookie == nil || !strings.Contains(srvCookie.Line, "Max-Age=3600") {
				t.Errorf("Set-Cookie line for srv not recorded: %+v", srvCookie)
			}

			// The final jar is read with a context that carries no browser,
			// as the scan pipeline does after a profile's last page.
			jarCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			jar, err := s.Cookies(jarCtx)
			if err != nil {
				t.Fatalf("final jar: %v", err)
			}
			names = names[:0]
			for _, c := range jar {
				names = append(names, c.Name)
			}
			slices.Sort(names)
			if !slices.Equal(names, []string{"js_id", "srv"}) {
				t.Errorf("final jar = %v", names)
			}
		})
	}
}

func TestVisitPageErrors(t *testing.T) {
	requireChrome(t)
	srv, _ := smokeServer(t)
	opts := smokeOptions(srv)
	opts.PageTimeout = 3 * time.Second
	_, s := launchSession(t, opts, crawler.Baseline, 2)
	tests := []struct {
		path, kind string
	}{
		{"/alert", ""},
		{"/loop", crawler.PageErrorRedirect},
		{"/missing", crawler.PageErrorHTTP},
		{"/hang", crawler.PageErrorTimeout},
		{"http://unreachable.smoke.test/", crawler.PageErrorNetwork},
		{"/", ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			u := tt.path
			if strings.HasPrefix(u, "/") {
				u = "http://www.smoke.test" + u
			}
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()
			v, err := s.Visit(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			if v.ErrorKind != tt.kind {
				t.Errorf("error kind = %q (%s), want %q", v.ErrorKind, v.Error, tt.kind)
			}
			if tt.path == "/alert" && len(v.Dialogs) != 2 {
				t.Errorf("dialogs = %v", v.Dialogs)
			}
		})
	}
}

// TestRemoteBrowser attaches to a Chromium started elsewhere (as a worker's
// --browser-url does) and records a visit through it.
func TestRemoteBrowser(t *testing.T) {
	requireChrome(t)
	srv, _ := smokeServer(t)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "<title>Self-signed staging</title>")
	}))
	defer tlsSrv.Close()
	_, tlsPort, _ := net.SplitHostPort(strings.TrimPrefix(tlsSrv.URL, "https://"))
	path, _ := FindChrome("")
	dir := t.TempDir()
	args := []string{"--headless=new", "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1", "--user-data-dir=" + dir,
		"--no-first-run", "--disable-gpu", "--disable-dev-shm-usage",
		"--host-resolver-rules=MAP staging.smoke.test 127.0.0.1:" + tlsPort + ", " + smokeRules(port),
		"about:blank"}
	if os.Geteuid() == 0 {
		args = append(args, "--no-sandbox")
	}
	cmd := exec.Command(path, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Chromium's helpers share its process group; all of them must be gone
	// before the profile directory is removed.
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		time.Sleep(200 * time.Millisecond)
	})
	// Chromium writes its port and browser path to DevToolsActivePort.
	var wsURL string
	for deadline := time.Now().Add(30 * time.Second); wsURL == "" && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		data, err := os.ReadFile(filepath.Join(dir, "DevToolsActivePort"))
		if lines := strings.Fields(string(data)); err == nil && len(lines) == 2 {
			wsURL = "ws://127.0.0.1:" + lines[0] + lines[1]
		}
	}
	if wsURL == "" {
		t.Fatal("the remote Chromium did not report its DevTools address")
	}
	opts := DefaultOptions()
	opts.RemoteURL = wsURL
	opts.Insecure = true // applied over DevTools
	opts.PageTimeout = 8 * time.Second
	b, s := launchSession(t, opts, crawler.GPC, 1)
	v, err := s.Visit(t.Context(), "http://www.smoke.test/")
	if err != nil {
		t.Fatal(err)
	}
	if v.Error != "" || v.Title != "Smoke & test" {
		t.Fatalf("visit through the remote browser: error %q, title %q", v.Error, v.Title)
	}
	var names []string
	for _, c := range v.Cookies {
		names = append(names, c.Name)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"js_id", "srv"}) {
		t.Errorf("cookies = %v", names)
	}
	if sv, err := s.Visit(t.Context(), "https://staging.smoke.test/"); err != nil || sv.Error != "" || sv.Title != "Self-signed staging" {
		t.Errorf("self-signed site through the remote browser with Insecure: %v %q %q", err, sv.Error, sv.Title)
	}
	reads := false
	for _, r := range v.SignalReads {
		reads = reads || r.Property == "globalPrivacyControl"
	}
	if !reads {
		t.Errorf("the gpc profile's navigator override did not reach the remote browser: %+v", v.SignalReads)
	}
	// The browser belongs to whoever started it: closing ours leaves it
	// running.
	s.Close()
	b.Close()
	versionURL := strings.Replace(strings.Split(wsURL, "/devtools/")[0], "ws://", "http://", 1) + "/json/version"
	time.Sleep(time.Second)
	if resp, err := http.Get(versionURL); err != nil {
		t.Errorf("the remote browser was shut down with the scanner: %v", err)
	} else {
		resp.Body.Close()
	}
}

// TestBrowserRestartsAfterCrash kills the browser between sessions, as an
// out-of-memory kill would: the next session restarts it and its visit is
// recorded, and the restart is counted. The browser runs with none of its
// own windows (the first tab is closed at start), so this also shows that
// a browser with no window open stays usable.
func TestBrowserRestartsAfterCrash(t *testing.T) {
	requireChrome(t)
	srv, _ := smokeServer(t)
	opts := smokeOptions(srv)
	b, first := launchSession(t, opts, crawler.Baseline, 1)
	visit := func(s *Session) {
		t.Helper()
		v, err := s.Visit(t.Context(), "http://www.smoke.test/")
		if err != nil {
			t.Fatal(err)
		}
		if v.Error != "" || v.Status != 200 {
			t.Fatalf("visit error %q status %d", v.Error, v.Status)
		}
	}
	visit(first)
	first.Close()
	pid := b.PID()
	if pid == 0 {
		t.Fatal("no browser process")
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); b.alive() && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
	}
	again, err := b.NewSession(t.Context(), crawler.Baseline, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	visit(again)
	if got := b.Restarts(); got != 1 {
		t.Errorf("Restarts() = %d, want 1", got)
	}
	if b.PID() == pid {
		t.Errorf("still the killed browser's pid %d", pid)
	}
}

// TestNoBrowserUIPages checks that a session's tabs are the browser's only
// pages: no browser window of its own (the first tab is closed at start)
// and none of the WebUI pages Chromium loads for a window's toolbar, such
// as the omnibox popup, which cost about a CPU-second for every tab opened.
func TestNoBrowserUIPages(t *testing.T) {
	requireChrome(t)
	srv, _ := smokeServer(t)
	opts := smokeOptions(srv)
	const tabs = 3
	b, s := launchSession(t, opts, crawler.Baseline, tabs)
	var wg sync.WaitGroup
	for range tabs {
		wg.Go(func() {
			if v, err := s.Visit(t.Context(), "http://www.smoke.test/"); err != nil || v.Error != "" {
				t.Errorf("visit: %v %v", err, v)
			}
		})
	}
	wg.Wait()
	bctx, _, err := b.current()
	if err != nil {
		t.Fatal(err)
	}
	res, err := chromedp.CallBrowser(bctx, target.GetTargets, target.GetTargetsParams{})
	if err != nil {
		t.Fatal(err)
	}
	pages := 0
	for _, ti := range res.TargetInfos {
		switch {
		case ti.Type == "page" && ti.BrowserContextID == s.BrowserContextID():
			pages++
		case ti.Type == "page" || ti.Type == "browser_ui" || strings.HasPrefix(ti.URL, "chrome://"):
			t.Errorf("target %s %s (%q) besides the session's tabs", ti.Type, ti.URL, ti.Title)
		}
	}
	if pages != tabs {
		t.Errorf("%d pages in the session's context, want %d", pages, tabs)
	}
}
