package policy

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode"
	"unicode/utf8"
)

// cueRE is a regular expression with a literal prefilter: the substrings
// of which every match contains at least one, derived from the pattern
// itself. Most sentences contain none of a cue's words, and checking for
// them with strings.Contains is far cheaper than running the backtracker
// at every position, so the cue patterns read each sentence only when
// they can match. The prefilter never changes a result.
type cueRE struct {
	*regexp.Regexp
	lits []string // nil: no prefilter (every input is tried)
	fold bool     // lits are ASCII lower case, compared with the input lower-cased
}

// mustCue compiles a cue pattern and derives its prefilter.
func mustCue(expr string) *cueRE {
	re := regexp.MustCompile(expr)
	c := &cueRE{Regexp: re}
	if p, err := syntax.Parse(expr, syntax.Perl); err == nil {
		p = p.Simplify()
		c.fold = hasFold(p)
		if c.fold {
			p = foldASCII(p)
		}
		c.lits = requiredLiterals(p)
	}
	return c
}

// may reports whether s can contain a match.
func (c *cueRE) may(s string) bool {
	if c.lits == nil {
		return true
	}
	if c.fold {
		// (?i)k and (?i)s also match the Kelvin sign and the long s.
		if strings.Contains(s, "\u212a") || strings.Contains(s, "\u017f") {
			return true
		}
		s = asciiLower(s)
	}
	for _, l := range c.lits {
		if strings.Contains(s, l) {
			return true
		}
	}
	return false
}

// MatchString is regexp's, prefiltered.
func (c *cueRE) MatchString(s string) bool { return c.may(s) && c.Regexp.MatchString(s) }

// FindStringIndex is regexp's, prefiltered.
func (c *cueRE) FindStringIndex(s string) []int {
	if !c.may(s) {
		return nil
	}
	return c.Regexp.FindStringIndex(s)
}

// FindAllStringIndex is regexp's, prefiltered.
func (c *cueRE) FindAllStringIndex(s string, n int) [][]int {
	if !c.may(s) {
		return nil
	}
	return c.Regexp.FindAllStringIndex(s, n)
}

// FindStringSubmatch is regexp's, prefiltered.
func (c *cueRE) FindStringSubmatch(s string) []string {
	if !c.may(s) {
		return nil
	}
	return c.Regexp.FindStringSubmatch(s)
}

// FindAllStringSubmatchIndex is regexp's, prefiltered.
func (c *cueRE) FindAllStringSubmatchIndex(s string, n int) [][]int {
	if !c.may(s) {
		return nil
	}
	return c.Regexp.FindAllStringSubmatchIndex(s, n)
}

// ReplaceAllStringFunc is regexp's, prefiltered.
func (c *cueRE) ReplaceAllStringFunc(s string, f func(string) string) string {
	if !c.may(s) {
		return s
	}
	return c.Regexp.ReplaceAllStringFunc(s, f)
}

// ReplaceAllString is regexp's, prefiltered.
func (c *cueRE) ReplaceAllString(s, repl string) string {
	if !c.may(s) {
		return s
	}
	return c.Regexp.ReplaceAllString(s, repl)
}

// hasFold reports whether any part of re folds case.
func hasFold(re *syntax.Regexp) bool {
	if re.Flags&syntax.FoldCase != 0 {
		return true
	}
	for _, sub := range re.Sub {
		if hasFold(sub) {
			return true
		}
	}
	return false
}

// foldASCII rewrites a pattern's literals and classes to ASCII lower case
// for a prefilter that lower-cases its input: case-folded literals whose
// letters are all ASCII become plain lower-case literals; anything else
// with a cased letter outside ASCII stays folded, so requiredLiterals
// gives it no literal.
func foldASCII(re *syntax.Regexp) *syntax.Regexp {
	c := *re
	c.Sub = make([]*syntax.Regexp, len(re.Sub))
	for i, sub := range re.Sub {
		c.Sub[i] = foldASCII(sub)
	}
	switch re.Op {
	case syntax.OpLiteral:
		runes := make([]rune, len(re.Rune))
		ascii := true
		for i, r := range re.Rune {
			if r >= 'A' && r <= 'Z' {
				r += 'a' - 'A'
			}
			if r > 127 && !isCaseless(r) {
				ascii = false
			}
			runes[i] = r
		}
		c.Rune = runes
		if ascii {
			c.Flags &^= syntax.FoldCase
		} else {
			c.Flags |= syntax.FoldCase
		}
	case syntax.OpCharClass:
		var runes []rune
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if hi-lo > 4 {
				return &syntax.Regexp{Op: syntax.OpAnyChar}
			}
			for r := lo; r <= hi; r++ {
				if r > 127 && !isCaseless(r) {
					return &syntax.Regexp{Op: syntax.OpAnyChar}
				}
				if r >= 'A' && r <= 'Z' {
					r += 'a' - 'A'
				}
				runes = append(runes, r, r)
			}
		}
		c.Rune = runes
	}
	return &c
}

