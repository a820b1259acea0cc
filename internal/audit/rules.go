package audit

import (
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/privscan/privscan/detectors/consent"
	"github.com/privscan/privscan/report"
)

// minCookieDeclarations is how many cookies a policy must declare by name
// before undeclared cookies are findings: a policy that names one cookie in
// passing has no cookie list to be incomplete.
const minCookieDeclarations = 3

// placeholder matches the variable parts of a declared cookie name.
var placeholder = regexp.MustCompile(`<[^>]*>|\{[^}]*\}|\[[^\]]*\]|X{3,}|x{4,}|[*#]+`)

// matchNothing stands for a declaration that is no valid pattern.
var matchNothing = regexp.MustCompile(`^\b$`)

// declPattern turns a declared cookie name into a matcher. Policies write
// variable parts as *, #, <container-id>, {id}, [id] or XXXX; a trailing _
// or . means a prefix.
func declPattern(name string) *regexp.Regexp {
	name = strings.TrimSpace(name)
	var b strings.Builder
	b.WriteString("(?i)^")
	last := 0
	for _, loc := range placeholder.FindAllStringIndex(name, -1) {
		b.WriteString(regexp.QuoteMeta(name[last:loc[0]]))
		b.WriteString(".+")
		last = loc[1]
	}
	b.WriteString(regexp.QuoteMeta(name[last:]))
	if strings.HasSuffix(name, "_") || strings.HasSuffix(name, ".") {
		b.WriteString(".*")
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return matchNothing
	}
	return re
}

// declared is one of the policy's cookie declarations with its matchers,
// compiled once per audit.
type declared struct {
	report.PolicyCookie
	pattern *regexp.Regexp
	// bare matches without leading underscores; nil when what is left is
	// too short to tell cookies apart.
	bare *regexp.Regexp
}

func compileDeclarations(decls []report.PolicyCookie) []declared {
	out := make([]declared, len(decls))
	for i, d := range decls {
		out[i] = declared{PolicyCookie: d, pattern: declPattern(d.Name)}
		if dn := strings.TrimLeft(d.Name, "_"); len(dn) >= 3 {
			out[i].bare = declPattern(dn)
		}
	}
	return out
}

// declaration finds the declaration for a cookie name: the same name, else
// a pattern that matches it.
func declaration(decls []declared, name string) (report.PolicyCookie, bool) {
	for _, d := range decls {
		if strings.EqualFold(d.Name, name) {
			return d.PolicyCookie, true
		}
	}
	for _, d := range decls {
		if d.pattern.MatchString(name) {
			return d.PolicyCookie, true
		}
	}
	// Markdown and some CMS editors eat leading underscores ("__hstc"
	// becomes "hstc"): compare without them as a last resort.
	bare := strings.TrimLeft(name, "_")
	for _, d := range decls {
		if d.bare != nil && d.bare.MatchString(bare) {
			return d.PolicyCookie, true
		}
	}
	return report.PolicyCookie{}, false
}

// trackingCookie reports whether a cookie's category is one a consent
// choice governs.
func trackingCookie(c report.Cookie) bool {
	return c.Category == "marketing" || c.Category == "analytics"
}

func cookieSeverity(c report.Cookie) report.Severity {
	if trackingCookie(c) {
		return report.Medium
	}
	return report.Low
}

func cookieKey(c report.Cookie) string {
	return c.Name + "@" + strings.TrimPrefix(c.Domain, ".")
}

func cookieEvidence(c report.Cookie) []report.Evidence {
	detail := fmt.Sprintf("%s on %s (%s-party, %s), set by %s %s", c.Name, c.Domain, c.Party,
		lifetimeText(c.Session, c.DeclaredLifetimeDays, c.LifetimeDays), c.SetBy, c.Setter)
	return []report.Evidence{{Kind: "cookie", Profile: strings.Join(c.Profiles, ","), Page: c.FirstPage, Detail: detail}}
}

