package crawler

import (
	"net/url"
	"strings"
	"time"
)

// CookieOrigin is what in one visit set a cookie: a stored Set-Cookie line
// of a response, or a document.cookie write of a script.
type CookieOrigin struct {
	// By is "header" or "script".
	By string
	// Setter is the URL of the response, or of the script (the page's URL
	// when the write has no script on its stack).
	Setter string
	// Line is the Set-Cookie line or the document.cookie assignment.
	Line string
	// At is when the write happened; zero for header lines (the recorder
	// does not time them).
	At time.Time
}

// SetBy returns what in visit v set (created or changed) jar cookie c, and
// false when nothing v recorded did. A cookie in a profile's jar at the end
// of a visit may come from an earlier page, or from another tab sharing the
// jar; only the visit's own responses and scripts are evidence that the page
// set it. Stored (not blocked) header lines win over script writes, and the
// last write wins, as in the browser.
func (v *Visit) SetBy(c Cookie) (CookieOrigin, bool) {
	for i := len(v.Requests) - 1; i >= 0; i-- {
		q := v.Requests[i]
		for _, sc := range q.SetCookies {
			if sc.Name != c.Name || sc.Blocked {
				continue
			}
			u, err := url.Parse(q.URL)
			if err != nil || !domainMatch(u.Hostname(), c.Domain) {
				continue
			}
			if d := CookieAttribute(sc.Line, "domain"); d != "" && !sameCookieDomain(d, c.Domain) {
				continue
			}
			return CookieOrigin{By: "header", Setter: q.URL, Line: sc.Line}, true
		}
	}
	for i := len(v.CookieWrites) - 1; i >= 0; i-- {
		w := v.CookieWrites[i]
		if w.Name != c.Name {
			continue
		}
		if d := CookieAttribute(w.Raw, "domain"); d != "" && !sameCookieDomain(d, c.Domain) {
			continue
		}
		if IsDeletion(w.Raw, w.At) {
			continue
		}
		setter := w.Script
		if setter == "" {
			setter = v.URL
		}
		return CookieOrigin{By: "script", Setter: setter, Line: w.Raw, At: w.At}, true
	}
	return CookieOrigin{}, false
}

// domainMatch reports whether a cookie for domain could have been set by a
// response from host.
func domainMatch(host, domain string) bool {
	host = strings.ToLower(host)
	domain = strings.ToLower(strings.TrimPrefix(domain, "."))
	return host == domain || strings.HasSuffix(host, "."+domain)
}

func sameCookieDomain(a, b string) bool {
	return strings.EqualFold(strings.TrimPrefix(a, "."), strings.TrimPrefix(b, "."))
}
