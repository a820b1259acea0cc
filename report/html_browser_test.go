package report_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/privscan/privscan/crawler/browser"
	"github.com/privscan/privscan/internal/testenv"
	"github.com/privscan/privscan/report"
	"github.com/privscan/privscan/report/reporttest"
)

// chrome returns a browser context for tests, skipping when Chromium is
// missing (failing instead when $CI is set: CI must run browser tests).
func chrome(t *testing.T) context.Context {
	t.Helper()
	path, err := browser.FindChrome("")
	testenv.Need(t, err)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("hide-scrollbars", true),
	}
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// pageEvents records what a tab did; the listener only appends under a
// mutex (it must never block or send commands).
type pageEvents struct {
	mu       sync.Mutex
	requests []string
	console  []string
}

func (p *pageEvents) listen(ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		p.requests = append(p.requests, ev.Request.URL)
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
			var parts []string
			for _, a := range ev.Args {
				parts = append(parts, string(a.Value)+a.Description)
			}
			p.console = append(p.console, "console."+string(ev.Type)+": "+strings.Join(parts, " "))
		}
	case *runtime.EventExceptionThrown:
		p.console = append(p.console, "exception: "+ev.ExceptionDetails.Text)
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
			p.console = append(p.console, "log."+string(ev.Entry.Level)+": "+ev.Entry.Text+" "+ev.Entry.URL)
		}
	}
}

// TestHTMLInChromium opens the HTML report of the hostile fixture in real
// Chromium and checks that it is quiet (no console errors, which includes
// CSP violations), self-contained (no request but the document and data:
// URLs), inert (no planted script ran), and that the sort script works.
// The screenshots go to $PRIVSCAN_SCREENSHOT_DIR when set, else a temp dir.
func TestHTMLInChromium(t *testing.T) {
	ctx := chrome(t)
	dir := os.Getenv("PRIVSCAN_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	html := render(t, report.FormatHTML, brandOptions(), reporttest.Fixture())
	file := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(file, html, 0o644); err != nil {
		t.Fatal(err)
	}
	docURL := "file://" + file

	ev := &pageEvents{}
	tab, cancel := chromedp.NewContext(ctx, chromedp.WithListener(ev.listen))
	defer cancel()
	tab, cancelTimeout := context.WithTimeout(tab, 60*time.Second)
	defer cancelTimeout()
	if err := chromedp.Do(tab, chromedp.Navigate(docURL)); err != nil {
		t.Fatalf("navigate: %v", err)
	}
	// Let late work (lazy images, timers a payload might have set) happen.
	if err := chromedp.Do(tab, chromedp.Sleep(500*time.Millisecond)); err != nil {
		t.Fatal(err)
	}

	pwned, err := chromedp.Run(tab, chromedp.Evaluate[string](`typeof window.pwned`))
	if err != nil {
		t.Fatal(err)
	}
	if pwned != "undefined" {
		t.Errorf("a hostile payload ran: typeof window.pwned = %q", pwned)
	}
	title, err := chromedp.Run(tab, chromedp.Title())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(title, "Privacy audit") {
		t.Errorf("title = %q", title)
	}
	// The finding titles are on the page, as text.
	text, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range reporttest.Titles {
		if !strings.Contains(text, strings.Fields(want)[0]) || !strings.Contains(text, want[:20]) {
			t.Errorf("page text lacks finding %q", want)
		}
	}
	if !strings.Contains(text, reporttest.XSSScript) {
		t.Error("the hostile title is not shown as text")
	}
	// Every image decoded (logo and screenshots are data URIs).
	broken, err := chromedp.Run(tab, chromedp.Evaluate[int](`Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).length`))
	if err != nil {
		t.Fatal(err)
	}
	if broken != 0 {
		t.Errorf("%d images did not load", broken)
	}
	// The sort script ran (the CSP allows it by hash) and sorts.
	sorted, err := chromedp.Run(tab, chromedp.Evaluate[string](`(() => {
		const table = document.querySelector('#third-parties table');
		const th = table.querySelectorAll('thead th')[2];
		if (!th.classList.contains('sort-handle')) return 'script did not run';
		th.click(); th.click(); // descending by requests
		return table.tBodies[0].rows[0].cells[0].textContent;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if sorted != "facebook.com" {
		t.Errorf("after sorting by requests, first third party = %q, want facebook.com", sorted)
	}

	shot, err := chromedp.Run(tab, chromedp.FullScreenshot(90))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "report-full.jpg")
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	view, err := chromedp.Run(tab, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "report-top.png"), view, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)

	ev.mu.Lock()
	defer ev.mu.Unlock()
	// The document itself is recorded, so the listener saw the network.
	if !slices.Contains(ev.requests, docURL) {
		t.Errorf("no request for the document recorded; requests: %q", ev.requests)
	}
	for _, u := range ev.requests {
		if u != docURL && !strings.HasPrefix(u, "data:") {
			t.Errorf("the report made a request: %s", u)
		}
	}
	for _, m := range ev.console {
		t.Errorf("console: %s", m)
	}
}
