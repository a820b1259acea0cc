// Package actest gives tests the installed autoconsent package. In CI
// (CI=true) a missing package fails the test: `make test` fetches it first,
// so CI always exercises the real rule set. Elsewhere the test is skipped
// with the command that installs it.
package actest

import (
	"os"
	"testing"

	"github.com/privscan/privscan/crawler/consent/autoconsent"
)

// Bundle returns the package found as a scan would find it (the
// environment variable, then the cache).
func Bundle(tb testing.TB) *autoconsent.Bundle {
	tb.Helper()
	b, err := autoconsent.Find("", os.Getenv)
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("autoconsent is required in CI (make test fetches it): %v", err)
		}
		tb.Skipf("autoconsent not available (run `privscan rules update`): %v", err)
	}
	return b
}
