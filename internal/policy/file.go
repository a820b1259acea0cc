package policy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// AnalyzeFile reads a policy from a local file (HTML, text, Markdown or
// PDF, chosen by extension and content) and analyses it. A file that is not
// a policy (a redirect stub, an error page, a page without policy-like
// content) gives an Analysis with Found false and the reason in Error and
// Documents, and no error.
func AnalyzeFile(ctx context.Context, path string, vendors []VendorTerms) (*Analysis, error) {
	return NewAnalyzer(vendors).AnalyzeFile(ctx, path)
}

// AnalyzeFile is the package-level AnalyzeFile with the compiled vendor list.
func (an *Analyzer) AnalyzeFile(ctx context.Context, path string) (*Analysis, error) {
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
	rec := DocumentRecord{URL: u, Kind: DocPrivacy}
	why := Check(doc, u, 0)
	if target, ok := MetaRefresh(string(body), u); ok && (why != "" || countWords(doc.Text()) <= stubWords) {
		why = fmt.Sprintf("a redirect (meta refresh) to %s, which is not followed for a local file", clip(target, 120))
	}
	if why != "" {
		rec.Why = why
		return Rejected([]DocumentRecord{rec}), nil
	}
	rec.Used = true
	a := an.Analyze(doc)
	a.Documents = []DocumentRecord{rec}
	a.USNexus = USNexus(doc)
	return a, nil
}

// Rejected is the Analysis of a search in which no document was a policy:
// Found false, the documents tried, and an Error that lists each URL and
// why it was rejected.
func Rejected(docs []DocumentRecord) *Analysis {
	a := notFound()
	a.Documents = docs
	var b strings.Builder
	b.WriteString("No document read was a policy.")
	n := 0
	for _, d := range docs {
		if d.Why == "" {
			continue
		}
		n++
		fmt.Fprintf(&b, " %s: %s.", d.URL, strings.TrimSuffix(d.Why, "."))
	}
	if n == 0 {
		b.Reset()
		b.WriteString("No document could be read.")
	}
	a.Error = b.String()
	if len(docs) == 1 && docs[0].Why != "" {
		a.URL = docs[0].URL
	}
	return a
}

// AnalyzeURL fetches a policy with fetcher (HTTP and meta refresh redirects
// followed) and analyses it. A document that is not a policy (see Check)
// gives an Analysis with Found false, Error and Documents saying why,
// together with ErrNotPolicy. On a failed fetch it returns an Analysis with
// Found false and Error set, together with the error, so that callers can
// put the Analysis in a report either way.
func AnalyzeURL(ctx context.Context, fetcher Fetcher, url string, vendors []VendorTerms) (*Analysis, error) {
	a, rec, err := ReadURL(ctx, fetcher, url, DocPrivacy, vendors)
	if a == nil {
		a = Rejected([]DocumentRecord{rec})
		return a, err
	}
	a.Documents = []DocumentRecord{rec}
	return a, nil
}

// ErrNotPolicy is returned by AnalyzeURL for a document that loaded but is
// not a policy.
var ErrNotPolicy = errors.New("policy: the document is not a privacy policy")

// ReadURL fetches url with fetcher and analyses it when it is a policy. It
// always returns the document's record; the Analysis is nil when the
// document was rejected or could not be fetched, and then the error says
// why (ErrNotPolicy wrapped for a rejected document).
func ReadURL(ctx context.Context, fetcher Fetcher, url, kind string, vendors []VendorTerms) (*Analysis, DocumentRecord, error) {
	return NewAnalyzer(vendors).ReadURL(ctx, fetcher, url, kind)
}

// ReadURL is the package-level ReadURL with the compiled vendor list.
func (an *Analyzer) ReadURL(ctx context.Context, fetcher Fetcher, url, kind string) (*Analysis, DocumentRecord, error) {
	rec := DocumentRecord{URL: url, Kind: kind}
	if fetcher == nil {
		fetcher = HTTPFetcher{}
	}
	f, err := fetcher.Fetch(ctx, url)
	if err != nil {
		var se *StatusError
		if errors.As(err, &se) {
			rec.Status = se.Status
			rec.Why = fmt.Sprintf("HTTP status %d", se.Status)
			if se.URL != url {
				rec.FinalURL = se.URL
			}
		} else {
			rec.Why = "could not be fetched: " + strings.TrimPrefix(err.Error(), "policy: ")
		}
		return nil, rec, err
	}
	rec.Status = f.Status
	if f.URL != url {
		rec.FinalURL = f.URL
	}
	doc, err := Extract(f.Body, f.ContentType, f.URL)
	if err != nil {
		rec.Why = "could not be read: " + strings.TrimPrefix(err.Error(), "policy: ")
		return nil, rec, err
	}
	doc.Truncated = doc.Truncated || f.Truncated
	if why := Check(doc, f.URL, f.Status); why != "" {
		rec.Why = why
		return nil, rec, fmt.Errorf("%w: %s: %s", ErrNotPolicy, url, why)
	}
	rec.Used = true
	a := an.Analyze(doc)
	a.USNexus = USNexus(doc)
	return a, rec, nil
}
