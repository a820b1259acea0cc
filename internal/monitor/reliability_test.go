package monitor_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/privscan/privscan/internal/scan"
	"github.com/privscan/privscan/internal/store"
	"github.com/privscan/privscan/internal/store/storetest"
	"github.com/privscan/privscan/report"
)

func openPG(t testing.TB) (string, *store.DB) {
	t.Helper()
	requireChrome(t)
	dsn := storetest.NewPostgresDB(t)
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return dsn, db
}

// TestKillWorkerMidScan kills a worker (and its browser) with SIGKILL while
// it scans; River rescues the job and another worker completes it. The site
// ends up stored exactly once.
func TestKillWorkerMidScan(t *testing.T) {
	dsn, db := openPG(t)
	ctx := context.Background()
	flags := []string{"--job-timeout", "2m", "--rescue-after", "130s"}
	a := startWorker(t, dsn, "worker-a", flags...)
	target := "https://www.dynamicweb.test/"
	enqueueAll(t, ctx, db, []string{target})
	waitFor(t, 2*time.Minute, "worker-a to start the scan", func() (bool, error) {
		return strings.Contains(a.log.String(), "scan started"), nil
	})
	time.Sleep(2 * time.Second) // mid-scan: the browser is busy
	if n, _ := scanCounts(ctx, db); len(n) != 0 {
		t.Fatalf("scan stored before the kill: %v", n)
	}
	a.kill()
	jobs, err := scanJobs(ctx, db)
	if err != nil || len(jobs) != 1 || jobs[0].State != "running" {
		t.Fatalf("after kill: jobs %+v err %v; want one running job", jobs, err)
	}
	startWorker(t, dsn, "worker-b", flags...)
	waitFor(t, 7*time.Minute, "the rescued job to complete", func() (bool, error) {
		jobs, err := scanJobs(ctx, db)
		return err == nil && len(jobs) == 1 && jobs[0].State == "completed", err
	})
	jobs, _ = scanJobs(ctx, db)
	if j := jobs[0]; j.Attempt < 2 || !slices.Contains(j.AttemptedBy, "worker-a") || j.AttemptedBy[len(j.AttemptedBy)-1] != "worker-b" {
		t.Errorf("job = %+v; want a second attempt by worker-b after worker-a", j)
	}
	counts, err := scanCounts(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{target: 1}, counts); diff != "" {
		t.Errorf("stored scans (-want +got):\n%s", diff)
	}
}

// TestTenSitesThreeWorkers queues ten targets for three worker processes:
// all complete, each once, with the same finding ids as a single-machine
// scan of the same site.
func TestTenSitesThreeWorkers(t *testing.T) {
	dsn, db := openPG(t)
	ctx := context.Background()
	targets := tenTargets()
	for i := range 3 {
		startWorker(t, dsn, fmt.Sprintf("worker-%d", i+1))
	}
	enqueueAll(t, ctx, db, targets)
	waitForAll(t, ctx, db, targets, 12*time.Minute)

	jobs, _ := scanJobs(ctx, db)
	workers := map[string]int{}
	for _, j := range jobs {
		if j.State != "completed" {
			t.Errorf("job %d (%s) is %s", j.ID, j.URL, j.State)
		}
		workers[j.AttemptedBy[len(j.AttemptedBy)-1]]++
	}
	t.Logf("jobs per worker: %v", workers)
	if len(workers) < 2 {
		t.Errorf("only %d worker(s) did the work: %v", len(workers), workers)
	}

	// The same scans on one machine.
	n := fixtureNet(t)
	opts, err := testOptions.Apply(scan.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	opts.HostRules, opts.Insecure = n.HostRules(), true
	plugins, err := scan.DefaultPlugins(opts)
	if err != nil {
		t.Fatal(err)
	}
	s, err := scan.New(ctx, opts, plugins)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, target := range targets {
		u, _ := scan.ParseTarget(target)
		local, err := s.Scan(ctx, u)
		if err != nil {
			t.Fatalf("local scan %s: %v", target, err)
		}
		sums, err := db.Scans(ctx, u.String(), 1)
		if err != nil || len(sums) != 1 {
			t.Fatalf("stored scans of %s: %v %v", target, sums, err)
		}
		stored, err := db.Scan(ctx, sums[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(findingIDs(local), findingIDs(stored)); diff != "" {
			t.Errorf("%s: finding ids, single machine vs workers (-want +got):\n%s\npage errors: single machine %d, workers %d",
				target, diff, pageErrors(local), pageErrors(stored))
		}
	}
}

// TestPostgresRestart restarts PostgreSQL while two workers scan; they
// reconnect and every site is stored exactly once.
func TestPostgresRestart(t *testing.T) {
	dsn, db := openPG(t)
	ctx := context.Background()
	targets := tenTargets()[:4]
	startWorker(t, dsn, "worker-1")
	startWorker(t, dsn, "worker-2")
	enqueueAll(t, ctx, db, targets)
	waitFor(t, 3*time.Minute, "a first stored scan", func() (bool, error) {
		c, err := scanCounts(ctx, db)
		return len(c) > 0, err
	})
	storetest.RestartPostgres(t)
	t.Log("PostgreSQL restarted")
	waitForAll(t, ctx, db, targets, 8*time.Minute)
}

// waitForAll waits until every target is stored and every scan job is done,
// then checks that each target was stored exactly once.
func waitForAll(t testing.TB, ctx context.Context, db *store.DB, targets []string, timeout time.Duration) {
	t.Helper()
	waitFor(t, timeout, fmt.Sprintf("%d stored scans", len(targets)), func() (bool, error) {
		c, err := scanCounts(ctx, db)
		if err != nil || len(c) < len(targets) {
			return false, err
		}
		jobs, err := scanJobs(ctx, db)
		if err != nil {
			return false, err
		}
		for _, j := range jobs {
			if j.State != "completed" {
				return false, nil
			}
		}
		return true, nil
	})
	counts, err := scanCounts(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for _, u := range targets {
		pu, _ := scan.ParseTarget(u)
		want[pu.String()] = 1
	}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("stored scans per site (-want +got):\n%s", diff)
	}
}

func findingIDs(r *report.Report) []string {
	var ids []string
	for _, f := range r.Findings {
		ids = append(ids, f.ID)
	}
	slices.Sort(ids)
	return ids
}

func pageErrors(r *report.Report) int {
	n := 0
	for _, p := range r.Pages {
		if p.Error != nil {
			n++
		}
	}
	return n
}
