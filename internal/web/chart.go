package web

import (
	"fmt"
	"slices"

	"github.com/privscan/privscan/internal/store"
)

// chart is the data of a findings-over-time SVG.
type chart struct {
	Width, Height int
	Series        []series
	Labels        []label
	YTicks        []label
	Empty         bool
}

type series struct {
	Name, Color, Points string
	Dots                []dot
}

type dot struct {
	X, Y  float64
	Title string
}

type label struct {
	X, Y float64
	Text string
}

// newChart lays out findings by severity for scans (newest first, as the
// store lists them) left to right, oldest first.
func newChart(scans []store.ScanSummary) chart {
	c := chart{Width: 640, Height: 220}
	if len(scans) == 0 {
		c.Empty = true
		return c
	}
	scans = slices.Clone(scans)
	slices.Reverse(scans)
	const left, right, top, bottom = 40.0, 10.0, 10.0, 30.0
	plotW, plotH := float64(c.Width)-left-right, float64(c.Height)-top-bottom
	maxY := 1
	for _, s := range scans {
		maxY = max(maxY, total(s))
	}
	x := func(i int) float64 {
		if len(scans) == 1 {
			return left + plotW/2
		}
		return left + plotW*float64(i)/float64(len(scans)-1)
	}
	y := func(v int) float64 { return top + plotH - plotH*float64(v)/float64(maxY) }
	type def struct {
		name, color string
		val         func(store.ScanSummary) int
	}
	defs := []def{
		{"total", "#555555", total},
		{"high", "#c0392b", func(s store.ScanSummary) int { return s.Summary.High }},
		{"medium", "#e67e22", func(s store.ScanSummary) int { return s.Summary.Medium }},
		{"low", "#2980b9", func(s store.ScanSummary) int { return s.Summary.Low }},
	}
	for _, d := range defs {
		se := series{Name: d.name, Color: d.color}
		for i, s := range scans {
			v := d.val(s)
			px, py := x(i), y(v)
			se.Points += fmt.Sprintf("%.1f,%.1f ", px, py)
			se.Dots = append(se.Dots, dot{X: px, Y: py, Title: fmt.Sprintf("scan %d, %s: %d %s", s.ID, s.StartedAt.Format("2006-01-02 15:04"), v, d.name)})
		}
		c.Series = append(c.Series, se)
	}
	step := max(1, len(scans)/6)
	for i := 0; i < len(scans); i += step {
		c.Labels = append(c.Labels, label{X: x(i), Y: float64(c.Height) - 10, Text: scans[i].StartedAt.Format("01-02 15:04")})
	}
	for _, v := range []int{0, maxY / 2, maxY} {
		c.YTicks = append(c.YTicks, label{X: left - 6, Y: y(v) + 4, Text: fmt.Sprint(v)})
	}
	return c
}

// total is a scan's number of findings.
func total(s store.ScanSummary) int {
	return s.Summary.High + s.Summary.Medium + s.Summary.Low + s.Summary.Info
}
