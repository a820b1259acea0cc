package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/privscan/privscan/crawler/browser"
	"github.com/privscan/privscan/internal/monitor"
	"github.com/privscan/privscan/internal/store"
	"github.com/privscan/privscan/internal/store/storetest"
	"github.com/privscan/privscan/internal/testenv"
	"github.com/privscan/privscan/internal/web"
	"github.com/privscan/privscan/report"
)

const token = "test-token-123"

type fakeResolver map[string][]netip.Addr

func (f fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if a, ok := f[host]; ok {
		return a, nil
	}
	return nil, errors.New("no such host")
}

func ptr[T any](v T) *T { return &v }

// seed stores two scans of one site: the second adds a finding and a tracker.
func seed(t *testing.T, db *store.DB) (store.ScanID, store.ScanID) {
	t.Helper()
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	mk := func(at time.Time, findings ...report.Finding) *report.Report {
		r := &report.Report{SchemaVersion: 1, Tool: report.Tool{Name: "privscan", Version: "test"}, Target: "https://www.shop.test/",
			StartedAt: at, FinishedAt: at.Add(time.Minute), Profiles: []string{"baseline"}, Findings: findings,
			Pages: []report.Page{{URL: "https://www.shop.test/", Profile: "baseline", Status: 200, Title: "Shop"}}}
		r.Summary.Count(findings)
		return r
	}
	a := report.Finding{ID: "PS-AAAA", Code: "dnt-undisclosed", Severity: report.Low, Title: "No statement on Do Not Track"}
	b := report.Finding{ID: "PS-BBBB", Code: "undisclosed-vendor", Severity: report.High, Vendor: ptr("facebook"), Title: "Meta Pixel <script>alert(1)</script> not named"}
	id1, err := db.SaveScan(ctx, mk(t0, a))
	if err != nil {
		t.Fatal(err)
	}
	r2 := mk(t0.Add(24*time.Hour), a, b)
	r2.Trackers = []report.Tracker{{Vendor: "facebook", Name: "Meta Pixel", Category: "marketing", Profiles: []string{"baseline"}}}
	id2, err := db.SaveScan(ctx, r2)
	if err != nil {
		t.Fatal(err)
	}
	return id1, id2
}

