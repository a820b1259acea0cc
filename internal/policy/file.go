package policy

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// AnalyzeFile reads a policy from a local file (HTML, text, Markdown or
// PDF, chosen by extension and content) and analyses it.
func AnalyzeFile(ctx context.Context, path string, vendors []VendorTerms) (*Analysis, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	defer f.Close()
	body, err := io.ReadAll(io.LimitReader(f, MaxExtractBytes+1))
	if err != nil {
		return nil, fmt.Errorf("policy: read %s: %w", path, err)
	}
	truncated := len(body) > MaxExtractBytes
	var ct string
	switch strings.ToLower(filepath.Ext(path)) {
	case ".html", ".htm", ".xhtml":
		ct = "text/html"
	case ".pdf":
		ct = "application/pdf"
	case ".txt", ".md", ".markdown", ".text":
		ct = "text/plain"
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	u := (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
	doc, err := Extract(body, ct, u)
	if err != nil {
		return nil, err
	}
	doc.Truncated = doc.Truncated || truncated
	return Analyze(doc, vendors), nil
}

// AnalyzeURL fetches a policy with fetcher and analyses it. On failure it
// returns an Analysis with Found false and Error set, together with the
// error, so that callers can put the Analysis in a report either way.
func AnalyzeURL(ctx context.Context, fetcher Fetcher, url string, vendors []VendorTerms) (*Analysis, error) {
	fail := func(err error) (*Analysis, error) {
		a := Analyze(nil, vendors)
		a.URL, a.Error = url, err.Error()
		return a, err
	}
	if fetcher == nil {
		fetcher = HTTPFetcher{}
	}
	f, err := fetcher.Fetch(ctx, url)
	if err != nil {
		return fail(err)
	}
	doc, err := Extract(f.Body, f.ContentType, f.URL)
	if err != nil {
		return fail(err)
	}
	doc.Truncated = doc.Truncated || f.Truncated
	return Analyze(doc, vendors), nil
}
