package scan_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/internal/scan"
)

// TestRobustnessFixtures scans the chaos site: every robustness page is
// visited without a hang or a crash of the scan, each with its page error
// (or its dialogs, pop-ups and downloads) recorded, and the scan goes on.
func TestRobustnessFixtures(t *testing.T) {
	home := site(t, "chaos").Home
	r := scanSite(t, home, func(o *scan.Options) {
		o.Profiles = []crawler.Profile{crawler.Baseline}
		o.PageTimeout = 20 * time.Second
		o.MaxPages = 30
		o.Observations = true
	})
	kinds := map[string]string{}
	for _, p := range r.Pages {
		kinds[strings.TrimPrefix(p.URL, strings.TrimSuffix(home, "/"))] = p.ErrorKind
	}
	want := map[string]string{
		"/":              "",
		"/alert":         "",
		"/popup":         "",
		"/redirect-loop": crawler.PageErrorRedirect,
		// A long poll is a long-lived connection: the page is a normal
		// visit (settled or not by the end of its dwell).
		"/long-poll":       "",
		"/404":             crawler.PageErrorHTTP,
		"/slow":            "",
		"/non-utf8-policy": "",
		"/unreachable":     "",
	}
	for path, kind := range want {
		got, ok := kinds[path]
		if !ok {
			t.Errorf("%s was not visited (visited: %v)", path, kinds)
			continue
		}
		if got != kind {
			t.Errorf("%s: error kind %q, want %q", path, got, kind)
		}
	}
	// How fast a 5 MB DOM renders and how fast a memory bomb reaches the
	// heap limit depend on the machine's load; either way the visit must be
	// recorded and the scan go on. TestCrashedTabIsReplaced asserts the
	// crash itself.
	if k, ok := kinds["/huge-dom"]; !ok || (k != "" && k != crawler.PageErrorTimeout) {
		t.Errorf("/huge-dom: visited %v, error kind %q", ok, k)
	}
	if k, ok := kinds["/crash"]; !ok || (k != crawler.PageErrorCrash && k != crawler.PageErrorTimeout) {
		t.Errorf("/crash: visited %v, error kind %q", ok, k)
	}
	if k, ok := kinds["/download"]; !ok || (k != "" && k != crawler.PageErrorDownload) {
		t.Errorf("/download: visited %v, error kind %q", ok, k)
	}
	for _, o := range r.Observations {
		switch strings.TrimPrefix(o.URL, strings.TrimSuffix(home, "/")) {
		case "/alert":
			if len(o.Dialogs) != 2 {
				t.Errorf("/alert dialogs = %v, want the alert and the confirm", o.Dialogs)
			}
		case "/popup":
			if len(o.Popups) != 1 || !strings.HasSuffix(o.Popups[0], "/popup-target") {
				t.Errorf("/popup popups = %v", o.Popups)
			}
		case "/download":
			if len(o.Downloads) != 1 || !strings.HasSuffix(o.Downloads[0], "/files/report.csv") {
				t.Errorf("/download downloads = %v", o.Downloads)
			}
		}
	}
	for _, p := range r.Pages {
		if strings.Contains(p.URL, "unreachable.test") {
			t.Errorf("followed an off-site link: %s", p.URL)
		}
	}
}

// TestCrashedTabIsReplaced crashes a tab for real (the chaos site's memory
// bomb hits the renderer's heap limit) and checks that the crash is recorded and the next visit in the
// same session works.
func TestCrashedTabIsReplaced(t *testing.T) {
	w := getWorld(t)
	sess, err := w.scanner.Browser().NewSession(t.Context(), crawler.Baseline, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	sess.PageTimeout = 30 * time.Second
	v, err := sess.Visit(t.Context(), site(t, "chaos").Home+"crash")
	if err != nil {
		t.Fatal(err)
	}
	if v.ErrorKind != crawler.PageErrorCrash {
		t.Errorf("/crash: error kind %q (%s), want crash", v.ErrorKind, v.Error)
	}
	v, err = sess.Visit(t.Context(), site(t, "peerzone").Home)
	if err != nil {
		t.Fatal(err)
	}
	if v.Error != "" || v.Status != 200 || len(v.Requests) < 3 {
		t.Errorf("visit after the crash: error %q status %d, %d requests", v.Error, v.Status, len(v.Requests))
	}
}

// TestInterruptedScanKeepsWhatItHas cancels a scan midway: the report comes
// back with what was collected and says it was interrupted.
func TestInterruptedScanKeepsWhatItHas(t *testing.T) {
	w := getWorld(t)
	target, _ := scan.ParseTarget(site(t, "dynamicweb").Home)
	ctx, cancel := context.WithCancel(context.Background())
	opts := w.opts
	opts.Concurrency = 1
	opts.Progress = func(p scan.Progress) {
		if p.Done == 3 {
			cancel()
		}
	}
	r, err := w.scanner.WithOptions(opts).Scan(ctx, target)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if r == nil || !r.Interrupted {
		t.Fatalf("report %v: want an interrupted report", r)
	}
	if len(r.Pages) < 3 || len(r.Cookies) == 0 {
		t.Errorf("interrupted report lost data: %d pages, %d cookies", len(r.Pages), len(r.Cookies))
	}
	if r.FinishedAt.IsZero() {
		t.Error("no finish time")
	}
	if len(r.Trackers) == 0 || len(r.Findings) != 0 || len(r.Errors) == 0 {
		t.Errorf("interrupted report: %d trackers, %d findings, notes %q; want trackers, no findings, a note", len(r.Trackers), len(r.Findings), r.Errors)
	}
}

func TestBadTargets(t *testing.T) {
	for _, raw := range []string{"", "ftp://example.com/", "http://", "https://exa mple.com/", "javascript:alert(1)"} {
		if _, err := scan.ParseTarget(raw); err == nil {
			t.Errorf("ParseTarget(%q): want an error", raw)
		}
	}
	if u, err := scan.ParseTarget("www.example.com"); err != nil || u.String() != "https://www.example.com/" {
		t.Errorf("bare host: %v %v", u, err)
	}
	w := getWorld(t)
	target, _ := scan.ParseTarget("https://offline.unreachable.test/")
	r, err := w.scanner.Scan(t.Context(), target)
	if err == nil || r != nil || !strings.Contains(err.Error(), "unreachable") {
		t.Errorf("unreachable target: report %v, err %v", r != nil, err)
	}
}

// TestAwkwardPolicies reads policies that are not plain UTF-8 HTML: a
// windows-1252 page and a PDF, given with --policy.
func TestAwkwardPolicies(t *testing.T) {
	home := site(t, "chaos").Home
	for _, path := range []string{"non-utf8-policy", "policy.pdf"} {
		t.Run(path, func(t *testing.T) {
			r := scanSite(t, home, func(o *scan.Options) {
				o.Profiles = []crawler.Profile{crawler.Baseline}
				o.MaxPages = 1
				o.Depth = 0
				o.Policy = home + path
			})
			p := r.Policy
			if p == nil || !p.Found {
				t.Fatalf("policy not read: %+v", p)
			}
			if !p.Mentions["cookies"] {
				t.Errorf("the policy's cookie statements were not understood: %+v", p.Mentions)
			}
			if p.Title == nil || strings.ContainsRune(*p.Title, '\uFFFD') {
				t.Errorf("title %v: decoding failed", p.Title)
			}
		})
	}
}
