package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/privscan/privscan/crawler/consent/autoconsent"
	"github.com/privscan/privscan/crawler/consent/autoconsent/actest"
)

// TestRulesShow: `privscan rules show` names the package, its version,
// licence and location, and how it was found.
func TestRulesShow(t *testing.T) {
	b := actest.Bundle(t)
	env, out, _ := testEnv()
	if err := Run(context.Background(), []string{"rules", "show", "--autoconsent", b.Dir}, env); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{autoconsent.Package + " " + autoconsent.Version + " (found via flag)", "licence:  MPL-2.0", "location: " + b.Dir} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestRulesErrors(t *testing.T) {
	for _, args := range [][]string{{"rules"}, {"rules", "fetch"}, {"rules", "show", "--autoconsent", t.TempDir()}} {
		env, _, _ := testEnv()
		env.Getenv = func(string) string { return t.TempDir() }
		if err := Run(context.Background(), args, env); Code(err) != ExitFailure {
			t.Errorf("%v: exit %d (%v), want %d", args, Code(err), err, ExitFailure)
		}
	}
}
