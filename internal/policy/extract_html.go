package policy

import (
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// chromeSelectors match page furniture that is never policy text. The CMP
// cookie *declarations* (#CookieDeclaration, #ot-sdk-cookie-policy) are kept;
// only banners and preference dialogs go.
const chromeSelectors = `script, style, noscript, template, svg, canvas, iframe, object, embed,
nav, aside, form, button, select, dialog, [hidden], [aria-hidden="true"],
[role="navigation"], [role="banner"], [role="contentinfo"], [role="dialog"], [role="alertdialog"],
#CybotCookiebotDialog, #onetrust-consent-sdk, #onetrust-banner-sdk, #onetrust-pc-sdk,
#cookie-banner, .cookie-banner, #cookie-notice, .cookie-notice, #cookie-consent, .cookie-consent,
#cookiebanner, .cookiebanner, .cc-window, .cc-banner, #usercentrics-root, #didomi-host,
.qc-cmp2-container, #truste-consent-track, #cmplz-cookiebanner-container, .cmplz-cookiebanner,
#BorlabsCookieBox, #moove_gdpr_cookie_info_bar, .skip-link, .breadcrumb, .breadcrumbs`

// readHTML parses an HTML page into blocks and returns its title.
func readHTML(text string) ([]block, string) {
	gq, err := goquery.NewDocumentFromReader(strings.NewReader(text))
	if err != nil {
		return nil, ""
	}
	title := gq.Find("title").First().Text()
	gq.Find(chromeSelectors).Remove()
	// Page-level header and footer are chrome; an article's own header keeps
	// its title.
	gq.Find("header, footer").Each(func(_ int, s *goquery.Selection) {
		if s.ParentsFiltered("article, main, [role=main]").Length() == 0 {
			s.Remove()
		}
	})
	root := gq.Find("main, [role=main]").First()
	if root.Length() == 0 {
		if a := gq.Find("article"); a.Length() == 1 {
			root = a
		}
	}
	if root.Length() == 0 || len(strings.TrimSpace(root.Text()))*3 < len(strings.TrimSpace(gq.Find("body").Text())) {
		root = gq.Find("body")
	}
	if root.Length() == 0 {
		root = gq.Selection
	}
	w := &htmlWalker{}
	for _, n := range root.Nodes {
		w.walk(n)
	}
	w.flush()
	if title == "" {
		title = gq.Find("h1").First().Text()
	}
	return w.blocks, title
}

type htmlWalker struct {
	blocks []block
	buf    strings.Builder
	kind   blockKind
}

func (w *htmlWalker) flush() {
	t := strings.TrimSpace(w.buf.String())
	w.buf.Reset()
	if t != "" {
		w.blocks = append(w.blocks, block{kind: w.kind, text: t})
	}
	w.kind = blockPara
}

// isBlock lists elements that end a run of inline text.
func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Section, atom.Article, atom.Main, atom.Ul, atom.Ol, atom.Li,
		atom.Dl, atom.Dt, atom.Dd, atom.Table, atom.Tr, atom.Td, atom.Th, atom.Blockquote,
		atom.Pre, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Header, atom.Footer,
		atom.Address, atom.Figure, atom.Figcaption, atom.Hr, atom.Details, atom.Summary, atom.Body,
		atom.Caption, atom.Thead, atom.Tbody, atom.Tfoot:
		return true
	}
	return false
}

func (w *htmlWalker) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		// A line break in HTML source is white space; only <br>, blocks
		// and <pre> break lines.
		if n.Parent != nil && n.Parent.DataAtom != atom.Pre && strings.ContainsAny(n.Data, "\r\n") {
			w.buf.WriteString(strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(n.Data))
			return
		}
		w.buf.WriteString(n.Data)
		return
	case html.ElementNode, html.DocumentNode:
	default:
		return
	}
	switch n.DataAtom {
	case atom.Br:
		w.buf.WriteByte('\n')
		return
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		w.flush()
		level := int(n.Data[1] - '0')
		w.blocks = append(w.blocks, block{kind: blockHeading, level: level, text: nodeText(n)})
		return
	case atom.Table:
		if isDataTable(n) {
			w.flush()
			w.blocks = append(w.blocks, block{kind: blockTable, table: readTable(n)})
			return
		}
	case atom.Li, atom.Dt, atom.Dd:
		w.flush()
		w.kind = blockItem
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			w.walk(c)
		}
		w.flush()
		return
	}
	block := isBlock(n.DataAtom)
	if block {
		w.flush()
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c)
	}
	if block {
		w.flush()
	}
}

// isDataTable reports whether a table holds data rather than layout: no
// nested tables and no headings inside.
func isDataTable(n *html.Node) bool {
	ok := true
	var visit func(*html.Node)
	visit = func(c *html.Node) {
		for c := c.FirstChild; c != nil && ok; c = c.NextSibling {
			if c.Type == html.ElementNode {
				switch c.DataAtom {
				case atom.Table, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
					ok = false
					return
				}
			}
			visit(c)
		}
	}
	visit(n)
	return ok
}

// readTable returns the rows of a data table; a first row made only of th
// cells (or a thead row) becomes the header.
func readTable(n *html.Node) Table {
	var t Table
	var rows [][]string
	headerRow := -1
	var visit func(*html.Node, bool)
	visit = func(c *html.Node, inHead bool) {
		for c := c.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.Thead:
				visit(c, true)
			case atom.Tr:
				var cells []string
				allTH := true
				for d := c.FirstChild; d != nil; d = d.NextSibling {
					if d.Type == html.ElementNode && (d.DataAtom == atom.Td || d.DataAtom == atom.Th) {
						cells = append(cells, cellText(d))
						if d.DataAtom != atom.Th {
							allTH = false
						}
					}
				}
				if len(cells) == 0 {
					continue
				}
				if headerRow < 0 && len(rows) == 0 && (inHead || allTH) {
					headerRow = 0
				}
				rows = append(rows, cells)
			case atom.Caption:
			default:
				visit(c, inHead)
			}
		}
	}
	visit(n, false)
	if headerRow == 0 && len(rows) > 0 {
		t.Header, rows = rows[0], rows[1:]
	}
	t.Rows = rows
	return t
}

// cellText is a cell's text with <br> and block children turned into ", "
// separators so that multi-value OneTrust cells stay splittable.
func cellText(n *html.Node) string {
	var parts []string
	var cur strings.Builder
	var visit func(*html.Node)
	visit = func(c *html.Node) {
		for c := c.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode:
				cur.WriteString(c.Data)
			case c.Type == html.ElementNode && (c.DataAtom == atom.Br || isBlock(c.DataAtom)):
				if s := normalizeSpace(cur.String()); s != "" {
					parts = append(parts, s)
				}
				cur.Reset()
				visit(c)
				if s := normalizeSpace(cur.String()); s != "" {
					parts = append(parts, s)
				}
				cur.Reset()
			case c.Type == html.ElementNode:
				switch c.DataAtom {
				case atom.Script, atom.Style:
				default:
					visit(c)
				}
			}
		}
	}
	visit(n)
	if s := normalizeSpace(cur.String()); s != "" {
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

func nodeText(n *html.Node) string {
	var b strings.Builder
	var visit func(*html.Node)
	visit = func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
		for d := c.FirstChild; d != nil; d = d.NextSibling {
			visit(d)
		}
		if c.Type == html.ElementNode && c.DataAtom != atom.B && c.DataAtom != atom.Strong && c.DataAtom != atom.Em && c.DataAtom != atom.I {
			b.WriteByte(' ')
		}
	}
	visit(n)
	return normalizeSpace(b.String())
}
