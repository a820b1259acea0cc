package scan

import (
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/crawler/browser"
	"github.com/privscan/privscan/crawler/consent"
	"github.com/privscan/privscan/crawler/consent/autoconsent"
	"github.com/privscan/privscan/detectors/catalogue"
	cdetect "github.com/privscan/privscan/detectors/consent"
	"github.com/privscan/privscan/internal/audit"
	"github.com/privscan/privscan/report"
)

// Consent journeys (issue 8). The reject and accept profiles each start in
// a fresh browser context: the home page is loaded, the banner answered
// with its own "reject all" / "accept all" control (crawler/consent), and
// then the same pages as the other profiles are visited in that context,
// so the choice's cookies and storage are kept.
//
// They run when asked for (--profiles …,reject,accept) and, when the user
// did not choose the profiles, whenever the baseline visits show a consent
// banner.

// isJourney reports whether p answers the banner before its visits.
func isJourney(p crawler.Profile) bool { return p == crawler.Reject || p == crawler.Accept }

// journeyRun is what a journey recorded, kept until the report is built.
type journeyRun struct {
	profile crawler.Profile
	home    string
	j       consent.Journey
	before  *crawler.Visit
	after   *crawler.Visit
}

// autoConsent reports whether the reject and accept profiles are added
// when the baseline visits show a banner: only when the user did not
// choose the profiles.
func (s *Scanner) autoConsent() bool {
	return !s.opts.ProfilesExplicit && slices.Equal(s.opts.Profiles, DefaultOptions().Profiles)
}

// bannerShown reports whether the profile's visits saw a consent banner,
// and which CMP.
func bannerShown(visits []*crawler.Visit, profile crawler.Profile) (bool, string) {
	var vs []*crawler.Visit
	for _, v := range visits {
		if v.Profile == profile {
			vs = append(vs, v)
		}
	}
	c := cdetect.Detect(vs)
	cmp := ""
	if c.CMP != nil {
		cmp = *c.CMP
	}
	return c.Banner, cmp
}

// runJourney answers the banner on the home page in sess.
func (s *Scanner) runJourney(ctx context.Context, sess *browser.Session, home, hint string) *journeyRun {
	choice := consent.Reject
	if sess.Profile() == crawler.Accept {
		choice = consent.Accept
	}
	jr := &journeyRun{profile: sess.Profile(), home: home}
	ran := false
	before, after, _, err := sess.VisitAndInteract(ctx, home, func(c context.Context) error {
		ran = true
		jr.j = consent.Operate(c, choice, consent.Options{Hint: hint, Autoconsent: s.ac, NoAutoconsent: s.acMissing,
			Wait: s.bannerWait(), RuleTimeout: s.ruleTimeout()})
		return nil
	})
	jr.before, jr.after = before, after
	switch {
	case err != nil:
		jr.j = consent.Journey{Choice: choice, Error: "interrupted: " + err.Error()}
	case !ran:
		jr.j = consent.Journey{Choice: choice, Error: "the home page did not load"}
		if before != nil && before.Error != "" {
			jr.j.Error += ": " + before.Error
		}
	}
	if jr.j.Engine == "" {
		jr.j.Engine = consent.EngineBuiltin
	}
	s.logger.Debug("consent journey", "profile", jr.profile, "engine", jr.j.Engine, "rule", jr.j.Rule, "cmp", jr.j.CMP, "method", jr.j.Method,
		"clicked", jr.j.Clicked, "fallback", jr.j.Fallback, "error", jr.j.Error, "ms", jr.j.DurationMS)
	return jr
}

