package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/privscan/privscan/internal/monitor"
	"github.com/privscan/privscan/internal/scan"
	"github.com/privscan/privscan/internal/store"
	"github.com/privscan/privscan/report"
)

// runWorker runs the periodic scheduler and scan workers until interrupted.
func runWorker(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	dbAddr := fs.String("db", defaultDB(env), "database: SQLite file (one worker) or postgres:// URL (any number of workers)")
	jobs := fs.Int("jobs", 1, "scans this worker runs at once (they share one browser)")
	opts := scan.DefaultOptions()
	fs.StringVar(&opts.HostRules, "host-rules", "", "Chrome host-resolver-rules for every scan")
	fs.BoolVar(&opts.Insecure, "insecure", false, "accept self-signed and invalid TLS certificates")
	fs.StringVar(&opts.ChromePath, "chrome", "", "Chromium binary")
	fs.StringVar(&opts.BrowserURL, "browser-url", "", "use a remote browser's DevTools websocket (ws://…) instead of launching one")
	var rules stringList
	fs.Var(&rules, "rules", "extra vendor rules file (YAML, same schema as the built-in catalogue) for every scan; repeatable")
	tick := fs.Duration("tick", 30*time.Second, "how often the leader checks for due monitors")
	jobTimeout := fs.Duration("job-timeout", 15*time.Minute, "cancel a scan that runs longer")
	rescueAfter := fs.Duration("rescue-after", 0, "retry a job still running after this long (a dead worker's); default job-timeout + 5m")
	grace := fs.Duration("grace", 2*time.Minute, "on shutdown, let running scans finish for this long")
	webhook := fs.String("webhook", "", "POST a JSON alert (Slack-compatible) here on new findings")
	alertOn := fs.String("alert-on", "medium", "alert on new findings at or above this severity")
	publicURL := fs.String("public-url", "", "dashboard base URL for report links in alerts, e.g. https://privscan.example.com")
	id := fs.String("id", "", "worker name in the queue (default: host name and process id)")
	verbose := fs.Bool("v", false, "verbose: debug logs")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: privscan worker [flags]")
		fs.PrintDefaults()
	}
	if _, done, err := parseArgs(fs, args); done {
		return err
	}
	sev, err := report.ParseSeverity(*alertOn)
	if err != nil {
		return usageError("--alert-on: %v", err)
	}
	for _, path := range rules {
		data, err := os.ReadFile(path)
		if err != nil {
			return usageError("--rules: %v", err)
		}
		opts.Rules = append(opts.Rules, data)
	}
	if *id == "" {
		host, _ := os.Hostname()
		*id = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	logger := newWorkerLogger(env, *verbose)
	if *verbose {
		opts.Logger = logger.With("component", "scan")
	}
	db, err := store.Open(ctx, *dbAddr)
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	defer db.Close()
	cfg := monitor.Config{Work: true, Jobs: *jobs, ScanOptions: opts, Tick: *tick, JobTimeout: *jobTimeout, RescueAfter: *rescueAfter,
		AlertOn: sev, PublicURL: *publicURL, ID: *id, Logger: logger}
	if *webhook != "" {
		cfg.Webhook = &monitor.Webhook{URL: *webhook}
	}
	q, err := monitor.Open(ctx, db, cfg)
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	logger.Info("worker started", "id", *id, "db", db.Driver(), "jobs", *jobs)
	if err := q.Run(ctx, *grace); err != nil {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	return nil
}

// newWorkerLogger logs at info level (debug with -v): a worker is a service.
func newWorkerLogger(env Env, verbose bool) *slog.Logger {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: level}))
}
