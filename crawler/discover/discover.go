// Package discover finds the pages of a site worth visiting in the browser:
// it reads robots.txt and sitemap.xml and follows same-site links over plain
// HTTP (colly + goquery), then ranks what it found: the home page first, then
// privacy and cookie pages, then contact, sign-up and other form pages (where
// reCAPTCHA and form trackers live), then the rest breadth-first.
package discover

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/gocolly/colly/v2"
	"github.com/temoto/robotstxt"

	"github.com/privscan/privscan/crawler"
)

// Options configure discovery.
type Options struct {
	// MaxPages is how many pages to choose (home included).
	MaxPages int
	// Depth is how many links away from the home page to follow.
	Depth int
	// IgnoreRobots disables robots.txt.
	IgnoreRobots bool
	// Client makes the requests; it must honour the scan's host rules.
	Client *http.Client
	// UserAgent is sent with every request and used for robots.txt groups.
	UserAgent string
	// FetchBudget caps the pages fetched while discovering (default
	// 3×MaxPages, at least 30).
	FetchBudget int
	Logger      *slog.Logger
}

// Kind says why a page was chosen; kinds rank in this order.
type Kind int

// Page kinds, in rank order.
const (
	KindHome Kind = iota
	KindPolicy
	KindForm
	KindOther
)

func (k Kind) String() string {
	return [...]string{"home", "policy", "form", "other"}[k]
}

// Page is a page chosen for visiting.
type Page struct {
	URL   string
	Depth int
	Kind  Kind
	// Text is the link text it was found under, if any.
	Text string
}

// Result is what discovery found.
type Result struct {
	// Home is the target after redirects.
	Home *url.URL
	// Pages are the chosen pages, ranked, at most MaxPages.
	Pages []Page
	// Candidates are all same-site pages found (ranked), chosen or not.
	Candidates []Page
	// Disallowed are URLs robots.txt kept us from.
	Disallowed []string
	// Sitemap lists the URLs the sitemap named.
	Sitemap []string
	robots  *robotstxt.Group
}

// ErrUnreachable wraps failures to load the target itself.
var ErrUnreachable = errors.New("target unreachable")

var (
	policyWords = regexp.MustCompile(`(?i)privacy|privacidad|privacit|cookie|datenschutz|privacyverklaring|privatliv|persondata|personvern|integritet|prywatno|confidentialit|gdpr|dsgvo|legal`)
	formWords   = regexp.MustCompile(`(?i)contact|kontakt|contacto|contatt|sign[- ]?up|register|registr|subscribe|newsletter|demo|quote|trial|get[- ]started|apply|book|checkout|form`)
)

// Classify ranks a URL and its link text.
func Classify(u *url.URL, text string) Kind {
	if u.Path == "" || u.Path == "/" {
		if u.RawQuery == "" {
			return KindHome
		}
	}
	s := u.Path + " " + text
	switch {
	case policyWords.MatchString(s):
		return KindPolicy
	case formWords.MatchString(s):
		return KindForm
	}
	return KindOther
}

// SameSite reports whether a and b share a registrable domain (see
// crawler.SameSite).
func SameSite(a, b string) bool { return crawler.SameSite(a, b) }

// Normalize drops fragments and default ports and cleans the path, so that
// one page has one URL.
func Normalize(u *url.URL) *url.URL {
	n := *u
	n.Fragment, n.RawFragment = "", ""
	n.Host = strings.ToLower(n.Host)
	n.Scheme = strings.ToLower(n.Scheme)
	if (n.Scheme == "https" && n.Port() == "443") || (n.Scheme == "http" && n.Port() == "80") {
		n.Host = n.Hostname()
	}
	if n.Path == "" {
		n.Path = "/"
	} else if cleaned := path.Clean(n.Path); cleaned != n.Path && !strings.HasSuffix(n.Path, "/") {
		n.Path = cleaned
	}
	return &n
}

var skipExt = regexp.MustCompile(`(?i)\.(pdf|zip|gz|tgz|rar|7z|exe|dmg|msi|jpg|jpeg|png|gif|webp|svg|ico|mp3|mp4|mov|avi|webm|woff2?|ttf|css|js|json|xml|txt|csv|xlsx?|docx?|pptx?)$`)

// Skippable reports whether a URL names a file rather than a page (images,
// archives, scripts, feeds...): such links are not visited.
func Skippable(u *url.URL) bool { return skipExt.MatchString(u.Path) }

