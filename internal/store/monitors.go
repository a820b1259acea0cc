package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Monitor is a site scanned on a schedule.
type Monitor struct {
	ID    int64
	URL   string
	Every time.Duration
	// Options are the scan settings (JSON, owned by the monitor package).
	Options   json.RawMessage
	CreatedAt time.Time
	NextRunAt time.Time
}

// AddMonitor creates a monitor, or updates the schedule and options of the
// monitor of the same URL; the first run is due at once.
func (d *DB) AddMonitor(ctx context.Context, m Monitor) (Monitor, error) {
	if m.Every <= 0 {
		return m, errors.New("monitor interval must be positive")
	}
	if len(m.Options) == 0 {
		m.Options = json.RawMessage("{}")
	}
	now := ms(time.Now())
	m, err := scanMonitor(d.db.QueryRowContext(ctx, d.q(`INSERT INTO monitors (url, every_seconds, options, created_at, next_run_at) VALUES (?,?,?,?,?)
		ON CONFLICT (url) DO UPDATE SET every_seconds = excluded.every_seconds, options = excluded.options
		RETURNING `+monitorCols),
		m.URL, int64(m.Every/time.Second), string(m.Options), now, now))
	if err != nil {
		return m, fmt.Errorf("add monitor: %w", err)
	}
	return m, nil
}

const monitorCols = `id, url, every_seconds, options, created_at, next_run_at`

func scanMonitor(row interface{ Scan(...any) error }) (Monitor, error) {
	var m Monitor
	var every, created, next int64
	var opts string
	if err := row.Scan(&m.ID, &m.URL, &every, &opts, &created, &next); err != nil {
		return m, err
	}
	m.Every, m.Options, m.CreatedAt, m.NextRunAt = time.Duration(every)*time.Second, json.RawMessage(opts), fromMS(created), fromMS(next)
	return m, nil
}

// Monitor finds a monitor by id or URL.
func (d *DB) Monitor(ctx context.Context, idOrURL string) (Monitor, error) {
	m, err := scanMonitor(d.db.QueryRowContext(ctx, d.q(`SELECT `+monitorCols+` FROM monitors WHERE CAST(id AS TEXT) = ? OR url = ?`), idOrURL, idOrURL))
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("monitor %s: %w", idOrURL, ErrNotFound)
	}
	return m, err
}

// Monitors lists every monitor by id.
func (d *DB) Monitors(ctx context.Context) ([]Monitor, error) {
	return d.listMonitors(ctx, `SELECT `+monitorCols+` FROM monitors ORDER BY id`)
}

// DueMonitors lists the monitors whose next run is at or before now.
func (d *DB) DueMonitors(ctx context.Context, now time.Time) ([]Monitor, error) {
	return d.listMonitors(ctx, d.q(`SELECT `+monitorCols+` FROM monitors WHERE next_run_at <= ? ORDER BY next_run_at, id`), ms(now))
}

func (d *DB) listMonitors(ctx context.Context, query string, args ...any) ([]Monitor, error) {
	rows, err := d.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Monitor
	for rows.Next() {
		m, err := scanMonitor(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// ScheduleNext moves a monitor's next run to next.
func (d *DB) ScheduleNext(ctx context.Context, id int64, next time.Time) error {
	_, err := d.db.ExecContext(ctx, d.q(`UPDATE monitors SET next_run_at = ? WHERE id = ?`), ms(next), id)
	return err
}

// RemoveMonitor deletes a monitor by id or URL.
func (d *DB) RemoveMonitor(ctx context.Context, idOrURL string) error {
	res, err := d.db.ExecContext(ctx, d.q(`DELETE FROM monitors WHERE CAST(id AS TEXT) = ? OR url = ?`), idOrURL, idOrURL)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("monitor %s: %w", idOrURL, ErrNotFound)
	}
	return nil
}
