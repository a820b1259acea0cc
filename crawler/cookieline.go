package crawler

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// CookieName returns the name of a Set-Cookie line or a document.cookie
// assignment.
func CookieName(line string) string {
	nameValue, _, _ := strings.Cut(line, ";")
	name, _, _ := strings.Cut(nameValue, "=")
	return strings.TrimSpace(name)
}

// IsDeletion reports whether a cookie line (set at at) deletes its cookie:
// a zero or negative Max-Age, or an Expires in the past.
func IsDeletion(line string, at time.Time) bool {
	_, lifetime, session := DeclaredLifetime(line, at)
	return !session && lifetime <= 0
}

// DeclaredLifetime parses a Set-Cookie line or a document.cookie assignment
// and returns the cookie's name and the lifetime it asked for, measured from
// at. session is true when neither Max-Age nor Expires is given. Max-Age wins
// over Expires, as in RFC 6265. A zero or negative lifetime means deletion.
func DeclaredLifetime(line string, at time.Time) (name string, lifetime time.Duration, session bool) {
	parts := strings.Split(line, ";")
	name = CookieName(line)
	var expires time.Time
	maxAge, haveMaxAge := int64(0), false
	for _, attr := range parts[1:] {
		key, value, _ := strings.Cut(strings.TrimSpace(attr), "=")
		switch strings.ToLower(strings.TrimSpace(key)) {
		case "max-age":
			if n, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64); err == nil {
				maxAge, haveMaxAge = n, true
			}
		case "expires":
			if t, err := http.ParseTime(strings.TrimSpace(value)); err == nil {
				expires = t
			} else if t, err := time.Parse("Mon, 02-Jan-2006 15:04:05 MST", strings.TrimSpace(value)); err == nil {
				expires = t
			}
		}
	}
	switch {
	case haveMaxAge:
		const century = 100 * 365 * 24 * 3600 // keeps the Duration from overflowing
		return name, time.Duration(min(maxAge, century)) * time.Second, false
	case !expires.IsZero():
		return name, expires.Sub(at), false
	}
	return name, 0, true
}
