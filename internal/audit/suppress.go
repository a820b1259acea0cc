package audit

import (
	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/privscan/privscan/report"
)

// Suppression accepts a finding by id, with a reason and an optional expiry
// date, as written in an --ignore file:
//
//   - id: PS-1A2B3C4D5E6F
//     reason: accepted by the client's DPO, ticket 123
//     expires: 2027-03-31
type Suppression struct {
	ID      string `yaml:"id"`
	Reason  string `yaml:"reason"`
	Expires string `yaml:"expires"`

	expires time.Time
}

// ParseSuppressions reads an --ignore file (YAML; JSON is valid YAML too).
func ParseSuppressions(data []byte) ([]Suppression, error) {
	var sups []Suppression
	if err := yaml.Unmarshal(data, &sups); err != nil {
		return nil, fmt.Errorf("ignore file: want a list of {id, reason, expires}: %w", err)
	}
	for i := range sups {
		s := &sups[i]
		s.ID = strings.TrimSpace(s.ID)
		if s.ID == "" {
			return nil, fmt.Errorf("ignore file: entry %d has no id", i+1)
		}
		if s.Expires != "" {
			t, err := time.Parse(time.DateOnly, strings.TrimSpace(s.Expires))
			if err != nil {
				return nil, fmt.Errorf("ignore file: %s: expires %q is not a YYYY-MM-DD date", s.ID, s.Expires)
			}
			s.expires = t
		}
	}
	return sups, nil
}

// Suppress moves accepted findings out of findings. An expired suppression
// no longer applies, and a note says so.
func Suppress(findings []report.Finding, sups []Suppression, now time.Time) (kept, suppressed []report.Finding, notes []string) {
	byID := map[string]Suppression{}
	for _, s := range sups {
		byID[s.ID] = s
	}
	kept = []report.Finding{}
	for _, f := range findings {
		s, ok := byID[f.ID]
		switch {
		case !ok:
			kept = append(kept, f)
		case !s.expires.IsZero() && !now.Before(s.expires.AddDate(0, 0, 1)):
			kept = append(kept, f)
			notes = append(notes, fmt.Sprintf("suppression of %s expired on %s", f.ID, s.Expires))
		default:
			reason := s.Reason
			if reason == "" {
				reason = "suppressed"
			}
			if s.Expires != "" {
				reason += " (until " + s.Expires + ")"
			}
			f.SuppressedBecause = reason
			suppressed = append(suppressed, f)
		}
	}
	return kept, suppressed, notes
}
