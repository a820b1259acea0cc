package audit

import (
	"fmt"
	"slices"
	"strings"

	"github.com/privscan/privscan/report"
)

// Checks returns one check per code in Codes (and per other code that has
// findings), in that order: whether it passed, failed, did not apply or
// could not be completed, and what it could see. It reads the finished
// report: findings (kept and suppressed), trackers, third parties, pages,
// consent journeys and the policy. A check never passes for something it
// did not test: with nothing to test it is not-applicable, and a code
// without a coverage rule is incomplete unless it has findings.
func Checks(r *report.Report) []report.Check {
	c := &checker{r: r, findings: map[string]int{}, suppressed: map[string]int{}}
	for _, f := range r.Findings {
		c.findings[f.Code]++
	}
	for _, f := range r.Suppressed {
		c.suppressed[f.Code]++
	}
	codes := slices.Clone(Codes)
	for _, f := range slices.Concat(r.Findings, r.Suppressed) {
		if !slices.Contains(codes, f.Code) {
			codes = append(codes, f.Code)
		}
	}
	out := make([]report.Check, 0, len(codes))
	for _, code := range codes {
		out = append(out, c.check(code))
	}
	return out
}

// coverage is the rule of one code: why it does not apply (or could not
// run), else what it looked at. incomplete marks a reason that is a
// failure to evaluate rather than nothing to test.
type coverage func(c *checker) (notApplicable string, incomplete bool, covered string)

// coverageRules are the coverage rules by code. Every code in Codes has one
// (a test checks it).
var coverageRules = map[string]coverage{
	CodePolicyNotFound:         (*checker).policyCheck,
	CodeUndisclosedVendor:      (*checker).undisclosedVendor,
	CodeDisclosedNotObserved:   (*checker).disclosedNotObserved,
	CodeUndisclosedCookie:      (*checker).undisclosedCookie,
	CodeCookieLifetimeMismatch: (*checker).lifetimes,
	CodeGPCNotHonored:          (*checker).gpc,
	CodeDNTNotHonored:          (*checker).dnt,
	CodeDNTUndisclosed:         (*checker).dntStatement,
	CodeTrackingBeforeConsent:  (*checker).beforeConsent,
	CodeTrackingAfterReject:    (*checker).afterReject,
	CodeConsentNotRecorded:     (*checker).consentRecorded,
	CodeCookielessPings:        (*checker).cookielessPings,
	CodePolicyContradiction:    (*checker).contradictions,
}

type checker struct {
	r                    *report.Report
	findings, suppressed map[string]int
}

func (c *checker) check(code string) report.Check {
	ch := report.Check{Code: code}
	n, s := c.findings[code], c.suppressed[code]
	if c.r.Interrupted && n+s == 0 {
		ch.Status, ch.Covered = report.CheckIncomplete, "the scan was interrupted before findings were computed"
		return ch
	}
	rule := coverageRules[code]
	if rule == nil {
		if n+s > 0 {
			ch.Status, ch.Covered = report.CheckFailed, findingsText(n, s)
		} else {
			ch.Status, ch.Covered = report.CheckIncomplete, "this check does not describe what it covers"
		}
		return ch
	}
	why, incomplete, covered := rule(c)
	switch {
	case n+s > 0:
		ch.Status = report.CheckFailed
		ch.Covered = findingsText(n, s)
		if covered != "" {
			ch.Covered += "; " + covered
		}
	case why != "" && incomplete:
		ch.Status, ch.Covered = report.CheckIncomplete, why
	case why != "":
		ch.Status, ch.Covered = report.CheckNotApplicable, why
	default:
		ch.Status, ch.Covered = report.CheckPassed, covered
	}
	return ch
}

func findingsText(n, s int) string {
	switch {
	case s == 0:
		return plural(n, "finding", "findings")
	case n == 0:
		return plural(s, "finding", "findings") + ", all suppressed"
	}
	return fmt.Sprintf("%s (%d more suppressed)", plural(n, "finding", "findings"), s)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// list names up to five items, then how many more.
func list(items []string) string {
	if len(items) <= 5 {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:5], ", ") + fmt.Sprintf(" and %d more", len(items)-5)
}

func (c *checker) policyFound() bool { return c.r.Policy != nil && c.r.Policy.Found }

const noPolicy = "no privacy policy was found to compare with (see policy-not-found)"

// pagesUnder counts the pages visited under a profile.
func (c *checker) pagesUnder(profile string) int {
	n := 0
	for _, p := range c.r.Pages {
		if p.Profile == profile && p.Error == nil {
			n++
		}
	}
	return n
}

// ran returns the names of the trackers that ran under profile and pass
// keep; blocked those held back there.
func (c *checker) ran(profile string, keep func(report.Tracker) bool) (ran, blocked []string) {
	for _, t := range c.r.Trackers {
		if !keep(t) {
			continue
		}
		if slices.Contains(t.Profiles, profile) {
			ran = append(ran, t.Name)
		} else if slices.Contains(t.Blocked, profile) {
			blocked = append(blocked, t.Name)
		}
	}
	return ran, blocked
}

