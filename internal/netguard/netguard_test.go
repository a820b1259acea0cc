package netguard_test

import (
	"context"
	"errors"
	"net/netip"
	"net/url"
	"testing"

	"github.com/privscan/privscan/internal/netguard"
)

type fakeResolver map[string][]netip.Addr

func (f fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if a, ok := f[host]; ok {
		return a, nil
	}
	return nil, errors.New("no such host")
}

func TestCheckTarget(t *testing.T) {
	r := fakeResolver{
		"public.test":    {netip.MustParseAddr("93.184.216.34")},
		"mixed.test":     {netip.MustParseAddr("93.184.216.34"), netip.MustParseAddr("10.0.0.5")},
		"loop.test":      {netip.MustParseAddr("::1")},
		"linklocal.test": {netip.MustParseAddr("169.254.169.254")},
		"mapped.test":    {netip.MustParseAddr("::ffff:192.168.1.1")},
	}
	tests := []struct {
		url string
		ok  bool
	}{
		{"https://public.test/", true},
		{"https://mixed.test/", false},
		{"https://loop.test/", false},
		{"https://linklocal.test/", false},
		{"https://mapped.test/", false},
		{"http://127.0.0.1:8080/", false},
		{"http://[fe80::1]/", false},
		{"http://100.64.1.1/", false},
		{"http://0.0.0.0/", false},
		{"http://255.255.255.255/", false},
		{"http://[fd00::1]/", false},
		{"http://[fec0::1]/", false},
		{"http://[::ffff:10.0.0.1]/", false},
		{"http://[64:ff9b::7f00:1]/", false},
		{"http://[2002:c0a8:101::1]/", false},
		{"http://[2002:5db8:d822::1]/", true},
		{"http://[2606:2800:220:1:248:1893:25c8:1946]/", true},
		{"https://unknown.test/", false},
	}
	for _, tt := range tests {
		u, _ := url.Parse(tt.url)
		err := netguard.CheckTarget(context.Background(), r, u)
		if (err == nil) != tt.ok {
			t.Errorf("CheckTarget(%s) = %v, want ok=%v", tt.url, err, tt.ok)
		}
	}
}

func TestControl(t *testing.T) {
	tests := []struct {
		address string
		ok      bool
	}{
		{"93.184.216.34:443", true},
		{"[2606:2800:220:1:248:1893:25c8:1946]:443", true},
		{"127.0.0.1:8443", false},
		{"[::1]:80", false},
		{"169.254.169.254:80", false},
		{"[::ffff:10.1.2.3]:80", false},
		{"not-an-address", false},
	}
	for _, tt := range tests {
		err := netguard.Control("tcp", tt.address, nil)
		if (err == nil) != tt.ok {
			t.Errorf("Control(%s) = %v, want ok=%v", tt.address, err, tt.ok)
		}
		if err != nil && tt.address != "not-an-address" && !errors.Is(err, netguard.ErrLocal) {
			t.Errorf("Control(%s) = %v, not ErrLocal", tt.address, err)
		}
	}
}

func TestLocalIP(t *testing.T) {
	for ip, want := range map[string]bool{"127.0.0.1": true, "[::1]": true, "10.0.0.8": true, "93.184.216.34": false,
		"[2606:2800:220:1:248:1893:25c8:1946]": false, "": false, "garbage": false} {
		if got := netguard.LocalIP(ip); got != want {
			t.Errorf("LocalIP(%q) = %v, want %v", ip, got, want)
		}
	}
}
