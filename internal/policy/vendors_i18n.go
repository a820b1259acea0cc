package policy

import (
	"regexp"
	"strings"
)

// foreignCues are the words that make a vendor name a disclosure in a policy
// written in one of the other languages privscan finds policies in. The
// English rules read word order and conditionals; these are coarser, by
// design on the side of "no stance": a denial needs a negation and a use
// verb in the same clause as the name ("Wir verwenden keinen Facebook
// Pixel", "Google Analytics wordt niet gebruikt"), so that "we pass no data
// to Facebook" is not read as "we do not use Facebook".
type foreignCues struct {
	neg, use, practice, social *cueRE
}

// words compiles a case-insensitive alternation of words (or, with a
// trailing *, word stems) bounded by non-letters; Go's \b knows ASCII only.
func words(list ...string) *cueRE {
	alts := make([]string, len(list))
	for i, w := range list {
		if stem, ok := strings.CutSuffix(w, "*"); ok {
			alts[i] = regexp.QuoteMeta(stem) + `\pL*`
		} else {
			alts[i] = regexp.QuoteMeta(w)
		}
	}
	return mustCue(`(?i)(?:^|[^\pL\pN])(?:` + strings.Join(alts, "|") + `)(?:[^\pL\pN]|$)`)
}

var foreignVendorCues = map[string]foreignCues{
	"de": {
		neg:      words("kein", "keine", "keinen", "keinem", "keiner", "nicht", "nie", "niemals"),
		use:      words("verwend*", "nutz*", "benutz*", "einsetz*", "eingesetzt", "setzen", "setzt", "einbind*", "eingebunden", "integrier*", "bedienen"),
		practice: words("daten", "dienst*", "anbieter*", "analyse*", "webanalyse*", "statistik*", "werbung", "werbe*", "tracking", "cookie*", "verarbeit*", "reichweitenmessung", "marketing"),
		social:   words("folgen sie uns", "besuchen sie uns", "folge uns"),
	},
	"nl": {
		neg:      words("geen", "niet", "nooit"),
		use:      words("gebruik*", "inzet*", "ingezet", "zetten", "toepass*", "integre*", "maken"),
		practice: words("gegevens", "dienst*", "analyse*", "statistiek*", "advertent*", "tracking", "cookie*", "verwerk*", "marketing"),
		social:   words("volg ons", "bezoek ons"),
	},
	"da": {
		neg:      words("ikke", "ingen", "aldrig"),
		use:      words("bruge", "bruger", "anvend*", "benytt*", "benytter"),
		practice: words("data", "oplysninger", "tjeneste*", "analyse*", "statistik*", "annonce*", "cookie*", "behandl*", "marketing"),
		social:   words("følg os", "besøg os"),
	},
	"no": {
		neg:      words("ikke", "ingen", "aldri"),
		use:      words("bruke", "bruker", "benytt*", "anvend*"),
		practice: words("data", "opplysninger", "tjeneste*", "analyse*", "statistikk*", "annonse*", "cookie*", "informasjonskapsl*", "behandl*", "markedsføring"),
		social:   words("følg oss", "besøk oss"),
	},
	"sv": {
		neg:      words("inte", "ingen", "inga", "aldrig"),
		use:      words("använd*", "nyttj*"),
		practice: words("data", "uppgifter", "tjänst*", "analys*", "statistik*", "annons*", "cookie*", "kakor", "behandl*", "marknadsföring"),
		social:   words("följ oss", "besök oss"),
	},
	"fr": {
		neg:      words("pas", "aucun", "aucune", "jamais", "ni"),
		use:      words("utilis*", "emploi*", "employ*", "recour*", "recours", "intégr*", "appel"),
		practice: words("données", "service*", "analyse*", "statistique*", "publicit*", "mesure d'audience", "cookie*", "traceur*", "traitement*", "marketing"),
		social:   words("suivez-nous", "suivez nous", "rejoignez-nous"),
	},
	"es": {
		neg:      words("no", "ningún", "ninguna", "ninguno", "nunca", "jamás"),
		use:      words("utiliz*", "usamos", "usa", "usan", "emple*", "recurrimos"),
		practice: words("datos", "servicio*", "análisis", "estadístic*", "publicidad", "publicitari*", "cookie*", "tratamiento", "marketing"),
		social:   words("síguenos", "siguenos"),
	},
	"it": {
		neg:      words("non", "nessun", "nessuna", "nessuno", "mai"),
		use:      words("utilizz*", "usiamo", "usa", "impieg*", "avvaliamo", "avvale"),
		practice: words("dati", "servizio", "servizi", "analisi", "statistic*", "pubblicit*", "cookie*", "trattamento", "marketing"),
		social:   words("seguici"),
	},
	"pl": {
		neg:      words("nie", "żadn*", "nigdy"),
		use:      words("używ*", "korzyst*", "stosuj*", "wykorzyst*"),
		practice: words("dane", "danych", "usług*", "analiz*", "statystyk*", "reklam*", "cookie*", "ciasteczk*", "przetwarz*", "marketing*"),
		social:   words("obserwuj nas"),
	},
}

// foreignClauseBreak splits a sentence where a new statement may start.
var foreignClauseBreak = mustCue(`;|:\s|\.\s`)

// foreignVerdict is vendorVerdict for a policy in another language.
func foreignVerdict(c foreignCues, u unit, lowerMasked string, h termHit) string {
	if u.cookieRow {
		return StanceUses
	}
	start, end := 0, len(lowerMasked)
	for _, loc := range foreignClauseBreak.FindAllStringIndex(lowerMasked, -1) {
		if loc[1] <= h.start {
			start = loc[1]
		} else if loc[0] >= h.end {
			end = loc[0]
			break
		}
	}
	// The name itself is masked so that "Facebook Pixel" is no practice
	// word and "Google Analytics" no use.
	clause := lowerMasked[start:h.start] + " " + lowerMasked[h.end:end]
	practice := c.practice.MatchString(clause) || practiceCue.MatchString(clause)
	if c.social.MatchString(clause) && !practice {
		return ""
	}
	uses := c.use.MatchString(clause)
	if c.neg.MatchString(clause) {
		if uses {
			return StanceDenies
		}
		return "" // negated, but not about using the vendor
	}
	// Data passed on to the vendor ("werden an … übermittelt") names
	// it as a recipient.
	if uses || practice || foreignFlow.MatchString(clause) {
		return StanceUses
	}
	return ""
}