func newServer(t *testing.T, allowPrivate bool) (*httptest.Server, *store.DB, store.ScanID, store.ScanID) {
	t.Helper()
	db := storetest.Open(t, store.SQLite)
	id1, id2 := seed(t, db)
	s, err := web.New(db, web.Config{Token: token, AllowPrivate: allowPrivate, Resolver: fakeResolver{}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts, db, id1, id2
}

func TestAuth(t *testing.T) {
	if _, err := web.New(nil, web.Config{}); err == nil {
		t.Error("New without a token succeeded")
	}
	ts, _, _, id2 := newServer(t, false)
	tests := []struct {
		name, path, auth string
		want             int
	}{
		{"no token", "/", "", http.StatusUnauthorized},
		{"wrong token", "/", "Bearer nope-nope-nope", http.StatusUnauthorized},
		{"bearer", "/", "Bearer " + token, http.StatusOK},
		{"report", "/scans/" + id2.String(), "Bearer " + token, http.StatusOK},
		{"report json", "/scans/" + id2.String() + "/json", "Bearer " + token, http.StatusOK},
		{"missing report", "/scans/999", "Bearer " + token, http.StatusNotFound},
		{"login form is open", "/login", "", http.StatusOK},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+tt.path, nil)
		if tt.auth != "" {
			req.Header.Set("Authorization", tt.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("%s: GET %s = %d, want %d", tt.name, tt.path, resp.StatusCode, tt.want)
		}
	}
}

func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path, err := browser.FindChrome("")
	testenv.Need(t, err)
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(path), chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Headless, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-background-networking", true)}
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelT(); cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// TestDashboardInChromium logs in through the form and walks the pages a
// user would: sites, a site with its chart, a report, a diff, monitors.
func TestDashboardInChromium(t *testing.T) {
	ctx := newBrowser(t)
	ts, db, id1, id2 := newServer(t, false)

	// Unauthenticated: the browser lands on the login form.
	must(t, chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.ID("token"))))
	must(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("token"), "wrong-token"), chromedp.Click(chromedp.ID("login")),
		chromedp.WaitVisible(chromedp.ID("login-error"))))
	must(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("token"), token), chromedp.Click(chromedp.ID("login")),
		chromedp.WaitVisible(chromedp.ID("sites"))))
	sites := run(t, ctx, chromedp.Text(chromedp.ID("sites")))
	if !strings.Contains(sites, "https://www.shop.test/") {
		t.Errorf("sites table: %q", sites)
	}

	// The site page: latest findings (escaped), the chart renders.
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#sites a[href^="/site"]`)), chromedp.WaitVisible(chromedp.ID("findings"))))
	findings := run(t, ctx, chromedp.Text(chromedp.ID("findings")))
	if !strings.Contains(findings, "<script>alert(1)</script>") || !strings.Contains(findings, "PS-BBBB") {
		t.Errorf("findings table: %q", findings)
	}
	if pwned := run(t, ctx, chromedp.Evaluate[string](`typeof window.pwned`)); pwned != "undefined" {
		t.Error("script ran")
	}
	time.Sleep(300 * time.Millisecond)
	w := run(t, ctx, chromedp.Evaluate[int](`document.getElementById("chart").naturalWidth`))
	if w != 640 {
		t.Errorf("chart naturalWidth = %d, want 640 (the SVG did not load)", w)
	}

	// The diff between the two scans.
	must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`a.diff-link`)), chromedp.WaitVisible(chromedp.ID("new-findings"))))
	newF := run(t, ctx, chromedp.Text(chromedp.ID("new-findings")))
	if !strings.Contains(newF, "PS-BBBB") || strings.Contains(newF, "PS-AAAA") {
		t.Errorf("new findings of %d→%d: %q", id1, id2, newF)
	}
	if loc := run(t, ctx, chromedp.Location()); !strings.Contains(loc, "old="+id1.String()) {
		t.Errorf("diff location %s", loc)
	}

	// The HTML report of a scan.
	must(t, chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/scans/"+id2.String())))
	if body := run(t, ctx, chromedp.Text(chromedp.CSS("body"))); !strings.Contains(body, "www.shop.test") {
		t.Errorf("report page lacks the target")
	}

	// Monitors: a private address is refused; a public one is added and removed.
	must(t, chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/monitors"), chromedp.WaitVisible(chromedp.ID("url")),
		chromedp.SendKeys(chromedp.ID("url"), "http://10.1.2.3/"), chromedp.Click(chromedp.ID("add-button")),
		chromedp.WaitVisible(chromedp.ID("error"))))
	if msg := run(t, ctx, chromedp.Text(chromedp.ID("error"))); !strings.Contains(msg, "private") {
		t.Errorf("error = %q", msg)
	}
	must(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("url"), "https://93.184.216.34/"), chromedp.Click(chromedp.ID("add-button")),
		chromedp.WaitVisible(chromedp.ID("added"))))
	if tbl := run(t, ctx, chromedp.Text(chromedp.ID("monitors"))); !strings.Contains(tbl, "93.184.216.34") {
		t.Errorf("monitors = %q", tbl)
	}
	// The worker keeps checking where the site really is (DNS rebinding).
	if m, err := db.Monitor(context.Background(), "https://93.184.216.34/"); err != nil {
		t.Error(err)
	} else if o, _ := monitor.ParseOptions(m.Options); !o.PublicOnly {
		t.Errorf("monitor options %s: want public_only", m.Options)
	}
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS("button.remove")))); err != nil {
		t.Fatal(err)
	}
	if tbl := run(t, ctx, chromedp.Text(chromedp.ID("monitors"))); strings.Contains(tbl, "93.184.216.34") {
		t.Errorf("monitor not removed: %q", tbl)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
