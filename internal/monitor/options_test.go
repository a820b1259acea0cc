package monitor_test

import (
	"strings"
	"testing"
	"time"

	"github.com/privscan/privscan/internal/monitor"
	"github.com/privscan/privscan/internal/scan"
)

// TestOptionsApply: a monitor's stored settings reach the scan, survive
// the store's encoding, and bad ones are refused.
func TestOptionsApply(t *testing.T) {
	stored := monitor.Options{MaxPages: 5, PageTimeout: "12s", Dwell: "8s", NoInteraction: true, BannerWait: "15s", ConsentRuleTimeout: "45s",
		Profiles: []string{"baseline", "reject"}}
	o, err := monitor.ParseOptions(stored.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	got, err := o.Apply(scan.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if got.MaxPages != 5 || got.PageTimeout != 12*time.Second || got.Dwell != 8*time.Second || !got.NoInteraction ||
		got.BannerWait != 15*time.Second || got.ConsentRuleTimeout != 45*time.Second {
		t.Errorf("applied %+v", got)
	}
	if !got.ProfilesExplicit || len(got.Profiles) != 2 {
		t.Errorf("profiles %v (explicit %v)", got.Profiles, got.ProfilesExplicit)
	}
	def, err := monitor.Options{}.Apply(scan.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if want := scan.DefaultOptions(); def.Dwell != want.Dwell || def.NoInteraction || def.BannerWait != want.BannerWait || def.ConsentRuleTimeout != want.ConsentRuleTimeout {
		t.Errorf("defaults not kept: %+v", def)
	}
	for _, bad := range []struct {
		o    monitor.Options
		want string
	}{
		{monitor.Options{BannerWait: "soon"}, "banner wait"},
		{monitor.Options{ConsentRuleTimeout: "5m"}, "--consent-rule-timeout must be between"},
		{monitor.Options{PageTimeout: "x"}, "page timeout"},
		{monitor.Options{Dwell: "100ms"}, "--dwell must be between 500ms and 2m"},
		{monitor.Options{Profiles: []string{"sideways"}}, "unknown profile"},
	} {
		if _, err := bad.o.Apply(scan.DefaultOptions()); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%+v: error %v, want one mentioning %q", bad.o, err, bad.want)
		}
	}
}
