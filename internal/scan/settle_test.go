package scan_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/fixtures"
	"github.com/privscan/privscan/internal/scan"
	"github.com/privscan/privscan/report"
)

// trackerByVendor indexes a report's trackers.
func trackerByVendor(r *report.Report) map[string]report.Tracker {
	out := map[string]report.Tracker{}
	for _, t := range r.Trackers {
		out[t.Vendor] = t
	}
	return out
}

// pathOf strips the site's origin from a page URL.
func pathOf(home, u string) string {
	return strings.TrimPrefix(u, strings.TrimSuffix(home, "/"))
}

// TestTagsThatWaitForAVisitor scans the lazy-tags site, whose tags wait for
// the first interaction (WP Rocket, Perfmatters), a 3 s timer, an idle
// callback or the contact form scrolling into view: acting like a visitor,
// the scan sees every vendor, on the page that loads it, and says which
// requests followed an interaction. The endless journal is capped, and the
// recipe page that moves on when scrolled stays recorded as it was, with
// the navigation noted.
func TestTagsThatWaitForAVisitor(t *testing.T) {
	home := site(t, "lazy-tags").Home
	r := scanSite(t, home, func(o *scan.Options) {
		o.Profiles = []crawler.Profile{crawler.Baseline}
		o.ProfilesExplicit = true
		o.Observations = true
		o.MaxPages = 10
	})
	if r.Options.Dwell == "" || r.Options.NoInteraction {
		t.Errorf("options = %+v, want a dwell and interaction", r.Options)
	}
	trackers := trackerByVendor(r)
	want := map[string]struct {
		page, id, after string
	}{
		"google-analytics": {"/", fixtures.LazyTagsGA4, "(after "},
		"facebook":         {"/", fixtures.LazyTagsPixel, "(after "},
		"linkedin":         {"/perfmatters/", fixtures.LazyTagsLinkedIn, "(after "},
		"hubspot":          {"/timer/", fixtures.LazyTagsHubSpot, ""},
		"leadinfo":         {"/timer/", fixtures.LazyTagsLeadinfo, ""},
		"recaptcha":        {"/contact/", fixtures.LazyTagsRecaptcha, "(after scroll)"},
	}
	for vendor, w := range want {
		tr, ok := trackers[vendor]
		if !ok {
			t.Errorf("%s not detected (trackers: %v)", vendor, slices.Collect(maps.Keys(trackers)))
			continue
		}
		if !slices.Contains(tr.Pages, home+strings.TrimPrefix(w.page, "/")) {
			t.Errorf("%s pages = %v, want %s among them", vendor, tr.Pages, w.page)
		}
		if !slices.Contains(tr.IDs, w.id) {
			t.Errorf("%s ids = %v, want %s", vendor, tr.IDs, w.id)
		}
		if w.after != "" {
			found := false
			for _, e := range tr.Evidence {
				found = found || strings.Contains(e.Detail, w.after)
			}
			if !found {
				t.Errorf("%s evidence does not say %q: %+v", vendor, w.after, tr.Evidence)
			}
		}
	}
	pages := map[string]report.Page{}
	for _, p := range r.Pages {
		pages[pathOf(home, p.URL)] = p
	}
	for path, p := range pages {
		if p.Error != nil {
			t.Errorf("%s: error %s", path, *p.Error)
		}
	}
	if p := pages["/recipes/"]; p.Navigation != home+"recipes/next/" {
		t.Errorf("/recipes/ navigation = %q, want the next recipe noted", p.Navigation)
	}
	obs := map[string]report.Observation{}
	for _, o := range r.Observations {
		obs[pathOf(home, o.URL)] = o
	}
	// The next recipe (with its Meta Pixel) was stopped before it left
	// the page: the visit is the recipe page as it was.
	if p := pages["/recipes/"]; p.FinalURL != "" {
		t.Errorf("/recipes/ final URL = %q, want the page as it was", p.FinalURL)
	}
	for _, q := range obs["/recipes/"].Requests {
		if strings.Contains(q.URL, "facebook") {
			t.Errorf("/recipes/ recorded %s from the page it tried to navigate to", q.URL)
		}
	}
	if o := obs["/journal/"]; o.Interaction == nil || !o.Interaction.Capped {
		t.Errorf("/journal/ interaction = %+v, want scrolling capped on the endless feed", o.Interaction)
	}
	if o := obs["/"]; o.Interaction == nil || !slices.Equal(o.Interaction.Actions, []string{"focus", "mousemove", "scroll"}) {
		t.Errorf("/ interaction = %+v", o.Interaction)
	}
	// The recorded request carries the action it followed.
	var gtag *report.ObservedRequest
	for i, q := range obs["/"].Requests {
		if strings.Contains(q.URL, "googletagmanager.com/gtag/js") {
			gtag = &obs["/"].Requests[i]
		}
	}
	// The loader starts on the first mouse move; gtag.js is its first
	// script.
	if gtag == nil || gtag.AfterInteraction != crawler.ActionMouseMove {
		t.Errorf("gtag.js request = %+v, want after_interaction mousemove", gtag)
	}
	for _, q := range obs["/timer/"].Requests {
		if strings.Contains(q.URL, "js.hs-scripts.com") && q.AfterInteraction == "" {
			t.Errorf("the timer's HubSpot request is not marked as following the interaction (it started after it): %+v", q)
		}
	}
}

