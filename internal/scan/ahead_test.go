package scan_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/internal/scan"
)

// startLog calls onAhead when the scanner logs that a profile starts ahead.
type startLog struct{ onAhead func() }

func (l *startLog) Enabled(context.Context, slog.Level) bool { return true }
func (l *startLog) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *startLog) WithGroup(string) slog.Handler            { return l }
func (l *startLog) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "profile starts" {
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "ahead" {
				l.onAhead()
			}
			return true
		})
	}
	return nil
}

// TestNextProfileStartsAhead scans with two tabs and two pages: once the
// baseline's second page is the only one left, the GPC profile opens its
// session and visits the home page in the free tab slot, before the
// baseline's last visit ends, and no more than two visits are ever in
// flight. The report is complete all the same.
func TestNextProfileStartsAhead(t *testing.T) {
	home := site(t, "bench").Home
	var (
		mu     sync.Mutex
		visits []scan.Progress
	)
	r := scanSite(t, home, func(o *scan.Options) {
		o.Profiles = []crawler.Profile{crawler.Baseline, crawler.GPC, crawler.DNT}
		o.Concurrency = 2
		o.MaxPages = 2
		o.Progress = func(p scan.Progress) {
			mu.Lock()
			visits = append(visits, p)
			mu.Unlock()
		}
	})
	if len(r.Pages) != 6 {
		t.Fatalf("%d pages, want 2 under each of 3 profiles", len(r.Pages))
	}
	for _, p := range r.Pages {
		if p.Error != nil {
			t.Errorf("%s %s: %s", p.Profile, p.URL, *p.Error)
		}
	}
	// A visit's span is its load and settling; the tab slot is held a
	// little longer (collection), so overlaps are if anything undercounted.
	end := func(p scan.Progress) time.Time { return p.Started.Add(p.Took) }
	var baselineEnd time.Time
	var gpcHome *scan.Progress
	for i, p := range visits {
		if p.Profile == crawler.Baseline && end(p).After(baselineEnd) {
			baselineEnd = end(p)
		}
		if p.Profile == crawler.GPC && p.URL == home && gpcHome == nil {
			gpcHome = &visits[i]
		}
	}
	if gpcHome == nil {
		t.Fatalf("no GPC visit of the home page reported: %+v", visits)
	}
	if !gpcHome.Started.Before(baselineEnd) {
		t.Errorf("the GPC home visit began %v after the baseline's last visit ended: not started ahead", gpcHome.Started.Sub(baselineEnd))
	}
	for _, v := range visits {
		inFlight := 0
		for _, o := range visits {
			if !o.Started.After(v.Started) && end(o).After(v.Started) {
				inFlight++
			}
		}
		if inFlight > 2 {
			t.Errorf("%d visits in flight when %s %s began, over the concurrency of 2", inFlight, v.Profile, v.URL)
		}
	}
}

// TestInterruptedAsNextProfileStarts cancels the scan as the GPC profile
// starts ahead: the report keeps the baseline's pages, says it was
// interrupted, and no profile after it is visited.
func TestInterruptedAsNextProfileStarts(t *testing.T) {
	w := getWorld(t)
	target, _ := scan.ParseTarget(site(t, "bench").Home)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := &startLog{onAhead: cancel}
	opts := w.opts
	opts.Profiles = []crawler.Profile{crawler.Baseline, crawler.GPC, crawler.DNT}
	opts.Concurrency = 2
	opts.MaxPages = 3
	opts.Logger = slog.New(log)
	r, err := w.scanner.WithOptions(opts).Scan(ctx, target)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if r == nil || !r.Interrupted {
		t.Fatalf("report %v: want an interrupted report", r)
	}
	byProfile := map[string]int{}
	for _, p := range r.Pages {
		byProfile[p.Profile]++
	}
	if byProfile[string(crawler.Baseline)] < 2 {
		t.Errorf("baseline pages %d, want the ones visited before the interruption", byProfile[string(crawler.Baseline)])
	}
	if byProfile[string(crawler.DNT)] != 0 {
		t.Errorf("%d DNT pages after the interruption", byProfile[string(crawler.DNT)])
	}
}
