package scan_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/crawler/consent/autoconsent/actest"
	"github.com/privscan/privscan/fixtures"
	"github.com/privscan/privscan/internal/scan"
	"github.com/privscan/privscan/report"
)

// journeySummary is what a consent journey did, in the terms the issue
// asks to assert: the CMP, the method, the control clicked, whether a
// second layer was needed and whether reject was on the first layer.
type journeySummary struct {
	Profile string `json:"profile"`
	// Engine, Rule, SelfTest and Fallback say what operated the banner:
	// an autoconsent rule (and whether its self-test confirmed the
	// choice) or the built-in engine (and why).
	Engine             string   `json:"engine"`
	Rule               string   `json:"rule,omitempty"`
	SelfTest           string   `json:"self_test"`
	Fallback           string   `json:"fallback,omitempty"`
	CMP                string   `json:"cmp"`
	Method             string   `json:"method"`
	Clicked            string   `json:"clicked"`
	SecondLayer        bool     `json:"second_layer"`
	RejectOnFirstLayer string   `json:"reject_on_first_layer"`
	BannerClosed       bool     `json:"banner_closed"`
	Error              string   `json:"error,omitempty"`
	BannerReturned     int      `json:"banner_returned"`
	VendorsAfterChoice []string `json:"vendors_after_choice"`
	VendorsLater       []string `json:"vendors_later"`
	Screenshots        bool     `json:"screenshots"`
}

type consentSummary struct {
	Profiles []string            `json:"profiles"`
	Journeys []journeySummary    `json:"journeys"`
	Trackers map[string][]string `json:"trackers"` // profile → vendors
	Findings []string            `json:"findings"`
	Errors   []string            `json:"errors,omitempty"`
}

func summarizeConsent(r *report.Report) consentSummary {
	s := consentSummary{Profiles: r.Profiles, Journeys: []journeySummary{}, Trackers: map[string][]string{}, Findings: []string{}, Errors: r.Errors}
	for _, p := range r.Profiles {
		s.Trackers[p] = []string{}
	}
	for _, t := range r.Trackers {
		for _, p := range t.Profiles {
			s.Trackers[p] = append(s.Trackers[p], t.Vendor)
		}
	}
	for _, v := range s.Trackers {
		slices.Sort(v)
	}
	for _, j := range r.Consent.Journeys {
		js := journeySummary{Profile: j.Profile, Method: j.Method, Clicked: j.Clicked, SecondLayer: j.SecondLayer,
			BannerClosed: j.BannerClosed, Error: j.Error, BannerReturned: len(j.BannerReturned),
			VendorsAfterChoice: j.VendorsAfterChoice, VendorsLater: j.VendorsLater,
			Screenshots: len(j.ScreenshotBefore) > 0 && len(j.ScreenshotAfter) > 0, RejectOnFirstLayer: "n/a",
			Engine: j.Engine, SelfTest: "n/a"}
		if j.Rule != nil {
			js.Rule = *j.Rule
		}
		if j.SelfTest != nil {
			js.SelfTest = fmt.Sprint(*j.SelfTest)
		}
		if j.Fallback != nil {
			js.Fallback = *j.Fallback
		}
		if j.CMP != nil {
			js.CMP = *j.CMP
		}
		if j.RejectOnFirstLayer != nil {
			js.RejectOnFirstLayer = fmt.Sprint(*j.RejectOnFirstLayer)
		}
		s.Journeys = append(s.Journeys, js)
	}
	for _, f := range r.Findings {
		// Leadinfo's domain probe (_li_probe<random>, set and deleted at
		// once) is sometimes caught by another tab's jar read; it is not
		// what these tests are about.
		if f.Cookie != nil && strings.HasPrefix(*f.Cookie, "_li_probe") {
			continue
		}
		key := ""
		if f.Vendor != nil {
			key = *f.Vendor
		}
		if f.Cookie != nil {
			key += " cookie " + *f.Cookie
		}
		s.Findings = append(s.Findings, strings.TrimSpace(fmt.Sprintf("%s %s %s", f.Severity, f.Code, key)))
	}
	slices.Sort(s.Findings)
	return s
}

// journeyFindings keeps the findings of the journey codes.
func journeyFindings(all []string) []string {
	out := []string{}
	for _, f := range all {
		if strings.Contains(f, "tracking-after-reject") || strings.Contains(f, "consent-not-recorded") {
			out = append(out, f)
		}
	}
	return out
}

func scanConsent(t *testing.T, home string, change func(*scan.Options)) (*report.Report, consentSummary) {
	t.Helper()
	r := scanSite(t, home, func(o *scan.Options) {
		o.MaxPages = 6
		if change != nil {
			change(o)
		}
	})
	return r, summarizeConsent(r)
}