// TestNoInteractionMissesGatedTags scans the same site with
// --no-interaction: the tags that wait for a visitor are not seen (an
// auditor who must not interact gets exactly what loading shows), while
// the timer and idle-callback tags are, within the dwell, and no request
// is marked as following an interaction.
func TestNoInteractionMissesGatedTags(t *testing.T) {
	home := site(t, "lazy-tags").Home
	r := scanSite(t, home, func(o *scan.Options) {
		o.Profiles = []crawler.Profile{crawler.Baseline}
		o.ProfilesExplicit = true
		o.Observations = true
		o.NoInteraction = true
		o.MaxPages = 10
	})
	if !r.Options.NoInteraction {
		t.Errorf("options.no_interaction = false")
	}
	trackers := trackerByVendor(r)
	// The delayed tags are in the markup (parked, or a script element)
	// but never ran: no request, no cookie, and the tracker is not active
	// under the profile.
	for _, vendor := range []string{"google-analytics", "facebook", "linkedin", "recaptcha"} {
		tr := trackers[vendor]
		if slices.Contains(tr.Profiles, "baseline") {
			t.Errorf("%s counted as running without interaction", vendor)
		}
		for _, e := range tr.Evidence {
			if e.Kind != "script" && e.Kind != "blocked" {
				t.Errorf("%s ran without interaction: %+v", vendor, e)
			}
		}
	}
	for _, vendor := range []string{"hubspot", "leadinfo"} {
		if _, ok := trackers[vendor]; !ok {
			t.Errorf("%s (timer / idle callback) not detected without interaction", vendor)
		}
	}
	for _, o := range r.Observations {
		if o.Interaction != nil {
			t.Errorf("%s: interaction %+v under --no-interaction", o.URL, o.Interaction)
		}
		for _, q := range o.Requests {
			if q.AfterInteraction != "" {
				t.Errorf("%s: request %s marked %q", o.URL, q.URL, q.AfterInteraction)
			}
		}
	}
}

// TestNeverIdlePages scans live pages that never go network-idle (WebSocket,
// EventSource, long poll, a fast feed, a looping clip, heartbeat beacons):
// each is a normal visit, recorded at the end of its dwell and marked not
// settled, never a timeout error, and what it loaded is reported.
func TestNeverIdlePages(t *testing.T) {
	home := site(t, "live-feed").Home
	r := scanSite(t, home, func(o *scan.Options) {
		o.Profiles = []crawler.Profile{crawler.Baseline}
		o.ProfilesExplicit = true
		o.Observations = true
		o.MaxPages = 3
	})
	if len(r.Pages) == 0 {
		t.Fatal("no pages")
	}
	unsettled := 0
	for _, p := range r.Pages {
		if p.Error != nil {
			t.Errorf("%s: error %q (%s), want a normal visit", p.URL, *p.Error, p.ErrorKind)
		}
		if pathOf(home, p.URL) != "/privacy-policy/" && !p.Settled {
			unsettled++
		}
	}
	// The commentary feed keeps the network busy. A renderer starved of CPU
	// (a loaded machine) can really leave it quiet for 500 ms, so one live
	// page that stayed busy to the end of its dwell is enough here.
	if unsettled == 0 {
		t.Errorf("every live page settled: the commentary feed was taken for quiet (pages %+v)", r.Pages)
	}
	if ga, ok := trackerByVendor(r)["google-analytics"]; !ok || !slices.Contains(ga.IDs, fixtures.LiveFeedGA4) {
		t.Errorf("google-analytics not reported on the live pages")
	}
	for _, o := range r.Observations {
		if pathOf(home, o.URL) != "/" {
			continue
		}
		types := map[string]bool{}
		for _, q := range o.Requests {
			types[q.Type] = true
		}
		for _, typ := range []string{"WebSocket", "EventSource", "Media", "Ping"} {
			if !types[typ] {
				t.Errorf("home page: no %s request recorded (types: %v)", typ, types)
			}
		}
	}
}

// TestQuietPageSettles checks the other side: a quiet page settles (it is
// not held for the whole dwell, which the benchmark measures).
func TestQuietPageSettles(t *testing.T) {
	home := site(t, "bench").Home
	r := scanSite(t, home, func(o *scan.Options) {
		o.Profiles = []crawler.Profile{crawler.Baseline}
		o.ProfilesExplicit = true
		o.MaxPages = 2
	})
	for _, p := range r.Pages {
		if !p.Settled || p.Error != nil {
			t.Errorf("%s: settled %v, error %v", p.URL, p.Settled, p.Error)
		}
	}
}
