// Package detectors turns the crawler's page visits into what the report
// says about a site: trackers (vendor catalogue), cookie classes (Open
// Cookie Database + catalogue), third parties, the consent banner and the
// site's handling of privacy signals.
//
// The scan pipeline builds a Set once with New and calls Run once per site.
// Everything is a plain function over []*crawler.Visit, so tests can build
// visits by hand or replay recorded ones. The parts live in subpackages:
//
//	catalogue  vendor rules as embedded YAML (one file per vendor), Detect
//	cookies    cookie classification (OCD + override table + catalogue)
//	consent    CMP and banner detection
//	signals    gpc.json, signal reads, USP/GPP/TCF strings, signal headers
package detectors
