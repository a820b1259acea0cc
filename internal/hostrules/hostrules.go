// Package hostrules parses Chrome's host-resolver-rules syntax
// ("MAP * 127.0.0.1:8443, EXCLUDE localhost") and applies the same rules to
// Go's network dialling, so that the discovery crawler and the policy fetcher
// reach exactly the servers the browser reaches.
package hostrules

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path"
	"strings"
)

// ErrNotFound is returned for hosts that a rule maps to ~NOTFOUND.
var ErrNotFound = errors.New("host mapped to ~NOTFOUND by host rules")

type rule struct {
	pattern     string
	replacement string // host or host:port; "~NOTFOUND" to fail resolution
	exclude     bool
}

// Rules is a parsed rule list. The zero value maps nothing.
type Rules struct {
	text  string
	rules []rule
}

// Parse reads a comma-separated rule list. Accepted rules are
// "MAP <pattern> <replacement>" and "EXCLUDE <pattern>", where pattern may use
// * wildcards and replacement is host, host:port or ~NOTFOUND.
func Parse(text string) (Rules, error) {
	r := Rules{text: strings.TrimSpace(text)}
	for _, item := range strings.Split(text, ",") {
		fields := strings.Fields(item)
		if len(fields) == 0 {
			continue
		}
		switch strings.ToUpper(fields[0]) {
		case "MAP":
			if len(fields) != 3 {
				return Rules{}, fmt.Errorf("host rule %q: want MAP <pattern> <replacement>", strings.TrimSpace(item))
			}
			r.rules = append(r.rules, rule{pattern: strings.ToLower(fields[1]), replacement: fields[2]})
		case "EXCLUDE":
			if len(fields) != 2 {
				return Rules{}, fmt.Errorf("host rule %q: want EXCLUDE <pattern>", strings.TrimSpace(item))
			}
			r.rules = append(r.rules, rule{pattern: strings.ToLower(fields[1]), exclude: true})
		default:
			return Rules{}, fmt.Errorf("host rule %q: unknown rule %q (want MAP or EXCLUDE)", strings.TrimSpace(item), fields[0])
		}
	}
	return r, nil
}

// String returns the rules as given, for Chrome's --host-resolver-rules.
func (r Rules) String() string { return r.text }

// Empty reports whether there are no rules.
func (r Rules) Empty() bool { return len(r.rules) == 0 }

func match(pattern, host string) bool {
	ok, err := path.Match(pattern, host)
	return err == nil && ok
}

// Resolve maps host:port as Chrome would. Exclusions are checked first; then
// the first MAP rule whose pattern matches the host wins. A replacement
// without a port keeps the original port.
func (r Rules) Resolve(hostport string) (string, error) {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return "", err
	}
	h := strings.ToLower(host)
	for _, ru := range r.rules {
		if ru.exclude && match(ru.pattern, h) {
			return hostport, nil
		}
	}
	for _, ru := range r.rules {
		if ru.exclude || !match(ru.pattern, h) {
			continue
		}
		if ru.replacement == "~NOTFOUND" {
			return "", fmt.Errorf("%s: %w", host, ErrNotFound)
		}
		if _, _, err := net.SplitHostPort(ru.replacement); err == nil {
			return ru.replacement, nil
		}
		return net.JoinHostPort(ru.replacement, port), nil
	}
	return hostport, nil
}

// DialContext returns a dial function that applies the rules before dialling.
func (r Rules) DialContext(d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	if d == nil {
		d = &net.Dialer{}
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		mapped, err := r.Resolve(addr)
		if err != nil {
			return nil, err
		}
		return d.DialContext(ctx, network, mapped)
	}
}
