// Package cli implements the privscan command line: flag parsing, running
// the pipeline and choosing the exit code. main only maps the returned
// error to os.Exit.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"golang.org/x/term"
)

// Exit codes.
const (
	ExitOK          = 0
	ExitFindings    = 1
	ExitFailure     = 2
	ExitInterrupted = 130
)

// ExitError carries an exit code up to main.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// Code returns the exit code for err.
func Code(err error) int {
	if err == nil {
		return ExitOK
	}
	if e, ok := errors.AsType[*ExitError](err); ok {
		return e.Code
	}
	return ExitFailure
}

// Env is what a command runs with.
type Env struct {
	Stdout, Stderr io.Writer
	Stdin          io.Reader
	// IsTerminal reports whether stdout/stderr are terminals.
	StdoutTTY, StderrTTY bool
	Getenv               func(string) string
}

// OSEnv returns the process environment.
func OSEnv() Env {
	return Env{
		Stdout: os.Stdout, Stderr: os.Stderr, Stdin: os.Stdin,
		StdoutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		StderrTTY: term.IsTerminal(int(os.Stderr.Fd())),
		Getenv:    os.Getenv,
	}
}

const usage = `privscan audits a website's privacy behaviour against its own privacy policy.

Usage:
  privscan scan <url> [flags]        crawl a site under baseline, GPC and DNT and write a report
  privscan policy <url|file> [flags] analyse a privacy policy on its own
  privscan demo [flags]              scan the fixture internet's demo site
  privscan fixtures serve            run the fixture internet and print how to reach it
  privscan scan --targets FILE       scan many sites, one report each plus a summary (--out-dir)
  privscan diff OLD NEW [flags]      compare two reports (JSON files, or scan ids with --db)
  privscan monitor add|list|remove|run-now   manage scheduled scans (stored in --db)
  privscan worker [flags]            run the scheduler and scan workers of the job queue
  privscan serve [flags]             the dashboard: sites, findings over time, reports, diffs
  privscan rules update|show         fetch (or show) the consent rule set, DuckDuckGo's autoconsent
  privscan version                   print the version

Run 'privscan <command> -h' for a command's flags.
Exit codes: 0 ok, 1 findings at or above --fail-on, 2 error, 130 interrupted (report still written).
`

// Run executes the command line args (without the program name).
func Run(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return &ExitError{Code: ExitFailure}
	}
	switch args[0] {
	case "scan":
		return runScan(ctx, args[1:], env)
	case "policy":
		return runPolicy(ctx, args[1:], env)
	case "demo":
		return runDemo(ctx, args[1:], env)
	case "fixtures":
		return runFixtures(ctx, args[1:], env)
	case "diff":
		return runDiff(ctx, args[1:], env)
	case "monitor":
		return runMonitor(ctx, args[1:], env)
	case "worker":
		return runWorker(ctx, args[1:], env)
	case "serve":
		return runServe(ctx, args[1:], env)
	case "rules":
		return runRules(ctx, args[1:], env)
	case "version", "--version", "-version":
		fmt.Fprintln(env.Stdout, "privscan", version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, usage)
		return nil
	}
	fmt.Fprint(env.Stderr, usage)
	return &ExitError{Code: ExitFailure, Err: fmt.Errorf("unknown command %q", args[0])}
}

// parseInterspersed parses flags that may come before or after positional
// arguments ("scan URL --max-pages 5" and "scan --max-pages 5 URL").
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if rest[0] == "--" {
			return append(positional, rest[1:]...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

func newLogger(env Env, verbose bool) *slog.Logger {
	if !verbose {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// usageError reports a bad command line with exit code 2.
func usageError(format string, a ...any) error {
	return &ExitError{Code: ExitFailure, Err: fmt.Errorf(format, a...)}
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
