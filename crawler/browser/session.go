package browser

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/debugger"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/privscan/privscan/crawler"
)

//go:embed js/inject.js
var injectJS string

//go:embed js/probe.js
var probeJS string

//go:embed js/apis.js
var apisJS string

// beaconGrace is how long an unanswered beacon may keep a page from counting
// as idle.
const beaconGrace = 2 * time.Second

// Session is one browser context (cookie jar) with up to n tabs, all under
// one profile. Visit may be called from n goroutines at once.
type Session struct {
	b       *Browser
	profile crawler.Profile
	tabs    chan *tab
	gen     int
	bctxID  cdp.BrowserContextID
	mu      sync.Mutex // guards created and the browser context fields
	created []*tab
	// PageTimeout overrides the browser's page timeout when positive.
	PageTimeout time.Duration
	// Dwell overrides the browser's dwell when positive.
	Dwell time.Duration
	// NoInteraction keeps this session's visits from acting like a
	// visitor, whatever the browser's options say.
	NoInteraction bool
	// Restarted is set when the browser had to be restarted during this
	// session: the cookie jar was lost then.
	Restarted bool
}

type tab struct {
	ctx    context.Context
	cancel context.CancelFunc
	rec    *recorder
	frame  cdp.FrameID
	gen    int
	dead   bool
}

// NewSession makes a fresh browser context for profile with room for n tabs.
func (b *Browser) NewSession(ctx context.Context, profile crawler.Profile, n int) (*Session, error) {
	if !profile.Valid() {
		return nil, fmt.Errorf("unknown profile %q", profile)
	}
	if n < 1 {
		n = 1
	}
	s := &Session{b: b, profile: profile, tabs: make(chan *tab, n)}
	if err := s.newContext(ctx); err != nil {
		// A browser that died since the last visit is restarted once.
		if ctx.Err() != nil {
			return nil, err
		}
		if rerr := b.revive(); rerr != nil {
			return nil, fmt.Errorf("%w (restart failed: %v)", err, rerr)
		}
		if err := s.newContext(ctx); err != nil {
			return nil, err
		}
	}
	// The first visit opens its tab itself; the others are opened in the
	// background meanwhile, so they are ready when the first page (visited
	// alone) is done.
	s.tabs <- nil
	for range n - 1 {
		go func() {
			t, err := s.openTab()
			if err != nil {
				s.b.logger.Debug("open tab", "err", err)
				t = nil
			}
			s.tabs <- t
		}()
	}
	return s, nil
}

func (s *Session) newContext(ctx context.Context) error {
	bctx, gen, err := s.b.current()
	if err != nil {
		return err
	}
	c, cancel := context.WithTimeout(bctx, 15*time.Second)
	defer cancel()
	res, err := chromedp.CallBrowser(c, target.CreateBrowserContext, target.CreateBrowserContextParams{})
	if err != nil {
		return fmt.Errorf("create browser context: %w", err)
	}
	s.bctxID, s.gen = res.BrowserContextID, gen
	_, err = chromedp.CallBrowser(c, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorDeny, BrowserContextID: s.bctxID, EventsEnabled: new(true),
	})
	if err != nil {
		s.b.logger.Debug("download behaviour", "err", err)
	}
	return nil
}

// Profile returns the session's profile.
func (s *Session) Profile() crawler.Profile { return s.profile }

// BrowserContextID returns the id of the session's browser context.
func (s *Session) BrowserContextID() cdp.BrowserContextID { return s.bctxID }

// Close disposes of the browser context, which closes its tabs, then
// releases the tab contexts.
func (s *Session) Close() {
	bctx, gen, err := s.b.current()
	if err == nil && gen == s.gen {
		c, cancel := context.WithTimeout(bctx, 5*time.Second)
		_, _ = chromedp.CallBrowser(c, target.DisposeBrowserContext, target.DisposeBrowserContextParams{BrowserContextID: s.bctxID})
		cancel()
	}
	s.mu.Lock()
	created := slices.Clone(s.created)
	s.mu.Unlock()
	var wg sync.WaitGroup
	for _, t := range created {
		wg.Go(t.cancel)
	}
	wg.Wait()
}

