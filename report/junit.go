package report

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// JUnitWriter writes JUnit XML for CI systems: one failing test case per
// finding and one passing test case per check (finding code) that found
// nothing, so a CI dashboard shows both what broke and what was checked.
// Checks that did not apply or could not run are skipped, with the reason.
type JUnitWriter struct{ w io.Writer }

var _ Writer = (*JUnitWriter)(nil)

// NewJUnitWriter returns a JUnit XML writer to w.
func NewJUnitWriter(w io.Writer) *JUnitWriter { return &JUnitWriter{w: w} }

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
	SystemOut  string          `xml:"system-out,omitempty"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	// SystemOut of a passing check says what it covered.
	SystemOut string `xml:"system-out,omitempty"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// Write writes the test suite. Text goes through encoding/xml, which
// escapes markup and replaces characters XML 1.0 forbids.
func (j *JUnitWriter) Write(_ context.Context, r *Report) error {
	suite := junitSuite{
		Name: "privscan " + OneLine(r.Target),
		Time: "0",
	}
	if d := r.FinishedAt.Sub(r.StartedAt); !r.StartedAt.IsZero() && d > 0 {
		suite.Time = fmt.Sprintf("%.3f", d.Seconds())
	}
	if !r.StartedAt.IsZero() {
		suite.Timestamp = r.StartedAt.UTC().Format("2006-01-02T15:04:05")
	}
	suite.Properties = []junitProperty{
		{"target", OneLine(r.Target)},
		{"tool", r.Tool.Name + " " + r.Tool.Version},
		{"browser", OneLine(r.Browser.Product)},
		{"profiles", strings.Join(r.Profiles, ",")},
		{"policy_found", yesNo(policyFound(r))},
		{"interrupted", yesNo(r.Interrupted)},
	}
	failed := map[string]bool{}
	for _, f := range sortedFindings(r.Findings) {
		failed[f.Code] = true
		var text strings.Builder
		if f.Detail != "" {
			text.WriteString(OneLine(f.Detail) + "\n")
		}
		if k := findingKey(f); k != "" {
			fmt.Fprintf(&text, "subject: %s\n", OneLine(k))
		}
		for _, e := range f.Evidence {
			fmt.Fprintf(&text, "evidence: %s\n", OneLine(evidenceLine(e)))
		}
		if f.PolicyQuote != nil {
			fmt.Fprintf(&text, "policy says: %q\n", OneLine(*f.PolicyQuote))
		}
		fmt.Fprintf(&text, "id: %s", f.ID)
		suite.Cases = append(suite.Cases, junitCase{
			Name:      fmt.Sprintf("[%s] %s", f.Severity, OneLine(f.Title)),
			Classname: "privscan." + f.Code,
			Time:      "0",
			Failure: &junitFailure{
				Message: OneLine(f.Title),
				Type:    f.Severity.String(),
				Text:    text.String(),
			},
		})
		suite.Failures++
	}
	for _, c := range reportChecks(r) {
		if failed[c.Code] || c.Status == CheckFailed {
			continue
		}
		tc := junitCase{Name: checkName(c.Code), Classname: "privscan." + c.Code, Time: "0"}
		if c.Status == CheckPassed {
			tc.SystemOut = OneLine(c.Covered)
		} else {
			tc.Skipped = &junitSkipped{Message: checkResult(c) + ": " + OneLine(c.Covered)}
			suite.Skipped++
		}
		suite.Cases = append(suite.Cases, tc)
	}
	suite.Tests = len(suite.Cases)
	if n := pageErrors(r); n > 0 || len(r.Errors) > 0 {
		var out strings.Builder
		for _, p := range r.Pages {
			if p.Error != nil {
				fmt.Fprintf(&out, "page error [%s] %s: %s\n", p.Profile, OneLine(p.URL), OneLine(*p.Error))
			}
		}
		for _, e := range r.Errors {
			fmt.Fprintf(&out, "scan note: %s\n", OneLine(e))
		}
		suite.SystemOut = out.String()
	}
	doc := junitSuites{Name: "privscan", Tests: suite.Tests, Failures: suite.Failures, Time: suite.Time, Suites: []junitSuite{suite}}
	if _, err := io.WriteString(j.w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(j.w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(j.w, "\n")
	return err
}
