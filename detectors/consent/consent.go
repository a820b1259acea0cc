// Package consent detects consent-management platforms (CMPs) and visible
// consent banners in the crawler's page visits.
//
// A CMP is recognised from independent signals (research
// gpc_dnt_consent.md §3.1): its banner elements in the rendered DOM, its
// JavaScript globals, requests to its CDN, and its consent-state cookies.
// Strong signals (DOM, global, script) identify a CMP alone; generic cookie
// names (e.g. "CookieConsent") only add weight. A banner is reported only
// when a visible overlay was recorded: a known CMP container, or any
// overlay whose text talks about cookies or consent in one of the supported
// languages and that offers a consent action button. A footer that merely
// mentions cookies is not a banner.
package consent

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/detectors/catalogue"
	"github.com/privscan/privscan/detectors/internal/dom"
	"github.com/privscan/privscan/report"
)

// Platform is a consent-management platform as reports name it.
type Platform struct {
	// Slug is the platform's id in reports (consent.cmp, journeys' cmp).
	Slug string
	// Name is how people write the platform's name ("OneTrust",
	// "Borlabs Cookie").
	Name string
}

// Platforms is the one table of consent-management platform names: the
// detector's evidence (CMPs), the audit's findings and the banner rules
// (crawler/consent/rules.json, held to it by a test) all name a platform
// from here. It lists the platforms detected by CMPs and those whose
// banners the consent engine operates without a detector of its own.
var Platforms = []Platform{
	{"onetrust", "OneTrust"},
	{"cookiebot", "Cookiebot"},
	{"didomi", "Didomi"},
	{"usercentrics", "Usercentrics"},
	{"cookieyes", "CookieYes"},
	{"complianz", "Complianz"},
	{"trustarc", "TrustArc"},
	{"quantcast", "Quantcast Choice"},
	{"borlabs", "Borlabs Cookie"},
	{"hubspot", "HubSpot"},
	{"sourcepoint", "Sourcepoint"},
	{"iubenda", "iubenda"},
	{"consentmanager", "consentmanager"},
	{"klaro", "Klaro"},
	{"osano", "Osano"},
}

// PlatformName is the name of the platform with slug, or slug itself for
// one the table does not know (an autoconsent rule's own name, "generic").
func PlatformName(slug string) string {
	for _, p := range Platforms {
		if p.Slug == slug {
			return p.Name
		}
	}
	return slug
}

// CMP describes how to recognise one consent-management platform; its
// name is PlatformName(Slug).
type CMP struct {
	Slug string
	// Selectors are banner/preference-centre elements in the rendered DOM.
	Selectors []string
	// Tokens are ids or classes that, found in an overlay's selector, mark
	// that overlay as this CMP's banner.
	Tokens []string
	// Globals are JavaScript paths the CMP defines.
	Globals []string
	// Scripts match request or script URLs as catalogue.SplitURL gives
	// them: lower-case host (no port), path and query.
	Scripts *regexp.Regexp
	// Cookies are names (or prefixes ending in '*') of consent-state
	// cookies specific to this CMP; WeakCookies are names other software
	// uses too.
	Cookies, WeakCookies []string
}