// observedDays is the lifetime a cookie asked for (its Set-Cookie line or
// script), else what the browser stored; nil for session cookies.
func observedDays(c report.Cookie) *float64 {
	if c.Session {
		return nil
	}
	if c.DeclaredLifetimeDays != nil {
		return c.DeclaredLifetimeDays
	}
	return c.LifetimeDays
}

func lifetimeText(session bool, declared, stored *float64) string {
	switch {
	case session:
		return "session"
	case declared != nil:
		return "lives " + humanDays(*declared)
	case stored != nil:
		return "lives " + humanDays(*stored)
	}
	return "lifetime unknown"
}

func humanDays(d float64) string {
	switch {
	case d >= 365 && math.Mod(d, 365) < 1:
		return fmt.Sprintf("%.0f year(s) (%.0f days)", d/365, d)
	case d >= 1:
		return fmt.Sprintf("%.0f days", d)
	case d*24 >= 1:
		return fmt.Sprintf("%.0f hours", d*24)
	}
	return fmt.Sprintf("%.0f minutes", d*24*60)
}

func (a *auditor) cookies() {
	hasList := len(a.r.Policy.Cookies) >= minCookieDeclarations
	decls := compileDeclarations(a.r.Policy.Cookies)
	for _, c := range a.r.Cookies {
		d, ok := declaration(decls, c.Name)
		if !ok {
			if hasList {
				a.add(report.Finding{Code: CodeUndisclosedCookie, Severity: cookieSeverity(c), Cookie: ptr(c.Name), Vendor: c.Vendor,
					Title:       fmt.Sprintf("Cookie %s is not in the policy's cookie list", c.Name),
					Detail:      fmt.Sprintf("The policy lists %d cookies by name; %s (%s-party, on %s, category %s) is not among them.", len(a.r.Policy.Cookies), c.Name, c.Party, c.Domain, c.Category),
					Evidence:    cookieEvidence(c),
					PolicyQuote: nil}, cookieKey(c))
			}
			continue
		}
		a.lifetime(c, d)
	}
}

// lifetime flags a cookie that asks for a longer life than the policy
// declares. What the site asked for (the Set-Cookie line's or script's
// expiry) is compared with the declaration, neither clamped: a cookie
// declared as one year that asks for ten is a mismatch although Chrome
// stores both as 400 days. What the browser stored is shown beside it.
// When only the stored lifetime is known it is compared as is (it can only
// understate what was asked).
func (a *auditor) lifetime(c report.Cookie, d report.PolicyCookie) {
	obs := observedDays(c)
	if obs == nil {
		return // a session cookie never outlives a declaration
	}
	var limit float64
	switch {
	case d.Session:
		limit = 0
	case d.LifetimeDays != nil:
		limit = *d.LifetimeDays
	default:
		return // "persistent" or unparsed: nothing to compare with
	}
	got := *obs
	if d.Session {
		if got < 1.0/24 {
			return // minutes-long cookies are session-like enough
		}
	} else if got <= limit*LifetimeTolerance {
		return
	}
	declaredText := d.DurationText
	if declaredText == "" {
		declaredText = humanDays(limit)
	}
	quote := fmt.Sprintf("%s — %s", d.Name, declaredText)
	if d.Provider != "" {
		quote = fmt.Sprintf("%s (%s) — %s", d.Name, d.Provider, declaredText)
	}
	how := "the site sets it"
	if c.SetBy == "header" {
		how = "the site's Set-Cookie header asks for it"
	} else if c.SetBy == "script" {
		how = "the site's script asks for it"
	}
	detail := fmt.Sprintf("The policy declares %s as %q; %s to last %s.", c.Name, declaredText, how, humanDays(got))
	switch {
	case c.DeclaredLifetimeDays == nil:
		detail = fmt.Sprintf("The policy declares %s as %q; the browser stored it for %s.", c.Name, declaredText, humanDays(got))
	case c.LifetimeDays != nil && *c.LifetimeDays < got-0.5:
		detail += fmt.Sprintf(" The browser stored it for %s (Chrome keeps a cookie at most %d days; other browsers keep what was asked).", humanDays(*c.LifetimeDays), ChromeCapDays)
	}
	a.add(report.Finding{Code: CodeCookieLifetimeMismatch, Severity: cookieSeverity(c), Cookie: ptr(c.Name), Vendor: c.Vendor,
		Title:       fmt.Sprintf("Cookie %s lasts longer than the policy says", c.Name),
		Detail:      detail,
		Evidence:    cookieEvidence(c),
		PolicyQuote: ptr(quote)}, cookieKey(c))
}

