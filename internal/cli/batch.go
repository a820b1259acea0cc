package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/privscan/privscan/internal/scan"
	"github.com/privscan/privscan/internal/store"
	"github.com/privscan/privscan/report"
)

// hasTargetsFlag reports whether a scan command line asks for a batch.
func hasTargetsFlag(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		name := strings.TrimLeft(a, "-")
		if a != name && (name == "targets" || strings.HasPrefix(name, "targets=")) {
			return true
		}
	}
	return false
}

// BatchRow is one site's line in the batch summary.
type BatchRow struct {
	Site     string
	Report   string // file written, "" on error
	Pages    int
	Trackers int
	Cookies  int
	Summary  report.Summary
	Err      string
	// ScanID is the stored scan with --db.
	ScanID store.ScanID
}

// runBatch scans every site of a targets file with one browser, a few sites
// at a time, writing one report per site and a summary across sites. A site
// that fails is a row with its error; the batch goes on.
func runBatch(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("scan --targets", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var f scanFlags
	f.register(fs)
	targets := fs.String("targets", "", "file of target URLs, one a line (# comments)")
	outDir := fs.String("out-dir", "reports", "directory for the per-site reports and summary.csv")
	parallel := fs.Int("parallel", 2, "sites scanned at once (they share one browser)")
	dbAddr := fs.String("db", "", "also store every report in this database (SQLite file or postgres:// URL)")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: privscan scan --targets FILE [--out-dir DIR] [scan flags]")
		fs.PrintDefaults()
	}
	pos, done, err := parseArgs(fs, args)
	if done {
		return err
	}
	if len(pos) != 0 {
		return usageError("scan --targets takes no URL arguments")
	}
	if len(f.outputs) > 0 {
		return usageError("scan --targets writes into --out-dir; -o/--output does not apply")
	}
	if *parallel < 1 || *parallel > 8 {
		return usageError("--parallel must be between 1 and 8")
	}
	if f.format == "" {
		f.format = string(report.FormatJSON)
	}
	// Every report goes to a file in --out-dir; finish must not pick a
	// terminal format for standard output.
	if err := f.finish(Env{Stdout: io.Discard, Stderr: env.Stderr, Getenv: env.Getenv}, fs); err != nil {
		return err
	}
	if f.format == string(report.FormatTable) {
		f.format = string(report.FormatJSON)
	}
	urls, err := readTargets(*targets)
	if err != nil {
		return usageError("--targets: %v", err)
	}
	var db *store.DB
	if *dbAddr != "" {
		if db, err = store.Open(ctx, *dbAddr); err != nil {
			return &ExitError{Code: ExitFailure, Err: err}
		}
		defer db.Close()
	}
	plugins, err := scan.DefaultPlugins(f.opts)
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	s, err := scan.New(context.WithoutCancel(ctx), f.opts, plugins)
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("start: %w", err)}
	}
	defer s.Close()

	rows := make([]BatchRow, len(urls))
	names := reportNames(urls, extFor(report.Format(f.format)))
	sem := make(chan struct{}, *parallel)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i, raw := range urls {
		rows[i].Site = raw
		u, err := scan.ParseTarget(raw)
		if err != nil {
			rows[i].Err = err.Error()
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if ctx.Err() != nil {
				rows[i].Err = "not scanned: interrupted"
				return
			}
			row := scanOne(ctx, s.WithOptions(f.opts), u, f, filepath.Join(*outDir, names[i]), db)
			row.Site = raw
			rows[i] = row
			if !f.quiet {
				mu.Lock()
				status := "ok"
				if row.Err != "" {
					status = "error: " + row.Err
				}
				fmt.Fprintf(env.Stderr, "%s: %s\n", raw, status)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if err := writeFile(filepath.Join(*outDir, "summary.csv"), func(w io.Writer) error { return writeBatchCSV(w, rows) }); err != nil {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	writeBatchTable(env.Stdout, rows)
	if !f.quiet {
		fmt.Fprintf(env.Stderr, "reports and summary.csv written to %s\n", *outDir)
	}
	failed := 0
	var threshold report.Severity
	if f.failOn != "" {
		threshold, _ = report.ParseSeverity(f.failOn)
	}
	over := 0
	for _, r := range rows {
		if r.Err != "" {
			failed++
		}
		if f.failOn != "" && countAtOrAbove(r.Summary, threshold) > 0 {
			over++
		}
	}
	switch {
	case ctx.Err() != nil:
		return &ExitError{Code: ExitInterrupted, Err: errors.New("batch interrupted")}
	case failed > 0:
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("%d of %d site(s) failed", failed, len(rows))}
	case over > 0:
		return &ExitError{Code: ExitFindings, Err: fmt.Errorf("%d site(s) with findings at or above %s", over, threshold)}
	}
	return nil
}

func countAtOrAbove(s report.Summary, min report.Severity) int {
	n := 0
	for sev, c := range [...]int{report.Info: s.Info, report.Low: s.Low, report.Medium: s.Medium, report.High: s.High} {
		if report.Severity(sev) >= min {
			n += c
		}
	}
	return n
}

// scanOne scans one site of a batch and writes its report.
func scanOne(ctx context.Context, s *scan.Scanner, u *url.URL, f scanFlags, path string, db *store.DB) BatchRow {
	row := BatchRow{}
	r, err := s.Scan(ctx, u)
	if r == nil {
		if err == nil {
			err = errors.New("no report")
		}
		row.Err = err.Error()
		return row
	}
	row.Pages, row.Trackers, row.Cookies = len(r.Pages), len(r.Trackers), len(r.Cookies)
	row.Summary.Count(r.Findings)
	if err != nil {
		row.Err = err.Error()
	} else if okPages(r) == 0 {
		row.Err = "no page could be loaded"
	}
	if werr := writeFile(path, func(w io.Writer) error {
		wr, err := report.NewWriter(report.Format(f.format), w, f.writerOpts)
		if err != nil {
			return err
		}
		return wr.Write(context.WithoutCancel(ctx), r)
	}); werr != nil {
		row.Err = werr.Error()
		return row
	}
	row.Report = path
	if db != nil {
		id, err := db.SaveScan(context.WithoutCancel(ctx), r)
		if err != nil {
			row.Err = "store: " + err.Error()
		}
		row.ScanID = id
	}
	return row
}

func okPages(r *report.Report) int {
	n := 0
	for _, p := range r.Pages {
		if p.Error == nil && p.Status > 0 && p.Status < 400 {
			n++
		}
	}
	return n
}

// readTargets reads one URL a line; blank lines and # comments are skipped.
func readTargets(path string) ([]string, error) {
	if path == "" {
		return nil, errors.New("no file given")
	}
	var r io.Reader
	if path == "-" {
		r = os.Stdin
	} else {
		fh, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		r = fh
	}
	var out []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if i := strings.Index(line, "#"); i >= 0 && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t') {
			line = strings.TrimSpace(line[:i])
		}
		if line != "" {
			out = append(out, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s lists no targets", path)
	}
	return out, nil
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// reportNames derives one file name per target from its host, adding the
// path (and then a number) when hosts repeat.
func reportNames(urls []string, ext string) []string {
	parsed := make([]*url.URL, len(urls))
	hosts := map[string]int{}
	for i, raw := range urls {
		if u, err := scan.ParseTarget(raw); err == nil {
			parsed[i] = u
			hosts[u.Hostname()]++
		}
	}
	names := make([]string, len(urls))
	used := map[string]bool{}
	for i, u := range parsed {
		base := "target-" + strconv.Itoa(i+1)
		if u != nil {
			base = u.Hostname()
			if p := strings.Trim(u.Path, "/"); p != "" && hosts[u.Hostname()] > 1 {
				base += "_" + p
			}
		}
		base = strings.Trim(unsafeName.ReplaceAllString(base, "_"), "_.")
		name := base + ext
		for n := 2; used[name]; n++ {
			name = base + "-" + strconv.Itoa(n) + ext
		}
		used[name] = true
		names[i] = name
	}
	return names
}

func extFor(f report.Format) string {
	switch f {
	case report.FormatMarkdown:
		return ".md"
	case report.FormatJUnit:
		return ".xml"
	case report.FormatTable:
		return ".txt"
	}
	return "." + string(f)
}

var batchHeader = []string{"site", "pages", "trackers", "cookies", "high", "medium", "low", "info", "report", "error"}

func (r BatchRow) fields() []string {
	return []string{r.Site, strconv.Itoa(r.Pages), strconv.Itoa(r.Trackers), strconv.Itoa(r.Cookies),
		strconv.Itoa(r.Summary.High), strconv.Itoa(r.Summary.Medium), strconv.Itoa(r.Summary.Low), strconv.Itoa(r.Summary.Info), r.Report, r.Err}
}

func writeBatchCSV(w io.Writer, rows []BatchRow) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(batchHeader)
	for _, r := range rows {
		_ = cw.Write(r.fields())
	}
	cw.Flush()
	return cw.Error()
}

func writeBatchTable(w io.Writer, rows []BatchRow) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.ToUpper(strings.Join(batchHeader[:8], "\t"))+"\tERROR")
	for _, r := range rows {
		f := r.fields()
		fmt.Fprintln(tw, strings.Join(f[:8], "\t")+"\t"+r.Err)
	}
	tw.Flush()
}