// CMPs is the list of platforms detected, in tie-break order.
var CMPs = []CMP{
	{Slug: "onetrust",
		Selectors: []string{"#onetrust-banner-sdk", "#onetrust-consent-sdk", "#onetrust-pc-sdk"},
		Tokens:    []string{"onetrust-banner-sdk", "onetrust-consent-sdk", "onetrust-pc-sdk"},
		Globals:   []string{"OneTrust", "OnetrustActiveGroups", "Optanon"},
		Scripts:   regexp.MustCompile(`^(?:cdn\.cookielaw\.org|cookie-cdn\.cookiepro\.com|optanon\.blob\.core\.windows\.net|[a-z0-9-]+\.onetrust\.com)/`),
		Cookies:   []string{"OptanonConsent", "OptanonAlertBoxClosed", "OTGPPConsent"}},
	{Slug: "cookiebot",
		Selectors:   []string{"#CybotCookiebotDialog"},
		Tokens:      []string{"CybotCookiebotDialog"},
		Globals:     []string{"Cookiebot", "CookieConsent.consentID"},
		Scripts:     regexp.MustCompile(`^(?:consent\.cookiebot\.(?:com|eu)|consentcdn\.cookiebot\.(?:com|eu))/`),
		Cookies:     []string{"CookieConsentBulkTicket"},
		WeakCookies: []string{"CookieConsent"}},
	{Slug: "didomi",
		Selectors: []string{"#didomi-host", "#didomi-notice", "#didomi-popup"},
		Tokens:    []string{"didomi-host", "didomi-notice", "didomi-popup"},
		Globals:   []string{"Didomi", "didomiOnReady"},
		Scripts:   regexp.MustCompile(`^(?:sdk\.privacy-center\.org|api\.privacy-center\.org)/`),
		Cookies:   []string{"didomi_token"}},
	{Slug: "usercentrics",
		Selectors: []string{"#usercentrics-root", "#usercentrics-cmp-ui", "#uc-center-container"},
		Tokens:    []string{"usercentrics-root", "usercentrics-cmp-ui", "uc-center-container"},
		Globals:   []string{"UC_UI", "usercentrics", "__ucCmp"},
		Scripts:   regexp.MustCompile(`^(?:app\.usercentrics\.eu|web\.cmp\.usercentrics\.eu|privacy-proxy\.usercentrics\.eu|api\.usercentrics\.eu)/`),
		Cookies:   []string{"uc_settings", "uc_user_interaction"}},
	{Slug: "cookieyes",
		Selectors: []string{".cky-consent-container", ".cky-consent-bar"},
		Tokens:    []string{"cky-consent-container", "cky-consent-bar"},
		Globals:   []string{"getCkyConsent", "ckyConsent"},
		Scripts:   regexp.MustCompile(`^cdn-cookieyes\.com/`),
		Cookies:   []string{"cookieyes-consent"}},
	{Slug: "complianz",
		Selectors: []string{"#cmplz-cookiebanner-container", ".cmplz-cookiebanner"},
		Tokens:    []string{"cmplz-cookiebanner"},
		Globals:   []string{"complianz", "cmplz_set_cookie"},
		Scripts:   regexp.MustCompile(`^[^/]+/wp-content/plugins/complianz-gdpr(?:-premium)?/`),
		Cookies:   []string{"cmplz_*", "complianz_consent_status", "complianz_policy_id"}},
	{Slug: "trustarc",
		Selectors: []string{"#truste-consent-track", "#truste-show-consent", "#truste-consent-content", ".truste_popframe", "#consent_blackbar"},
		Tokens:    []string{"truste-consent", "truste_popframe", "consent_blackbar"},
		Globals:   []string{"truste", "PrivacyManagerAPI"},
		Scripts:   regexp.MustCompile(`^(?:consent\.trustarc\.com|consent\.truste\.com|consent-pref\.trustarc\.com)/`),
		Cookies:   []string{"notice_preferences", "notice_gdpr_prefs", "cmapi_cookie_privacy", "TAconsentID"}},
	{Slug: "quantcast",
		Selectors: []string{"#qc-cmp2-container", "#qc-cmp2-ui", ".qc-cmp2-summary-buttons"},
		Tokens:    []string{"qc-cmp2"},
		Scripts:   regexp.MustCompile(`^(?:cmp\.quantcast\.com|quantcast\.mgr\.consensu\.org|cmp\.inmobi\.com)/`),
		Cookies:   []string{"addtl_consent"}},
	{Slug: "borlabs",
		Selectors: []string{"#BorlabsCookieBox", ".brlbs-cmpnt-dialog", "._brlbs-block-content"},
		Tokens:    []string{"BorlabsCookieBox", "brlbs-cmpnt", "_brlbs"},
		Globals:   []string{"BorlabsCookie"},
		Scripts:   regexp.MustCompile(`^[^/]+/wp-content/plugins/borlabs-cookie/`),
		Cookies:   []string{"borlabs-cookie"}},
	{Slug: "hubspot",
		Selectors:   []string{"#hs-eu-cookie-confirmation", "#hs-banner-parent"},
		Tokens:      []string{"hs-eu-cookie-confirmation", "hs-banner-parent"},
		Cookies:     []string{"__hs_cookie_cat_pref", "__hs_gpc_banner_dismiss", "__hs_notify_banner_dismiss"},
		WeakCookies: []string{"__hs_opt_out", "__hs_initial_opt_in"}},
}

