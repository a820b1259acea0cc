package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/privscan/privscan/crawler/consent/autoconsent"
)

// runRules implements `privscan rules update|show`: the consent rule set
// (DuckDuckGo's autoconsent) that consent journeys use first.
func runRules(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("rules", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	dir := fs.String("autoconsent", "", "package directory (default: $"+autoconsent.EnvVar+", then the cache)")
	force := fs.Bool("force", false, "update: fetch again even when the cache holds the pinned version")
	verbose := fs.Bool("v", false, "verbose: structured logs on stderr")
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: privscan rules update|show [flags]\n\n"+
			"update fetches %s@%s (%s) with the npm client into the cache, checks it\n"+
			"against the pinned integrity and says where it is; show says which copy a scan would use.\n\n", autoconsent.Package, autoconsent.Version, autoconsent.License)
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError("%v", err)
	}
	if len(pos) != 1 || (pos[0] != "update" && pos[0] != "show") {
		fs.Usage()
		return usageError("rules: want update or show")
	}
	getenv := env.Getenv
	var b *autoconsent.Bundle
	switch pos[0] {
	case "update":
		target := *dir
		if target == "" {
			target = getenv(autoconsent.EnvVar)
		}
		if target == "" {
			if target, err = autoconsent.CacheDir(getenv); err != nil {
				return &ExitError{Code: ExitFailure, Err: err}
			}
		}
		var fetched bool
		b, fetched, err = autoconsent.Update(ctx, target, *force, newLogger(env, *verbose))
		if err != nil {
			return &ExitError{Code: ExitFailure, Err: err}
		}
		state := "already up to date"
		if fetched {
			state = "fetched; integrity " + autoconsent.Integrity + " verified"
		}
		fmt.Fprintf(env.Stdout, "%s %s: %s\n", autoconsent.Package, b.Version, state)
	case "show":
		b, err = autoconsent.Find(*dir, getenv)
		if err != nil {
			return &ExitError{Code: ExitFailure, Err: err}
		}
		fmt.Fprintf(env.Stdout, "%s %s (found via %s)\n", autoconsent.Package, b.Version, b.Source)
	}
	fmt.Fprintf(env.Stdout, "licence:  %s (Mozilla Public License 2.0; its text: %s)\n", b.License, b.Dir+"/LICENSE")
	fmt.Fprintf(env.Stdout, "location: %s\n", b.Dir)
	fmt.Fprintf(env.Stdout, "rules:    %d declarative rules, plus the platforms built into the content script\n", len(b.Full))
	return nil
}
