package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/privscan/privscan/internal/diff"
	"github.com/privscan/privscan/internal/store"
	"github.com/privscan/privscan/report"
)

// defaultDB is the database of monitor, worker, serve and batch when --db is
// not given: $PRIVSCAN_DB, else privscan.db in the working directory.
func defaultDB(env Env) string {
	if env.Getenv != nil {
		if v := env.Getenv("PRIVSCAN_DB"); v != "" {
			return v
		}
	}
	return "privscan.db"
}

// runDiff compares two reports: JSON files, or stored scan ids with --db.
func runDiff(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	dbAddr := fs.String("db", "", "read numeric arguments as scan ids from this database (SQLite file or postgres:// URL)")
	format := fs.String("format", "", "output format: table, json or markdown (default: from --output's extension, else table)")
	output := fs.String("output", "", "write the diff to this file (default: standard output)")
	fs.StringVar(output, "o", "", "shorthand for --output")
	failOnFlag := fs.String("fail-on", "", "exit 1 when a new finding (or one whose severity rose) is at or above this severity")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: privscan diff OLD NEW [flags]\n\nOLD and NEW are JSON report files, or scan ids with --db.")
		fs.PrintDefaults()
	}
	pos, done, err := parseArgs(fs, args)
	if done {
		return err
	}
	if len(pos) != 2 {
		return usageError("diff takes two reports: OLD NEW (got %d)", len(pos))
	}
	var min report.Severity
	if *failOnFlag != "" {
		if min, err = report.ParseSeverity(*failOnFlag); err != nil {
			return usageError("--fail-on: %v", err)
		}
	}
	fmtName := *format
	if fmtName == "" && *output != "" {
		fmtName = string(report.FormatFromPath(*output))
	}
	f, err := diff.ParseFormat(fmtName)
	if err != nil {
		return usageError("--format: %v", err)
	}
	var db *store.DB
	if *dbAddr != "" {
		if db, err = store.Open(ctx, *dbAddr); err != nil {
			return &ExitError{Code: ExitFailure, Err: err}
		}
		defer db.Close()
	}
	var sides [2]*report.Report
	var refs [2]string
	for i, arg := range pos {
		if sides[i], refs[i], err = loadReport(ctx, db, arg); err != nil {
			return &ExitError{Code: ExitFailure, Err: err}
		}
	}
	res := diff.Compare(sides[0], sides[1])
	res.Old.Ref, res.New.Ref = refs[0], refs[1]
	write := func(w io.Writer) error { return diff.Write(w, f, res) }
	if *output == "" {
		err = write(env.Stdout)
	} else {
		err = writeFile(*output, write)
	}
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	if *failOnFlag != "" {
		if n := len(res.NewAtOrAbove(min)); n > 0 {
			return &ExitError{Code: ExitFindings, Err: fmt.Errorf("%d new finding(s) at or above %s", n, min)}
		}
	}
	return nil
}

// loadReport reads a report from a stored scan id (with a database) or a
// JSON file.
func loadReport(ctx context.Context, db *store.DB, arg string) (*report.Report, string, error) {
	if db != nil {
		if _, err := strconv.ParseInt(arg, 10, 64); err == nil {
			id, err := store.ParseScanID(arg)
			if err != nil {
				return nil, "", err
			}
			r, err := db.Scan(ctx, id)
			return r, "scan " + arg, err
		}
	}
	data, err := os.ReadFile(arg)
	if err != nil {
		return nil, "", err
	}
	var r report.Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, "", fmt.Errorf("%s: not a JSON report: %w", arg, err)
	}
	return &r, arg, nil
}
