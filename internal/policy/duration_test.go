package policy

import "testing"

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in          string
		days        float64
		session, ok bool
	}{
		{"Session", 0, true, true},
		{"session", 0, true, true},
		{"End of session (browser)", 0, true, true},
		{"Seesion", 0, true, true},
		{"Sitzung", 0, true, true},
		{"30 minutes", 0.0208, false, true},
		{"30 minutes after last activity", 0.0208, false, true},
		{"1 day", 1, false, true},
		{"24 hours", 1, false, true},
		{"13 months", 390, false, true},
		{"2 years", 730, false, true},
		{"2 Years", 730, false, true},
		{"3650 Days", 3650, false, true},
		{"3,650 days", 3650, false, true},
		{"1.5 years", 547.5, false, true},
		{"1 year 2 months", 425, false, true},
		{"Session to 30 days", 30, false, true},
		{"1 week - 1 year", 365, false, true},
		{"60 days till 3650 days", 3650, false, true},
		{"one year", 365, false, true},
		{"a month", 30, false, true},
		{"364", 364, false, true},
		{"0", 0, false, true},
		{"2 Jahre", 730, false, true},
		{"1 jaar", 365, false, true},
		{"6 måneder", 180, false, true},
		{"13 mois", 390, false, true},
		{"2 años", 730, false, true},
		{"24 ore", 1, false, true},
		{"1 år", 365, false, true},
		{"2 lata", 730, false, true},
		{"400 days", 400, false, true},
		{"persistent", 0, false, false},
		{"Persistent", 0, false, false},
		{"forever", 0, false, false},
		{"no expiration", 0, false, false},
		{"Unknown", 0, false, false},
		{"Varies", 0, false, false},
		{"10 Nov 2030", 0, false, false},
		{"", 0, false, false},
		{"HTTP Cookie", 0, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			days, session, ok := ParseDuration(tt.in)
			if days != tt.days || session != tt.session || ok != tt.ok {
				t.Errorf("ParseDuration(%q) = %v, %v, %v; want %v, %v, %v", tt.in, days, session, ok, tt.days, tt.session, tt.ok)
			}
		})
	}
}