// unclassified returns the third-party domains contacted under profile
// (all profiles when "") that no rule or table names.
func (c *checker) unclassified(profile string) []string {
	var out []string
	for _, tp := range c.r.ThirdParties {
		if tp.Vendor == nil && (profile == "" || slices.Contains(tp.Profiles, profile)) {
			out = append(out, tp.Domain)
		}
	}
	return out
}

// seenText describes what a check saw under a profile: recognised
// non-necessary vendors that ran, tags held back, and unclassified third
// parties — the last are outside what the check can judge.
func (c *checker) seenText(profile, when string, keep func(report.Tracker) bool, kinds string) string {
	ran, blocked := c.ran(profile, keep)
	var parts []string
	if len(ran) == 0 {
		parts = append(parts, fmt.Sprintf("no recognised %s ran %s (%s)", kinds, when, plural(c.pagesUnder(profile), "page", "pages")))
	} else {
		parts = append(parts, fmt.Sprintf("recognised %ss that ran %s: %s", kinds, when, list(ran)))
	}
	if len(blocked) > 0 {
		parts = append(parts, fmt.Sprintf("%s on the pages but blocked, never run: %s", plural(len(blocked), "tag", "tags"), list(blocked)))
	}
	if u := c.unclassified(profile); len(u) > 0 {
		parts = append(parts, fmt.Sprintf("%s contacted, not judged: %s", plural(len(u), "unclassified third party", "unclassified third parties"), list(u)))
	}
	return strings.Join(parts, "; ")
}

func (c *checker) policyCheck() (string, bool, string) {
	if !c.policyFound() {
		return "the privacy policy was not analysed", true, ""
	}
	if c.r.Policy != nil && c.r.Policy.URL != nil {
		return "", false, "privacy policy read at " + *c.r.Policy.URL
	}
	return "", false, "privacy policy read"
}

func (c *checker) undisclosedVendor() (string, bool, string) {
	if !c.policyFound() {
		return noPolicy, false, ""
	}
	var names []string
	for _, t := range c.r.Trackers {
		names = append(names, t.Name)
	}
	s := "no recognised vendor was seen"
	if len(names) > 0 {
		s = fmt.Sprintf("%s compared with the policy: %s", plural(len(names), "recognised vendor product", "recognised vendor products"), list(names))
	}
	if u := c.unclassified(""); len(u) > 0 {
		s += fmt.Sprintf("; %s not compared: %s", plural(len(u), "unclassified third party", "unclassified third parties"), list(u))
	}
	return "", false, s
}

func (c *checker) disclosedNotObserved() (string, bool, string) {
	if !c.policyFound() {
		return noPolicy, false, ""
	}
	var named []string
	for _, v := range c.r.Policy.Vendors {
		if v.Stance == "uses" && !slices.Contains(named, v.Vendor) {
			named = append(named, v.Vendor)
		}
	}
	if len(named) == 0 {
		return "the policy names no recognised vendor as in use", false, ""
	}
	return "", false, fmt.Sprintf("the policy names %s as in use (%s); each was compared with the %s visited",
		plural(len(named), "recognised vendor", "recognised vendors"), list(named), plural(distinctPages(c.r), "page", "pages"))
}

func distinctPages(r *report.Report) int {
	seen := map[string]bool{}
	for _, p := range r.Pages {
		seen[p.URL] = true
	}
	return len(seen)
}

func (c *checker) undisclosedCookie() (string, bool, string) {
	if !c.policyFound() {
		return noPolicy, false, ""
	}
	if n := len(c.r.Policy.Cookies); n < minCookieDeclarations {
		return fmt.Sprintf("the policy does not list its cookies by name (%s declared)", plural(n, "cookie", "cookies")), false, ""
	}
	return "", false, fmt.Sprintf("%s compared with the policy's list of %d", plural(len(c.r.Cookies), "observed cookie", "observed cookies"), len(c.r.Policy.Cookies))
}

func (c *checker) lifetimes() (string, bool, string) {
	if !c.policyFound() {
		return noPolicy, false, ""
	}
	decls := compileDeclarations(c.r.Policy.Cookies)
	n := 0
	for _, ck := range c.r.Cookies {
		if d, ok := declaration(decls, ck.Name); ok && (d.Session || d.LifetimeDays != nil) && observedDays(ck) != nil {
			n++
		}
	}
	if n == 0 {
		return "no observed persistent cookie has a lifetime declared in the policy", false, ""
	}
	return "", false, fmt.Sprintf("%s compared with the lifetime the policy declares (what the site asked for, tolerance %gx)", plural(n, "cookie lifetime", "cookie lifetimes"), LifetimeTolerance)
}

func marketing(t report.Tracker) bool { return GPCGoverned(t.Category) }

