package policy

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode"
)

// Document kinds in the report's policy.documents[].
const (
	// DocPrivacy is a site-wide privacy policy.
	DocPrivacy = "privacy"
	// DocCookie is a separate cookie policy.
	DocCookie = "cookie"
	// DocRegional is a privacy statement for one country or region
	// ("/privacy-au", "California Privacy Notice").
	DocRegional = "regional"
)

// DocumentRecord is one document read, or rejected, while looking for the
// site's policy: the report's policy.documents[] entry.
type DocumentRecord struct {
	// URL is the address that was tried (the link's target).
	URL string `json:"url"`
	// FinalURL is where the browser or client ended up after HTTP and meta
	// refresh redirects; "" when it is URL itself or nothing loaded.
	FinalURL string `json:"final_url,omitempty"`
	// Status is the HTTP status of the final document, 0 when none arrived.
	Status int `json:"status"`
	// Kind is DocPrivacy, DocCookie or DocRegional.
	Kind string `json:"kind"`
	// Used is true when the document's text went into the analysis.
	Used bool `json:"used"`
	// Why says why the document was rejected ("" when it was used, or read
	// and not needed).
	Why string `json:"why,omitempty"`
}

// MaxRefreshHops is how many <meta http-equiv="refresh"> redirects are
// followed before a page counts as a redirect stub.
const MaxRefreshHops = 3

// reMetaRefresh reads a refresh meta tag's content: a delay, then an
// optional "url=" and the target, quoted or not.
var reMetaRefresh = regexp.MustCompile(`(?i)^\s*\d*(?:\.\d*)?\s*[;,]?\s*(?:url\s*=\s*)?['"]?([^'"]*)['"]?\s*$`)

// reRefreshTag finds refresh meta tags in raw HTML in either attribute
// order; MetaRefresh parses what it finds.
var reRefreshTag = regexp.MustCompile(`(?is)<meta\b[^>]*http-equiv\s*=\s*["']?refresh["']?[^>]*>`)

var reContentAttr = regexp.MustCompile(`(?is)\bcontent\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)`)

// MetaRefresh returns the absolute target of the page's
// <meta http-equiv="refresh"> redirect, resolved against base; ok is false
// when the page has none, or it only reloads the page itself.
func MetaRefresh(html, base string) (target string, ok bool) {
	head := html
	if i := strings.Index(strings.ToLower(head), "<body"); i > 0 {
		head = head[:i]
	} else if len(head) > 64<<10 {
		head = head[:64<<10]
	}
	tag := reRefreshTag.FindString(head)
	if tag == "" {
		return "", false
	}
	m := reContentAttr.FindStringSubmatch(tag)
	if m == nil {
		return "", false
	}
	content := strings.Trim(m[1], `"'`)
	content = strings.ReplaceAll(content, "&amp;", "&")
	sub := reMetaRefresh.FindStringSubmatch(content)
	if sub == nil || strings.TrimSpace(sub[1]) == "" {
		return "", false
	}
	b, err := url.Parse(base)
	if err != nil {
		return "", false
	}
	t, err := b.Parse(strings.TrimSpace(sub[1]))
	if err != nil {
		return "", false
	}
	t.Fragment = ""
	if t.String() == base {
		return "", false
	}
	return t.String(), true
}

// redirectWords are what redirect stubs say in their title or only line.
var redirectWords = []string{"redirecting", "redirect", "you are being redirected", "weiterleitung", "weitergeleitet",
	"doorverwijzen", "doorgestuurd", "redirection", "redirigiendo", "redireccionando", "reindirizzamento",
	"omdirigerer", "videresender", "omdirigering", "przekierowanie", "page has moved", "moved permanently"}

// notFoundWords are what soft-404 pages say in their title or first heading.
var notFoundWords = []string{"not found", "404", "page not found", "cannot be found", "can't be found", "could not be found",
	"doesn't exist", "does not exist", "no longer available", "nicht gefunden", "existiert nicht", "niet gevonden",
	"bestaat niet", "ikke fundet", "findes ikke", "introuvable", "n'existe pas", "no encontrada", "no existe",
	"non trovata", "non esiste", "hittades inte", "finnes ikke", "ikke funnet", "nie znaleziono", "nie istnieje"}

