package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
)

// MaxExtractBytes is the most input Extract reads; longer input is cut and
// the Document is marked Truncated.
const MaxExtractBytes = 5 << 20

// ErrUnreadablePDF is returned by Extract for a PDF whose text cannot be
// read (malformed, encrypted or image-only).
var ErrUnreadablePDF = errors.New("policy: unreadable PDF")

// Extract turns a fetched policy into a Document. contentType is the HTTP
// Content-Type (it may carry a charset; it may be empty, and then the body is
// sniffed); pageURL is recorded in the Document. HTML is read with its chrome
// (nav, header, footer, aside, scripts, cookie banners) removed; text/plain
// and Markdown are read line by line, with heading-like lines as headings and
// clearly tabular lines as table rows; PDF text is extracted when the file is
// readable, and ErrUnreadablePDF is returned otherwise. Any input, including
// non-UTF-8 and binary garbage, yields a Document or an error, never a panic.
func Extract(body []byte, contentType string, pageURL string) (doc *Document, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, fmt.Errorf("policy: extract %s: internal error: %v", pageURL, r)
		}
	}()
	truncated := false
	if len(body) > MaxExtractBytes {
		body, truncated = body[:MaxExtractBytes], true
	}
	mediaType, _, _ := mime.ParseMediaType(contentType)
	mediaType = strings.ToLower(mediaType)

	var blocks []block
	var title string
	switch {
	case mediaType == "application/pdf" || bytes.HasPrefix(body, []byte("%PDF-")):
		if blocks, title, err = readPDF(body); err != nil {
			return nil, err
		}
	case isHTML(mediaType, body):
		text, err := decode(body, contentType)
		if err != nil {
			return nil, fmt.Errorf("policy: decode %s: %w", pageURL, err)
		}
		blocks, title = readHTML(text)
	default:
		text, err := decode(body, contentType)
		if err != nil {
			return nil, fmt.Errorf("policy: decode %s: %w", pageURL, err)
		}
		blocks = readText(text)
	}
	doc = buildDocument(blocks, cleanTitle(title))
	doc.URL = pageURL
	doc.Truncated = truncated
	return doc, nil
}

// isHTML decides whether the body is HTML from the media type, falling back
// to sniffing the start of the body for text/plain-less input.
func isHTML(mediaType string, body []byte) bool {
	switch mediaType {
	case "text/html", "application/xhtml+xml":
		return true
	case "text/plain", "text/markdown", "text/x-markdown":
		return false
	}
	head := body
	if len(head) > 1024 {
		head = head[:1024]
	}
	h := bytes.ToLower(head)
	for _, m := range []string{"<!doctype html", "<html", "<head", "<body", "<div", "<p>", "<h1", "<meta"} {
		if bytes.Contains(h, []byte(m)) {
			return true
		}
	}
	return false
}

// decode converts body to valid UTF-8 using the charset named by the
// content type, a BOM or an HTML meta tag, defaulting to windows-1252 for
// input that is not valid UTF-8. Control characters are dropped.
func decode(body []byte, contentType string) (string, error) {
	enc, name, certain := charset.DetermineEncoding(body, contentType)
	// DetermineEncoding only sniffs the first KiB; input that is valid UTF-8
	// throughout is UTF-8 unless a BOM or the Content-Type says otherwise.
	if !certain && utf8.Valid(body) {
		name = "utf-8"
	}
	var s string
	if name == "utf-8" {
		s = string(body)
	} else {
		b, err := io.ReadAll(enc.NewDecoder().Reader(bytes.NewReader(body)))
		if err != nil {
			return "", err
		}
		s = string(b)
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if r == '\r' {
			return '\n'
		}
		if unicode.IsControl(r) || r == '\uFFFD' {
			return -1
		}
		return r
	}, s), nil
}

func cleanTitle(t string) string {
	t = normalizeSpace(t)
	if utf8.RuneCountInString(t) > 300 {
		t = string([]rune(t)[:300])
	}
	return t
}
