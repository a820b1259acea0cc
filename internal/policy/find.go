package policy

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/privscan/privscan/crawler"
)

// Link is an anchor found on a page; it is the crawler's record.
type Link = crawler.Link

// Candidate kinds.
const (
	KindPrivacyPolicy = "privacy-policy"
	KindCookiePolicy  = "cookie-policy"
)

// Candidate is a link that may lead to the site's privacy or cookie policy.
type Candidate struct {
	// URL is the absolute link target without its fragment.
	URL string `json:"url"`
	// Score orders candidates; higher is more likely. Scores are only
	// comparable within one FindCandidates call.
	Score int `json:"score"`
	// Kind is KindPrivacyPolicy or KindCookiePolicy.
	Kind string `json:"kind"`
	// Reason says why the link scored, for humans.
	Reason string `json:"reason"`
	// Region is the region the candidate is a statement for ("au", "eu",
	// "global", "supplement" for a state or audience supplement), "" for a
	// general policy; set by PreferLocale.
	Region string `json:"region,omitempty"`
	// text is the link's text, title and aria-label (every link to the URL).
	text string
	// lang is the language of the policy name in the link text, "" when
	// the name is the same in many languages ("Privacy", "Cookies").
	lang string
}

// policyWord is a phrase that names a privacy or cookie policy.
type policyWord struct {
	phrase string // lower case
	lang   string
	weight int
	cookie bool
}

// policyWords lists link phrases by language. Longer, more specific phrases
// weigh more; the heaviest match in a text counts (see matchWord).
var policyWords = []policyWord{
	{"privacy policy", "en", 60, false}, {"privacy notice", "en", 60, false}, {"privacy statement", "en", 60, false},
	{"privacy & cookie", "en", 60, false}, {"privacy and cookie", "en", 60, false}, {"data protection", "en", 45, false},
	{"privacy", "en", 45, false},
	{"datenschutzerklärung", "de", 60, false}, {"datenschutzerklaerung", "de", 60, false}, {"datenschutzhinweise", "de", 60, false},
	{"datenschutzrichtlinie", "de", 60, false}, {"datenschutz", "de", 50, false},
	{"privacyverklaring", "nl", 60, false}, {"privacybeleid", "nl", 60, false}, {"privacyreglement", "nl", 60, false},
	{"privatlivspolitik", "da", 60, false}, {"persondatapolitik", "da", 60, false}, {"privatlivserklæring", "da", 60, false},
	{"databeskyttelse", "da", 45, false}, {"privatliv", "da", 45, false},
	{"politique de confidentialité", "fr", 60, false}, {"politique de confidentialite", "fr", 60, false},
	{"protection des données", "fr", 50, false}, {"données personnelles", "fr", 45, false}, {"confidentialité", "fr", 50, false},
	{"política de privacidad", "es", 60, false}, {"politica de privacidad", "es", 60, false}, {"aviso de privacidad", "es", 60, false},
	{"protección de datos", "es", 50, false}, {"privacidad", "es", 50, false},
	{"informativa sulla privacy", "it", 60, false}, {"informativa privacy", "it", 60, false}, {"informativa sul trattamento", "it", 55, false},
	{"integritetspolicy", "sv", 60, false}, {"dataskyddspolicy", "sv", 60, false}, {"personuppgiftspolicy", "sv", 60, false},
	{"integritet", "sv", 45, false}, {"dataskydd", "sv", 45, false},
	{"personvernerklæring", "no", 60, false}, {"personvernerklaering", "no", 60, false}, {"personvern", "no", 50, false},
	{"polityka prywatności", "pl", 60, false}, {"polityka prywatnosci", "pl", 60, false}, {"prywatność", "pl", 45, false},
	{"ochrona danych", "pl", 45, false}, {"rodo", "pl", 35, false},
	{"cookie policy", "en", 55, true}, {"cookie notice", "en", 55, true}, {"cookie statement", "en", 55, true},
	{"cookie-richtlinie", "de", 55, true}, {"cookierichtlinie", "de", 55, true}, {"cookie-erklärung", "de", 55, true},
	{"cookiebeleid", "nl", 55, true}, {"cookieverklaring", "nl", 55, true}, {"cookiepolitik", "da", 55, true},
	{"politique de cookies", "fr", 55, true}, {"politique relative aux cookies", "fr", 55, true},
	{"política de cookies", "es", 55, true}, {"informativa cookie", "it", 55, true}, {"cookiepolicy", "sv", 55, true},
	{"polityka cookies", "pl", 55, true}, {"polityka plików cookie", "pl", 55, true}, {"cookies", "en", 35, true},
	{"cookie", "en", 30, true},
}

// sharedWords are policy names several languages write alike: they say
// nothing about the language of the page they lead to.
var sharedWords = map[string]bool{"privacy": true, "cookie": true, "cookies": true, "cookiepolicy": true}

// pathWords are URL path fragments that suggest a policy page.
var pathWords = []policyWord{
	{"privacy", "", 25, false}, {"datenschutz", "", 25, false}, {"privacyverklaring", "", 25, false},
	{"privacybeleid", "", 25, false}, {"privatlivs", "", 25, false}, {"persondata", "", 25, false},
	{"confidentialite", "", 25, false}, {"privacidad", "", 25, false}, {"integritet", "", 25, false},
	{"personvern", "", 25, false}, {"prywatnosci", "", 25, false}, {"data-protection", "", 25, false},
	{"dataprotection", "", 25, false}, {"gdpr", "", 15, false}, {"dsgvo", "", 15, false},
	{"cookie", "", 20, true},
}

