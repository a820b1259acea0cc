package monitor_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/privscan/privscan/crawler/browser"
	"github.com/privscan/privscan/fixtures"
	"github.com/privscan/privscan/internal/monitor"
	"github.com/privscan/privscan/internal/store"
	"github.com/privscan/privscan/internal/testenv"
)

// The multi-process tests run real `privscan worker` processes against the
// fixture internet (served by this test process) and a PostgreSQL database.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error

	netOnce sync.Once
	theNet  *fixtures.Internet
	netErr  error
)

func requireChrome(t testing.TB) {
	t.Helper()
	_, err := browser.FindChrome("")
	testenv.Need(t, err)
}

// privscanBinary builds the privscan binary once per test run.
func privscanBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "privscan-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "privscan")
		out, err := exec.Command("go", "build", "-o", binPath, "github.com/privscan/privscan/cmd/privscan").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// fixtureNet starts the fixture internet once for the package.
func fixtureNet(t testing.TB) *fixtures.Internet {
	t.Helper()
	netOnce.Do(func() {
		theNet, netErr = fixtures.StartDefault(context.Background(), slog.New(slog.DiscardHandler))
	})
	if netErr != nil {
		t.Fatal(netErr)
	}
	return theNet
}

func TestMain(m *testing.M) {
	code := m.Run()
	if theNet != nil {
		theNet.Close()
	}
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// workerProc is a running `privscan worker`.
type workerProc struct {
	name string
	cmd  *exec.Cmd
	log  *syncBuffer
	done chan struct{}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startWorker runs a worker process on db; extra are more flags.
func startWorker(t testing.TB, db, name string, extra ...string) *workerProc {
	t.Helper()
	n := fixtureNet(t)
	args := append([]string{"worker", "--db", db, "--id", name, "--host-rules", n.HostRules(), "--insecure", "--tick", "1s"}, extra...)
	cmd := exec.Command(privscanBinary(t), args...)
	w := &workerProc{name: name, cmd: cmd, log: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = w.log, w.log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = cmd.Wait(); close(w.done) }()
	t.Cleanup(func() {
		w.stop()
		if t.Failed() {
			t.Logf("--- log of %s ---\n%s", name, lastLines(w.log.String(), 40))
		}
	})
	return w
}

// kill sends SIGKILL to the worker and its browser (its process group).
func (w *workerProc) kill() {
	_ = syscall.Kill(-w.cmd.Process.Pid, syscall.SIGKILL)
	<-w.done
}

// stop asks the worker to stop, then kills what is left.
func (w *workerProc) stop() {
	select {
	case <-w.done:
		return
	default:
	}
	_ = w.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-w.done:
	case <-time.After(20 * time.Second):
	}
	w.kill()
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	var keep []string
	for _, l := range lines {
		if !strings.Contains(l, "Producer job counts") {
			keep = append(keep, l)
		}
	}
	if len(keep) > n {
		keep = keep[len(keep)-n:]
	}
	return strings.Join(keep, "\n")
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, err := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s (last error: %v)", timeout, what, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// jobRow is a scan job's state in river_job.
type jobRow struct {
	ID          int64
	URL         string
	State       string
	Attempt     int
	AttemptedBy []string
}

func scanJobs(ctx context.Context, db *store.DB) ([]jobRow, error) {
	rows, err := db.Pool().Query(ctx, `SELECT id, args->>'url', state::text, attempt, COALESCE(attempted_by, '{}') FROM river_job WHERE kind = $1 ORDER BY id`, monitor.ScanKind)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []jobRow
	for rows.Next() {
		var j jobRow
		if err := rows.Scan(&j.ID, &j.URL, &j.State, &j.Attempt, &j.AttemptedBy); err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// scanCounts returns how many scans are stored per site.
func scanCounts(ctx context.Context, db *store.DB) (map[string]int, error) {
	rows, err := db.SQL().QueryContext(ctx, `SELECT site, COUNT(*) FROM scans GROUP BY site`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var site string
		var n int
		if err := rows.Scan(&site, &n); err != nil {
			return nil, err
		}
		out[site] = n
	}
	return out, rows.Err()
}

// tenTargets are ten scan targets on nine seed and consent fixture sites:
// not the sites that misbehave on purpose (chaos), load the machine (bench,
// live-feed, variants with its forty vendors) or exist for one feature's
// own tests.
func tenTargets() []string {
	steady := []string{"consent-cookiebot", "consent-german", "consent-onetrust", "dotcloud", "dynamicweb", "dynatron",
		"fair-signals", "mesosphere", "peerzone"}
	var out []string
	for _, s := range fixtures.Sites() {
		if slices.Contains(steady, s.Name) {
			out = append(out, s.Home)
		}
	}
	for _, extra := range []string{"https://www.dynatron.test/about/", "https://www.dynamicweb.test/about/"} {
		if len(out) < 10 {
			out = append(out, extra)
		}
	}
	slices.Sort(out)
	return out[:10]
}

// testOptions keep the distributed scans small and identical to the
// single-machine ones they are compared with.
// The page timeout is generous: three browsers share two cores.
var testOptions = monitor.Options{MaxPages: 6, PageTimeout: "30s"}

func enqueueAll(t testing.TB, ctx context.Context, db *store.DB, urls []string) {
	t.Helper()
	q, err := monitor.Open(ctx, db, monitor.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range urls {
		if _, inserted, err := q.Enqueue(ctx, monitor.ScanArgs{URL: u, Options: testOptions}); err != nil || !inserted {
			t.Fatalf("enqueue %s: inserted=%v err=%v", u, inserted, err)
		}
	}
}
