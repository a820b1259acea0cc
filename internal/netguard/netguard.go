// Package netguard keeps scans away from the network the scanner runs in
// (SSRF): it refuses targets whose host resolves to a private, loopback or
// link-local address, connections to such addresses, and recognises them in
// what the browser reports it connected to.
package netguard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"syscall"
)

// ErrLocal is wrapped by every refusal of a private or local address.
var ErrLocal = errors.New("a private or local address")

// Resolver looks up a host's addresses (net.DefaultResolver fits).
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// CheckTarget refuses a URL whose host is, or resolves to, a private,
// loopback, link-local, multicast or unspecified address: the dashboard must
// not be a way to scan the network it runs in. Every resolved address is
// checked. A name can resolve differently later (DNS rebinding): scans of
// such targets also dial through Control and check the addresses the
// browser connected to (Local).
func CheckTarget(ctx context.Context, r Resolver, u *url.URL) error {
	host := u.Hostname()
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{a}
	} else {
		if r == nil {
			r = net.DefaultResolver
		}
		addrs, err = r.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return fmt.Errorf("cannot resolve %s: %w", host, err)
		}
		if len(addrs) == 0 {
			return fmt.Errorf("%s has no address", host)
		}
	}
	for _, a := range addrs {
		if Local(a) {
			return fmt.Errorf("%s resolves to %s, %w (start serve with --allow-private to allow it)", host, a.Unmap(), ErrLocal)
		}
	}
	return nil
}

// Control is a net.Dialer Control function that refuses to connect to a
// private or local address, whatever name led there.
func Control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("refusing to connect to %s: not an address", address)
	}
	if Local(ap.Addr()) {
		return fmt.Errorf("refusing to connect to %s, %w", ap.Addr().Unmap(), ErrLocal)
	}
	return nil
}

// LocalIP reports whether ip (as the browser reports a remote address, with
// or without brackets) is a private or local address; "" is not.
func LocalIP(ip string) bool {
	if len(ip) > 1 && ip[0] == '[' && ip[len(ip)-1] == ']' {
		ip = ip[1 : len(ip)-1]
	}
	a, err := netip.ParseAddr(ip)
	return err == nil && Local(a)
}

// Local reports whether a is not a public unicast address. A 6to4 address
// is as local as the IPv4 address it embeds.
func Local(a netip.Addr) bool {
	a = a.Unmap()
	if a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() {
		return true
	}
	for _, p := range special {
		if p.Contains(a) {
			return true
		}
	}
	if sixToFour.Contains(a) {
		b := a.As16()
		return Local(netip.AddrFrom4([4]byte(b[2:6])))
	}
	return false
}

// special are ranges netip does not classify that are not globally
// routable or reach local networks: "this network", carrier-grade NAT,
// IETF protocol assignments, benchmarking, reserved IPv4 (with the
// broadcast address), IPv4-compatible IPv6, deprecated site-local IPv6 and
// the NAT64 prefixes (a translator may map them to any IPv4 address).
var special = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("::/96"),
	netip.MustParsePrefix("fec0::/10"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
}

// sixToFour is the 6to4 prefix; bits 16–47 are an IPv4 address.
var sixToFour = netip.MustParsePrefix("2002::/16")
