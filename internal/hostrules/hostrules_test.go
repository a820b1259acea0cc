package hostrules

import (
	"errors"
	"testing"
)

func TestResolve(t *testing.T) {
	tests := []struct {
		name, rules, addr, want string
		wantErr                 error
	}{
		{"map all", "MAP * 127.0.0.1:8443, EXCLUDE localhost", "www.example.com:443", "127.0.0.1:8443", nil},
		{"exclude wins", "MAP * 127.0.0.1:8443, EXCLUDE localhost", "localhost:9000", "localhost:9000", nil},
		{"keeps port", "MAP *.example.com 10.1.1.1", "www.example.com:80", "10.1.1.1:80", nil},
		{"first map wins", "MAP www.a.test 127.0.0.1:1, MAP * 127.0.0.1:2", "www.a.test:443", "127.0.0.1:1", nil},
		{"notfound", "MAP a.test 127.0.0.1:1, MAP * ~NOTFOUND", "b.test:443", "", ErrNotFound},
		{"no rules", "", "b.test:443", "b.test:443", nil},
		{"case", "MAP WWW.A.TEST 127.0.0.1:1", "www.a.test:443", "127.0.0.1:1", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Parse(tt.rules)
			if err != nil {
				t.Fatal(err)
			}
			got, err := r.Resolve(tt.addr)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("Resolve(%q) = %q, want %q", tt.addr, got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, text := range []string{"MAP onlyone", "REDIRECT a b", "EXCLUDE a b"} {
		if _, err := Parse(text); err == nil {
			t.Errorf("Parse(%q): want error", text)
		}
	}
}
