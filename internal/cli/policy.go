package cli

import "context"

func runPolicy(ctx context.Context, args []string, env Env) error {
	return usageError("policy: not available yet")
}
