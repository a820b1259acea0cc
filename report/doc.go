// Package report holds the JSON report contract (schema_version 1, see
// shared/DESIGN.md) as Go types, and one Writer per output format. Writers
// get their io.Writer at construction and have a single Write method. Every
// string in a report may come from a hostile page: writers escape it for
// their format.
package report
