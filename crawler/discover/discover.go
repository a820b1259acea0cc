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
	// URL is the canonical URL (see Canonical), after the redirects
	// discovery followed.
	URL   string
	Depth int
	Kind  Kind
	// Text is the link text it was found under, if any.
	Text string
	// Family is shared by the regional and language copies of one page
	// (see Family); Regional is set when the URL carries such a marker.
	Family   string
	Regional bool
	// Status is the HTTP status discovery got for the page: 0 when it did
	// not fetch it, -1 when the fetch failed (no answer).
	Status int
}

// NewPage describes the page at u (made canonical), found at depth under
// link text text.
func NewPage(u *url.URL, depth int, text string) Page {
	c := Canonical(u)
	fam, regional := Family(c)
	kind := Classify(c, text)
	if kind == KindHome {
		// The root of another host of the site (help.example.com/) is
		// not the home page: Discover marks the one home it starts from.
		kind = KindOther
	}
	return Page{URL: c.String(), Depth: depth, Kind: kind, Text: text, Family: fam, Regional: regional}
}

// Dead reports whether the page answered with an error status or not at
// all when discovery fetched it.
func (p Page) Dead() bool { return p.Status < 0 || p.Status >= 400 }

// Result is what discovery found.
type Result struct {
	// Home is the target after redirects.
	Home *url.URL
	// Pages are the chosen pages, ranked, at most MaxPages, each a distinct
	// page that answered (or was not fetched).
	Pages []Page
	// Dead are pages that would have been chosen but answered 4xx/5xx or
	// not at all: they are recorded and do not use the budget.
	Dead []Page
	// Candidates are all same-site pages found (ranked), chosen or not.
	Candidates []Page
	// Aliases maps the keys (see Key) of URLs that redirected to the key of
	// the page they ended at.
	Aliases map[string]string
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
		mu      sync.Mutex
		found   = map[string]*Page{} // by Key
		order   []string
		fetched = map[string]bool{}   // keys colly was asked to fetch
		reqKey  = map[uint32]string{} // colly request id → key asked for
	)
	res.Aliases = map[string]string{}
	homeKey := Key(home)
	if tk := Key(target); tk != homeKey {
		res.Aliases[tk] = homeKey
	}
	// add records a link found at depth. Pages on other hosts of the site
	// (ir.example.com) count only when the home page links to them.
	add := func(raw string, depth int, text string, fromHome bool) {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !SameSite(u.Hostname(), home.Hostname()) {
			return
		}
		if skipExt.MatchString(u.Path) {
			return
		}
		if !strings.EqualFold(u.Hostname(), home.Hostname()) && !fromHome {
			return
		}
		key := Key(u)
		mu.Lock()
		defer mu.Unlock()
		if to, ok := res.Aliases[key]; ok {
			key = to
		}
		if p, ok := found[key]; ok {
			if depth < p.Depth {
				p.Depth = depth
			}
			if p.Text == "" && text != "" {
				p.Text = text
				if p.Kind == KindOther {
					p.Kind = Classify(u, text)
				}
			}
			return
		}
		c := Canonical(u)
		if !res.allowed(c) {
			if !slices.Contains(res.Disallowed, c.String()) {
				res.Disallowed = append(res.Disallowed, c.String())
			}
			return
		}
		p := NewPage(c, depth, text)
		found[key] = &p
		order = append(order, key)
	}
	add(home.String(), 0, "", true)
	// The page the user asked for is visited first, whatever its path.
	found[homeKey].Kind = KindHome
	found[homeKey].Status = http.StatusOK
	for _, s := range res.Sitemap {
		add(s, 1, "", false)
	}

	// redirected records that the URL keyed from ended at final.
	redirected := func(from string, final *url.URL, status int) {
		mu.Lock()
		defer mu.Unlock()
		p, ok := found[from]
		if !ok {
			return
		}
		final = keepFragment(final, p.URL)
		to := Key(final)
		if status != 0 {
			p.Status = status
		}
		if to == from {
			// The same page under its server's spelling (/contact →
			// /contact/): visit that, and skip the redirect.
			if SameSite(final.Hostname(), home.Hostname()) {
				p.URL = Canonical(final).String()
			}
			return
		}
		res.Aliases[from] = to
		if q, ok := found[to]; ok {
			// Two URLs, one page: keep the one found first, under the
			// final URL.
			q.Depth = min(q.Depth, p.Depth)
			if q.Status == 0 {
				q.Status = p.Status
			}
			delete(found, from)
			return
		}
		if !SameSite(final.Hostname(), home.Hostname()) {
			p.Status = -1 // left the site: nothing of it to visit
			return
		}
		c := Canonical(final)
		p.URL = c.String()
		p.Family, p.Regional = Family(c)
		delete(found, from)
		found[to] = p
		for i, k := range order {
			if k == from {
				order[i] = to
			}
		}
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
	fetchedCount := 0
	c.OnRequest(func(r *colly.Request) {
		mu.Lock()
		defer mu.Unlock()
		if fetchedCount >= opts.FetchBudget || ctx.Err() != nil {
			r.Abort()
			return
		}
		fetchedCount++
		// Before the fetch r.URL is the URL asked for; afterwards colly
		// replaces it with where the redirects ended.
		reqKey[r.ID] = Key(r.URL)
	})
	keyOf := func(r *colly.Request) string {
		mu.Lock()
		defer mu.Unlock()
		return reqKey[r.ID]
	}
	c.OnResponse(func(r *colly.Response) {
		redirected(keyOf(r.Request), r.Request.URL, r.StatusCode)
	})
	c.OnHTML("a[href]", func(e *colly.HTMLElement) {
		href := e.Attr("href")
		link := e.Request.AbsoluteURL(href)
		if strings.HasPrefix(href, "#/") || strings.HasPrefix(href, "#!/") {
			// colly drops fragment-only links; a hash route is a page.
			u := *e.Request.URL
			u.Fragment, u.RawFragment = href[1:], ""
			link = u.String()
		}
		if link == "" {
			return
		}
		depth := e.Request.Depth
		fromHome := Key(e.Request.URL) == homeKey
		add(link, depth, strings.Join(strings.Fields(e.Text), " "), fromHome)
		if depth > opts.Depth {
			return
		}
		u, err := url.Parse(link)
		if err != nil || !SameSite(u.Hostname(), home.Hostname()) || skipExt.MatchString(u.Path) {
			return
		}
		key := Key(u)
		mu.Lock()
		if to, ok := res.Aliases[key]; ok {
			key = to
		}
		_, known := found[key]
		visit := known && !fetched[key]
		if visit {
			fetched[key] = true
		}
		mu.Unlock()
		if visit {
			mu.Lock()
			next := found[key].URL
			mu.Unlock()
			_ = e.Request.Visit(next)
		}
	})
	c.OnError(func(r *colly.Response, err error) {
		from := keyOf(r.Request)
		var again *colly.AlreadyVisitedError
		if errors.As(err, &again) && again.Destination != nil && Key(again.Destination) != from {
			mu.Lock()
			_, dup := found[Key(again.Destination)]
			mu.Unlock()
			if dup {
				// A redirect to a page already fetched: the same page.
				redirected(from, again.Destination, 0)
				return
			}
		}
		opts.Logger.Debug("discovery fetch failed", "url", r.Request.URL.String(), "err", err)
		status := r.StatusCode
		if status == 0 {
			status = -1 // no answer, or redirects that lead nowhere (a loop)
		}
		mu.Lock()
		if p, ok := found[from]; ok {
			p.Status = status
		}
		mu.Unlock()
	})
	if opts.Depth > 0 {
		fetched[homeKey] = true
		_ = c.Visit(home.String())
		c.Wait()
	}

	pages := make([]Page, 0, len(order))
	for _, key := range order {
		if p, ok := found[key]; ok {
			pages = append(pages, *p)
		}
	}
	Rank(pages)
	res.Candidates = pages
	res.choose(ctx, opts)
	sort.Strings(res.Disallowed)
	return res, ctx.Err()
}

