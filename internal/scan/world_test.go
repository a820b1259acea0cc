package scan_test

import (
	"context"
	"flag"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/crawler/browser"
	"github.com/privscan/privscan/fixtures"
	"github.com/privscan/privscan/internal/scan"
	"github.com/privscan/privscan/internal/testenv"
	"github.com/privscan/privscan/report"
)

var update = flag.Bool("update", false, "rewrite golden files")

// world is the fixture internet and one scanner (one browser) shared by the
// tests of this package, started on first use.
type world struct {
	net     *fixtures.Internet
	scanner *scan.Scanner
	opts    scan.Options
}

var (
	worldOnce sync.Once
	theWorld  *world
	worldErr  error
	stopWorld context.CancelFunc
)

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if theWorld != nil {
		_ = theWorld.scanner.Close()
		theWorld.net.Close()
	}
	if stopWorld != nil {
		stopWorld()
	}
	os.Exit(code)
}

// requireChrome fails in CI (CI=true) when Chromium is missing, and skips
// elsewhere.
func requireChrome(t testing.TB) {
	t.Helper()
	_, err := browser.FindChrome("")
	testenv.Need(t, err)
}

func getWorld(t testing.TB) *world {
	t.Helper()
	requireChrome(t)
	worldOnce.Do(func() {
		var ctx context.Context
		ctx, stopWorld = context.WithCancel(context.Background())
		logger := slog.New(slog.DiscardHandler)
		if os.Getenv("PRIVSCAN_TEST_LOG") != "" {
			logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
		}
		n, err := fixtures.StartDefault(ctx, logger)
		if err != nil {
			worldErr = err
			return
		}
		opts := scan.DefaultOptions()
		opts.HostRules = n.HostRules()
		opts.Insecure = true
		opts.PageTimeout = 10 * time.Second
		opts.MaxPages = 12
		opts.Logger = logger
		plugins, err := scan.DefaultPlugins(opts)
		if err != nil {
			worldErr = err
			return
		}
		s, err := scan.New(ctx, opts, plugins)
		if err != nil {
			worldErr = err
			n.Close()
			return
		}
		theWorld = &world{net: n, scanner: s, opts: opts}
	})
	if worldErr != nil {
		t.Fatal(worldErr)
	}
	return theWorld
}

// site returns the fixture site called name.
func site(t testing.TB, name string) fixtures.Site {
	t.Helper()
	for _, s := range fixtures.Sites() {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no fixture site %q", name)
	return fixtures.Site{}
}

// scanSite scans a fixture site with the shared browser and the given
// option changes.
func scanSite(t testing.TB, home string, change func(*scan.Options)) *report.Report {
	t.Helper()
	w := getWorld(t)
	opts := w.opts
	if change != nil {
		change(&opts)
	}
	s := w.scanner.WithOptions(opts)
	target, err := scan.ParseTarget(home)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	r, err := s.Scan(ctx, target)
	if err != nil {
		t.Fatalf("scan %s: %v", home, err)
	}
	return r
}

// visitsOf returns the profiles of r in order.
func profilesOf(r *report.Report) []crawler.Profile {
	var out []crawler.Profile
	for _, p := range r.Profiles {
		out = append(out, crawler.Profile(p))
	}
	return out
}
