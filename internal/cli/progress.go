package cli

import (
	"fmt"
	"sync"

	"github.com/privscan/privscan/internal/scan"
)

// progress prints one updating status line on a terminal's stderr: pages
// done per profile and the current URL. It is silent when stderr is not a
// terminal or with -q.
type progress struct {
	mu      sync.Mutex
	env     Env
	enabled bool
	shown   bool
}

func newProgress(env Env, quiet bool) *progress {
	return &progress{env: env, enabled: env.StderrTTY && !quiet}
}

func (p *progress) update(u scan.Progress) {
	if !p.enabled {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	line := fmt.Sprintf("[%s] %d/%d %s", u.Profile, u.Done, u.Total, clip(u.URL, 70))
	fmt.Fprintf(p.env.Stderr, "\r\033[K%s", line)
	p.shown = true
}

func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.env.Stderr, "\r\033[K")
		p.shown = false
	}
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
