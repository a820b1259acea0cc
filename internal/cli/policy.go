package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/privscan/privscan/internal/hostrules"
	"github.com/privscan/privscan/internal/policy"
	"github.com/privscan/privscan/internal/scan"
	"github.com/privscan/privscan/report"
)

// runPolicy analyses one privacy policy, from a URL or a local file (HTML,
// text, Markdown or PDF), and prints what it discloses.
func runPolicy(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("policy", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	format := fs.String("format", "", "json or table (default: table on a terminal, json otherwise)")
	rules := fs.String("host-rules", "", "Chrome-style host-resolver-rules for fetching the URL")
	insecure := fs.Bool("insecure", false, "accept self-signed TLS certificates")
	var extra stringList
	fs.Var(&extra, "rules", "extra vendor rules file (YAML); repeatable")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: privscan policy <url|file> [flags]")
		fs.PrintDefaults()
	}
	pos, done, err := parseArgs(fs, args)
	if done {
		return err
	}
	if len(pos) != 1 {
		return usageError("policy takes exactly one URL or file")
	}
	var ruleDocs [][]byte
	for _, path := range extra {
		data, err := os.ReadFile(path)
		if err != nil {
			return usageError("--rules: %v", err)
		}
		ruleDocs = append(ruleDocs, data)
	}
	terms, err := scan.PolicyTerms(ruleDocs)
	if err != nil {
		return usageError("%v", err)
	}
	var a *policy.Analysis
	src := pos[0]
	if _, statErr := os.Stat(src); statErr == nil {
		a, err = policy.AnalyzeFile(ctx, src, terms)
	} else {
		target, perr := scan.ParseTarget(src)
		if perr != nil {
			return &ExitError{Code: ExitFailure, Err: fmt.Errorf("%s is neither a file nor a URL: %v", src, perr)}
		}
		hr, herr := hostrules.Parse(*rules)
		if herr != nil {
			return usageError("--host-rules: %v", herr)
		}
		client := scan.NewHTTPClient(hr, *insecure, "")
		a, err = policy.AnalyzeURL(ctx, policy.HTTPFetcher{Client: client}, target.String(), terms)
	}
	if err != nil && (a == nil || ctx.Err() != nil) {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	// A document that is not a policy is still described (found: false,
	// documents[] with the reason), and the exit code says it failed.
	var notPolicy error
	if !a.Found {
		notPolicy = &ExitError{Code: ExitFailure, Err: fmt.Errorf("%s is not a privacy policy: %s", src, a.Error)}
	}
	p, err := scan.PolicyToReport(a, a.URL)
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	if *format == "" {
		*format = "json"
		if env.StdoutTTY {
			*format = "table"
		}
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(p); err != nil {
			return err
		}
		return notPolicy
	case "table":
		writePolicyText(env.Stdout, p)
		return notPolicy
	}
	return usageError("--format: want json or table")
}

func writePolicyText(w io.Writer, p *report.Policy) {
	deref := func(s *string) string {
		if s == nil {
			return "—"
		}
		return *s
	}
	fmt.Fprintf(w, "Policy: %s\nTitle: %s\nLanguage: %s\n", deref(p.URL), deref(p.Title), deref(p.Language))
	fmt.Fprintf(w, "\nDo Not Track: %s\n  %s\nGlobal Privacy Control: %s\n  %s\n", p.DNT, deref(p.DNTQuote), p.GPC, deref(p.GPCQuote))
	fmt.Fprintln(w, "\nVendors:")
	if len(p.Vendors) == 0 {
		fmt.Fprintln(w, "  none named")
	}
	for _, v := range p.Vendors {
		fmt.Fprintf(w, "  %-20s %-7s %s\n", v.Vendor, v.Stance, oneLine(v.Quote, 110))
	}
	fmt.Fprintf(w, "\nCookies declared: %d\n", len(p.Cookies))
	for _, c := range p.Cookies {
		days := "?"
		if c.Session {
			days = "session"
		} else if c.LifetimeDays != nil {
			days = fmt.Sprintf("%gd", *c.LifetimeDays)
		}
		fmt.Fprintf(w, "  %-28s %-24s %-16s %s\n", oneLine(c.Name, 28), oneLine(c.Provider, 24), oneLine(c.DurationText, 16), days)
	}
	var mentions []string
	for _, k := range []string{"cookies", "session_cookies", "persistent_cookies", "third_party_cookies", "analytics", "advertising", "web_beacons"} {
		if p.Mentions[k] {
			mentions = append(mentions, k)
		}
	}
	fmt.Fprintf(w, "\nMentions: %s\n", strings.Join(mentions, ", "))
	if len(p.Documents) > 0 {
		fmt.Fprintln(w, "\nDocuments:")
		for _, d := range p.Documents {
			state := "used"
			if !d.Used {
				state = "rejected: " + deref(d.Why)
			}
			fmt.Fprintf(w, "  %-8s %s (status %s) %s\n", d.Kind, oneLine(d.URL, 80), statusOr(d.Status), oneLine(state, 140))
		}
	}
	if p.Error != "" {
		fmt.Fprintf(w, "\nError: %s\n", p.Error)
	}
}

func oneLine(s string, n int) string { return clip(report.OneLine(s), n) }

func statusOr(s *int) string {
	if s == nil {
		return "none"
	}
	return fmt.Sprint(*s)
}
