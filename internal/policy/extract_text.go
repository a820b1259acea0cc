package policy

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	mdHeading   = regexp.MustCompile(`^(#{1,6})\s+(.*?)\s*#*\s*$`)
	mdBullet    = regexp.MustCompile(`^\s*(?:[-*+•▪◦·]|\(?[a-z0-9]{1,3}[.)])\s+`)
	mdNumbered  = regexp.MustCompile(`^\s*\d{1,2}(?:\.\d{1,2})*\.?\s+\S`)
	mdLink      = regexp.MustCompile(`\[([^\]]*)\]\(([^)\s]*)\)`)
	mdRefLink   = regexp.MustCompile(`\[([^\]]*)\]\[[^\]]*\]`)
	mdRefDef    = regexp.MustCompile(`^\s*\[[^\]]+\]:\s*\S+\s*$`)
	mdAutoLink  = regexp.MustCompile(`<(https?://[^>\s]+|mailto:[^>\s]+)>`)
	mdEscape    = regexp.MustCompile(`\\([\\.*_#\-+!()\[\]{}|>])`)
	tableSepRow = regexp.MustCompile(`^[\s|:\-+=]+$`)
	multiSpace  = regexp.MustCompile(`\S(?: {3,}|\t+)\S`)
	cellSplit   = regexp.MustCompile(`\t+| {3,}`)
)

// readText reads plain text and Markdown-ish text line by line.
func readText(text string) []block {
	lines := strings.Split(text, "\n")
	var blocks []block
	var tblRows [][]string
	tblKind := "" // the separator of the table being read; "" outside a table

	flushTable := func() {
		if tblKind == "" {
			return
		}
		if t, ok := finishTable(tblRows, tblKind); ok {
			blocks = append(blocks, block{kind: blockTable, table: t})
		} else {
			for _, r := range tblRows {
				blocks = append(blocks, block{kind: blockPara, text: strings.Join(r, " ")})
			}
		}
		tblRows, tblKind = nil, ""
	}

	for i := 0; i < len(lines); i++ {
		raw := strings.TrimRight(lines[i], " \t")
		if strings.TrimSpace(raw) == "" {
			flushTable()
			continue
		}
		if mdRefDef.MatchString(raw) {
			continue
		}
		// Table rows: pipes, tabs, or wide gaps.
		if cells, kind := splitRow(raw, tblKind != "", tblKind); cells != nil {
			if kind != tblKind {
				flushTable()
				tblKind = kind
			}
			if !tableSepRow.MatchString(raw) {
				tblRows = append(tblRows, cells)
			}
			continue
		}
		flushTable()

		line := strings.TrimSpace(raw)
		line = strings.TrimLeft(line, "> ")
		if m := mdHeading.FindStringSubmatch(line); m != nil {
			blocks = append(blocks, block{kind: blockHeading, level: len(m[1]), text: cleanMarkdown(m[2])})
			continue
		}
		// Join soft-wrapped lines: the next line continues this one when this
		// one has no final punctuation and the next starts in lower case.
		for i+1 < len(lines) && !endsSentence(line) && startsLower(lines[i+1]) {
			i++
			line += " " + strings.TrimSpace(lines[i])
		}
		if loc := mdBullet.FindStringIndex(line); loc != nil && !mdNumbered.MatchString(line) {
			blocks = append(blocks, block{kind: blockItem, text: cleanMarkdown(line[loc[1]:])})
			continue
		}
		clean := cleanMarkdown(line)
		if lvl := headingLevel(clean); lvl > 0 {
			blocks = append(blocks, block{kind: blockHeading, level: lvl, text: clean})
			continue
		}
		blocks = append(blocks, block{kind: blockPara, text: clean})
	}
	flushTable()
	return blocks
}

// splitRow returns the cells of a line that looks like a table row and the
// kind of separator ("pipe", "tab" or "space"), or nil.
func splitRow(line string, inTable bool, kind string) ([]string, string) {
	if n := strings.Count(line, "|"); n >= 2 || (n == 1 && inTable && kind == "pipe") {
		s := strings.TrimSpace(line)
		s = strings.TrimPrefix(s, "|")
		s = strings.TrimSuffix(s, "|")
		var cells []string
		for c := range strings.SplitSeq(s, "|") {
			cells = append(cells, cleanMarkdown(strings.TrimSpace(c)))
		}
		// A heading or sentence with pipes in it ("Privacy | Acme") is not a
		// table: require a trailing pipe or three cells.
		if n < 2 || strings.HasSuffix(strings.TrimSpace(line), "|") || len(cells) >= 3 {
			return trimTrailingEmpty(cells), "pipe"
		}
		return nil, ""
	}
	if strings.Contains(line, "\t") || multiSpace.MatchString(line) {
		var cells []string
		for _, c := range cellSplit.Split(strings.TrimSpace(line), -1) {
			cells = append(cells, strings.TrimSpace(c))
		}
		if len(cells) >= 2 {
			if strings.Contains(line, "\t") {
				return cells, "tab"
			}
			return cells, "space"
		}
	}
	return nil, ""
}

