package pdfprint_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ledongthuc/pdf"
	"golang.org/x/text/unicode/norm"

	"github.com/privscan/privscan/crawler/browser"
	"github.com/privscan/privscan/internal/testenv"
	"github.com/privscan/privscan/report"
	"github.com/privscan/privscan/report/pdfprint"
	"github.com/privscan/privscan/report/reporttest"
)

var _ report.PDFPrinter = (*pdfprint.ChromiumPrinter)(nil)

// update is accepted so that `go test ./report/... -update` works; this
// package has no golden files.
var _ = flag.Bool("update", false, "no golden files here")

// TestPDFReport prints the fixture's HTML report in real Chromium and
// checks the PDF: the magic, several A4 pages, and the findings' titles
// and the footer in its text (extracted in pure Go).
func TestPDFReport(t *testing.T) {
	_, err := browser.FindChrome("")
	testenv.Need(t, err)
	var out bytes.Buffer
	w, err := report.NewWriter(report.FormatPDF, &out, report.WriterOptions{
		BrandName: "Acme Audits", BrandColor: "#0b6e4f", Printer: &pdfprint.ChromiumPrinter{},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(context.Background(), reporttest.Fixture()); err != nil {
		t.Fatal(err)
	}
	data := out.Bytes()
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", data[:min(len(data), 16)])
	}
	if dir := os.Getenv("PRIVSCAN_SCREENSHOT_DIR"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "report.pdf"), data, 0o644)
	}
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("parse PDF: %v", err)
	}
	if n := r.NumPage(); n < 3 {
		t.Errorf("PDF has %d pages, want several", n)
	}
	box := r.Page(1).V.Key("MediaBox")
	if w, h := box.Index(2).Float64(), box.Index(3).Float64(); w < 590 || w > 600 || h < 838 || h > 847 {
		t.Errorf("page 1 is %.0f×%.0f pt, want A4 (595×842)", w, h)
	}
	var text strings.Builder
	for i := 1; i <= r.NumPage(); i++ {
		p := r.Page(i)
		if p.V.IsNull() {
			continue
		}
		rows, err := p.GetTextByRow()
		if err != nil {
			t.Fatalf("page %d text: %v", i, err)
		}
		for _, row := range rows {
			for _, w := range row.Content {
				text.WriteString(w.S)
			}
			text.WriteString(" ")
		}
	}
	// NFKC folds the ligatures Chromium's fonts use ("ﬁ" → "fi").
	got := strings.Join(strings.Fields(norm.NFKC.String(text.String())), "")
	for _, want := range append(reporttest.Titles[:2], "Executivesummary", "Page1of") {
		if !strings.Contains(got, strings.Join(strings.Fields(want), "")) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
}

func TestPrinterHonoursContext(t *testing.T) {
	_, err := browser.FindChrome("")
	testenv.Need(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (&pdfprint.ChromiumPrinter{}).PrintPDF(ctx, []byte("<p>x</p>")); err == nil {
		t.Error("PrintPDF with a cancelled context succeeded")
	}
}
