package report_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/privscan/privscan/report"
	"github.com/privscan/privscan/report/reporttest"
)

// journeyReport is the test fixture with a reject journey whose consent
// state is decoded — words carrying hostile text from the page.
func journeyReport() *report.Report {
	r := reporttest.Fixture()
	cmp := "onetrust"
	r.Profiles = append(r.Profiles, "reject")
	r.Consent.Journeys = []report.ConsentJourney{{
		Profile: "reject", Page: "https://shop.example/", CMP: &cmp, Method: "selector", Clicked: "Reject All",
		BannerClosed: true, VendorsAfterChoice: []string{}, VendorsLater: []string{"google-analytics"},
		State: []report.ConsentState{
			{Page: "https://shop.example/", AfterChoice: true, Words: []string{
				"TCF (from __tcfapi; CMP 412, policy version 5): consent to purposes 1, 2 (including purpose 1, storing and reading information on the device).",
				"GPP: __gpp threw: " + reporttest.XSSScript + reporttest.TermEscape + ".",
			}},
			{Page: "https://shop.example/about", Words: []string{"Google hits: 1 with consent parameters; 1 with ad_storage granted, analytics_storage granted."}},
		},
	}}
	return r
}

// TestConsentSectionShowsState: every human-readable format shows, per
// journey, the banner, what answered it, the decoded state in words and
// what still ran — with the page's text escaped.
func TestConsentSectionShowsState(t *testing.T) {
	for _, f := range []report.Format{report.FormatHTML, report.FormatMarkdown, report.FormatTable} {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			w, err := report.NewWriter(f, &buf, report.WriterOptions{Width: 400})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(context.Background(), journeyReport()); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			for _, want := range []string{"Reject All", "CMP 412", "purpose 1", "still ran on the later pages: google-analytics",
				"storage granted", "onetrust banner"} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q", want)
				}
			}
			if f != report.FormatTable && strings.Contains(out, reporttest.XSSScript) {
				t.Errorf("page text not escaped: %q", reporttest.XSSScript)
			}
			if strings.Contains(out, "\x1b]0;owned") {
				t.Error("terminal escape from the page reached the output")
			}
		})
	}
}
