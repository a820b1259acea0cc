package policy

import "strings"

// Document is a privacy policy reduced to what the analyser reads: headed
// sections of sentences and tables. Extract builds it from HTML, plain text
// or PDF; it is plain data and safe to share between goroutines once built.
type Document struct {
	// URL is where the policy was read from (a file: URL for local files).
	URL string `json:"url"`
	// Title is the page title, or the first heading when there is none.
	Title string `json:"title"`
	// Language is an ISO 639-1 code ("en", "de", …) or "" when unknown.
	Language string `json:"language"`
	// Truncated is true when the input was longer than the extraction cap
	// and only its beginning was read.
	Truncated bool `json:"truncated"`
	// Sections are the policy's blocks in document order.
	Sections []Section `json:"sections"`
}

// Section is the text under one heading, up to the next heading.
type Section struct {
	// Heading is the heading's text; "" for text before the first heading.
	Heading string `json:"heading"`
	// Level is the heading level, 1–6 (0 when there is no heading).
	Level int `json:"level"`
	// Sentences are the section's paragraphs and list items, split into
	// sentences, whitespace-normalised.
	Sentences []string `json:"sentences"`
	// Tables are the data tables of the section.
	Tables []Table `json:"tables,omitempty"`
}

// Table is a data table: an optional header row and rows of cell texts.
type Table struct {
	// Header holds the column titles; empty when the table has none.
	Header []string `json:"header,omitempty"`
	// Rows are the body rows; rows may be ragged.
	Rows [][]string `json:"rows"`
}

// Text returns the whole document as plain text, one sentence or table row
// per line, headings included. It is meant for debugging and language
// detection, not for analysis.
func (d *Document) Text() string {
	var b strings.Builder
	for _, s := range d.Sections {
		if s.Heading != "" {
			b.WriteString(s.Heading)
			b.WriteByte('\n')
		}
		for _, t := range s.Sentences {
			b.WriteString(t)
			b.WriteByte('\n')
		}
		for _, t := range s.Tables {
			if len(t.Header) > 0 {
				b.WriteString(strings.Join(t.Header, " | "))
				b.WriteByte('\n')
			}
			for _, r := range t.Rows {
				b.WriteString(strings.Join(r, " | "))
				b.WriteByte('\n')
			}
		}
	}
	return b.String()
}

// blockKind says what a raw block is before sectioning.
type blockKind int

const (
	blockPara blockKind = iota
	blockItem
	blockHeading
	blockTable
)

// block is the intermediate representation shared by the HTML, text and PDF
// readers: a flat list of headings, paragraphs, list items and tables.
type block struct {
	kind  blockKind
	level int    // heading level
	text  string // heading, paragraph or item text
	table Table
}

// buildDocument groups blocks into sections and splits paragraphs into
// sentences.
func buildDocument(blocks []block, title string) *Document {
	doc := &Document{Title: title}
	var sample strings.Builder
	for _, b := range blocks {
		if b.kind != blockTable && sample.Len() < 20000 {
			sample.WriteString(b.text)
			sample.WriteByte(' ')
		}
	}
	doc.Language = detectLanguage(sample.String())
	split := sentenceSplitter(doc.Language)

	cur := Section{}
	flush := func() {
		if cur.Heading != "" || len(cur.Sentences) > 0 || len(cur.Tables) > 0 {
			doc.Sections = append(doc.Sections, cur)
		}
	}
	for _, b := range blocks {
		switch b.kind {
		case blockHeading:
			h := normalizeSpace(b.text)
			if h == "" {
				continue
			}
			flush()
			cur = Section{Heading: h, Level: b.level}
			if doc.Title == "" {
				doc.Title = h
			}
		case blockTable:
			if len(b.table.Rows) > 0 || len(b.table.Header) > 0 {
				cur.Tables = append(cur.Tables, b.table)
			}
		default:
			for line := range strings.SplitSeq(b.text, "\n") {
				line = normalizeSpace(line)
				if line == "" {
					continue
				}
				for _, s := range split(line) {
					if s = normalizeSpace(s); s != "" {
						cur.Sentences = append(cur.Sentences, s)
					}
				}
			}
		}
	}
	flush()
	return doc
}

// normalizeSpace collapses runs of white space (including NBSP) into single
// spaces and trims the ends.
func normalizeSpace(s string) string {
	return strings.Join(strings.FieldsFunc(s, isSpaceRune), " ")
}

func isSpaceRune(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\v', '\f', 0x85, 0xA0, 0x2007, 0x202F, 0x200B, 0xFEFF, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200A
}
