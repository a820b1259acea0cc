package monitor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/privscan/privscan/internal/netguard"
	"github.com/privscan/privscan/internal/scan"
	"github.com/privscan/privscan/internal/store"
	"github.com/privscan/privscan/report"
)

// Config configures a Queue. The zero value makes an insert-only queue (the
// CLI's monitor commands); Work makes a worker.
type Config struct {
	// Work runs the scan workers and the periodic scheduler.
	Work bool
	// Jobs is how many scans this process runs at once (default 1).
	Jobs int
	// ScanOptions are the worker's base options (host rules, TLS, browser);
	// each job's Options apply on top.
	ScanOptions scan.Options
	// NewScanner starts the worker's browser; default scan.New with
	// scan.DefaultPlugins. It is called once, on the first job.
	NewScanner func(ctx context.Context, opts scan.Options) (*scan.Scanner, error)
	// Tick is how often the leader enqueues due monitors (default 30s).
	Tick time.Duration
	// JobTimeout cancels a scan that runs longer (default 15m);
	// RescueAfter (default JobTimeout+5m) is when a job left running by a
	// dead worker is retried elsewhere.
	JobTimeout  time.Duration
	RescueAfter time.Duration
	// Webhook, when set, is told about new findings at or above AlertOn.
	Webhook   *Webhook
	AlertOn   report.Severity
	PublicURL string
	// ID names this worker in River (default: River's own).
	ID     string
	Logger *slog.Logger
	// OnScan, when set, is called after each stored scan (tests).
	OnScan func(id store.ScanID, created bool)
}

// Queue is the job queue on a store's database.
type Queue struct {
	db  *store.DB
	cfg Config
	log *slog.Logger

	insert   func(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	start    func(ctx context.Context) error
	stop     func(ctx context.Context) error
	cancelFn func(ctx context.Context) error

	scanOnce sync.Once
	scanner  *scan.Scanner
	scanErr  error
}

// Open migrates River's tables in db and builds the River client.
func Open(ctx context.Context, db *store.DB, cfg Config) (*Queue, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Jobs < 1 {
		cfg.Jobs = 1
	}
	if cfg.Tick <= 0 {
		cfg.Tick = 30 * time.Second
	}
	if cfg.JobTimeout <= 0 {
		cfg.JobTimeout = 15 * time.Minute
	}
	if cfg.RescueAfter <= cfg.JobTimeout {
		cfg.RescueAfter = cfg.JobTimeout + 5*time.Minute
	}
	q := &Queue{db: db, cfg: cfg, log: cfg.Logger}
	var err error
	switch db.Driver() {
	case store.Postgres:
		err = setup(ctx, q, riverpgxv5.New(db.Pool()))
	default:
		err = setup(ctx, q, riversqlite.New(db.SQL()))
	}
	if err != nil {
		return nil, err
	}
	return q, nil
}

// riverMigrateLock serialises River's migrations of concurrently starting
// workers on PostgreSQL.
const riverMigrateLock = 7_000_002

func setup[TTx any](ctx context.Context, q *Queue, drv riverdriver.Driver[TTx]) error {
	if q.db.Driver() == store.Postgres {
		conn, err := q.db.Pool().Acquire(ctx)
		if err != nil {
			return err
		}
		defer conn.Release()
		if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, riverMigrateLock); err != nil {
			return err
		}
		defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, riverMigrateLock) //nolint:errcheck
	}
	m, err := rivermigrate.New(drv, &rivermigrate.Config{Logger: q.log})
	if err != nil {
		return err
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &scanWorker{q: q})
	river.AddWorker(workers, &tickWorker{q: q})
	cfg := &river.Config{
		Workers:              workers,
		Logger:               q.log,
		ID:                   q.cfg.ID,
		JobTimeout:           q.cfg.JobTimeout,
		RescueStuckJobsAfter: q.cfg.RescueAfter,
		MaxAttempts:          MaxAttempts,
	}
	if q.cfg.Work {
		cfg.Queues = map[string]river.QueueConfig{
			river.QueueDefault: {MaxWorkers: q.cfg.Jobs},
			// Ticks never wait behind scans.
			ControlQueue: {MaxWorkers: 1},
		}
		cfg.PeriodicJobs = []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(q.cfg.Tick),
			func() (river.JobArgs, *river.InsertOpts) { return TickArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true, ID: "privscan_tick"})}
		// A scan holds a browser; fetch no more jobs than we run.
		cfg.FetchPollInterval = time.Second
	}
	client, err := river.NewClient(drv, cfg)
	if err != nil {
		return err
	}
	q.insert = client.Insert
	q.start = client.Start
	q.stop = client.Stop
	q.cancelFn = client.StopAndCancel
	return nil
}

// Enqueue queues a scan of args.URL. It returns false when a scan of that
// URL is already queued or running.
func (q *Queue) Enqueue(ctx context.Context, args ScanArgs) (jobID int64, inserted bool, err error) {
	u, err := scan.ParseTarget(args.URL)
	if err != nil {
		return 0, false, err
	}
	args.URL = u.String()
	res, err := q.insert(ctx, args, nil)
	if err != nil {
		return 0, false, err
	}
	return res.Job.ID, !res.UniqueSkippedAsDuplicate, nil
}