// Discover loads the target and walks same-site links.
func Discover(ctx context.Context, target *url.URL, opts Options) (*Result, error) {
	if opts.MaxPages <= 0 {
		opts.MaxPages = 20
	}
	if opts.Depth < 0 {
		opts.Depth = 0
	}
	if opts.FetchBudget <= 0 {
		opts.FetchBudget = max(3*opts.MaxPages, 30)
	}
	if opts.Client == nil {
		opts.Client = http.DefaultClient
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	res := &Result{}

	// The home page decides where the site really is (after redirects).
	home, err := fetchHome(ctx, opts, target)
	if err != nil {
		return nil, err
	}
	res.Home = home

	if !opts.IgnoreRobots {
		res.robots = fetchRobots(ctx, opts, home)
	}
	res.Sitemap = fetchSitemaps(ctx, opts, home, res)

	var (
		mu    sync.Mutex
		found = map[string]*Page{}
		order []string
	)
	add := func(raw string, depth int, text string) {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !SameSite(u.Hostname(), home.Hostname()) {
			return
		}
		if skipExt.MatchString(u.Path) {
			return
		}
		u = Normalize(u)
		key := u.String()
		mu.Lock()
		defer mu.Unlock()
		if p, ok := found[key]; ok {
			if depth < p.Depth {
				p.Depth = depth
			}
			if p.Text == "" {
				p.Text = text
			}
			return
		}
		if !res.allowed(u) {
			if !slices.Contains(res.Disallowed, key) {
				res.Disallowed = append(res.Disallowed, key)
			}
			return
		}
		found[key] = &Page{URL: key, Depth: depth, Kind: Classify(u, text), Text: text}
		order = append(order, key)
	}
	add(home.String(), 0, "")
	// The page the user asked for is visited first, whatever its path.
	found[home.String()].Kind = KindHome
	for _, s := range res.Sitemap {
		add(s, 1, "")
	}

	c := colly.NewCollector(
		colly.MaxDepth(opts.Depth+1),
		colly.UserAgent(opts.UserAgent),
		colly.StdlibContext(ctx),
	)
	c.IgnoreRobotsTxt = true // handled above, with the scan's own client
	c.WithTransport(opts.Client.Transport)
	c.SetRequestTimeout(opts.Client.Timeout)
	c.MaxBodySize = 5 << 20
	fetched := 0
	c.OnRequest(func(r *colly.Request) {
		mu.Lock()
		defer mu.Unlock()
		if fetched >= opts.FetchBudget || ctx.Err() != nil {
			r.Abort()
			return
		}
		fetched++
	})
	c.OnHTML("a[href]", func(e *colly.HTMLElement) {
		link := e.Request.AbsoluteURL(e.Attr("href"))
		if link == "" {
			return
		}
		depth := e.Request.Depth
		add(link, depth, strings.Join(strings.Fields(e.Text), " "))
		if depth <= opts.Depth {
			u, err := url.Parse(link)
			if err == nil && SameSite(u.Hostname(), home.Hostname()) && !skipExt.MatchString(u.Path) && res.allowed(u) {
				_ = e.Request.Visit(Normalize(u).String())
			}
		}
	})
	c.OnError(func(r *colly.Response, err error) {
		opts.Logger.Debug("discovery fetch failed", "url", r.Request.URL.String(), "err", err)
	})
	if opts.Depth > 0 {
		_ = c.Visit(home.String())
		c.Wait()
	}

	pages := make([]Page, 0, len(order))
	for _, key := range order {
		pages = append(pages, *found[key])
	}
	Rank(pages)
	res.Candidates = pages
	res.Pages = pages[:min(len(pages), opts.MaxPages)]
	sort.Strings(res.Disallowed)
	return res, ctx.Err()
}

// Rank orders pages: kind first, then depth, stable for equal pages.
func Rank(pages []Page) {
	sort.SliceStable(pages, func(i, j int) bool {
		if pages[i].Kind != pages[j].Kind {
			return pages[i].Kind < pages[j].Kind
		}
		return pages[i].Depth < pages[j].Depth
	})
}

// Allowed reports whether robots.txt lets us fetch u.
func (r *Result) Allowed(u *url.URL) bool { return r.allowed(u) }

func (r *Result) allowed(u *url.URL) bool {
	if r.robots == nil {
		return true
	}
	p := u.EscapedPath()
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return r.robots.Test(p)
}

func fetchHome(ctx context.Context, opts Options, target *url.URL) (*url.URL, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", opts.UserAgent)
	resp, err := opts.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrUnreachable, target, describedError{describe(err), err})
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	return Normalize(resp.Request.URL), nil
}

// describe turns transport errors into one short line.
// describedError is an error with a friendlier message that keeps the
// original for errors.Is.
type describedError struct {
	msg string
	err error
}

func (e describedError) Error() string { return e.msg }
func (e describedError) Unwrap() error { return e.err }

func describe(err error) string {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "certificate"):
		return "TLS certificate not trusted (" + msg + "); use --insecure for self-signed staging sites"
	case strings.Contains(msg, "stopped after"):
		return "too many redirects"
	}
	return msg
}

func fetchRobots(ctx context.Context, opts Options, home *url.URL) *robotstxt.Group {
	u := *home
	u.Path, u.RawQuery = "/robots.txt", ""
	body, status, err := get(ctx, opts, u.String(), 512<<10)
	if err != nil {
		return nil
	}
	data, err := robotstxt.FromStatusAndBytes(status, body)
	if err != nil {
		return nil
	}
	return data.FindGroup("privscan")
}

// get fetches a small resource.
func get(ctx context.Context, opts Options, u string, limit int64) ([]byte, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("User-Agent", opts.UserAgent)
	resp, err := opts.Client.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit))
	return body, resp.StatusCode, err
}

type sitemapDoc struct {
	URLs     []string `xml:"url>loc"`
	Sitemaps []string `xml:"sitemap>loc"`
}

func fetchSitemaps(ctx context.Context, opts Options, home *url.URL, res *Result) []string {
	u := *home
	u.Path, u.RawQuery = "/sitemap.xml", ""
	queue := []string{u.String()}
	var urls []string
	for i := 0; i < len(queue) && i < 5; i++ {
		body, status, err := get(ctx, opts, queue[i], 5<<20)
		if err != nil || status != http.StatusOK {
			continue
		}
		var doc sitemapDoc
		if xml.Unmarshal(body, &doc) != nil {
			continue
		}
		for _, s := range doc.Sitemaps {
			queue = append(queue, strings.TrimSpace(s))
		}
		for _, loc := range doc.URLs {
			urls = append(urls, strings.TrimSpace(loc))
			if len(urls) >= 1000 {
				return urls
			}
		}
	}
	return urls
}
