package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/privscan/privscan/crawler/browser"
	"github.com/privscan/privscan/internal/testenv"
	"github.com/privscan/privscan/report"
)

func testEnv() (Env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}, &out, &errb
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, ""},
		{[]string{"bogus"}, "unknown command"},
		{[]string{"scan"}, "exactly one URL"},
		{[]string{"scan", "ftp://example.com/"}, "unsupported scheme"},
		{[]string{"scan", "http://"}, "no host"},
		{[]string{"scan", "https://a.test/", "https://b.test/"}, "exactly one URL"},
		{[]string{"scan", "https://a.test/", "--profiles", "baseline,nope"}, "unknown profile"},
		{[]string{"scan", "https://a.test/", "--fail-on", "critical"}, "unknown severity"},
		{[]string{"scan", "https://a.test/", "--format", "docx"}, "unknown format"},
		{[]string{"scan", "https://a.test/", "--page-timeout", "10ms"}, "at least 1s"},
		{[]string{"scan", "https://a.test/", "--dwell", "10ms"}, "--dwell must be between"},
		{[]string{"scan", "https://a.test/", "--dwell", "1h"}, "--dwell must be between"},
		{[]string{"scan", "https://a.test/", "--dwell", "0"}, "--dwell must be positive"},
		{[]string{"scan", "https://a.test/", "--banner-wait", "100ms"}, "--banner-wait must be between"},
		{[]string{"monitor", "add", "https://a.test/", "--db", "/nonexistent/x.db", "--dwell", "3m"}, "--dwell must be between"},
		{[]string{"scan", "https://a.test/", "--consent-rule-timeout", "10m"}, "--consent-rule-timeout must be between"},
		{[]string{"monitor", "add", "https://a.test/", "--db", "/nonexistent/x.db", "--consent-rule-timeout", "1h"}, "--consent-rule-timeout must be between"},
		{[]string{"monitor", "add", "https://a.test/", "--db", "/nonexistent/x.db", "--banner-wait", "soon"}, "banner wait"},
		{[]string{"scan", "https://a.test/", "--brand-color", "red;}"}, "hex colour"},
		{[]string{"scan", "https://a.test/", "--ignore", "/nonexistent/ignore.yaml"}, "--ignore"},
		{[]string{"policy"}, "exactly one"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			env, _, stderr := testEnv()
			err := Run(t.Context(), tt.args, env)
			if got := Code(err); got != ExitFailure {
				t.Fatalf("exit code %d (%v), want %d", got, err, ExitFailure)
			}
			msg := stderr.String()
			if err != nil {
				msg += err.Error()
			}
			if !strings.Contains(msg, tt.want) {
				t.Errorf("message %q does not mention %q", msg, tt.want)
			}
		})
	}
}

func TestPolicyCommand(t *testing.T) {
	env, out, _ := testEnv()
	seed := filepath.Join("..", "policy", "testdata", "seeds")
	files, _ := filepath.Glob(filepath.Join(seed, "001_*.txt"))
	if len(files) != 1 {
		t.Fatalf("seed 001 not found in %s", seed)
	}
	if err := Run(t.Context(), []string{"policy", files[0], "--format", "json"}, env); err != nil {
		t.Fatal(err)
	}
	var p report.Policy
	if err := json.Unmarshal(out.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if !p.Found || p.GPC != "honored" || p.DNT != "not-honored" {
		t.Errorf("policy = found %v gpc %s dnt %s", p.Found, p.GPC, p.DNT)
	}
}

func requireChrome(t *testing.T) {
	t.Helper()
	_, err := browser.FindChrome("")
	testenv.Need(t, err)
}

// TestFailOnAndIgnore runs the demo scan twice through the command line:
// with --fail-on medium it exits 1 and still writes the report; with every
// such finding listed in an --ignore file, the same ids come back (they are
// stable across scans), are reported as suppressed, and the exit code is 0.
func TestFailOnAndIgnore(t *testing.T) {
	requireChrome(t)
	dir := t.TempDir()
	first := filepath.Join(dir, "first.json")
	env, _, _ := testEnv()
	err := Run(t.Context(), []string{"demo", "--max-pages", "4", "--fail-on", "medium", "-o", first, "-q"}, env)
	if Code(err) != ExitFindings {
		t.Fatalf("exit code %d (%v), want %d", Code(err), err, ExitFindings)
	}
	r := readReport(t, first)
	var ignore strings.Builder
	ids := map[string]bool{}
	for _, f := range r.Findings {
		if f.Severity >= report.Medium {
			fmt.Fprintf(&ignore, "- id: %s\n  reason: accepted in test\n  expires: 2999-01-01\n", f.ID)
			ids[f.ID] = true
		}
	}
	if len(ids) == 0 {
		t.Fatal("the demo site has no medium finding")
	}
	ignoreFile := filepath.Join(dir, "ignore.yaml")
	if err := os.WriteFile(ignoreFile, []byte(ignore.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	second := filepath.Join(dir, "second.json")
	err = Run(context.Background(), []string{"demo", "--max-pages", "4", "--fail-on", "medium", "--ignore", ignoreFile, "-o", second, "-q"}, env)
	if Code(err) != ExitOK {
		t.Fatalf("exit code %d (%v), want 0", Code(err), err)
	}
	r2 := readReport(t, second)
	for _, f := range r2.Suppressed {
		delete(ids, f.ID)
	}
	if len(ids) != 0 {
		t.Errorf("finding ids not stable across scans (not found again): %v", ids)
	}
}

func readReport(t *testing.T, path string) *report.Report {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r report.Report
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}