// errorWords are what browser, CDN and server error pages say.
var errorWords = []string{"internal server error", "service unavailable", "bad gateway", "gateway timeout",
	"access denied", "403 forbidden", "forbidden", "something went wrong", "an error occurred", "error occurred",
	"just a moment", "attention required", "this site can’t be reached", "this site can't be reached",
	"err_name_not_resolved", "err_connection", "server not found", "temporarily unavailable", "under maintenance",
	"application error", "fehler", "serverfehler", "er is een fout", "erreur", "se ha producido un error"}

// policyCues are stems that policies of every language use; a page that
// contains none of them, or only one, is not a privacy or cookie policy.
var policyCues = []string{
	// en
	"privacy", "personal data", "personal information", "cookie", "data protection", "processing", "process your",
	"third part", "your rights", "retention", "retain", "controller", "gdpr", "ccpa", "opt out", "opt-out", "consent",
	"do not track", "tracking", "analytics", "we collect", "information we collect", "disclose",
	"global privacy control", "advertis", "pixel", "your data", "your information",
	// cookie declarations (the tables CMPs render)
	"expiry", "expiration", "expires", "duration", "provider", "purpose", "strictly necessary", "statistic",
	"ablauf", "anbieter", "zweck", "speicherdauer", "looptijd", "aanbieder", "doel", "durée", "finalité",
	"duración", "finalidad", "durata", "finalità", "udløb", "formål", "utgång", "ändamål", "okres", "cel",
	// de
	"datenschutz", "personenbezogen", "verarbeitung", "verantwortlich", "dsgvo", "einwilligung", "speicherdauer",
	// nl
	"persoonsgegevens", "verwerking", "gegevens", "toestemming", "avg",
	// da, no, sv
	"personoplysninger", "behandling", "samtykke", "personopplysninger", "personuppgifter", "samtycke", "dataskydd",
	// fr
	"données personnelles", "donnees personnelles", "traitement", "consentement", "rgpd", "confidentialité",
	// es
	"datos personales", "tratamiento", "consentimiento", "privacidad",
	// it
	"dati personali", "trattamento", "consenso",
	// pl
	"dane osobowe", "danych osobowych", "przetwarzani", "zgod", "prywatnoś",
}

// minPolicyCues is how many different cue stems a policy must contain.
const minPolicyCues = 3

// stubWords is the most a redirect stub, soft 404 or error page says; a
// longer page that happens to have such a title is read as a document.
const stubWords = 120

// Check says why a loaded document is not a policy, or "" when it reads as
// one: the browser's own error page (chrome-error://…), an HTTP status
// outside 2xx, a redirect stub ("Redirecting…"), a "page not found" or
// server error page served with 200, or a page without policy-like
// content. finalURL is where the document was loaded from after redirects,
// status its HTTP status (0 when unknown, as for files).
func Check(doc *Document, finalURL string, status int) string {
	if u, err := url.Parse(finalURL); finalURL != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "file")) {
		return fmt.Sprintf("the browser showed its own error page (%s): the link, or a redirect from it, leads to a host that could not be reached", clip(finalURL, 80))
	}
	if status != 0 && (status < 200 || status > 299) {
		return fmt.Sprintf("HTTP status %d", status)
	}
	if doc == nil {
		return "no document"
	}
	text := doc.Text()
	words := countWords(text)
	lowTitle := strings.ToLower(doc.Title)
	first := ""
	for _, s := range doc.Sections {
		if s.Heading != "" {
			first = strings.ToLower(s.Heading)
			break
		}
	}
	short := words <= stubWords
	if short && (hasAny(lowTitle, redirectWords) || hasAny(first, redirectWords) || (words <= 12 && hasAny(strings.ToLower(text), redirectWords))) {
		return fmt.Sprintf("a redirect stub (%q, %d word(s)) that did not lead to a document", clip(titleOr(doc, text), 60), words)
	}
	if short && (hasWord(lowTitle, notFoundWords) || hasWord(first, notFoundWords)) {
		return fmt.Sprintf("a \"page not found\" page (%q) served with status %s (soft 404)", clip(titleOr(doc, text), 60), statusText(status))
	}
	if short && (hasAny(lowTitle, errorWords) || hasAny(first, errorWords)) {
		return fmt.Sprintf("an error page (%q) served with status %s", clip(titleOr(doc, text), 60), statusText(status))
	}
	if n := countCues(text + " " + doc.Title); n < minPolicyCues {
		lang := doc.Language
		if lang == "" {
			lang = "unknown language"
		}
		return fmt.Sprintf("no policy-like content (%d words, %s; %d of the terms policies use, such as personal data, cookies, processing or your rights)", words, lang, n)
	}
	return ""
}

