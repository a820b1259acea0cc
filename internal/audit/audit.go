// Package audit compares what a site did (trackers, cookies, behaviour under
// each profile) with what its privacy policy says, and turns every gap into
// a finding with a stable id, a severity, a plain-language title, the
// evidence and the policy's own words.
//
// Severity rules (documented in the README):
//   - A vendor the policy explicitly denies using, yet observed: high. A
//     vendor one document claims and another denies (policy-contradiction):
//     medium when observed, low when not.
//   - An undisclosed vendor: by what it does — advertising: high;
//     analytics and marketing automation: medium; tag managers and security
//     (reCAPTCHA): low. When the policy discloses the category in general
//     terms ("we use analytics cookies") without naming the vendor, one
//     step lower.
//   - A vendor still tracking under GPC although the policy (or gpc.json)
//     promises to honour it, and whose own requests and cookies did not
//     change under GPC: high. The same for DNT: high for advertising,
//     medium otherwise.
//   - Tracking before consent on a site with a banner: high for an
//     advertising vendor, medium for an analytics or marketing-automation
//     vendor or an analytics/marketing cookie.
//   - Tracking after "reject all" (the reject profile's consent journey):
//     high for an advertising vendor, medium for an analytics or
//     marketing-automation vendor or an analytics/marketing cookie.
//   - The reject choice not recorded: high when the consent state the
//     reject left (TC string, Google Consent Mode) records consent to TCF
//     purpose 1 or grants an ad_* signal, or an advertising vendor comes
//     back on later pages; medium when it grants only analytics_storage or
//     analytics / marketing automation comes back; low when only the
//     banner comes back.
//   - A Google tag that, under Consent Mode with storage denied, sent only
//     cookieless pings before consent or after reject (no cookie of its
//     own): low — a lesser finding than one that set cookies.
//   - No policy found: high when the site runs advertising or analytics
//     trackers, medium otherwise.
//   - An undeclared cookie or a lifetime longer than declared: medium for
//     marketing/analytics cookies, low otherwise.
//   - A vendor named but not seen (a stale policy): low; no statement of the
//     site's own response to DNT, including one that only speaks of third
//     parties: low where a US nexus makes CalOPPA plausible, info elsewhere.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/report"
)

// Finding codes (the contract in DESIGN.md).
const (
	CodePolicyNotFound         = "policy-not-found"
	CodeUndisclosedVendor      = "undisclosed-vendor"
	CodeDisclosedNotObserved   = "disclosed-not-observed"
	CodePolicyContradiction    = "policy-contradiction"
	CodeUndisclosedCookie      = "undisclosed-cookie"
	CodeCookieLifetimeMismatch = "cookie-lifetime-mismatch"
	CodeGPCNotHonored          = "gpc-not-honored"
	CodeDNTNotHonored          = "dnt-not-honored"
	CodeDNTUndisclosed         = "dnt-undisclosed"
	CodeTrackingBeforeConsent  = "tracking-before-consent"
)

// Codes lists every finding code, in the order a reader should meet them.
// It is the one list of codes: Checks makes one check per entry, and the
// reports list checks in this order. A new finding code goes here, with a
// coverage rule in checks.go.
var Codes = []string{
	CodePolicyNotFound, CodeTrackingBeforeConsent, CodeTrackingAfterReject, CodeConsentNotRecorded, CodeCookielessPings,
	CodeGPCNotHonored, CodeDNTNotHonored, CodeUndisclosedVendor, CodeUndisclosedCookie,
	CodeCookieLifetimeMismatch, CodeDisclosedNotObserved, CodePolicyContradiction, CodeDNTUndisclosed,
}

// Vendor categories: the report contract's (the catalogue uses the same).
const (
	CategoryAnalytics   = report.CategoryAnalytics
	CategoryAdvertising = report.CategoryAdvertising
	CategoryTagManager  = report.CategoryTagManager
	CategoryMarketing   = report.CategoryMarketing
	CategorySecurity    = report.CategorySecurity
	CategorySocial      = report.CategorySocial
	CategoryFunctional  = report.CategoryFunctional
	CategoryCustomer    = report.CategoryCustomerSuccess
)

// VendorInfo describes a catalogued vendor.
type VendorInfo struct {
	Name     string
	Category string
	// Source is SourceCatalogue for a deep rule, SourceEntity for a vendor
	// known only from the third-party entity table.
	Source string
}

// Vendor sources (VendorInfo.Source), as the report names them.
const (
	SourceCatalogue = report.SourceCatalogue
	SourceEntity    = report.SourceEntity
)

// Input is what the audit reads.
type Input struct {
	// Report holds the observations (trackers, cookies, consent, signals,
	// pages) and the policy analysis; the audit does not modify it.
	Report *report.Report
	// Vendors describes catalogued vendors by slug, for vendors the policy
	// names but the scan did not see.
	Vendors func(slug string) (VendorInfo, bool)
}

