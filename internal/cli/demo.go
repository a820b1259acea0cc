package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"

	"github.com/privscan/privscan/fixtures"
)

// runDemo starts the fixture internet and scans its demo site, as a user
// would scan a staging server: host rules map the site's names to the local
// server and --insecure accepts its self-signed certificate.
func runDemo(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var f scanFlags
	f.register(fs)
	site := fs.String("site", fixtures.DemoSite().Name, "fixture site to scan (see 'privscan fixtures serve')")
	pos, done, err := parseArgs(fs, args)
	if done {
		return err
	}
	if len(pos) != 0 {
		return usageError("demo takes no arguments")
	}
	var chosen *fixtures.Site
	for _, s := range fixtures.Sites() {
		if s.Name == *site {
			chosen = &s
		}
	}
	if chosen == nil {
		return usageError("unknown fixture site %q", *site)
	}
	if err := f.finish(env, fs); err != nil {
		return err
	}
	net, err := fixtures.StartDefault(ctx, f.opts.Logger)
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	defer net.Close()
	f.opts.HostRules = net.HostRules()
	f.opts.Insecure = true
	if !f.quiet {
		fmt.Fprintf(env.Stderr, "fixture internet on %s; scanning %s\n", net.Addr, chosen.Home)
	}
	u, err := url.Parse(chosen.Home)
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	return scanAndWrite(ctx, u, f, env)
}

// runFixtures serves the fixture internet until interrupted.
func runFixtures(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 || args[0] != "serve" {
		return usageError("usage: privscan fixtures serve")
	}
	fs := flag.NewFlagSet("fixtures serve", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	verbose := fs.Bool("v", false, "log every request")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return &ExitError{Code: ExitFailure}
	}
	net, err := fixtures.StartDefault(ctx, newLogger(env, *verbose))
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	defer net.Close()
	fmt.Fprintf(env.Stdout, "fixture internet listening on %s (TLS and plain HTTP on one port)\n\nsites:\n", net.Addr)
	for _, s := range fixtures.Sites() {
		fmt.Fprintf(env.Stdout, "  %-14s %s  %s\n", s.Name, s.Home, s.Description)
	}
	fmt.Fprintf(env.Stdout, "\nscan one with:\n  privscan scan %s --insecure --host-rules %q\n", fixtures.DemoSite().Home, net.HostRules())
	fmt.Fprintf(env.Stdout, "\nChromium by hand:\n  chromium --ignore-certificate-errors --host-resolver-rules=%q %s\n\nCtrl-C stops.\n", net.HostRules(), fixtures.DemoSite().Home)
	<-ctx.Done()
	return nil
}
