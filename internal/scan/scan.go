package scan

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/crawler/browser"
	"github.com/privscan/privscan/crawler/consent/autoconsent"
	"github.com/privscan/privscan/crawler/discover"
	"github.com/privscan/privscan/detectors/catalogue"
	"github.com/privscan/privscan/internal/audit"
	"github.com/privscan/privscan/internal/hostrules"
	"github.com/privscan/privscan/internal/netguard"
	"github.com/privscan/privscan/report"
)

// Version is the tool version written into reports; main sets it at build
// time.
var Version = "dev"

// Options configure a scan. The zero value is not useful; start from
// DefaultOptions.
type Options struct {
	MaxPages     int
	Depth        int
	Concurrency  int
	Profiles     []crawler.Profile
	PageTimeout  time.Duration
	HostRules    string
	Insecure     bool
	ChromePath   string
	BrowserURL   string
	IgnoreRobots bool
	// ShowValues keeps cookie values in the report (redacted by default).
	ShowValues  bool
	Screenshots bool
	// Observations includes the per-visit raw records in the report.
	Observations bool
	// Rules are extra vendor rule documents (YAML) from --rules.
	Rules [][]byte
	// Policy overrides policy discovery with a URL or a local file.
	Policy string
	// Ignore are accepted findings (from --ignore FILE).
	Ignore []audit.Suppression
	// PublicOnly refuses targets on private, loopback and link-local
	// addresses: the HTTP client will not connect to one, and a scan whose
	// browser did (DNS rebinding) is discarded with netguard.ErrLocal.
	PublicOnly bool
	Logger     *slog.Logger
	// Progress, when set, is told about each finished visit.
	Progress func(Progress)
	// ProfilesExplicit is set when the user chose Profiles: the reject and
	// accept consent journeys are then not added automatically (they are
	// when Profiles is the default list and the baseline visits show a
	// consent banner).
	ProfilesExplicit bool
	// Autoconsent is the directory of DuckDuckGo's autoconsent package
	// (--autoconsent); empty finds it through $PRIVSCAN_AUTOCONSENT or the
	// cache, and "none" turns it off. Without it consent journeys use the
	// built-in selectors and labels alone.
	Autoconsent string
}

// AutoconsentOff is the Options.Autoconsent value that turns the rule set
// off.
const AutoconsentOff = "none"

// Progress reports a finished page visit.
type Progress struct {
	Profile crawler.Profile
	URL     string
	Done    int
	Total   int
}

// DefaultOptions returns the documented defaults.
func DefaultOptions() Options {
	return Options{
		MaxPages:    20,
		Depth:       3,
		Concurrency: 4,
		Profiles:    []crawler.Profile{crawler.Baseline, crawler.GPC, crawler.DNT},
		PageTimeout: 30 * time.Second,
	}
}

// UsageError is a problem with the user's input (bad URL, bad flag value).
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// ParseTarget validates a scan target: an absolute http(s) URL with a host.
// A bare host name gets https://.
func ParseTarget(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, &UsageError{errors.New("no target URL given")}
	}
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, &UsageError{fmt.Errorf("malformed URL %q: %v", raw, err)}
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, &UsageError{fmt.Errorf("unsupported scheme %q in %q (want http or https)", u.Scheme, raw)}
	}
	if u.Hostname() == "" {
		return nil, &UsageError{fmt.Errorf("URL %q has no host", raw)}
	}
	if u.Path == "" {
		u.Path = "/"
	}
	return u, nil
}

// NewHTTPClient returns the client used for discovery, gpc.json and static
// policy fetches: it honours the same host rules and certificate policy as
// the browser.
func NewHTTPClient(rules hostrules.Rules, insecure bool, userAgent string) *http.Client {
	return newHTTPClient(rules, insecure, userAgent, false)
}

