package consent

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Kind is what a banner control does, judged from its label.
type Kind int

// The kinds of control the heuristic tells apart.
const (
	None Kind = iota
	// RejectAll declines everything optional ("Reject all", "Only
	// necessary", "Alle ablehnen").
	RejectAll
	// AcceptAll consents to everything ("Accept all", "Allow all",
	// "Alle akzeptieren").
	AcceptAll
	// Settings opens the second layer ("Settings", "Manage options",
	// "Einstellungen").
	Settings
	// Save confirms the choices of a preference layer ("Save",
	// "Confirm my choices", "Auswahl speichern").
	Save
)

func (k Kind) String() string {
	return [...]string{"none", "reject", "accept", "settings", "save"}[k]
}

// Control is one clickable element of a banner.
type Control struct {
	ID   int    `json:"id"`
	Text string `json:"text"`
	Tag  string `json:"tag"`
	// Nav is true for a link that leads to another page (a policy or
	// "learn more" link, never a consent control).
	Nav bool `json:"nav"`
}

// maxLabel is the longest label (in runes) still read as a button: longer
// text is a paragraph wrapped in a link.
const maxLabel = 60

// The label patterns, matched against the lower-cased label with every run
// of non-letters replaced by one space and a space on either end. A stem
// matches at the start of a word. Languages: en, de, nl, da, fr, es, it,
// sv, no, pl.
var (
	rejectPat = words(
		// en
		"reject", "decline", "deny ", "refuse", "disagree", "do not accept", "don t accept", "dont accept",
		"only necessary", "necessary only", "only essential", "essential only", "only required", "required only",
		"necessary cookies only", "essential cookies only", "strictly necessary only", "use necessary", "use essential",
		"continue without accepting", "continue without agreeing", "opt out",
		// de
		"ablehn", "nicht akzeptieren", "nicht zustimmen", "verweiger", "nur notwendig", "nur essenziell",
		"nur essentiell", "nur erforderlich", "nur technisch notwendig", "ohne zustimmung fortfahren",
		// nl
		"weiger", "afwijzen", "alleen noodzakelijk", "alleen functioneel", "alleen essenti",
		// da, no
		"afvis", "afslå", "kun nødvendig", "kun nødvendige", "avslå", "avvis", "bare nødvendig",
		// fr
		"refuser", "tout refuser", "continuer sans accepter", "uniquement nécessaire", "uniquement les cookies nécessaires",
		// es
		"rechaz", "denegar", "solo necesari", "sólo necesari", "solo las necesarias",
		// it
		"rifiut", "nega ", "solo necessari", "solo tecnici", "continua senza accettare",
		// sv
		"avvisa", "neka", "endast nödvändig", "bara nödvändig",
		// pl
		"odrzu", "tylko niezbędn", "tylko wymagane", "nie zgadzam",
	)
	acceptPat = words(
		// en
		"accept", "allow", "agree", "i agree", "ok ", "okay ", "got it", "i understand", "consent", "yes i m happy",
		// de
		"akzeptier", "zustimm", "einverstanden", "annehmen", "alle erlauben", "erlauben", "zulassen", "alles klar", "verstanden",
		// nl
		"accepteer", "toestaan", "akkoord", "ga akkoord", "alles toestaan",
		// da, no
		"accepter", "tillad", "godta", "aksepter", "tillat", "jeg forstår",
		// fr
		"j accepte", "tout accepter", "autoriser", "d accord",
		// es
		"aceptar", "acepto", "permitir",
		// it
		"accetta", "accetto", "consenti",
		// sv
		"acceptera", "godkänn", "tillåt",
		// pl
		"akceptuj", "zaakceptuj", "zgadzam", "przyjmuj", "zezwól",
	)
	settingsPat = words(
		"settings", "preferences", "manage", "customi", "options", "more options", "configure", "details", "show purposes",
		"einstellungen", "anpassen", "optionen", "konfigurieren", "mehr optionen", "individuelle",
		"instellingen", "aanpassen", "voorkeuren",
		"indstillinger", "tilpas", "innstillinger", "tilpass",
		"paramètres", "paramétrer", "personnaliser", "préférences", "gérer",
		"configurar", "preferencias", "personalizar", "gestionar",
		"impostazioni", "personalizza", "preferenze", "gestisci",
		"inställningar", "anpassa", "hantera",
		"ustawienia", "dostosuj", "zarządzaj",
	)
	savePat = words(
		"save", "confirm", "submit", "accept selected", "accept selection", "allow selection", "allow selected",
		"speichern", "auswahl bestätigen", "auswahl erlauben", "auswahl akzeptieren", "bestätigen",
		"opslaan", "bevestig", "gem ", "bekræft", "lagre", "bekreft",
		"enregistrer", "valider", "confirmer", "guardar", "confirmar", "salva", "conferma",
		"spara", "bekräfta", "zapisz", "potwierdź",
	)
	// negativePat are labels that look like a choice but are not one
	// ("Accept our privacy policy" is still an accept; "Cookie policy",
	// "Learn more" are not controls).
	negativePat = words(
		"learn more", "read more", "more information", "more info", "privacy policy", "cookie policy", "privacy statement",
		"imprint", "impressum", "datenschutzerklärung", "mehr erfahren", "meer informatie", "en savoir plus",
		"más información", "maggiori informazioni", "läs mer", "les mer", "læs mere", "dowiedz się",
	)
	nonLetters = regexp.MustCompile(`[^\p{L}\p{N}]+`)
)

// words builds a matcher for word stems and phrases.
func words(list ...string) *regexp.Regexp {
	alts := make([]string, len(list))
	for i, w := range list {
		alts[i] = regexp.QuoteMeta(w)
	}
	return regexp.MustCompile(` (?:` + strings.Join(alts, "|") + `)`)
}

func normalize(label string) string {
	return " " + strings.TrimSpace(nonLetters.ReplaceAllString(strings.ToLower(label), " ")) + " "
}

// Classify says what a control does from its label. Links to other pages
// and long texts are None. A label that both rejects and accepts
// ("Accept only necessary", "Nicht akzeptieren") is a reject; "Accept
// selected" is a save.
func Classify(c Control) Kind {
	if c.Nav {
		return None
	}
	label := strings.TrimSpace(c.Text)
	if label == "" || utf8.RuneCountInString(label) > maxLabel {
		return None
	}
	n := normalize(label)
	switch {
	case negativePat.MatchString(n):
		return None
	case rejectPat.MatchString(n):
		return RejectAll
	case savePat.MatchString(n):
		return Save
	}
	// "Manage consent" opens settings, "Accept all settings" accepts: the
	// word that comes first decides.
	a, s := acceptPat.FindStringIndex(n), settingsPat.FindStringIndex(n)
	switch {
	case a != nil && (s == nil || a[0] <= s[0]):
		return AcceptAll
	case s != nil:
		return Settings
	}
	return None
}

// cookieText matches banner text about cookies or consent in the supported
// languages.
var cookieText = regexp.MustCompile(`(?i)cookie|consent|tracking|einwilligung|zustimm|datenschutz|privacy|privatsph|toestemming|samtykke|consentement|traceurs|consentimiento|consenso|kakor|samtycke|informasjonskapsler|ciasteczk|prywatno|partners|tracker`)

// IsBannerText reports whether a candidate banner's text talks about
// cookies, consent or privacy.
func IsBannerText(s string) bool { return cookieText.MatchString(s) }
