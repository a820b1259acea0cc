package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/privscan/privscan/internal/store"
	"github.com/privscan/privscan/internal/store/storetest"
	"github.com/privscan/privscan/report"
)

func ptr[T any](v T) *T { return &v }

func sample(target string, at time.Time, ids ...string) *report.Report {
	r := &report.Report{SchemaVersion: report.SchemaVersion, Target: target, StartedAt: at, FinishedAt: at.Add(time.Minute),
		Profiles: []string{"baseline"},
		Pages:    []report.Page{{URL: target, Profile: "baseline", Status: 200}},
		Trackers: []report.Tracker{{Vendor: "google-analytics", Name: "Google Analytics", Category: "analytics", Profiles: []string{"baseline"}}},
		Cookies:  []report.Cookie{{Name: "_ga", Domain: ".example.test", Path: "/", Party: "first", LifetimeDays: ptr(400.0), Category: "analytics"}},
	}
	for i, id := range ids {
		r.Findings = append(r.Findings, report.Finding{ID: id, Code: "undisclosed-vendor", Severity: report.Severity(i % 4), Vendor: ptr("google-analytics"), Title: "t " + id})
	}
	r.Summary.Count(r.Findings)
	return r
}

func TestStore(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(string(driver), func(t *testing.T) {
			ctx := context.Background()
			db := storetest.Open(t, driver)
			if v, err := db.SchemaVersion(ctx); err != nil || v != 2 {
				t.Fatalf("schema version = %d, %v; want 2", v, err)
			}
			// Migrating again is a no-op.
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			a := sample("https://a.test/", t0, "PS-1", "PS-2")
			idA1, err := db.SaveScan(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			idA2, created, err := db.SaveScanOnce(ctx, "job-7", 3, sample("https://a.test/", t0.Add(time.Hour), "PS-1", "PS-3", "PS-4"))
			if err != nil || !created {
				t.Fatal(created, err)
			}
			again, created, err := db.SaveScanOnce(ctx, "job-7", 3, sample("https://a.test/", t0.Add(2*time.Hour)))
			if err != nil || created || again != idA2 {
				t.Fatalf("second save with the same key: id %v created %v err %v; want %v false nil", again, created, err, idA2)
			}
			if _, err := db.SaveScan(ctx, sample("https://b.test/", t0)); err != nil {
				t.Fatal(err)
			}

			got, err := db.Scan(ctx, idA1)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(a, got); diff != "" {
				t.Errorf("report round trip (-want +got):\n%s", diff)
			}
			if _, err := db.Scan(ctx, 999); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("missing scan: err = %v, want ErrNotFound", err)
			}

			scans, err := db.Scans(ctx, "https://a.test/", 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(scans) != 2 || scans[0].ID != idA2 || scans[1].ID != idA1 {
				t.Fatalf("scans = %+v, want [%v %v]", scans, idA2, idA1)
			}
			if want := (report.Summary{Info: 1, Low: 1, Medium: 1}); scans[0].Summary != want || scans[0].Trackers != 1 || scans[0].Cookies != 1 || scans[0].Pages != 1 {
				t.Errorf("summary = %+v", scans[0])
			}
			if !scans[1].StartedAt.Equal(t0) {
				t.Errorf("started_at = %v, want %v", scans[1].StartedAt, t0)
			}
			if lim, _ := db.Scans(ctx, "https://a.test/", 1); len(lim) != 1 {
				t.Errorf("limit 1 gave %d", len(lim))
			}
			sites, err := db.Sites(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(sites) != 2 || sites[0].Site != "https://a.test/" || sites[0].Scans != 2 || sites[0].Latest.ID != idA2 {
				t.Errorf("sites = %+v", sites)
			}
		})
	}
}

func TestMonitors(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(string(driver), func(t *testing.T) {
			ctx := context.Background()
			db := storetest.Open(t, driver)
			m, err := db.AddMonitor(ctx, store.Monitor{URL: "https://a.test/", Every: 24 * time.Hour, Options: []byte(`{"max_pages":3}`)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.AddMonitor(ctx, store.Monitor{URL: "https://b.test/", Every: time.Hour}); err != nil {
				t.Fatal(err)
			}
			// Adding the same URL again updates it.
			m2, err := db.AddMonitor(ctx, store.Monitor{URL: "https://a.test/", Every: 12 * time.Hour})
			if err != nil || m2.ID != m.ID || m2.Every != 12*time.Hour || string(m2.Options) != "{}" || !m2.CreatedAt.Equal(m.CreatedAt) {
				t.Fatalf("re-add: %+v %v; first add %+v", m2, err, m)
			}
			if string(m.Options) != `{"max_pages":3}` || m.URL != "https://a.test/" || m.CreatedAt.IsZero() || !m.NextRunAt.Equal(m.CreatedAt) {
				t.Errorf("added monitor = %+v", m)
			}
			due, err := db.DueMonitors(ctx, time.Now().Add(time.Second))
			if err != nil || len(due) != 2 {
				t.Fatalf("due = %v, %v", due, err)
			}
			if err := db.ScheduleNext(ctx, m.ID, time.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			due, _ = db.DueMonitors(ctx, time.Now().Add(time.Second))
			if len(due) != 1 || due[0].URL != "https://b.test/" {
				t.Fatalf("due after schedule = %+v", due)
			}
			if err := db.RemoveMonitor(ctx, "https://b.test/"); err != nil {
				t.Fatal(err)
			}
			if err := db.RemoveMonitor(ctx, "https://b.test/"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("second remove: %v", err)
			}
			all, _ := db.Monitors(ctx)
			if len(all) != 1 {
				t.Errorf("monitors = %+v", all)
			}
		})
	}
}

func TestMigrationsNumbered(t *testing.T) {
	for _, driver := range storetest.Drivers {
		migs, err := store.Migrations(driver)
		if err != nil {
			t.Fatal(err)
		}
		if len(migs) < 2 {
			t.Errorf("%s: %d migrations", driver, len(migs))
		}
	}
}
