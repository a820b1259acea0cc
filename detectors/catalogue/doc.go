// Package catalogue is the vendor catalogue: tracker rules kept as embedded
// data (data/<vendor>.yaml, one file per vendor), decoded into raw structs,
// compiled and validated once by Load, which fails loudly on any problem
// (bad regex, unknown category, duplicate slug, a matcher without an
// example, an example that does not behave).
//
// A vendor file lists matchers, each looking at one part of a page visit:
//
//	request  network request URLs (host + path + query, no scheme)
//	script   script URLs (<script src> and requests of type Script)
//	inline   text of <script> elements without src
//	cookie   cookie names (anchored regex; optional cookie domains)
//	global   a probed JavaScript path (and optionally its value)
//	dom      a CSS selector in the rendered DOM (noscript contents included)
//
// Each matcher may extract identifiers with a capture group (match or
// id_regex, optionally rewritten by id_template such as "G-${1}") and
// carries must-match / must-not-match examples. Request and script matchers
// name their hosts (exact or "*.suffix"), which builds a host index so a
// request to an unrelated host costs a few map look-ups; matchers that
// accept any host must name a literal that the URL must contain.
//
// Detect turns a site's []*crawler.Visit into []report.Tracker.
package catalogue