// TestConsentHubSpotDemo: the demo site's HubSpot banner blocks nothing.
// The journeys run automatically (default profiles, a banner in the
// baseline visits): Decline is #hs-eu-decline-button, Accept
// #hs-eu-confirmation-button. Decline removes the HubSpot identifiers but
// GA4, Meta and Leadinfo keep running: tracking-after-reject for them.
// The report records the journeys' waits, here set by hand.
func TestConsentHubSpotDemo(t *testing.T) {
	actest.Bundle(t) // autoconsent's hubspot rule answers the banner
	r, s := scanConsent(t, site(t, "dynamicweb").Home, func(o *scan.Options) {
		o.BannerWait, o.ConsentRuleTimeout = 8*time.Second, 25*time.Second
	})
	golden(t, "consent/dynamicweb", s)
	if r.Options.BannerWait != "8s" || r.Options.ConsentRuleTimeout != "25s" {
		t.Errorf("options record banner wait %q and rule timeout %q, want 8s and 25s", r.Options.BannerWait, r.Options.ConsentRuleTimeout)
	}
}

// journeyProfiles runs the consent profiles without gpc and dnt, which
// the consent sites do not look at (and which would double the time).
func journeyProfiles(o *scan.Options) {
	o.Profiles = []crawler.Profile{crawler.Baseline, crawler.Reject, crawler.Accept}
	o.ProfilesExplicit = true
}

// consentCase is the designed outcome of one consent fixture site
// (fixtures/README.md).
type consentCase struct {
	site     string
	journeys []journeySummary
	trackers map[string][]string
	findings []string
	// detail is a substring every journey finding's detail must contain.
	detail string
	// tcf is the TC string state each journey left (summarizeState),
	// for the platforms that run the IAB TCF, written by CMP tcfCMP; nil
	// for the others.
	tcf    map[string][]string
	tcfCMP int
}

// tcfStates is the state the TCF platform imitations leave: no purpose
// consented after reject, all eleven after accept.
var tcfStates = map[string][]string{"reject": {"api:purposes=[]"}, "accept": {"api:purposes=[1,2,3,4,5,6,7,8,9,10,11]"}}

// noRule is the fallback reason of a banner no autoconsent rule knows.
const noRule = "no autoconsent rule matched the banner"

