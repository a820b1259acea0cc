package monitor

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/internal/audit"
	"github.com/privscan/privscan/internal/scan"
)

// Options are the per-site scan settings a monitor or a queued scan carries.
// Zero fields take scan.DefaultOptions. Browser-level settings (host rules,
// TLS, remote browser) belong to the worker, not to the job.
type Options struct {
	MaxPages     int      `json:"max_pages,omitempty"`
	Depth        int      `json:"depth,omitempty"`
	Concurrency  int      `json:"concurrency,omitempty"`
	Profiles     []string `json:"profiles,omitempty"`
	PageTimeout  string   `json:"page_timeout,omitempty"`
	IgnoreRobots bool     `json:"ignore_robots,omitempty"`
	Policy       string   `json:"policy,omitempty"`

	// Dwell and NoInteraction are how pages are visited after their load
	// event (scan --dwell, --no-interaction).
	Dwell         string `json:"dwell,omitempty"`
	NoInteraction bool   `json:"no_interaction,omitempty"`
	// BannerWait and ConsentRuleTimeout are the consent journeys' waits
	// (scan --banner-wait, --consent-rule-timeout).
	BannerWait         string `json:"banner_wait,omitempty"`
	ConsentRuleTimeout string `json:"consent_rule_timeout,omitempty"`

	// Ignore is the text of an --ignore file (accepted findings), kept
	// whole so that every worker, on any machine, applies it.
	Ignore string `json:"ignore,omitempty"`
	// PublicOnly refuses the scan when the site turns out to be on a
	// private or local address (set by the dashboard without
	// --allow-private).
	PublicOnly bool `json:"public_only,omitempty"`
}

// Apply returns base with o's non-zero fields set.
func (o Options) Apply(base scan.Options) (scan.Options, error) {
	if o.MaxPages > 0 {
		base.MaxPages = o.MaxPages
	}
	if o.Depth > 0 {
		base.Depth = o.Depth
	}
	if o.Concurrency > 0 {
		base.Concurrency = o.Concurrency
	}
	if len(o.Profiles) > 0 {
		// Chosen profiles are kept as given, as with scan --profiles.
		base.Profiles, base.ProfilesExplicit = nil, true
		for _, p := range o.Profiles {
			prof := crawler.Profile(p)
			if !prof.Valid() {
				return base, fmt.Errorf("unknown profile %q", p)
			}
			base.Profiles = append(base.Profiles, prof)
		}
	}
	if o.PageTimeout != "" {
		d, err := time.ParseDuration(o.PageTimeout)
		if err != nil {
			return base, fmt.Errorf("page timeout: %w", err)
		}
		base.PageTimeout = d
	}
	for _, w := range []struct {
		name, value string
		into        *time.Duration
	}{{"dwell", o.Dwell, &base.Dwell}, {"banner wait", o.BannerWait, &base.BannerWait}, {"consent rule timeout", o.ConsentRuleTimeout, &base.ConsentRuleTimeout}} {
		if w.value == "" {
			continue
		}
		d, err := time.ParseDuration(w.value)
		if err != nil {
			return base, fmt.Errorf("%s: %w", w.name, err)
		}
		*w.into = d
	}
	if err := scan.CheckWaits(base); err != nil {
		return base, err
	}
	base.NoInteraction = base.NoInteraction || o.NoInteraction
	base.IgnoreRobots = base.IgnoreRobots || o.IgnoreRobots
	if o.Policy != "" {
		base.Policy = o.Policy
	}
	base.PublicOnly = base.PublicOnly || o.PublicOnly
	if o.Ignore != "" {
		sups, err := audit.ParseSuppressions([]byte(o.Ignore))
		if err != nil {
			return base, err
		}
		base.Ignore = sups
	}
	return base, nil
}

// Marshal encodes the options for the store.
func (o Options) Marshal() json.RawMessage {
	b, _ := json.Marshal(o)
	return b
}

// ParseOptions decodes options stored by Marshal; empty data is the zero
// Options.
func ParseOptions(data json.RawMessage) (Options, error) {
	var o Options
	if len(data) == 0 {
		return o, nil
	}
	err := json.Unmarshal(data, &o)
	return o, err
}

// ScanArgs is a queued scan of one URL.
type ScanArgs struct {
	URL       string  `json:"url" river:"unique"`
	MonitorID int64   `json:"monitor_id,omitempty"`
	Options   Options `json:"options"`
}

// ScanKind is the River job kind of a scan.
const ScanKind = "privscan_scan"

// Kind implements river.JobArgs.
func (ScanArgs) Kind() string { return ScanKind }

// MaxAttempts is how often a scan job is tried before it is discarded.
const MaxAttempts = 5

// InsertOpts makes scan jobs unique per URL while one is queued or running.
func (ScanArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		MaxAttempts: MaxAttempts,
		UniqueOpts: river.UniqueOpts{
			ByArgs: true,
			ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
				rivertype.JobStateRetryable, rivertype.JobStateScheduled},
		},
	}
}

// TickArgs is the periodic job that enqueues the due monitors' scans.
type TickArgs struct{}

// Kind implements river.JobArgs.
func (TickArgs) Kind() string { return "privscan_tick" }

// ControlQueue is the River queue of the scheduler's ticks.
const ControlQueue = "privscan_control"

// InsertOpts runs ticks once, never retried (the next tick comes soon), on
// their own queue.
func (TickArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 1, Queue: ControlQueue}
}