// requiredLiterals returns strings of which every match of re contains at
// least one, or nil when there is no such set (a part that can match
// anything, or case folding, which a byte comparison cannot check).
func requiredLiterals(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			for _, r := range re.Rune {
				if !isCaseless(r) {
					return nil
				}
			}
		}
		return []string{string(re.Rune)}
	case syntax.OpCharClass:
		// A small class of caseless runes ("[sz]", "[\-–]"): one literal each.
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if hi-lo > 4 || len(out) > 8 {
				return nil
			}
			for r := lo; r <= hi; r++ {
				if r == utf8.RuneError {
					return nil
				}
				out = append(out, string(r))
			}
		}
		return out
	case syntax.OpCapture, syntax.OpPlus:
		return requiredLiterals(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return requiredLiterals(re.Sub[0])
		}
		return nil
	case syntax.OpConcat:
		// Runs of parts that match a small finite set of strings are
		// multiplied out ("u" then "se|sing|sed" is "use|using|used": the
		// parser factors common prefixes); then the part or run with the
		// most selective set is taken.
		var best []string
		consider := func(l []string) {
			if l != nil && (best == nil || selectivity(l) > selectivity(best)) {
				best = l
			}
		}
		var run []string // the current run's strings; nil when there is none
		flush := func() {
			if run != nil && !slicesContainsEmpty(run) {
				consider(dedupe(run))
			}
			run = nil
		}
		for _, sub := range re.Sub {
			if set, ok := exactSet(sub); ok {
				if run == nil {
					run = []string{""}
				}
				if next, ok := crossProduct(run, set); ok {
					run = next
					continue
				}
				flush()
				run = set
				continue
			}
			flush()
			consider(requiredLiterals(sub))
		}
		flush()
		return best
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			l := requiredLiterals(sub)
			if l == nil {
				return nil
			}
			out = append(out, l...)
		}
		return dedupe(out)
	}
	return nil
}

// isCaseless reports a rune that case folding leaves alone.
func isCaseless(r rune) bool {
	return unicode.SimpleFold(r) == r
}

// selectivity ranks a literal set: the length of its shortest literal,
// then fewer literals.
func selectivity(lits []string) int {
	m := 1 << 20
	for _, l := range lits {
		m = min(m, len(l))
	}
	return m*1000 - len(lits)
}

// dedupe drops repeated strings and strings that contain another one of
// the set ("cookies" beside "cookie"): the shorter is found whenever the
// longer is.
func dedupe(in []string) []string {
	var out []string
	for i, s := range in {
		redundant := false
		for j, t := range in {
			if j != i && strings.Contains(s, t) && (len(t) < len(s) || j < i) {
				redundant = true
				break
			}
		}
		if !redundant {
			out = append(out, s)
		}
	}
	return out
}

// maxExact caps the strings an exact set may hold.
const maxExact = 64

// exactSet returns every string re matches when that is a small finite
// set; zero-width assertions (\b, ^, $) match "". Case-folded letters
// are not exact.
func exactSet(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpWordBoundary, syntax.OpNoWordBoundary,
		syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText:
		return []string{""}, true
	case syntax.OpLiteral, syntax.OpCharClass:
		if re.Op == syntax.OpCharClass && len(re.Rune) == 0 {
			return nil, false
		}
		l := requiredLiterals(re)
		return l, l != nil
	case syntax.OpCapture:
		return exactSet(re.Sub[0])
	case syntax.OpQuest:
		l, ok := exactSet(re.Sub[0])
		if !ok || len(l)+1 > maxExact {
			return nil, false
		}
		return append(l, ""), true
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			l, ok := exactSet(sub)
			if !ok || len(out)+len(l) > maxExact {
				return nil, false
			}
			out = append(out, l...)
		}
		return out, true
	case syntax.OpConcat:
		run := []string{""}
		for _, sub := range re.Sub {
			l, ok := exactSet(sub)
			if !ok {
				return nil, false
			}
			if run, ok = crossProduct(run, l); !ok {
				return nil, false
			}
		}
		return run, true
	}
	return nil, false
}

// crossProduct concatenates every a with every b, unless that makes more
// than maxExact strings.
func crossProduct(a, b []string) ([]string, bool) {
	if len(a)*len(b) > maxExact {
		return nil, false
	}
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+y)
		}
	}
	return out, true
}

func slicesContainsEmpty(l []string) bool {
	for _, s := range l {
		if s == "" {
			return true
		}
	}
	return false
}
