package procstat

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

func TestFields(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name, stat string
		state      string
		ppid       int
		own, all   time.Duration
	}{
		{"plain", "42 (chromium) S 7 42 42 0 -1 4194560 100 0 0 0 150 50 30 20 20 0 1 0", "S", 7, 2 * time.Second, 2500 * time.Millisecond},
		{"name with spaces and parentheses", "43 (Chrome_Child) IOT)) R 1 43 43 0 -1 0 0 0 0 0 7 3 0 0", "R", 1, 100 * time.Millisecond, 100 * time.Millisecond},
		{"truncated", "44 (x) S 1 44", "S", 1, 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.name)
			if err := os.WriteFile(path, []byte(c.stat+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			f := Fields(path)
			if len(f) == 0 || f[0] != c.state {
				t.Fatalf("Fields = %q, want state %q first", f, c.state)
			}
			if got := Parent(f); got != c.ppid {
				t.Errorf("Parent = %d, want %d", got, c.ppid)
			}
			if got := CPU(f, false); got != c.own {
				t.Errorf("CPU(own) = %v, want %v", got, c.own)
			}
			if got := CPU(f, true); got != c.all {
				t.Errorf("CPU(with children) = %v, want %v", got, c.all)
			}
		})
	}
	if Fields(filepath.Join(dir, "missing")) != nil {
		t.Error("a missing file has fields")
	}
}

// TestSelf reads this process's own stat file: it has spun for a while, so
// it has used CPU time.
func TestSelf(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc is Linux's")
	}
	for start := time.Now(); time.Since(start) < 50*time.Millisecond; {
	}
	f := Fields("/proc/self/stat")
	if Parent(f) != os.Getppid() {
		t.Errorf("Parent = %d, want %d", Parent(f), os.Getppid())
	}
	if CPU(f, false) <= 0 {
		t.Errorf("CPU = %v after spinning", CPU(f, false))
	}
}
