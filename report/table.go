package report

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// TableWriter writes a terminal report: a summary, then one table per
// section (findings, trackers, cookies, third parties, page errors) and
// short blocks for consent, signals and the policy. It fits
// WriterOptions.Width, uses ANSI colour only with WriterOptions.Color, and
// strips control characters from page-derived text so a hostile page
// cannot send escape sequences to the reader's terminal.
type TableWriter struct {
	w    io.Writer
	opts WriterOptions
}

var _ Writer = (*TableWriter)(nil)

// NewTableWriter returns a table writer to w.
func NewTableWriter(w io.Writer, opts WriterOptions) *TableWriter {
	return &TableWriter{w: w, opts: opts}
}

// ANSI styles, used only when WriterOptions.Color is set.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[1;31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiGreen  = "\x1b[32m"
	ansiBlue   = "\x1b[34m"
)

// tableRun holds the state of one Write.
type tableRun struct {
	w     *bufio.Writer
	color bool
	width int
	err   error
}

func (t *tableRun) style(code, s string) string {
	if !t.color || s == "" {
		return s
	}
	return code + s + ansiReset
}

func (t *tableRun) sev(s Severity) string {
	name := strings.ToUpper(s.String())
	switch s {
	case High:
		return t.style(ansiRed, name)
	case Medium:
		return t.style(ansiYellow, name)
	case Low:
		return t.style(ansiCyan, name)
	}
	return t.style(ansiBlue, name)
}

// printf writes text lines, each cut to the width.
func (t *tableRun) printf(format string, a ...any) {
	if t.err != nil {
		return
	}
	lines := strings.Split(fmt.Sprintf(format, a...), "\n")
	for i, line := range lines {
		if twwidth.Width(line) > t.width {
			lines[i] = twwidth.Truncate(line, t.width-1, "…")
		}
	}
	_, t.err = io.WriteString(t.w, strings.Join(lines, "\n"))
}

func (t *tableRun) heading(title string, n int) {
	label := title
	if n >= 0 {
		label = fmt.Sprintf("%s (%d)", title, n)
	}
	t.printf("\n%s\n", t.style(ansiBold, label))
}

func (t *tableRun) table(rowLines bool, headers []string, rows [][]string) {
	if t.err != nil {
		return
	}
	settings := tw.Settings{}
	if rowLines {
		settings.Separators.BetweenRows = tw.On
	}
	tbl := tablewriter.NewTable(t.w,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Symbols:  tw.NewSymbols(tw.StyleLight),
			Settings: settings,
		})),
		tablewriter.WithMaxWidth(t.width),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithTrimSpace(tw.Off),
	)
	hs := make([]any, len(headers))
	for i, h := range headers {
		hs[i] = h
	}
	tbl.Header(hs...)
	for _, row := range fitColumns(t.width, headers, rows) {
		cells := make([]any, len(row))
		for i, c := range row {
			cells[i] = c
		}
		if err := tbl.Append(cells...); err != nil {
			t.err = err
			return
		}
	}
	t.err = tbl.Render()
}

// cut cleans page-derived text for a cell and caps it at n runes.
func cut(s string, n int) string { return truncate(OneLine(s), n) }

