package policy

import (
	"bytes"
	"fmt"
	"math"
	"strings"

	"github.com/ledongthuc/pdf"
)

// maxPDFPages bounds the work done on one PDF.
const maxPDFPages = 200

// readPDF extracts the text of a PDF row by row and reads it like plain
// text. Any failure of the PDF library, including a panic on malformed
// input, becomes ErrUnreadablePDF.
func readPDF(body []byte) (blocks []block, title string, err error) {
	defer func() {
		if r := recover(); r != nil {
			blocks, title, err = nil, "", fmt.Errorf("%w: %v", ErrUnreadablePDF, r)
		}
	}()
	r, err := pdf.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		return nil, "", fmt.Errorf("%w: %v", ErrUnreadablePDF, err)
	}
	var text strings.Builder
	n := r.NumPage()
	for i := 1; i <= n && i <= maxPDFPages; i++ {
		p := r.Page(i)
		if p.V.IsNull() {
			continue
		}
		pageText(&text, p.Content().Text)
		text.WriteByte('\n')
	}
	s := strings.ToValidUTF8(text.String(), "")
	if strings.TrimSpace(s) == "" {
		return nil, "", fmt.Errorf("%w: no text", ErrUnreadablePDF)
	}
	title = r.Trailer().Key("Info").Key("Title").Text()
	return readText(s), title, nil
}

// pageText writes a page's glyphs as lines: a new line starts when the
// baseline moves by more than half the font size, and a space is inserted
// where the gap between glyphs is wider than a fifth of it.
func pageText(b *strings.Builder, glyphs []pdf.Text) {
	var prev *pdf.Text
	for i := range glyphs {
		g := &glyphs[i]
		if prev != nil {
			size := max(g.FontSize, 1)
			switch {
			case math.Abs(g.Y-prev.Y) > size/2:
				b.WriteByte('\n')
			case g.X-(prev.X+prev.W) > size/5 && !strings.HasPrefix(g.S, " ") && !strings.HasSuffix(prev.S, " "):
				b.WriteByte(' ')
			}
		}
		b.WriteString(g.S)
		prev = g
	}
	b.WriteByte('\n')
}
