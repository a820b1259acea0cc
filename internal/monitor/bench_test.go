package monitor_test

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkWorkers measures sites per minute with 1, 2 and 3 worker
// processes (one browser each) on PostgreSQL and the fixture internet, six
// sites a run. Browser start-up is outside the timed part.
//
//	go test -run '^$' -bench Workers -benchtime 1x ./internal/monitor/
func BenchmarkWorkers(b *testing.B) {
	for _, n := range []int{1, 2, 3} {
		b.Run(fmt.Sprintf("workers=%d", n), func(b *testing.B) {
			var perMin float64
			for range b.N {
				perMin = benchOnce(b, n)
			}
			b.ReportMetric(perMin, "sites/min")
		})
	}
}

func benchOnce(b *testing.B, workers int) float64 {
	b.StopTimer()
	dsn, db := openPG(b)
	ctx := context.Background()
	var procs []*workerProc
	for i := range workers {
		procs = append(procs, startWorker(b, dsn, fmt.Sprintf("bench-%d", i+1)))
	}
	// Warm up: each worker starts its browser on its first job.
	warm := tenTargets()[6 : 6+workers]
	enqueueAll(b, ctx, db, warm)
	waitForAll(b, ctx, db, warm, 10*time.Minute)
	targets := tenTargets()[:6]
	b.StartTimer()
	start := time.Now()
	enqueueAll(b, ctx, db, targets)
	waitFor(b, 20*time.Minute, "the benchmark scans", func() (bool, error) {
		c, err := scanCounts(ctx, db)
		return len(c) >= len(targets)+len(warm), err
	})
	elapsed := time.Since(start)
	b.StopTimer()
	for _, p := range procs {
		p.stop()
	}
	return float64(len(targets)) / elapsed.Minutes()
}
