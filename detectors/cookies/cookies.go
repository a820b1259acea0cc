package cookies

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/privscan/privscan/detectors/catalogue"
)

//go:embed data/open-cookie-database.csv
var ocdCSV []byte

// Sources of a classification.
const (
	SourceCatalogue = "catalogue"
	SourceOCD       = "ocd"
	SourceOverride  = "override"
)

// Class is what is known about a cookie.
type Class struct {
	// Vendor is the catalogue slug (google-analytics, hubspot, ...) when the
	// cookie belongs to a catalogue vendor, else the kebab-case OCD platform,
	// else nil.
	Vendor *string
	// Platform is the human name of the vendor or OCD platform.
	Platform string
	// Category is necessary, functional, analytics, marketing or unknown.
	Category string
	// Retention is the documented lifetime as text ("2 years", "session").
	Retention string
	// Source is "catalogue", "ocd", "override" or "" (unknown cookie).
	Source string
}

// DB classifies cookies by name and domain. It is safe for concurrent use.
type DB struct {
	exact    map[string][]*row
	prefixes []*row // wildcard rows, longest prefix first
	cat      *catalogue.Catalogue
	rows     int
}

type row struct {
	id, platform, category, name, retention string
	domains                                 []string // empty: any domain
	wildcard                                bool
	override                                *Override
	names                                   *regexp.Regexp // from the override's Names
	// vendor is the catalogue vendor of the platform (nil when none) and
	// slug the vendor slug reported for the row, both resolved at Load.
	vendor *catalogue.Vendor
	slug   string
}

// Load reads the embedded Open Cookie Database, applies the override table
// and returns the DB. cat may be nil; when given, its cookie matchers take
// precedence over OCD for the catalogue's vendors, and OCD platforms map to
// catalogue slugs.
func Load(cat *catalogue.Catalogue) (*DB, error) {
	r := csv.NewReader(bytes.NewReader(ocdCSV))
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("cookies: read OCD header: %w", err)
	}
	want := []string{"ID", "Platform", "Category", "Cookie / Data Key name", "Domain", "Description",
		"Retention period", "Data Controller", "User Privacy & GDPR Rights Portals", "Wildcard match"}
	if !slices.Equal(header, want) {
		return nil, fmt.Errorf("cookies: unexpected OCD header %q", header)
	}
	db := &DB{exact: map[string][]*row{}, cat: cat}
	byID := map[string]*row{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("cookies: read OCD: %w", err)
		}
		name := strings.TrimSpace(rec[3])
		if name == "" {
			continue
		}
		rw := &row{
			id: rec[0], platform: strings.TrimSpace(rec[1]), category: mapCategory(rec[2]), name: name,
			retention: strings.TrimSpace(rec[6]), domains: parseDomains(rec[4]), wildcard: strings.TrimSpace(rec[9]) == "1",
		}
		rw.slug = Kebab(rw.platform)
		if cat != nil {
			if rw.vendor = cat.VendorForPlatform(rw.platform); rw.vendor != nil {
				rw.slug = rw.vendor.Slug
			}
		}
		byID[rw.id] = rw
		db.rows++
		if rw.wildcard {
			db.prefixes = append(db.prefixes, rw)
		} else {
			db.exact[name] = append(db.exact[name], rw)
		}
	}
	for i := range Overrides {
		o := &Overrides[i]
		rw := byID[o.ID]
		if rw == nil {
			return nil, fmt.Errorf("cookies: override %s (%s): no such OCD row", o.ID, o.Name)
		}
		if rw.name != o.Name {
			return nil, fmt.Errorf("cookies: override %s names %q but the OCD row is %q", o.ID, o.Name, rw.name)
		}
		if o.Category != "" && !slices.Contains(catalogue.CookieCategories, o.Category) {
			return nil, fmt.Errorf("cookies: override %s: unknown category %q", o.ID, o.Category)
		}
		rw.override = o
		if o.Names != "" {
			re, err := regexp.Compile(`^(?:` + o.Names + `)$`)
			if err != nil {
				return nil, fmt.Errorf("cookies: override %s: names: %w", o.ID, err)
			}
			rw.names = re
		}
	}
	slices.SortStableFunc(db.prefixes, func(a, b *row) int { return len(b.name) - len(a.name) })
	return db, nil
}

// Rows returns the number of OCD rows loaded.
func (db *DB) Rows() int { return db.rows }

// mapCategory maps OCD categories onto ours.
func mapCategory(c string) string {
	switch strings.ToLower(strings.TrimSpace(c)) {
	case "security", "necessary":
		return "necessary"
	case "functional", "personalization":
		return "functional"
	case "analytics":
		return "analytics"
	case "marketing":
		return "marketing"
	}
	return "unknown"
}

