package diff

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/privscan/privscan/report"
)

// Format is an output format of a diff.
type Format string

// The diff output formats.
const (
	FormatTable    Format = "table"
	FormatJSON     Format = "json"
	FormatMarkdown Format = "markdown"
)

// ParseFormat reads table, json or markdown (md).
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "table", "":
		return FormatTable, nil
	case "json":
		return FormatJSON, nil
	case "markdown", "md":
		return FormatMarkdown, nil
	}
	return "", fmt.Errorf("unknown diff format %q (want table, json or markdown)", s)
}

// Write writes r to w in the format.
func Write(w io.Writer, format Format, r *Result) error {
	switch format {
	case FormatJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(r.normalized())
	case FormatMarkdown:
		return writeMarkdown(w, r)
	default:
		return writeTable(w, r)
	}
}

func side(s Side) string {
	ref := s.Target
	if s.Ref != "" {
		ref = s.Ref + " (" + s.Target + ")"
	}
	if !s.StartedAt.IsZero() {
		ref += " at " + s.StartedAt.UTC().Format("2006-01-02 15:04Z")
	}
	return ref
}

func writeTable(w io.Writer, r *Result) error {
	fmt.Fprintf(w, "old: %s\nnew: %s\n%s\n", side(r.Old), side(r.New), r.Headline())
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	section := func(title string, n int) bool {
		if n == 0 {
			return false
		}
		fmt.Fprintf(tw, "\n%s (%d)\n", title, n)
		return true
	}
	finding := func(mark string, f report.Finding) {
		fmt.Fprintf(tw, "  %s %s\t%s\t%s\t%s\n", mark, f.ID, f.Severity, f.Code, f.Title)
	}
	tracker := func(mark string, t report.Tracker) {
		fmt.Fprintf(tw, "  %s %s\t%s\t%s\n", mark, t.Vendor, t.Category, strings.Join(t.Profiles, ","))
	}
	cookie := func(mark string, c report.Cookie) {
		fmt.Fprintf(tw, "  %s %s\t%s%s\t%s\t%s\n", mark, c.Name, c.Domain, c.Path, days(c.LifetimeDays), orDash(c.Vendor))
	}
	if section("NEW FINDINGS", len(r.NewFindings)) {
		for _, f := range r.NewFindings {
			finding("+", f)
		}
	}
	if section("RESOLVED FINDINGS", len(r.ResolvedFindings)) {
		for _, f := range r.ResolvedFindings {
			finding("-", f)
		}
	}
	if section("CHANGED FINDINGS", len(r.ChangedFindings)) {
		for _, c := range r.ChangedFindings {
			fmt.Fprintf(tw, "  ~ %s\t%s -> %s\t%s\t%s (%s)\n", c.ID, c.Old.Severity, c.New.Severity, c.New.Code, c.New.Title, strings.Join(c.Fields, ", "))
		}
	}
	if section("TRACKERS", len(r.TrackersAdded)+len(r.TrackersRemoved)+len(r.TrackersChanged)) {
		for _, t := range r.TrackersAdded {
			tracker("+", t)
		}
		for _, t := range r.TrackersRemoved {
			tracker("-", t)
		}
		for _, t := range r.TrackersChanged {
			fmt.Fprintf(tw, "  ~ %s\tprofiles %s -> %s\n", t.Vendor, strings.Join(t.OldProfiles, ","), strings.Join(t.NewProfiles, ","))
		}
	}
	if section("COOKIES", len(r.CookiesAdded)+len(r.CookiesRemoved)+len(r.CookiesChanged)) {
		for _, c := range r.CookiesAdded {
			cookie("+", c)
		}
		for _, c := range r.CookiesRemoved {
			cookie("-", c)
		}
		for _, c := range r.CookiesChanged {
			fmt.Fprintf(tw, "  ~ %s\t%s%s\tlifetime %s -> %s\n", c.Name, c.Domain, c.Path, days(c.OldLifetimeDays), days(c.NewLifetimeDays))
		}
	}
	if r.Empty() {
		fmt.Fprintln(tw, "\nno changes")
	}
	return tw.Flush()
}

// md escapes table cell text for Markdown.
func md(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}