// trackerProfiles reports whether t was seen under profile.
func seenUnder(t report.Tracker, profile string) bool { return slices.Contains(t.Profiles, profile) }

func evidenceFor(t report.Tracker, profile string, n int) []report.Evidence {
	var out []report.Evidence
	for _, e := range t.Evidence {
		if e.Profile == profile {
			out = append(out, e)
			if len(out) == n {
				break
			}
		}
	}
	return out
}

func (a *auditor) cookiesOf(vendor, profile string) []string {
	var names []string
	for _, c := range a.r.Cookies {
		if c.Vendor != nil && *c.Vendor == vendor && slices.Contains(c.Profiles, profile) && !slices.Contains(names, c.Name) {
			names = append(names, c.Name)
		}
	}
	return names
}

// siteGPCSignal describes a consent signal of the site that changes under
// the gpc profile (US Privacy opt-out, GPP, OneTrust's isGpcEnabled), or ""
// when none does. It is context for a finding, never an excuse: a vendor
// that ignores the signal keeps tracking.
func (a *auditor) siteGPCSignal() string {
	s := a.r.Signals
	if usp := s.USP["gpc"]; len(usp) >= 3 && usp[2] == 'Y' && s.USP["baseline"] != usp {
		return fmt.Sprintf("the site's US Privacy string changes to %s (opt-out of sale) under GPC", usp)
	}
	if g := s.GPP["gpc"]; g != "" && s.GPP["baseline"] != "" && g != s.GPP["baseline"] {
		return "the site's GPP string changes under GPC"
	}
	if oc := s.ConsentCookies["gpc"]["OptanonConsent"]; strings.Contains(oc, "isGpcEnabled=1") &&
		!strings.Contains(s.ConsentCookies["baseline"]["OptanonConsent"], "isGpcEnabled=1") {
		return "OneTrust records isGpcEnabled=1 under GPC"
	}
	return ""
}

// optOutParam matches the opt-out a vendor's own request carries when it
// honours a privacy signal: a US Privacy string with the opt-out flag,
// Google's restricted data processing or non-personalised ads, Meta's
// Limited Data Use, an explicit gpc=1.
var optOutParam = regexp.MustCompile(`(?i)[?&;](?:us_privacy=1[YN-]Y|rdp=1|restricted_data_processing=(?:1|true)|npa=1|ltd=1|dpo=LDU|data_processing_options=[^&]*LDU|gpc=1)(?:[&;#]|$)`)

// changedUnderGPC reports how a vendor's own behaviour changed under the
// gpc profile compared with baseline: requests that carry an opt-out they
// did not carry before, or fewer cookies. "" when nothing changed (or
// there was no baseline to compare with).
func (a *auditor) changedUnderGPC(t report.Tracker) string {
	optOut := func(profile string) bool {
		for _, e := range t.Evidence {
			if e.Profile == profile && optOutParam.MatchString(e.Detail) {
				return true
			}
		}
		return false
	}
	if optOut("gpc") && !optOut("baseline") {
		return "its requests carry an opt-out under GPC"
	}
	if !seenUnder(t, "baseline") {
		return ""
	}
	base, gpc := a.cookiesOf(t.Vendor, "baseline"), a.cookiesOf(t.Vendor, "gpc")
	if len(gpc) < len(base) {
		fewer := true
		for _, c := range gpc {
			fewer = fewer && slices.Contains(base, c)
		}
		if fewer {
			return fmt.Sprintf("it sets %d cookie(s) under GPC instead of %d", len(gpc), len(base))
		}
	}
	return ""
}

