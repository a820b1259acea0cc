package scan_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/crawler/consent/autoconsent/actest"
	"github.com/privscan/privscan/fixtures"
	"github.com/privscan/privscan/internal/scan"
	"github.com/privscan/privscan/report"
)

// stateSummary is what the consent state of a journey shows, in the terms
// the issue asks to assert.
type stateSummary struct {
	// TCF per page: "api:purposes=…" / "cookie:…" / "error:…".
	TCF []string
	// ConsentMode: the dataLayer state on the last page, and the set of
	// gcs values Google's hits carried over the journey.
	ConsentMode map[string]string
	GCS         []string
	GPP         []string
}

func summarizeState(j report.ConsentJourney) stateSummary {
	s := stateSummary{TCF: []string{}, ConsentMode: map[string]string{}, GCS: []string{}, GPP: []string{}}
	for _, st := range j.State {
		if t := st.TCF; t != nil {
			e := t.Source + ":"
			if t.Error != "" && t.CMPID == 0 {
				e = "error:" + t.Error
			} else {
				b, _ := json.Marshal(t.PurposeConsents)
				e += "purposes=" + string(b)
			}
			if !slices.Contains(s.TCF, e) {
				s.TCF = append(s.TCF, e)
			}
		}
		if g := st.GPP; g != nil {
			e := strings.Join(sectionNames(g), ",")
			if g.Error != "" {
				e = "error"
			}
			if !slices.Contains(s.GPP, e) {
				s.GPP = append(s.GPP, e)
			}
		}
		if c := st.ConsentMode; c != nil {
			if len(c.State) > 0 {
				s.ConsentMode = c.State
			}
			for _, h := range c.Hits {
				if h.GCS != "" && !slices.Contains(s.GCS, h.GCS) {
					s.GCS = append(s.GCS, h.GCS)
				}
			}
		}
	}
	slices.Sort(s.GCS)
	return s
}

func sectionNames(g *report.GPPState) []string {
	var out []string
	for _, s := range g.Sections {
		n := s.Name
		if s.Error != "" {
			n += "!"
		}
		out = append(out, n)
	}
	return out
}

// TestConsentState scans the TCF consent-state sites: the state each
// journey leaves behind is read from __tcfapi / euconsent-v2, __gpp, the
// dataLayer and Google's hits, decoded, and the findings follow it — a
// reject that silently keeps consent is caught by its state alone, GA's
// cookieless pings are a lesser finding than cookies, and a throwing
// __tcfapi or a malformed string is a recorded outcome.
func TestConsentState(t *testing.T) {
	denied := map[string]string{"ad_personalization": "denied", "ad_storage": "denied", "ad_user_data": "denied", "analytics_storage": "denied"}
	granted := map[string]string{"ad_personalization": "granted", "ad_storage": "granted", "ad_user_data": "granted", "analytics_storage": "granted"}
	cases := []struct {
		site                 string
		reject, accept       stateSummary
		findings             []string
		rejectDetail, gaKeys string
	}{
		{
			site:     "consent-tcf",
			reject:   stateSummary{TCF: []string{"api:purposes=[]"}, ConsentMode: denied, GCS: []string{"G100"}, GPP: []string{"tcfeuv2"}},
			accept:   stateSummary{TCF: []string{"api:purposes=[1,2,3,4,5,6,7,8,9,10,11]"}, ConsentMode: granted, GCS: []string{"G111"}, GPP: []string{"tcfeuv2"}},
			findings: []string{"low cookieless-pings google-analytics", "low cookieless-pings google-analytics"},
		},
		{
			site:   "consent-tcf-keeps",
			reject: stateSummary{TCF: []string{"api:purposes=[1,2,3,4,5,6,7,8,9,10,11]"}, ConsentMode: granted, GCS: []string{"G111"}, GPP: []string{"tcfeuv2"}},
			accept: stateSummary{TCF: []string{"api:purposes=[1,2,3,4,5,6,7,8,9,10,11]"}, ConsentMode: granted, GCS: []string{"G111"}, GPP: []string{"tcfeuv2"}},
			findings: []string{"high consent-not-recorded", "low cookieless-pings google-analytics",
				"medium tracking-after-reject google-analytics"},
			rejectDetail: "TCF vendor 755 (Google Advertising Products)",
		},
		{
			site:   "consent-tcf-broken",
			reject: stateSummary{TCF: []string{"error:__tcfapi threw: __tcfapi is disabled on this page; read the euconsent-v2 cookie instead; tc string: core segment: character '!' at 8 is not base64"}, ConsentMode: denied, GCS: []string{"G100"}, GPP: []string{"tcfeuv2!,uspv1!"}},
			// The CMP cannot read its own malformed cookie on the next
			// pages, so Consent Mode falls back to denied after "accept".
			accept:   stateSummary{TCF: []string{"error:__tcfapi threw: __tcfapi is disabled on this page; read the euconsent-v2 cookie instead; tc string: core segment: character '!' at 8 is not base64"}, ConsentMode: denied, GCS: []string{"G100"}, GPP: []string{"tcfeuv2!,uspv1!"}},
			findings: []string{"low cookieless-pings google-analytics", "low cookieless-pings google-analytics"},
		},
	}
	for _, c := range cases {
		t.Run(c.site, func(t *testing.T) {
			r, s := scanConsent(t, site(t, c.site).Home, journeyProfiles)
			got := map[string]stateSummary{}
			for _, j := range r.Consent.Journeys {
				if !j.Operated() {
					t.Fatalf("%s journey not operated: %s", j.Profile, j.Error)
				}
				got[j.Profile] = summarizeState(j)
				if len(j.State) == 0 || !j.State[0].AfterChoice || len(j.State[0].Words) == 0 {
					t.Errorf("%s: no state right after the choice: %+v", j.Profile, j.State)
				}
			}
			if d := cmp.Diff(map[string]stateSummary{"reject": c.reject, "accept": c.accept}, got); d != "" {
				t.Errorf("state (-want +got)\n%s", d)
			}
			var fs []string
			for _, f := range s.Findings {
				if strings.Contains(f, "reject") || strings.Contains(f, "consent") || strings.Contains(f, "cookieless") {
					fs = append(fs, f)
				}
			}
			if d := cmp.Diff(c.findings, fs); d != "" {
				t.Errorf("consent findings (-want +got)\n%s\nall: %v", d, s.Findings)
			}
			for _, f := range r.Findings {
				if f.Code == "tracking-after-reject" && c.rejectDetail != "" && !strings.Contains(f.Detail, c.rejectDetail) {
					t.Errorf("tracking-after-reject detail %q lacks %q", f.Detail, c.rejectDetail)
				}
			}
			if len(r.Errors) > 0 {
				t.Errorf("report errors: %v", r.Errors)
			}
			for _, tr := range r.Trackers {
				if tr.Vendor == "google-analytics" && (tr.ConsentMode["baseline"] == nil || tr.ConsentMode["baseline"].AnalyticsStorage != "denied") {
					t.Errorf("GA consent_mode under baseline = %+v, want analytics_storage denied", tr.ConsentMode["baseline"])
				}
			}
		})
	}
	_ = fixtures.GVLGoogle
}

