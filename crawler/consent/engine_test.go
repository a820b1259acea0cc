package consent_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/crawler/browser"
	"github.com/privscan/privscan/crawler/consent"
	"github.com/privscan/privscan/crawler/consent/autoconsent"
	"github.com/privscan/privscan/crawler/consent/autoconsent/actest"
	"github.com/privscan/privscan/fixtures"
	"github.com/privscan/privscan/internal/testenv"
)

// engineCase is what each engine does with one consent platform's reject
// journey: the autoconsent rule that answers it and its self-test, and
// how the built-in engine answers it without the rule set.
type engineCase struct {
	site string
	// rule and selfTest are autoconsent's ("n/a": the rule has no
	// self-test, or the page the click loaded cannot run it).
	rule, selfTest string
	// method and clicked are the built-in engine's.
	method  consent.Method
	clicked string
}

var engineCases = []engineCase{
	{site: "consent-onetrust", rule: "Onetrust", selfTest: "true", method: consent.MethodSelector, clicked: "Reject All"},
	{site: "consent-cookiebot", rule: "Cybotcookiebot", selfTest: "true", method: consent.MethodSelector, clicked: "Deny"},
	{site: "cmp-didomi", rule: "didomi", selfTest: "true", method: consent.MethodSelector, clicked: "Disagree and close"},
	{site: "cmp-usercentrics", rule: "usercentrics-api", selfTest: "true", method: consent.MethodSelector, clicked: "Deny"},
	{site: "cmp-sourcepoint", rule: "Sourcepoint-frame", selfTest: "n/a", method: consent.MethodHeuristic, clicked: "Reject all"},
	{site: "cmp-trustarc", rule: "TrustArc-newcm", selfTest: "true", method: consent.MethodHeuristic, clicked: "Required Only"},
	{site: "cmp-trustarc-classic", rule: "TrustArc-top", selfTest: "true", method: consent.MethodSelector, clicked: "Required Only"},
	{site: "cmp-quantcast", rule: "quantcast", selfTest: "n/a", method: consent.MethodSelector, clicked: "REJECT ALL"},
	{site: "cmp-complianz", rule: "Complianz banner", selfTest: "true", method: consent.MethodSelector, clicked: "Deny"},
	{site: "cmp-borlabs", rule: "borlabs", selfTest: "n/a", method: consent.MethodSelector, clicked: "Accept only essential cookies"},
	{site: "cmp-cookieyes", rule: "cookieyes", selfTest: "true", method: consent.MethodSelector, clicked: "Reject All"},
	{site: "cmp-iubenda", rule: "iubenda", selfTest: "true", method: consent.MethodHeuristic, clicked: "Reject"},
	{site: "cmp-consentmanager", rule: "consentmanager.net", selfTest: "true", method: consent.MethodHeuristic, clicked: "Reject all"},
	{site: "cmp-klaro", rule: "Klaro", selfTest: "true", method: consent.MethodHeuristic, clicked: "I decline"},
	{site: "cmp-osano", rule: "osano", selfTest: "n/a", method: consent.MethodHeuristic, clicked: "Deny"},
}

type rig struct {
	b     *browser.Browser
	homes map[string]string
}

