package audit

import (
	"fmt"
	"slices"
	"strings"

	"github.com/privscan/privscan/detectors/consentstate"
	"github.com/privscan/privscan/report"
)

// Consent-journey finding codes (DESIGN.md). Both need the reject profile,
// whose browser context answered the banner with "reject all" before it
// visited the pages; accept is the reference and makes no finding.
const (
	// CodeTrackingAfterReject: a non-necessary vendor (advertising,
	// analytics, marketing automation) active in the reject profile, or an
	// analytics or marketing cookie present in it.
	CodeTrackingAfterReject = "tracking-after-reject"
	// CodeConsentNotRecorded: the reject choice is not kept on the next
	// pages: the banner comes back, or trackers that were absent on the
	// page right after the click run on later pages.
	CodeConsentNotRecorded = "consent-not-recorded"
	// CodeCookielessPings: a Google tag running under Consent Mode with
	// storage denied sent cookieless pings (no cookie of its own) before
	// the visitor answered the banner, or after "reject all". Lower than
	// tracking-before-consent / tracking-after-reject, which need cookies
	// or a vendor without Consent Mode.
	CodeCookielessPings = "cookieless-pings"
)

// ConsentFindings returns the findings of the consent journeys in
// r.Consent.Journeys, sorted. Audit makes the same findings when the
// journeys are already in the report; a scan whose journeys are attached
// after the main audit adds these.
func ConsentFindings(r *report.Report) []report.Finding {
	a := &auditor{r: r, site: siteKey(r.Target)}
	a.consentJourneys()
	report.SortFindings(a.out)
	return a.out
}

func (a *auditor) rejectJourney() *report.ConsentJourney {
	for i := range a.r.Consent.Journeys {
		j := &a.r.Consent.Journeys[i]
		if j.Profile == "reject" {
			return j
		}
	}
	return nil
}

// journeyWords describes how the banner was rejected, for details.
func journeyWords(j *report.ConsentJourney) string {
	who := "the consent banner"
	if j.CMP != nil {
		who = "the " + cmpName(*j.CMP) + " banner"
	}
	how := fmt.Sprintf("clicked %q on %s", j.Clicked, who)
	if j.Method == "api" {
		how = fmt.Sprintf("rejected %s through its API (%s)", who, j.Clicked)
	}
	if j.SecondLayer {
		how += " (on its second layer)"
	}
	return how
}

// darkPattern is the detail sentence for a banner with no reject option on
// its first layer.
func darkPattern(j *report.ConsentJourney) string {
	if j.RejectOnFirstLayer == nil || *j.RejectOnFirstLayer {
		return ""
	}
	return " The banner has no reject option on its first layer: the visitor must open its settings to refuse, while accepting takes one click (a dark pattern regulators name)."
}

func journeyEvidence(j *report.ConsentJourney) report.Evidence {
	return report.Evidence{Kind: "dom", Profile: j.Profile, Page: j.Page, Detail: "consent journey: " + strings.Join(j.Steps, "; ")}
}

// consentJourneys makes the tracking-after-reject and consent-not-recorded
// findings. A journey that could not operate the banner makes none: its
// profile never expressed a choice.
func (a *auditor) consentJourneys() {
	j := a.rejectJourney()
	if j == nil || !j.Operated() || !hasProfile(a.r, "reject") {
		return
	}
	how := journeyWords(j)
	dark := darkPattern(j)
	a.trackingDespiteBanner(bannerBreach{
		code: CodeTrackingAfterReject, profile: "reject", lead: []report.Evidence{journeyEvidence(j)}, maxEvidence: 5,
		vendor: func(t report.Tracker, cookies []string) (string, string) {
			detail := fmt.Sprintf("The scan %s, then visited the site with that choice kept; %s was still active on %d page(s)", how, t.Name, pagesUnder(t, "reject"))
			if len(cookies) > 0 {
				detail += " with the cookie(s) " + strings.Join(cookies, ", ")
			}
			detail += "."
			if seenUnder(t, "accept") {
				detail += " It runs after \"accept\" too: the choice makes no difference to it."
			}
			detail += tcfVendorWords(j, t)
			return fmt.Sprintf("%s keeps tracking after the visitor rejects cookies", t.Name), detail + dark
		},
		cookie: func(c report.Cookie) (string, string) {
			return fmt.Sprintf("Cookie %s is present after the visitor rejects cookies", c.Name),
				fmt.Sprintf("The scan %s, then visited the site with that choice kept; the %s cookie %s was still there.%s", how, c.Category, c.Name, dark)
		},
	})
	a.consentNotRecorded(j, how, dark)
}

