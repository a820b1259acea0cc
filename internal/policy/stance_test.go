package policy

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
)

// labelled is one row of a TSV test set.
type labelled struct {
	line           int
	key, want, txt string
}

func readTSV(t *testing.T, path string) []labelled {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, "\t", 3)
		if len(parts) != 3 {
			t.Fatalf("%s:%d: want 3 tab-separated fields", path, n)
		}
		out = append(out, labelled{n, parts[0], parts[1], parts[2]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// docFromText builds a one-section Document from plain text.
func docFromText(t *testing.T, text string) *Document {
	t.Helper()
	doc, err := Extract([]byte(text), "text/plain", "test:")
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// accuracy tallies results per class.
type accuracy map[string][2]int // class → {correct, total}

func (a accuracy) add(class string, ok bool) {
	c := a[class]
	c[1]++
	if ok {
		c[0]++
	}
	a[class] = c
}

func (a accuracy) report(t *testing.T, name string) float64 {
	t.Helper()
	classes := make([]string, 0, len(a))
	for c := range a {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	var ok, n int
	var parts []string
	for _, c := range classes {
		v := a[c]
		ok += v[0]
		n += v[1]
		parts = append(parts, fmt.Sprintf("%s %d/%d", c, v[0], v[1]))
	}
	acc := float64(ok) / float64(n)
	t.Logf("%s accuracy: %.1f%% (%d/%d): %s", name, 100*acc, ok, n, strings.Join(parts, ", "))
	return acc
}

// TestStanceSet runs the hand-written DNT/GPC stance sentences. The
// threshold is the accuracy the rules reached when the set was first run,
// rounded down; it guards against regressions, not a target to tune to.
func TestStanceSet(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		min        int
		threshold  float64
	}{
		{"dev", "testdata/stance.tsv", 80, stanceThreshold},
		{"heldout", "testdata/stance_heldout.tsv", 30, stanceHeldoutThreshold},
	} {
		t.Run(tc.name, func(t *testing.T) { runStanceSet(t, tc.file, tc.min, tc.threshold) })
	}
}

func runStanceSet(t *testing.T, file string, min int, threshold float64) {
	rows := readTSV(t, file)
	if len(rows) < min {
		t.Fatalf("%s has %d sentences, want at least %d", file, len(rows), min)
	}
	acc := accuracy{}
	for _, r := range rows {
		a := catalogueAnalyzer().Analyze(docFromText(t, r.txt))
		got := a.DNT
		if r.key == "gpc" {
			got = a.GPC
		}
		ok := string(got) == r.want
		acc.add(r.key+"/"+r.want, ok)
		if !ok {
			t.Logf("line %d %s: want %s, got %s: %s", r.line, r.key, r.want, got, r.txt)
		}
	}
	if got := acc.report(t, "stance "+file); got < threshold {
		t.Errorf("stance accuracy %.3f below threshold %.2f", got, threshold)
	}
}

// TestVendorSet runs the hand-written vendor mention sentences, including
// denials and social-link traps.
func TestVendorSet(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		min        int
		threshold  float64
	}{
		{"dev", "testdata/vendors.tsv", 40, vendorThreshold},
		{"heldout", "testdata/vendors_heldout.tsv", 15, vendorHeldoutThreshold},
	} {
		t.Run(tc.name, func(t *testing.T) { runVendorSet(t, tc.file, tc.min, tc.threshold) })
	}
}

func runVendorSet(t *testing.T, file string, min int, threshold float64) {
	rows := readTSV(t, file)
	// An empty set would score NaN, which is never below the threshold.
	if len(rows) < min {
		t.Fatalf("%s has %d sentences, want at least %d", file, len(rows), min)
	}
	acc := accuracy{}
	for _, r := range rows {
		a := catalogueAnalyzer().Analyze(docFromText(t, r.txt))
		got := "none"
		for _, v := range a.Vendors {
			if v.Vendor == r.key {
				got = v.Stance
			}
		}
		ok := got == r.want
		acc.add(r.want, ok)
		if !ok {
			t.Logf("line %d %s: want %s, got %s: %s", r.line, r.key, r.want, got, r.txt)
		}
	}
	if got := acc.report(t, "vendor "+file); got < threshold {
		t.Errorf("vendor accuracy %.3f below threshold %.2f", got, threshold)
	}
}

// Thresholds. The dev sets were used to fix rules, so they sit high; the
// held-out thresholds are set from their first, untuned run, rounded down.
const (
	stanceThreshold        = 0.95
	vendorThreshold        = 0.95
	stanceHeldoutThreshold = 0.90
	vendorHeldoutThreshold = 0.85
)
