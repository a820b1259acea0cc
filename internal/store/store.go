package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"github.com/privscan/privscan/report"
)

// ScanID identifies a stored scan.
type ScanID int64

// String formats the id as a decimal number.
func (id ScanID) String() string { return strconv.FormatInt(int64(id), 10) }

// ParseScanID reads a decimal scan id.
func ParseScanID(s string) (ScanID, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("bad scan id %q", s)
	}
	return ScanID(n), nil
}

// ErrNotFound is returned for a scan or monitor that does not exist.
var ErrNotFound = errors.New("not found")

// ScanSummary is one stored scan without its report.
type ScanSummary struct {
	ID          ScanID
	Site        string
	StartedAt   time.Time
	FinishedAt  time.Time
	Interrupted bool
	Pages       int
	Trackers    int
	Cookies     int
	Summary     report.Summary
}

// SiteSummary is a scanned site and its latest scan.
type SiteSummary struct {
	Site   string
	Scans  int
	Latest ScanSummary
}

// Store is the scan archive.
type Store interface {
	// SaveScan stores a report and returns its id.
	SaveScan(ctx context.Context, r *report.Report) (ScanID, error)
	// Scan returns a stored report.
	Scan(ctx context.Context, id ScanID) (*report.Report, error)
	// Scans lists a site's scans, newest first; limit <= 0 means all.
	Scans(ctx context.Context, site string, limit int) ([]ScanSummary, error)
	// Sites lists every scanned site with its latest scan.
	Sites(ctx context.Context) ([]SiteSummary, error)
	Close() error
}

// Driver names a database engine.
type Driver string

// The supported drivers.
const (
	SQLite   Driver = "sqlite"
	Postgres Driver = "postgres"
)

// DB is a Store (and monitor list) on SQLite or PostgreSQL.
type DB struct {
	driver Driver
	db     *sql.DB
	pool   *pgxpool.Pool // PostgreSQL only
}

var _ Store = (*DB)(nil)

// isPostgres reports whether addr names a PostgreSQL database.
func isPostgres(addr string) bool {
	return strings.HasPrefix(addr, "postgres://") || strings.HasPrefix(addr, "postgresql://")
}

// Open connects to addr (a SQLite file path or a postgres:// URL) and
// migrates the schema to the newest version.
func Open(ctx context.Context, addr string) (*DB, error) {
	d, err := open(ctx, addr)
	if err != nil {
		return nil, err
	}
	if err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func open(ctx context.Context, addr string) (*DB, error) {
	if addr == "" {
		return nil, errors.New("no database given")
	}
	if isPostgres(addr) {
		cfg, err := pgxpool.ParseConfig(addr)
		if err != nil {
			return nil, fmt.Errorf("postgres address: %w", err)
		}
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			return nil, fmt.Errorf("postgres: %w", err)
		}
		if err := pool.Ping(ctx); err != nil {
			pool.Close()
			return nil, fmt.Errorf("postgres: %w", err)
		}
		return &DB{driver: Postgres, db: stdlib.OpenDBFromPool(pool), pool: pool}, nil
	}
	path := strings.TrimPrefix(addr, "sqlite://")
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	dsn := "file:" + path + sep + "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	// SQLite allows one writer; one connection avoids SQLITE_BUSY between
	// the store and the job queue sharing the file.
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	return &DB{driver: SQLite, db: db}, nil
}

// Driver returns the database engine.
func (d *DB) Driver() Driver { return d.driver }

// SQL returns the database/sql handle (on PostgreSQL, backed by the pgx pool).
func (d *DB) SQL() *sql.DB { return d.db }

// Pool returns the pgx pool on PostgreSQL and nil on SQLite.
func (d *DB) Pool() *pgxpool.Pool { return d.pool }

// Close releases the connections.
func (d *DB) Close() error {
	err := d.db.Close()
	if d.pool != nil {
		d.pool.Close()
	}
	return err
}

