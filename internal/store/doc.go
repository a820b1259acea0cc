// Package store keeps scans, their JSON reports and the normalised findings,
// trackers and cookies of each scan, plus the monitors (scheduled scans), in
// an embedded SQLite file or in PostgreSQL.
//
// Open picks the driver from the address: "postgres://…" or
// "postgresql://…" is PostgreSQL (pgx v5), anything else a SQLite file
// (modernc.org/sqlite, pure Go). Both run the same versioned migrations,
// embedded per driver under migrations/ and recorded in schema_migrations.
//
// A site is identified by the scan target URL as the report states it.
package store
