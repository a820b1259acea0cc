package scan

import (
	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/report"
)

// overlaysOf copies a visit's overlays into the report's own type (the
// report contract does not use crawler types).
func overlaysOf(in []crawler.Overlay) []report.ObservedOverlay {
	if in == nil {
		return nil
	}
	out := make([]report.ObservedOverlay, len(in))
	for i, o := range in {
		out[i] = report.ObservedOverlay{Selector: o.Selector, Text: o.Text, Buttons: o.Buttons}
	}
	return out
}