// openTab creates a tab in the session's browser context and prepares it:
// profile headers and navigator overrides, the recording binding, async
// stacks for attribution, and a dialog closer.
func (s *Session) openTab() (*tab, error) {
	bctx, gen, err := s.b.current()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if gen != s.gen {
		// The browser was restarted: the old browser context is gone.
		if err := s.newContext(context.Background()); err != nil {
			s.mu.Unlock()
			return nil, err
		}
		s.Restarted = true
	}
	bctxID, sgen := s.bctxID, s.gen
	s.mu.Unlock()
	opened := time.Now()
	defer func() { s.b.logger.Debug("tab opened", "profile", s.profile, "took", time.Since(opened)) }()
	rec := newRecorder()
	tctx, cancel := chromedp.NewContext(bctx, chromedp.WithExistingBrowserContext(bctxID), chromedp.WithListener(rec.listen))
	if err := chromedp.Do(tctx); err != nil {
		cancel()
		return nil, fmt.Errorf("open tab: %w", err)
	}
	t := &tab{ctx: tctx, cancel: cancel, rec: rec, gen: sgen}
	t.frame = cdp.FrameID(chromedp.FromContext(tctx).Target.TargetID)
	rec.mu.Lock()
	rec.frame = t.frame
	rec.mu.Unlock()
	setup := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		headers := network.Headers{}
		switch s.profile {
		case crawler.GPC:
			headers["Sec-GPC"] = "1"
		case crawler.DNT:
			headers["DNT"] = "1"
		}
		if len(headers) > 0 {
			if _, err := cdp.Call(ctx, tg, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: headers}); err != nil {
				return err
			}
		}
		if ua := s.b.UserAgent(); ua != "" {
			if _, err := cdp.Call(ctx, tg, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: ua}); err != nil {
				return err
			}
		}
		// chromedp enables the DOM, CSS and Log domains on every tab for
		// its selector queries; the scanner runs none and reads no log
		// entries, and the DOM and CSS agents track every node and style
		// sheet of a page at a cost in the renderer.
		for _, m := range []string{"CSS.disable", "DOM.disable", "Log.disable"} {
			if err := tg.Call(ctx, m, cdp.Empty{}, nil); err != nil {
				return fmt.Errorf("%s: %w", m, err)
			}
		}
		// The Network domain keeps a copy of response bodies for
		// Network.getResponseBody, which the scanner never asks for;
		// request bodies (beacons) still come with requestWillBeSent.
		if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{MaxTotalBufferSize: new(int64(1)), MaxResourceBufferSize: new(int64(1)), MaxPostDataSize: new(int64(64 << 10))}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, tg, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, tg, runtime.AddBinding, runtime.AddBindingParams{Name: bindingName}); err != nil {
			return err
		}
		src := strings.ReplaceAll(injectJS, "%PROFILE%", string(s.profile))
		if _, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: src}); err != nil {
			return err
		}
		// Without an async stack, new Image() pixels are attributed to the
		// parser instead of the script that made them (harness.md §2.1).
		_, err := cdp.Call(ctx, tg, debugger.SetAsyncCallStackDepth, debugger.SetAsyncCallStackDepthParams{MaxDepth: 32})
		return err
	})
	c, cancelSetup := context.WithTimeout(tctx, 15*time.Second)
	defer cancelSetup()
	if err := chromedp.Do(c, setup); err != nil {
		cancel()
		return nil, fmt.Errorf("prepare tab: %w", err)
	}
	go closeDialogs(tctx, rec.dialogs)
	go resumePaused(tctx, rec)
	s.mu.Lock()
	s.created = append(s.created, t)
	s.mu.Unlock()
	return t, nil
}

