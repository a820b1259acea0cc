package detectors

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/detectors/catalogue"
	"github.com/privscan/privscan/detectors/consent"
	"github.com/privscan/privscan/detectors/cookies"
	"github.com/privscan/privscan/detectors/internal/dom"
	"github.com/privscan/privscan/detectors/signals"
	"github.com/privscan/privscan/report"
)

// Options configure New.
type Options struct {
	// Rules are extra vendor rule documents (YAML, e.g. from --rules FILE),
	// validated like the built-in ones.
	Rules [][]byte
}

// Set holds the compiled detectors. Build it once with New; it is safe for
// concurrent use by several scans.
type Set struct {
	Catalogue *catalogue.Catalogue
	Cookies   *cookies.DB
	consent   *consent.Detector
}

// New loads and validates the vendor catalogue (plus opts.Rules), the cookie
// database and the CMP table. Any invalid rule makes it fail.
func New(opts Options) (*Set, error) {
	cat, err := catalogue.Load(opts.Rules...)
	if err != nil {
		return nil, err
	}
	db, err := cookies.Load(cat)
	if err != nil {
		return nil, err
	}
	cd, err := consent.New()
	if err != nil {
		return nil, err
	}
	return &Set{Catalogue: cat, Cookies: db, consent: cd}, nil
}

// CookieKey identifies a cookie for classification.
type CookieKey struct {
	Name   string
	Domain string
}

// Result is everything the detectors found for one site.
type Result struct {
	Trackers []report.Tracker
	// Cookies classifies every cookie seen in the visits (jar cookies,
	// Set-Cookie lines and document.cookie writes), keyed by name and
	// domain as recorded.
	Cookies      map[CookieKey]cookies.Class
	ThirdParties []report.ThirdParty
	Consent      report.Consent
	Signals      report.Signals
}

// Run runs every detector over the visits of one site. site is the scan
// target URL. client fetches /.well-known/gpc.json from the site's origin;
// with a nil client it is not fetched and Signals.GPCJSON is nil.
func (s *Set) Run(ctx context.Context, site string, visits []*crawler.Visit, client *http.Client) Result {
	docs := make([]*goquery.Document, len(visits))
	for i, v := range visits {
		if v != nil {
			docs[i] = dom.Parse(v.HTML)
		}
	}
	var gj *report.GPCJSON
	if client != nil {
		if u, err := url.Parse(site); err == nil && u.Host != "" {
			gj = signals.FetchGPCJSON(ctx, client, u.Scheme+"://"+u.Host)
		}
	}
	// One classifier for the crawl: each distinct URL is matched once, for
	// the trackers and the third-party list alike.
	x := s.Catalogue.NewClassifier()
	return Result{
		Trackers:     x.Detect(site, visits, docs),
		Cookies:      s.classifyAll(site, visits),
		ThirdParties: ThirdPartiesWith(site, visits, x),
		Consent:      s.consent.Run(visits, docs),
		Signals:      signals.Signals(visits, gj),
	}
}

// ProbeGlobals returns the JavaScript paths every visit must record for
// these detectors: the vendor catalogue's and the consent platforms'.
func (s *Set) ProbeGlobals() []string {
	paths := s.Catalogue.ProbeGlobals()
	for _, c := range consent.CMPs {
		paths = append(paths, c.Globals...)
	}
	slices.Sort(paths)
	return slices.Compact(paths)
}

// ClassifyCookie classifies one cookie (see cookies.DB.Classify).
func (s *Set) ClassifyCookie(name, domain string) cookies.Class {
	return s.Cookies.Classify(name, domain)
}

// Apply copies a class's vendor and category into a report cookie.
func Apply(c *report.Cookie, cl cookies.Class) {
	c.Vendor = cl.Vendor
	c.Category = cl.Category
	if c.Category == "" {
		c.Category = "unknown"
	}
}

func (s *Set) classifyAll(site string, visits []*crawler.Visit) map[CookieKey]cookies.Class {
	out := map[CookieKey]cookies.Class{}
	add := func(name, domain string) {
		k := CookieKey{name, domain}
		if _, ok := out[k]; !ok && name != "" {
			out[k] = s.Cookies.Classify(name, domain)
		}
	}
	for _, v := range visits {
		if v == nil {
			continue
		}
		for _, c := range v.Cookies {
			add(c.Name, c.Domain)
		}
		for _, r := range v.Requests {
			host, _, _ := catalogue.SplitURL(r.URL)
			for _, sc := range r.SetCookies {
				add(sc.Name, cmp.Or(strings.ToLower(crawler.CookieAttribute(sc.Line, "domain")), host))
			}
		}
		pageHost, _, _ := catalogue.SplitURL(cmp.Or(v.FinalURL, v.URL, site))
		for _, w := range v.CookieWrites {
			add(w.Name, cmp.Or(strings.ToLower(crawler.CookieAttribute(w.Raw, "domain")), pageHost))
		}
	}
	return out
}
