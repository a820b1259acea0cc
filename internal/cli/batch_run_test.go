package cli

import (
	"context"
	"encoding/csv"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/privscan/privscan/fixtures"
	"github.com/privscan/privscan/internal/store"
)

// TestBatchScan scans a targets file on the fixture internet through the
// command line: the sites that load get a report each and a stored scan, the
// unreachable and malformed ones are rows with their error, the summary CSV
// has every row in the file's order, and the exit code says sites failed.
func TestBatchScan(t *testing.T) {
	requireChrome(t)
	n, err := fixtures.StartDefault(t.Context(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	dir := t.TempDir()
	targets := filepath.Join(dir, "sites.txt")
	list := "# agency clients\nhttps://www.dynatron.test/\n\nhttps://www.dotcloud.test/\nhttps://gone.unknown.test/\nftp://www.dotcloud.test/\n"
	if err := os.WriteFile(targets, []byte(list), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "reports")
	db := filepath.Join(dir, "privscan.db")
	env, stdout, stderr := testEnv()
	err = Run(t.Context(), []string{"scan", "--targets", targets, "--out-dir", out, "--db", db, "--max-pages", "2",
		"--profiles", "baseline", "--host-rules", n.HostRules(), "--insecure", "-q"}, env)
	if Code(err) != ExitFailure || !strings.Contains(err.Error(), "2 of 4 site(s) failed") {
		t.Fatalf("exit code %d (%v), want %d for two failed sites\n%s", Code(err), err, ExitFailure, stderr)
	}
	f, err := os.Open(filepath.Join(out, "summary.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var got [][]string
	for _, r := range rows[1:] {
		reported := r[8] != ""
		got = append(got, []string{r[0], map[bool]string{true: "report", false: "no report"}[reported], map[bool]string{true: "error", false: "ok"}[r[9] != ""]})
	}
	want := [][]string{
		{"https://www.dynatron.test/", "report", "ok"},
		{"https://www.dotcloud.test/", "report", "ok"},
		{"https://gone.unknown.test/", "no report", "error"},
		{"ftp://www.dotcloud.test/", "no report", "error"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("summary rows (-want +got):\n%s", diff)
	}
	for _, name := range []string{"www.dynatron.test.json", "www.dotcloud.test.json"} {
		r := readReport(t, filepath.Join(out, name))
		if len(r.Pages) == 0 || len(r.Trackers) == 0 {
			t.Errorf("%s: %d pages, %d trackers", name, len(r.Pages), len(r.Trackers))
		}
	}
	if !strings.Contains(stdout.String(), "gone.unknown.test") {
		t.Errorf("summary table lacks the failed site:\n%s", stdout)
	}
	s, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sites, err := s.Sites(context.Background())
	if err != nil || len(sites) != 2 {
		t.Errorf("stored sites %+v, %v; want the two that loaded", sites, err)
	}
}
