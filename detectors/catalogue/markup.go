package catalogue

import (
	"encoding/base64"
	"net/url"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"github.com/privscan/privscan/detectors/internal/dom"
)

// Tags in the rendered DOM: which ran, which were parked.
//
// A <script> runs only when its type is empty or a JavaScript MIME type
// (or "module") and it is not inside <noscript> (never run while
// JavaScript is on) or <template> (inert content). Consent managers park a
// tag until consent by giving it another type (text/plain, text/template,
// rocketlazyloadscript) and moving its URL to an attribute of their own
// (data-cmplz-src, data-borlabs-cookie-script-blocker-src,
// data-suppressedsrc, ...), and park an iframe by moving its src
// (data-cookieblock-src, data-src-cmplz). Such tags are recorded as
// blocked: present, not running.

// jsTypes are the script types a browser executes (HTML's JavaScript MIME
// type essences, plus module).
var jsTypes = map[string]bool{
	"": true, "module": true, "text/javascript": true, "application/javascript": true, "application/ecmascript": true,
	"application/x-ecmascript": true, "application/x-javascript": true, "text/ecmascript": true, "text/javascript1.0": true,
	"text/javascript1.1": true, "text/javascript1.2": true, "text/javascript1.3": true, "text/javascript1.4": true,
	"text/javascript1.5": true, "text/jscript": true, "text/livescript": true, "text/x-ecmascript": true, "text/x-javascript": true,
}

// executableType reports whether a script element with this type
// attribute runs.
func executableType(typ string) bool {
	typ = strings.ToLower(strings.TrimSpace(typ))
	if i := strings.IndexByte(typ, ';'); i >= 0 {
		typ = strings.TrimSpace(typ[:i]) // "text/javascript; charset=utf-8"
	}
	return jsTypes[typ]
}

// blocker is a consent manager's (or a script delayer's) mark on a tag it
// parked.
type blocker struct {
	attr, attrPrefix, class, typ string
	name                         string
}

// blockers name who parked a tag, first match wins. The markup follows
// each plugin's own output: Complianz (data-cmplz-src, data-src-cmplz,
// data-category + data-service), Cookiebot (data-cookieconsent,
// data-cookieblock-src), Borlabs Cookie (data-borlabs-cookie-*),
// CookieYes (data-cookieyes), iubenda (class _iub_cs_activate,
// data-suppressedsrc), OneTrust (class optanon-category-*), Usercentrics
// (data-usercentrics), WP Rocket's delay-JS (type rocketlazyloadscript).
var blockers = []blocker{
	{typ: "rocketlazyloadscript", name: "WP Rocket, until the visitor interacts"},
	{attr: "data-cmplz-src", name: "Complianz"},
	{attr: "data-src-cmplz", name: "Complianz"},
	{class: "cmplz-", name: "Complianz"},
	{attr: "data-cookieblock-src", name: "Cookiebot"},
	{attr: "data-cookieconsent", name: "Cookiebot"},
	{attrPrefix: "data-borlabs-", name: "Borlabs Cookie"},
	{attr: "data-cookieyes", name: "CookieYes"},
	{class: "_iub_cs_activate", name: "iubenda"},
	{attr: "data-suppressedsrc", name: "iubenda"},
	{class: "optanon-category-", name: "OneTrust"},
	{attr: "data-usercentrics", name: "Usercentrics"},
	{attr: "data-category", name: "a consent manager"},
}

// blockedBy names who parked the element, "" when no known mark is on it.
func blockedBy(n *html.Node) string {
	for _, b := range blockers {
		for _, a := range n.Attr {
			k := strings.ToLower(a.Key)
			switch {
			case b.attr != "" && k == b.attr,
				b.attrPrefix != "" && strings.HasPrefix(k, b.attrPrefix),
				b.class != "" && k == "class" && strings.Contains(a.Val, b.class),
				b.typ != "" && k == "type" && strings.EqualFold(strings.TrimSpace(a.Val), b.typ):
				return b.name
			}
		}
	}
	return ""
}

// inertContainer returns "noscript" or "template" when n is inside such an
// element (whose content never runs in a browser with JavaScript on).
func inertContainer(n *html.Node) string {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && (p.Data == "noscript" || p.Data == "template") {
			return p.Data
		}
	}
	return ""
}

// tagText renders an element's start tag with its type and blocking
// attributes (not its URLs), for evidence: <script type="text/plain"
// data-category="statistics">.
func tagText(n *html.Node) string {
	var b strings.Builder
	b.WriteString("<" + n.Data)
	for _, a := range n.Attr {
		k := strings.ToLower(a.Key)
		if k == "type" || k == "class" && (strings.Contains(a.Val, "_iub_cs") || strings.Contains(a.Val, "optanon-category") || strings.Contains(a.Val, "cmplz")) ||
			k == "data-category" || k == "data-service" || k == "data-cookieconsent" || k == "data-cookieyes" || k == "data-iub-purposes" ||
			strings.HasPrefix(k, "data-borlabs-cookie-") && !strings.HasSuffix(k, "src") && k != "data-borlabs-cookie-content" {
			v := a.Val
			if len(v) > 40 {
				v = v[:40] + "…"
			}
			b.WriteString(" " + k + `="` + v + `"`)
		}
	}
	b.WriteString(">")
	return strings.ToValidUTF8(b.String(), "")
}

// urlAttrs returns the http(s) URLs in an element's src and data-…src…
// attributes (where consent managers park the real URL), resolved
// against base, without duplicates. With parkedOnly, src itself is left
// out.
func urlAttrs(n *html.Node, base *url.URL, parkedOnly bool) []string {
	var out []string
	for _, a := range n.Attr {
		k := strings.ToLower(a.Key)
		if k == "src" && parkedOnly || k != "src" && !(strings.HasPrefix(k, "data-") && strings.Contains(k, "src")) {
			continue
		}
		if u := dom.Resolve(base, a.Val); u != "" && !containsStr(out, u) {
			out = append(out, u)
		}
	}
	return out
}

