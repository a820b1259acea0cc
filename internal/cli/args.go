package cli

import (
	"errors"
	"flag"
)

// parseArgs parses a subcommand's flags, which may come before or after its
// positional arguments. done tells the caller to return err at once: nil
// after -h/--help (fs printed the usage), an ExitError after a bad flag (fs
// printed why).
func parseArgs(fs *flag.FlagSet, args []string) (pos []string, done bool, err error) {
	pos, err = parseInterspersed(fs, args)
	switch {
	case err == nil:
		return pos, false, nil
	case errors.Is(err, flag.ErrHelp):
		return nil, true, nil
	default:
		return nil, true, &ExitError{Code: ExitFailure}
	}
}