// newHTTPClient is NewHTTPClient; with publicOnly it refuses to connect to
// private and local addresses.
func newHTTPClient(rules hostrules.Rules, insecure bool, userAgent string, publicOnly bool) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	if publicOnly {
		dialer.Control = netguard.Control
	}
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         rules.DialContext(dialer),
		TLSClientConfig:     &tls.Config{InsecureSkipVerify: insecure}, //nolint:gosec // explicit --insecure for staging sites
		ForceAttemptHTTP2:   true,
		TLSHandshakeTimeout: 10 * time.Second,
		MaxIdleConnsPerHost: 4,
	}
	return &http.Client{
		Transport: &uaTransport{base: tr, ua: userAgent},
		Timeout:   20 * time.Second,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 10 {
				return errors.New("stopped after 10 redirects")
			}
			return nil
		},
	}
}

type uaTransport struct {
	base http.RoundTripper
	ua   string
}

func (t *uaTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if t.ua != "" && r.Header.Get("User-Agent") == "" {
		r = r.Clone(r.Context())
		r.Header.Set("User-Agent", t.ua)
	}
	return t.base.RoundTrip(r)
}

// Scanner runs scans. It owns one browser, reused across scans.
type Scanner struct {
	opts    Options
	browser *browser.Browser
	rules   hostrules.Rules
	client  *http.Client
	// clients are the HTTP clients for PublicOnly false and true, made
	// once: jobs switch between them without leaving idle connections of
	// a client per job behind.
	clients [2]*http.Client
	logger  *slog.Logger
	plugins Plugins
	// ac is the consent rule set the journeys try first (nil when not
	// available, acMissing says why). Like the browser, it stays the one
	// New found for every WithOptions copy.
	ac        *autoconsent.Bundle
	acMissing string
}

// Plugins are the analysis stages that run on a scan's observations. Each
// may be nil.
type Plugins struct {
	// Catalogue is the vendor catalogue (with the user's rules), for the
	// per-visit vendor check of the consent journeys; nil skips it.
	Catalogue *catalogue.Catalogue
	// ProbeGlobals are JS paths each visit records.
	ProbeGlobals []string
	// Analyze fills the analysis sections of the report (trackers, cookie
	// classes, consent, signals, policy, findings) from the observations.
	Analyze func(ctx context.Context, in *Observations, r *report.Report) error
}

// Observations is everything a scan recorded, for the analysis stages.
type Observations struct {
	Target   *url.URL
	Home     *url.URL
	Visits   []*crawler.Visit
	Pages    []discover.Page
	Client   *http.Client
	Sessions map[crawler.Profile]*browser.Session
	// FinalJars are each profile's cookie jars after its last visit.
	FinalJars map[crawler.Profile][]crawler.Cookie
	// Options are the scan's own settings (a worker's job may differ from
	// the options the analysis stages were built with).
	Options Options
	// Visit loads one more page (e.g. the privacy policy) in the baseline
	// session; nil when the browser is gone.
	Visit func(ctx context.Context, url string) (*crawler.Visit, error)
}

// New validates options and launches the browser.
func New(ctx context.Context, opts Options, plugins Plugins) (*Scanner, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.MaxPages < 1 {
		return nil, &UsageError{fmt.Errorf("--max-pages must be at least 1")}
	}
	if opts.Concurrency < 1 || opts.Concurrency > 16 {
		return nil, &UsageError{fmt.Errorf("--concurrency must be between 1 and 16")}
	}
	if len(opts.Profiles) == 0 {
		return nil, &UsageError{fmt.Errorf("no profiles given")}
	}
	for _, p := range opts.Profiles {
		if !p.Valid() {
			return nil, &UsageError{fmt.Errorf("unknown profile %q (want baseline, gpc, dnt, reject or accept)", p)}
		}
	}
	rules, err := hostrules.Parse(opts.HostRules)
	if err != nil {
		return nil, &UsageError{err}
	}
	ac, acMissing, err := findAutoconsent(opts.Autoconsent)
	if err != nil {
		return nil, &UsageError{err}
	}
	if ac == nil {
		opts.Logger.Info("consent journeys use the built-in engine only", "why", acMissing)
	}
	bopts := browser.DefaultOptions()
	bopts.ExecPath = opts.ChromePath
	bopts.RemoteURL = opts.BrowserURL
	bopts.HostRules = opts.HostRules
	bopts.Insecure = opts.Insecure
	bopts.PageTimeout = opts.PageTimeout
	bopts.ProbeGlobals = plugins.ProbeGlobals
	bopts.Screenshots = opts.Screenshots
	bopts.Logger = opts.Logger
	b, err := browser.Launch(ctx, bopts)
	if err != nil {
		return nil, err
	}
	s := &Scanner{
		opts:    opts,
		browser: b,
		rules:   rules,
		clients: [2]*http.Client{newHTTPClient(rules, opts.Insecure, b.UserAgent(), false), newHTTPClient(rules, opts.Insecure, b.UserAgent(), true)},
		logger:  opts.Logger,
		plugins: plugins,
		ac:      ac, acMissing: acMissing,
	}
	s.client = s.clients[boolIndex(opts.PublicOnly)]
	return s, nil
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}

