package report

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// TableWriter writes a human-readable summary with one table per section.
type TableWriter struct {
	w    io.Writer
	opts WriterOptions
}

var _ Writer = (*TableWriter)(nil)

// NewTableWriter returns a table writer to w.
func NewTableWriter(w io.Writer, opts WriterOptions) *TableWriter {
	return &TableWriter{w: w, opts: opts}
}

func (t *TableWriter) table(headers ...any) *tablewriter.Table {
	width := t.opts.Width
	if width <= 0 {
		width = 100
	}
	tbl := tablewriter.NewTable(t.w,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleLight)})),
		tablewriter.WithMaxWidth(width),
		tablewriter.WithRowAutoWrap(tw.WrapNormal),
		tablewriter.WithHeaderAutoFormat(tw.Off),
	)
	tbl.Header(headers...)
	return tbl
}

// Write renders r.
func (t *TableWriter) Write(_ context.Context, r *Report) error {
	errorsCount := 0
	for _, p := range r.Pages {
		if p.Error != nil {
			errorsCount++
		}
	}
	policy := "not found"
	if r.Policy != nil && r.Policy.Found && r.Policy.URL != nil {
		policy = *r.Policy.URL
	}
	status := ""
	if r.Interrupted {
		status = " (INTERRUPTED: partial results)"
	}
	fmt.Fprintf(t.w, "privscan %s — %s%s\n", r.Tool.Version, clean(r.Target), status)
	fmt.Fprintf(t.w, "%d page visits (%d with errors), profiles %s, policy: %s\n",
		len(r.Pages), errorsCount, strings.Join(r.Profiles, ", "), clean(policy))
	fmt.Fprintf(t.w, "findings: %d high, %d medium, %d low, %d info\n\n", r.Summary.High, r.Summary.Medium, r.Summary.Low, r.Summary.Info)

	if len(r.Findings) > 0 {
		fmt.Fprintln(t.w, "FINDINGS")
		tbl := t.table("Severity", "Finding", "Vendor/Cookie", "Detail")
		for _, f := range r.Findings {
			key := deref(f.Vendor)
			if f.Cookie != nil {
				key = *f.Cookie
			}
			if err := tbl.Append(f.Severity.String(), clean(f.Title), clean(key), clean(f.Detail)); err != nil {
				return err
			}
		}
		if err := tbl.Render(); err != nil {
			return err
		}
		fmt.Fprintln(t.w)
	}
	if len(r.Trackers) > 0 {
		fmt.Fprintln(t.w, "TRACKERS")
		headers := []any{"Vendor", "IDs"}
		for _, p := range r.Profiles {
			headers = append(headers, p)
		}
		tbl := t.table(headers...)
		for _, tr := range r.Trackers {
			row := []any{clean(tr.Name), clean(strings.Join(tr.IDs, ", "))}
			for _, p := range r.Profiles {
				mark := "✗"
				for _, tp := range tr.Profiles {
					if tp == p {
						mark = "✓"
					}
				}
				row = append(row, mark)
			}
			if err := tbl.Append(row...); err != nil {
				return err
			}
		}
		if err := tbl.Render(); err != nil {
			return err
		}
		fmt.Fprintln(t.w)
	}
	if len(r.Cookies) > 0 {
		fmt.Fprintln(t.w, "COOKIES")
		tbl := t.table("Name", "Domain", "Party", "Vendor", "Category", "Lifetime", "Declared", "Set by", "Profiles")
		for _, c := range r.Cookies {
			if err := tbl.Append(clean(c.Name), clean(c.Domain), c.Party, clean(deref(c.Vendor)), c.Category,
				lifetime(c.Session, c.LifetimeDays), lifetime(c.Session, c.DeclaredLifetimeDays), c.SetBy, strings.Join(c.Profiles, ",")); err != nil {
				return err
			}
		}
		if err := tbl.Render(); err != nil {
			return err
		}
		fmt.Fprintln(t.w)
	}
	if len(r.ThirdParties) > 0 {
		fmt.Fprintln(t.w, "THIRD PARTIES")
		tbl := t.table("Domain", "Requests", "Sets cookies", "Vendor")
		for _, tp := range r.ThirdParties {
			if err := tbl.Append(clean(tp.Domain), fmt.Sprint(tp.Requests), yesNo(tp.SetCookies), clean(deref(tp.Vendor))); err != nil {
				return err
			}
		}
		if err := tbl.Render(); err != nil {
			return err
		}
		fmt.Fprintln(t.w)
	}
	var failed []Page
	for _, p := range r.Pages {
		if p.Error != nil {
			failed = append(failed, p)
		}
	}
	if len(failed) > 0 {
		fmt.Fprintln(t.w, "PAGE ERRORS")
		tbl := t.table("Profile", "URL", "Error")
		for _, p := range failed {
			if err := tbl.Append(p.Profile, clean(p.URL), clean(*p.Error)); err != nil {
				return err
			}
		}
		if err := tbl.Render(); err != nil {
			return err
		}
	}
	for _, e := range r.Errors {
		fmt.Fprintf(t.w, "note: %s\n", clean(e))
	}
	return nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// lifetime renders days for people.
func lifetime(session bool, d *float64) string {
	switch {
	case session:
		return "session"
	case d == nil:
		return "—"
	case *d >= 365:
		return fmt.Sprintf("%.0fd (%.1fy)", *d, *d/365)
	case *d >= 1:
		return fmt.Sprintf("%.0fd", *d)
	case *d*24 >= 1:
		return fmt.Sprintf("%.0fh", *d*24)
	}
	return fmt.Sprintf("%.0fmin", *d*24*60)
}

// clean strips control characters (terminal escape sequences from hostile
// pages) and caps the length.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return ' '
		}
		return r
	}, s)
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
