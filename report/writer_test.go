package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/privscan/privscan/report"
	"github.com/privscan/privscan/report/reporttest"
)

var update = flag.Bool("update", false, "update golden files in testdata/")

// brandLogo is a tiny SVG logo for the branded HTML report.
const brandLogo = `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="32" viewBox="0 0 120 32">` +
	`<rect width="32" height="32" rx="6" fill="#0b6e4f"/><text x="40" y="22" font-family="sans-serif" font-size="16" fill="#0b6e4f">Acme</text></svg>`

func brandOptions() report.WriterOptions {
	return report.WriterOptions{
		BrandName:  `Acme Audits <b>& Co</b>`,
		BrandLogo:  []byte(brandLogo),
		BrandColor: "#0b6e4f",
	}
}

func render(t *testing.T, f report.Format, opts report.WriterOptions, r *report.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := report.NewWriter(f, &buf, opts)
	if err != nil {
		t.Fatalf("NewWriter(%s): %v", f, err)
	}
	if err := w.Write(context.Background(), r); err != nil {
		t.Fatalf("Write(%s): %v", f, err)
	}
	return buf.Bytes()
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name   string
		format report.Format
		opts   report.WriterOptions
		empty  bool
	}{
		{"report.table.golden", report.FormatTable, report.WriterOptions{Width: 120}, false},
		{"report.table-color.golden", report.FormatTable, report.WriterOptions{Width: 100, Color: true}, false},
		{"report.table-narrow.golden", report.FormatTable, report.WriterOptions{Width: 60}, false},
		{"empty.table.golden", report.FormatTable, report.WriterOptions{}, true},
		{"report.json.golden", report.FormatJSON, report.WriterOptions{}, false},
		{"report.html.golden", report.FormatHTML, brandOptions(), false},
		{"empty.html.golden", report.FormatHTML, report.WriterOptions{}, true},
		{"report.md.golden", report.FormatMarkdown, report.WriterOptions{}, false},
		{"report.csv.golden", report.FormatCSV, report.WriterOptions{}, false},
		{"report.junit.xml.golden", report.FormatJUnit, report.WriterOptions{}, false},
		{"empty.junit.xml.golden", report.FormatJUnit, report.WriterOptions{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := reporttest.Fixture()
			if tt.empty {
				r = emptyReport()
			}
			golden(t, tt.name, render(t, tt.format, tt.opts, r))
		})
	}
	t.Run("cookies.csv.golden", func(t *testing.T) {
		var buf bytes.Buffer
		if err := report.NewCookiesCSVWriter(&buf).Write(context.Background(), reporttest.Fixture()); err != nil {
			t.Fatal(err)
		}
		golden(t, "cookies.csv.golden", buf.Bytes())
	})
}

// emptyReport is a clean site: no findings, no trackers, policy found.
func emptyReport() *report.Report {
	r := reporttest.Fixture()
	r.Findings, r.Trackers, r.Cookies, r.ThirdParties, r.Screenshots, r.Errors = nil, nil, nil, nil, nil, nil
	r.Signals = report.Signals{}
	r.Consent = report.Consent{}
	r.Pages = r.Pages[:1]
	r.Summary = report.Summary{}
	// What the audit says of such a site: checks that passed say what they
	// saw, the others why they did not apply.
	r.Checks = []report.Check{
		{Code: "policy-not-found", Status: report.CheckPassed, Covered: "privacy policy read at https://shop.example/privacy"},
		{Code: "tracking-before-consent", Status: report.CheckNotApplicable, Covered: "no consent banner was seen, so there was no consent to wait for"},
		{Code: "tracking-after-reject", Status: report.CheckNotApplicable, Covered: "no consent banner was seen, so there was nothing to reject"},
		{Code: "gpc-not-honored", Status: report.CheckPassed, Covered: "no recognised advertising, marketing or social vendor ran with GPC on (1 page); 2 unclassified third parties contacted, not judged: a.example, b.example"},
		{Code: "undisclosed-vendor", Status: report.CheckPassed, Covered: "no recognised vendor was seen; 2 unclassified third parties not compared: a.example, b.example"},
		{Code: "disclosed-not-observed", Status: report.CheckNotApplicable, Covered: "the policy names no recognised vendor as in use"},
	}
	return r
}

