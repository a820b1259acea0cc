package policy

import (
	"context"
	"fmt"
	"io"
	"net/http"
)

// Fetched is a fetched policy document.
type Fetched struct {
	// URL is the final URL after redirects.
	URL string
	// Status is the HTTP status code (0 for non-HTTP fetchers).
	Status int
	// ContentType is the response's Content-Type header.
	ContentType string
	// Body is the response body, at most the fetcher's byte limit.
	Body []byte
	// Truncated is true when the body was cut at the limit.
	Truncated bool
}

// Fetcher fetches a policy document. Implementations must honour ctx and
// be safe for concurrent use.
type Fetcher interface {
	Fetch(ctx context.Context, url string) (*Fetched, error)
}

// DefaultMaxBytes is the body limit HTTPFetcher uses when MaxBytes is 0.
const DefaultMaxBytes = MaxExtractBytes

// HTTPFetcher fetches policies with a plain HTTP GET (no JavaScript). The
// scan pipeline also has a rendered-Chromium fetcher; this one serves the
// stand-alone command and tests.
type HTTPFetcher struct {
	// Client is the HTTP client; nil means http.DefaultClient.
	Client *http.Client
	// MaxBytes caps the body; 0 means DefaultMaxBytes.
	MaxBytes int64
}

var _ Fetcher = HTTPFetcher{}

// StatusError is the error of a fetch answered with a status outside
// 200–299.
type StatusError struct {
	// URL is the final URL, Status its HTTP status code.
	URL    string
	Status int
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("policy: fetch %s: status %d %s", e.URL, e.Status, http.StatusText(e.Status))
}

// Fetch GETs url and returns the body, cut at MaxBytes; HTTP redirects and
// up to MaxRefreshHops <meta http-equiv="refresh"> redirects are followed.
// A status outside 200–299 is a *StatusError.
func (f HTTPFetcher) Fetch(ctx context.Context, url string) (*Fetched, error) {
	var got *Fetched
	var err error
	for hop := 0; ; hop++ {
		got, err = f.fetchOne(ctx, url)
		if err != nil {
			if hop > 0 {
				return nil, fmt.Errorf("policy: the page's meta refresh redirect failed: %w", err)
			}
			return nil, err
		}
		if hop == MaxRefreshHops {
			return got, nil
		}
		body := got.Body
		if len(body) > 64<<10 {
			body = body[:64<<10]
		}
		next, ok := MetaRefresh(string(body), got.URL)
		if !ok {
			return got, nil
		}
		url = next
	}
}

func (f HTTPFetcher) fetchOne(ctx context.Context, url string) (*Fetched, error) {
	client := f.Client
	if client == nil {
		client = http.DefaultClient
	}
	limit := f.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("policy: fetch %s: %w", url, err)
	}
	req.Header.Set("Accept", "text/html,application/xhtml+xml,text/plain;q=0.9,application/pdf;q=0.8,*/*;q=0.5")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("policy: fetch %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &StatusError{URL: resp.Request.URL.String(), Status: resp.StatusCode}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("policy: read %s: %w", url, err)
	}
	out := &Fetched{URL: resp.Request.URL.String(), Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Body: body}
	if int64(len(body)) > limit {
		out.Body, out.Truncated = body[:limit], true
	}
	return out, nil
}