var consentCases = []consentCase{
	{
		// OneTrust imitation: "Reject All" is on the first layer and
		// honoured; GA4 (C0002) and Meta (C0004) load only after accept.
		site: "consent-onetrust",
		journeys: []journeySummary{
			{Profile: "reject", Engine: "autoconsent", Rule: "Onetrust", SelfTest: "true", CMP: "onetrust", Method: "rule",
				Clicked: "autoconsent rule Onetrust (1 click(s))", RejectOnFirstLayer: "true",
				BannerClosed: true, VendorsAfterChoice: []string{}, VendorsLater: []string{}, Screenshots: true},
			{Profile: "accept", Engine: "autoconsent", Rule: "Onetrust", SelfTest: "n/a", CMP: "onetrust", Method: "rule",
				Clicked: "autoconsent rule Onetrust (1 click(s))", RejectOnFirstLayer: "n/a",
				BannerClosed: true, VendorsAfterChoice: []string{"facebook", "google-analytics"}, VendorsLater: []string{"facebook", "google-analytics"}, Screenshots: true},
		},
		trackers: map[string][]string{"baseline": {}, "reject": {}, "accept": {"facebook", "google-analytics"}},
		findings: []string{},
		tcf:      tcfStates,
		tcfCMP:   fixtures.CMPOneTrust,
	},
	{
		// Cookiebot imitation: "Deny" is honoured for GA4 (statistics),
		// but the Meta Pixel is hard-coded. autoconsent opts out through
		// Cookiebot.withdraw() and its self-test reads Cookiebot.declined;
		// its opt-in clicks the ids of Cookiebot's older template, which
		// leaves today's dialog open, so "Allow all" is clicked by the
		// built-in engine.
		site: "consent-cookiebot",
		journeys: []journeySummary{
			{Profile: "reject", Engine: "autoconsent", Rule: "Cybotcookiebot", SelfTest: "true", CMP: "cookiebot", Method: "rule",
				Clicked: "autoconsent rule Cybotcookiebot (0 click(s))", RejectOnFirstLayer: "true",
				BannerClosed: true, VendorsAfterChoice: []string{"facebook"}, VendorsLater: []string{"facebook"}, Screenshots: true},
			{Profile: "accept", Engine: "builtin", SelfTest: "n/a", Fallback: "autoconsent rule Cybotcookiebot reported success but the banner stayed visible",
				CMP: "cookiebot", Method: "selector", Clicked: "Allow all", RejectOnFirstLayer: "n/a",
				BannerClosed: true, VendorsAfterChoice: []string{"facebook", "google-analytics"}, VendorsLater: []string{"facebook", "google-analytics"}, Screenshots: true},
		},
		trackers: map[string][]string{"baseline": {"facebook"}, "reject": {"facebook"}, "accept": {"facebook", "google-analytics"}},
		findings: []string{"high tracking-after-reject facebook"},
		tcf:      tcfStates,
		tcfCMP:   fixtures.CMPCookiebot,
	},
	{
		// Custom English banner: no reject on the first layer; "Manage
		// options" opens pre-ticked purposes, which the scanner unticks
		// before "Save choices". LinkedIn Insight is not gated.
		site: "consent-second-layer",
		journeys: []journeySummary{
			{Profile: "reject", Engine: "builtin", SelfTest: "n/a", Fallback: noRule, Method: "heuristic", Clicked: "Save choices", SecondLayer: true, RejectOnFirstLayer: "false",
				BannerClosed: true, VendorsAfterChoice: []string{"linkedin"}, VendorsLater: []string{"linkedin"}, Screenshots: true},
			{Profile: "accept", Engine: "builtin", SelfTest: "n/a", Fallback: noRule, Method: "heuristic", Clicked: "Accept all", RejectOnFirstLayer: "n/a",
				BannerClosed: true, VendorsAfterChoice: []string{"facebook", "google-analytics", "linkedin"}, VendorsLater: []string{"facebook", "google-analytics", "linkedin"}, Screenshots: true},
		},
		trackers: map[string][]string{"baseline": {"linkedin"}, "reject": {"linkedin"}, "accept": {"facebook", "google-analytics", "linkedin"}},
		findings: []string{"high tracking-after-reject linkedin"},
		detail:   "no reject option on its first layer",
	},
	{
		// German custom banner: "Einstellungen" → "Alle ablehnen" is not
		// stored; the next pages load GA4 and Meta (implied consent).
		site: "consent-german",
		journeys: []journeySummary{
			{Profile: "reject", Engine: "builtin", SelfTest: "n/a", Fallback: noRule, Method: "heuristic", Clicked: "Alle ablehnen", SecondLayer: true, RejectOnFirstLayer: "false",
				BannerClosed: true, VendorsAfterChoice: []string{}, VendorsLater: []string{"facebook", "google-analytics"}, Screenshots: true},
			{Profile: "accept", Engine: "builtin", SelfTest: "n/a", Fallback: noRule, Method: "heuristic", Clicked: "Alle akzeptieren", RejectOnFirstLayer: "n/a",
				BannerClosed: true, VendorsAfterChoice: []string{"facebook", "google-analytics"}, VendorsLater: []string{"facebook", "google-analytics"}, Screenshots: true},
		},
		trackers: map[string][]string{"baseline": {}, "reject": {"facebook", "google-analytics"}, "accept": {"facebook", "google-analytics"}},
		findings: []string{"high consent-not-recorded", "high tracking-after-reject facebook", "medium tracking-after-reject google-analytics"},
		detail:   "no reject option on its first layer",
	},
}

