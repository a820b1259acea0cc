package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/crawler/browser"
	"github.com/privscan/privscan/internal/audit"
	"github.com/privscan/privscan/internal/scan"
	"github.com/privscan/privscan/report"
	"github.com/privscan/privscan/report/pdfprint"
)

func version() string { return scan.Version }

// scanFlags are the flags shared by scan and demo.
type scanFlags struct {
	opts       scan.Options
	profiles   string
	format     string
	outputs    stringList
	cookiesCSV string
	brandName  string
	brandLogo  string
	brandColor string
	noShots    bool
	writerOpts report.WriterOptions
	failOn     string
	verbose    bool
	quiet      bool
	noColor    bool
	rules      stringList
	ignore     string
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return fmt.Sprint(*l) }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

func (f *scanFlags) register(fs *flag.FlagSet) {
	def := scan.DefaultOptions()
	fs.IntVar(&f.opts.MaxPages, "max-pages", def.MaxPages, "at most this many pages per profile")
	fs.IntVar(&f.opts.Depth, "depth", def.Depth, "follow links this many clicks from the home page")
	fs.IntVar(&f.opts.Concurrency, "concurrency", def.Concurrency, "browser tabs visiting pages at once")
	fs.StringVar(&f.profiles, "profiles", "baseline,gpc,dnt", "comma-separated profiles: baseline, gpc, dnt, reject, accept (reject and accept are added by themselves when a consent banner shows and this flag is not given)")
	fs.DurationVar(&f.opts.PageTimeout, "page-timeout", def.PageTimeout, "cap on loading one page (navigation up to the load event)")
	fs.DurationVar(&f.opts.Dwell, "dwell", def.Dwell, "cap on the time on a page after its load event (interaction and settling); a page still busy then is recorded as not settled")
	fs.DurationVar(&f.opts.BannerWait, "banner-wait", def.BannerWait, "how long a consent journey waits for the cookie banner to show")
	fs.DurationVar(&f.opts.ConsentRuleTimeout, "consent-rule-timeout", def.ConsentRuleTimeout, "how long an autoconsent rule may take to answer the banner before the built-in engine takes over")
	fs.BoolVar(&f.opts.NoInteraction, "no-interaction", false, "do not act like a visitor after the load event (no focus, mouse moves or scrolling): tags that wait for interaction are not seen")
	fs.StringVar(&f.opts.HostRules, "host-rules", "", `Chrome host-resolver-rules, e.g. "MAP * 127.0.0.1:8443, EXCLUDE localhost" (scan a staging server as the live domain)`)
	fs.BoolVar(&f.opts.Insecure, "insecure", false, "accept self-signed and invalid TLS certificates")
	fs.StringVar(&f.opts.ChromePath, "chrome", "", "Chromium binary (default: $PRIVSCAN_CHROME, then the usual paths)")
	fs.StringVar(&f.opts.BrowserURL, "browser-url", "", "use a running browser's DevTools websocket instead of launching one")
	fs.BoolVar(&f.opts.IgnoreRobots, "ignore-robots", false, "do not honour robots.txt")
	fs.BoolVar(&f.opts.ShowValues, "show-values", false, "keep cookie values in the report (redacted by default)")
	fs.BoolVar(&f.opts.Observations, "observations", false, "include every visit's raw records (requests, cookie writes, signal reads) in the JSON report")
	fs.StringVar(&f.format, "format", "", "output format: table, json, html, pdf, markdown, csv or junit (default: from --output's extension, else table on a terminal and json otherwise)")
	fs.Var(&f.outputs, "output", "write the report to this file (repeatable: -o report.html -o report.json, each in the format of its extension; default: standard output)")
	fs.Var(&f.outputs, "o", "shorthand for --output")
	fs.StringVar(&f.cookiesCSV, "cookies-csv", "", "also write the cookie inventory as CSV to this file")
	fs.StringVar(&f.brandName, "brand-name", "", "agency name on the HTML/PDF report")
	fs.StringVar(&f.brandLogo, "brand-logo", "", "agency logo (PNG, JPEG, GIF, WebP or SVG file) on the HTML/PDF report")
	fs.StringVar(&f.brandColor, "brand-color", "", "accent colour of the HTML/PDF report, #rgb or #rrggbb")
	fs.BoolVar(&f.noShots, "no-screenshots", false, "do not capture the home page screenshot for the HTML/PDF report")
	fs.StringVar(&f.failOn, "fail-on", "", "exit 1 when a finding at or above this severity exists: high, medium, low or info")
	fs.Var(&f.rules, "rules", "extra vendor rules file (YAML, same schema as the built-in catalogue); repeatable")
	fs.StringVar(&f.opts.Autoconsent, "autoconsent", "", "directory of DuckDuckGo's autoconsent package, the consent rule set journeys try first (default: $PRIVSCAN_AUTOCONSENT, then the cache `privscan rules update` fills; \"none\": built-in selectors only)")
	fs.StringVar(&f.opts.Policy, "policy", "", "read the privacy policy from this URL or local file instead of finding it")
	fs.StringVar(&f.ignore, "ignore", "", "file of accepted finding ids (YAML list of {id, reason, expires}); they are reported as suppressed and do not affect --fail-on")
	fs.BoolVar(&f.verbose, "v", false, "verbose: structured logs on stderr")
	fs.BoolVar(&f.quiet, "q", false, "quiet: no progress output")
	fs.BoolVar(&f.noColor, "no-color", false, "no colour in table output")
}