func (c *checker) gpc() (string, bool, string) {
	if !hasProfile(c.r, "gpc") {
		return "the scan did not run the gpc profile", false, ""
	}
	if !c.policyFound() {
		return noPolicy, false, ""
	}
	gj := c.r.Signals.GPCJSON
	claims := gj != nil && gj.Valid && gj.GPC != nil && *gj.GPC
	if c.r.Policy.GPC != "honored" && !claims {
		return "the policy makes no Global Privacy Control promise and the site's gpc.json claims none", false, ""
	}
	s := c.seenText("gpc", "with GPC on", marketing, "advertising, marketing or social vendor")
	a := &auditor{r: c.r}
	if how := a.siteGPCSignal(); how != "" {
		s += "; " + how + " (context only: a vendor is excused only when its own requests or cookies change)"
	}
	return "", false, s
}

func (c *checker) dnt() (string, bool, string) {
	if !hasProfile(c.r, "dnt") {
		return "the scan did not run the dnt profile", false, ""
	}
	if !c.policyFound() {
		return noPolicy, false, ""
	}
	if c.r.Policy.DNT != "honored" {
		return "the policy does not promise to honour Do Not Track", false, ""
	}
	return "", false, c.seenText("dnt", "with DNT on", func(t report.Tracker) bool {
		return t.Category != CategoryTagManager && t.Category != CategorySecurity && t.Category != CategoryFunctional
	}, "tracker")
}

func (c *checker) dntStatement() (string, bool, string) {
	if !c.policyFound() {
		return noPolicy, false, ""
	}
	switch c.r.Policy.DNT {
	case "honored":
		return "", false, "the policy says the site honours Do Not Track"
	case "not-honored":
		return "", false, "the policy says the site does not respond to Do Not Track"
	}
	return "", false, "the policy's Do Not Track statement was read"
}

func (c *checker) beforeConsent() (string, bool, string) {
	if !hasProfile(c.r, "baseline") {
		return "the scan did not run the baseline profile", false, ""
	}
	if !c.r.Consent.Banner {
		return "no consent banner was seen, so there was no consent to wait for", false, ""
	}
	return "", false, c.seenText("baseline", "before any consent choice", nonNecessary, "analytics, advertising, marketing or social vendor")
}

func nonNecessary(t report.Tracker) bool { return NonNecessary(t.Category) }

// rejectReady says why the reject journey cannot be judged ("" when it
// can) and whether that is a failure to run rather than nothing to test.
func (c *checker) rejectReady() (string, bool) {
	a := &auditor{r: c.r}
	j := a.rejectJourney()
	switch {
	case j == nil && !c.r.Consent.Banner:
		return "no consent banner was seen, so there was nothing to reject", false
	case j == nil || !hasProfile(c.r, "reject"):
		return "the scan did not run the reject journey (--consent)", false
	case !j.Operated():
		return "the reject journey could not operate the banner: " + j.Error, true
	}
	return "", false
}

func (c *checker) afterReject() (string, bool, string) {
	if why, inc := c.rejectReady(); why != "" {
		return why, inc, ""
	}
	s := c.seenText("reject", "after \"reject\"", nonNecessary, "analytics, advertising, marketing or social vendor")
	// A tag the consent manager kept blocked after "reject" — and that ran
	// after "accept" — is evidence that the choice works.
	var works []string
	for _, t := range c.r.Trackers {
		if NonNecessary(t.Category) && slices.Contains(t.Blocked, "reject") && slices.Contains(t.Profiles, "accept") {
			works = append(works, t.Name)
		}
	}
	if len(works) > 0 {
		s += fmt.Sprintf("; consent blocking works: %s stayed blocked after \"reject\" and ran after \"accept\"", list(works))
	}
	return "", false, s
}

func (c *checker) consentRecorded() (string, bool, string) {
	if why, inc := c.rejectReady(); why != "" {
		return why, inc, ""
	}
	later := c.pagesUnder("reject")
	return "", false, fmt.Sprintf("the %s visited after \"reject\" were checked for the banner coming back and for trackers absent right after the click", plural(later, "page", "pages"))
}

// cookielessPings covers the Google tags whose hits carried Consent Mode
// under the profiles before and after a consent choice.
func (c *checker) cookielessPings() (string, bool, string) {
	if !c.r.Consent.Banner {
		return "the site showed no consent banner", false, ""
	}
	var names []string
	for _, t := range c.r.Trackers {
		for _, m := range t.ConsentMode {
			if m != nil && m.Hits > 0 {
				names = append(names, t.Name)
				break
			}
		}
	}
	if len(names) == 0 {
		return "no Google hit carried Consent Mode parameters (gcs/gcd)", false, ""
	}
	return "", false, fmt.Sprintf("Consent Mode state read on the hits of %s", list(names))
}

// contradictions covers the policy documents whose vendor statements were
// compared with each other.
func (c *checker) contradictions() (string, bool, string) {
	if !c.policyFound() {
		return noPolicy, false, ""
	}
	var used []string
	for _, d := range c.r.Policy.Documents {
		if d.Used {
			used = append(used, d.URL)
		}
	}
	if len(used) < 2 {
		return "only one policy document was read: there is nothing to compare it with", false, ""
	}
	return "", false, fmt.Sprintf("vendor statements of %d documents compared: %s", len(used), list(used))
}