// bannerBreach describes one of the two findings about tracking a consent
// banner should have held back: before the visitor answered it (baseline)
// and after "reject all" (reject). They differ only in profile, wording
// and evidence.
type bannerBreach struct {
	code, profile string
	// lead opens the evidence of every finding (the journey, if any);
	// maxEvidence caps a vendor's own evidence items.
	lead        []report.Evidence
	maxEvidence int
	// vendor and cookie word the findings; cookies are the names of the
	// vendor's cookies present under profile.
	vendor func(t report.Tracker, cookies []string) (title, detail string)
	cookie func(c report.Cookie) (title, detail string)
}

// trackingDespiteBanner makes b's findings: one per non-necessary vendor
// seen under b.profile (high for advertising, medium otherwise), and one
// (medium) per analytics or marketing cookie present there whose vendor has
// no finding already.
func (a *auditor) trackingDespiteBanner(b bannerBreach) {
	flagged := map[string]bool{}
	for _, t := range a.r.Trackers {
		if !seenUnder(t, b.profile) || !NonNecessary(t.Category) {
			continue
		}
		flagged[t.Vendor] = true
		cookies := a.cookiesOf(t.Vendor, b.profile)
		if cookieless(t, b.profile, cookies) {
			a.cookielessPings(t, b)
			continue
		}
		title, detail := b.vendor(t, cookies)
		detail += consentModeWords(t, b.profile)
		a.add(report.Finding{Code: b.code, Severity: baseVendorSeverity(t.Category), Vendor: ptr(t.Vendor), Title: title, Detail: detail,
			Evidence: slices.Concat(b.lead, evidenceFor(t, b.profile, b.maxEvidence))}, "vendor:"+t.Key())
	}
	for _, c := range a.r.Cookies {
		if !slices.Contains(c.Profiles, b.profile) || !trackingCookie(c) || (c.Vendor != nil && flagged[*c.Vendor]) {
			continue
		}
		title, detail := b.cookie(c)
		a.add(report.Finding{Code: b.code, Severity: report.Medium, Cookie: ptr(c.Name), Vendor: c.Vendor, Title: title, Detail: detail,
			Evidence: slices.Concat(b.lead, cookieEvidence(c))}, "cookie:"+cookieKey(c))
	}
}