func (f *scanFlags) finish(env Env, fs *flag.FlagSet) error {
	fs.Visit(func(fl *flag.Flag) {
		if fl.Name == "profiles" {
			f.opts.ProfilesExplicit = true
		}
	})
	f.opts.Profiles = nil
	for _, p := range splitList(f.profiles) {
		prof := crawler.Profile(p)
		if !prof.Valid() {
			return usageError("unknown profile %q in --profiles (want baseline, gpc, dnt, reject or accept)", p)
		}
		f.opts.Profiles = append(f.opts.Profiles, prof)
	}
	if len(f.opts.Profiles) == 0 {
		return usageError("--profiles is empty")
	}
	if f.opts.PageTimeout < time.Second {
		return usageError("--page-timeout must be at least 1s")
	}
	// 0 means "the default" to the scanner, not to a user who typed it.
	for _, w := range []struct {
		flag string
		d    time.Duration
	}{{"--dwell", f.opts.Dwell}, {"--banner-wait", f.opts.BannerWait}, {"--consent-rule-timeout", f.opts.ConsentRuleTimeout}} {
		if w.d <= 0 {
			return usageError("%s must be positive", w.flag)
		}
	}
	if err := scan.CheckWaits(f.opts); err != nil {
		return usageError("%v", err)
	}
	if f.failOn != "" {
		if _, err := report.ParseSeverity(f.failOn); err != nil {
			return usageError("--fail-on: %v", err)
		}
	}
	if f.format != "" {
		format, err := report.ParseFormat(f.format)
		if err != nil {
			return usageError("--format: %v", err)
		}
		f.format = string(format)
		if len(f.outputs) > 1 {
			return usageError("--format applies to one output; with several, each output's extension gives its format")
		}
	}
	for _, out := range f.outputs {
		if f.format == "" && report.FormatFromPath(out) == "" && len(f.outputs) > 1 {
			return usageError("cannot tell the format of %s from its extension", out)
		}
	}
	if f.format == "" && len(f.outputs) <= 1 {
		if len(f.outputs) == 1 {
			f.format = string(report.FormatFromPath(f.outputs[0]))
		}
		if f.format == "" {
			if len(f.outputs) == 0 && env.StdoutTTY {
				f.format = string(report.FormatTable)
			} else {
				f.format = string(report.FormatJSON)
			}
		}
	}
	f.writerOpts = report.WriterOptions{BrandName: f.brandName, BrandColor: f.brandColor}
	if f.brandLogo != "" {
		logo, err := os.ReadFile(f.brandLogo)
		if err != nil {
			return usageError("--brand-logo: %v", err)
		}
		f.writerOpts.BrandLogo = logo
	}
	if err := f.writerOpts.Validate(); err != nil {
		return usageError("%v", err)
	}
	f.opts.Screenshots = !f.noShots && f.wantsScreenshots()
	for _, path := range f.rules {
		data, err := os.ReadFile(path)
		if err != nil {
			return usageError("--rules: %v", err)
		}
		f.opts.Rules = append(f.opts.Rules, data)
	}
	if f.ignore != "" {
		data, err := os.ReadFile(f.ignore)
		if err != nil {
			return usageError("--ignore: %v", err)
		}
		sups, err := audit.ParseSuppressions(data)
		if err != nil {
			return usageError("--ignore %s: %v", f.ignore, err)
		}
		f.opts.Ignore = sups
	}
	f.opts.Logger = newLogger(env, f.verbose)
	return nil
}

