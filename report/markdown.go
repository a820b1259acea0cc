package report

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
)

// MarkdownWriter writes the report as GitHub-flavoured Markdown for tickets
// and pull requests. Page-derived text is escaped so that it can neither
// add markup, links, HTML, @mentions nor table columns.
type MarkdownWriter struct{ w io.Writer }

var _ Writer = (*MarkdownWriter)(nil)

// NewMarkdownWriter returns a Markdown writer to w.
func NewMarkdownWriter(w io.Writer) *MarkdownWriter { return &MarkdownWriter{w: w} }

// Write renders r.
func (m *MarkdownWriter) Write(_ context.Context, r *Report) error {
	b := bufio.NewWriter(m.w)
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	s := summaryOf(r)
	risk, riskLabel := s.risk()

	p("# Privacy audit: %s\n\n", md(r.Target))
	if r.Interrupted {
		p("> **Partial results:** the scan was interrupted before it finished.\n\n")
	}
	p("**%s.** %s\n\n", riskLabel, verdict(risk, policyFound(r)))
	policy := "not found"
	if policyFound(r) && r.Policy.URL != nil {
		policy = md(*r.Policy.URL)
	}
	p("- **Scanned:** %s", timestamp(r.StartedAt))
	if d := duration(r); d != "" {
		p(" (%s)", d)
	}
	p("\n- **Pages:** %d (%d visits, %d with errors)\n", distinctPages(r), len(r.Pages), pageErrors(r))
	p("- **Profiles:** %s\n", md(strings.Join(r.Profiles, ", ")))
	p("- **Privacy policy:** %s\n", policy)
	p("- **Findings:** %d high · %d medium · %d low · %d info\n\n", s.High, s.Medium, s.Low, s.Info)

	p("## Findings\n\n")
	findings := sortedFindings(r.Findings)
	if len(findings) == 0 {
		p("No findings. The checks below say what each one covered.\n\n")
	} else {
		p("| # | Severity | Finding | Vendor / cookie |\n|---:|---|---|---|\n")
		for i, f := range findings {
			p("| %d | %s | %s | %s |\n", i+1, severityLabel(f.Severity), mdCell(f.Title), mdCell(findingKey(f)))
		}
		p("\n")
		for i, f := range findings {
			p("### %d. %s — %s\n\n", i+1, strings.ToUpper(f.Severity.String()), md(f.Title))
			if f.Detail != "" {
				p("%s\n\n", md(f.Detail))
			}
			p("- **Check:** %s (`%s`)\n", md(checkName(f.Code)), mdCode(f.Code))
			if k := findingKey(f); k != "" {
				p("- **Subject:** %s\n", md(k))
			}
			p("- **ID:** `%s`\n", mdCode(f.ID))
			if len(f.Evidence) > 0 {
				p("- **Evidence:**\n")
				for _, e := range f.Evidence {
					p("  - %s\n", md(truncate(evidenceLine(e), 400)))
				}
			}
			if f.PolicyQuote != nil {
				p("\n**The privacy policy says:**\n\n> %s\n", md(truncate(*f.PolicyQuote, 800)))
			} else {
				p("\n**The privacy policy says:** nothing on this.\n")
			}
			p("\n")
		}
	}

	if checks := reportChecks(r); len(checks) > 0 {
		p("## Checks\n\n| Check | Result | What it covered |\n|---|---|---|\n")
		for _, c := range checks {
			p("| %s (`%s`) | %s | %s |\n", mdCell(checkName(c.Code)), mdCode(c.Code), checkResult(c), mdCell(c.Covered))
		}
		p("\n")
	}

	if len(r.Trackers) > 0 {
		p("## Trackers by profile\n\n| Vendor | Category | IDs |")
		for _, pr := range r.Profiles {
			p(" %s |", mdCell(pr))
		}
		p(" In policy |\n|---|---|---|")
		for range r.Profiles {
			p(":---:|")
		}
		p("---|\n")
		for _, t := range r.Trackers {
			p("| %s | %s | %s |", mdCell(t.Name), mdCell(t.Category), mdCell(strings.Join(t.IDs, ", ")))
			for _, pr := range r.Profiles {
				switch {
				case slices.Contains(t.Profiles, pr):
					p(" ✓ |")
				case slices.Contains(t.Blocked, pr):
					p(" blocked |")
				default:
					p(" ✗ |")
				}
			}
			if status := trackerPolicy(r, t); status == policyDenied {
				p(" **%s** |\n", status)
			} else {
				p(" %s |\n", status)
			}
		}
		p("\n")
	}

	if len(r.Cookies) > 0 {
		p("## Cookies\n\n| Name | Domain | Party | Vendor | Category | Lifetime | Requested | Policy says |\n|---|---|---|---|---|---|---|---|\n")
		for _, c := range r.Cookies {
			declared := "not declared"
			if pc, ok := declaredCookie(r.Policy, c.Name); ok {
				declared = pc.DurationText
			}
			p("| %s | %s | %s | %s | %s | %s | %s | %s |\n", mdCell(c.Name), mdCell(c.Domain), mdCell(c.Party), mdCell(deref(c.Vendor)),
				mdCell(c.Category), lifetime(c.Session, c.LifetimeDays), lifetime(c.Session, c.DeclaredLifetimeDays), mdCell(declared))
		}
		p("\n")
	}

	if len(r.ThirdParties) > 0 {
		p("## Third parties\n\n| Domain | Vendor | Requests | Sets cookies |\n|---|---|---:|---|\n")
		for _, t := range r.ThirdParties {
			p("| %s | %s | %d | %s |\n", mdCell(t.Domain), mdCell(deref(t.Vendor)), t.Requests, yesNo(t.SetCookies))
		}
		p("\n")
	}

	p("## Consent and signals\n\n")
	banner := "no consent banner detected"
	if r.Consent.Banner {
		banner = "consent banner shown"
	}
	if r.Consent.CMP != nil {
		banner += " (" + md(*r.Consent.CMP) + ")"
	}
	p("- **Consent:** %s\n", banner)
	for _, j := range r.Consent.Journeys {
		d := journeyDetail(j)
		p("- **Consent journey (%s):** %s — %s\n", md(j.Profile), md(d.Banner), md(d.Answer))
		for _, w := range d.State {
			p("  - %s\n", md(w))
		}
		if d.StillRan != "" {
			p("  - %s\n", md(d.StillRan))
		}
	}
	if g := r.Signals.GPCJSON; g != nil && g.Status != 404 && g.Status != 410 {
		state := "invalid"
		if g.Valid {
			state = "valid"
			if g.GPC != nil {
				state += fmt.Sprintf(", gpc: %t", *g.GPC)
			}
		}
		p("- **gpc.json:** HTTP %d, %s\n", g.Status, state)
	} else {
		p("- **gpc.json:** not published\n")
	}
	for _, prop := range []string{"globalPrivacyControl", "doNotTrack"} {
		reads := signalReads(r, prop)
		if len(reads) == 0 {
			p("- **Read `navigator.%s`:** no script\n", prop)
			continue
		}
		p("- **Read `navigator.%s`:**\n", prop)
		for _, s := range reads {
			p("  - %s\n", md(truncate(s, 200)))
		}
	}
	p("\n")

	p("## Privacy policy\n\n")
	if !policyFound(r) {
		p("No privacy policy could be found.\n\n")
	} else {
		pol := r.Policy
		p("- **URL:** %s\n", md(deref(pol.URL)))
		p("- **Do Not Track:** %s\n", stanceLabel(pol.DNT))
		if pol.DNTQuote != nil {
			p("  > %s\n", md(truncate(*pol.DNTQuote, 600)))
		}
		p("- **Global Privacy Control:** %s\n", stanceLabel(pol.GPC))
		if pol.GPCQuote != nil {
			p("  > %s\n", md(truncate(*pol.GPCQuote, 600)))
		}
		p("\n")
		if len(pol.Vendors) > 0 {
			p("| Vendor | Stance | Quote |\n|---|---|---|\n")
			for _, v := range pol.Vendors {
				p("| %s | %s | %s |\n", mdCell(v.Vendor), mdCell(v.Stance), mdCell(truncate(v.Quote, 300)))
			}
			p("\n")
		}
		if len(pol.Cookies) > 0 {
			p("Declared cookies: ")
			for i, c := range pol.Cookies {
				if i > 0 {
					p(", ")
				}
				p("%s (%s)", md(c.Name), md(c.DurationText))
			}
			p("\n\n")
		}
	}

	p("## Methodology\n\n")
	p("- **Tool:** %s %s\n- **Browser:** %s\n", md(r.Tool.Name), md(r.Tool.Version), md(r.Browser.Product))
	p("- **Options:** max pages %d, depth %d, concurrency %d, page timeout %s", r.Options.MaxPages, r.Options.Depth,
		r.Options.Concurrency, md(r.Options.PageTimeout))
	if r.Options.Dwell != "" {
		p(", dwell %s", md(r.Options.Dwell))
	}
	if r.Options.NoInteraction {
		p(", no visitor interaction")
	}
	p("\n")
	if r.Options.HostRules != "" {
		p("- **Host rules:** %s\n", md(r.Options.HostRules))
	}
	for _, pg := range r.Pages {
		if pg.Error != nil {
			p("- **Page error** (%s) %s: %s\n", md(pg.Profile), md(pg.URL), md(truncate(*pg.Error, 200)))
		}
	}
	for _, pg := range unsettled(r) {
		p("- **Still busy** (%s) %s: never went quiet; recorded as it was at the end of its dwell\n", md(pg.Profile), md(pg.URL))
	}
	for _, e := range r.Errors {
		p("- **Note:** %s\n", md(e))
	}
	return b.Flush()
}

var (
	mdEscaper = strings.NewReplacer(
		"&", "&amp;", "<", "&lt;", ">", "&gt;",
		`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
		"|", `\|`, "~", `\~`, "#", `\#`, "@", `\@`, "!", `\!`,
	)
	mdLineStart = regexp.MustCompile(`^(\d+)([.)])`)
)

// md escapes page-derived text for inline Markdown: one line, HTML
// entities for & < >, backslashes before Markdown punctuation (including
// | so it is safe in table cells, and @ and # so it mentions nobody and
// links no issue), and a defused list/heading marker at the start.
func md(s string) string {
	s = mdEscaper.Replace(OneLine(s))
	if s != "" && strings.ContainsRune("+-=", rune(s[0])) {
		s = `\` + s
	}
	return mdLineStart.ReplaceAllString(s, `$1\$2`)
}

// mdCell escapes text for a table cell; an empty cell shows a dash.
func mdCell(s string) string {
	if s = md(s); s == "" {
		return "—"
	}
	return s
}

// mdCode makes s safe inside a single-backtick code span.
func mdCode(s string) string { return strings.ReplaceAll(OneLine(s), "`", "'") }