func newRig(t *testing.T) *rig {
	t.Helper()
	_, err := browser.FindChrome("")
	testenv.Need(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	n, err := fixtures.StartDefault(ctx, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.Close)
	opts := browser.DefaultOptions()
	opts.HostRules = n.HostRules()
	opts.Insecure = true
	opts.PageTimeout = 15 * time.Second
	b, err := browser.Launch(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	r := &rig{b: b, homes: map[string]string{}}
	for _, s := range fixtures.Sites() {
		r.homes[s.Name] = s.Home
	}
	return r
}

// journey answers the site's banner with reject in a fresh browser
// context, with the rule set ac (nil: the built-in engine alone).
func (r *rig) journey(t *testing.T, site string, ac *autoconsent.Bundle) consent.Journey {
	t.Helper()
	return r.journeyWith(t, site, consent.Options{Autoconsent: ac, NoAutoconsent: "not given"})
}

// journeyWith answers the site's banner with reject under opts.
func (r *rig) journeyWith(t *testing.T, site string, opts consent.Options) consent.Journey {
	t.Helper()
	home, ok := r.homes[site]
	if !ok {
		t.Fatalf("no fixture site %q", site)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	sess, err := r.b.NewSession(ctx, crawler.Reject, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	var j consent.Journey
	ran := false
	before, _, _, err := sess.VisitAndInteract(ctx, home, func(c context.Context) error {
		ran = true
		j = consent.Operate(c, consent.Reject, opts)
		return nil
	})
	if err != nil || !ran {
		t.Fatalf("journey on %s did not run: %v (visit error %q)", home, err, before.Error)
	}
	return j
}

func selfTest(j consent.Journey) string {
	if j.SelfTest == nil {
		return "n/a"
	}
	return fmt.Sprint(*j.SelfTest)
}

// TestEnginesOnPlatforms runs the reject journey on each consent
// platform's fixture twice: with autoconsent, whose real rule must answer
// it (and, where it has one, its self-test confirm the choice), and
// without it, where the built-in selectors and labels must — in the top
// document, in an open shadow root or inside the banner's iframe.
func TestEnginesOnPlatforms(t *testing.T) {
	ac := actest.Bundle(t)
	r := newRig(t)
	for _, c := range engineCases {
		t.Run(c.site, func(t *testing.T) {
			j := r.journey(t, c.site, ac)
			got := fmt.Sprintf("engine=%s rule=%s self_test=%s closed=%v error=%q fallback=%q", j.Engine, j.Rule, selfTest(j), j.BannerClosed, j.Error, j.Fallback)
			want := fmt.Sprintf("engine=autoconsent rule=%s self_test=%s closed=true error=\"\" fallback=\"\"", c.rule, c.selfTest)
			if got != want {
				t.Errorf("with autoconsent:\n got %s\nwant %s\nsteps: %s", got, want, strings.Join(j.Steps, " | "))
			}
			if j.DurationMS <= 0 {
				t.Errorf("duration not recorded: %d", j.DurationMS)
			}
			acMS := j.DurationMS
			j = r.journey(t, c.site, nil)
			t.Logf("journey took %d ms with autoconsent (%s), %d ms built-in", acMS, c.rule, j.DurationMS)
			got = fmt.Sprintf("engine=%s method=%s clicked=%q closed=%v error=%q fallback=%q", j.Engine, j.Method, j.Clicked, j.BannerClosed, j.Error, j.Fallback)
			want = fmt.Sprintf("engine=builtin method=%s clicked=%q closed=true error=\"\" fallback=%q", c.method, c.clicked, "autoconsent is not available: not given")
			if got != want {
				t.Errorf("built-in:\n got %s\nwant %s\nsteps: %s", got, want, strings.Join(j.Steps, " | "))
			}
		})
	}
}

// TestAwkwardBanners: banners no rule knows still get a recorded,
// readable outcome — one that never closes is clicked and reported as not
// closed; one whose "Reject all" loads another page is closed by it — and
// a rule that fails hands over to the built-in engine, which says why.
func TestAwkwardBanners(t *testing.T) {
	ac := actest.Bundle(t)
	r := newRig(t)
	noRule := "no autoconsent rule matched the banner"
	for _, c := range []struct {
		site   string
		closed bool
	}{
		{"cmp-stuck", false},
		{"cmp-navigating", true},
		{"cmp-broken-api", true},
	} {
		t.Run(c.site, func(t *testing.T) {
			j := r.journey(t, c.site, ac)
			got := fmt.Sprintf("engine=%s fallback=%q method=%s clicked=%q closed=%v error=%q", j.Engine, j.Fallback, j.Method, j.Clicked, j.BannerClosed, j.Error)
			want := fmt.Sprintf("engine=builtin fallback=%q method=heuristic clicked=\"Reject all\" closed=%v error=\"\"", noRule, c.closed)
			if c.site == "cmp-broken-api" {
				want = "engine=builtin fallback=\"autoconsent rule Cybotcookiebot reported that its opt-out failed\" method=selector clicked=\"Deny\" closed=true error=\"\""
			}
			if got != want {
				t.Errorf("\n got %s\nwant %s\nsteps: %s", got, want, strings.Join(j.Steps, " | "))
			}
		})
	}
}

// TestRuleTimeout: on TrustArc's classic bar without "Required Only",
// autoconsent's TrustArc-top rule opens the consent manager and waits for
// a frame rule its package no longer ships, so it never finishes. Once
// its time budget is spent the journey falls back to the built-in
// engine, records why (engine, rule budget, fallback), and the built-in
// engine declines in the consent manager's iframe. The budget is short
// here so the test does not spend the default 20 s waiting.
func TestRuleTimeout(t *testing.T) {
	ac := actest.Bundle(t)
	r := newRig(t)
	j := r.journeyWith(t, "cmp-trustarc-classic-us", consent.Options{Autoconsent: ac, RuleTimeout: 4 * time.Second})
	got := fmt.Sprintf("engine=%s rule=%q fallback=%q method=%s clicked=%q second_layer=%v closed=%v error=%q",
		j.Engine, j.Rule, j.Fallback, j.Method, j.Clicked, j.SecondLayer, j.BannerClosed, j.Error)
	want := `engine=builtin rule="" fallback="autoconsent rule TrustArc-top timed out after 4s" method=heuristic clicked="Decline All" second_layer=true closed=true error=""`
	if got != want {
		t.Errorf("\n got %s\nwant %s\nsteps: %s", got, want, strings.Join(j.Steps, " | "))
	}
}
