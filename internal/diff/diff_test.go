package diff_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/privscan/privscan/internal/diff"
	"github.com/privscan/privscan/report"
)

func ptr[T any](v T) *T { return &v }

func finding(id string, sev report.Severity, detail string) report.Finding {
	return report.Finding{ID: id, Code: "undisclosed-vendor", Severity: sev, Title: "title " + id, Detail: detail}
}

func TestCompare(t *testing.T) {
	old := &report.Report{Target: "https://a.test/",
		Findings: []report.Finding{finding("PS-KEEP", report.Low, "d"), finding("PS-GONE", report.High, "d"), finding("PS-SEV", report.Low, "d"), finding("PS-DET", report.Medium, "old")},
		Trackers: []report.Tracker{{Vendor: "hubspot", Profiles: []string{"baseline", "gpc"}}, {Vendor: "facebook", Profiles: []string{"baseline"}}, {Vendor: "linkedin", Profiles: []string{"baseline"}}},
		Cookies: []report.Cookie{{Name: "_ga", Domain: ".a.test", Path: "/", LifetimeDays: ptr(399.99)}, {Name: "_fbp", Domain: ".a.test", Path: "/", LifetimeDays: ptr(90.0)},
			{Name: "gone", Domain: "a.test", Path: "/"}},
	}
	new := &report.Report{Target: "https://a.test/",
		Findings: []report.Finding{finding("PS-KEEP", report.Low, "d"), finding("PS-NEW", report.Medium, "d"), finding("PS-SEV", report.High, "d"), finding("PS-DET", report.Medium, "new")},
		Trackers: []report.Tracker{{Vendor: "hubspot", Profiles: []string{"gpc", "baseline"}}, {Vendor: "facebook", Profiles: []string{"baseline", "dnt"}}, {Vendor: "leadinfo"}},
		Cookies: []report.Cookie{{Name: "_ga", Domain: ".a.test", Path: "/", LifetimeDays: ptr(400.0)}, {Name: "_fbp", Domain: ".a.test", Path: "/", LifetimeDays: ptr(180.0)},
			{Name: "fresh", Domain: "a.test", Path: "/"}},
	}
	res := diff.Compare(old, new)
	ids := func(fs []report.Finding) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.ID)
		}
		return out
	}
	tests := []struct {
		name      string
		got, want any
	}{
		{"new", ids(res.NewFindings), []string{"PS-NEW"}},
		{"resolved", ids(res.ResolvedFindings), []string{"PS-GONE"}},
		{"changed", []string{res.ChangedFindings[0].ID + ":" + strings.Join(res.ChangedFindings[0].Fields, ","), res.ChangedFindings[1].ID + ":" + strings.Join(res.ChangedFindings[1].Fields, ",")}, []string{"PS-SEV:severity", "PS-DET:detail"}},
		{"trackers added", res.TrackersAdded, []report.Tracker{{Vendor: "leadinfo"}}},
		{"trackers removed", res.TrackersRemoved[0].Vendor, "linkedin"},
		{"trackers changed", res.TrackersChanged, []diff.TrackerChange{{Vendor: "facebook", OldProfiles: []string{"baseline"}, NewProfiles: []string{"baseline", "dnt"}}}},
		{"cookies added", res.CookiesAdded[0].Name, "fresh"},
		{"cookies removed", res.CookiesRemoved[0].Name, "gone"},
		{"cookies changed", []string{res.CookiesChanged[0].Name}, []string{"_fbp"}},
		{"new at or above medium", ids(res.NewAtOrAbove(report.Medium)), []string{"PS-NEW", "PS-SEV"}},
		{"new at or above high", ids(res.NewAtOrAbove(report.High)), []string{"PS-SEV"}},
	}
	for _, tt := range tests {
		if d := cmp.Diff(tt.want, tt.got); d != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, d)
		}
	}
	if diff.Compare(new, new).Empty() != true {
		t.Error("a report compared with itself is not empty")
	}

	for _, f := range []diff.Format{diff.FormatTable, diff.FormatJSON, diff.FormatMarkdown} {
		var buf bytes.Buffer
		if err := diff.Write(&buf, f, res); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"PS-NEW", "PS-GONE", "PS-SEV", "leadinfo", "linkedin", "_fbp", "fresh"} {
			if !strings.Contains(buf.String(), want) {
				t.Errorf("%s output lacks %q:\n%s", f, want, buf.String())
			}
		}
		if f == diff.FormatJSON {
			var back diff.Result
			if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
				t.Errorf("json: %v", err)
			}
		}
	}
}

// TestJSONEmptyListsAreEmpty: a diff with no changes writes [] for every
// list, never null.
func TestJSONEmptyListsAreEmpty(t *testing.T) {
	r := &report.Report{Target: "https://www.shop.test/"}
	res := diff.Compare(r, r)
	var buf bytes.Buffer
	if err := diff.Write(&buf, diff.FormatJSON, res); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte("null")) {
		t.Errorf("diff JSON has null:\n%s", buf.String())
	}
	for _, k := range []string{"new_findings", "resolved_findings", "changed_findings", "trackers_added", "trackers_removed",
		"trackers_changed", "cookies_added", "cookies_removed", "cookies_changed"} {
		if !bytes.Contains(buf.Bytes(), []byte(`"`+k+`": []`)) {
			t.Errorf("diff JSON lacks %q: []", k)
		}
	}
}
