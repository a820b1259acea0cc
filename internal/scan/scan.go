package scan

import (
	"cmp"
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
	"github.com/privscan/privscan/crawler/consent"
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
	MaxPages    int
	Depth       int
	Concurrency int
	Profiles    []crawler.Profile
	PageTimeout time.Duration
	// Dwell caps the time on a page after its load event (visitor
	// interaction and the wait for it to settle).
	Dwell time.Duration
	// NoInteraction visits pages without acting like a visitor (no focus,
	// mouse moves or scrolling after the load event).
	NoInteraction bool
	HostRules     string
	Insecure      bool
	ChromePath    string
	BrowserURL    string
	IgnoreRobots  bool

	// BannerWait is how long a consent journey waits for the banner, and
	// ConsentRuleTimeout how long an autoconsent rule may take once it was
	// sent the choice before the built-in engine takes over (0: the
	// consent package's defaults).
	BannerWait, ConsentRuleTimeout time.Duration

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

// Progress reports a finished page visit: Done of the profile's Total.
type Progress struct {
	Profile crawler.Profile
	URL     string
	Done    int
	Total   int
	// Started is when the visit began and Took how long the page took to
	// load and settle (collection aside).
	Started time.Time
	Took    time.Duration
}

// DefaultOptions returns the documented defaults.
func DefaultOptions() Options {
	return Options{
		MaxPages:    20,
		Depth:       3,
		Concurrency: 4,
		Profiles:    []crawler.Profile{crawler.Baseline, crawler.GPC, crawler.DNT},
		PageTimeout: 30 * time.Second,
		Dwell:       browser.DefaultDwell,

		BannerWait:         consent.DefaultWait,
		ConsentRuleTimeout: consent.DefaultRuleTimeout,
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
	Target *url.URL
	Home   *url.URL
	Visits []*crawler.Visit
	Pages  []discover.Page
	Client *http.Client
	// FinalJars are each profile's cookie jars after its last visit.
	FinalJars map[crawler.Profile][]crawler.Cookie
	// Options are the scan's own settings (a worker's job may differ from
	// the options the analysis stages were built with).
	Options Options
	// Visit loads one more page (e.g. the privacy policy) under the
	// baseline profile, in a session of its own with a fresh jar; nil when
	// no profile could be scanned.
	Visit func(ctx context.Context, url string) (*crawler.Visit, error)
}

// CheckWaits reports a wait out of its range, 0 being the default: the
// dwell (500 ms to 2 min) and the consent journeys' waits (1 s to 2 min).
func CheckWaits(o Options) error {
	for _, w := range []struct {
		flag     string
		d, least time.Duration
	}{{"--dwell", o.Dwell, 500 * time.Millisecond}, {"--banner-wait", o.BannerWait, time.Second}, {"--consent-rule-timeout", o.ConsentRuleTimeout, time.Second}} {
		if w.d != 0 && (w.d < w.least || w.d > 2*time.Minute) {
			return fmt.Errorf("%s must be between %s and 2m", w.flag, w.least)
		}
	}
	return nil
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
	if err := CheckWaits(opts); err != nil {
		return nil, &UsageError{err}
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
	c.logger = opts.Logger
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

// bannerWait is how long the consent journeys wait for the banner.
func (s *Scanner) bannerWait() time.Duration {
	return cmp.Or(s.opts.BannerWait, consent.DefaultWait)
}

// ruleTimeout is the budget of the consent journeys' autoconsent rules.
func (s *Scanner) ruleTimeout() time.Duration {
	return cmp.Or(s.opts.ConsentRuleTimeout, consent.DefaultRuleTimeout)
}

// dwell is the dwell the scan's visits use.
func (s *Scanner) dwell() time.Duration {
	if s.opts.Dwell > 0 {
		return s.opts.Dwell
	}
	return browser.DefaultDwell
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
			PageTimeout: s.opts.PageTimeout.String(), Dwell: s.dwell().String(), NoInteraction: s.opts.NoInteraction, HostRules: s.opts.HostRules, IgnoreRobots: s.opts.IgnoreRobots, Insecure: s.opts.Insecure},
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
	obs := &Observations{Target: target, Home: disc.Home, Client: s.client,
		FinalJars: map[crawler.Profile][]crawler.Cookie{}, Options: s.opts}
	pages := slices.Clone(disc.Pages)
	restartsBefore := s.browser.Restarts()

	profiles := slices.Clone(s.opts.Profiles)
	var journeys []*journeyRun
	scanned := false // some profile's pages were visited
	consentHint := ""
	// Every visit takes one of these, so that a profile's last visits and
	// the next profile's home page together stay within the concurrency.
	slots := make(chan struct{}, max(s.opts.Concurrency, 1))
	var ahead *aheadStart // the next profile, started while this one ends
	defer func() {
		if ahead != nil {
			ahead.discard()
		}
	}()
	for i := 0; i < len(profiles); i++ {
		profile := profiles[i]
		var (
			sess *browser.Session
			home *crawler.Visit // the home page, visited ahead
			err  error
		)
		if ahead != nil && ahead.profile == profile {
			sess, home, err = ahead.wait()
			ahead = nil
			if ctx.Err() != nil && home == nil {
				// Interrupted before the profile recorded anything.
				if sess != nil {
					sess.Close()
				}
				break
			}
		} else {
			if ctx.Err() != nil {
				break
			}
			s.logger.Debug("profile starts", "profile", profile, "since_start", time.Since(r.StartedAt))
			sess, err = s.newSession(ctx, profile, s.opts.Concurrency)
		}
		if err != nil {
			r.Errors = append(r.Errors, fmt.Sprintf("profile %s: %v", profile, err))
			continue
		}
		if isJourney(profile) && len(pages) > 0 {
			jr := s.runJourney(ctx, sess, pages[0].URL, consentHint)
			journeys = append(journeys, jr)
			if !jr.j.Done() {
				r.Errors = append(r.Errors, journeyFailed(jr))
				r.Profiles = slices.DeleteFunc(r.Profiles, func(p string) bool { return p == string(profile) })
				sess.Close()
				continue
			}
		}
		scanned = true
		// The first profile may grow the page list from links that only
		// exist in the rendered DOM; the others visit the same list.
		grow := i == 0
		// Once this profile has no page left to start, the next one opens
		// its tabs and visits the home page in the slots this one frees:
		// the home page is the same for every profile, and the next
		// profile's other pages wait until this one's page list is final.
		// Consent journeys wait for the baseline's banner, so they are
		// never started ahead.
		var startNext func()
		if i+1 < len(profiles) && !isJourney(profiles[i+1]) && len(pages) > 0 {
			next, homeURL := profiles[i+1], pages[0].URL
			startNext = func() {
				s.logger.Debug("profile starts", "profile", next, "ahead", true, "since_start", time.Since(r.StartedAt))
				ahead = s.startAhead(ctx, next, homeURL, slots)
			}
		}
		visits, grown := s.visitAll(ctx, sess, disc, pages, visitPlan{grow: grow, home: home, slots: slots, idle: startNext})
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
		// A profile's tabs are released as soon as its visits are done.
		sess.Close()
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
	// The analysis's own visits (a policy page the crawl did not reach) get
	// a session of their own, opened on first use with one tab: keeping a
	// profile's session open through the others would hold its renderer
	// (the pages' heaps) for the whole scan. They read documents only, so
	// a fresh jar changes no evidence.
	if scanned {
		profile := s.opts.Profiles[0]
		if slices.Contains(s.opts.Profiles, crawler.Baseline) {
			profile = crawler.Baseline
		}
		var (
			once  sync.Once
			later *browser.Session
			err   error
		)
		obs.Visit = func(ctx context.Context, u string) (*crawler.Visit, error) {
			once.Do(func() { later, err = s.newSession(ctx, profile, 1) })
			if err != nil {
				return nil, err
			}
			return later.Visit(ctx, u)
		}
		defer func() {
			if later != nil {
				later.Close()
			}
		}()
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
	if len(journeys) > 0 {
		r.Options.BannerWait, r.Options.ConsentRuleTimeout = s.bannerWait().String(), s.ruleTimeout().String()
	}
	r.Checks = audit.Checks(r)
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
// concurrently.
//
// With grow (the first profile) the budget is spent on distinct pages that
// answer: a visit that answers 4xx/5xx or not at all, or ends at a page
// already visited (same final URL), is recorded but does not count, and the
// next candidate takes its place. Links found in the rendered DOM (a
// single-page app's links exist only there) join the candidates. Visits are
// committed in page order whatever the order they finish in, so the page
// list, and what each page is credited with, does not depend on the number
// of tabs. It returns the visits in page order and the pages that counted,
// which the other profiles visit.
func (s *Scanner) visitAll(ctx context.Context, sess *browser.Session, disc *discover.Result, pages []discover.Page, plan visitPlan) ([]*crawler.Visit, []discover.Page) {
	grow := plan.grow
	type entry struct {
		p      discover.Page
		counts bool // uses the budget (until its visit shows otherwise)
		v      *crawler.Visit
		done   bool
	}
	var (
		mu        sync.Mutex
		cond      = sync.NewCond(&mu)
		list      []*entry
		next      int
		committed int
		finished  int
		known     = map[string]bool{} // keys of every page listed or waiting
		visited   = map[string]bool{} // keys of the pages that counted, and of where they ended
		pool      []discover.Page     // candidates waiting for room, ranked
	)
	homeHost := ""
	if disc.Home != nil {
		homeHost = disc.Home.Hostname()
	}
	know := func(raw string) {
		k := discover.KeyOf(raw)
		known[k] = true
		if to, ok := disc.Aliases[k]; ok {
			known[to] = true
		}
	}
	for _, p := range pages {
		list = append(list, &entry{p: p, counts: true})
		know(p.URL)
	}
	if grow {
		for _, p := range disc.Dead {
			list = append(list, &entry{p: p})
			know(p.URL)
		}
		for _, p := range disc.Candidates {
			if k := discover.KeyOf(p.URL); !known[k] && !p.Dead() {
				pool = append(pool, p)
				know(p.URL)
			}
		}
		for k, to := range disc.Aliases {
			if known[to] {
				known[k] = true
			}
		}
	}
	counting := func() int {
		n := 0
		for _, e := range list {
			if e.counts {
				n++
			}
		}
		return n
	}
	// commit settles entry i once every earlier entry is settled: whether
	// it counts, and which of its links become candidates.
	commit := func(i int) {
		e := list[i]
		if !grow || e.v == nil {
			return
		}
		v := e.v
		if e.counts {
			final := discover.KeyOf(cmp.Or(v.FinalURL, v.URL))
			switch {
			case i == 0:
				// The page the user asked for counts whatever it answered:
				// every profile visits it.
				visited[final], visited[discover.KeyOf(v.URL)] = true, true
			case deadVisit(v):
				e.counts = false
			case visited[final] || visited[discover.KeyOf(v.URL)]:
				e.counts = false // it ended at a page already visited
			default:
				visited[final], visited[discover.KeyOf(v.URL)] = true, true
			}
		}
		if e.counts && e.p.Depth < s.opts.Depth {
			for _, l := range v.Links {
				u, err := url.Parse(l.URL)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !crawler.SameSite(u.Hostname(), homeHost) ||
					discover.Skippable(u) || !disc.Allowed(u) {
					continue
				}
				// Other hosts of the site only when the home page links them.
				if !strings.EqualFold(u.Hostname(), homeHost) && i != 0 {
					continue
				}
				if k := discover.Key(u); known[k] {
					continue
				}
				known[discover.Key(u)] = true
				pool = append(pool, discover.NewPage(u, e.p.Depth+1, l.Text))
			}
			discover.Rank(pool)
		}
		for len(pool) > 0 && counting() < s.opts.MaxPages {
			list = append(list, &entry{p: pool[0], counts: true})
			pool = pool[1:]
		}
	}
	settle := func(i int, v *crawler.Visit, err error) {
		mu.Lock()
		defer mu.Unlock()
		p := list[i].p
		if err == nil {
			list[i].v = v
			finished++
		}
		list[i].done = true
		for committed < len(list) && list[committed].done {
			commit(committed)
			committed++
		}
		if s.opts.Progress != nil && err == nil {
			s.opts.Progress(Progress{Profile: sess.Profile(), URL: p.URL, Done: finished, Total: len(list), Started: v.StartedAt, Took: v.Load})
		}
		cond.Broadcast()
	}
	visitOne := func(i int, screenshot bool) {
		mu.Lock()
		p := list[i].p
		mu.Unlock()
		select {
		case plan.slots <- struct{}{}:
		case <-ctx.Done():
			settle(i, nil, ctx.Err())
			return
		}
		v, err := sess.VisitWith(ctx, p.URL, screenshot)
		<-plan.slots
		settle(i, v, err)
	}
	if plan.slots == nil {
		plan.slots = make(chan struct{}, max(s.opts.Concurrency, 1))
	}
	var idleOnce sync.Once
	if len(list) > 0 && plan.home != nil {
		next = 1
		settle(0, plan.home, nil)
	} else if len(list) > 0 && ctx.Err() == nil {
		next = 1
		visitOne(0, grow && s.opts.Screenshots)
	}
	var wg sync.WaitGroup
	for range s.opts.Concurrency {
		wg.Go(func() {
			for {
				mu.Lock()
				if next >= len(list) && plan.idle != nil {
					// No page left to start, for now: with grow, a page
					// still being visited may add some.
					idleOnce.Do(plan.idle)
				}
				// A page still being visited may add candidates: wait for
				// it before giving up.
				for next >= len(list) && committed < len(list) && ctx.Err() == nil {
					cond.Wait()
				}
				if next >= len(list) || ctx.Err() != nil {
					mu.Unlock()
					cond.Broadcast()
					return
				}
				i := next
				next++
				mu.Unlock()
				visitOne(i, false)
			}
		})
	}
	stop := context.AfterFunc(ctx, func() { cond.Broadcast() })
	wg.Wait()
	stop()
	visits := make([]*crawler.Visit, 0, len(list))
	var live []discover.Page
	for _, e := range list {
		if e.v != nil {
			visits = append(visits, e.v)
		}
		if e.counts {
			live = append(live, e.p)
		}
	}
	return visits, live
}

// deadVisit reports whether a visit found no page: an error status, no
// answer, or a download.
func deadVisit(v *crawler.Visit) bool {
	if v.Status >= 400 {
		return true
	}
	switch v.ErrorKind {
	case crawler.PageErrorNetwork, crawler.PageErrorRedirect, crawler.PageErrorDownload:
		return v.Status == 0 || v.ErrorKind == crawler.PageErrorDownload
	}
	return false
}
