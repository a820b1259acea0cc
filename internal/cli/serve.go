package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/privscan/privscan/internal/store"
	"github.com/privscan/privscan/internal/web"
)

// runServe runs the dashboard until interrupted.
func runServe(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	dbAddr := fs.String("db", defaultDB(env), "database: SQLite file or postgres:// URL")
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	token := fs.String("token", "", "bearer token every request must carry (default $PRIVSCAN_TOKEN); required")
	allowPrivate := fs.Bool("allow-private", false, "let monitors target private, loopback and link-local addresses")
	verbose := fs.Bool("v", false, "verbose: debug logs")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: privscan serve --token TOKEN [flags]")
		fs.PrintDefaults()
	}
	if _, done, err := parseArgs(fs, args); done {
		return err
	}
	if *token == "" && env.Getenv != nil {
		*token = env.Getenv("PRIVSCAN_TOKEN")
	}
	if *token == "" {
		return usageError("serve refuses to start without a token: pass --token or set PRIVSCAN_TOKEN")
	}
	logger := newWorkerLogger(env, *verbose)
	db, err := store.Open(ctx, *dbAddr)
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	defer db.Close()
	srv, err := web.New(db, web.Config{Token: *token, AllowPrivate: *allowPrivate, Logger: logger})
	if err != nil {
		return usageError("%v", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(env.Stderr, "dashboard on http://%s\n", ln.Addr())
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
	}()
	if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	return nil
}
