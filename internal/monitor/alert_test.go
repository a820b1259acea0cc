package monitor_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/privscan/privscan/internal/monitor"
	"github.com/privscan/privscan/report"
)

func TestNewAlert(t *testing.T) {
	f := func(id string, sev report.Severity) report.Finding {
		return report.Finding{ID: id, Code: "undisclosed-vendor", Severity: sev, Title: "title " + id}
	}
	prev := &report.Report{Target: "https://a.test/", Findings: []report.Finding{f("PS-OLD", report.High)}}
	cur := &report.Report{Target: "https://a.test/", Findings: []report.Finding{f("PS-OLD", report.High), f("PS-NEW", report.Medium), f("PS-LOW", report.Low)}}
	tests := []struct {
		name      string
		prev      *report.Report
		threshold report.Severity
		want      []string
	}{
		{"new medium", prev, report.Medium, []string{"PS-NEW"}},
		{"nothing new at high", prev, report.High, nil},
		{"first scan: all new", nil, report.Low, []string{"PS-OLD", "PS-NEW", "PS-LOW"}},
	}
	for _, tt := range tests {
		a := monitor.NewAlert(tt.prev, 1, cur, 2, tt.threshold, "https://dash.example/")
		var got []string
		if a != nil {
			for _, nf := range a.NewFindings {
				got = append(got, nf.ID)
			}
			if a.ReportURL != "https://dash.example/scans/2" || !strings.Contains(a.Text, "https://dash.example/scans/2") {
				t.Errorf("%s: report link %q / %q", tt.name, a.ReportURL, a.Text)
			}
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("%s: new findings %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestWebhookRetries(t *testing.T) {
	var calls atomic.Int32
	var got monitor.Alert
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) < 3 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		_ = json.NewDecoder(r.Body).Decode(&got)
	}))
	defer srv.Close()
	wh := &monitor.Webhook{URL: srv.URL, Attempts: 4, Backoff: 10 * time.Millisecond}
	if err := wh.Send(context.Background(), &monitor.Alert{Text: "hello", ScanID: 7}); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 3 || got.Text != "hello" || got.ScanID != 7 {
		t.Errorf("calls %d, payload %+v", calls.Load(), got)
	}

	calls.Store(-100) // always fails
	if err := wh.Send(context.Background(), &monitor.Alert{Text: "x"}); err == nil {
		t.Error("send to a failing hook succeeded")
	}
	if n := calls.Load() + 100; n != 4 {
		t.Errorf("attempts = %d, want 4 (bounded)", n)
	}
}