// finishJourneys puts the journeys into the report, with what the
// profile's visits showed afterwards (banner back, vendors per stage), and
// adds their findings. It runs after the analysis, which does not know the
// journeys.
func (s *Scanner) finishJourneys(r *report.Report, obs *Observations, runs []*journeyRun) {
	if len(runs) == 0 {
		return
	}
	cat := s.plugins.Catalogue
	slices.SortStableFunc(runs, func(a, b *journeyRun) int { return crawler.CompareProfiles(string(a.profile), string(b.profile)) })
	r.Consent.Journeys = nil
	for _, jr := range runs {
		j := jr.j
		cj := report.ConsentJourney{Profile: string(jr.profile), Page: jr.home, Method: string(j.Method), Clicked: j.Clicked,
			SecondLayer: j.SecondLayer, RejectOnFirstLayer: j.RejectOnFirstLayer, BannerClosed: j.BannerClosed,
			Steps: j.Steps, Error: j.Error, VendorsAfterChoice: []string{}, VendorsLater: []string{}, State: []report.ConsentState{},
			Engine: j.Engine, RuleFrame: j.RuleFrame, SelfTest: j.SelfTest, DurationMS: j.DurationMS}
		if j.Rule != "" {
			rule := j.Rule
			cj.Rule = &rule
		}
		if j.Fallback != "" {
			fb := j.Fallback
			cj.Fallback = &fb
		}
		if j.CMP != "" {
			cmp := j.CMP
			cj.CMP = &cmp
		}
		if jr.before != nil {
			cj.ScreenshotBefore = jr.before.Screenshot
		}
		if jr.after != nil {
			cj.ScreenshotAfter = jr.after.Screenshot
		}
		if j.Done() {
			cj.State = journeyStates(jr, obs.Visits)
			for _, v := range obs.Visits {
				if v.Profile != jr.profile {
					continue
				}
				if shown, _ := bannerShown([]*crawler.Visit{v}, jr.profile); shown {
					cj.BannerReturned = append(cj.BannerReturned, v.URL)
				}
			}
			if cat != nil && jr.after != nil {
				for _, t := range cat.Detect(obs.Home.String(), []*crawler.Visit{jr.after}) {
					if audit.NonNecessary(t.Category) && slices.ContainsFunc(t.Evidence, catalogue.ActiveEvidence) {
						cj.VendorsAfterChoice = append(cj.VendorsAfterChoice, t.Vendor)
					}
				}
			}
			for _, t := range r.Trackers {
				if audit.NonNecessary(t.Category) && slices.Contains(t.Profiles, string(jr.profile)) {
					cj.VendorsLater = append(cj.VendorsLater, t.Vendor)
				}
			}
			if s.opts.Screenshots {
				what := fmt.Sprintf("%q", j.Clicked)
				if j.Method == consent.MethodAPI {
					what = j.Clicked
				}
				if len(cj.ScreenshotBefore) > 0 {
					r.Screenshots = append(r.Screenshots, report.Screenshot{Page: jr.home, Profile: string(jr.profile), PNG: cj.ScreenshotBefore,
						Caption: "Consent journey (" + string(jr.profile) + "): the banner before " + what})
				}
				if len(cj.ScreenshotAfter) > 0 {
					r.Screenshots = append(r.Screenshots, report.Screenshot{Page: jr.home, Profile: string(jr.profile), PNG: cj.ScreenshotAfter,
						Caption: "Consent journey (" + string(jr.profile) + "): the page after " + what})
				}
			}
		}
		r.Consent.Journeys = append(r.Consent.Journeys, cj)
	}
	if r.Interrupted {
		return
	}
	findings := audit.ConsentFindings(r)
	kept, suppressed, notes := audit.Suppress(findings, s.opts.Ignore, time.Now())
	r.Findings = append(r.Findings, kept...)
	r.Suppressed = append(r.Suppressed, suppressed...)
	for _, n := range notes {
		if !slices.Contains(r.Errors, n) {
			r.Errors = append(r.Errors, n)
		}
	}
}

// journeyStates reads the consent state the journey's choice left
// behind: on the page right after the choice, then on each later page of
// the profile, in visit order.
func journeyStates(jr *journeyRun, visits []*crawler.Visit) []report.ConsentState {
	out := []report.ConsentState{}
	if jr.after != nil {
		if st, ok := pageConsentState(jr.after); ok {
			st.AfterChoice = true
			out = append(out, st)
		}
	}
	for _, v := range visits {
		if v.Profile != jr.profile || v.Error != "" {
			continue
		}
		st, ok := pageConsentState(v)
		if !ok {
			continue
		}
		if n := len(out); n > 0 && slices.Equal(out[n-1].Words, st.Words) {
			out[n-1].SameOn = append(out[n-1].SameOn, v.URL)
			continue
		}
		out = append(out, st)
	}
	return out
}

// journeyFailed is the report note for a journey that could not answer
// the banner; its profile's pages are not visited.
func journeyFailed(jr *journeyRun) string {
	return fmt.Sprintf("consent journey (%s): the banner could not be operated, so the %s profile was skipped: %s", jr.profile, jr.profile, jr.j.Error)
}

// findAutoconsent finds the consent rule set as --autoconsent says: a
// directory (which must hold the package), AutoconsentOff, or empty for
// $PRIVSCAN_AUTOCONSENT and then the cache. It returns a nil bundle with
// the reason when there is none to use.
func findAutoconsent(dir string) (*autoconsent.Bundle, string, error) {
	if dir == AutoconsentOff {
		return nil, "turned off (--autoconsent " + AutoconsentOff + ")", nil
	}
	b, err := autoconsent.Find(dir, os.Getenv)
	switch {
	case err == nil:
		return b, "", nil
	case dir != "":
		return nil, "", fmt.Errorf("--autoconsent: %w", err)
	}
	return nil, err.Error(), nil
}
