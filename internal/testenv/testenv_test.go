package testenv

import "testing"

func TestCIValue(t *testing.T) {
	for v, want := range map[string]bool{"": false, "0": false, "false": false, "FALSE": false, "true": true, "1": true, "yes": true} {
		if got := ciValue(v); got != want {
			t.Errorf("CI=%q: in CI = %v, want %v", v, got, want)
		}
	}
}
