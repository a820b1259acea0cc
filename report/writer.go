package report

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
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
	FormatJSON  Format = "json"
	FormatTable Format = "table"
)

// FormatFromPath infers a format from an output file's extension; "" when
// the extension says nothing.
func FormatFromPath(path string) Format {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		return FormatJSON
	case ".txt":
		return FormatTable
	}
	return ""
}

// WriterOptions tune writers.
type WriterOptions struct {
	// Color enables ANSI colour (table format, on terminals).
	Color bool
	// Width is the terminal width for the table format; 0 means 100.
	Width int
}

// NewWriter returns the writer for format f, writing to w.
func NewWriter(f Format, w io.Writer, opts WriterOptions) (Writer, error) {
	switch f {
	case FormatJSON:
		return &JSONWriter{w: w}, nil
	case FormatTable:
		return &TableWriter{w: w, opts: opts}, nil
	}
	return nil, fmt.Errorf("unknown format %q (want json or table)", f)
}

// JSONWriter writes the JSON report contract.
type JSONWriter struct{ w io.Writer }

var _ Writer = (*JSONWriter)(nil)

// NewJSONWriter returns a JSON writer to w.
func NewJSONWriter(w io.Writer) *JSONWriter { return &JSONWriter{w: w} }

// Write encodes r, indented, with HTML-significant characters escaped so the
// output is safe to embed.
func (j *JSONWriter) Write(_ context.Context, r *Report) error {
	enc := json.NewEncoder(j.w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