func containsStr(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// base64Text matches content a consent manager stored base64-encoded
// (Borlabs Cookie keeps opt-in code and blocked embeds that way).
var base64Text = regexp.MustCompile(`^[A-Za-z0-9+/]{24,}={0,2}$`)

// decodeParked returns the decoded text of base64 content, or "".
func decodeParked(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 256<<10 || !base64Text.MatchString(s) {
		return ""
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return ""
	}
	return string(b)
}

// markupHit reports one match found in the page's markup.
type markupHit func(kind string, m Match, detail string, state int)

// detectMarkup runs the script, inline and DOM matchers over a rendered
// DOM, telling tags that ran (or could have) from parked ones.
func (c *Catalogue) detectMarkup(doc *goquery.Document, base *url.URL, hit markupHit) {
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		n := s.Get(0)
		typ, _ := s.Attr("type")
		why := ""
		switch inert := inertContainer(n); {
		case inert != "":
			why = "inside <" + inert + ">"
		case !executableType(typ):
			why = tagText(n)
			if by := blockedBy(n); by != "" {
				why += " (parked by " + by + ")"
			}
		}
		text := s.Text()
		if why == "" {
			if src, ok := s.Attr("src"); ok {
				if abs := dom.Resolve(base, src); abs != "" {
					// Present in the DOM is not proof that it loaded: the
					// request (matched above) is.
					for _, m := range c.MatchURL(KindScript, abs) {
						hit("script", m, staticScriptPrefix+abs, statePresent)
					}
				}
				return
			}
			if strings.TrimSpace(text) == "" {
				return
			}
			// The site's snippet ran, but it only prepares for the
			// vendor's code; the vendor's own requests show that it ran.
			for _, m := range c.MatchInline(text) {
				hit("script", m, inlineScriptPrefix+snippet(text, m), statePresent)
			}
			return
		}
		c.blockedScript(n, text, why, base, hit, 0)
	})
	doc.Find("iframe").Each(func(_ int, s *goquery.Selection) {
		n := s.Get(0)
		if inert := inertContainer(n); inert != "" {
			for _, u := range urlAttrs(n, base, false) {
				for _, m := range c.MatchURL(KindRequest, u) {
					hit("blocked", m, "inside <"+inert+">: "+u, stateBlocked)
				}
			}
			return
		}
		src := dom.Resolve(base, s.AttrOr("src", ""))
		for _, u := range urlAttrs(n, base, true) {
			if u == src {
				continue // it loaded: its requests are the evidence
			}
			why := "<iframe> with its URL parked"
			if by := blockedBy(n); by != "" {
				why += " by " + by
			}
			for _, m := range c.MatchURL(KindRequest, u) {
				hit("blocked", m, why+": "+u, stateBlocked)
			}
		}
	})
	// Borlabs Cookie 3 keeps a blocked embed base64-encoded in
	// data-borlabs-cookie-content until consent.
	doc.Find("[data-borlabs-cookie-content]").Each(func(_ int, s *goquery.Selection) {
		if inner := decodeParked(s.AttrOr("data-borlabs-cookie-content", "")); inner != "" {
			c.parkedHTML(inner, "stored by Borlabs Cookie", base, hit, 0)
		}
	})
	for _, m := range c.MatchDOM(doc) {
		d := m.Matcher.selSource
		if m.Value != "" {
			d += " " + m.Matcher.attr + "=" + m.Value
		}
		if m.Inert != "" {
			hit("blocked", m, "inside <"+m.Inert+">: "+d, stateBlocked)
			continue
		}
		hit("dom", m, d, statePresent)
	}
}

// blockedScript records what a parked script would load or run.
func (c *Catalogue) blockedScript(n *html.Node, text, why string, base *url.URL, hit markupHit, depth int) {
	for _, u := range urlAttrs(n, base, false) {
		for _, m := range c.MatchURL(KindScript, u) {
			hit("blocked", m, why+": "+u, stateBlocked)
		}
	}
	if strings.TrimSpace(text) == "" {
		return
	}
	ms := c.MatchInline(text)
	for _, m := range ms {
		hit("blocked", m, why+": "+snippet(text, m), stateBlocked)
	}
	if len(ms) == 0 {
		if inner := decodeParked(text); inner != "" {
			c.parkedHTML(inner, why+", base64", base, hit, depth)
		}
	}
}

// parkedHTML records the tags in markup a consent manager keeps out of
// the page (decoded from its storage form). Nothing in it runs.
func (c *Catalogue) parkedHTML(markup, why string, base *url.URL, hit markupHit, depth int) {
	if depth > 1 {
		return
	}
	frag := dom.Parse(markup)
	if frag == nil {
		return
	}
	found := false
	frag.Find("script").Each(func(_ int, s *goquery.Selection) {
		found = true
		c.blockedScript(s.Get(0), s.Text(), why, base, hit, depth+1)
	})
	frag.Find("iframe").Each(func(_ int, s *goquery.Selection) {
		for _, u := range urlAttrs(s.Get(0), base, false) {
			for _, m := range c.MatchURL(KindRequest, u) {
				hit("blocked", m, why+": <iframe> "+u, stateBlocked)
			}
		}
	})
	if !found {
		// Opt-in code may be bare JavaScript rather than a <script>.
		for _, m := range c.MatchInline(markup) {
			hit("blocked", m, why+": "+snippet(markup, m), stateBlocked)
		}
	}
}