// WithOptions returns a scanner that shares s's browser, HTTP client and
// analysis stages but crawls with opts. The browser-level settings (host
// rules, TLS, Chrome binary, probed globals) stay those s was made with.
func (s *Scanner) WithOptions(opts Options) *Scanner {
	c := *s
	opts.HostRules, opts.Insecure, opts.ChromePath, opts.BrowserURL = s.opts.HostRules, s.opts.Insecure, s.opts.ChromePath, s.opts.BrowserURL
	if opts.Logger == nil {
		opts.Logger = s.logger
	}
	c.client = s.clients[boolIndex(opts.PublicOnly)]
	if opts.Autoconsent != s.opts.Autoconsent {
		ac, why, err := findAutoconsent(opts.Autoconsent)
		if err != nil {
			why = err.Error()
		}
		c.ac, c.acMissing = ac, why
	}
	c.opts = opts
	return &c
}

// Close stops the browser.
func (s *Scanner) Close() error { return s.browser.Close() }

// Browser returns the scanner's browser.
func (s *Scanner) Browser() *browser.Browser { return s.browser }

// Client returns the scanner's HTTP client.
func (s *Scanner) Client() *http.Client { return s.client }

// Scan crawls target under every profile and returns the report. When ctx is
// cancelled midway, Scan still returns the report of what was collected,
// marked interrupted, together with ctx's error. Other errors (unreachable
// target) come with a nil report.
func (s *Scanner) Scan(ctx context.Context, target *url.URL) (*report.Report, error) {
	r := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "privscan", Version: Version},
		Target:        target.String(),
		StartedAt:     time.Now().UTC(),
		Browser:       report.Browser{Product: s.browser.Product(), UserAgent: s.browser.UserAgent()},
		Options: report.Options{MaxPages: s.opts.MaxPages, Depth: s.opts.Depth, Concurrency: s.opts.Concurrency,
			PageTimeout: s.opts.PageTimeout.String(), HostRules: s.opts.HostRules, IgnoreRobots: s.opts.IgnoreRobots, Insecure: s.opts.Insecure},
	}
	for _, p := range s.opts.Profiles {
		r.Profiles = append(r.Profiles, string(p))
	}
	disc, err := discover.Discover(ctx, target, discover.Options{
		MaxPages: s.opts.MaxPages, Depth: s.opts.Depth, IgnoreRobots: s.opts.IgnoreRobots,
		Client: s.client, UserAgent: s.browser.UserAgent(), Logger: s.logger,
	})
	if err != nil {
		if ctx.Err() != nil {
			r.Interrupted = true
			r.FinishedAt = time.Now().UTC()
			finish(r, nil, s.opts)
			return r, ctx.Err()
		}
		return nil, err
	}
	s.logger.Debug("discovery done", "pages", len(disc.Pages), "candidates", len(disc.Candidates), "took", time.Since(r.StartedAt))
	obs := &Observations{Target: target, Home: disc.Home, Client: s.client, Sessions: map[crawler.Profile]*browser.Session{},
		FinalJars: map[crawler.Profile][]crawler.Cookie{}, Options: s.opts}
	pages := slices.Clone(disc.Pages)
	restartsBefore := s.browser.Restarts()

	profiles := slices.Clone(s.opts.Profiles)
	var journeys []*journeyRun
	consentHint := ""
	for i := 0; i < len(profiles); i++ {
		profile := profiles[i]
		if ctx.Err() != nil {
			break
		}
		sess, err := s.browser.NewSession(ctx, profile, s.opts.Concurrency)
		if err != nil {
			r.Errors = append(r.Errors, fmt.Sprintf("profile %s: %v", profile, err))
			continue
		}
		sess.PageTimeout = s.opts.PageTimeout
		defer sess.Close()
		obs.Sessions[profile] = sess
		if isJourney(profile) && len(pages) > 0 {
			jr := s.runJourney(ctx, sess, pages[0].URL, consentHint)
			journeys = append(journeys, jr)
			if !jr.j.Done() {
				r.Errors = append(r.Errors, journeyFailed(jr))
				r.Profiles = slices.DeleteFunc(r.Profiles, func(p string) bool { return p == string(profile) })
				delete(obs.Sessions, profile)
				continue
			}
		}
		// The first profile may grow the page list from links that only
		// exist in the rendered DOM; the others visit the same list.
		grow := i == 0
		visits, grown := s.visitAll(ctx, sess, disc, pages, grow)
		if grow {
			pages = grown
		}
		obs.Visits = append(obs.Visits, visits...)
		jarCtx, cancelJar := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		if jar, err := sess.Cookies(jarCtx); err == nil {
			obs.FinalJars[profile] = jar
		} else {
			r.Errors = append(r.Errors, fmt.Sprintf("profile %s: the final cookie jar could not be read (%v); cookies seen only in passing are kept", profile, err))
		}
		cancelJar()
		s.logger.Debug("profile done", "profile", profile, "visits", len(visits), "since_start", time.Since(r.StartedAt))
		if sess.Restarted {
			r.Errors = append(r.Errors, fmt.Sprintf("profile %s: the browser crashed and was restarted; cookies set before the crash were lost", profile))
		}
		if profile == crawler.Baseline {
			shown, cmp := bannerShown(visits, profile)
			consentHint = cmp
			if shown && s.autoConsent() && !slices.Contains(profiles, crawler.Reject) {
				profiles = append(profiles, crawler.Reject, crawler.Accept)
				r.Profiles = append(r.Profiles, string(crawler.Reject), string(crawler.Accept))
			}
		}
	}
	if n := s.browser.Restarts() - restartsBefore; n > 0 {
		r.Errors = append(r.Errors, fmt.Sprintf("the browser was restarted %d time(s) after crashing", n))
	}
	obs.Pages = pages
	for _, v := range obs.Visits {
		if len(v.Screenshot) > 0 {
			r.Screenshots = append(r.Screenshots, report.Screenshot{Page: v.URL, Profile: string(v.Profile), PNG: v.Screenshot,
				Caption: "The home page as a first-time visitor sees it, before any consent choice (" + string(v.Profile) + " profile)"})
		}
	}
	if base := obs.Sessions[crawler.Baseline]; base != nil {
		obs.Visit = base.Visit
	} else {
		for _, p := range s.opts.Profiles {
			if sess := obs.Sessions[p]; sess != nil {
				obs.Visit = sess.Visit
				break
			}
		}
	}
	var extraVisits []*crawler.Visit // made by the analysis (the policy page), for refuseLocal
	if inner := obs.Visit; inner != nil && s.opts.PublicOnly {
		var mu sync.Mutex
		obs.Visit = func(ctx context.Context, u string) (*crawler.Visit, error) {
			v, err := inner(ctx, u)
			if v != nil {
				mu.Lock()
				extraVisits = append(extraVisits, v)
				mu.Unlock()
			}
			return v, err
		}
	}
	r.Interrupted = ctx.Err() != nil
	r.Pages = pagesOf(obs.Visits) // the audit counts them
	if s.plugins.Analyze != nil {
		if err := s.plugins.Analyze(ctx, obs, r); err != nil {
			r.Errors = append(r.Errors, "analysis: "+err.Error())
		}
	}
	r.Interrupted = ctx.Err() != nil
	s.finishJourneys(r, obs, journeys)
	if s.opts.PublicOnly {
		if err := refuseLocal(target, slices.Concat(obs.Visits, extraVisits)); err != nil {
			return nil, err
		}
	}
	r.FinishedAt = time.Now().UTC()
	finish(r, obs, s.opts)
	if r.Interrupted {
		return r, ctx.Err()
	}
	return r, nil
}

