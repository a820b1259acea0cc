package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/privscan/privscan/internal/audit"
	"github.com/privscan/privscan/internal/monitor"
	"github.com/privscan/privscan/internal/scan"
	"github.com/privscan/privscan/internal/store"
)

const monitorUsage = `Usage:
  privscan monitor add URL --every 24h [scan flags]   scan URL on a schedule (first run at once)
  privscan monitor list                                 list monitors
  privscan monitor remove ID|URL                        stop monitoring
  privscan monitor run-now ID|URL                       queue a scan now (any URL works)
Every subcommand takes --db (default $PRIVSCAN_DB, else privscan.db). 'privscan worker' runs the scans.
`

// monitorScanFlags are the per-site scan settings a monitor stores.
type monitorScanFlags struct {
	maxPages, depth, concurrency int
	profiles, pageTimeout        string
	bannerWait, ruleTimeout      string
	dwell                        string
	ignoreRobots, noInteraction  bool
	policy                       string
	ignore                       string
}

func (m *monitorScanFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&m.maxPages, "max-pages", 0, "at most this many pages per profile (default: scan's default)")
	fs.IntVar(&m.depth, "depth", 0, "follow links this many clicks from the home page")
	fs.IntVar(&m.concurrency, "concurrency", 0, "browser tabs visiting pages at once")
	fs.StringVar(&m.profiles, "profiles", "", "comma-separated profiles: baseline, gpc, dnt (default all)")
	fs.StringVar(&m.pageTimeout, "page-timeout", "", "cap on one page visit")
	fs.StringVar(&m.dwell, "dwell", "", "cap on the time on a page after its load event (default: scan's default)")
	fs.BoolVar(&m.noInteraction, "no-interaction", false, "do not act like a visitor after the load event")
	fs.StringVar(&m.bannerWait, "banner-wait", "", "how long a consent journey waits for the cookie banner (default: scan's default)")
	fs.StringVar(&m.ruleTimeout, "consent-rule-timeout", "", "how long an autoconsent rule may take to answer the banner (default: scan's default)")
	fs.BoolVar(&m.ignoreRobots, "ignore-robots", false, "do not honour robots.txt")
	fs.StringVar(&m.policy, "policy", "", "read the privacy policy from this URL instead of finding it")
	fs.StringVar(&m.ignore, "ignore", "", "file of accepted finding ids (YAML list of {id, reason, expires}); its text is stored with the monitor")
}

func (m *monitorScanFlags) options() (monitor.Options, error) {
	o := monitor.Options{MaxPages: m.maxPages, Depth: m.depth, Concurrency: m.concurrency, Profiles: splitList(m.profiles),
		PageTimeout: m.pageTimeout, Dwell: m.dwell, NoInteraction: m.noInteraction,
		BannerWait: m.bannerWait, ConsentRuleTimeout: m.ruleTimeout, IgnoreRobots: m.ignoreRobots, Policy: m.policy}
	if m.ignore != "" {
		data, err := os.ReadFile(m.ignore)
		if err != nil {
			return o, fmt.Errorf("--ignore: %w", err)
		}
		o.Ignore = string(data)
	}
	_, err := o.Apply(scan.DefaultOptions())
	return o, err
}

func runMonitor(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(env.Stderr, monitorUsage)
		if len(args) == 0 {
			return &ExitError{Code: ExitFailure}
		}
		return nil
	}
	sub := args[0]
	fs := flag.NewFlagSet("monitor "+sub, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	dbAddr := fs.String("db", defaultDB(env), "database: SQLite file or postgres:// URL")
	var sf monitorScanFlags
	every := 24 * time.Hour
	if sub == "add" || sub == "run-now" {
		sf.register(fs)
	}
	if sub == "add" {
		fs.DurationVar(&every, "every", every, "scan interval")
	}
	fs.Usage = func() { fmt.Fprint(env.Stderr, monitorUsage); fs.PrintDefaults() }
	pos, done, err := parseArgs(fs, args[1:])
	if done {
		return err
	}
	want := map[string]int{"add": 1, "list": 0, "remove": 1, "run-now": 1}
	n, ok := want[sub]
	if !ok {
		fmt.Fprint(env.Stderr, monitorUsage)
		return usageError("unknown monitor command %q", sub)
	}
	if len(pos) != n {
		return usageError("monitor %s takes %d argument(s), got %d", sub, n, len(pos))
	}
	// The scan settings are checked before the database is opened.
	var scanOpts monitor.Options
	if sub == "add" || sub == "run-now" {
		if scanOpts, err = sf.options(); err != nil {
			return usageError("%v", err)
		}
	}
	db, err := store.Open(ctx, *dbAddr)
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	defer db.Close()
	switch sub {
	case "add":
		if every < time.Minute {
			return usageError("--every must be at least 1m")
		}
		u, err := scan.ParseTarget(pos[0])
		if err != nil {
			return &ExitError{Code: ExitFailure, Err: err}
		}
		m, err := db.AddMonitor(ctx, store.Monitor{URL: u.String(), Every: every, Options: scanOpts.Marshal()})
		if err != nil {
			return &ExitError{Code: ExitFailure, Err: err}
		}
		fmt.Fprintf(env.Stdout, "monitor %d: %s every %s (first scan when a worker next ticks)\n", m.ID, m.URL, m.Every)
	case "list":
		ms, err := db.Monitors(ctx)
		if err != nil {
			return &ExitError{Code: ExitFailure, Err: err}
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tURL\tEVERY\tNEXT RUN\tOPTIONS")
		for _, m := range ms {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", m.ID, m.URL, m.Every, m.NextRunAt.Local().Format(time.DateTime), describeOptions(m.Options))
		}
		tw.Flush()
	case "remove":
		if err := db.RemoveMonitor(ctx, pos[0]); err != nil {
			return &ExitError{Code: ExitFailure, Err: err}
		}
		fmt.Fprintf(env.Stdout, "monitor %s removed\n", pos[0])
	case "run-now":
		args := monitor.ScanArgs{URL: pos[0]}
		if m, err := db.Monitor(ctx, pos[0]); err == nil {
			args.URL, args.MonitorID = m.URL, m.ID
			args.Options, _ = monitor.ParseOptions(m.Options)
		} else if !errors.Is(err, store.ErrNotFound) {
			return &ExitError{Code: ExitFailure, Err: err}
		} else {
			args.Options = scanOpts
		}
		q, err := monitor.Open(ctx, db, monitor.Config{})
		if err != nil {
			return &ExitError{Code: ExitFailure, Err: err}
		}
		id, inserted, err := q.Enqueue(ctx, args)
		if err != nil {
			return &ExitError{Code: ExitFailure, Err: err}
		}
		if inserted {
			fmt.Fprintf(env.Stdout, "queued job %d: scan %s\n", id, args.URL)
		} else {
			fmt.Fprintf(env.Stdout, "a scan of %s is already queued or running (job %d)\n", args.URL, id)
		}
	}
	return nil
}

// describeOptions shows a monitor's stored options on one line; an ignore
// file's text is summarised by its number of entries.
func describeOptions(b []byte) string {
	o, err := monitor.ParseOptions(b)
	if err != nil {
		return string(b)
	}
	if o.Ignore != "" {
		sups, _ := audit.ParseSuppressions([]byte(o.Ignore))
		o.Ignore = fmt.Sprintf("%d accepted findings", len(sups))
	}
	out := string(o.Marshal())
	if out == "{}" {
		return "-"
	}
	return out
}
