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
		neg:      words("kein", "keine", "keinen", "keinem", "keiner", "nicht", "nie", "niemals", "weder"),
		use:      words("verwend*", "nutz*", "benutz*", "einsetz*", "eingesetzt", "setzen", "setzt", "einbind*", "eingebunden", "integrier*", "bedienen", "einsatz"),
		practice: words("daten", "dienst*", "anbieter*", "analyse*", "webanalyse*", "statistik*", "werbung", "werbe*", "tracking", "cookie*", "verarbeit*", "reichweitenmessung", "marketing"),
		social:   words("folgen sie uns", "besuchen sie uns", "folge uns"),
	},
	"nl": {
		neg:      words("geen", "niet", "nooit", "noch"),
		use:      words("gebruik*", "inzet*", "ingezet", "zetten", "toepass*", "integre*", "maken"),
		practice: words("gegevens", "dienst*", "analyse*", "statistiek*", "advertent*", "tracking", "cookie*", "verwerk*", "marketing"),
		social:   words("volg ons", "bezoek ons"),
	},
	"da": {
		neg:      words("ikke", "ingen", "aldrig", "hverken"),
		use:      words("bruge", "bruger", "anvend*", "benytt*", "benytter"),
		practice: words("data", "oplysninger", "tjeneste*", "analyse*", "statistik*", "annonce*", "cookie*", "behandl*", "marketing"),
		social:   words("følg os", "besøg os"),
	},
	"no": {
		neg:      words("ikke", "ingen", "aldri", "verken"),
		use:      words("bruke", "bruker", "benytt*", "anvend*"),
		practice: words("data", "opplysninger", "tjeneste*", "analyse*", "statistikk*", "annonse*", "cookie*", "informasjonskapsl*", "behandl*", "markedsføring"),
		social:   words("følg oss", "besøk oss"),
	},
	"sv": {
		neg:      words("inte", "ingen", "inga", "aldrig", "varken", "ej"),
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
		use:      words("utiliz*", "usamos", "usa", "usan", "emple*", "recurrimos", "hacemos uso", "hace uso", "hacen uso"),
		practice: words("datos", "servicio*", "análisis", "estadístic*", "publicidad", "publicitari*", "cookie*", "tratamiento", "marketing"),
		social:   words("síguenos", "siguenos"),
	},
	"it": {
		neg:      words("non", "nessun", "nessuna", "nessuno", "mai", "né"),
		use:      words("utilizz*", "usiamo", "usa", "impieg*", "avvaliamo", "avvale", "fa uso", "facciamo uso", "fanno uso"),
		practice: words("dati", "servizio", "servizi", "analisi", "statistic*", "pubblicit*", "cookie*", "trattamento", "marketing"),
		social:   words("seguici"),
	},
	"pl": {
		neg:      words("nie", "żadn*", "nigdy", "ani"),
		use:      words("używ*", "korzyst*", "stosuj*", "wykorzyst*"),
		practice: words("dane", "danych", "usług*", "analiz*", "statystyk*", "reklam*", "cookie*", "ciasteczk*", "przetwarz*", "marketing*"),
		social:   words("obserwuj nas"),
	},
}

// foreignClauseBreak splits a sentence where a new statement may start: a
// semicolon, a colon, a full stop, or a comma before a contrasting
// conjunction ("…, aber …", "…, mais …") or before "we" as a new subject
// ("…, wir verwenden jedoch …").
var foreignClauseBreak = mustCue(`;|:\s|\.\s|,\s*(?:aber|jedoch|sondern|doch|allerdings|maar|echter|mais|cependant|toutefois|pero|sino|sin embargo|ma|però|tuttavia|men|dock|ale|lecz|jednak|wir|wij|we|nous|nosotros|noi|vi|my)\b`)

// foreignPurpose is a purpose after a negated use ("Wir verwenden Google
// Analytics nicht, um Sie zu identifizieren", "… niet voor
// advertentiedoeleinden", "… à des fins publicitaires"): a restriction of
// the use, not a denial, as "we do not use GA to identify you" in English.
// "nicht zu verwenden" (an infinitive) is no purpose.
var foreignPurpose = mustCue(`(?i)(?:^|[^\pL])(?:um|zur|zum|für|zu \pL*zwecken|voor|om|pour|afin|à des fins|aux fins|para|con fines|per|a fini|ai fini|för att|for at|for å|w celu|aby|do celów|dla)(?:[^\pL]|$)`)

// useIdiom removes phrases with a purpose preposition that mean "is used"
// ("kommt zum Einsatz", "kommt zur Anwendung").
var useIdiom = strings.NewReplacer("zum einsatz", " ", "zur anwendung", " ", "zum tragen", " ")

// foreignUntil is "until <year>" ("bis Ende 2021", "tot 2023", "jusqu'en
// 2022", "hasta 2023"): a use that ended.
var foreignUntil = mustCue(`(?i)(?:^|[^\pL])(?:bis|tot|jusqu'en|jusqu’en|jusqu'à|jusqu’à|hasta|fino al|fino a|till|indtil|inntil|do)\s+(?:\pL+\s+){0,2}\d{4}`)

// foreignPast says the vendor was used once, or removed ("Voorheen
// gebruikten wij …", "… wurde entfernt", "jusqu'en 2022").
var foreignPast = words("früher", "ehemals", "entfernt", "verwendeten", "nutzten", "setzten", "voorheen", "vroeger", "verwijderd", "gebruikten", "auparavant", "précédemment", "supprimé", "supprimée", "utilisions", "anteriormente", "eliminado", "eliminada", "utilizábamos", "in precedenza", "rimosso", "rimossa", "utilizzavamo", "tidigare", "borttagen", "använde", "tidligere", "fjernet", "brugte", "brukte", "wcześniej", "usunięt*", "używaliśmy")

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
	// Used once, or removed, anywhere in the sentence ("Bis 2021 war …
	// eingebunden; der Dienst wurde entfernt"): no disclosure of use.
	if foreignPast.MatchString(lowerMasked) || foreignUntil.MatchString(lowerMasked) {
		return ""
	}
	if c.neg.MatchString(clause) {
		if uses {
			if foreignPurpose.MatchString(useIdiom.Replace(lowerMasked[h.end:end])) {
				return StanceUses // a restriction of the use
			}
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