// TestConsentJourneys scans each consent fixture site under baseline,
// reject and accept and checks what was clicked and how, the vendors per
// profile, and the exact journey findings.
func TestConsentJourneys(t *testing.T) {
	actest.Bundle(t) // the expectations are those with the rule set
	for _, c := range consentCases {
		t.Run(c.site, func(t *testing.T) {
			r, s := scanConsent(t, site(t, c.site).Home, journeyProfiles)
			if diff := cmp.Diff(c.journeys, s.Journeys); diff != "" {
				t.Errorf("journeys (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.trackers, s.Trackers); diff != "" {
				t.Errorf("trackers per profile (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.findings, journeyFindings(s.Findings)); diff != "" {
				t.Errorf("journey findings (-want +got):\n%s", diff)
			}
			if len(s.Errors) > 0 {
				t.Errorf("report errors: %v", s.Errors)
			}
			if c.tcf != nil {
				got := map[string][]string{}
				for _, j := range r.Consent.Journeys {
					got[j.Profile] = summarizeState(j).TCF
					for _, st := range j.State {
						if st.TCF != nil && st.TCF.CMPID != c.tcfCMP {
							t.Errorf("%s on %s: CMP %d, want %d", j.Profile, st.Page, st.TCF.CMPID, c.tcfCMP)
						}
					}
				}
				if diff := cmp.Diff(c.tcf, got); diff != "" {
					t.Errorf("TCF state per journey (-want +got):\n%s", diff)
				}
			}
			for _, f := range r.Findings {
				if f.Code == "tracking-after-reject" || f.Code == "consent-not-recorded" {
					if c.detail != "" && !strings.Contains(f.Detail, c.detail) {
						t.Errorf("%s %v: detail %q lacks %q", f.Code, f.Vendor, f.Detail, c.detail)
					}
					if len(f.Evidence) == 0 || !strings.Contains(f.Evidence[0].Detail, "consent journey") {
						t.Errorf("%s: first evidence is not the journey: %+v", f.Code, f.Evidence)
					}
				}
			}
			if !slices.Equal(r.Profiles, []string{"baseline", "reject", "accept"}) {
				t.Errorf("profiles = %v", r.Profiles)
			}
		})
	}
}

// TestConsentNoBannerSkipsProfile: asking for reject on a site without a
// banner records the failed journey and a note, skips the profile and
// makes no finding.
func TestConsentNoBannerSkipsProfile(t *testing.T) {
	r, s := scanConsent(t, site(t, "peerzone").Home, func(o *scan.Options) {
		o.Profiles = []crawler.Profile{crawler.Baseline, crawler.Reject}
		o.ProfilesExplicit = true
		o.MaxPages = 2
	})
	if !slices.Equal(r.Profiles, []string{"baseline"}) {
		t.Errorf("profiles = %v, want baseline only", r.Profiles)
	}
	if len(s.Journeys) != 1 || s.Journeys[0].Error != "no consent banner found" || s.Journeys[0].Method != "" {
		t.Errorf("journeys = %+v", s.Journeys)
	}
	if len(s.Errors) != 1 || !strings.Contains(s.Errors[0], "consent journey (reject)") {
		t.Errorf("errors = %v", s.Errors)
	}
	if f := journeyFindings(s.Findings); len(f) != 0 {
		t.Errorf("journey findings = %v", f)
	}
	baseline := 0
	for _, p := range r.Pages {
		switch p.Profile {
		case "reject":
			t.Errorf("reject page visited: %s", p.URL)
		case "baseline":
			baseline++
		}
	}
	if baseline == 0 {
		t.Error("no baseline page visited")
	}
}

// TestConsentBuiltinFallback: without the rule set the built-in engine
// operates the OneTrust banner by its selectors, and the journey says so.
func TestConsentBuiltinFallback(t *testing.T) {
	_, s := scanConsent(t, site(t, "consent-onetrust").Home, func(o *scan.Options) {
		journeyProfiles(o)
		o.Autoconsent = scan.AutoconsentOff
	})
	fb := "autoconsent is not available: turned off (--autoconsent none)"
	want := []journeySummary{
		{Profile: "reject", Engine: "builtin", SelfTest: "n/a", Fallback: fb, CMP: "onetrust", Method: "selector", Clicked: "Reject All",
			RejectOnFirstLayer: "true", BannerClosed: true, VendorsAfterChoice: []string{}, VendorsLater: []string{}, Screenshots: true},
		{Profile: "accept", Engine: "builtin", SelfTest: "n/a", Fallback: fb, CMP: "onetrust", Method: "selector", Clicked: "Accept All Cookies",
			RejectOnFirstLayer: "n/a", BannerClosed: true, VendorsAfterChoice: []string{"facebook", "google-analytics"},
			VendorsLater: []string{"facebook", "google-analytics"}, Screenshots: true},
	}
	if diff := cmp.Diff(want, s.Journeys); diff != "" {
		t.Errorf("journeys (-want +got):\n%s", diff)
	}
}

// TestConsentBannerReturns: a banner that stores no choice is answered,
// then shows again on every later page of the reject profile, and the
// journey lists those pages.
func TestConsentBannerReturns(t *testing.T) {
	r, s := scanConsent(t, site(t, "cmp-nagging").Home, func(o *scan.Options) {
		o.Profiles = []crawler.Profile{crawler.Baseline, crawler.Reject}
		o.ProfilesExplicit = true
		o.MaxPages = 3
	})
	if len(s.Journeys) != 1 || s.Journeys[0].Clicked != "Reject all" || !s.Journeys[0].BannerClosed {
		t.Fatalf("journeys = %+v", s.Journeys)
	}
	rejectPages := 0
	for _, p := range r.Pages {
		if p.Profile == "reject" {
			rejectPages++
		}
	}
	if rejectPages == 0 || s.Journeys[0].BannerReturned != rejectPages {
		t.Errorf("banner returned on %d of %d reject pages, want all", s.Journeys[0].BannerReturned, rejectPages)
	}
}