// wantsScreenshots reports whether an output shows screenshots.
func (f *scanFlags) wantsScreenshots() bool {
	formats := []string{f.format}
	for _, o := range f.outputs {
		formats = append(formats, string(report.FormatFromPath(o)))
	}
	for _, fm := range formats {
		if fm == string(report.FormatHTML) || fm == string(report.FormatPDF) {
			return true
		}
	}
	return false
}

func runScan(ctx context.Context, args []string, env Env) error {
	if hasTargetsFlag(args) {
		return runBatch(ctx, args, env)
	}
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var f scanFlags
	f.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: privscan scan <url> [flags]")
		fs.PrintDefaults()
	}
	pos, done, err := parseArgs(fs, args)
	if done {
		return err
	}
	if len(pos) != 1 {
		return usageError("scan takes exactly one URL (got %d)", len(pos))
	}
	if err := f.finish(env, fs); err != nil {
		return err
	}
	target, err := scan.ParseTarget(pos[0])
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	return scanAndWrite(ctx, target, f, env)
}

// scanAndWrite runs one scan and writes its report; the error carries the
// exit code.
func scanAndWrite(ctx context.Context, u *url.URL, f scanFlags, env Env) error {
	progress := newProgress(env, f.quiet)
	f.opts.Progress = progress.update
	plugins, err := scan.DefaultPlugins(f.opts)
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	// The browser outlives an interrupt long enough to collect what the
	// pages have; visits see the interrupt through ctx.
	s, err := scan.New(context.WithoutCancel(ctx), f.opts, plugins)
	if err != nil {
		if errors.Is(err, browser.ErrNoChrome) {
			return &ExitError{Code: ExitFailure, Err: err}
		}
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("start: %w", err)}
	}
	defer s.Close()
	r, scanErr := s.Scan(ctx, u)
	progress.done()
	if r == nil {
		return &ExitError{Code: ExitFailure, Err: scanErr}
	}
	printer := &pdfprint.ChromiumPrinter{Browser: s.Browser().Context()}
	if err := writeReport(context.WithoutCancel(ctx), r, f, env, printer); err != nil {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	if r.Interrupted {
		return &ExitError{Code: ExitInterrupted, Err: errors.New("scan interrupted: the report holds what was collected")}
	}
	return failOn(r, f.failOn)
}

// failOn returns an exit-1 error when a non-suppressed finding at or above
// the threshold exists.
func failOn(r *report.Report, threshold string) error {
	if threshold == "" {
		return nil
	}
	min, _ := report.ParseSeverity(threshold)
	n := 0
	for _, fd := range r.Findings {
		if fd.Severity >= min {
			n++
		}
	}
	if n > 0 {
		return &ExitError{Code: ExitFindings, Err: fmt.Errorf("%d finding(s) at or above %s", n, min)}
	}
	return nil
}

func writeReport(ctx context.Context, r *report.Report, f scanFlags, env Env, printer report.PDFPrinter) error {
	opts := f.writerOpts
	opts.Printer = printer
	if len(f.outputs) == 0 {
		opts.Color = env.StdoutTTY && !f.noColor
		w, err := report.NewWriter(report.Format(f.format), env.Stdout, opts)
		if err != nil {
			return err
		}
		if err := w.Write(ctx, r); err != nil {
			return err
		}
	}
	for _, out := range f.outputs {
		format := report.Format(f.format)
		if format == "" {
			format = report.FormatFromPath(out)
		}
		if err := writeFile(out, func(w io.Writer) error {
			wr, err := report.NewWriter(format, w, opts)
			if err != nil {
				return err
			}
			return wr.Write(ctx, r)
		}); err != nil {
			return fmt.Errorf("%s: %w", out, err)
		}
		if !f.quiet {
			fmt.Fprintf(env.Stderr, "report written to %s\n", out)
		}
	}
	if f.cookiesCSV != "" {
		if err := writeFile(f.cookiesCSV, func(w io.Writer) error {
			return report.NewCookiesCSVWriter(w).Write(ctx, r)
		}); err != nil {
			return fmt.Errorf("%s: %w", f.cookiesCSV, err)
		}
	}
	return nil
}

// writeFile writes through a temporary file and renames it into place, so
// an interrupted write never leaves a truncated report behind.
func writeFile(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".privscan-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
