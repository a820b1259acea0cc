package report

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Shared vocabulary of the human-readable writers (table, HTML, Markdown,
// CSV, JUnit): labels, plain-language explanations and small formatters.

// codeInfo is the check behind a finding code, in plain language for a
// client who is not a privacy engineer.
var codeInfo = map[string]struct{ Check, Explain string }{
	"policy-not-found": {"A privacy policy can be found",
		"We could not find or open a privacy policy. Visitors cannot learn what data is collected or why."},
	"tracking-before-consent": {"No tracking before consent",
		"Analytics or advertising ran before the visitor answered the cookie banner. Consent must come first."},
	"tracking-after-reject": {"No tracking after the visitor rejects cookies",
		"Analytics or advertising kept running after the visitor clicked the banner's own \"reject all\" control."},
	"consent-not-recorded": {"The reject choice is remembered",
		"After the visitor rejected cookies, the next pages showed the banner again or started trackers that had stopped: the choice was not kept."},
	"cookieless-pings": {"No cookieless Google pings before consent or after reject",
		"Google's tag ran in Consent Mode with storage denied: it stored no cookie, but still sent pings with the page address, browser details and IP address to Google before the visitor agreed, or after they rejected."},
	"gpc-not-honored": {"Global Privacy Control is honoured",
		"The policy promises to respect the Global Privacy Control opt-out signal, but advertising or marketing services kept running when the browser sent it."},
	"dnt-not-honored": {"Do Not Track is honoured",
		"The policy promises to respect Do Not Track, but trackers kept running when the browser sent it."},
	"undisclosed-vendor": {"Every third-party service is disclosed",
		"A third-party service was active on the site, but the privacy policy does not name it (or says it is not used)."},
	"undisclosed-cookie": {"Every cookie is declared",
		"The policy lists its cookies, but this cookie is missing from the list."},
	"cookie-lifetime-mismatch": {"Cookie lifetimes match the policy",
		"This cookie lives much longer than the privacy policy says."},
	"disclosed-not-observed": {"The policy is up to date",
		"The policy names a service that the scan never saw. The policy may be out of date."},
	"policy-contradiction": {"The site's policies agree with each other",
		"One of the site's documents (say the privacy policy) says a service is used and another (say the cookie policy) says it is not. Readers cannot tell which is true."},
	"dnt-undisclosed": {"The policy says how Do Not Track is handled",
		"The policy does not say how the site responds to Do Not Track signals. California's CalOPPA asks for this where it applies; elsewhere it is good practice."},
}

// checkName returns the name of the check behind code.
func checkName(code string) string {
	if c, ok := codeInfo[code]; ok {
		return c.Check
	}
	return code
}

// reportChecks returns the report's checks. A report without them (made
// before checks existed, or by hand) gets one failed check per code with
// findings and nothing else: what passed is unknown, so nothing reads as
// passed.
func reportChecks(r *Report) []Check {
	if len(r.Checks) > 0 {
		return r.Checks
	}
	var out []Check
	for _, f := range sortedFindings(r.Findings) {
		if !slices.ContainsFunc(out, func(c Check) bool { return c.Code == f.Code }) {
			out = append(out, Check{Code: f.Code, Status: CheckFailed, Covered: "this report does not record what the check covered"})
		}
	}
	return out
}

// checkResult is a check's status for people: "✓ Passed", "✗ Failed",
// "Not applicable", "Not checked".
func checkResult(c Check) string {
	switch c.Status {
	case CheckPassed:
		return "✓ Passed"
	case CheckFailed:
		return "✗ Failed"
	case CheckNotApplicable:
		return "Not applicable"
	}
	return "Not checked"
}

// journeyLine describes a consent journey in one line.
func journeyLine(j ConsentJourney) string {
	if !j.Operated() {
		return "could not operate the banner: " + j.Error
	}
	s := fmt.Sprintf("clicked “%s” (%s", j.Clicked, j.Method)
	switch {
	case j.Method == "api":
		s = fmt.Sprintf("called %s (api", j.Clicked)
	case j.Method == "rule" && j.Rule != nil:
		s = fmt.Sprintf("answered by autoconsent's rule “%s” (", *j.Rule)
		switch {
		case j.SelfTest == nil:
			s += "no self-test"
		case *j.SelfTest:
			s += "self-test confirmed the choice"
		default:
			s += "self-test did not confirm the choice"
		}
	}
	if j.CMP != nil {
		s += ", " + *j.CMP
	}
	if j.SecondLayer {
		s += ", second layer"
	}
	if j.DurationMS > 0 {
		s += fmt.Sprintf(", %.1f s", float64(j.DurationMS)/1000)
	}
	s += ")"
	if j.Fallback != nil && *j.Fallback != "" {
		s += "; built-in selectors and labels used because " + *j.Fallback
	}
	if j.RejectOnFirstLayer != nil && !*j.RejectOnFirstLayer {
		s += "; no reject option on the first layer"
	}
	return s
}

// JourneyDetail is what the consent section says about one journey, line
// by line: the banner, what answered it, the consent state it left
// behind (decoded, in words) and what still ran.
type JourneyDetail struct {
	Banner   string
	Answer   string
	State    []string
	StillRan string
}

// journeyDetail describes j for the consent section of every format.
func journeyDetail(j ConsentJourney) JourneyDetail {
	d := JourneyDetail{Banner: "a banner of no known consent platform", Answer: journeyLine(j)}
	if j.CMP != nil {
		d.Banner = "the " + *j.CMP + " banner"
	}
	if !j.Operated() {
		return d
	}
	switch {
	case len(j.State) == 0:
		d.State = []string{"No consent state readable: the page has no TCF or GPP API, no euconsent-v2 cookie and no Google Consent Mode."}
	default:
		for i, st := range j.State {
			lead := "Later (" + st.Page + "): "
			switch {
			case i == 0 && st.AfterChoice:
				lead = "Right after the choice: "
			case i == 0:
				lead = "On " + st.Page + ": "
			}
			for _, w := range st.Words {
				d.State = append(d.State, lead+w)
			}
			if n := len(st.SameOn); n > 0 {
				d.State = append(d.State, fmt.Sprintf("The same on %d later page(s).", n))
			}
			if i == 3 && len(j.State) > 4 {
				d.State = append(d.State, fmt.Sprintf("… and %d more state change(s), in the JSON report.", len(j.State)-4))
				break
			}
		}
	}
	if len(j.VendorsLater) == 0 {
		d.StillRan = "no recognised tracker ran on the later pages"
	} else {
		d.StillRan = "still ran on the later pages: " + strings.Join(j.VendorsLater, ", ")
	}
	return d
}

// explain returns the plain-language meaning of code ("" when unknown).
func explain(code string) string { return codeInfo[code].Explain }

var profileLabels = map[string]string{
	"baseline": "Ordinary visitor (no privacy signal)",
	"gpc":      "Global Privacy Control (Sec-GPC: 1)",
	"dnt":      "Do Not Track (DNT: 1)",
	"reject":   "Visitor who rejects cookies",
	"accept":   "Visitor who accepts cookies",
}

// profileLabel describes a profile for people.
func profileLabel(p string) string {
	if l, ok := profileLabels[p]; ok {
		return l
	}
	return p
}

var stanceLabels = map[string]string{
	"honored":       "Says it honours the signal",
	"not-honored":   "Says it does not honour the signal",
	"unclear":       "Mentions the signal, stance unclear",
	"not-mentioned": "Not mentioned",
	"":              "Unknown",
}

// stanceLabel describes a policy's DNT/GPC stance.
func stanceLabel(s string) string {
	if l, ok := stanceLabels[s]; ok {
		return l
	}
	return s
}

// severityLabel is the capitalised severity name.
func severityLabel(s Severity) string {
	n := s.String()
	return strings.ToUpper(n[:1]) + n[1:]
}

// severitiesDesc lists severities from the worst.
var severitiesDesc = []Severity{High, Medium, Low, Info}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// lifetime renders days for people.
func lifetime(session bool, d *float64) string {
	switch {
	case session:
		return "session"
	case d == nil:
		return "—"
	case *d >= 365:
		return fmt.Sprintf("%.0fd (%.1fy)", *d, *d/365)
	case *d >= 1:
		return fmt.Sprintf("%.0fd", *d)
	case *d*24 >= 1:
		return fmt.Sprintf("%.0fh", *d*24)
	}
	return fmt.Sprintf("%.0fmin", *d*24*60)
}

// days renders an optional number of days for machine-readable cells.
func days(d *float64) string {
	if d == nil {
		return ""
	}
	return fmt.Sprintf("%g", *d)
}

// stripControls replaces C0/C1 control characters, DEL and Unicode
// bidi controls with spaces, and invalid UTF-8 with U+FFFD.
func stripControls(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.ContainsAny(s, "\x1b\u009b") {
		s = ansiSequence.ReplaceAllString(s, "")
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return ' '
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
			return ' '
		}
		return r
	}, s)
}

