package report

import (
	"context"
	"encoding/json"
	"io"
)

// JSONWriter writes the JSON report contract.
type JSONWriter struct{ w io.Writer }

var _ Writer = (*JSONWriter)(nil)

// NewJSONWriter returns a JSON writer to w.
func NewJSONWriter(w io.Writer) *JSONWriter { return &JSONWriter{w: w} }

// Write encodes r, indented, with HTML-significant characters escaped so the
// output is safe to embed. Empty lists are written as [], never null.
func (j *JSONWriter) Write(_ context.Context, r *Report) error {
	enc := json.NewEncoder(j.w)
	enc.SetIndent("", "  ")
	return enc.Encode(Normalized(r))
}