// q rewrites ? placeholders to $n on PostgreSQL.
func (d *DB) q(query string) string {
	if d.driver != Postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, c := range query {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// SaveScan stores a report and returns its id.
func (d *DB) SaveScan(ctx context.Context, r *report.Report) (ScanID, error) {
	id, _, err := d.SaveScanOnce(ctx, "", 0, r)
	return id, err
}

// SaveScanOnce stores a report unless a scan with the same non-empty
// idempotency key exists, in which case it returns that scan's id and
// created=false. Job workers use the job's id as key so a retried job never
// stores its scan twice. monitorID is 0 for scans no monitor asked for.
func (d *DB) SaveScanOnce(ctx context.Context, key string, monitorID int64, r *report.Report) (id ScanID, created bool, err error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return 0, false, err
	}
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, false, err
	}
	defer tx.Rollback()
	var keyArg, monArg any
	if key != "" {
		keyArg = key
		var existing int64
		err := tx.QueryRowContext(ctx, d.q(`SELECT id FROM scans WHERE idempotency_key = ?`), key).Scan(&existing)
		if err == nil {
			return ScanID(existing), false, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, false, err
		}
	}
	if monitorID > 0 {
		monArg = monitorID
	}
	var sum report.Summary
	sum.Count(r.Findings)
	var n int64
	err = tx.QueryRowContext(ctx, d.q(`INSERT INTO scans (site, target, started_at, finished_at, interrupted, pages, trackers, cookies,
		high, medium, low, info, idempotency_key, monitor_id, report) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id`),
		r.Target, r.Target, ms(r.StartedAt), ms(r.FinishedAt), r.Interrupted, len(r.Pages), len(r.Trackers), len(r.Cookies),
		sum.High, sum.Medium, sum.Low, sum.Info, keyArg, monArg, buf.Bytes()).Scan(&n)
	if err != nil {
		return 0, false, fmt.Errorf("save scan: %w", err)
	}
	err = d.insertRows(ctx, tx, "finding", `INSERT INTO scan_findings (scan_id, finding_id, code, severity, vendor, cookie, title)
		VALUES (?,?,?,?,?,?,?) ON CONFLICT DO NOTHING`, len(r.Findings), func(i int) []any {
		f := r.Findings[i]
		return []any{n, f.ID, f.Code, f.Severity.String(), f.Vendor, f.Cookie, f.Title}
	})
	if err != nil {
		return 0, false, err
	}
	err = d.insertRows(ctx, tx, "tracker", `INSERT INTO scan_trackers (scan_id, vendor, name, category, profiles)
		VALUES (?,?,?,?,?) ON CONFLICT DO NOTHING`, len(r.Trackers), func(i int) []any {
		t := r.Trackers[i]
		return []any{n, t.Vendor, t.Name, t.Category, strings.Join(t.Profiles, ",")}
	})
	if err != nil {
		return 0, false, err
	}
	err = d.insertRows(ctx, tx, "cookie", `INSERT INTO scan_cookies (scan_id, name, domain, path, party, lifetime_days, vendor, category)
		VALUES (?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING`, len(r.Cookies), func(i int) []any {
		c := r.Cookies[i]
		return []any{n, c.Name, c.Domain, c.Path, c.Party, c.LifetimeDays, c.Vendor, c.Category}
	})
	if err != nil {
		return 0, false, err
	}
	if err := tx.Commit(); err != nil {
		return 0, false, err
	}
	return ScanID(n), true, nil
}

// insertRows runs query, prepared once, for rows 0..n-1 of a scan's
// normalised records; what names them in errors.
func (d *DB) insertRows(ctx context.Context, tx *sql.Tx, what, query string, n int, row func(i int) []any) error {
	if n == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, d.q(query))
	if err != nil {
		return fmt.Errorf("save %s: %w", what, err)
	}
	defer stmt.Close()
	for i := range n {
		if _, err := stmt.ExecContext(ctx, row(i)...); err != nil {
			return fmt.Errorf("save %s: %w", what, err)
		}
	}
	return nil
}

// Scan returns a stored report.
func (d *DB) Scan(ctx context.Context, id ScanID) (*report.Report, error) {
	var data []byte
	err := d.db.QueryRowContext(ctx, d.q(`SELECT report FROM scans WHERE id = ?`), int64(id)).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("scan %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	var r report.Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("scan %d: %w", id, err)
	}
	return &r, nil
}

const summaryCols = `id, site, started_at, finished_at, interrupted, pages, trackers, cookies, high, medium, low, info`

// scanSummary reads the summaryCols of a row, then any extra columns into
// extra.
func scanSummary(row interface{ Scan(...any) error }, extra ...any) (ScanSummary, error) {
	var s ScanSummary
	var id, started, finished int64
	err := row.Scan(append([]any{&id, &s.Site, &started, &finished, &s.Interrupted, &s.Pages, &s.Trackers, &s.Cookies,
		&s.Summary.High, &s.Summary.Medium, &s.Summary.Low, &s.Summary.Info}, extra...)...)
	s.ID, s.StartedAt, s.FinishedAt = ScanID(id), fromMS(started), fromMS(finished)
	return s, err
}

// Scans lists a site's scans, newest first; limit <= 0 means all.
func (d *DB) Scans(ctx context.Context, site string, limit int) ([]ScanSummary, error) {
	query := `SELECT ` + summaryCols + ` FROM scans WHERE site = ? ORDER BY id DESC`
	args := []any{site}
	if limit > 0 {
		query += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := d.db.QueryContext(ctx, d.q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ScanSummary
	for rows.Next() {
		s, err := scanSummary(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Sites lists every scanned site with its latest scan, by site.
func (d *DB) Sites(ctx context.Context) ([]SiteSummary, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+summaryCols+`, n FROM scans
		JOIN (SELECT MAX(id) AS latest, COUNT(*) AS n FROM scans GROUP BY site) g ON scans.id = g.latest ORDER BY site`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SiteSummary
	for rows.Next() {
		var s SiteSummary
		latest, err := scanSummary(rows, &s.Scans)
		if err != nil {
			return nil, err
		}
		s.Site, s.Latest = latest.Site, latest
		out = append(out, s)
	}
	return out, rows.Err()
}
