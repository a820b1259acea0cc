package scan_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/crawler/browser"
	"github.com/privscan/privscan/internal/procstat"
	"github.com/privscan/privscan/internal/scan"
)

// BenchmarkScan scans the fixture internet's benchmark shop (20 pages under
// baseline, GPC and DNT) at tab concurrency 1, 2 and 4, and reports page
// visits per second, seconds per scan, CPU seconds per visit and the peak
// memory of the browser's whole process tree (PSS). One iteration is one
// full scan, analysis included.
//
// CPU is the browser tree's (each process's last sample, taken every
// 100 ms) plus this test process's own, which also serves the fixture
// internet: an overestimate of the scanner's cost. PSS is sampled every
// 500 ms because reading it walks every mapping of every Chromium process
// (about 30 ms a sample): sampling it every 100 ms cost a third of a core.
func BenchmarkScan(b *testing.B) {
	for _, conc := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("concurrency=%d", conc), func(b *testing.B) {
			m := benchShop(b, conc, 20)
			b.ReportMetric(m.visits/m.elapsed.Seconds(), "visits/s")
			b.ReportMetric(m.elapsed.Seconds()/float64(b.N), "s/scan")
			b.ReportMetric(m.cpu.Seconds()/m.visits, "CPU-s/visit")
			b.ReportMetric(m.browserCPU.Seconds()/m.visits, "browser-CPU-s/visit")
			b.ReportMetric(float64(m.peak)/(1<<20), "peak-PSS-MiB")
		})
	}
}

// BenchmarkScanSmall scans five pages of the benchmark shop under baseline,
// GPC and DNT with the default options (concurrency 4), the size of a quick
// check of a small site, and reports seconds per scan and CPU seconds per
// visit. The browser is already running, as in a worker.
func BenchmarkScanSmall(b *testing.B) {
	m := benchShop(b, scan.DefaultOptions().Concurrency, 5)
	b.ReportMetric(m.elapsed.Seconds()/float64(b.N), "s/scan")
	b.ReportMetric(m.visits/float64(b.N), "visits/scan")
	b.ReportMetric(m.cpu.Seconds()/m.visits, "CPU-s/visit")
	b.ReportMetric(float64(m.peak)/(1<<20), "peak-PSS-MiB")
}

// shopRun is what b.N scans of the benchmark shop measured.
type shopRun struct {
	visits          float64
	elapsed         time.Duration
	cpu, browserCPU time.Duration
	peak            int64
}

// benchShop scans the benchmark shop b.N times (maxPages pages under
// baseline, GPC and DNT at concurrency conc) and measures it; a page error
// fails the benchmark.
func benchShop(b *testing.B, conc, maxPages int) shopRun {
	w := getWorld(b)
	opts := w.opts
	opts.Concurrency = conc
	opts.MaxPages = maxPages
	opts.Profiles = []crawler.Profile{crawler.Baseline, crawler.GPC, crawler.DNT}
	s := w.scanner.WithOptions(opts)
	target, err := scan.ParseTarget(site(b, "bench").Home)
	if err != nil {
		b.Fatal(err)
	}
	meter := startMeter(s.Browser())
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
	browserCPU, selfCPU, peak := meter.stop()
	return shopRun{visits: float64(visits), elapsed: elapsed, cpu: browserCPU + selfCPU, browserCPU: browserCPU, peak: peak}
}

// meter measures the browser tree's CPU and memory while a benchmark runs:
// CPU time from start to stop (closed tabs' processes included, see
// Browser.CPUTime), and peak PSS sampled twice a second.
type meter struct {
	br           *browser.Browser
	stopSampling context.CancelFunc
	wg           sync.WaitGroup
	start        time.Duration
	selfStart    time.Duration
	samplerCPU   time.Duration
	peak         int64
}

func startMeter(br *browser.Browser) *meter {
	m := &meter{br: br, start: br.CPUTime(), selfStart: selfCPU()}
	ctx, stop := context.WithCancel(context.Background())
	m.stopSampling = stop
	m.wg.Go(func() {
		// The sampler has a thread of its own, so that its CPU time
		// (reading every process's smaps_rollup is not free) is left out
		// of the scan's.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		defer func() {
			m.samplerCPU = procstat.CPU(procstat.Fields(fmt.Sprintf("/proc/self/task/%d/stat", syscall.Gettid())), false)
		}()
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		for {
			m.peak = max(m.peak, br.PSS())
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	})
	return m
}

// stop ends sampling and returns the browser tree's CPU time, this
// process's CPU time and the peak PSS since the meter started.
func (m *meter) stop() (browserCPU, self time.Duration, peak int64) {
	end := m.br.CPUTime()
	m.stopSampling()
	m.wg.Wait()
	return end - m.start, selfCPU() - m.selfStart - m.samplerCPU, m.peak
}

// selfCPU is this process's CPU time (user + system) so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
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