// notPolicy are link texts that mention cookies or privacy but lead to
// settings dialogs, not policies.
var notPolicy = []string{"cookie settings", "cookie preferences", "manage cookies", "cookie-einstellungen",
	"cookie instellingen", "cookie-instellingen", "paramètres des cookies", "gérer les cookies", "privacy settings",
	"privacy preferences", "your privacy choices", "do not sell", "privacy center", "accept", "reject"}

// FindCandidates scores links that may lead to the site's privacy policy or
// cookie policy. Link text, title and aria-label are matched against policy
// names in English, German, Dutch, Danish, French, Spanish, Italian, Swedish,
// Norwegian and Polish; the URL path adds weight, and so do a footer
// position and a same-site target. Links to other sites (typically vendors'
// policies) are kept but rank lower. The result is sorted by score, best
// first, with one entry per URL.
func FindCandidates(base *url.URL, links []Link) []Candidate {
	byURL := map[string]*Candidate{}
	for _, l := range links {
		c, ok := scoreLink(base, l)
		if !ok {
			continue
		}
		if prev, ok := byURL[c.URL]; ok {
			text := prev.text + " " + c.text
			if c.Score > prev.Score {
				*prev = c
			}
			prev.text = text
			continue
		}
		byURL[c.URL] = &c
	}
	out := make([]Candidate, 0, len(byURL))
	for _, c := range byURL {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].URL < out[j].URL
	})
	return out
}

func scoreLink(base *url.URL, l Link) (Candidate, bool) {
	u, err := url.Parse(strings.TrimSpace(l.URL))
	if err != nil {
		return Candidate{}, false
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return Candidate{}, false
	}
	u.Fragment = ""
	var reasons []string
	score := 0
	cookie, privacy := false, false
	lang := ""

	for _, f := range []struct {
		name, text string
		factor     int
	}{
		{"link text", l.Text, 100}, {"aria-label", l.Aria, 80}, {"title", l.Title, 70},
	} {
		t := strings.ToLower(normalizeSpace(f.text))
		if t == "" || isSettingsLink(t) {
			continue
		}
		if w, ok := matchWord(t, policyWords, true); ok {
			s := w.weight * f.factor / 100
			if t == w.phrase {
				s += 10
			}
			score += s
			if w.cookie {
				cookie = true
			} else {
				privacy = true
			}
			reasons = append(reasons, fmt.Sprintf("%s %q (%s)", f.name, normalizeSpace(f.text), w.lang))
			if !sharedWords[w.phrase] {
				lang = w.lang
			}
			break
		}
	}
	path := strings.ToLower(u.EscapedPath())
	if p, err := url.PathUnescape(path); err == nil {
		path = p
	}
	if w, ok := matchWord(path, pathWords, false); ok {
		score += w.weight
		if w.cookie {
			cookie = true
		} else {
			privacy = true
		}
		reasons = append(reasons, fmt.Sprintf("path contains %q", w.phrase))
	}
	if score == 0 {
		return Candidate{}, false
	}
	if l.InFooter {
		score += 15
		reasons = append(reasons, "in footer")
	}
	if base != nil {
		if sameSite(base, u) {
			score += 10
			reasons = append(reasons, "same site")
		} else {
			score -= 25
			reasons = append(reasons, "other site "+u.Hostname())
		}
	}
	kind := KindPrivacyPolicy
	if cookie && !privacy {
		kind = KindCookiePolicy
	}
	return Candidate{URL: u.String(), Score: score, Kind: kind, Reason: strings.Join(reasons, "; "),
		text: strings.Join([]string{l.Text, l.Aria, l.Title}, " "), lang: lang}, true
}

func isSettingsLink(t string) bool {
	for _, n := range notPolicy {
		if strings.Contains(t, n) {
			return true
		}
	}
	return false
}

// matchWord returns the heaviest phrase contained in t; with wordStart the
// phrase must begin a word ("rodo" does not match "prodotti").
func matchWord(t string, words []policyWord, wordStart bool) (policyWord, bool) {
	var best policyWord
	found := false
	for _, w := range words {
		if containsAt(t, w.phrase, wordStart) && (!found || w.weight > best.weight || (w.weight == best.weight && len(w.phrase) > len(best.phrase))) {
			best, found = w, true
		}
	}
	return best, found
}

// sameSite compares registrable domains (eTLD+1).
func sameSite(a, b *url.URL) bool { return crawler.SameSite(a.Hostname(), b.Hostname()) }

// CommonPaths returns paths to try, in order, when no link to a policy is
// found on the site.
func CommonPaths() []string {
	return []string{
		"/privacy", "/privacy-policy", "/privacy-notice", "/privacy-statement", "/privacypolicy",
		"/legal/privacy", "/legal/privacy-policy", "/policies/privacy", "/about/privacy", "/privacy.html",
		"/datenschutz", "/datenschutzerklaerung", "/privacyverklaring", "/privacybeleid", "/privatlivspolitik",
		"/persondatapolitik", "/politique-de-confidentialite", "/confidentialite", "/politica-de-privacidad",
		"/privacidad", "/informativa-privacy", "/integritetspolicy", "/personvern",
		"/personvernerklaering", "/polityka-prywatnosci", "/cookie-policy", "/cookies",
	}
}

func containsAt(t, phrase string, wordStart bool) bool {
	for off := 0; ; {
		i := strings.Index(t[off:], phrase)
		if i < 0 {
			return false
		}
		i += off
		if !wordStart || i == 0 {
			return true
		}
		r, _ := utf8.DecodeLastRuneInString(t[:i])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return true
		}
		off = i + len(phrase)
	}
}