func hasProfile(r *report.Report, p string) bool { return slices.Contains(r.Profiles, p) }

func (a *auditor) signals() {
	p := a.r.Policy
	gj := a.r.Signals.GPCJSON
	gpcJSONClaims := gj != nil && gj.Valid && gj.GPC != nil && *gj.GPC
	if hasProfile(a.r, "gpc") && (p.GPC == "honored" || gpcJSONClaims) {
		signal := a.siteGPCSignal()
		for _, t := range a.r.Trackers {
			if !GPCGoverned(t.Category) {
				continue
			}
			// Only a vendor whose own behaviour changed is excused; a site
			// signal (a USP or GPP string) the vendor ignores is not enough.
			if !seenUnder(t, "gpc") || a.changedUnderGPC(t) != "" {
				continue
			}
			claim := "the policy says the site honours Global Privacy Control"
			quote := p.GPCQuote
			if p.GPC != "honored" {
				claim = "the site's /.well-known/gpc.json declares that it honours Global Privacy Control"
				quote = nil
			} else if gpcJSONClaims {
				claim += ", and its /.well-known/gpc.json declares support"
			}
			detail := fmt.Sprintf("With Global Privacy Control on, %s still loaded", t.Name)
			if pages := pagesUnder(t, "gpc"); pages > 0 {
				detail += fmt.Sprintf(" on %d page(s)", pages)
			}
			if cks := a.cookiesOf(t.Vendor, "gpc"); len(cks) > 0 {
				detail += " and set " + strings.Join(cks, ", ")
			}
			detail += "; " + claim + "."
			if seenUnder(t, "baseline") {
				detail += " Its behaviour did not change between the baseline and GPC visits."
			}
			if signal != "" {
				detail += " " + upperFirst(signal) + ", but " + t.Name + "'s own requests and cookies did not change."
			}
			a.add(report.Finding{Code: CodeGPCNotHonored, Severity: report.High, Vendor: ptr(t.Vendor),
				Title:       fmt.Sprintf("%s keeps tracking visitors who send Global Privacy Control", t.Name),
				Detail:      detail,
				Evidence:    evidenceFor(t, "gpc", 6),
				PolicyQuote: quote}, t.Key())
		}
	}
	if hasProfile(a.r, "dnt") && p.DNT == "honored" {
		for _, t := range a.r.Trackers {
			if t.Category == CategoryTagManager || t.Category == CategorySecurity || t.Category == CategoryFunctional || !seenUnder(t, "dnt") {
				continue
			}
			sev := report.Medium
			if t.Category == CategoryAdvertising {
				sev = report.High
			}
			detail := fmt.Sprintf("With Do Not Track on, %s still loaded", t.Name)
			if pages := pagesUnder(t, "dnt"); pages > 0 {
				detail += fmt.Sprintf(" on %d page(s)", pages)
			}
			if cks := a.cookiesOf(t.Vendor, "dnt"); len(cks) > 0 {
				detail += " and set " + strings.Join(cks, ", ")
			}
			detail += "; the policy says the site honours Do Not Track."
			a.add(report.Finding{Code: CodeDNTNotHonored, Severity: sev, Vendor: ptr(t.Vendor),
				Title:       fmt.Sprintf("%s keeps tracking visitors who send Do Not Track", t.Name),
				Detail:      detail,
				Evidence:    evidenceFor(t, "dnt", 6),
				PolicyQuote: p.DNTQuote}, t.Key())
		}
	}
	nexus := a.usNexus()
	sev := report.Info
	if nexus != "" {
		sev = report.Low
	}
	switch p.DNT {
	case "not-mentioned", "":
		detail := "Saying how the site responds to browser Do Not Track signals is good practice; this policy does not mention them."
		if nexus != "" {
			detail = "California's CalOPPA requires a policy to disclose how the site responds to Do Not Track signals; this policy does not mention them. CalOPPA applies because " + nexus + "."
		}
		a.add(report.Finding{Code: CodeDNTUndisclosed, Severity: sev,
			Title:  "The privacy policy does not say how the site responds to Do Not Track",
			Detail: detail}, "")
	case "unclear":
		detail := "The policy mentions Do Not Track, but not whether the site itself honours it (statements about third parties do not count)."
		if nexus != "" {
			detail += " California's CalOPPA asks for the site's own response; it applies because " + nexus + "."
		}
		a.add(report.Finding{Code: CodeDNTUndisclosed, Severity: sev,
			Title:       "The privacy policy mentions Do Not Track without saying how the site responds",
			Detail:      detail,
			PolicyQuote: p.DNTQuote}, "")
	}
}

