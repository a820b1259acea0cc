package report

import (
	"context"
	"encoding/csv"
	"io"
	"strings"
)

// CSVWriter writes the findings as CSV, one row per finding, with the
// columns id, code, severity, vendor, cookie, title, detail, policy_quote
// and pages (space-separated). Cells that a spreadsheet would run as a
// formula are defused (see csvCell).
type CSVWriter struct{ w io.Writer }

var _ Writer = (*CSVWriter)(nil)

// NewCSVWriter returns a findings CSV writer to w.
func NewCSVWriter(w io.Writer) *CSVWriter { return &CSVWriter{w: w} }

// FindingsCSVHeader is the header row of the findings CSV.
var FindingsCSVHeader = []string{"id", "code", "severity", "vendor", "cookie", "title", "detail", "policy_quote", "pages"}

// Write writes the header and one row per finding, worst first.
func (c *CSVWriter) Write(_ context.Context, r *Report) error {
	cw := csv.NewWriter(c.w)
	if err := cw.Write(FindingsCSVHeader); err != nil {
		return err
	}
	for _, f := range sortedFindings(r.Findings) {
		if err := cw.Write(csvRow(f.ID, f.Code, f.Severity.String(), deref(f.Vendor), deref(f.Cookie), f.Title,
			f.Detail, deref(f.PolicyQuote), strings.Join(findingPages(f), " "))); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// CookiesCSVWriter writes the cookie inventory as CSV (the CLI's
// --cookies-csv), one row per cookie, with the policy's declared duration
// beside the observed lifetimes.
type CookiesCSVWriter struct{ w io.Writer }

var _ Writer = (*CookiesCSVWriter)(nil)

// NewCookiesCSVWriter returns a cookie inventory CSV writer to w.
func NewCookiesCSVWriter(w io.Writer) *CookiesCSVWriter { return &CookiesCSVWriter{w: w} }

// CookiesCSVHeader is the header row of the cookie inventory CSV.
var CookiesCSVHeader = []string{"name", "domain", "path", "party", "vendor", "category", "session",
	"lifetime_days", "declared_lifetime_days", "policy_duration", "secure", "http_only", "same_site",
	"partitioned", "set_by", "setter", "profiles", "first_page"}

// Write writes the header and one row per cookie.
func (c *CookiesCSVWriter) Write(_ context.Context, r *Report) error {
	cw := csv.NewWriter(c.w)
	if err := cw.Write(CookiesCSVHeader); err != nil {
		return err
	}
	for _, k := range r.Cookies {
		policy := ""
		if pc, ok := declaredCookie(r.Policy, k.Name); ok {
			policy = policyDuration(pc)
		}
		if err := cw.Write(csvRow(k.Name, k.Domain, k.Path, k.Party, deref(k.Vendor), k.Category, yesNo(k.Session),
			days(k.LifetimeDays), days(k.DeclaredLifetimeDays), policy, yesNo(k.Secure), yesNo(k.HTTPOnly), k.SameSite,
			yesNo(k.Partitioned), k.SetBy, k.Setter, strings.Join(k.Profiles, " "), k.FirstPage)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func csvRow(cells ...string) []string {
	for i, c := range cells {
		cells[i] = csvCell(c)
	}
	return cells
}

// csvCell makes page-derived text safe for spreadsheets: control
// characters become spaces (a leading tab or carriage return can also start
// a formula), and a cell starting with = + - @ gets a leading single quote
// so that Excel, LibreOffice and Sheets show it as text instead of running
// it (OWASP "CSV injection").
func csvCell(s string) string {
	s = strings.TrimLeft(stripControls(s), " ")
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		return "'" + s
	}
	return s
}