// TestWritersDoNotModifyReport guards the rule that writers only render.
func TestWritersDoNotModifyReport(t *testing.T) {
	for _, f := range []report.Format{report.FormatTable, report.FormatHTML, report.FormatMarkdown, report.FormatCSV, report.FormatJUnit} {
		r := reporttest.Fixture()
		// Shuffle the findings: a writer that sorts in place would reorder them.
		r.Findings[0], r.Findings[len(r.Findings)-1] = r.Findings[len(r.Findings)-1], r.Findings[0]
		before := reporttest.Fixture()
		before.Findings[0], before.Findings[len(before.Findings)-1] = before.Findings[len(before.Findings)-1], before.Findings[0]
		render(t, f, report.WriterOptions{}, r)
		if diff := cmp.Diff(before, r); diff != "" {
			t.Errorf("%s writer modified the report (-want +got):\n%s", f, diff)
		}
	}
}

func TestFormatFromPath(t *testing.T) {
	tests := map[string]report.Format{
		"out.json": report.FormatJSON, "out.txt": report.FormatTable, "r.HTML": report.FormatHTML, "r.htm": report.FormatHTML,
		"r.pdf": report.FormatPDF, "r.md": report.FormatMarkdown, "r.csv": report.FormatCSV, "junit.xml": report.FormatJUnit,
		"r.docx": "", "noext": "",
	}
	for path, want := range tests {
		if got := report.FormatFromPath(path); got != want {
			t.Errorf("FormatFromPath(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestNewWriterEveryFormat(t *testing.T) {
	for _, f := range append(report.Formats(), "md", "xml") {
		if _, err := report.NewWriter(f, io.Discard, report.WriterOptions{}); err != nil {
			t.Errorf("NewWriter(%q): %v", f, err)
		}
	}
	if _, err := report.NewWriter("sarif", io.Discard, report.WriterOptions{}); err == nil {
		t.Error("NewWriter(sarif) succeeded, want an error")
	}
}

func TestBrandOptionsValidated(t *testing.T) {
	good := []string{"", "#abc", "#A1B2C3", "#0b6e4f"}
	bad := []string{"red", "#12345g", "#1234", "url(x)", "#fff;}body{display:none", "#fff\n", "expression(alert(1))", "rgb(0,0,0)"}
	for _, c := range good {
		if _, err := report.NewWriter(report.FormatHTML, io.Discard, report.WriterOptions{BrandColor: c}); err != nil {
			t.Errorf("BrandColor %q rejected: %v", c, err)
		}
	}
	for _, c := range bad {
		if _, err := report.NewWriter(report.FormatHTML, io.Discard, report.WriterOptions{BrandColor: c}); err == nil {
			t.Errorf("BrandColor %q accepted, want an error", c)
		}
		if err := report.NewHTMLWriter(io.Discard, report.WriterOptions{BrandColor: c}).Write(context.Background(), reporttest.Fixture()); err == nil {
			t.Errorf("HTMLWriter.Write with BrandColor %q succeeded, want an error", c)
		}
	}
	if _, err := report.NewWriter(report.FormatHTML, io.Discard, report.WriterOptions{BrandLogo: []byte("<html><script>x</script>")}); err == nil {
		t.Error("an HTML document was accepted as a logo")
	}
	if _, err := report.NewWriter(report.FormatHTML, io.Discard, report.WriterOptions{BrandLogo: []byte("x"), BrandLogoType: "text/html"}); err == nil {
		t.Error("logo type text/html accepted")
	}
}

// TestHTMLEscapesHostileText checks the HTML source; the browser test
// checks that nothing runs.
func TestHTMLEscapesHostileText(t *testing.T) {
	out := string(render(t, report.FormatHTML, brandOptions(), reporttest.Fixture()))
	if n := strings.Count(strings.ToLower(out), "<script"); n != 1 {
		t.Errorf("found %d <script elements, want only the report's own", n)
	}
	for _, bad := range []string{"<img src=x", "<svg onload", `onerror="window`, "<b>& Co", "\x1b", `href="javascript:`, "window.pwned=1</script>"} {
		if strings.Contains(out, bad) {
			t.Errorf("HTML contains unescaped %q", bad)
		}
	}
	for _, title := range reporttest.Titles[:2] {
		if !strings.Contains(out, title) {
			t.Errorf("HTML lacks finding title %q", title)
		}
	}
	if !strings.Contains(out, `http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;`) {
		t.Error("HTML lacks its Content-Security-Policy")
	}
	if !strings.Contains(out, "--brand: #0b6e4f") {
		t.Error("brand colour missing")
	}
	if !strings.Contains(out, `src="data:image/svg`) || !strings.Contains(out, `src="data:image/png;base64,`) {
		t.Error("logo or screenshots are not embedded as data URIs")
	}
	// No attribute may load anything from outside the file.
	for _, m := range regexp.MustCompile(`(?i)\s(?:src|href)="([^"]*)"`).FindAllStringSubmatch(out, -1) {
		u := m[1]
		if !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "#") && !strings.HasPrefix(u, "https://shop.example/") {
			t.Errorf("unexpected URL in src/href: %q", u)
		}
	}
}

func TestTableStripsTerminalEscapes(t *testing.T) {
	plain := render(t, report.FormatTable, report.WriterOptions{Width: 100}, reporttest.Fixture())
	if bytes.ContainsRune(plain, 0x1b) || bytes.ContainsRune(plain, 0x07) {
		t.Error("table output without colour contains escape characters")
	}
	colored := string(render(t, report.FormatTable, report.WriterOptions{Width: 100, Color: true}, reporttest.Fixture()))
	// Every escape must be one of the writer's own SGR sequences.
	rest := regexp.MustCompile(`\x1b\[[0-9;]*m`).ReplaceAllString(colored, "")
	if strings.ContainsAny(rest, "\x1b\x07") {
		t.Error("coloured table output contains escape sequences that are not the writer's own")
	}
	if strings.Contains(colored, "\x1b[31mRED") {
		t.Error("page-derived SGR sequence survived")
	}
	for _, w := range []int{60, 72, 80, 100, 120, 200} {
		out := render(t, report.FormatTable, report.WriterOptions{Width: w}, reporttest.Fixture())
		for i, line := range strings.Split(string(out), "\n") {
			if n := len([]rune(line)); n > w {
				t.Errorf("width %d: line %d is %d runes wide: %q", w, i+1, n, line)
				break
			}
		}
	}
}

func TestCSVInjection(t *testing.T) {
	check := func(name string, data []byte, header []string) {
		rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if diff := cmp.Diff(header, rows[0]); diff != "" {
			t.Errorf("%s header (-want +got):\n%s", name, diff)
		}
		defused := false
		for _, row := range rows[1:] {
			if len(row) != len(header) {
				t.Errorf("%s: row has %d cells, want %d", name, len(row), len(header))
			}
			for _, cell := range row {
				if cell != "" && strings.ContainsAny(cell[:1], "=+-@\t\r") {
					t.Errorf("%s: cell %q would run as a formula", name, cell)
				}
				if strings.HasPrefix(cell, "'=HYPERLINK(") {
					defused = true
				}
				if strings.ContainsRune(cell, 0x1b) {
					t.Errorf("%s: cell %q contains an escape", name, cell)
				}
			}
		}
		if !defused {
			t.Errorf("%s: the =HYPERLINK formula was not kept as defused text", name)
		}
	}
	check("findings", render(t, report.FormatCSV, report.WriterOptions{}, reporttest.Fixture()), report.FindingsCSVHeader)
	var buf bytes.Buffer
	if err := report.NewCookiesCSVWriter(&buf).Write(context.Background(), reporttest.Fixture()); err != nil {
		t.Fatal(err)
	}
	check("cookies", buf.Bytes(), report.CookiesCSVHeader)
}

func TestJUnitIsValidXML(t *testing.T) {
	out := render(t, report.FormatJUnit, report.WriterOptions{}, reporttest.Fixture())
	dec := xml.NewDecoder(bytes.NewReader(out))
	for {
		if _, err := dec.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("invalid XML: %v", err)
		}
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Cases []struct {
				Name      string    `xml:"name,attr"`
				Classname string    `xml:"classname,attr"`
				Failure   *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	r := reporttest.Fixture()
	if doc.Failures != len(r.Findings) {
		t.Errorf("failures = %d, want one per finding (%d)", doc.Failures, len(r.Findings))
	}
	passed := map[string]bool{}
	failures := 0
	for _, c := range doc.Suites[0].Cases {
		if c.Failure != nil {
			failures++
		} else {
			passed[strings.TrimPrefix(c.Classname, "privscan.")] = true
		}
	}
	if failures != len(r.Findings) || doc.Tests != len(doc.Suites[0].Cases) {
		t.Errorf("tests=%d failures=%d cases=%d", doc.Tests, failures, len(doc.Suites[0].Cases))
	}
	for _, code := range []string{"policy-not-found", "dnt-not-honored", "undisclosed-cookie"} {
		if !passed[code] {
			t.Errorf("no passing test case for check %s", code)
		}
	}
	if passed["gpc-not-honored"] {
		t.Error("gpc-not-honored has a finding but also a passing case")
	}
	if bytes.ContainsRune(out, 0x1b) || bytes.Contains(out, []byte("<script>")) {
		t.Error("JUnit output contains raw hostile text")
	}
}

func TestMarkdownEscapes(t *testing.T) {
	out := string(render(t, report.FormatMarkdown, report.WriterOptions{}, reporttest.Fixture()))
	for _, bad := range []string{"<script", "<img", "\x1b", " @everyone", " #1", " **bold"} {
		if strings.Contains(out, bad) {
			t.Errorf("Markdown contains unescaped %q", bad)
		}
	}
	if regexp.MustCompile(`(^|[^\\])\]\(`).MatchString(out) {
		t.Error("Markdown contains an unescaped link")
	}
	// Every row of a table has as many unescaped pipes as its header.
	unescaped := regexp.MustCompile(`(^|[^\\])\|`)
	var want, rows int
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "|") {
			want = 0
			continue
		}
		n := len(unescaped.FindAllString(strings.ReplaceAll(line, "||", "| |"), -1))
		if want == 0 {
			want = n
		} else if n != want {
			t.Errorf("table row has %d cell separators, want %d: %s", n, want, line)
		}
		rows++
	}
	if rows < 10 {
		t.Errorf("found %d table lines; the fixture's findings, trackers, cookies and third parties make more", rows)
	}
}

type fakePrinter struct{ html []byte }

func (f *fakePrinter) PrintPDF(_ context.Context, html []byte) ([]byte, error) {
	f.html = html
	return []byte("%PDF-1.7\n% fake\n%%EOF\n"), nil
}

func TestPDFWriter(t *testing.T) {
	var buf bytes.Buffer
	err := report.NewPDFWriter(&buf, report.WriterOptions{}).Write(context.Background(), reporttest.Fixture())
	if !errors.Is(err, report.ErrNoPrinter) {
		t.Fatalf("Write without printer: %v, want ErrNoPrinter", err)
	}
	p := &fakePrinter{}
	opts := brandOptions()
	opts.Printer = p
	out := render(t, report.FormatPDF, opts, reporttest.Fixture())
	if !bytes.HasPrefix(out, []byte("%PDF-")) {
		t.Errorf("output is not the printer's PDF: %q", out)
	}
	want := render(t, report.FormatHTML, brandOptions(), reporttest.Fixture())
	if !bytes.Equal(p.html, want) {
		t.Error("the printer did not get the HTML report")
	}
}