// closeDialogs dismisses JavaScript dialogs so they cannot block a visit.
// It runs outside the read loop, as commands must.
func closeDialogs(ctx context.Context, dialogs <-chan string) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-dialogs:
			c, cancel := context.WithTimeout(ctx, 5*time.Second)
			_, _ = chromedp.Call(c, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
			cancel()
		}
	}
}

// resumePaused answers the document requests the Fetch domain holds while
// a visit watches for navigations (settle.go): a navigation of the main
// frame is stopped, so that a page that moves on when scrolled is recorded
// as it was; frames' documents go on. It runs outside the read loop, as
// commands must.
func resumePaused(ctx context.Context, rec *recorder) {
	for {
		select {
		case <-ctx.Done():
			return
		case e := <-rec.paused:
			c, cancel := context.WithTimeout(ctx, 5*time.Second)
			if rec.navigationPaused(e) {
				_, _ = chromedp.Call(c, fetch.FailRequest, fetch.FailRequestParams{RequestID: e.RequestID, ErrorReason: network.ErrorReasonAborted})
			} else {
				_, _ = chromedp.Call(c, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: e.RequestID})
			}
			cancel()
		}
	}
}

// Visit loads url in a free tab, waits for it to settle and records
// everything. It never returns an error for page-level failures: those are
// recorded on the visit. It returns an error only when ctx ends before a tab
// was free.
func (s *Session) Visit(ctx context.Context, url string) (*crawler.Visit, error) {
	return s.VisitWith(ctx, url, s.b.opts.Screenshots)
}

