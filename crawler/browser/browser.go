package browser

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/security"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/remote"
)

// ErrNoChrome is returned when no Chromium binary can be found.
var ErrNoChrome = errors.New("no Chromium found: install it (Debian: apt-get install chromium), or pass --chrome PATH or set PRIVSCAN_CHROME")

// Options configure the browser.
type Options struct {
	// ExecPath is the Chromium binary; empty means FindChrome.
	ExecPath string
	// RemoteURL, when set, attaches to a running browser's DevTools
	// websocket instead of launching one.
	RemoteURL string
	// HostRules are Chrome host-resolver-rules (MAP/EXCLUDE), passed as is.
	HostRules string
	// Insecure accepts any TLS certificate.
	Insecure bool
	// PageTimeout caps the navigation of one page, up to its load event.
	PageTimeout time.Duration
	// Dwell caps the time spent on a page after its load event: visitor
	// interaction and the wait for it to settle. A page that has not
	// settled by then is recorded as it is (Visit.Settled false).
	Dwell time.Duration
	// NoInteraction keeps the scanner from acting like a visitor (focus,
	// mouse moves, scrolling) after the load event.
	NoInteraction bool
	// Quiet is how long the network must be idle for a page to count as
	// settled.
	Quiet time.Duration
	// ProbeGlobals are the dotted JavaScript paths whose presence and value
	// each visit records (from the detector catalogue).
	ProbeGlobals []string
	// Screenshots captures a viewport screenshot of every visit (Visit);
	// VisitWith chooses per visit.
	Screenshots bool
	// MaxHTML caps the rendered DOM kept per visit, in bytes.
	MaxHTML int
	// Logger receives debug logs; nil discards them.
	Logger *slog.Logger
}

// DefaultDwell is the default cap on the time after a page's load event.
// A quiet page with nothing pending is left long before it; the dwell bounds
// pages that never go quiet and is how long a tag may wait on a timer and
// still be seen.
const DefaultDwell = 5 * time.Second

// DefaultOptions returns the options a scan uses unless told otherwise.
func DefaultOptions() Options {
	return Options{PageTimeout: 30 * time.Second, Dwell: DefaultDwell, Quiet: 500 * time.Millisecond, MaxHTML: 8 << 20}
}

// FindChrome returns the Chromium binary to use: explicit, then the
// PRIVSCAN_CHROME environment variable, then the usual install paths.
// Debian's /usr/lib/chromium/chromium is preferred over its /usr/bin wrapper,
// which adds --disable-pings (a scanner wants to see <a ping> beacons).
func FindChrome(explicit string) (string, error) {
	if explicit != "" {
		if _, err := os.Stat(explicit); err != nil {
			return "", fmt.Errorf("chrome %s: %w", explicit, err)
		}
		return explicit, nil
	}
	if env := os.Getenv("PRIVSCAN_CHROME"); env != "" {
		if _, err := os.Stat(env); err != nil {
			return "", fmt.Errorf("PRIVSCAN_CHROME=%s: %w", env, err)
		}
		return env, nil
	}
	for _, p := range []string{"/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser",
		"/usr/bin/google-chrome", "/usr/bin/google-chrome-stable", "/opt/google/chrome/chrome"} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNoChrome
}

// Browser is one Chromium process (or remote browser) shared by all visits of
// a scan. A crashed browser is restarted on the next use.
type Browser struct {
	opts   Options
	logger *slog.Logger

	mu        sync.Mutex
	gen       int // bumped at each (re)start
	allocCtx  context.Context
	allocStop context.CancelFunc
	ctx       context.Context // the browser's context
	stop      context.CancelFunc
	dataDir   string
	product   string
	userAgent string
	downloads *downloadLog
	restarts  int
	// probeSrc and htmlSrc are the collection scripts, built once from the
	// options rather than at every visit.
	probeSrc, htmlSrc string
	parent            context.Context
	closed            bool
}

