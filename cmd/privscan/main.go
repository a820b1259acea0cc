// Command privscan audits a website's privacy behaviour — cookies, trackers,
// Global Privacy Control and Do Not Track handling — against its own
// published privacy policy. See the README for usage.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/privscan/privscan/internal/cli"
	"github.com/privscan/privscan/internal/scan"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	scan.Version = version
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := cli.Run(ctx, os.Args[1:], cli.OSEnv())
	stop()
	code := cli.Code(err)
	if err != nil && err.Error() != "" {
		if e, ok := err.(*cli.ExitError); !ok || e.Err != nil {
			fmt.Fprintln(os.Stderr, "privscan:", err)
		}
	}
	os.Exit(code)
}
