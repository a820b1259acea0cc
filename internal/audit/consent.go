package audit

import (
	"fmt"
	"slices"
	"strings"

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
		title, detail := b.vendor(t, a.cookiesOf(t.Vendor, b.profile))
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
		if slices.Contains(j.VendorsLater, t.Vendor) && !slices.Contains(j.VendorsAfterChoice, t.Vendor) && slices.Contains(t.Profiles, j.Profile) {
			returned = append(returned, t)
		}
	}
	if len(j.BannerReturned) == 0 && len(returned) == 0 {
		return
	}
	sev := report.Low
	var parts []string
	ev := []report.Evidence{journeyEvidence(j)}
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
	a.add(report.Finding{Code: CodeConsentNotRecorded, Severity: sev,
		Title:    "The site forgets the visitor's \"reject\" choice on the next pages",
		Detail:   fmt.Sprintf("The scan %s; then %s.%s", how, strings.Join(parts, "; and "), dark),
		Evidence: ev}, "reject")
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
