// Package cookies classifies cookies: vendor, category (necessary,
// functional, analytics, marketing, unknown) and documented retention.
//
// Classification uses, in order: the vendor catalogue's own cookie matchers
// (they know, for example, that "fr" is Meta's only on facebook.com and that
// _li_id.<hash> is Leadinfo, not LinkedIn); the Open Cookie Database
// (embedded, Apache-2.0, see NOTICE) corrected by an explicit override table
// for its known errors; otherwise the cookie is unknown. OCD wildcard rows
// are name prefixes.
package cookies