// refuseLocal returns an error wrapping netguard.ErrLocal when the browser
// connected to a private or local address during the scan: the target's
// name may have resolved to a public address when it was checked and to an
// internal one since (DNS rebinding), and nothing read from there may reach
// a report.
func refuseLocal(target *url.URL, visits []*crawler.Visit) error {
	for _, v := range visits {
		for _, q := range v.Requests {
			if netguard.LocalIP(q.RemoteIP) {
				return fmt.Errorf("scan of %s refused: the browser reached %s at %s, %w; nothing from this scan is kept",
					target, q.URL, q.RemoteIP, netguard.ErrLocal)
			}
		}
	}
	return nil
}

// visitAll visits pages with the session's tabs: the home page alone first,
// so that what a first-time visitor gets is recorded in order, then the rest
// concurrently. With grow, same-site links from rendered pages join the list
// while there is room.
func (s *Scanner) visitAll(ctx context.Context, sess *browser.Session, disc *discover.Result, pages []discover.Page, grow bool) ([]*crawler.Visit, []discover.Page) {
	var (
		mu      sync.Mutex
		cond    = sync.NewCond(&mu)
		next    int
		running int
		visits  = make([]*crawler.Visit, 0, len(pages))
		seen    = map[string]bool{}
		done    int
	)
	for _, p := range pages {
		seen[p.URL] = true
	}
	visitOne := func(p discover.Page, screenshot bool) {
		v, err := sess.VisitWith(ctx, p.URL, screenshot)
		if err != nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		visits = append(visits, v)
		done++
		if grow && p.Depth < s.opts.Depth {
			var extra []discover.Page
			for _, l := range v.Links {
				u, err := url.Parse(l.URL)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !crawler.SameSite(u.Hostname(), disc.Home.Hostname()) ||
					discover.Skippable(u) || !disc.Allowed(u) {
					continue
				}
				key := discover.Normalize(u).String()
				if seen[key] {
					continue
				}
				seen[key] = true
				extra = append(extra, discover.Page{URL: key, Depth: p.Depth + 1, Kind: discover.Classify(u, l.Text), Text: l.Text})
			}
			discover.Rank(extra)
			for _, e := range extra {
				if len(pages) >= s.opts.MaxPages {
					break
				}
				pages = append(pages, e)
			}
		}
		if s.opts.Progress != nil {
			s.opts.Progress(Progress{Profile: sess.Profile(), URL: p.URL, Done: done, Total: len(pages)})
		}
		cond.Broadcast()
	}
	if len(pages) > 0 && ctx.Err() == nil {
		next = 1
		visitOne(pages[0], grow && s.opts.Screenshots)
	}
	var wg sync.WaitGroup
	for range s.opts.Concurrency {
		wg.Go(func() {
			for {
				mu.Lock()
				for next >= len(pages) && running > 0 && ctx.Err() == nil {
					cond.Wait()
				}
				if next >= len(pages) || ctx.Err() != nil {
					mu.Unlock()
					cond.Broadcast()
					return
				}
				p := pages[next]
				next++
				running++
				mu.Unlock()
				visitOne(p, false)
				mu.Lock()
				running--
				mu.Unlock()
				cond.Broadcast()
			}
		})
	}
	stop := context.AfterFunc(ctx, func() { cond.Broadcast() })
	wg.Wait()
	stop()
	// Report visits in page order, not completion order.
	order := map[string]int{}
	for i, p := range pages {
		order[p.URL] = i
	}
	slices.SortStableFunc(visits, func(a, b *crawler.Visit) int { return order[a.URL] - order[b.URL] })
	return visits, pages
}