// Launch starts Chromium (or attaches to RemoteURL). The browser lives until
// Close or until parent ends.
func Launch(parent context.Context, opts Options) (*Browser, error) {
	if opts.PageTimeout <= 0 {
		opts.PageTimeout = DefaultOptions().PageTimeout
	}
	if opts.Dwell <= 0 {
		opts.Dwell = DefaultOptions().Dwell
	}
	if opts.Quiet <= 0 {
		opts.Quiet = DefaultOptions().Quiet
	}
	if opts.MaxHTML <= 0 {
		opts.MaxHTML = DefaultOptions().MaxHTML
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if opts.RemoteURL == "" {
		path, err := FindChrome(opts.ExecPath)
		if err != nil {
			return nil, err
		}
		opts.ExecPath = path
	}
	globals, _ := json.Marshal(opts.ProbeGlobals)
	if len(opts.ProbeGlobals) == 0 {
		globals = []byte("[]")
	}
	b := &Browser{opts: opts, logger: logger, parent: parent, downloads: newDownloadLog(),
		probeSrc: strings.ReplaceAll(probeJS, "%GLOBALS%", string(globals)),
		htmlSrc: fmt.Sprintf(`(() => { const h = document.documentElement ? document.documentElement.outerHTML : ""; return h.length > %d ? h.slice(0, %d) : h; })()`,
			opts.MaxHTML, opts.MaxHTML)}
	if err := b.start(); err != nil {
		return nil, err
	}
	return b, nil
}

func (b *Browser) start() error {
	var allocCtx context.Context
	var allocStop context.CancelFunc
	if b.opts.RemoteURL != "" {
		allocCtx, allocStop = remote.NewAllocator(b.parent, b.opts.RemoteURL)
	} else {
		dir, err := os.MkdirTemp("", "privscan-chrome-")
		if err != nil {
			return err
		}
		// Chromium's fresh profiles block third-party cookies
		// (cookie_controls_mode 1); a scan must see what a default desktop
		// user's browser stores, so allow them (0).
		if err := os.MkdirAll(filepath.Join(dir, "Default"), 0o700); err != nil {
			return err
		}
		prefs := `{"profile":{"cookie_controls_mode":0,"default_content_setting_values":{"notifications":2}}}`
		if err := os.WriteFile(filepath.Join(dir, "Default", "Preferences"), []byte(prefs), 0o600); err != nil {
			return err
		}
		b.dataDir = dir
		flags := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(b.opts.ExecPath),
			chromedp.NoFirstRun,
			chromedp.NoDefaultBrowserCheck,
			chromedp.Headless,
			chromedp.DisableGPU,
			chromedp.UserDataDir(dir),
			chromedp.WindowSize(1366, 900),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-background-timer-throttling", true),
			chromedp.Flag("disable-backgrounding-occluded-windows", true),
			chromedp.Flag("disable-renderer-backgrounding", true),
			chromedp.Flag("disable-breakpad", true),
			chromedp.Flag("disable-client-side-phishing-detection", true),
			chromedp.Flag("disable-default-apps", true),
			chromedp.Flag("disable-dev-shm-usage", true),
			chromedp.Flag("disable-extensions", true),
			chromedp.Flag("disable-hang-monitor", true),
			chromedp.Flag("disable-popup-blocking", false),
			chromedp.Flag("disable-prompt-on-repost", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("metrics-recording-only", true),
			chromedp.Flag("password-store", "basic"),
			chromedp.Flag("use-mock-keychain", true),
			chromedp.Flag("mute-audio", true),
			chromedp.Flag("hide-scrollbars", true),
			// Site isolation off: cross-site iframes stay in the page's
			// process, so they get the GPC/DNT overrides and their requests
			// reach the tab's events (harness.md §2.3). One feature flag:
			// setting it twice would replace, not append.
			//
			// The WebUI omnibox and reload button: every tab is a browser
			// window with a toolbar nobody sees, and Chromium 156 loads two
			// omnibox popup pages (chrome://omnibox-popup.top-chrome) for
			// each window into a renderer of their own. Measured here, that
			// was about 1 CPU-second per tab opened and 120 MiB: as much CPU
			// as the visits themselves (TestNoBrowserUIPages).
			chromedp.Flag("disable-site-isolation-trials", true),
			chromedp.Flag("disable-features", strings.Join([]string{
				"IsolateOrigins", "site-per-process",
				"Translate", "NetworkTimeServiceQuerying", "OptimizationHints", "MediaRouter",
				"WebUIOmniboxPopup", "WebUIOmniboxAimPopup", "WebUIOmniboxFullPopup", "WebUIReloadButton", "PreloadTopChromeWebUI",
			}, ",")),
			// A tab moves from page to page and never goes back: a page
			// kept in the back-forward cache would only hold memory (and
			// its renderer) until evicted.
			chromedp.Flag("disable-back-forward-cache", true),
			// Scroll steps jump instead of animating: the same scroll
			// events and intersections, without a compositor animation
			// per step.
			chromedp.Flag("disable-smooth-scrolling", true),
			// A hostile page's memory bomb ends at 512 MiB of JS heap in its
			// own renderer (recorded as a crash) instead of eating the
			// machine; the pages a privacy audit visits stay far below it.
			chromedp.Flag("js-flags", "--max-old-space-size=512"),
		}
		if os.Geteuid() == 0 {
			flags = append(flags, chromedp.NoSandbox)
		}
		if b.opts.HostRules != "" {
			flags = append(flags, chromedp.Flag("host-resolver-rules", b.opts.HostRules))
		}
		if b.opts.Insecure {
			flags = append(flags, chromedp.IgnoreCertErrors)
		}
		allocCtx, allocStop = chromedp.NewExecAllocator(b.parent, flags...)
	}
	// chromedp reports protocol hiccups (events of a crashed tab, …) on the
	// standard logger; they are debug detail for us.
	logf := func(format string, args ...any) { b.logger.Debug(fmt.Sprintf(format, args...)) }
	ctx, stop := chromedp.NewContext(allocCtx, chromedp.WithErrorf(logf), chromedp.WithLogf(logf))
	// No timeout here: the first Run binds the browser's life to ctx.
	if err := chromedp.Do(ctx); err != nil {
		stop()
		allocStop()
		b.removeDataDir()
		return fmt.Errorf("start browser: %w", err)
	}
	startCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	ver, err := chromedp.CallBrowser(startCtx, browser.GetVersion, cdp.Empty{})
	if err != nil {
		stop()
		allocStop()
		b.removeDataDir()
		return fmt.Errorf("browser version: %w", err)
	}
	if b.opts.RemoteURL != "" && b.opts.Insecure {
		// A remote browser has its own command line: --insecure goes over
		// DevTools instead (host rules cannot; README says how to start it).
		_, err := chromedp.CallBrowser(startCtx, security.SetIgnoreCertificateErrors, security.SetIgnoreCertificateErrorsParams{Ignore: true})
		if err != nil {
			stop()
			allocStop()
			return fmt.Errorf("accept certificates on the remote browser: %w", err)
		}
	}
	downloads := b.downloads
	if err := chromedp.ListenBrowser(ctx, downloads.listen); err != nil {
		b.logger.Debug("listen for downloads", "err", err)
	}
	if b.opts.RemoteURL == "" {
		// The browser's own first tab is never used: visits open tabs in
		// contexts of their own. Closed, its window and renderers free
		// about 70 MiB for the whole life of the browser.
		if c := chromedp.FromContext(ctx); c != nil && c.Target != nil {
			if _, err := chromedp.CallBrowser(startCtx, target.CloseTarget, target.CloseTargetParams{TargetID: c.Target.TargetID}); err != nil {
				b.logger.Debug("close the first tab", "err", err)
			}
		}
	}
	b.allocCtx, b.allocStop, b.ctx, b.stop = allocCtx, allocStop, ctx, stop
	b.product = ver.Product
	b.userAgent = strings.Replace(ver.UserAgent, "HeadlessChrome/", "Chrome/", 1)
	b.gen++
	b.logger.Debug("browser started", "product", ver.Product, "generation", b.gen)
	return nil
}

func (b *Browser) removeDataDir() {
	if b.dataDir != "" {
		_ = os.RemoveAll(b.dataDir)
		b.dataDir = ""
	}
}

// Product returns the browser's product string, e.g. "Chrome/156.0.8078.114".
func (b *Browser) Product() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.product
}