// ansiSequence matches terminal escape sequences (CSI, OSC, and the
// two-byte ones) so that they vanish whole rather than leave debris.
var ansiSequence = regexp.MustCompile(`\x1b\[[0-?]*[ -/]*[@-~]|\x{9b}[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]`)

// truncate caps s at n runes, marking the cut with an ellipsis.
func truncate(s string, n int) string {
	if n <= 0 || utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// OneLine makes page-derived text safe for one terminal or text line:
// control characters, terminal escape sequences and bidi overrides become
// spaces, and runs of white space one space.
func OneLine(s string) string { return strings.Join(strings.Fields(stripControls(s)), " ") }

// findingKey is the vendor or cookie a finding is about.
func findingKey(f Finding) string {
	switch {
	case f.Vendor != nil && f.Cookie != nil:
		return *f.Vendor + " / " + *f.Cookie
	case f.Cookie != nil:
		return *f.Cookie
	}
	return deref(f.Vendor)
}

// findingPages returns the distinct pages of a finding's evidence, in order.
func findingPages(f Finding) []string {
	var pages []string
	for _, e := range f.Evidence {
		if e.Page != "" && !slices.Contains(pages, e.Page) {
			pages = append(pages, e.Page)
		}
	}
	return pages
}

// evidenceLine is one piece of evidence in a line.
func evidenceLine(e Evidence) string {
	var b strings.Builder
	b.WriteString(e.Kind)
	if e.Profile != "" {
		b.WriteString(" [" + e.Profile + "]")
	}
	b.WriteString(": " + e.Detail)
	if e.Page != "" {
		b.WriteString(" (on " + e.Page + ")")
	}
	return b.String()
}

// sortedFindings returns a copy of findings, worst first (the order Sort
// gives), so writers never reorder the caller's report.
func sortedFindings(f []Finding) []Finding {
	out := slices.Clone(f)
	SortFindings(out)
	return out
}

// summaryOf returns r.Summary, or counts the findings when the summary is
// empty but findings exist (a hand-built report).
func summaryOf(r *Report) Summary {
	s := r.Summary
	if s == (Summary{}) && len(r.Findings) > 0 {
		s.Count(r.Findings)
	}
	return s
}

// total is the number of findings.
func (s Summary) total() int { return s.High + s.Medium + s.Low + s.Info }

// worst is the worst severity with a finding, and false when none.
func (s Summary) worst() (Severity, bool) {
	for _, sev := range severitiesDesc {
		if *s.counter(sev) > 0 {
			return sev, true
		}
	}
	return Info, false
}

// risk is the worst severity with a finding ("none" when there is none)
// and its headline label ("High risk", "No issues").
func (s Summary) risk() (risk, label string) {
	if sev, ok := s.worst(); ok {
		return sev.String(), severityLabel(sev) + " risk"
	}
	return "none", "No issues"
}

// vendorNames maps vendor slugs to display names from the trackers (the
// first tracker of a vendor with a name).
func vendorNames(r *Report) map[string]string {
	m := make(map[string]string, len(r.Trackers))
	for _, t := range r.Trackers {
		if _, ok := m[t.Vendor]; !ok && t.Name != "" {
			m[t.Vendor] = t.Name
		}
	}
	return m
}

// isMarketing reports whether a tracker is an advertising or marketing
// service, which the opt-out profiles should have stopped.
func isMarketing(t Tracker) bool { return t.Category == "marketing" || t.Category == "advertising" }

// optOutProfile reports whether a profile asks the site not to track.
func optOutProfile(p string) bool { return p == "gpc" || p == "dnt" || p == "reject" }

// Tracker policy statuses: what the policy says of a tracker's vendor.
const (
	policyNamed    = "named"
	policyDenied   = "denied"
	policyNotNamed = "not named"
	policyNone     = "no policy"
)

// trackerPolicy is what the policy says of a tracker (trackerStance):
// policyNamed, policyDenied, policyNotNamed, or policyNone when the vendor
// is not in it and no policy was found.
func trackerPolicy(r *Report, t Tracker) string {
	switch trackerStance(r, t).Stance {
	case "uses":
		return policyNamed
	case "denies":
		return policyDenied
	case "":
		if !policyFound(r) {
			return policyNone
		}
	}
	return policyNotNamed
}

// policyDuration is the lifetime a policy declares for a cookie: its text,
// or the parsed lifetime when there is no text.
func policyDuration(pc PolicyCookie) string {
	if pc.DurationText != "" {
		return pc.DurationText
	}
	return lifetime(pc.Session, pc.LifetimeDays)
}

// trackerStance is the policy's stance on a tracker's product: sentences
// about its vendor as a whole or about this product (a denial wins); one
// about another product of the vendor says nothing of this one.
func trackerStance(r *Report, t Tracker) PolicyVendor {
	var out PolicyVendor
	if r.Policy == nil {
		return out
	}
	for _, v := range r.Policy.Vendors {
		if v.Vendor != t.Vendor || v.Product != nil && t.Product != nil && !strings.EqualFold(*v.Product, *t.Product) {
			continue
		}
		if out.Stance == "" || v.Stance == "denies" && out.Stance != "denies" {
			out = v
		}
	}
	return out
}

// policyStances maps vendor slugs to the policy's stance on them.
func policyStances(r *Report) map[string]PolicyVendor {
	m := map[string]PolicyVendor{}
	if r.Policy == nil {
		return m
	}
	for _, v := range r.Policy.Vendors {
		if _, ok := m[v.Vendor]; !ok || v.Stance == "denies" {
			m[v.Vendor] = v
		}
	}
	return m
}

// declaredCookie finds the policy's declaration of a cookie by name.
func declaredCookie(p *Policy, name string) (PolicyCookie, bool) {
	if p == nil {
		return PolicyCookie{}, false
	}
	for _, c := range p.Cookies {
		if strings.EqualFold(c.Name, name) {
			return c, true
		}
	}
	return PolicyCookie{}, false
}

// policyFound reports whether the scan found a policy.
func policyFound(r *Report) bool { return r.Policy != nil && r.Policy.Found }

// duration is the scan's wall time, rounded, or "" when unknown.
func duration(r *Report) string {
	if r.StartedAt.IsZero() || r.FinishedAt.IsZero() || r.FinishedAt.Before(r.StartedAt) {
		return ""
	}
	d := r.FinishedAt.Sub(r.StartedAt)
	if d >= time.Minute {
		return d.Round(time.Second).String()
	}
	return d.Round(100 * time.Millisecond).String()
}

// timestamp renders a time for reports, in UTC.
func timestamp(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// unsettled returns the visits that loaded without error but never went
// quiet: they were recorded as they were at the end of their dwell.
func unsettled(r *Report) []Page {
	var out []Page
	for _, p := range r.Pages {
		if p.Error == nil && p.Status > 0 && !p.Settled {
			out = append(out, p)
		}
	}
	return out
}

// pageErrors counts visits that failed.
func pageErrors(r *Report) int {
	n := 0
	for _, p := range r.Pages {
		if p.Error != nil {
			n++
		}
	}
	return n
}

// distinctPages counts distinct page URLs visited.
func distinctPages(r *Report) int {
	seen := map[string]bool{}
	for _, p := range r.Pages {
		seen[p.URL] = true
	}
	return len(seen)
}

// signalReads returns the scripts that read a navigator property, sorted.
func signalReads(r *Report, prop string) []string {
	s := slices.Clone(r.Signals.Reads[prop])
	slices.Sort(s)
	return slices.Compact(s)
}

// sortedKeys returns the keys of m in profile order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compareProfiles)
	return keys
}

// partyCount counts first- and third-party cookies.
func partyCount(r *Report) (first, third int) {
	for _, c := range r.Cookies {
		if c.Party == "third" {
			third++
		} else {
			first++
		}
	}
	return first, third
}

// cookieOrder is the order of the cookie inventories: first party first,
// then by domain, name and path.
func cookieOrder(a, b Cookie) int {
	return cmp.Or(strings.Compare(a.Party, b.Party), strings.Compare(a.Domain, b.Domain),
		strings.Compare(a.Name, b.Name), strings.Compare(a.Path, b.Path))
}