// score weights per signal.
const (
	wDOM    = 4
	wScript = 3
	wGlobal = 3
	wCookie = 2
	wWeak   = 1
	// strong is the score a CMP needs to be named.
	strong = 2
)

type compiled struct {
	CMP
	sels []cascadia.Selector
}

// Detector detects CMPs and banners. Build it once with New; it is safe for
// concurrent use.
type Detector struct {
	cmps []compiled
}

// New compiles the CMP table.
func New() (*Detector, error) {
	d := &Detector{}
	for _, c := range CMPs {
		cc := compiled{CMP: c}
		for _, s := range c.Selectors {
			sel, err := cascadia.Compile(s)
			if err != nil {
				return nil, fmt.Errorf("consent: %s selector %q: %w", c.Slug, s, err)
			}
			cc.sels = append(cc.sels, sel)
		}
		d.cmps = append(d.cmps, cc)
	}
	return d, nil
}

// Detect is a convenience for New().Run(visits).
func Detect(visits []*crawler.Visit) report.Consent {
	d, err := New()
	if err != nil {
		return report.Consent{}
	}
	return d.Run(visits, nil)
}

// maxEvidence bounds the consent evidence.
const maxEvidence = 12

// Run inspects the visits (docs[i], when given, is the parsed HTML of
// visits[i]) and returns the CMP with the strongest evidence (or nil) and
// whether a banner was visible on any page.
func (d *Detector) Run(visits []*crawler.Visit, docs []*goquery.Document) report.Consent {
	scores := make([]int, len(d.cmps))
	var ev []report.Evidence
	seen := map[string]bool{}
	add := func(kind string, v *crawler.Visit, detail string) {
		key := kind + "\x00" + detail
		if seen[key] || len(ev) >= maxEvidence {
			return
		}
		seen[key] = true
		ev = append(ev, report.Evidence{Kind: kind, Profile: string(v.Profile), Page: v.URL, Detail: detail})
	}
	type once struct {
		cmp        int
		kind, what string
	}
	counted := map[once]bool{}
	bump := func(i int, kind, what string, w int) {
		if k := (once{i, kind, what}); !counted[k] {
			counted[k] = true
			scores[i] += w
		}
	}
	banner := false
	for vi, v := range visits {
		if v == nil {
			continue
		}
		var doc *goquery.Document
		if vi < len(docs) {
			doc = docs[vi]
		}
		if doc == nil {
			doc = dom.Parse(v.HTML)
		}
		// Request URLs as the Scripts patterns see them, split once per
		// visit rather than once per CMP.
		targets := make([]string, len(v.Requests))
		for j, r := range v.Requests {
			_, targets[j], _ = catalogue.SplitURL(r.URL)
		}
		for i, c := range d.cmps {
			if doc != nil {
				for j, sel := range c.sels {
					if cascadia.Query(doc.Nodes[0], sel) != nil {
						bump(i, "dom", c.Selectors[j], wDOM)
						add("dom", v, PlatformName(c.Slug)+": element "+c.Selectors[j])
						break
					}
				}
			}
			for _, g := range c.Globals {
				if _, ok := v.Globals[g]; ok {
					bump(i, "global", g, wGlobal)
					add("global", v, PlatformName(c.Slug)+": global "+g)
				}
			}
			if c.Scripts != nil {
				for j, t := range targets {
					if t != "" && c.Scripts.MatchString(t) {
						bump(i, "script", "", wScript)
						add("script", v, PlatformName(c.Slug)+": "+v.Requests[j].URL)
						break
					}
				}
			}
			for _, ck := range v.Cookies {
				if nameIn(ck.Name, c.Cookies) {
					bump(i, "cookie", ck.Name, wCookie)
					add("cookie", v, PlatformName(c.Slug)+": cookie "+ck.Name)
				} else if nameIn(ck.Name, c.WeakCookies) {
					bump(i, "weak", ck.Name, wWeak)
				}
			}
		}
		for _, o := range v.Overlays {
			if i := d.overlayCMP(o); i >= 0 {
				banner = true
				bump(i, "overlay", "", wDOM)
				add("dom", v, PlatformName(d.cmps[i].Slug)+": visible banner "+o.Selector)
				continue
			}
			if IsBanner(o) {
				banner = true
				add("dom", v, "visible consent banner "+o.Selector+": "+clip(o.Text, 120))
			}
		}
	}
	best := -1
	for i, s := range scores {
		if s >= strong && (best < 0 || s > scores[best]) {
			best = i
		}
	}
	out := report.Consent{Banner: banner, Evidence: ev}
	if best >= 0 {
		slug := d.cmps[best].Slug
		out.CMP = &slug
	}
	return out
}