// UserAgent returns the user agent the visits send (Headless removed, so
// sites serve what a desktop user gets).
func (b *Browser) UserAgent() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.userAgent
}

// Restarts returns how many times the browser was restarted after a crash.
func (b *Browser) Restarts() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.restarts
}

// current returns the browser context and its generation.
func (b *Browser) current() (context.Context, int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, 0, errors.New("browser closed")
	}
	return b.ctx, b.gen, nil
}

// alive reports whether the browser still answers.
func (b *Browser) alive() bool {
	ctx, _, err := b.current()
	if err != nil || ctx.Err() != nil {
		return false
	}
	c, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	_, err = chromedp.CallBrowser(c, browser.GetVersion, cdp.Empty{})
	return err == nil
}

// revive restarts the browser when it no longer answers.
func (b *Browser) revive() error {
	if b.alive() {
		return nil
	}
	_, gen, _ := b.current()
	return b.restart(gen)
}

// restart replaces a dead browser of generation gen. It is a no-op when
// another caller already restarted it.
func (b *Browser) restart(gen int) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return errors.New("browser closed")
	}
	if b.gen != gen {
		return nil
	}
	if b.parent.Err() != nil {
		return b.parent.Err()
	}
	b.logger.Warn("browser died; restarting", "generation", gen)
	b.stop()
	b.allocStop()
	b.removeDataDir()
	b.restarts++
	return b.start()
}

// Close stops the browser and removes its profile directory.
func (b *Browser) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil
	}
	b.closed = true
	if b.ctx != nil {
		_ = chromedp.Cancel(b.ctx)
		b.stop()
		b.allocStop()
	}
	b.removeDataDir()
	return nil
}

// downloadLog records downloads the browser refused, by frame.
type downloadLog struct {
	mu      sync.Mutex
	byFrame map[cdp.FrameID][]string
}

func newDownloadLog() *downloadLog { return &downloadLog{byFrame: map[cdp.FrameID][]string{}} }

func (d *downloadLog) listen(ev any) {
	if e, ok := ev.(*browser.EventDownloadWillBegin); ok {
		d.mu.Lock()
		d.byFrame[e.FrameID] = append(d.byFrame[e.FrameID], e.URL)
		d.mu.Unlock()
	}
}

func (d *downloadLog) take(frame cdp.FrameID) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	urls := d.byFrame[frame]
	delete(d.byFrame, frame)
	return urls
}