func trimTrailingEmpty(cells []string) []string {
	for len(cells) > 0 && cells[len(cells)-1] == "" {
		cells = cells[:len(cells)-1]
	}
	return cells
}

// finishTable decides whether a run of row-like lines is a table. Pipe rows
// always are; tab- and space-separated rows need two or more rows with the
// same number of cells.
func finishTable(rows [][]string, kind string) (Table, bool) {
	if len(rows) == 0 {
		return Table{}, false
	}
	if kind != "pipe" {
		if len(rows) < 2 {
			return Table{}, false
		}
		for _, r := range rows {
			if len(r) != len(rows[0]) {
				return Table{}, false
			}
		}
	}
	t := Table{}
	if len(rows) >= 2 && looksLikeHeader(rows[0]) {
		t.Header, rows = rows[0], rows[1:]
	}
	t.Rows = rows
	return t, true
}

// looksLikeHeader reports whether a first row reads as column titles: short,
// non-numeric cells, none of them a duration.
func looksLikeHeader(r []string) bool {
	for _, c := range r {
		if utf8.RuneCountInString(c) > 40 {
			return false
		}
		if _, _, ok := ParseDuration(c); ok && c != "" {
			return false
		}
	}
	return true
}

// cleanMarkdown removes Markdown emphasis, links and escapes.
func cleanMarkdown(s string) string {
	s = mdLink.ReplaceAllString(s, "$1")
	s = mdRefLink.ReplaceAllString(s, "$1")
	s = mdAutoLink.ReplaceAllString(s, "$1")
	s = strings.ReplaceAll(s, "**", "")
	s = mdEscape.ReplaceAllString(s, "$1")
	s = strings.TrimSpace(s)
	if len(s) > 2 && s[0] == '*' && s[len(s)-1] == '*' {
		s = s[1 : len(s)-1]
	}
	if len(s) > 2 && s[0] == '_' && s[len(s)-1] == '_' && s[1] != '_' {
		s = s[1 : len(s)-1]
	}
	return normalizeSpace(s)
}

func endsSentence(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(strings.TrimSpace(s))
	return strings.ContainsRune(".!?:;|", r)
}

func startsLower(s string) bool {
	r, _ := utf8.DecodeRuneInString(strings.TrimSpace(s))
	return unicode.IsLower(r)
}

// headingLevel classifies a plain-text line: numbered ("2.", "1.2 Cookies"),
// ALL CAPS, or Title Case lines of at most twelve words with no final period
// are headings. It returns 0 for other lines, 2 for top-level and 3 for
// nested numbering.
func headingLevel(line string) int {
	if line == "" || utf8.RuneCountInString(line) > 100 || strings.Contains(line, "@") || strings.Contains(line, "://") {
		return 0
	}
	last, _ := utf8.DecodeLastRuneInString(line)
	if strings.ContainsRune(".,;:!", last) {
		return 0
	}
	words := strings.Fields(line)
	if len(words) > 12 {
		return 0
	}
	first, _ := utf8.DecodeRuneInString(line)
	if m := mdNumbered.FindString(line); m != "" {
		rest := strings.TrimSpace(strings.TrimLeft(line, "0123456789. "))
		r, _ := utf8.DecodeRuneInString(rest)
		if !unicode.IsUpper(r) {
			return 0
		}
		if strings.Count(strings.Fields(line)[0], ".") >= 2 || strings.Count(strings.TrimSuffix(strings.Fields(line)[0], "."), ".") >= 1 {
			return 3
		}
		return 2
	}
	if !unicode.IsUpper(first) {
		return 0
	}
	letters, upper := 0, 0
	for _, r := range line {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	if letters >= 4 && upper == letters {
		return 2
	}
	if last == '?' && len(words) > 8 {
		return 0
	}
	long, capital := 0, 0
	for _, w := range words {
		w = strings.Trim(w, `"'“”‘’()[]`)
		if utf8.RuneCountInString(w) <= 3 {
			continue
		}
		long++
		if r, _ := utf8.DecodeRuneInString(w); unicode.IsUpper(r) {
			capital++
		}
	}
	if long > 0 && capital*10 >= long*6 && letters >= 4 {
		return 3
	}
	return 0
}