func (d *Detector) overlayCMP(o crawler.Overlay) int {
	for i, c := range d.cmps {
		for _, t := range c.Tokens {
			if strings.Contains(o.Selector, t) {
				return i
			}
		}
	}
	return -1
}

func nameIn(name string, list []string) bool {
	for _, n := range list {
		if p, ok := strings.CutSuffix(n, "*"); ok {
			if strings.HasPrefix(name, p) {
				return true
			}
		} else if name == n {
			return true
		}
	}
	return false
}

func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return strings.ToValidUTF8(s[:n], "") + "..."
	}
	return s
}

// consentWords are words a banner's text uses for cookies or consent
// (en, de, nl, da, fr, es, it, sv, no, pl).
var consentWords = regexp.MustCompile(`(?i)\b(?:cookies?|cookie-?\w*|consent|tracking|` +
	`einwilligung|zustimm\w*|datenschutz\w*|` +
	`toestemming|` +
	`samtykke|privatlivspolitik|` +
	`traceurs|consentement|` +
	`consentimiento|` +
	`consenso|` +
	`kakor|samtycke|` +
	`informasjonskapsler|` +
	`ciasteczk\w*|pliki\s+cookie|zgod\w*)\b`)

// privacyWords are weaker words (privacy) that count only with an action
// button.
var privacyWords = regexp.MustCompile(`(?i)\b(?:privacy|datenschutz|privacidad|confidentialit\w*|riservatezza|integritet|personvern|prywatno\w*|privatliv)`)

// strongActions are consent decisions on buttons (accept, reject, ...).
var strongActions = regexp.MustCompile(`(?i)(?:\baccept\w*|\bagree|\ballow\w*|\breject\w*|\bdecline|\bdeny|\brefuse|` +
	`akzeptier\w*|zustimm\w*|ablehnen|erlauben|einverstanden|` +
	`accepteren|accepteer|weiger\w*|toestaan|akkoord|` +
	`accepter\w*|afvis|tillad|` +
	`refuser|j'accepte|` +
	`aceptar|rechazar|` +
	`accetta|rifiuta|` +
	`acceptera|godkänn|avvisa|` +
	`godta|aksepter|avslå|` +
	`akceptuj\w*|zaakceptuj|odrzu\w*|zgadzam)`)

// weakActions are button labels that are consent actions only next to
// cookie or consent text.
var weakActions = regexp.MustCompile(`(?i)(?:\bok(?:ay)?\b|got it|settings|preferences|customi[sz]e|manage|necessary|essential|` +
	`einstellungen|verstanden|instellingen|indstillinger|paramètres|personnaliser|configurar|impostazioni|` +
	`inställningar|innstillinger|ustawienia)`)

// IsBanner reports whether a visible overlay looks like a consent banner: it
// has buttons, its text talks about cookies or consent and one button is a
// consent action (accept, reject, settings, ...); text that only mentions
// privacy needs an explicit accept/reject button.
func IsBanner(o crawler.Overlay) bool {
	if len(o.Buttons) == 0 {
		return false
	}
	strongAction := slices.ContainsFunc(o.Buttons, strongActions.MatchString)
	anyAction := strongAction || slices.ContainsFunc(o.Buttons, weakActions.MatchString)
	switch {
	case consentWords.MatchString(o.Text):
		return anyAction
	case privacyWords.MatchString(o.Text):
		return strongAction
	}
	return false
}