// Rank orders pages: kind first, then depth, stable for equal pages. The
// regional and language copies of a page (one Family) rank after every
// other page: the first copy keeps its place (a copy without a region
// marker is preferred) and the others wait until the other pages are in.
func Rank(pages []Page) {
	sort.SliceStable(pages, func(i, j int) bool {
		if pages[i].Kind != pages[j].Kind {
			return pages[i].Kind < pages[j].Kind
		}
		return pages[i].Depth < pages[j].Depth
	})
	family := func(p Page) string {
		if p.Family != "" {
			return p.Family
		}
		return KeyOf(p.URL)
	}
	// The representative of each family: its first unmarked member, else
	// its first member.
	rep := map[string]int{}
	for i, p := range pages {
		f := family(p)
		if j, ok := rep[f]; !ok || (pages[j].Regional && !p.Regional) {
			rep[f] = i
		}
	}
	firstAt := map[string]int{}
	for i, p := range pages {
		if _, ok := firstAt[family(p)]; !ok {
			firstAt[family(p)] = i
		}
	}
	primary := make([]Page, 0, len(pages))
	var copies []Page
	for i, p := range pages {
		f := family(p)
		switch {
		case i == firstAt[f]:
			primary = append(primary, pages[rep[f]])
			if rep[f] != i {
				copies = append(copies, p)
			}
		case i != rep[f]:
			copies = append(copies, p)
		}
	}
	copy(pages, append(primary, copies...))
}

