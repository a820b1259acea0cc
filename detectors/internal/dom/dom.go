// Package dom parses the rendered DOM recorded by the crawler for the
// detectors. It parses with scripting disabled so that the contents of
// <noscript> elements (tracking pixels, GTM iframes) become real elements
// that selectors can reach.
package dom

import (
	"net/url"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
)

// Parse parses a rendered DOM. It returns nil for empty or unparsable input.
func Parse(s string) *goquery.Document {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	root, err := html.ParseWithOptions(strings.NewReader(s), html.ParseOptionEnableScripting(false))
	if err != nil {
		return nil
	}
	return goquery.NewDocumentFromNode(root)
}

// Resolve makes ref absolute against base. It returns "" for references that
// are not http(s) URLs (data:, javascript:, blob:, ...).
func Resolve(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return ""
	}
	return u.String()
}
