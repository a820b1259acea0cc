package monitor_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/privscan/privscan/internal/audit"
	"github.com/privscan/privscan/internal/monitor"
	"github.com/privscan/privscan/internal/scan"
	"github.com/privscan/privscan/internal/store"
	"github.com/privscan/privscan/internal/store/storetest"
)

// TestSQLiteWorkerAlerts runs the whole loop in one process on SQLite: a
// monitor comes due, the tick queues its scan, the worker scans the fixture
// site, stores the report and posts the webhook with a link to it.
func TestSQLiteWorkerAlerts(t *testing.T) {
	requireChrome(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db := storetest.Open(t, store.SQLite)
	n := fixtureNet(t)

	var mu sync.Mutex
	var alerts []monitor.Alert
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var a monitor.Alert
		_ = json.NewDecoder(r.Body).Decode(&a)
		mu.Lock()
		alerts = append(alerts, a)
		mu.Unlock()
	}))
	defer hook.Close()

	base := scan.DefaultOptions()
	base.HostRules, base.Insecure = n.HostRules(), true
	q, err := monitor.Open(ctx, db, monitor.Config{Work: true, ScanOptions: base, Tick: time.Second,
		Webhook: &monitor.Webhook{URL: hook.URL}, PublicURL: "https://dash.example", JobTimeout: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	target := "https://www.dynamicweb.test/"
	// The monitor carries an accepted finding; the worker applies it, so the
	// alert leaves it out.
	accepted := audit.ID(audit.CodeTrackingBeforeConsent, "dynamicweb.test", "vendor:google-analytics")
	opts := testOptions
	opts.Ignore = "- id: " + accepted + "\n  reason: consent mode rollout, ticket 77\n"
	if _, err := db.AddMonitor(ctx, store.Monitor{URL: target, Every: time.Hour, Options: opts.Marshal()}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- q.Run(ctx, 10*time.Second) }()

	waitFor(t, 5*time.Minute, "the alert", func() (bool, error) {
		mu.Lock()
		defer mu.Unlock()
		return len(alerts) > 0, nil
	})
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
	scans, err := db.Scans(context.Background(), target, 0)
	if err != nil || len(scans) != 1 {
		t.Fatalf("stored scans %v %v; want 1", scans, err)
	}
	a := alerts[0]
	if a.ScanID != int64(scans[0].ID) || a.ReportURL != "https://dash.example/scans/"+scans[0].ID.String() || len(a.NewFindings) == 0 ||
		!strings.Contains(a.Text, target) {
		t.Errorf("alert = %+v", a)
	}
	for _, f := range a.NewFindings {
		if f.ID == accepted {
			t.Errorf("accepted finding %s alerted", accepted)
		}
	}
	stored, err := db.Scan(context.Background(), scans[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored.Suppressed) != 1 || stored.Suppressed[0].ID != accepted {
		t.Errorf("suppressed = %+v; want %s", stored.Suppressed, accepted)
	}
	m, _ := db.Monitor(context.Background(), target)
	if !m.NextRunAt.After(time.Now().Add(50 * time.Minute)) {
		t.Errorf("next run %v not moved on by the interval", m.NextRunAt)
	}
}