// ChromeCapDays is the longest cookie lifetime Chrome stores.
const ChromeCapDays = 400

// LifetimeTolerance is how much longer than declared a cookie may live
// before it is a mismatch.
const LifetimeTolerance = 1.5

// Audit returns the findings, sorted.
func Audit(in Input) []report.Finding {
	a := &auditor{in: in, r: in.Report, site: siteKey(in.Report.Target)}
	a.run()
	report.SortFindings(a.out)
	return a.out
}

type auditor struct {
	in   Input
	r    *report.Report
	site string
	out  []report.Finding
}

// ID is the stable fingerprint of a finding: the same code, site and key give
// the same id in every scan.
func ID(code, site, key string) string {
	sum := sha256.Sum256([]byte(code + "\x00" + site + "\x00" + key))
	return "PS-" + strings.ToUpper(hex.EncodeToString(sum[:])[:12])
}

// siteKey is the registrable domain of the target, so that www and bare
// domain scans share ids.
func siteKey(target string) string {
	u, err := url.Parse(target)
	if err != nil {
		return target
	}
	return crawler.RegistrableDomain(u.Hostname())
}

func (a *auditor) add(f report.Finding, key string) {
	f.ID = ID(f.Code, a.site, key)
	if f.Evidence == nil {
		f.Evidence = []report.Evidence{}
	}
	a.out = append(a.out, f)
}

func ptr(s string) *string { return &s }

func (a *auditor) run() {
	p := a.r.Policy
	a.trackingBeforeConsent()
	a.consentJourneys()
	if p == nil || !p.Found {
		a.policyNotFound()
		return
	}
	a.vendors()
	a.cookies()
	a.signals()
}

func (a *auditor) policyNotFound() {
	sev := report.Medium
	for _, t := range a.r.Trackers {
		if t.Category == CategoryAdvertising || t.Category == CategoryAnalytics {
			sev = report.High
		}
	}
	detail := "No privacy policy could be found or read on the site, so none of its tracking is disclosed."
	if a.r.Policy != nil && a.r.Policy.Error != "" {
		detail += " " + a.r.Policy.Error
	}
	if n := len(a.r.Trackers); n > 0 {
		names := make([]string, 0, n)
		for _, t := range a.r.Trackers {
			names = append(names, t.Name)
		}
		detail += fmt.Sprintf(" The scan saw %d tracker(s): %s.", n, strings.Join(names, ", "))
	}
	var ev []report.Evidence
	if a.r.Policy != nil {
		// The documents tried come first: each says why it is no policy.
		tried := map[string]bool{}
		for _, d := range a.r.Policy.Documents {
			tried[d.URL] = true
			why := "not used"
			if d.Why != nil {
				why = *d.Why
			}
			detail := "tried (" + d.Kind + "), rejected: " + why
			if d.FinalURL != nil {
				detail += "; ended at " + *d.FinalURL
			}
			ev = append(ev, report.Evidence{Kind: "policy", Page: d.URL, Detail: detail})
		}
		for _, c := range a.r.Policy.Candidates {
			if !tried[c.URL] {
				ev = append(ev, report.Evidence{Kind: "policy", Page: c.URL, Detail: "candidate, not tried: " + c.Reason})
			}
		}
	}
	a.add(report.Finding{Code: CodePolicyNotFound, Severity: sev, Title: "No privacy policy could be found",
		Detail: detail, Evidence: ev}, "")
}

// policyStance returns the policy's stance on a vendor ("uses", "denies",
// "contradicts" when one document claims it and another denies it, or "")
// and the statements: the claim first, the denial second. A sentence that
// names another product of the vendor ("we use the Meta Pixel") says
// nothing of this one (Facebook's social plugins); one that names the
// company covers all.
func (a *auditor) policyStance(slug string, product *string) (string, *report.PolicyVendor, *report.PolicyVendor) {
	var use, deny *report.PolicyVendor
	for i, v := range a.r.Policy.Vendors {
		if v.Vendor != slug || !sameProduct(v.Product, product) {
			continue
		}
		switch v.Stance {
		case "uses":
			if use == nil {
				use = &a.r.Policy.Vendors[i]
			}
		case "denies":
			if deny == nil {
				deny = &a.r.Policy.Vendors[i]
			}
		}
	}
	switch {
	case use != nil && deny != nil:
		return "contradicts", use, deny
	case use != nil:
		return "uses", use, nil
	case deny != nil:
		return "denies", nil, deny
	}
	return "", nil, nil
}

