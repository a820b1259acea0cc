package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMonitorCommands adds, lists, queues and removes a monitor on a SQLite
// database; the monitor keeps its --ignore file's entries.
func TestMonitorCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "privscan.db")
	ignore := filepath.Join(dir, "ignore.yaml")
	if err := os.WriteFile(ignore, []byte("- id: PS-AFC8965D0764\n  reason: counsel is adding a DNT statement\n  expires: 2099-01-01\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"monitor", "add", "https://www.example.test/", "--every", "12h", "--max-pages", "5", "--ignore", ignore}, 0, "monitor 1: https://www.example.test/ every 12h0m0s"},
		{[]string{"monitor", "list"}, 0, `{"max_pages":5,"ignore":"1 accepted findings"}`},
		{[]string{"monitor", "add", "https://www.other.test/", "--ignore", filepath.Join(dir, "missing.yaml")}, ExitFailure, "--ignore"},
		{[]string{"monitor", "add", "https://www.other.test/", "--every", "10s"}, ExitFailure, "at least 1m"},
		{[]string{"monitor", "run-now", "1"}, 0, "queued"},
		{[]string{"monitor", "run-now", "1"}, 0, "already"},
		{[]string{"monitor", "remove", "https://www.example.test/"}, 0, "removed"},
		{[]string{"monitor", "list"}, 0, "ID"},
		{[]string{"monitor", "remove", "1"}, ExitFailure, "not found"},
	}
	for _, st := range steps {
		env, stdout, stderr := testEnv()
		err := Run(t.Context(), append(st.args, "--db", db), env)
		out := stdout.String() + stderr.String()
		if err != nil {
			out += err.Error()
		}
		if got := Code(err); got != st.code {
			t.Fatalf("%v: exit code %d (%s), want %d", st.args, got, out, st.code)
		}
		if !strings.Contains(out, st.want) {
			t.Errorf("%v: output %q does not mention %q", st.args, out, st.want)
		}
		if st.args[1] == "list" && st.want == "ID" && strings.Contains(out, "example.test") {
			t.Errorf("removed monitor still listed: %s", out)
		}
	}
}
