package report

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
)

// Writer writes a report in one format to the io.Writer it was built with.
type Writer interface {
	Write(ctx context.Context, r *Report) error
}

// Format names an output format.
type Format string

// The output formats.
const (
	FormatJSON     Format = "json"
	FormatTable    Format = "table"
	FormatHTML     Format = "html"
	FormatPDF      Format = "pdf"
	FormatMarkdown Format = "markdown"
	FormatCSV      Format = "csv"
	FormatJUnit    Format = "junit"
)

// Formats lists every format NewWriter accepts, in the order help texts
// should show them.
func Formats() []Format {
	return []Format{FormatTable, FormatJSON, FormatHTML, FormatPDF, FormatMarkdown, FormatCSV, FormatJUnit}
}

// FormatFromPath infers a format from an output file's extension; "" when
// the extension says nothing.
func FormatFromPath(path string) Format {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		return FormatJSON
	case ".txt":
		return FormatTable
	case ".html", ".htm":
		return FormatHTML
	case ".pdf":
		return FormatPDF
	case ".md", ".markdown":
		return FormatMarkdown
	case ".csv":
		return FormatCSV
	case ".xml":
		return FormatJUnit
	}
	return ""
}

// ParseFormat reads a format name; "md" is accepted for markdown and "xml"
// for junit.
func ParseFormat(name string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(name))); f {
	case "md":
		return FormatMarkdown, nil
	case "xml":
		return FormatJUnit, nil
	case FormatJSON, FormatTable, FormatHTML, FormatPDF, FormatMarkdown, FormatCSV, FormatJUnit:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q (want %s)", name, formatList())
}

func formatList() string {
	names := make([]string, 0, len(Formats()))
	for _, f := range Formats() {
		names = append(names, string(f))
	}
	return strings.Join(names, ", ")
}

// PDFPrinter turns a self-contained HTML document into PDF bytes. The
// report/pdfprint package implements it with headless Chromium.
type PDFPrinter interface {
	PrintPDF(ctx context.Context, html []byte) ([]byte, error)
}

// WriterOptions tune writers. The zero value is valid for every format but
// PDF, which needs a Printer when it writes.
type WriterOptions struct {
	// Color enables ANSI colour (table format, on terminals).
	Color bool
	// Width is the terminal width for the table format; 0 means 100, and
	// anything under 60 counts as 60.
	Width int

	// BrandName is the agency named on the HTML/PDF report ("Prepared by
	// ..."); empty means privscan's own title only.
	BrandName string
	// BrandLogo is an image shown in the HTML/PDF header, embedded as a data
	// URI. BrandLogoType is its media type (image/png, image/jpeg,
	// image/gif, image/webp or image/svg+xml); empty means sniffed.
	BrandLogo     []byte
	BrandLogoType string
	// BrandColor is the accent colour of the HTML/PDF report as a CSS hex
	// colour (#rgb or #rrggbb); anything else is rejected by NewWriter.
	BrandColor string

	// Printer prints the HTML report for the PDF format.
	Printer PDFPrinter
}

var hexColor = regexp.MustCompile(`^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)

// logoTypes are the media types accepted for BrandLogo. SVG is safe here:
// an SVG shown through <img> runs no script and loads nothing.
var logoTypes = map[string]bool{
	"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true, "image/svg+xml": true,
}

// Validate checks the branding options.
func (o WriterOptions) Validate() error {
	if o.BrandColor != "" && !hexColor.MatchString(o.BrandColor) {
		return fmt.Errorf("brand colour %q is not a CSS hex colour (#rgb or #rrggbb)", o.BrandColor)
	}
	if len(o.BrandLogo) > 0 {
		if _, err := o.logoType(); err != nil {
			return err
		}
	}
	return nil
}

// logoType returns the validated media type of BrandLogo.
func (o WriterOptions) logoType() (string, error) {
	t := strings.ToLower(strings.TrimSpace(o.BrandLogoType))
	if t == "" {
		t = sniffImage(o.BrandLogo)
	}
	if i := strings.IndexByte(t, ';'); i >= 0 {
		t = strings.TrimSpace(t[:i])
	}
	if !logoTypes[t] {
		return "", fmt.Errorf("brand logo type %q is not an accepted image type (png, jpeg, gif, webp, svg)", t)
	}
	return t, nil
}

func sniffImage(b []byte) string {
	head := strings.ToLower(strings.TrimSpace(string(b[:min(len(b), 512)])))
	if strings.HasPrefix(head, "<svg") || (strings.HasPrefix(head, "<?xml") && strings.Contains(head, "<svg")) {
		return "image/svg+xml"
	}
	return http.DetectContentType(b)
}

// NewWriter returns the writer for format f, writing to w.
func NewWriter(f Format, w io.Writer, opts WriterOptions) (Writer, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if f == "md" || f == "xml" {
		f, _ = ParseFormat(string(f))
	}
	switch f {
	case FormatJSON:
		return NewJSONWriter(w), nil
	case FormatTable:
		return NewTableWriter(w, opts), nil
	case FormatHTML:
		return &HTMLWriter{w: w, opts: opts}, nil
	case FormatPDF:
		return &PDFWriter{w: w, opts: opts}, nil
	case FormatMarkdown:
		return NewMarkdownWriter(w), nil
	case FormatCSV:
		return NewCSVWriter(w), nil
	case FormatJUnit:
		return NewJUnitWriter(w), nil
	}
	return nil, fmt.Errorf("unknown format %q (want %s)", f, formatList())
}