// VisitWith is Visit with a choice of capturing a viewport screenshot.
func (s *Session) VisitWith(ctx context.Context, url string, screenshot bool) (*crawler.Visit, error) {
	var t *tab
	select {
	case t = <-s.tabs:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	v := &crawler.Visit{URL: url, Profile: s.profile, StartedAt: time.Now()}
	defer func() { s.tabs <- t }()
	t, err := s.usableTab(t)
	if err != nil {
		v.Error, v.ErrorKind = err.Error(), crawler.PageErrorBrowser
		return v, nil
	}
	s.visit(ctx, t, v, screenshot)
	if v.ErrorKind == crawler.PageErrorCrash {
		t.dead = true
		_ = s.b.revive()
	}
	if ctx.Err() != nil && v.Error == "" {
		v.Error, v.ErrorKind = "scan interrupted", crawler.PageErrorCancelled
	}
	return v, nil
}

func (s *Session) currentGen() int {
	_, gen, _ := s.b.current()
	return gen
}

func (s *Session) visit(parent context.Context, t *tab, v *crawler.Visit, screenshot bool) {
	opts := s.b.opts
	if s.PageTimeout > 0 {
		opts.PageTimeout = s.PageTimeout
	}
	if s.Dwell > 0 {
		opts.Dwell = s.Dwell
	}
	opts.NoInteraction = opts.NoInteraction || s.NoInteraction
	// vctx ends when the scan ends or the tab crashes; the navigation is
	// capped by the page timeout, what follows the load event by the dwell.
	vctx, vcancel := context.WithCancel(t.ctx)
	defer vcancel()
	stopParent := context.AfterFunc(parent, vcancel)
	defer stopParent()
	ctx, cancel := context.WithTimeout(vctx, opts.PageTimeout)
	defer cancel()
	t.rec.beginNavigation(v, vcancel)
	start := time.Now()

	nav, navErr := chromedp.Call(ctx, page.Navigate, page.NavigateParams{URL: v.URL})
	if navErr == nil && nav.ErrorText != "" {
		navErr = errors.New(nav.ErrorText)
	}
	loaded := navErr == nil && waitLoad(ctx, t)
	timedOut := navErr == nil && !loaded && ctx.Err() != nil
	if loaded {
		dctx, dcancel := context.WithTimeout(vctx, opts.Dwell)
		v.Settled = s.dwell(dctx, t, v, opts)
		dcancel()
	}
	v.Load = time.Since(start)
	_, crashed, _ := t.rec.state(time.Now(), beaconGrace)
	t.rec.end()

	// Collection gets its own short deadline: a page that timed out still
	// has its cookies and DOM read.
	cctx, ccancel := context.WithTimeout(t.ctx, 10*time.Second)
	defer ccancel()
	stopParent2 := context.AfterFunc(parent, ccancel)
	defer stopParent2()

	if downloads := s.b.downloads.take(t.frame); len(downloads) > 0 {
		v.Downloads = downloads
	}
	mainDoc := mainDocument(v)
	if mainDoc != nil {
		v.Status = mainDoc.Status
	}
	switch {
	case crashed:
		v.Error, v.ErrorKind = "the tab crashed", crawler.PageErrorCrash
	case navErr != nil:
		v.Error, v.ErrorKind = classifyNavError(navErr, parent, ctx, v)
	case timedOut && parent.Err() == nil:
		v.Error, v.ErrorKind = fmt.Sprintf("page did not load within %s", opts.PageTimeout), crawler.PageErrorTimeout
	case v.Status >= 400:
		v.Error, v.ErrorKind = fmt.Sprintf("HTTP %d", v.Status), crawler.PageErrorHTTP
	}
	if len(v.Downloads) > 0 && v.ErrorKind == crawler.PageErrorNetwork {
		v.Error, v.ErrorKind = "the page started a download: "+v.Downloads[0], crawler.PageErrorDownload
	}
	if crashed {
		s.collectCookies(cctx, v)
		return
	}
	collectStart := time.Now()
	opts.Screenshots = screenshot
	s.collect(cctx, t, v, opts)
	s.b.logger.Debug("visit", "url", v.URL, "profile", s.profile, "load", v.Load, "settled", v.Settled, "collect", time.Since(collectStart))
}

func classifyNavError(err error, parent, ctx context.Context, v *crawler.Visit) (string, string) {
	msg := err.Error()
	switch {
	case parent.Err() != nil:
		return "scan interrupted", crawler.PageErrorCancelled
	case errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil:
		return "no response within the page timeout", crawler.PageErrorTimeout
	case strings.Contains(msg, "ERR_TOO_MANY_REDIRECTS"):
		return "redirect loop (net::ERR_TOO_MANY_REDIRECTS)", crawler.PageErrorRedirect
	case strings.Contains(msg, "ERR_ABORTED") && len(v.Downloads) > 0:
		return "the page is a download: " + v.Downloads[0], crawler.PageErrorDownload
	case strings.Contains(msg, "net::"):
		return msg, crawler.PageErrorNetwork
	}
	return msg, crawler.PageErrorBrowser
}

func mainDocument(v *crawler.Visit) *crawler.Request {
	for i := range v.Requests {
		q := &v.Requests[i]
		if q.ResourceType == string(network.ResourceTypeDocument) && q.DocumentURL == q.URL {
			// The last hop of the first navigation carries the final status.
			for j := i + 1; j < len(v.Requests); j++ {
				n := &v.Requests[j]
				if n.ResourceType == string(network.ResourceTypeDocument) && strings.HasPrefix(n.ID, strings.SplitN(q.ID, "#", 2)[0]) {
					q = n
				}
			}
			return q
		}
	}
	return nil
}

func (s *Session) collectCookies(ctx context.Context, v *crawler.Visit) {
	cookies, err := s.Cookies(ctx)
	if err == nil {
		v.Cookies = cookies
	}
}

// Cookies returns the session's whole cookie jar, every domain, partitioned
// cookies included. It must be read on the browser with the context's id:
// the same call on a tab returns the default context's jar (harness.md).
func (s *Session) Cookies(ctx context.Context) ([]crawler.Cookie, error) {
	s.mu.Lock()
	id := s.bctxID
	s.mu.Unlock()
	// The call runs on the browser's own chromedp context: ctx may be any
	// context (a scan's, with no browser attached), and only lends its
	// deadline and cancellation.
	bctx, _, err := s.b.current()
	if err != nil {
		return nil, err
	}
	c, cancel := context.WithCancel(bctx)
	defer cancel()
	if deadline, ok := ctx.Deadline(); ok {
		var cancelDeadline context.CancelFunc
		c, cancelDeadline = context.WithDeadline(c, deadline)
		defer cancelDeadline()
	}
	stop := context.AfterFunc(ctx, cancel)
	defer stop()
	res, err := chromedp.CallBrowser(c, storage.GetCookies, storage.GetCookiesParams{BrowserContextID: id})
	if err != nil {
		return nil, fmt.Errorf("read cookie jar: %w", err)
	}
	out := make([]crawler.Cookie, 0, len(res.Cookies))
	for _, c := range res.Cookies {
		ck := crawler.Cookie{Name: c.Name, Value: c.Value, Domain: c.Domain, Path: c.Path, Session: c.Session,
			Secure: c.Secure, HTTPOnly: c.HTTPOnly, SameSite: string(c.SameSite)}
		if !c.Session && c.Expires > 0 {
			sec := int64(c.Expires)
			ck.Expires = time.Unix(sec, int64((c.Expires-float64(sec))*1e9)).UTC()
		}
		if c.PartitionKey != nil {
			ck.Partitioned = true
			ck.PartitionKey = c.PartitionKey.TopLevelSite
		}
		out = append(out, ck)
	}
	return out, nil
}

// probeResult is what probe.js returns.
type probeResult struct {
	Links    []crawler.Link    `json:"links"`
	Globals  map[string]string `json:"globals"`
	Overlays []crawler.Overlay `json:"overlays"`
	Title    string            `json:"title"`
	URL      string            `json:"url"`
}

func (s *Session) collect(ctx context.Context, t *tab, v *crawler.Visit, opts Options) {
	s.collectCookies(ctx, v)
	tctx := t.ctx
	run := func(d time.Duration) (context.Context, context.CancelFunc) {
		c, cancel := context.WithTimeout(tctx, d)
		stop := context.AfterFunc(ctx, cancel)
		return c, func() { stop(); cancel() }
	}
	c, cancel := run(5 * time.Second)
	raw, err := chromedp.Run(c, chromedp.Evaluate[string](s.b.probeSrc))
	cancel()
	if err != nil {
		s.b.logger.Debug("probe failed", "url", v.URL, "err", err)
	}
	if err == nil {
		var pr probeResult
		if json.Unmarshal([]byte(raw), &pr) == nil {
			v.Links, v.Globals, v.Overlays = pr.Links, pr.Globals, pr.Overlays
			v.Title, v.FinalURL = truncate(pr.Title, 1000), pr.URL
		}
	}
	if v.FinalURL == "" {
		c, cancel := run(2 * time.Second)
		if loc, err := chromedp.Run(c, chromedp.Location()); err == nil {
			v.FinalURL = loc
		}
		cancel()
	}
	c, cancel = run(4 * time.Second)
	rawAPIs, err := chromedp.Run(c, chromedp.Evaluate[string](apisJS, chromedp.EvalAwaitPromise))
	cancel()
	if err == nil {
		var apis map[string]string
		if json.Unmarshal([]byte(rawAPIs), &apis) == nil && len(apis) > 0 {
			v.APIs = apis
		}
	}
	c, cancel = run(5 * time.Second)
	html, err := chromedp.Run(c, chromedp.Evaluate[string](s.b.htmlSrc))
	cancel()
	if err == nil {
		v.HTML = html
	}
	if opts.Screenshots {
		c, cancel = run(5 * time.Second)
		if img, err := chromedp.Run(c, chromedp.CaptureScreenshot()); err == nil {
			v.Screenshot = img
		}
		cancel()
	}
}