// consentNotRecorded: the banner came back, or trackers absent right after
// the click ran on later pages.
func (a *auditor) consentNotRecorded(j *report.ConsentJourney, how, dark string) {
	// Each tracker once, though a vendor seen as two products is listed
	// twice in the journey.
	var returned []report.Tracker
	for _, t := range a.r.Trackers {
		if slices.Contains(j.VendorsLater, t.Vendor) && !slices.Contains(j.VendorsAfterChoice, t.Vendor) && slices.Contains(t.Profiles, j.Profile) &&
			!cookieless(t, "reject", a.cookiesOf(t.Vendor, "reject")) {
			returned = append(returned, t)
		}
	}
	stateSev, stateParts, stateEv := stateNotRecorded(j)
	if len(j.BannerReturned) == 0 && len(returned) == 0 && len(stateParts) == 0 {
		return
	}
	sev := max(report.Low, stateSev)
	parts := stateParts
	ev := append([]report.Evidence{journeyEvidence(j)}, stateEv...)
	if n := len(j.BannerReturned); n > 0 {
		parts = append(parts, fmt.Sprintf("the banner was shown again on %d later page(s) (%s)", n, strings.Join(firstN(j.BannerReturned, 3), ", ")))
		for _, p := range firstN(j.BannerReturned, 3) {
			ev = append(ev, report.Evidence{Kind: "dom", Profile: "reject", Page: p, Detail: "consent banner visible again after \"reject all\""})
		}
	}
	if len(returned) > 0 {
		var names []string
		for _, t := range returned {
			names = append(names, t.Name)
			sev = max(sev, baseVendorSeverity(t.Category))
			ev = append(ev, evidenceFor(t, "reject", 2)...)
		}
		parts = append(parts, fmt.Sprintf("%s did not run on the page right after the click but ran on later pages", strings.Join(names, ", ")))
	}
	title := "The site forgets the visitor's \"reject\" choice on the next pages"
	if len(stateParts) > 0 {
		title = "The site records the visitor's \"reject\" as consent"
	}
	a.add(report.Finding{Code: CodeConsentNotRecorded, Severity: sev,
		Title:    title,
		Detail:   fmt.Sprintf("The scan %s; then %s.%s", how, strings.Join(parts, "; and "), dark),
		Evidence: ev}, "reject")
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// cookieless reports whether t, under profile, ran only as Google Consent
// Mode's cookieless pings: every hit carried storage denied for the
// vendor's kind of storage, and no cookie of the vendor was present.
func cookieless(t report.Tracker, profile string, cookies []string) bool {
	cm := t.ConsentMode[profile]
	if cm == nil || cm.Hits == 0 || len(cookies) > 0 {
		return false
	}
	if t.Category == CategoryAdvertising {
		return cm.AdStorage == consentstate.Denied
	}
	return cm.AnalyticsStorage == consentstate.Denied
}

// cookielessPings makes the cookieless-pings finding for t under b's
// profile.
func (a *auditor) cookielessPings(t report.Tracker, b bannerBreach) {
	cm := t.ConsentMode[b.profile]
	when, title := "before the visitor answered the consent banner", fmt.Sprintf("%s sent cookieless pings before consent (Consent Mode, storage denied)", t.Name)
	if b.profile == "reject" {
		when, title = "after the visitor rejected cookies", fmt.Sprintf("%s sent cookieless pings after \"reject\" (Consent Mode, storage denied)", t.Name)
	}
	detail := fmt.Sprintf("%s ran %s under Google Consent Mode with storage denied: %d hit(s) to Google (gcs %s) and no cookie of its own. "+
		"No identifier was stored, but each ping still sends the page address, the browser's details and the visitor's IP address to Google; "+
		"whether that needs consent is a matter for the site's legal assessment.", t.Name, when, cm.Hits, orNone(cm.GCS))
	a.add(report.Finding{Code: CodeCookielessPings, Severity: report.Low, Vendor: ptr(t.Vendor), Title: title, Detail: detail,
		Evidence: slices.Concat(b.lead, evidenceFor(t, b.profile, 3))}, "vendor:"+t.Vendor+":"+b.profile)
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "not sent"
	}
	return strings.Join(s, ", ")
}

// consentModeWords adds what Google's hits said about consent, when they
// carried Consent Mode parameters.
func consentModeWords(t report.Tracker, profile string) string {
	cm := t.ConsentMode[profile]
	if cm == nil || len(cm.GCS) == 0 {
		return ""
	}
	s := fmt.Sprintf(" Its hits carried Consent Mode gcs %s (ad_storage %s, analytics_storage %s)", strings.Join(cm.GCS, ", "),
		orUnset(cm.AdStorage), orUnset(cm.AnalyticsStorage))
	if profile == "baseline" && (cm.AdStorage == consentstate.Granted || cm.AnalyticsStorage == consentstate.Granted) {
		s += ": storage was granted before the visitor chose"
	}
	return s + "."
}

func orUnset(s string) string {
	if s == "" {
		return "not set"
	}
	return s
}

// lastTCF is the last decoded TC string the journey's state holds.
func lastTCF(j *report.ConsentJourney) *report.TCFState {
	for i := len(j.State) - 1; i >= 0; i-- {
		if t := j.State[i].TCF; t != nil && t.CMPID != 0 {
			return t
		}
	}
	return nil
}

