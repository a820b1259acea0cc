package policy

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestSeedFacts asserts the facts the seed corpus was chosen for, beyond
// the golden files.
func TestSeedFacts(t *testing.T) {
	got := map[string]*Analysis{}
	for _, f := range seedFiles(t) {
		got[filepath.Base(f)[:3]] = analyzeSeed(t, f)
	}
	uses := func(a *Analysis) []string {
		var v []string
		for _, d := range a.Vendors {
			if d.Stance == StanceUses {
				v = append(v, d.Vendor)
			}
		}
		return v
	}
	wantVendors := func(t *testing.T, a *Analysis, want ...string) {
		t.Helper()
		have := uses(a)
		for _, w := range want {
			if !slices.Contains(have, w) {
				t.Errorf("vendor %s not named as used; have %v", w, have)
			}
		}
	}
	wantStance := func(t *testing.T, name string, got, want Stance) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %s, want %s", name, got, want)
		}
	}

	t.Run("000", func(t *testing.T) {
		a := got["000"]
		wantVendors(t, a, "google-analytics")
		wantStance(t, "DNT", a.DNT, NotMentioned)
		wantStance(t, "GPC", a.GPC, NotMentioned)
		if !a.Mentions.SessionCookies || !a.Mentions.PersistentCookies {
			t.Errorf("mentions = %+v, want session and persistent cookies", a.Mentions)
		}
	})
	t.Run("001", func(t *testing.T) {
		a := got["001"]
		wantVendors(t, a, "google-analytics", "recaptcha")
		wantStance(t, "GPC", a.GPC, Honored)
		wantStance(t, "DNT", a.DNT, NotHonored)
		if !strings.Contains(a.DNTQuote, "do not currently respond") {
			t.Errorf("DNT quote = %q", a.DNTQuote)
		}
		if !strings.Contains(a.GPCQuote, "Global Privacy Control") {
			t.Errorf("GPC quote = %q", a.GPCQuote)
		}
		if !a.Mentions.WebBeacons || !a.Mentions.Advertising {
			t.Errorf("mentions = %+v, want web beacons and advertising", a.Mentions)
		}
	})
	t.Run("002", func(t *testing.T) {
		a := got["002"]
		if len(a.Vendors) != 0 {
			t.Errorf("vendors = %+v, want none", a.Vendors)
		}
		wantStance(t, "DNT", a.DNT, NotMentioned)
		wantStance(t, "GPC", a.GPC, NotMentioned)
		m := a.Mentions
		if !m.SessionCookies || !m.PersistentCookies || !m.ThirdPartyCookies || !m.WebBeacons || !m.Advertising {
			t.Errorf("mentions = %+v", m)
		}
	})
	t.Run("003", func(t *testing.T) {
		a := got["003"]
		wantVendors(t, a, "google-analytics", "google-tag-manager", "hubspot", "leadinfo", "linkedin", "facebook")
		want := map[string]struct {
			dur  string
			days float64
		}{
			"_ga": {"2 years", 730}, "_gid": {"1 day", 1}, "hssc": {"30 minutes", 0.0208},
			"hubspotutk": {"6 months", 180}, "DynamicWeb.SessionVisitor": {"Session", 0},
			"fr": {"3 months", 90}, "BizoID": {"29 days", 29}, "_fbp": {"1 day", 1}, "1P_JAR": {"1 Month", 30},
		}
		found := map[string]bool{}
		for _, c := range a.Cookies {
			w, ok := want[c.Name]
			if !ok {
				continue
			}
			found[c.Name] = true
			if c.DurationText != w.dur || c.LifetimeDays == nil || *c.LifetimeDays != w.days {
				t.Errorf("cookie %s: duration %q %v, want %q %v", c.Name, c.DurationText, c.LifetimeDays, w.dur, w.days)
			}
		}
		for n := range want {
			if !found[n] {
				t.Errorf("cookie %s not declared", n)
			}
		}
		if len(a.Cookies) < 29 {
			t.Errorf("got %d cookies, want the 29 distinct table rows", len(a.Cookies))
		}
	})
	t.Run("004", func(t *testing.T) {
		a := got["004"]
		// Only third parties' behaviour is described: the site's own stance
		// is unclear, never honored or not-honored.
		wantStance(t, "DNT", a.DNT, Unclear)
		if !strings.Contains(a.DNTQuote, "third parties may not honor") {
			t.Errorf("DNT quote = %q", a.DNTQuote)
		}
		wantStance(t, "GPC", a.GPC, NotMentioned)
	})
}
