// Package actest gives tests the installed autoconsent package. In CI
// (CI=true) a missing package fails the test: `make test` fetches it first,
// so CI always exercises the real rule set. Elsewhere the test is skipped
// with the command that installs it.
package actest

import (
	"fmt"
	"os"
	"testing"

	"github.com/privscan/privscan/crawler/consent/autoconsent"
	"github.com/privscan/privscan/internal/testenv"
)

// Bundle returns the package found as a scan would find it (the
// environment variable, then the cache).
func Bundle(tb testing.TB) *autoconsent.Bundle {
	tb.Helper()
	b, err := autoconsent.Find("", os.Getenv)
	if err != nil {
		testenv.Need(tb, fmt.Errorf("autoconsent (make test fetches it; or run `privscan rules update`): %w", err))
	}
	return b
}