// parseDomains reads the OCD domain column ("facebook.com (3rd party)",
// ".linkedin.com", "google-analytics.com (3rd party) or ") into bare domains.
func parseDomains(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return r == ' ' || r == ',' || r == ';' || r == '(' || r == ')' || r == '/'
	}) {
		f = strings.TrimPrefix(strings.TrimPrefix(f, "*"), ".")
		if strings.Contains(f, ".") && !strings.ContainsAny(f, "*:") {
			out = append(out, f)
		}
	}
	return out
}

func (rw *row) domainOK(domain string) bool {
	doms := rw.domains
	if rw.override != nil {
		if rw.override.AnyDomain {
			return true
		}
		if rw.override.Domains != nil {
			doms = rw.override.Domains
		}
	}
	if len(doms) == 0 || domain == "" {
		return true
	}
	d := strings.ToLower(strings.TrimPrefix(domain, "."))
	for _, want := range doms {
		if d == want || strings.HasSuffix(d, "."+want) || strings.HasSuffix(want, "."+d) {
			return true
		}
	}
	return false
}

func (rw *row) class() Class {
	c := Class{Platform: rw.platform, Category: rw.category, Retention: rw.retention, Source: SourceOCD}
	if o := rw.override; o != nil {
		c.Source = SourceOverride
		if o.Retention != "" {
			c.Retention = o.Retention
		}
		if o.Category != "" {
			c.Category = o.Category
		}
	}
	if rw.slug != "" {
		slug := rw.slug
		c.Vendor = &slug
	}
	return c
}

// prefixOK reports whether a wildcard row's prefix admits name. Short
// prefixes that end in a letter or digit (OCD has "_s", "tp", "CT") only
// match when the next character is not a letter, so "_s" does not swallow
// "_session".
func prefixOK(prefix, name string) bool {
	if !strings.HasPrefix(name, prefix) {
		return false
	}
	if len(prefix) >= 5 || len(name) == len(prefix) {
		return true
	}
	last := prefix[len(prefix)-1]
	if !isAlnum(last) {
		return true
	}
	next := name[len(prefix)]
	return !(('a' <= next && next <= 'z') || ('A' <= next && next <= 'Z'))
}

func isAlnum(b byte) bool {
	return ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z') || ('0' <= b && b <= '9')
}

// lookup finds the OCD row for a cookie, skipping rows of the refused
// vendor and rows whose domain does not fit.
func (db *DB) lookup(name, domain string, refuse *catalogue.Vendor) *row {
	ok := func(rw *row) bool {
		if refuse != nil && rw.vendor == refuse {
			return false
		}
		if rw.names != nil && !rw.names.MatchString(name) {
			return false
		}
		return rw.domainOK(domain)
	}
	for _, rw := range db.exact[name] {
		if ok(rw) {
			return rw
		}
	}
	for _, rw := range db.prefixes {
		if prefixOK(rw.name, name) && ok(rw) {
			return rw
		}
	}
	return nil
}

// Classify returns what is known about the cookie name set on domain (the
// cookie's Domain attribute, with or without leading dot; "" when unknown).
// Catalogue matchers win for the catalogue's vendors; OCD rows (with the
// override table applied) come next; anything else is unknown, never
// guessed.
func (db *DB) Classify(name, domain string) Class {
	var refuse *catalogue.Vendor
	if db.cat != nil {
		m, ok := db.cat.MatchCookie(name, domain)
		if ok {
			v := m.Matcher.Vendor
			slug := v.Slug
			c := Class{Vendor: &slug, Platform: v.Name, Category: m.Matcher.CookieCategory, Source: SourceCatalogue}
			// Retention: the (corrected) OCD row of the same vendor, else
			// the matcher's own.
			if rw := db.lookup(name, domain, nil); rw != nil && rw.vendor == v {
				c.Retention = rw.class().Retention
			}
			if c.Retention == "" {
				c.Retention = m.Matcher.Retention
			}
			return c
		}
		if m.Matcher != nil {
			refuse = m.Matcher.Vendor
		}
	}
	if rw := db.lookup(name, domain, refuse); rw != nil {
		return rw.class()
	}
	return Class{Category: "unknown"}
}

// Kebab turns a platform name into a kebab-case slug ("Google Ads" →
// "google-ads", "Hotjar" → "hotjar").
func Kebab(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case ('a' <= r && r <= 'z') || ('0' <= r && r <= '9'):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	return b.String()
}
