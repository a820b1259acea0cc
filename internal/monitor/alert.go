package monitor

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/privscan/privscan/internal/diff"
	"github.com/privscan/privscan/internal/store"
	"github.com/privscan/privscan/report"
)

// Alert is the JSON body posted to the webhook. Text makes it a valid Slack
// incoming-webhook message.
type Alert struct {
	Text           string         `json:"text"`
	Site           string         `json:"site"`
	ScanID         int64          `json:"scan_id"`
	PreviousScanID int64          `json:"previous_scan_id,omitempty"`
	ReportURL      string         `json:"report_url,omitempty"`
	Threshold      string         `json:"threshold"`
	NewFindings    []AlertFinding `json:"new_findings"`
	Summary        report.Summary `json:"summary"`
}

// AlertFinding is one new finding in an alert.
type AlertFinding struct {
	ID       string `json:"id"`
	Code     string `json:"code"`
	Severity string `json:"severity"`
	Title    string `json:"title"`
}

// NewAlert builds the alert for a scan compared with the site's previous
// scan, or nil when no new finding reaches the threshold. With no previous
// scan every finding is new.
func NewAlert(prev *report.Report, prevID store.ScanID, cur *report.Report, id store.ScanID, threshold report.Severity, publicURL string) *Alert {
	if prev == nil {
		prev = &report.Report{Target: cur.Target}
	}
	found := diff.Compare(prev, cur).NewAtOrAbove(threshold)
	if len(found) == 0 {
		return nil
	}
	a := &Alert{Site: cur.Target, ScanID: int64(id), PreviousScanID: int64(prevID), Threshold: threshold.String()}
	a.Summary.Count(cur.Findings)
	if publicURL != "" {
		a.ReportURL = strings.TrimRight(publicURL, "/") + "/scans/" + id.String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "privscan: %d new finding(s) at or above %s on %s", len(found), threshold, cur.Target)
	if a.ReportURL != "" {
		fmt.Fprintf(&b, " — <%s|report>", a.ReportURL)
	}
	for _, f := range found {
		a.NewFindings = append(a.NewFindings, AlertFinding{ID: f.ID, Code: f.Code, Severity: f.Severity.String(), Title: f.Title})
		fmt.Fprintf(&b, "\n• [%s] %s (%s)", f.Severity, f.Title, f.ID)
	}
	a.Text = b.String()
	return a
}

// Webhook posts alerts to a URL with bounded retries.
type Webhook struct {
	URL    string
	Client *http.Client
	// Attempts bounds the tries (default 4); Backoff is the first wait,
	// doubled after each failure (default 1s).
	Attempts int
	Backoff  time.Duration
}

// Send posts the alert, retrying network errors, 429 and 5xx answers.
func (w *Webhook) Send(ctx context.Context, a *Alert) error {
	body, err := json.Marshal(a)
	if err != nil {
		return err
	}
	client := w.Client
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	attempts, backoff := w.Attempts, w.Backoff
	if attempts < 1 {
		attempts = 4
	}
	if backoff <= 0 {
		backoff = time.Second
	}
	var last error
	for i := 0; i < attempts; i++ {
		if i > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(backoff):
			}
			backoff *= 2
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", "privscan-alert")
		resp, err := client.Do(req)
		if err != nil {
			last = err
			continue
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		if resp.StatusCode < 300 {
			return nil
		}
		last = fmt.Errorf("webhook answered %s", resp.Status)
		if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode < 500 {
			return last
		}
	}
	return fmt.Errorf("webhook failed after %d attempts: %w", attempts, last)
}
