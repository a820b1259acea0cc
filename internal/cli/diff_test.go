package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/privscan/privscan/internal/store"
	"github.com/privscan/privscan/report"
)

// TestDiffCommand compares two JSON reports, and the same two stored in a
// database, and checks the exit codes of --fail-on.
func TestDiffCommand(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile("../../report/testdata/report.json.golden")
	if err != nil {
		t.Fatal(err)
	}
	var old report.Report
	if err := json.Unmarshal(data, &old); err != nil {
		t.Fatal(err)
	}
	if len(old.Findings) < 2 {
		t.Fatalf("sample report has %d findings; want at least 2", len(old.Findings))
	}
	// The new scan: the first finding is gone, a high one is new.
	var cur report.Report
	_ = json.Unmarshal(data, &cur)
	gone := cur.Findings[0].ID
	cur.Findings = append(cur.Findings[1:], report.Finding{ID: "PS-000000000NEW", Code: "undisclosed-vendor", Severity: report.High,
		Title: "LinkedIn Insight Tag runs but the policy does not name it", Evidence: []report.Evidence{}})
	oldPath, newPath := filepath.Join(dir, "old.json"), filepath.Join(dir, "new.json")
	for path, r := range map[string]*report.Report{oldPath: &old, newPath: &cur} {
		b, _ := json.Marshal(r)
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	dbPath := filepath.Join(dir, "privscan.db")
	db, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	oldID, err1 := db.SaveScan(context.Background(), &old)
	newID, err2 := db.SaveScan(context.Background(), &cur)
	db.Close()
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	mdPath := filepath.Join(dir, "diff.md")

	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"table", []string{oldPath, newPath}, 0, []string{"PS-000000000NEW", gone}},
		{"fail on high", []string{oldPath, newPath, "--fail-on", "high"}, ExitFindings, []string{"1 new finding(s) at or above high"}},
		{"nothing new", []string{oldPath, oldPath, "--fail-on", "low"}, 0, nil},
		{"json", []string{oldPath, newPath, "--format", "json"}, 0, []string{`"new_findings"`, `"PS-000000000NEW"`}},
		{"markdown file", []string{oldPath, newPath, "-o", mdPath}, 0, nil},
		{"stored scans", []string{oldID.String(), newID.String(), "--db", dbPath, "--fail-on", "medium"}, ExitFindings, []string{"PS-000000000NEW", "scan " + oldID.String()}},
		{"missing file", []string{oldPath, filepath.Join(dir, "nope.json")}, ExitFailure, []string{"nope.json"}},
		{"not a report", []string{oldPath, mdPath}, ExitFailure, []string{"not a JSON report"}},
		{"one argument", []string{oldPath}, ExitFailure, []string{"two reports"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, stdout, stderr := testEnv()
			err := Run(t.Context(), append([]string{"diff"}, tt.args...), env)
			out := stdout.String() + stderr.String()
			if err != nil {
				out += err.Error()
			}
			if got := Code(err); got != tt.code {
				t.Fatalf("exit code %d (%s), want %d", got, out, tt.code)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
	md, err := os.ReadFile(mdPath)
	if err != nil || !strings.Contains(string(md), "PS-000000000NEW") || !strings.HasPrefix(string(md), "#") {
		t.Errorf("markdown diff %q, %v", md, err)
	}
}
