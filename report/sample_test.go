package report_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/privscan/privscan/report"
)

// TestRenderSample renders a real report (JSON from `privscan demo`) in
// every text format when PRIVSCAN_SAMPLE names one; the outputs go to
// $PRIVSCAN_SCREENSHOT_DIR or a temp dir. A manual check, skipped by default.
func TestRenderSample(t *testing.T) {
	path := os.Getenv("PRIVSCAN_SAMPLE")
	if path == "" {
		t.Skip("PRIVSCAN_SAMPLE not set")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r report.Report
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("PRIVSCAN_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	for ext, f := range map[string]report.Format{"txt": report.FormatTable, "html": report.FormatHTML, "md": report.FormatMarkdown,
		"csv": report.FormatCSV, "xml": report.FormatJUnit} {
		out := render(t, f, report.WriterOptions{Width: 120}, &r)
		if err := os.WriteFile(filepath.Join(dir, "sample."+ext), out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