// docName names the document a statement is from, for a finding's detail:
// "the cookie policy (URL)", or "the policy" when it is not known.
func (a *auditor) docName(v *report.PolicyVendor) string {
	if v.Document == "" {
		return "the policy"
	}
	kind := "privacy policy"
	for _, d := range a.r.Policy.Documents {
		if d.URL == v.Document {
			switch d.Kind {
			case "cookie":
				kind = "cookie policy"
			case "regional":
				kind = "privacy statement"
			}
		}
	}
	return fmt.Sprintf("the %s (%s)", kind, v.Document)
}

// contradiction reports a vendor that one document claims and another
// denies. When the scan saw the vendor the denial is false: medium, since a
// reader of that document is misled; when it did not, the claim may be
// stale: low.
func (a *auditor) contradiction(slug, name string, use, deny *report.PolicyVendor, t *report.Tracker) {
	f := report.Finding{Code: CodePolicyContradiction, Vendor: ptr(slug), Severity: report.Low,
		Title:       fmt.Sprintf("The site's policies contradict each other about %s", name),
		PolicyQuote: ptr(fmt.Sprintf("%q — and — %q", use.Quote, deny.Quote))}
	f.Detail = fmt.Sprintf("%s says the site uses %s: %q. %s says it does not: %q.",
		upperFirst(a.docName(use)), name, use.Quote, upperFirst(a.docName(deny)), deny.Quote)
	if t != nil {
		f.Severity = report.Medium
		f.Detail += fmt.Sprintf(" The scan observed %s on %d page(s) under %s, so the denial is wrong.", name, len(t.Pages), strings.Join(t.Profiles, ", "))
		f.Evidence = limitEvidence(t.Evidence, 4)
	} else {
		f.Detail += fmt.Sprintf(" The scan did not see %s, so the claim may be out of date.", name)
	}
	for _, v := range []*report.PolicyVendor{use, deny} {
		f.Evidence = append(f.Evidence, report.Evidence{Kind: "policy", Page: v.Document, Detail: v.Stance + ": " + v.Quote})
	}
	key := slug
	if t != nil {
		key = t.Key()
	}
	a.add(f, key)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// sameProduct reports whether a policy sentence about product p (nil: the
// company as a whole) speaks of product (nil: any of the vendor's).
func sameProduct(p, product *string) bool {
	return p == nil || product == nil || strings.EqualFold(*p, *product)
}

// categoryMentioned reports whether the policy discloses the vendor's kind
// of processing in general terms.
func (a *auditor) categoryMentioned(category string) bool {
	m := a.r.Policy.Mentions
	switch category {
	case CategoryAdvertising:
		return m["advertising"] || m["web_beacons"]
	case CategoryAnalytics:
		return m["analytics"]
	case CategoryMarketing:
		return m["advertising"] || m["analytics"]
	case CategoryTagManager, CategorySecurity, CategorySocial, CategoryFunctional, CategoryCustomer:
		return m["third_party_cookies"]
	}
	return false
}

// NonNecessary reports whether a vendor category is one a consent choice
// governs: advertising, analytics, marketing automation, social plugins (a
// like button or a LinkedIn embed reports the visit to its network) and
// chat or support widgets (they load on every page view and keep a
// visitor identifier before anyone asks for help). Tag managers, security
// services (reCAPTCHA) and functional products (Facebook Login, used when
// the visitor asks) are not.
func NonNecessary(category string) bool {
	switch category {
	case CategoryAdvertising, CategoryAnalytics, CategoryMarketing, CategorySocial, CategoryCustomer:
		return true
	}
	return false
}

// GPCGoverned reports whether a vendor category is one a Global Privacy
// Control opt-out of sale or sharing governs: advertising, marketing
// automation and social networks' widgets, which pass the visit to a third
// party for its own advertising. Analytics, chat and support widgets, tag
// managers and security services act for the site (service providers) and
// are judged by the consent and DNT rules instead.
func GPCGoverned(category string) bool {
	switch category {
	case CategoryAdvertising, CategoryMarketing, CategorySocial:
		return true
	}
	return false
}

// baseVendorSeverity is the severity of an undisclosed or unconsented
// product by its category: the Meta Pixel (advertising) is high, Facebook's
// social plugins medium, Facebook Login low.
func baseVendorSeverity(category string) report.Severity {
	switch category {
	case CategoryAdvertising:
		return report.High
	case CategoryAnalytics, CategoryMarketing, CategorySocial, CategoryCustomer:
		return report.Medium
	}
	return report.Low
}

// whereSeen says where a tracker ran, or that it only sat in the pages.
func whereSeen(t report.Tracker) string {
	switch {
	case len(t.Profiles) > 0:
		return fmt.Sprintf("was observed on %d page(s) under %s", len(t.Pages), strings.Join(t.Profiles, ", "))
	case len(t.Blocked) > 0:
		return fmt.Sprintf("is on %d page(s) only as a tag the browser did not run (parked by a consent manager, or inside <noscript>) under %s", len(t.Pages), strings.Join(t.Blocked, ", "))
	}
	return fmt.Sprintf("is referenced in the code of %d page(s), although its own code was not seen running", len(t.Pages))
}

func lower(s report.Severity) report.Severity {
	if s > report.Info {
		return s - 1
	}
	return s
}

func (a *auditor) vendors() {
	for _, t := range a.r.Trackers {
		stance, use, deny := a.policyStance(t.Vendor, t.Product)
		switch stance {
		case "uses":
			continue
		case "contradicts":
			a.contradiction(t.Vendor, t.Name, use, deny, &t)
			continue
		}
		f := report.Finding{Code: CodeUndisclosedVendor, Vendor: ptr(t.Vendor), Evidence: limitEvidence(t.Evidence, 6)}
		where := whereSeen(t)
		ids := ""
		if len(t.IDs) > 0 {
			ids = " (" + strings.Join(t.IDs, ", ") + ")"
		}
		if stance == "denies" {
			f.Severity = report.High
			f.Title = fmt.Sprintf("The privacy policy says the site does not use %s, but it does", t.Name)
			f.Detail = fmt.Sprintf("%s%s %s. The policy explicitly denies using it.", t.Name, ids, where)
			f.PolicyQuote = ptr(deny.Quote)
		} else {
			f.Severity = baseVendorSeverity(t.Category)
			f.Title = fmt.Sprintf("%s runs on the site but the privacy policy does not name it", t.Name)
			f.Detail = fmt.Sprintf("%s%s %s. The policy does not mention it.", t.Name, ids, where)
			if a.categoryMentioned(t.Category) {
				f.Severity = lower(f.Severity)
				f.Detail += fmt.Sprintf(" The policy describes %s in general terms without naming the vendor.", categoryWords(t.Category))
			}
		}
		a.add(f, t.Key())
	}
	// Pages that answered: dead links (4xx/5xx, no answer) loaded nothing.
	pages := 0
	for _, p := range a.r.Pages {
		if p.Profile == "baseline" && p.Status > 0 && p.Status < 400 {
			pages++
		}
	}
	claimed := map[string]bool{}
	for _, v := range a.r.Policy.Vendors {
		product := ""
		if v.Product != nil {
			product = *v.Product
		}
		if v.Stance != "uses" || claimed[v.Vendor+"\x00"+product] || a.productSeen(v.Vendor, v.Product) {
			continue
		}
		claimed[v.Vendor+"\x00"+product] = true
		name := v.Vendor
		if a.in.Vendors != nil {
			if info, ok := a.in.Vendors(v.Vendor); ok {
				name = info.Name
				// A long-tail vendor is named by the entity table's name or
				// company, which a policy also uses for other things (the
				// site's own company, a menu entry): its mention is not a
				// reliable claim of use.
				if info.Source == SourceEntity {
					continue
				}
			}
		}
		if v.Product != nil && !strings.EqualFold(*v.Product, name) {
			name = *v.Product
		}
		if stance, use, deny := a.policyStance(v.Vendor, v.Product); stance == "contradicts" {
			a.contradiction(v.Vendor, name, use, deny, nil)
			continue
		}
		key := v.Vendor
		if product != "" && a.in.Vendors != nil {
			if info, ok := a.in.Vendors(v.Vendor); ok && !strings.EqualFold(product, info.Name) {
				key = v.Vendor + "/" + product
			}
		}
		a.add(report.Finding{Code: CodeDisclosedNotObserved, Severity: report.Low, Vendor: ptr(v.Vendor),
			Title:       fmt.Sprintf("The privacy policy names %s, but the scan did not see it", name),
			Detail:      fmt.Sprintf("The policy says the site uses %s; none of the %d page(s) visited loaded it. The policy may be out of date, or the vendor runs only on pages the scan did not visit.", name, pages),
			PolicyQuote: ptr(v.Quote)}, key)
	}
}

// productSeen reports whether the scan saw the vendor's product (any of the
// vendor's products when product is nil: the policy named only the
// company), running or held back by a consent manager.
func (a *auditor) productSeen(vendor string, product *string) bool {
	for _, t := range a.r.Trackers {
		if t.Vendor == vendor && sameProduct(product, t.Product) {
			return true
		}
	}
	return false
}

func categoryWords(c string) string {
	switch c {
	case CategoryAdvertising:
		return "advertising"
	case CategoryAnalytics:
		return "analytics"
	case CategoryMarketing:
		return "marketing and analytics"
	}
	return "third-party services"
}

func limitEvidence(ev []report.Evidence, n int) []report.Evidence {
	if len(ev) <= n {
		return slices.Clone(ev)
	}
	return slices.Clone(ev[:n])
}
