// Package crawler holds the records of a crawl: what each page did under each
// browsing profile (requests, cookies, cookie writes, storage, signal reads,
// globals, rendered DOM). It imports no browser code; the engines live below
// it (crawler/browser drives Chromium, crawler/discover finds pages), and the
// detectors read these records without knowing how they were made.
package crawler
