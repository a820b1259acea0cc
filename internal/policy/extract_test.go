package policy

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/charmap"
)

func TestExtractHTMLDropsChrome(t *testing.T) {
	page := `<!doctype html><html><head><title>Privacy Policy – Acme</title>
<style>.x{}</style><script>var gaTrack = "We honor Do Not Track";</script></head><body>
<header><nav><a href="/">Home</a> <a href="/facebook">Facebook</a></nav></header>
<div id="onetrust-banner-sdk"><p>We use cookies. We do not honor Do Not Track.</p><button>Accept</button></div>
<main>
  <article>
    <header><h1>Privacy Policy</h1></header>
    <h2>Analytics</h2>
    <p>We use Google Analytics to measure traffic. It sets cookies.</p>
    <ul><li>First item about cookies.</li><li>Second item<ul><li>Nested item.</li></ul></li></ul>
    <h2>Do Not Track</h2>
    <p>We do not respond to Do Not Track signals.</p>
  </article>
  <aside>Follow us on LinkedIn</aside>
</main>
<footer><p>© Acme. We honor Global Privacy Control.</p></footer>
</body></html>`
	doc, err := Extract([]byte(page), "text/html; charset=utf-8", "https://acme.test/privacy")
	if err != nil {
		t.Fatal(err)
	}
	type sec struct {
		Heading   string
		Sentences []string
	}
	var got []sec
	for _, s := range doc.Sections {
		got = append(got, sec{s.Heading, s.Sentences})
	}
	want := []sec{
		{"Privacy Policy", nil},
		{"Analytics", []string{"We use Google Analytics to measure traffic.", "It sets cookies.",
			"First item about cookies.", "Second item", "Nested item."}},
		{"Do Not Track", []string{"We do not respond to Do Not Track signals."}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sections (-want +got):\n%s", diff)
	}
	if doc.Title != "Privacy Policy – Acme" || doc.Language != "en" || doc.URL != "https://acme.test/privacy" {
		t.Errorf("title %q language %q url %q", doc.Title, doc.Language, doc.URL)
	}
	a := catalogueAnalyzer().Analyze(doc)
	if a.DNT != NotHonored || a.GPC != NotMentioned {
		t.Errorf("DNT %s GPC %s; the banner and footer must not count", a.DNT, a.GPC)
	}
	if a.DNTHeading != "Do Not Track" {
		t.Errorf("DNT heading %q", a.DNTHeading)
	}
}

const cookiebotHTML = `<html><body><main><h1>Cookie declaration</h1>
<div id="CookieDeclaration"><div class="CookieDeclarationType">
<div class="CookieDeclarationTypeHeader">Statistics (3)</div>
<table class="CookieDeclarationTable"><colgroup><col></colgroup>
<tr><th class="CookieDeclarationTableHeader">Name</th><th class="CookieDeclarationTableHeader">Provider</th>
<th class="CookieDeclarationTableHeader">Purpose</th><th class="CookieDeclarationTableHeader">Maximum Storage Duration</th>
<th class="CookieDeclarationTableHeader">Type</th></tr>
<tr><td class="CookieDeclarationTableCell">_ga</td><td class="CookieDeclarationTableCell"><a href="https://policies.google.com/privacy">Google</a></td>
<td class="CookieDeclarationTableCell">Registers a unique ID used to generate statistical data.</td><td class="CookieDeclarationTableCell">2 years</td><td class="CookieDeclarationTableCell">HTTP Cookie</td></tr>
<tr><td class="CookieDeclarationTableCell">_ga_#</td><td class="CookieDeclarationTableCell">Google</td>
<td class="CookieDeclarationTableCell">Used by Google Analytics to collect data.</td><td class="CookieDeclarationTableCell">2 years</td><td class="CookieDeclarationTableCell">HTTP Cookie</td></tr>
<tr><td class="CookieDeclarationTableCell">collect</td><td class="CookieDeclarationTableCell">Google</td>
<td class="CookieDeclarationTableCell">Sends data to Google Analytics.</td><td class="CookieDeclarationTableCell">Session</td><td class="CookieDeclarationTableCell">Pixel Tracker</td></tr>
<tr><td class="CookieDeclarationTableCell">_hjSession_#</td><td class="CookieDeclarationTableCell">Hotjar</td>
<td class="CookieDeclarationTableCell">Collects statistics.</td><td class="CookieDeclarationTableCell">Persistent</td><td class="CookieDeclarationTableCell">HTML Local Storage</td></tr>
</table></div></div></main></body></html>`

const oneTrustHTML = `<html><body><main><h1>Cookie Policy</h1>
<div id="ot-sdk-cookie-policy"><section><h4 class="ot-sdk-cookie-policy-group">Performance Cookies</h4>
<p class="ot-sdk-cookie-policy-group-desc">These cookies allow us to count visits.</p>
<table><caption class="ot-scrn-rdr">Performance Cookies</caption><thead><tr>
<th class="ot-host">Cookie Subgroup</th><th class="ot-cookies">Cookies</th><th class="ot-cookies-type">Cookies used</th><th class="ot-life-span">Lifespan</th></tr></thead>
<tbody><tr><td class="ot-host-td">example.com</td>
<td class="ot-cookies-td"><span class="ot-cookies-td-content"><a href="https://cookiepedia.co.uk/cookies/_gid">_gid</a>, <a href="https://cookiepedia.co.uk/cookies/_ga">_ga</a></span></td>
<td class="ot-cookies-type"><span class="ot-cookies-type-td-content">First Party</span></td>
<td class="ot-life-span-td"><span class="ot-life-span-td-content">1 Days, 730 Days</span></td></tr>
<tr><td class="ot-host-td">linkedin.com</td><td class="ot-cookies-td">bcookie, lidc, UserMatchHistory</td>
<td class="ot-cookies-type">Third Party</td><td class="ot-life-span-td">Session, 1 Days, 29 Days</td></tr>
</tbody></table></section></div></main></body></html>`

func TestExtractCookieTables(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		name, html string
		want       []CookieDeclaration
	}{
		{"cookiebot", cookiebotHTML, []CookieDeclaration{
			{Name: "_ga", Provider: "Google", DurationText: "2 years", LifetimeDays: f(730), Type: "HTTP Cookie", Purpose: "Registers a unique ID used to generate statistical data.", Source: "table"},
			{Name: "_ga_#", Provider: "Google", DurationText: "2 years", LifetimeDays: f(730), Type: "HTTP Cookie", Purpose: "Used by Google Analytics to collect data.", Source: "table"},
			{Name: "_hjSession_#", Provider: "Hotjar", DurationText: "Persistent", Type: "HTML Local Storage", Purpose: "Collects statistics.", Source: "table"},
			{Name: "collect", Provider: "Google", DurationText: "Session", LifetimeDays: f(0), Session: true, Type: "Pixel Tracker", Purpose: "Sends data to Google Analytics.", Source: "table"},
		}},
		{"onetrust", oneTrustHTML, []CookieDeclaration{
			{Name: "_ga", Provider: "example.com", DurationText: "730 Days", LifetimeDays: f(730), Type: "First Party", Source: "table"},
			{Name: "_gid", Provider: "example.com", DurationText: "1 Days", LifetimeDays: f(1), Type: "First Party", Source: "table"},
			{Name: "bcookie", Provider: "linkedin.com", DurationText: "Session", LifetimeDays: f(0), Session: true, Type: "Third Party", Source: "table"},
			{Name: "lidc", Provider: "linkedin.com", DurationText: "1 Days", LifetimeDays: f(1), Type: "Third Party", Source: "table"},
			{Name: "UserMatchHistory", Provider: "linkedin.com", DurationText: "29 Days", LifetimeDays: f(29), Type: "Third Party", Source: "table"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Extract([]byte(tt.html), "text/html", "https://example.com/cookies")
			if err != nil {
				t.Fatal(err)
			}
			a := catalogueAnalyzer().Analyze(doc)
			if diff := cmp.Diff(tt.want, a.Cookies); diff != "" {
				t.Errorf("cookies (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExtractProseCookies(t *testing.T) {
	text := "Cookies we use\n\n- _ga: distinguishes users; expires after 2 years.\n- _gid – distinguishes users, 24 hours.\n- Note: we review this list every year.\n"
	doc, err := Extract([]byte(text), "text/plain", "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range Analyze(doc, nil).Cookies {
		got = append(got, fmt.Sprintf("%s=%s/%v", c.Name, c.DurationText, *c.LifetimeDays))
	}
	if diff := cmp.Diff([]string{"_ga=2 years/730", "_gid=24 hours/1"}, got); diff != "" {
		t.Errorf("prose cookies (-want +got):\n%s", diff)
	}
}

func TestExtractCharsets(t *testing.T) {
	const text = "Politique de confidentialité\n\nNous utilisons des cookies « Google Analytics » pour mesurer l'audience. Les données sont conservées 13 mois.\n"
	tests := []struct {
		name, contentType string
		enc               *charmap.Charmap
		html              bool
	}{
		{"windows-1252 declared", "text/plain; charset=windows-1252", charmap.Windows1252, false},
		{"iso-8859-1 declared", "text/plain; charset=iso-8859-1", charmap.ISO8859_1, false},
		{"windows-1252 undeclared", "text/plain", charmap.Windows1252, false},
		{"iso-8859-1 meta", "text/html", charmap.ISO8859_1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := text
			if tt.html {
				src = `<html><head><meta charset="iso-8859-1"><title>Confidentialité</title></head><body><h1>Politique de confidentialité</h1><p>` +
					"Nous utilisons des cookies « Google Analytics » pour mesurer l'audience. Les données sont conservées 13 mois.</p></body></html>"
			}
			body, err := tt.enc.NewEncoder().Bytes([]byte(src))
			if err != nil {
				t.Fatal(err)
			}
			doc, err := Extract(body, tt.contentType, "")
			if err != nil {
				t.Fatal(err)
			}
			all := doc.Text()
			if !strings.Contains(all, "confidentialité") || !strings.Contains(all, "« Google Analytics »") || !strings.Contains(all, "données") {
				t.Errorf("decoded text wrong:\n%s", all)
			}
			if doc.Language != "fr" {
				t.Errorf("language = %q, want fr", doc.Language)
			}
			a := catalogueAnalyzer().Analyze(doc)
			if len(a.Vendors) != 1 || a.Vendors[0].Vendor != "google-analytics" {
				t.Errorf("vendors = %+v", a.Vendors)
			}
		})
	}
}

func TestExtractHuge(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("<html><body><h1>Privacy Policy</h1>")
	for b.Len() < MaxExtractBytes+1<<20 {
		b.WriteString("<p>We use cookies to remember your preferences. We do not sell your data.</p>\n")
	}
	b.WriteString("<p>We honor Global Privacy Control.</p></body></html>")
	doc, err := Extract(b.Bytes(), "text/html", "")
	if err != nil {
		t.Fatal(err)
	}
	if !doc.Truncated {
		t.Error("Truncated = false for input over the cap")
	}
	if a := Analyze(doc, nil); a.GPC != NotMentioned || !a.Truncated {
		t.Errorf("GPC = %s truncated = %v; text after the cap must not be read", a.GPC, a.Truncated)
	}
}

func TestExtractGarbage(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	inputs := [][]byte{nil, {}, []byte("%PDF-"), []byte("%PDF-1.4\n%garbage"), []byte("<html"), []byte("\xff\xfe\x00\x00"), []byte("|||\n|\t|\n\t\t\t")}
	for i := 0; i < 50; i++ {
		b := make([]byte, r.IntN(4096))
		for j := range b {
			b[j] = byte(r.UintN(256))
		}
		inputs = append(inputs, b)
	}
	for i, in := range inputs {
		for _, ct := range []string{"", "text/html", "text/plain", "application/pdf", "text/html; charset=bogus"} {
			doc, err := Extract(in, ct, "")
			if err != nil {
				continue
			}
			a := catalogueAnalyzer().Analyze(doc)
			if _, err := a.MarshalJSON(); err != nil {
				t.Errorf("input %d %q: marshal: %v", i, ct, err)
			}
		}
	}
}

// minimalPDF builds a one-page PDF with the given lines in Helvetica, with
// a correct cross-reference table.
func minimalPDF(lines ...string) []byte {
	var content strings.Builder
	content.WriteString("BT /F1 12 Tf 72 720 Td\n")
	for _, l := range lines {
		fmt.Fprintf(&content, "(%s) Tj 0 -14 Td\n", strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(l))
	}
	content.WriteString("ET")
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", content.Len(), content.String()),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

func TestExtractPDF(t *testing.T) {
	pdf := minimalPDF("Privacy Policy", "We use Google Analytics to measure how visitors use the site.",
		"We do not respond to Do Not Track signals.")
	doc, err := Extract(pdf, "application/pdf", "https://acme.test/privacy.pdf")
	if err != nil {
		t.Fatal(err)
	}
	a := catalogueAnalyzer().Analyze(doc)
	if a.DNT != NotHonored || len(a.Vendors) != 1 || a.Vendors[0].Vendor != "google-analytics" {
		t.Errorf("DNT %s vendors %+v; text:\n%s", a.DNT, a.Vendors, doc.Text())
	}
	// Sniffed by magic without a content type.
	if _, err := Extract(pdf, "", ""); err != nil {
		t.Errorf("sniffed PDF: %v", err)
	}
	// A broken PDF is an ErrUnreadablePDF, never a panic.
	for _, bad := range [][]byte{[]byte("%PDF-1.4\nnonsense"), pdf[:len(pdf)/2], minimalPDF()} {
		if _, err := Extract(bad, "application/pdf", ""); !errors.Is(err, ErrUnreadablePDF) {
			t.Errorf("broken PDF: err = %v, want ErrUnreadablePDF", err)
		}
	}
}
