package discover

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// trackingParams are query parameters that mark where a visitor came from
// (campaign tags, ad click ids, e-mail ids) and never change the page: a
// link with them is the same page as one without.
var trackingParams = map[string]bool{
	"gclid": true, "gclsrc": true, "dclid": true, "gbraid": true, "wbraid": true, "gad_source": true, "gad_campaignid": true,
	"fbclid": true, "msclkid": true, "mc_eid": true, "mc_cid": true, "_ga": true, "_gl": true, "yclid": true,
	"ttclid": true, "twclid": true, "li_fat_id": true, "igshid": true, "epik": true, "rdt_cid": true, "sccid": true,
	"_hsenc": true, "_hsmi": true, "__hstc": true, "__hssc": true, "__hsfp": true, "hsctatracking": true,
	"mkt_tok": true, "vero_id": true, "vero_conv": true, "oly_enc_id": true, "oly_anon_id": true, "_kx": true,
	"srsltid": true, "s_kwcid": true, "ef_id": true, "irclickid": true, "wickedid": true, "ml_subscriber": true,
	"ml_subscriber_hash": true,
}

// IsTrackingParam reports whether a query parameter only tags the visit
// (utm_*, gclid, fbclid, msclkid, mc_eid, _ga, …) and is dropped from page
// URLs.
func IsTrackingParam(name string) bool {
	name = strings.ToLower(name)
	return trackingParams[name] || strings.HasPrefix(name, "utm_") || strings.HasPrefix(name, "pk_") || strings.HasPrefix(name, "mtm_")
}

// indexFile matches directory index documents, which servers answer for
// the directory itself.
var indexFile = regexp.MustCompile(`(?i)/(index|default)\.(html?|php|aspx?|jsp)$`)

// Canonical returns the URL a page is visited under: Normalize's form (but
// keeping a hash router's route) without tracking parameters and without a directory index document
// ("/about/index.html" → "/about/"). The remaining query parameters keep
// their order.
func Canonical(u *url.URL) *url.URL {
	n := Normalize(u)
	if f := u.Fragment; strings.HasPrefix(f, "/") || strings.HasPrefix(f, "!/") {
		// A hash router's route (/#/privacy, /#!/contact) is a page of its
		// own, unlike an anchor within a page.
		n.Fragment, n.RawFragment = f, u.RawFragment
	}
	if m := indexFile.FindStringIndex(n.Path); m != nil {
		n.Path = n.Path[:m[0]+1]
		n.RawPath = ""
	}
	if n.RawQuery != "" {
		var kept []string
		for _, part := range strings.Split(n.RawQuery, "&") {
			if part == "" {
				continue
			}
			name, _, _ := strings.Cut(part, "=")
			if un, err := url.QueryUnescape(name); err == nil {
				name = un
			}
			if !IsTrackingParam(name) {
				kept = append(kept, part)
			}
		}
		n.RawQuery = strings.Join(kept, "&")
		n.ForceQuery = false
	}
	return n
}

// Key identifies a page for counting: two URLs with one key are one page.
// It is the canonical URL with the query parameters sorted and a trailing
// slash dropped ("/contact" and "/contact/" are one page: servers answer
// one by redirecting to the other).
func Key(u *url.URL) string {
	n := Canonical(u)
	if len(n.Path) > 1 {
		n.Path = strings.TrimRight(n.Path, "/")
		if n.Path == "" {
			n.Path = "/"
		}
		n.RawPath = ""
	}
	if n.RawQuery != "" {
		parts := strings.Split(n.RawQuery, "&")
		slices.Sort(parts)
		n.RawQuery = strings.Join(parts, "&")
	}
	return n.String()
}

// KeyOf is Key for a URL string; a string that does not parse is its own key.
func KeyOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return Key(u)
}

var (
	// localeSegment is a language or locale path segment: de, en-gb, pt_BR.
	localeSegment = regexp.MustCompile(`^[a-z]{2}([-_][a-z]{2})?$`)
	// regionSuffix is a region or language appended to a page name:
	// privacy-statement-eu, privacy_us, datenschutz-de, terms-en-gb.
	regionSuffix = regexp.MustCompile(`[-_](eu|eea|us|usa|uk|gb|au|ca|nz|ie|de|at|ch|fr|be|nl|lu|es|it|pt|br|mx|se|no|dk|fi|pl|cz|jp|cn|kr|in|sg|hk|za|en|apac|emea|latam|intl|global|california|ccpa|gdpr)([-_][a-z]{2})?$`)
	// localeParams name the language or region of a page.
	localeParams = map[string]bool{"lang": true, "language": true, "locale": true, "hl": true, "lng": true, "region": true, "country": true}
)

// Family returns the key of a page with its language and region markers
// removed — a leading locale segment (/de/, /en-gb/), a region suffix on the
// last segment (privacy-statement-eu, -us, -au), a language query parameter,
// a locale first label of the host (de.example.com) — so that regional and
// language copies of one page share it. marked reports whether u had such a
// marker.
func Family(u *url.URL) (family string, marked bool) {
	n, err := url.Parse(Key(u))
	if err != nil {
		return Key(u), false
	}
	host := n.Hostname()
	if first, rest, ok := strings.Cut(host, "."); ok && strings.Contains(rest, ".") && localeSegment.MatchString(first) && first != "www" {
		host, marked = rest, true
	}
	segs := strings.Split(strings.Trim(strings.ToLower(n.Path), "/"), "/")
	if len(segs) > 1 && localeSegment.MatchString(segs[0]) {
		segs, marked = segs[1:], true
	} else if len(segs) == 1 && localeSegment.MatchString(segs[0]) {
		segs, marked = nil, true // /de/ is the home page in German
	}
	if len(segs) > 0 {
		last := segs[len(segs)-1]
		if loc := regionSuffix.FindStringIndex(last); loc != nil && loc[0] > 0 {
			segs[len(segs)-1], marked = last[:loc[0]], true
		}
	}
	q := n.Query()
	for k := range q {
		if localeParams[strings.ToLower(k)] {
			q.Del(k)
			marked = true
		}
	}
	f := host + "/" + strings.Join(segs, "/")
	if len(q) > 0 {
		f += "?" + q.Encode()
	}
	if n.Fragment != "" {
		f += "#" + n.Fragment // a hash router's route
	}
	return f, marked
}