// usNexus says why California's CalOPPA plausibly applies to the site, or
// "" when nothing ties it to the United States. The rules: the policy names
// California, a US privacy law or the United States, or gives a US postal
// address (policy.us_nexus); the site serves a US Privacy (CCPA) string;
// the site is on the .us domain.
func (a *auditor) usNexus() string {
	if n := a.r.Policy.USNexus; n != nil && *n != "" {
		return *n
	}
	for _, p := range []string{"baseline", "gpc", "dnt"} {
		if usp := a.r.Signals.USP[p]; usp != "" {
			return "the site serves a US Privacy (CCPA) string (" + usp + ")"
		}
	}
	if u, err := url.Parse(a.r.Target); err == nil && strings.HasSuffix(strings.TrimSuffix(u.Hostname(), "."), ".us") {
		return "the site is on the .us domain"
	}
	return ""
}

// pagesUnder counts the pages where t was seen under profile.
func pagesUnder(t report.Tracker, profile string) int {
	pages := map[string]bool{}
	for _, e := range t.Evidence {
		if e.Profile == profile && e.Page != "" {
			pages[e.Page] = true
		}
	}
	return len(pages)
}

// trackingBeforeConsent: on a site that shows a consent banner, anything
// non-necessary in the baseline profile happened before any consent action
// (the baseline visits never touch the banner).
func (a *auditor) trackingBeforeConsent() {
	if !a.r.Consent.Banner || !hasProfile(a.r, "baseline") {
		return
	}
	cmp := "a consent banner"
	if a.r.Consent.CMP != nil {
		cmp = "a " + cmpName(*a.r.Consent.CMP) + " consent banner"
	}
	a.trackingDespiteBanner(bannerBreach{
		code: CodeTrackingBeforeConsent, profile: "baseline", maxEvidence: 6,
		vendor: func(t report.Tracker, cookies []string) (string, string) {
			detail := fmt.Sprintf("The site shows %s, yet %s loaded before the visitor answered it", cmp, t.Name)
			if len(cookies) > 0 {
				detail += " and set " + strings.Join(cookies, ", ")
			}
			return fmt.Sprintf("%s tracks visitors before they answer the cookie banner", t.Name), detail + "."
		},
		cookie: func(c report.Cookie) (string, string) {
			return fmt.Sprintf("Cookie %s is set before visitors answer the cookie banner", c.Name),
				fmt.Sprintf("The site shows %s, yet the %s cookie %s was set before the visitor answered it.", cmp, c.Category, c.Name)
		},
	})
}

// cmpName is a consent platform's name as people write it, from the one
// table of platform names (detectors/consent.Platforms).
func cmpName(slug string) string { return consent.PlatformName(slug) }
