package scan

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/crawler/browser"
	"github.com/privscan/privscan/fixtures"
	"github.com/privscan/privscan/internal/netguard"
	"github.com/privscan/privscan/internal/testenv"
)

// TestPublicOnlyRefusesWhatTheBrowserReached plays DNS rebinding: the HTTP
// client (discovery) is allowed through, as if the name had resolved to a
// public address, while the browser is sent to the loopback fixture server.
// The scan is refused and no report comes back.
func TestPublicOnlyRefusesWhatTheBrowserReached(t *testing.T) {
	_, err := browser.FindChrome("")
	testenv.Need(t, err)
	n, err := fixtures.StartDefault(t.Context(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	opts := DefaultOptions()
	opts.HostRules, opts.Insecure = n.HostRules(), true
	opts.MaxPages, opts.Profiles, opts.ProfilesExplicit = 1, []crawler.Profile{crawler.Baseline}, true
	plugins, err := DefaultPlugins(opts)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(t.Context(), opts, plugins)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	target, _ := ParseTarget("https://www.dynatron.test/")
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()

	guarded := opts
	guarded.PublicOnly = true
	g := s.WithOptions(guarded)
	// The guarded HTTP client refuses at once.
	if r, err := g.Scan(ctx, target); r != nil || !errors.Is(err, netguard.ErrLocal) {
		t.Fatalf("guarded discovery: report %v, err %v; want a refusal", r != nil, err)
	}
	// The browser's connections are checked too.
	g.client = s.client
	r, err := g.Scan(ctx, target)
	if r != nil || !errors.Is(err, netguard.ErrLocal) || !strings.Contains(err.Error(), "127.0.0.1") {
		t.Fatalf("browser reached loopback: report %v, err %v; want a refusal naming 127.0.0.1", r != nil, err)
	}
	// Without the guard the same scan goes through.
	if r, err := s.Scan(ctx, target); err != nil || r == nil || len(r.Pages) == 0 {
		t.Fatalf("unguarded scan: %v", err)
	}
}
