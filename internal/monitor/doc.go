// Package monitor runs scheduled and queued scans on River
// (github.com/riverqueue/river): on the embedded SQLite file one worker
// process does everything; on PostgreSQL any number of worker processes
// share the queue.
//
// Monitors (a URL, an interval and scan options) live in the store. A
// periodic "tick" job, enqueued by River's elected leader only, turns due
// monitors into scan jobs. Scan jobs are unique per URL while pending,
// scheduled, available, running or retryable, so a site is never scanned
// twice at once; a failed scan is retried with River's backoff; a job left
// running by a killed worker is rescued after RescueAfter and retried
// elsewhere. Each job stores its report under an idempotency key (the job
// id), so a retried job never stores a scan twice.
package monitor
