package crawler

import (
	"slices"
	"testing"
)

func TestSameSite(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"www.example.co.uk", "shop.example.co.uk", true},
		{".example.co.uk", "www.example.co.uk", true},
		{"example.co.uk", "other.co.uk", false},
		{"js.hs-scripts.com", "hs-scripts.com", true},
		{"www.dynamicweb.test", "dynamicweb.test", true},
		{"127.0.0.1", "10.0.0.1", false},
		{"127.0.0.1", "127.0.0.1", true},
		{"localhost", "localhost", true},
		{"localhost", "example.com", false},
	}
	for _, tt := range tests {
		if got := SameSite(tt.a, tt.b); got != tt.want {
			t.Errorf("SameSite(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestCompareProfiles(t *testing.T) {
	got := []string{"accept", "zeta", "dnt", "reject", "baseline", "gpc", "alpha"}
	slices.SortFunc(got, CompareProfiles)
	want := []string{"baseline", "gpc", "dnt", "reject", "accept", "alpha", "zeta"}
	if !slices.Equal(got, want) {
		t.Errorf("order = %v, want %v", got, want)
	}
}

func TestCookieAttribute(t *testing.T) {
	line := "id=1; Path=/; DOMAIN=.example.com; Max-Age=60"
	if got := CookieAttribute(line, "domain"); got != ".example.com" {
		t.Errorf("domain = %q", got)
	}
	if got := CookieAttribute(line, "expires"); got != "" {
		t.Errorf("expires = %q", got)
	}
	if got := CookieAttribute("a=domain=x", "domain"); got != "" {
		t.Errorf("the value is not an attribute: %q", got)
	}
}