// tcfVendorWords names the TCF vendor behind t and what the reject's TC
// string says about it, when the site uses TCF.
func tcfVendorWords(j *report.ConsentJourney, t report.Tracker) string {
	tc := lastTCF(j)
	if tc == nil {
		return ""
	}
	v, ok := consentstate.GVLFor(t.Vendor)
	if !ok {
		return fmt.Sprintf(" The site uses the IAB TCF, but %s is not a Global Vendor List vendor privscan knows, so the TC string cannot govern it.", t.Name)
	}
	switch {
	case slices.Contains(tc.VendorConsents, v.ID):
		return fmt.Sprintf(" It is TCF vendor %d (%s) on the Global Vendor List, and the TC string the reject left gives it consent.", v.ID, v.Name)
	case slices.Contains(tc.VendorLegitimateInterests, v.ID):
		return fmt.Sprintf(" It is TCF vendor %d (%s) on the Global Vendor List; the TC string the reject left gives it no consent, only legitimate interest — which TCF v2.2 does not allow for storing or reading information on the device (purpose 1).", v.ID, v.Name)
	}
	return fmt.Sprintf(" It is TCF vendor %d (%s) on the Global Vendor List, and it fired although the TC string the reject left gives it no consent.", v.ID, v.Name)
}

// stateNotRecorded reads the consent state the reject left: a TC string
// with purpose 1 consent, or Consent Mode granted (in the dataLayer or on
// Google's hits), means the reject was recorded as consent.
func stateNotRecorded(j *report.ConsentJourney) (report.Severity, []string, []report.Evidence) {
	sev := report.Info
	var parts []string
	var ev []report.Evidence
	where := func(st report.ConsentState) string {
		if st.AfterChoice {
			return "right after the click"
		}
		return "on " + st.Page
	}
	for _, st := range j.State {
		if t := st.TCF; t != nil && t.CMPID != 0 && slices.Contains(t.PurposeConsents, 1) {
			src := "__tcfapi"
			kind := "global"
			if t.Source == "cookie" {
				src, kind = "the euconsent-v2 cookie", "cookie"
			}
			parts = append(parts, fmt.Sprintf("the TC string (%s, CMP %d) %s records consent to purposes %s — purpose 1 is storing and reading information on the device — with %d vendor(s) consented",
				src, t.CMPID, where(st), consentstate.Ranges(t.PurposeConsents, 0), len(t.VendorConsents)))
			ev = append(ev, report.Evidence{Kind: kind, Profile: "reject", Page: st.Page, Detail: "TC string after \"reject\": " + clipTC(t.TCString)})
			sev = report.High
			break
		}
	}
	for _, st := range j.State {
		cm := st.ConsentMode
		if cm == nil {
			continue
		}
		var granted []string
		for _, k := range consentstate.ConsentModeSignals {
			if cm.State[k] == consentstate.Granted {
				granted = append(granted, k)
			}
		}
		var hitGranted []string
		for _, h := range cm.Hits {
			if h.AdStorage == consentstate.Granted || h.AnalyticsStorage == consentstate.Granted {
				hitGranted = append(hitGranted, "gcs="+h.GCS)
				ev = append(ev, report.Evidence{Kind: "request", Profile: "reject", Page: st.Page, Detail: h.URL})
				break
			}
		}
		if len(granted) == 0 && len(hitGranted) == 0 {
			continue
		}
		s := "Google Consent Mode " + where(st)
		if len(granted) > 0 {
			s += " was set to granted for " + strings.Join(granted, ", ") + " (dataLayer consent update)"
			ev = append(ev, report.Evidence{Kind: "global", Profile: "reject", Page: st.Page, Detail: "dataLayer consent state after \"reject\": " + strings.Join(granted, ", ") + " granted"})
		}
		if len(hitGranted) > 0 {
			if len(granted) > 0 {
				s += ", and"
			}
			s += " Google's hits carried " + strings.Join(hitGranted, ", ")
		}
		parts = append(parts, s)
		adGranted := slices.ContainsFunc(granted, func(k string) bool { return strings.HasPrefix(k, "ad_") })
		for _, h := range cm.Hits {
			adGranted = adGranted || h.AdStorage == consentstate.Granted
		}
		if adGranted {
			sev = report.High
		} else {
			sev = max(sev, report.Medium)
		}
		break
	}
	return sev, parts, ev
}

func clipTC(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}