// TestPlatformTCFState scans the consent platforms whose real products
// are IAB TCF CMPs: each journey's state is the TC string the platform's
// __tcfapi answers (or its euconsent-v2 cookie holds), decoded — after
// "reject" it consents to no purpose (purpose 1 included), after "accept"
// to all eleven — and neither choice is a consent-not-recorded finding.
// consent-tcf-keeps (TestConsentState) is the platform whose reject
// keeps consent and is caught by the same state; OneTrust and Cookiebot's
// TCF state is checked on TestConsentJourneys' scans of their sites.
func TestPlatformTCFState(t *testing.T) {
	actest.Bundle(t) // the rule set operates these banners, as on the real web
	for _, c := range []struct {
		name  string
		cmpID int // the platform's registered CMP id; 412 the fixture's own
	}{
		{"cmp-didomi", fixtures.CMPDidomi}, {"cmp-sourcepoint", fixtures.CMPSourcepoint}, {"cmp-quantcast", fixtures.CMPQuantcast},
		{"cmp-consentmanager", fixtures.CMPConsentManager}, {"cmp-usercentrics", 412}, {"cmp-iubenda", 412},
	} {
		name := c.name
		t.Run(name, func(t *testing.T) {
			r, s := scanConsent(t, site(t, name).Home, func(o *scan.Options) {
				// The journeys alone: the baseline adds nothing here.
				o.Profiles = []crawler.Profile{crawler.Reject, crawler.Accept}
				o.ProfilesExplicit = true
				o.MaxPages = 2
			})
			got := map[string][]string{}
			for _, j := range r.Consent.Journeys {
				if !j.Operated() {
					t.Fatalf("%s journey not operated: %s", j.Profile, j.Error)
				}
				sum := summarizeState(j)
				got[j.Profile] = sum.TCF
				if !slices.Equal(sum.GPP, []string{"tcfeuv2"}) {
					t.Errorf("%s: GPP sections %v, want the tcfeuv2 section", j.Profile, sum.GPP)
				}
				for _, st := range j.State {
					if st.TCF != nil && st.TCF.CMPID != 0 && (j.Profile == "reject") == slices.Contains(st.TCF.PurposeConsents, 1) {
						t.Errorf("%s on %s: purpose consents %v", j.Profile, st.Page, st.TCF.PurposeConsents)
					}
					if st.TCF != nil && st.TCF.CMPID != c.cmpID {
						t.Errorf("%s on %s: CMP %d, want %d", j.Profile, st.Page, st.TCF.CMPID, c.cmpID)
					}
				}
			}
			if d := cmp.Diff(tcfStates, got); d != "" {
				t.Errorf("TCF state per journey (-want +got)\n%s", d)
			}
			for _, f := range s.Findings {
				if strings.Contains(f, "consent-not-recorded") {
					t.Errorf("unexpected finding %s", f)
				}
			}
		})
	}
}
