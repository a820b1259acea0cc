package policy

import (
	"regexp"
	"regexp/syntax"
	"slices"
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
	// literal is true when a match is exactly an occurrence of one of
	// lits (no assertions, no classes beyond lits): MatchString is then
	// the prefilter alone.
	literal bool
	// anchored is the pattern anchored at the start, set when every match
	// begins with \b and a word character: MatchString then tries only
	// the word starts, one anchored attempt each, instead of running the
	// backtracker from every byte.
	anchored *regexp.Regexp
	// byFirst indexes a large literal set by first byte (see contains).
	byFirst *[256][]string
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
		if set, ok := exactSet(p); ok && !c.fold && !hasAssertion(p) && !slices.Contains(set, "") {
			c.literal = true
			c.lits = dedupe(set)
		}
		c.indexLits()
		if q, err := syntax.Parse(expr, syntax.Perl); err == nil && atWordStart(q.Simplify()) {
			c.anchored = regexp.MustCompile(`^(?:` + expr + `)`)
		}
	}
	return c
}

// may reports whether s can contain a match.
func (c *cueRE) may(s string) bool {
	if c.lits == nil {
		return true
	}
	if c.fold {
		return c.mayLower(asciiLower(s))
	}
	return c.contains(s)
}

// mayLower is may for text already in ASCII lower case (asciiLower): a
// case-folding pattern makes no copy of it.
func (c *cueRE) mayLower(lower string) bool {
	if c.lits == nil || !c.fold {
		return true // case-sensitive literals cannot be looked for in lower case
	}
	// (?i)k and (?i)s also match the Kelvin sign and the long s.
	if strings.Contains(lower, "\u212a") || strings.Contains(lower, "\u017f") {
		return true
	}
	return c.contains(lower)
}

func (c *cueRE) contains(s string) bool {
	if c.byFirst == nil {
		for _, l := range c.lits {
			if strings.Contains(s, l) {
				return true
			}
		}
		return false
	}
	// Many literals: one pass over s, trying at each byte only the
	// literals that start with it.
	for i := 0; i < len(s); i++ {
		for _, l := range c.byFirst[s[i]] {
			if strings.HasPrefix(s[i:], l) {
				return true
			}
		}
	}
	return false
}

// manyLits is the size of a literal set above which contains scans the
// text once instead of once per literal.
const manyLits = 8

// indexLits builds byFirst for a large literal set.
func (c *cueRE) indexLits() {
	if len(c.lits) <= manyLits {
		c.byFirst = nil
		return
	}
	for _, l := range c.lits {
		if l == "" {
			c.byFirst = nil
			return
		}
	}
	c.byFirst = new([256][]string)
	for _, l := range c.lits {
		c.byFirst[l[0]] = append(c.byFirst[l[0]], l)
	}
}

// MatchString is regexp's, prefiltered.
func (c *cueRE) MatchString(s string) bool {
	if !c.may(s) {
		return false
	}
	if c.literal {
		return true
	}
	if c.anchored == nil {
		return c.Regexp.MatchString(s)
	}
	for i := 0; i < len(s); i++ {
		if isASCIIWord(s[i]) && (i == 0 || !isASCIIWord(s[i-1])) && c.anchored.MatchString(s[i:]) {
			return true
		}
	}
	return false
}

// isASCIIWord is regexp's word character (\w, and what \b looks at).
func isASCIIWord(b byte) bool {
	return b == '_' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}

// atWordStart reports a pattern every match of which begins with \b
// followed by a word character, and which has no other anchor: it can
// match only where a word starts, and matching there anchored is the same
// as matching there within the whole text (\b at the start of the rest
// sees a word character, as it does in the text).
func atWordStart(re *syntax.Regexp) bool {
	if hasAnchor(re) {
		return false
	}
	switch re.Op {
	case syntax.OpCapture:
		return atWordStart(re.Sub[0])
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			if !atWordStart(sub) {
				return false
			}
		}
		return true
	case syntax.OpConcat:
		return len(re.Sub) > 1 && re.Sub[0].Op == syntax.OpWordBoundary && startsWithWord(re.Sub[1:])
	}
	return false
}

// hasAssertion reports a zero-width assertion anywhere in re.
func hasAssertion(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText:
		return true
	}
	for _, sub := range re.Sub {
		if hasAssertion(sub) {
			return true
		}
	}
	return false
}

func hasAnchor(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText:
		return true
	}
	for _, sub := range re.Sub {
		if hasAnchor(sub) {
			return true
		}
	}
	return false
}

// startsWithWord reports whether a sequence of parts always begins its
// match with an ASCII word character.
func startsWithWord(seq []*syntax.Regexp) bool {
	if len(seq) == 0 {
		return false
	}
	re := seq[0]
	switch re.Op {
	case syntax.OpLiteral:
		if len(re.Rune) == 0 || re.Rune[0] > 127 || !isASCIIWord(byte(re.Rune[0])) {
			return false
		}
		// (?i)k and (?i)s also match non-ASCII runes.
		return re.Flags&syntax.FoldCase == 0 || isCaseless(re.Rune[0]) || re.Rune[0] != 'k' && re.Rune[0] != 'K' && re.Rune[0] != 's' && re.Rune[0] != 'S'
	case syntax.OpCharClass:
		if len(re.Rune) == 0 {
			return false
		}
		for _, r := range re.Rune {
			if r > 127 || !isASCIIWord(byte(r)) {
				return false
			}
		}
		// Ranges between word characters may hold others ("0-z").
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if !isASCIIWord(byte(r)) {
					return false
				}
			}
		}
		return true
	case syntax.OpCapture, syntax.OpPlus:
		return startsWithWord(append([]*syntax.Regexp{re.Sub[0]}, seq[1:]...))
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return startsWithWord(append([]*syntax.Regexp{re.Sub[0]}, seq[1:]...))
		}
		return false
	case syntax.OpConcat:
		return startsWithWord(append(append([]*syntax.Regexp{}, re.Sub...), seq[1:]...))
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			if !startsWithWord(append([]*syntax.Regexp{sub}, seq[1:]...)) {
				return false
			}
		}
		return true
	case syntax.OpQuest:
		return startsWithWord(append([]*syntax.Regexp{re.Sub[0]}, seq[1:]...)) && startsWithWord(seq[1:])
	}
	return false
}

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
			if run != nil && !slices.Contains(run, "") {
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