// maxDead bounds the dead pages a scan records.
const maxDead = 10

// choose picks Pages and Dead from the ranked Candidates: pages discovery
// did not fetch are fetched now (following redirects), until MaxPages
// distinct pages that answer are chosen. A page whose redirects end at a
// page already chosen is the same page; one that answers 4xx/5xx or not at
// all is dead.
func (r *Result) choose(ctx context.Context, opts Options) {
	chosen := map[string]bool{}
	for i := 0; i < len(r.Candidates) && len(r.Pages) < opts.MaxPages && ctx.Err() == nil; {
		// Resolve the next batch concurrently: the pages still needed.
		end := min(len(r.Candidates), i+opts.MaxPages-len(r.Pages))
		var wg sync.WaitGroup
		finals := make([]string, end-i)
		sem := make(chan struct{}, 4)
		for j := i; j < end; j++ {
			if r.Candidates[j].Status != 0 {
				continue
			}
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				status, final := resolve(ctx, opts, r.Candidates[j].URL)
				r.Candidates[j].Status = status
				if final != nil {
					finals[j-i] = Canonical(final).String()
				}
			})
		}
		wg.Wait()
		for j := i; j < end; j++ {
			p := &r.Candidates[j]
			if f := finals[j-i]; f != "" && f != p.URL {
				if KeyOf(f) != KeyOf(p.URL) {
					r.Aliases[KeyOf(p.URL)] = KeyOf(f)
				}
				if !SameSite(hostOf(f), r.Home.Hostname()) {
					p.Status = -1
				} else {
					p.URL = f
				}
			}
			key := KeyOf(p.URL)
			switch {
			case chosen[key]:
			case p.Dead():
				if len(r.Dead) < maxDead {
					r.Dead = append(r.Dead, *p)
				}
			default:
				chosen[key] = true
				r.Pages = append(r.Pages, *p)
			}
		}
		i = end
	}
	// Dead pages discovery already fetched are recorded too, chosen or not:
	// knowing them costs nothing more.
	for _, p := range r.Candidates {
		if p.Dead() && len(r.Dead) < maxDead && !slices.ContainsFunc(r.Dead, func(d Page) bool { return d.URL == p.URL }) {
			r.Dead = append(r.Dead, p)
		}
	}
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// resolve fetches a page, following redirects, and returns its status
// (-1 when it did not answer) and final URL.
func resolve(ctx context.Context, opts Options, u string) (int, *url.URL) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return -1, nil
	}
	req.Header.Set("User-Agent", opts.UserAgent)
	resp, err := opts.Client.Do(req)
	if err != nil {
		opts.Logger.Debug("discovery check failed", "url", u, "err", err)
		return -1, nil
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	return resp.StatusCode, keepFragment(resp.Request.URL, u)
}

// keepFragment gives final the fragment of the URL first asked for when it
// has none, as browsers do across redirects: a hash router's route survives
// the fetch that never sends it.
func keepFragment(final *url.URL, asked string) *url.URL {
	if final == nil || final.Fragment != "" {
		return final
	}
	a, err := url.Parse(asked)
	if err != nil || a.Fragment == "" {
		return final
	}
	f := *final
	f.Fragment, f.RawFragment = a.Fragment, a.RawFragment
	return &f
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
