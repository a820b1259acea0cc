package policy

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestCuePrefilterExact checks that the literal prefilter never changes a
// result: every cue pattern in the package's source, run with and without
// it over the development sentences and the seed policies (as written, in
// upper and lower case), finds the same matches.
func TestCuePrefilterExact(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	raw := regexp.MustCompile("mustCue\\(`([^`]*)`\\)")
	var patterns []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range raw.FindAllStringSubmatch(string(b), -1) {
			patterns = append(patterns, m[1])
		}
	}
	if len(patterns) < 50 {
		t.Fatalf("found %d cue patterns in the source, want the package's (at least 50)", len(patterns))
	}
	var texts []string
	for _, s := range readSentences(t) {
		if s.Split == "dev" {
			texts = append(texts, s.Text)
		}
	}
	for _, s := range texts[:len(texts)] {
		texts = append(texts, strings.ToUpper(s), asciiLower(s))
	}
	for _, f := range seedFiles(t) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, asciiLower(string(b)))
	}
	texts = append(texts, "TRACK \u212aeep", "do not \u017fell", "Do Not Track", "GLOBAL PRIVACY CONTROL")
	filtered, anchored := 0, 0
	for _, p := range patterns {
		c, re := mustCue(p), regexp.MustCompile(p)
		if c.anchored != nil {
			anchored++
		}
		if c.lits == nil && c.anchored == nil {
			continue
		}
		filtered++
		for _, s := range texts {
			if got, want := c.FindAllStringIndex(s, -1), re.FindAllStringIndex(s, -1); len(got) != len(want) {
				t.Fatalf("pattern %q on %q: %d matches with the prefilter (%q), %d without", p, s, len(got), c.lits, len(want))
			}
			if got, want := c.MatchString(s), re.MatchString(s); got != want {
				t.Fatalf("pattern %q on %q: MatchString %v (anchored %v), regexp says %v", p, s, got, c.anchored != nil, want)
			}
		}
	}
	t.Logf("%d cue patterns, %d prefiltered, %d matched at word starts", len(patterns), filtered, anchored)
	if filtered*2 < len(patterns) {
		t.Errorf("only %d of %d cue patterns have a prefilter", filtered, len(patterns))
	}
}

// TestRequiredLiterals pins the derivation on small patterns.
func TestRequiredLiterals(t *testing.T) {
	for _, tt := range []struct {
		expr string
		want []string // nil: no prefilter
	}{
		{`\bcookies?\b`, []string{"cookie"}},
		{`\b(?:use|uses|using)\b`, []string{"use", "using"}},
		{`analy[sz]e`, []string{"analyse", "analyze"}},
		{`(?i)\bGPC\b`, []string{"gpc"}},
		{`\bDNT\b`, []string{"DNT"}},
		{`a|.*`, nil},
		{`x?`, nil},
		{`(?i)straße`, nil},
		{`[^.;]{0,40}?\b(?:is|are) not used`, []string{"is not used", "are not used"}},
	} {
		got := mustCue(tt.expr).lits
		if strings.Join(got, "|") != strings.Join(tt.want, "|") || (got == nil) != (tt.want == nil) {
			t.Errorf("%s: lits %q, want %q", tt.expr, got, tt.want)
		}
	}
}

// TestLiteralCues: a pattern that is only literals matches by substring;
// one assertion anywhere makes it a regular expression again.
func TestLiteralCues(t *testing.T) {
	for expr, want := range map[string]bool{
		`cookie|pixel|track`: true,
		`analy[sz]e`:         true,
		`cookie|\btags?\b`:   false,
		`(?:x|\bcookies?\b)`: false,
		`(?i)cookie`:         false,
		`cookies?|^consent`:  false,
		`a?`:                 false,
	} {
		if got := mustCue(expr).literal; got != want {
			t.Errorf("%s: literal %v, want %v", expr, got, want)
		}
	}
}
