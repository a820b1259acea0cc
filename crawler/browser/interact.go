package browser

import (
	"context"
	"fmt"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/privscan/privscan/crawler"
)

// afterInteractMin is how long VisitAndInteract watches the page after the
// interaction at least: consent managers load the scripts a choice allows
// from timers and promises, not at once.
const afterInteractMin = 1500 * time.Millisecond

// navGrace is how long after the interaction a navigation it caused (a
// banner that reloads the page) has to show its document request.
const navGrace = 300 * time.Millisecond

// VisitAndInteract loads url in a free tab of the session, waits for it to
// settle and records it as before (with a screenshot). Then it runs fn with
// the tab's chromedp context (fn may click, evaluate, wait), waits for the
// page to settle again — including a navigation fn caused — and records
// what happened from the start of fn on as after: the requests, cookie
// writes and storage writes made since, and the cookie jar, globals,
// overlays, DOM and a screenshot as they are then. after.Status is the
// status of the document the tab shows at the end.
//
// The tab stays in the session, so the browser context keeps whatever
// state fn created (cookies, localStorage) for later visits.
//
// fnErr is fn's error. fn is not run (and after is nil) when the page did
// not load (before.Error is set). err is non-nil only when ctx ended before
// a tab was free.
func (s *Session) VisitAndInteract(ctx context.Context, url string, fn func(ctx context.Context) error) (before, after *crawler.Visit, fnErr, err error) {
	var t *tab
	select {
	case t = <-s.tabs:
	case <-ctx.Done():
		return nil, nil, nil, ctx.Err()
	}
	defer func() { s.tabs <- t }()
	before = &crawler.Visit{URL: url, Profile: s.profile, StartedAt: time.Now()}
	var oerr error
	if t, oerr = s.usableTab(t); oerr != nil {
		before.Error, before.ErrorKind = oerr.Error(), crawler.PageErrorBrowser
		return before, nil, nil, nil
	}
	s.visit(ctx, t, before, true)
	if before.ErrorKind == crawler.PageErrorCrash {
		t.dead = true
		_ = s.b.revive()
		return before, nil, nil, nil
	}
	if before.Error != "" && before.ErrorKind != crawler.PageErrorHTTP && before.ErrorKind != crawler.PageErrorTimeout {
		return before, nil, nil, nil
	}
	if ctx.Err() != nil {
		return before, nil, nil, nil
	}
	after, fnErr = s.interact(ctx, t, before, fn)
	if after.ErrorKind == crawler.PageErrorCrash {
		t.dead = true
		_ = s.b.revive()
		return before, after, fnErr, nil
	}
	// Stop the page: its scripts would otherwise go on writing cookies
	// into the context's jar, unrecorded, while other tabs visit pages.
	c, cancel := context.WithTimeout(t.ctx, 5*time.Second)
	_, _ = chromedp.Call(c, page.Navigate, page.NavigateParams{URL: "about:blank"})
	cancel()
	return before, after, fnErr, nil
}

// usableTab returns t, or a new tab when t is missing, dead or of a
// browser that has since been restarted. When no tab opens because the
// browser died, the browser is restarted once, as VisitWith does. It
// returns nil with the error when no tab could be opened.
func (s *Session) usableTab(t *tab) (*tab, error) {
	if t != nil && !t.dead && t.gen == s.currentGen() {
		return t, nil
	}
	if t != nil {
		t.cancel()
	}
	t, err := s.openTab()
	if err != nil && !s.b.alive() && s.b.revive() == nil {
		t, err = s.openTab()
	}
	if err != nil {
		return nil, err
	}
	return t, nil
}

func (s *Session) interact(parent context.Context, t *tab, before *crawler.Visit, fn func(ctx context.Context) error) (*crawler.Visit, error) {
	opts := s.b.opts
	if s.PageTimeout > 0 {
		opts.PageTimeout = s.PageTimeout
	}
	after := &crawler.Visit{URL: before.URL, Profile: s.profile, StartedAt: time.Now()}
	ctx, cancel := context.WithTimeout(t.ctx, opts.PageTimeout)
	defer cancel()
	stopParent := context.AfterFunc(parent, cancel)
	defer stopParent()
	t.rec.begin(after, cancel)
	// The marker tells settleAfter whether fn navigated the tab.
	mc, mcancel := context.WithTimeout(ctx, 2*time.Second)
	_, _ = chromedp.Run(mc, chromedp.Evaluate[bool](`window.__privscanInteract = true`))
	mcancel()

	start := time.Now()
	fnErr := fn(ctx)
	done := time.Now()
	s.settleAfter(ctx, t, opts, done)
	after.Load = time.Since(start)
	_, crashed, _ := t.rec.state(time.Now(), beaconGrace)
	t.rec.end()

	cctx, ccancel := context.WithTimeout(t.ctx, 10*time.Second)
	defer ccancel()
	stopParent2 := context.AfterFunc(parent, ccancel)
	defer stopParent2()
	after.Status = before.Status
	if doc := lastDocument(after); doc != nil {
		after.Status = doc.Status
	}
	if crashed {
		after.Error, after.ErrorKind = "the tab crashed", crawler.PageErrorCrash
		s.collectCookies(cctx, after)
		return after, fnErr
	}
	if ctx.Err() != nil && parent.Err() == nil {
		after.Error, after.ErrorKind = fmt.Sprintf("page did not settle within %s after the interaction", opts.PageTimeout), crawler.PageErrorTimeout
	}
	opts.Screenshots = true
	s.collect(cctx, t, after, opts)
	if parent.Err() != nil && after.Error == "" {
		after.Error, after.ErrorKind = "scan interrupted", crawler.PageErrorCancelled
	}
	return after, fnErr
}

// settleAfter waits until the network has been quiet for opts.Quiet, at
// least afterInteractMin after done, and — when the interaction navigated
// the tab (the marker set before it is gone) — until the new document has
// loaded.
func (s *Session) settleAfter(ctx context.Context, t *tab, opts Options, done time.Time) {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		now := time.Now()
		_, crashed, quiet := t.rec.state(now, beaconGrace)
		if crashed {
			return
		}
		if quiet >= opts.Quiet && now.Sub(done) >= afterInteractMin && now.Sub(done) >= navGrace {
			c, cancel := context.WithTimeout(ctx, 2*time.Second)
			state, err := chromedp.Run(c, chromedp.Evaluate[string](`window.__privscanInteract === true ? "same" : document.readyState`))
			cancel()
			if err == nil && (state == "same" || state == "complete") {
				return
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// lastDocument is the last main-document response of a visit, if any.
func lastDocument(v *crawler.Visit) *crawler.Request {
	var out *crawler.Request
	for i := range v.Requests {
		q := &v.Requests[i]
		if q.ResourceType == string(network.ResourceTypeDocument) && q.DocumentURL == q.URL && q.Status > 0 {
			out = q
		}
	}
	return out
}

// Screenshot captures the viewport of the tab whose chromedp context ctx
// is (the context VisitAndInteract passes to its fn).
func Screenshot(ctx context.Context) ([]byte, error) {
	return chromedp.Run(ctx, chromedp.CaptureScreenshot())
}