func writeMarkdown(w io.Writer, r *Result) error {
	fmt.Fprintf(w, "# privscan diff\n\n- old: %s\n- new: %s\n- %s\n", md(side(r.Old)), md(side(r.New)), r.Headline())
	findings := func(title string, fs []report.Finding) {
		if len(fs) == 0 {
			return
		}
		fmt.Fprintf(w, "\n## %s (%d)\n\n| id | severity | code | title |\n|---|---|---|---|\n", title, len(fs))
		for _, f := range fs {
			fmt.Fprintf(w, "| `%s` | %s | %s | %s |\n", f.ID, f.Severity, f.Code, md(f.Title))
		}
	}
	findings("New findings", r.NewFindings)
	findings("Resolved findings", r.ResolvedFindings)
	if len(r.ChangedFindings) > 0 {
		fmt.Fprintf(w, "\n## Changed findings (%d)\n\n| id | severity | code | title | changed |\n|---|---|---|---|---|\n", len(r.ChangedFindings))
		for _, c := range r.ChangedFindings {
			fmt.Fprintf(w, "| `%s` | %s → %s | %s | %s | %s |\n", c.ID, c.Old.Severity, c.New.Severity, c.New.Code, md(c.New.Title), strings.Join(c.Fields, ", "))
		}
	}
	if n := len(r.TrackersAdded) + len(r.TrackersRemoved) + len(r.TrackersChanged); n > 0 {
		fmt.Fprintf(w, "\n## Trackers (%d)\n\n| change | vendor | category | profiles |\n|---|---|---|---|\n", n)
		tracker := func(change string, t report.Tracker) {
			fmt.Fprintf(w, "| %s | %s | %s | %s |\n", change, md(t.Vendor), t.Category, strings.Join(t.Profiles, ", "))
		}
		for _, t := range r.TrackersAdded {
			tracker("added", t)
		}
		for _, t := range r.TrackersRemoved {
			tracker("removed", t)
		}
		for _, t := range r.TrackersChanged {
			fmt.Fprintf(w, "| profiles | %s | | %s → %s |\n", md(t.Vendor), strings.Join(t.OldProfiles, ", "), strings.Join(t.NewProfiles, ", "))
		}
	}
	if n := len(r.CookiesAdded) + len(r.CookiesRemoved) + len(r.CookiesChanged); n > 0 {
		fmt.Fprintf(w, "\n## Cookies (%d)\n\n| change | name | domain | lifetime |\n|---|---|---|---|\n", n)
		cookie := func(change string, c report.Cookie) {
			fmt.Fprintf(w, "| %s | `%s` | %s | %s |\n", change, md(c.Name), md(c.Domain), days(c.LifetimeDays))
		}
		for _, c := range r.CookiesAdded {
			cookie("added", c)
		}
		for _, c := range r.CookiesRemoved {
			cookie("removed", c)
		}
		for _, c := range r.CookiesChanged {
			fmt.Fprintf(w, "| lifetime | `%s` | %s | %s → %s |\n", md(c.Name), md(c.Domain), days(c.OldLifetimeDays), days(c.NewLifetimeDays))
		}
	}
	if r.Empty() {
		fmt.Fprintln(w, "\nNo changes.")
	}
	return nil
}

// normalized returns a copy of r whose empty lists are [] rather than null
// in JSON.
func (r *Result) normalized() *Result {
	cp := *r
	cp.NewFindings = report.NormalizedFindings(r.NewFindings)
	cp.ResolvedFindings = report.NormalizedFindings(r.ResolvedFindings)
	cp.ChangedFindings = emptyIfNil(r.ChangedFindings)
	for i, c := range cp.ChangedFindings {
		c.Old.Evidence, c.New.Evidence = emptyIfNil(c.Old.Evidence), emptyIfNil(c.New.Evidence)
		cp.ChangedFindings[i] = c
	}
	cp.TrackersAdded, cp.TrackersRemoved = emptyIfNil(r.TrackersAdded), emptyIfNil(r.TrackersRemoved)
	cp.TrackersChanged = emptyIfNil(r.TrackersChanged)
	cp.CookiesAdded, cp.CookiesRemoved = emptyIfNil(r.CookiesAdded), emptyIfNil(r.CookiesRemoved)
	cp.CookiesChanged = emptyIfNil(r.CookiesChanged)
	return &cp
}

func emptyIfNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