// Write renders r.
func (tbw *TableWriter) Write(_ context.Context, r *Report) error {
	width := tbw.opts.Width
	if width <= 0 {
		width = 100
	}
	// tablewriter can overshoot its maximum by a column; keep a margin.
	width = max(width, 60) - 1
	bw := bufio.NewWriter(tbw.w)
	t := &tableRun{w: bw, color: tbw.opts.Color, width: width}
	narrow := width < 90

	s := summaryOf(r)
	status := ""
	if r.Interrupted {
		status = " " + t.style(ansiRed, "[INTERRUPTED: partial results]")
	}
	t.printf("%s %s%s\n", t.style(ansiBold, cut(r.Tool.Name+" "+r.Tool.Version, 30)), cut(r.Target, width-32), status)
	policy := "not found"
	if policyFound(r) {
		policy = cut(deref(r.Policy.URL), width-9)
	}
	t.printf("pages %d (%d visits, %d errors) · profiles %s\n",
		distinctPages(r), len(r.Pages), pageErrors(r), cut(strings.Join(r.Profiles, ", "), width-50))
	t.printf("policy   %s\n", policy)
	t.printf("findings: %s %d  %s %d  %s %d  %s %d\n",
		t.sev(High), s.High, t.sev(Medium), s.Medium, t.sev(Low), s.Low, t.sev(Info), s.Info)

	findings := sortedFindings(r.Findings)
	t.heading("FINDINGS", len(findings))
	if len(findings) == 0 {
		t.printf("none\n")
	} else {
		var rows [][]string
		headers := []string{"Severity", "Finding", "Subject", "Evidence"}
		evLen := max(60, width/2)
		if narrow {
			headers = headers[:3]
		}
		for _, f := range findings {
			row := []string{t.sev(f.Severity), cut(f.Title, 160), cut(findingKey(f), 60)}
			if !narrow {
				var ev []string
				if len(f.Evidence) > 0 {
					e := cut(evidenceLine(f.Evidence[0]), evLen)
					if n := len(f.Evidence) - 1; n > 0 {
						e += fmt.Sprintf(" (+%d more)", n)
					}
					ev = append(ev, e)
				}
				if f.PolicyQuote != nil {
					ev = append(ev, "policy: “"+cut(*f.PolicyQuote, evLen)+"”")
				}
				row = append(row, strings.Join(ev, "\n"))
			}
			rows = append(rows, row)
		}
		t.table(true, headers, rows)
	}

	if checks := reportChecks(r); len(checks) > 0 {
		t.heading("CHECKS", len(checks))
		var rows [][]string
		for _, c := range checks {
			result := checkResult(c)
			switch c.Status {
			case CheckPassed:
				result = t.style(ansiGreen, result)
			case CheckFailed:
				result = t.style(ansiRed, result)
			default:
				result = t.style(ansiDim, result)
			}
			rows = append(rows, []string{cut(checkName(c.Code), 50), result, cut(c.Covered, 400)})
		}
		t.table(true, []string{"Check", "Result", "Covered"}, rows)
	}

	if len(r.Trackers) > 0 {
		t.heading("TRACKERS", len(r.Trackers))
		headers := []string{"Vendor", "IDs"}
		headers = append(headers, r.Profiles...)
		headers = append(headers, "Policy")
		var rows [][]string
		for _, tr := range r.Trackers {
			row := []string{cut(tr.Name, 40), cut(strings.Join(tr.IDs, ", "), 40)}
			marketing := isMarketing(tr)
			for _, p := range r.Profiles {
				switch {
				case !slices.Contains(tr.Profiles, p) && slices.Contains(tr.Blocked, p):
					row = append(row, t.style(ansiDim, "blocked"))
				case !slices.Contains(tr.Profiles, p):
					row = append(row, t.style(ansiDim, "✗"))
				case marketing && optOutProfile(p):
					row = append(row, t.style(ansiRed, "✓"))
				default:
					row = append(row, "✓")
				}
			}
			status := trackerPolicy(r, tr)
			row = append(row, t.style(policyStyles[status], status))
			rows = append(rows, row)
		}
		t.table(false, headers, rows)
	}

	if len(r.Cookies) > 0 {
		t.heading("COOKIES", len(r.Cookies))
		headers := []string{"Name", "Party", "Vendor", "Category", "Lifetime", "Requested", "Policy"}
		if narrow {
			headers = []string{"Name", "Party", "Vendor", "Lifetime", "Policy"}
		}
		var rows [][]string
		for _, c := range r.Cookies {
			policy := t.style(ansiDim, "—")
			if pc, ok := declaredCookie(r.Policy, c.Name); ok {
				policy = cut(pc.DurationText, 30)
			}
			if narrow {
				rows = append(rows, []string{cut(c.Name, 30), c.Party, cut(deref(c.Vendor), 20), lifetime(c.Session, c.LifetimeDays), policy})
				continue
			}
			rows = append(rows, []string{cut(c.Name, 40), cut(c.Party, 10), cut(deref(c.Vendor), 30), cut(c.Category, 14),
				lifetime(c.Session, c.LifetimeDays), lifetime(c.Session, c.DeclaredLifetimeDays), policy})
		}
		t.table(false, headers, rows)
	}

	if len(r.ThirdParties) > 0 {
		t.heading("THIRD PARTIES", len(r.ThirdParties))
		var rows [][]string
		for _, tp := range r.ThirdParties {
			rows = append(rows, []string{cut(tp.Domain, 60), cut(deref(tp.Vendor), 30), fmt.Sprint(tp.Requests), yesNo(tp.SetCookies)})
		}
		t.table(false, []string{"Domain", "Vendor", "Requests", "Cookies"}, rows)
	}

	t.heading("CONSENT & SIGNALS", -1)
	banner := "no banner detected"
	if r.Consent.Banner {
		banner = "banner shown"
	}
	if r.Consent.CMP != nil {
		banner += " (CMP: " + cut(*r.Consent.CMP, 40) + ")"
	}
	t.printf("  consent    %s\n", banner)
	for _, j := range r.Consent.Journeys {
		d := journeyDetail(j)
		t.printf("  %-10s %s\n", j.Profile, cut(d.Banner+": "+journeyLine(j), width-14))
		if !j.Operated() {
			continue
		}
		for _, w := range d.State {
			t.printf("  %-10s %s\n", "", cut(w, width-14))
		}
		t.printf("  %-10s %s\n", "", cut(d.StillRan, width-14))
	}
	if g := r.Signals.GPCJSON; g != nil && g.Status != 404 && g.Status != 410 {
		state := "invalid"
		if g.Valid {
			state = "valid"
			if g.GPC != nil {
				state += fmt.Sprintf(", gpc=%t", *g.GPC)
			}
		}
		t.printf("  gpc.json   HTTP %d, %s\n", g.Status, state)
	} else {
		t.printf("  gpc.json   not published\n")
	}
	for _, sig := range []struct{ label, prop string }{{"GPC read", "globalPrivacyControl"}, {"DNT read", "doNotTrack"}} {
		reads := signalReads(r, sig.prop)
		if len(reads) == 0 {
			t.printf("  %-10s by no script\n", sig.label)
			continue
		}
		for i, s := range reads {
			label := ""
			if i == 0 {
				label = sig.label
			}
			t.printf("  %-10s %s\n", label, cut(s, width-14))
		}
	}
	for _, kv := range []struct {
		label string
		m     map[string]string
	}{{"USP", r.Signals.USP}, {"GPP", r.Signals.GPP}, {"TCF", r.Signals.TCF}} {
		if len(kv.m) == 0 {
			continue
		}
		var parts []string
		for _, p := range sortedKeys(kv.m) {
			parts = append(parts, cut(p, 20)+"="+cut(kv.m[p], 40))
		}
		t.printf("  %-10s %s\n", kv.label, strings.Join(parts, "  "))
	}

	t.heading("PRIVACY POLICY", -1)
	if !policyFound(r) {
		msg := "not found"
		if r.Policy != nil && r.Policy.Error != "" {
			msg += ": " + cut(r.Policy.Error, 200)
		}
		t.printf("  %s\n", t.style(ansiRed, msg))
	} else {
		p := r.Policy
		t.printf("  url        %s\n", cut(deref(p.URL), width-14))
		t.printf("  DNT        %s%s\n", stanceLabel(p.DNT), quoteSuffix(p.DNTQuote, width))
		t.printf("  GPC        %s%s\n", stanceLabel(p.GPC), quoteSuffix(p.GPCQuote, width))
		var uses, denies []string
		for _, v := range p.Vendors {
			if v.Stance == "denies" {
				denies = append(denies, cut(v.Vendor, 40))
			} else {
				uses = append(uses, cut(v.Vendor, 40))
			}
		}
		t.printf("  names      %s\n", orNone(uses))
		if len(denies) > 0 {
			t.printf("  denies     %s\n", t.style(ansiYellow, strings.Join(denies, ", ")))
		}
		t.printf("  cookies    %d declared\n", len(p.Cookies))
	}

	var failed [][]string
	for _, p := range r.Pages {
		if p.Error != nil {
			failed = append(failed, []string{cut(p.Profile, 20), cut(p.URL, 80), cut(*p.Error, 120)})
		}
	}
	if len(failed) > 0 {
		t.heading("PAGE ERRORS", len(failed))
		t.table(false, []string{"Profile", "URL", "Error"}, failed)
	}
	if busy := unsettled(r); len(busy) > 0 {
		var rows [][]string
		for _, p := range busy {
			rows = append(rows, []string{cut(p.Profile, 20), cut(p.URL, 100)})
		}
		t.heading("PAGES STILL BUSY AT THE END OF THEIR DWELL (recorded as they were)", len(rows))
		t.table(false, []string{"Profile", "URL"}, rows)
	}
	for _, e := range r.Errors {
		t.printf("note: %s\n", cut(e, 300))
	}
	if t.err != nil {
		return t.err
	}
	return bw.Flush()
}

// policyStyles colour the trackers' policy statuses.
var policyStyles = map[string]string{
	policyNamed: ansiGreen, policyDenied: ansiRed, policyNotNamed: ansiYellow, policyNone: ansiDim,
}

func quoteSuffix(q *string, width int) string {
	if q == nil {
		return ""
	}
	return ": “" + cut(*q, max(30, width-50)) + "”"
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "no vendors"
	}
	return strings.Join(list, ", ")
}