// Run works jobs until ctx is done, then stops gracefully: running scans get
// grace to finish before they are cancelled (and later retried).
func (q *Queue) Run(ctx context.Context, grace time.Duration) error {
	if !q.cfg.Work {
		return errors.New("queue was opened without Work")
	}
	// River treats a cancelled start context as a hard stop; shutdown is
	// handled below, gracefully.
	if err := q.start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	<-ctx.Done()
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	err := q.stop(stopCtx)
	if err != nil {
		hard, cancel2 := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel2()
		err = q.cancelFn(hard)
	}
	if q.scanner != nil {
		_ = q.scanner.Close()
	}
	return err
}

// getScanner starts the worker's browser on first use.
func (q *Queue) getScanner(ctx context.Context) (*scan.Scanner, error) {
	q.scanOnce.Do(func() {
		newScanner := q.cfg.NewScanner
		if newScanner == nil {
			newScanner = func(ctx context.Context, opts scan.Options) (*scan.Scanner, error) {
				plugins, err := scan.DefaultPlugins(opts)
				if err != nil {
					return nil, err
				}
				return scan.New(ctx, opts, plugins)
			}
		}
		// The browser outlives the job that started it.
		q.scanner, q.scanErr = newScanner(context.WithoutCancel(ctx), q.cfg.ScanOptions)
	})
	return q.scanner, q.scanErr
}

// tickWorker enqueues the scans of due monitors. River runs periodic jobs
// from the elected leader only.
type tickWorker struct {
	river.WorkerDefaults[TickArgs]
	q *Queue
}

// Work implements river.Worker.
func (w *tickWorker) Work(ctx context.Context, _ *river.Job[TickArgs]) error {
	_, err := w.q.EnqueueDue(ctx, time.Now())
	return err
}

// EnqueueDue queues a scan for every monitor due at now and moves its next
// run one interval on. It returns how many scans were queued.
func (q *Queue) EnqueueDue(ctx context.Context, now time.Time) (int, error) {
	due, err := q.db.DueMonitors(ctx, now)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range due {
		opts, _ := ParseOptions(m.Options)
		_, inserted, err := q.Enqueue(ctx, ScanArgs{URL: m.URL, MonitorID: m.ID, Options: opts})
		if err != nil {
			return n, fmt.Errorf("monitor %d: %w", m.ID, err)
		}
		if inserted {
			n++
		}
		next := m.NextRunAt.Add(m.Every)
		if !next.After(now) {
			next = now.Add(m.Every)
		}
		if err := q.db.ScheduleNext(ctx, m.ID, next); err != nil {
			return n, err
		}
		q.log.Info("monitor due", "monitor", m.ID, "url", m.URL, "queued", inserted, "next", next)
	}
	return n, nil
}

// scanWorker runs one scan job.
type scanWorker struct {
	river.WorkerDefaults[ScanArgs]
	q *Queue
}

// Work scans the URL and stores the report once per job.
func (w *scanWorker) Work(ctx context.Context, job *river.Job[ScanArgs]) error {
	q := w.q
	key := fmt.Sprintf("river-job-%d", job.ID)
	log := q.log.With("job", job.ID, "url", job.Args.URL, "attempt", job.Attempt)
	u, err := url.Parse(job.Args.URL)
	if err != nil {
		return river.JobCancel(err)
	}
	opts, err := job.Args.Options.Apply(scan.DefaultOptions())
	if err != nil {
		return river.JobCancel(err)
	}
	opts.Screenshots = false
	s, err := q.getScanner(ctx)
	if err != nil {
		return fmt.Errorf("browser: %w", err)
	}
	log.Info("scan started")
	r, err := s.WithOptions(opts).Scan(ctx, u)
	if r == nil || r.Interrupted {
		if err == nil {
			err = errors.New("scan gave no report")
		}
		log.Warn("scan failed", "err", err)
		if errors.Is(err, netguard.ErrLocal) {
			return river.JobCancel(err) // refused: retrying would not change that
		}
		return err
	}
	// The site's previous scan, read before this one is stored, is what an
	// alert compares with.
	var prev []store.ScanSummary
	if q.cfg.Webhook != nil {
		prev, _ = q.db.Scans(ctx, r.Target, 1)
	}
	id, created, err := q.db.SaveScanOnce(ctx, key, job.Args.MonitorID, r)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	log.Info("scan stored", "scan", id, "created", created, "findings", len(r.Findings))
	if created && q.cfg.Webhook != nil {
		q.alert(ctx, log, prev, r, id)
	}
	if q.cfg.OnScan != nil {
		q.cfg.OnScan(id, created)
	}
	return nil
}

// alert posts the webhook when the scan has new findings at or above the
// threshold; failures are logged, not retried with the job (the scan is
// stored).
func (q *Queue) alert(ctx context.Context, log *slog.Logger, prev []store.ScanSummary, r *report.Report, id store.ScanID) {
	var prevReport *report.Report
	var prevID store.ScanID
	if len(prev) > 0 {
		prevID = prev[0].ID
		var err error
		if prevReport, err = q.db.Scan(ctx, prevID); err != nil {
			log.Warn("alert: previous scan", "err", err)
			return
		}
	}
	a := NewAlert(prevReport, prevID, r, id, q.cfg.AlertOn, q.cfg.PublicURL)
	if a == nil {
		return
	}
	if err := q.cfg.Webhook.Send(ctx, a); err != nil {
		log.Error("alert not delivered", "err", err)
		return
	}
	log.Info("alert sent", "new_findings", len(a.NewFindings))
}
