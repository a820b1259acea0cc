// Package testenv decides what a test does when something it needs from the
// machine (Chromium, PostgreSQL) is missing: on a developer's machine it
// skips, in CI it fails, so a skip can never hide a missing install there.
package testenv

import (
	"os"
	"strings"
	"testing"
)

// InCI reports whether the tests run in CI: the CI variable is set to
// anything but "", "0" or "false" (.ci/run sets CI=true).
func InCI() bool { return ciValue(os.Getenv("CI")) }

func ciValue(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "false":
		return false
	}
	return true
}

// Need stops t when missing is non-nil: it fails the test in CI and skips it
// elsewhere. missing says what is absent and how to install it.
func Need(t testing.TB, missing error) {
	t.Helper()
	if missing == nil {
		return
	}
	if InCI() {
		t.Fatalf("CI needs it and it is missing: %v", missing)
	}
	t.Skip(missing)
}