func statusText(status int) string {
	if status == 0 {
		return "unknown"
	}
	return fmt.Sprint(status)
}

func titleOr(doc *Document, text string) string {
	if doc.Title != "" {
		return doc.Title
	}
	return normalizeSpace(text)
}

func countWords(s string) int {
	return len(strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }))
}

// countCues counts the different policy cue stems in s.
func countCues(s string) int {
	l := strings.ToLower(s)
	n := 0
	for _, c := range policyCues {
		if containsAt(l, c, true) {
			n++
		}
	}
	return n
}

func hasAny(s string, words []string) bool {
	if s == "" {
		return false
	}
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// hasWord is hasAny on word boundaries ("404" not inside "14045").
func hasWord(s string, words []string) bool {
	if s == "" {
		return false
	}
	for _, w := range words {
		if containsAt(s, w, true) {
			return true
		}
	}
	return false
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// usPlaces are words that tie a policy to the United States: its federal
// and state privacy laws, California and the country's names.
var usPlaces = regexp.MustCompile(`\b(?:California|CalOPPA|CCPA|CPRA|Shine the Light|United States(?: of America)?|U\.S\.A?\.|USA|Nevada|Virginia Consumer Data|Colorado Privacy Act|COPPA|Delaware Online Privacy)\b`)

// usAddress matches a US postal address's "State ZIP" ("CA 94105",
// "NY 10001-1234").
var usAddress = regexp.MustCompile(`\b(?:AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY),?\s+\d{5}(?:-\d{4})?\b`)

// USNexus returns why the policy has a plausible tie to the United States
// (it names California, a US privacy law or the country, or gives a US
// postal address), quoting what it found, or "" when it has none.
func USNexus(doc *Document) string {
	if doc == nil {
		return ""
	}
	text := doc.Text()
	if m := usPlaces.FindString(text); m != "" {
		return fmt.Sprintf("the policy mentions %q", m)
	}
	if m := usAddress.FindString(text); m != "" {
		return fmt.Sprintf("the policy gives a US postal address (%q)", m)
	}
	return ""
}

// embedWords name a policy in an embedded frame's path or title.
var embedWords = []string{"privacy", "policy", "policies", "datenschutz", "cookie-policy", "cookie-declaration",
	"cookiebeleid", "confidential", "privacidad", "privacyverklaring", "personvern", "integritet", "prywatnos"}

var reIframe = regexp.MustCompile(`(?is)<iframe\b[^>]*>`)
var reSrcAttr = regexp.MustCompile(`(?is)\bsrc\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)`)
var reTitleAttr = regexp.MustCompile(`(?is)\btitle\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)`)

// EmbeddedPolicy returns the address of an iframe on the page that holds a
// policy (policy services embed theirs: the frame's address or title names
// a privacy or cookie policy), resolved against base.
func EmbeddedPolicy(page, base string) (string, bool) {
	b, err := url.Parse(base)
	if err != nil {
		return "", false
	}
	for _, tag := range reIframe.FindAllString(page, 50) {
		m := reSrcAttr.FindStringSubmatch(tag)
		if m == nil {
			continue
		}
		src := strings.ReplaceAll(strings.Trim(m[1], `"'`), "&amp;", "&")
		u, err := b.Parse(strings.TrimSpace(src))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			continue
		}
		// The path or title names a policy; a host only when it says
		// privacy or policy outright ("youtube-nocookie.com" is no policy).
		hint := strings.ToLower(u.Path)
		if t := reTitleAttr.FindStringSubmatch(tag); t != nil {
			hint += " " + strings.ToLower(t[1])
		}
		host := strings.ToLower(u.Hostname())
		if strings.Contains(host, "privacy") || strings.Contains(host, "polic") || hasAny(hint, embedWords) {
			u.Fragment = ""
			return u.String(), true
		}
	}
	return "", false
}
