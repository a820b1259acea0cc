package scan_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/internal/scan"
)

// BenchmarkScan scans the fixture internet's benchmark shop (20 pages under
// baseline, GPC and DNT) at tab concurrency 1, 2 and 4, and reports page
// visits per second, seconds per scan and the peak memory of the browser's
// whole process tree (PSS, sampled every 100 ms). One iteration is one full
// scan, analysis included.
func BenchmarkScan(b *testing.B) {
	for _, conc := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("concurrency=%d", conc), func(b *testing.B) {
			w := getWorld(b)
			opts := w.opts
			opts.Concurrency = conc
			opts.MaxPages = 20
			opts.Profiles = []crawler.Profile{crawler.Baseline, crawler.GPC, crawler.DNT}
			s := w.scanner.WithOptions(opts)
			target, err := scan.ParseTarget(site(b, "bench").Home)
			if err != nil {
				b.Fatal(err)
			}
			var (
				mu   sync.Mutex
				peak int64
			)
			ctx, stop := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			wg.Go(func() {
				tick := time.NewTicker(100 * time.Millisecond)
				defer tick.Stop()
				for {
					select {
					case <-ctx.Done():
						return
					case <-tick.C:
						if pss := s.Browser().PSS(); pss > 0 {
							mu.Lock()
							peak = max(peak, pss)
							mu.Unlock()
						}
					}
				}
			})
			visits := 0
			b.ResetTimer()
			start := time.Now()
			for range b.N {
				r, err := s.Scan(context.Background(), target)
				if err != nil {
					b.Fatal(err)
				}
				for _, p := range r.Pages {
					if p.Error != nil {
						b.Fatalf("page error on %s: %s", p.URL, *p.Error)
					}
				}
				visits += len(r.Pages)
			}
			elapsed := time.Since(start)
			b.StopTimer()
			stop()
			wg.Wait()
			b.ReportMetric(float64(visits)/elapsed.Seconds(), "visits/s")
			b.ReportMetric(elapsed.Seconds()/float64(b.N), "s/scan")
			b.ReportMetric(float64(peak)/(1<<20), "peak-PSS-MiB")
		})
	}
}

// BenchmarkScanNeverIdle scans the fixture internet's never-idle site
// (live-feed: 10 pages, each with a WebSocket, an EventSource, a long poll,
// a fast feed, a looping clip and heartbeat beacons) under baseline, GPC and
// DNT at concurrency 4, with the default 30 s page timeout: each visit is
// bounded by the dwell after its load event, not by the page timeout. It
// reports seconds per scan and how many visits settled.
func BenchmarkScanNeverIdle(b *testing.B) {
	w := getWorld(b)
	opts := w.opts
	opts.Concurrency = 4
	opts.MaxPages = 10
	opts.PageTimeout = scan.DefaultOptions().PageTimeout
	opts.Profiles = []crawler.Profile{crawler.Baseline, crawler.GPC, crawler.DNT}
	opts.ProfilesExplicit = true
	s := w.scanner.WithOptions(opts)
	target, err := scan.ParseTarget(site(b, "live-feed").Home)
	if err != nil {
		b.Fatal(err)
	}
	visits, settled := 0, 0
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		r, err := s.Scan(context.Background(), target)
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range r.Pages {
			if p.Error != nil {
				b.Fatalf("page error on %s: %s", p.URL, *p.Error)
			}
			if p.Settled {
				settled++
			}
		}
		visits += len(r.Pages)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(elapsed.Seconds()/float64(b.N), "s/scan")
	b.ReportMetric(float64(visits)/float64(b.N), "visits/scan")
	b.ReportMetric(float64(settled)/float64(b.N), "settled/scan")
}
