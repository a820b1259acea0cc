package policy

import (
	"strings"
)

// Stance is what a policy says the site does with a browser privacy signal.
type Stance string

// The signal stances.
const (
	// Honored: the site says it honours, respects, recognises or processes
	// the signal, or conditionally stops tracking when it is present.
	Honored Stance = "honored"
	// NotHonored: the site says it does not respond to, ignores, or does
	// not support the signal.
	NotHonored Stance = "not-honored"
	// Unclear: the signal is named but the site's own stance cannot be
	// determined (definitions, third parties' behaviour, hedges, future
	// plans).
	Unclear Stance = "unclear"
	// NotMentioned: the signal is not named.
	NotMentioned Stance = "not-mentioned"
)

// signal identifies DNT or GPC.
type signal int

const (
	signalDNT signal = iota
	signalGPC
)

const (
	sigToken   = " zsigz "
	otherToken = " zothz "
)

var (
	// dntPhrase finds "do not track" in any case and hyphenation; whether it
	// is the signal's name is decided by isDNTName.
	dntPhrase  = mustCue(`(?i)\bdo[\s\-‐–]+not[\s\-‐–]+track\b`)
	dntAcronym = mustCue(`\bDNT\b`)
	dntNoun    = mustCue(`^\s*["”’']?\s*(?:\(\s*"?DNT"?\s*\)\s*)?["”’']?\s*(?:browser\s+|web\s+)?(?:signals?|requests?|settings?|headers?|preferences?|features?|options?|mechanisms?|standards?|technolog(?:y|ies)|functions?|functionality|instructions?|flags?|policy|policies|choices?|browser|\()`)
	gpcPhrase  = mustCue(`(?i)\bglobal[\s\-]privacy[\s\-]controls?\b|\bopt[\s\-]?out preference signals?\b|\buniversal opt[\s\-]?out mechanisms?\b|\bprivacy preference signals?\b`)
	gpcAcronym = mustCue(`\bGPC\b`)
	dnsPhrase  = mustCue(`(?i)\bdo not (?:sell|share)(?: or (?:sell|share))?(?: my)?(?: personal information| personal data| info)?\b`)

	standardPhrase = mustCue(`\b(?:standards?|technolog(?:y|ies)|mechanisms?|protocols?|consensus|agreement)\s+(?:for|on|of|to|about)\s+\w+ing(?:\s+(?:or|and)\s+\w+ing)?`)
	howPhrase      = mustCue(`\bhow (?:we|to|it|they|you) (?:\w+ )?\w+`)
	relClause      = mustCue(`\b(?:that |which |whom |who )?we (?:use|work with|partner with|engage|rely on)\b`)

	stanceVerb   = mustCue(`\b(?:honou?r(?:s|ed|ing)?|respect(?:s|ed|ing)?|recogni[sz](?:e|es|ed|ing)|support(?:s|ed|ing)?|compl(?:y|ies|ied) with|obey(?:s|ed)?|adhere(?:s|d)? to|observe(?:s|d)?|accept(?:s|ed)?|process(?:es|ed)?|acknowledge(?:s|d)?|respond(?:s|ed|ing)?|react(?:s|ed)?|take (?:any )?action|takes (?:any )?action|act (?:on|upon)|treat(?:s|ed)?|interpret(?:s|ed)?|give(?:s)? effect|implement(?:s|ed)?|alter|change|modify|adjust|ignor(?:e|es|ed|ing)|disregard(?:s|ed)?|overrides?|appl(?:y|ies))\b`)
	ignoreVerb   = mustCue(`^(?:ignor|disregard)`)
	negBefore    = mustCue(`\b(?:not|never|no longer|cannot|unable to|fail to|fails to|neither|nor|without)\b`)
	hedgeBefore  = mustCue(`\b(?:may|might|could|would)\b|\brequire[sd]? (?:\w+ )?to\b|\bneed to\b|\bplan to\b|\bintend to\b`)
	trackVerbNeg = mustCue(`\b(?:not|never|no longer)\b(?:\s+\S+){0,3}?\s+(?:track|collect|set|place|plant|load|use|share|sell|serve|record|fire|store|send|disclose|personali[sz]e|show|display|run|enable|receive|drop|deliver|be tracked)\b`)
	honorAction  = mustCue(`\b(?:disable[sd]?|stop(?:s|ped)?|block(?:s|ed)?|suppress(?:es|ed)?|turn(?:s|ed)? off|switch(?:es|ed)? off|opt(?:s|ed)? (?:you |the user |users )?out|prevent(?:s|ed)?|exclude[sd]?|refrain(?:s|ed)?|deactivate[sd]?|limit(?:s|ed)?|treat(?:s|ed)?|will be treated|is treated)\b`)
	hypothetical = mustCue(`^(?:if|in case|should) we (?:ever |later |in the future )?(?:decide|choose|begin|start|adopt|implement|support|honou?r|respond|are able|become able|change)\b|^if and when\b|^once we (?:deploy|adopt|implement|introduce|add)\b|\bstandard\b|\badopted\b|\bfuture\b|\bfinali[sz]ed\b`)

	siteSubject  = mustCue(`\b(?:we|us|our company|our (?:web ?)?sites?|our services?|our systems?|our platform|our apps?|this (?:web ?)?site|the (?:web ?)?site|the services?|the company|the app)\b`)
	thirdSubject = mustCue(`\bthird[\s-]part|\badvertisers?\b|\bad networks?\b|\bpartners?\b|\bvendors?\b|\bother (?:web ?)?sites?\b|\bother companies\b|\bthose companies\b|\bthey\b|\bgoogle\b|\bfacebook\b`)
	userSubject  = mustCue(`\b(?:you|your|browsers?|users?|visitors?|some browsers|many browsers|most browsers)\b`)

	anaphor         = mustCue(`\b(?:these|those|such|this|that|the|said)\s+(?:(?:\w+\s+)?signals?|requests?|settings?|headers?|preferences?|mechanisms?|features?|instructions?|flags?|options?)\b|\bthem\b`)
	gerundAfterPrep = mustCue(`\b(?:for|of|about|in)\s*$`)
	sigNoun         = mustCue(`\b(?:signals?|requests?|settings?|headers?|preferences?)\b`)
)

// maskSignals returns the lower-cased sentence with the target signal's
// names replaced by a token, the other signal's names and "Do Not Sell"
// phrases replaced by other tokens, and whether the target was named.
func maskSignals(s string, sig signal) (string, bool) {
	found := false
	dnt := func(t string) string {
		return replaceDNT(t, func() string {
			if sig == signalDNT {
				found = true
				return sigToken
			}
			return otherToken
		})
	}
	gpc := func(t string) string {
		rep := func(string) string {
			if sig == signalGPC {
				found = true
				return sigToken
			}
			return otherToken
		}
		t = gpcPhrase.ReplaceAllStringFunc(t, rep)
		return gpcAcronym.ReplaceAllStringFunc(t, rep)
	}
	s = dnt(s)
	s = gpc(s)
	s = dnsPhrase.ReplaceAllString(s, " zdnsz ")
	return expandContractions(strings.ToLower(s)), found
}

// replaceDNT replaces DNT names, leaving ordinary "do not track" alone.
func replaceDNT(s string, token func() string) string {
	if locs := dntPhrase.FindAllStringIndex(s, -1); locs != nil {
		var b strings.Builder
		last := 0
		for _, l := range locs {
			if !isDNTName(s, l[0], l[1]) {
				continue
			}
			b.WriteString(s[last:l[0]])
			b.WriteString(token())
			last = l[1]
		}
		b.WriteString(s[last:])
		s = b.String()
	}
	return dntAcronym.ReplaceAllStringFunc(s, func(string) string { return token() })
}

// isDNTName decides whether "do not track" at s[start:end] is the signal's
// name rather than a verb phrase: hyphenated, capitalised ("Do Not Track"),
// quoted, or followed by a noun such as "signals" or "settings".
func isDNTName(s string, start, end int) bool {
	m := s[start:end]
	if strings.ContainsAny(m, "-‐–") {
		return true
	}
	words := strings.Fields(m)
	if len(words) == 3 && (words[1][0] == 'N' || words[2][0] == 'T') {
		return true
	}
	if start > 0 && strings.ContainsAny(s[max(0, start-3):start], `"“'‘`) {
		return true
	}
	return dntNoun.MatchString(s[end:])
}

// clauseResult is the verdict on one clause or sentence.
type clauseResult int

const (
	resNone clauseResult = iota // nothing about the site's stance
	resHonored
	resNotHonored
)

// clauseRole is what a clause does in its sentence.
type clauseRole int

const (
	roleMain       clauseRole = iota // asserts the site's practice
	roleConcessive                   // "although / while / though …": asserted, but backgrounded
	roleCausal                       // "because / since / as …": a reason, rarely the stance
	roleCondition                    // "if / when / where …": the circumstance of the main clause
	roleEvenIf                       // "even if / even when …": the main clause holds regardless
)

// clause is one clause of a sentence; conds are the conditions attached to
// a main clause.
type clause struct {
	text  string
	role  clauseRole
	conds []clause
}

var (
	// coordSplit separates coordinated main clauses.
	coordSplit = mustCue(`;|:\s|,\s*(?:and|but|so|therefore|thus|hence|yet)\s|\s(?:but|however|whereas|so that|and so|therefore)\s|\.\s`)
	// leadSub opens a subordinate clause at the start of a coordinated part;
	// it runs to the first comma.
	leadSub = mustCue(`^(?:(?:currently|however|also|please note that|note that|and|but)\s*,?\s*)?(even (?:if|when|though)|although|though|while|whilst|whereas|despite|notwithstanding|because|since|as|given that|in the absence of|due to|if and when|if|when|whenever|where|wherever|once|in case|unless|upon)\b`)
	// midSub opens a subordinate clause after a comma or inside a clause;
	// it runs to the next comma or the end.
	midSub = mustCue(`(?:,\s*|\s)(even (?:if|when|though)|although|though|while|whilst|whereas|because|since|given that|if and when|if|when|whenever|where|wherever|once|in case|unless|upon)\s`)

	futureHedge = mustCue(`\b(?:evaluat\w*|review\w*|reconsider\w*|consider\w*|explor\w*|assess\w*|look(?:ing)? into|investigat\w*|plan(?:s|ned|ning)? to|intend\w* to|aim to|hope to|expect to|in (?:the )?future|at a later (?:date|time|stage)|later this year|in a future|may or may not|whether to)\b`)
	sameAs      = mustCue(`\b(?:the same (?:way |manner )?as|in the same way as|like any other|no differently|(?:do|does|will) not (?:treat|handle|process)\w* (?:\w+ ){0,3}differently|not (?:\w+ ){0,2}any differently)\b`)
	stillTrack  = mustCue(`\b(?:still|continue[sd]? to|nevertheless|nonetheless|regardless|anyway)\b`)
	passiveHon  = mustCue(`\b(?:(?:will|are|is|be|get|gets) (?:automatically )?opted out|(?:will )?not be (?:tracked|profiled|targeted)|(?:are|is) not (?:tracked|profiled)|(?:no |none of (?:the |our |its )?)(?:\w+ ){0,2}(?:scripts?|cookies?|tags?|pixels?|trackers?|tracking) (?:are|is|will be|gets?) (?:loaded|set|placed|used|fired|run|activated|collected))\b`)
	detectVerb  = mustCue(`\b(?:detect(?:s|ed)?|check(?:s|ed)? for|look(?:s)? for|read(?:s)?|receive(?:s|d)?)\b`)
	// noStandard is the "there is no accepted standard for DNT" hedge: its
	// adjectives ("accepted", "agreed") are not the site's stance verbs.
	noStandard = mustCue(`\b(?:no|not (?:yet )?(?:an?|any)|lack of (?:an?|any)?|absence of (?:an?|any)?)\s+(?:[\w-]+\s+){0,3}(?:standards?|consensus|agreement|understanding|definition|way|method|approach|means)\b[^,;]*`)
	pronounRef = mustCue(`\b(?:it|them|this signal|such signals?|one)\b`)
)

// splitClauses cuts a masked sentence into main clauses, each with its
// conditions, and the subordinate (concessive, causal) clauses that are
// asserted but are not the sentence's point.
func splitClauses(s string) (mains, subs []clause) {
	for _, part := range coordSplit.Split(s, -1) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		var conds []clause
		// A leading subordinate clause runs to the first comma.
		if m := leadSub.FindStringSubmatchIndex(part); m != nil {
			role := subRole(part[m[2]:m[3]])
			if i := strings.Index(part[m[1]:], ","); i >= 0 {
				c := clause{text: part[:m[1]+i], role: role}
				part = strings.TrimSpace(part[m[1]+i+1:])
				if role == roleCondition || role == roleEvenIf {
					conds = append(conds, c)
				} else {
					subs = append(subs, c)
				}
			} else if i := strings.Index(part, " then "); i > 0 && (role == roleCondition || role == roleEvenIf) {
				conds = append(conds, clause{text: part[:i], role: role})
				part = part[i+6:]
			} else if role == roleCondition || role == roleEvenIf {
				// "If DNT is on we do not load analytics": no comma; the
				// condition is the whole part, read as both.
				conds = append(conds, clause{text: part, role: role})
			}
		}
		// Later subordinate clauses run to the next comma.
		for {
			m := midSub.FindStringSubmatchIndex(part)
			if m == nil {
				break
			}
			role := subRole(part[m[2]:m[3]])
			if role == roleConcessive && part[m[2]:m[3]] == "while" && !strings.HasPrefix(strings.TrimSpace(part[m[0]:]), ",") {
				// "while you browse": temporal, not concessive.
				role = roleCondition
			}
			end := len(part)
			if i := strings.Index(part[m[1]:], ","); i >= 0 {
				end = m[1] + i
			}
			c := clause{text: strings.TrimSpace(part[m[0]:end]), role: role}
			if role == roleCondition || role == roleEvenIf {
				conds = append(conds, c)
			} else {
				subs = append(subs, c)
			}
			part = part[:m[0]] + " " + strings.TrimPrefix(part[end:], ",")
		}
		mains = append(mains, clause{text: strings.TrimSpace(part), role: roleMain, conds: conds})
	}
	return mains, subs
}

func subRole(marker string) clauseRole {
	switch marker {
	case "even if", "even when", "even though":
		return roleEvenIf
	case "although", "though", "while", "whilst", "whereas", "despite", "notwithstanding":
		return roleConcessive
	case "because", "since", "as", "given that", "in the absence of", "due to":
		return roleCausal
	}
	return roleCondition
}

// evaluate classifies a masked sentence (see maskSignals) that names the
// signal or refers to it, clause by clause. Main clauses decide first; a
// condition naming the signal turns a main clause's "we do not load …" into
// honouring; "even if …" with "still / continue to" is not honouring; a
// clause about future plans or evaluation states nothing. Concessive and
// causal clauses ("although we try to honour …", "because there is no
// standard for …") count only when no main clause states a stance.
func evaluate(masked string) clauseResult {
	s := standardPhrase.ReplaceAllString(masked, " ")
	s = noStandard.ReplaceAllString(s, " ")
	s = howPhrase.ReplaceAllString(s, " ")
	s = relClause.ReplaceAllString(s, " ")
	mains, subs := splitClauses(s)
	detect := false
	for _, m := range mains {
		if strings.Contains(m.text, "zsigz") && detectVerb.MatchString(m.text) {
			detect = true
		}
	}
	var conditional clauseResult
	for _, m := range mains {
		sigCond, evenIf, hypo := false, false, false
		for _, c := range m.conds {
			if !strings.Contains(c.text, "zsigz") {
				continue
			}
			if c.role == roleEvenIf {
				evenIf = true
			} else if hypothetical.MatchString(strings.TrimSpace(c.text)) {
				hypo = true
			} else {
				sigCond = true
			}
		}
		if hypo {
			continue
		}
		about := strings.Contains(m.text, "zsigz") || sigCond || evenIf || pronounRef.MatchString(m.text) || anaphor.MatchString(m.text)
		if !about {
			continue
		}
		if evenIf && stillTrack.MatchString(m.text) {
			return resNotHonored
		}
		if futureHedge.MatchString(m.text) {
			continue
		}
		if sameAs.MatchString(m.text) {
			return resNotHonored
		}
		if r, ok := explicitStance(m.text, true); ok {
			if r != resNone {
				return r
			}
			continue
		}
		if conditional == resNone && (sigCond || detect || strings.Contains(m.text, "zsigz")) {
			if passiveHon.MatchString(m.text) {
				conditional = resHonored
				continue
			}
			if !sigCond && !detect {
				continue
			}
			for _, re := range []*cueRE{trackVerbNeg, honorAction} {
				if loc := re.FindStringIndex(m.text); loc != nil && subjectOf(m.text[:loc[0]]) == "site" {
					conditional = resHonored
					break
				}
			}
		}
	}
	if conditional != resNone {
		return conditional
	}
	// The signal named only in a reason or concession ("Because there is no
	// standard for DNT, we do not respond"): the main clause's stance verb
	// is about it.
	for _, m := range mains {
		if futureHedge.MatchString(m.text) || strings.Contains(m.text, "zsigz") {
			continue
		}
		if r, ok := explicitStance(m.text, true); ok && r != resNone {
			return r
		}
	}
	for _, c := range subs {
		if !strings.Contains(c.text, "zsigz") || futureHedge.MatchString(c.text) || c.role == roleCausal {
			continue
		}
		body := leadSub.ReplaceAllString(strings.TrimSpace(strings.TrimLeft(c.text, ", ")), "")
		if r, ok := explicitStance(body, true); ok && r != resNone {
			return r
		}
	}
	// English stance verbs that stated nothing above are hedges or other
	// parties' behaviour: no foreign reading for them.
	if strings.Contains(s, "zsigz") && !stanceVerb.MatchString(s) {
		return foreignStance(s)
	}
	return resNone
}

// Stance words in the other languages privscan reads. Policies outside the
// US rarely speak of DNT or GPC; when they do, the shapes are those of the
// English ones, in fewer words: a stance verb and a negation ("Wir
// reagieren nicht auf Do-Not-Track-Signale", "Nous respectons le signal
// GPC"), a reason without a standard before it ("Da es keinen Standard
// gibt, reagieren wir nicht darauf"), a condition on the signal with a
// tracking step switched off ("Wenn Ihr Browser DNT sendet, setzen wir
// keine Analyse-Cookies", "Sendet Ihr Browser … , wird GA nicht geladen"),
// "even if … still" ("Auch wenn … , erfassen wir weiterhin …"), and
// evaluation or future plans, which state nothing.
var (
	foreignStanceVerb = words("reagier*", "respektier*", "berücksichtig*", "beacht*", "unterstütz*", "befolg*", "honorier*", "akzeptier*", "auswert*", "ausgewertet", "wertet", "werten", "behandel*",
		"reageren", "reageert", "respecteren", "respecteert", "ondersteun*", "honoreren", "honoreert", "volgen", "behandelen", "behandelt",
		"répond*", "respect*", "prend*", "prenons", "tenons", "tient", "tiennent", "honor*", "suivons", "appliqu*", "traitons",
		"houden", "houdt", "respond*", "respet*", "atend*", "tratamos", "tenemos", "rispond*", "rispett*", "onor*", "trattiamo", "teniamo", "tiene",
		"respekter*", "reager*", "svarar", "følger", "følg*", "behandler", "behandlar", "respektuj*", "reaguj*", "honoruj*", "uwzględnia*", "traktujemy")
	foreignIgnoreVerb  = words("ignorier*", "negeer*", "negeren", "ignor*", "ignorer*", "ignoruj*")
	foreignStanceNeg   = words("nicht", "kein*", "niet", "geen", "ne", "pas", "n", "no", "non", "ikke", "inte", "ej", "nie", "nunca", "jamais", "mai", "niemals", "nooit", "aldrig", "aldri", "nigdy")
	foreignThirdParty  = words("dritt*", "derden", "tiers", "terceros", "terze", "tredjepart*", "osoby trzecie", "podmioty trzecie")
	foreignStanceHedge = words("zukunft", "zukünftig", "künftig", "prüfen", "prüft", "erwägen", "toekomst", "onderzoeken", "overwegen", "avenir", "étudions", "évaluons", "futuro", "evaluando", "estudiando", "valutando", "framtiden", "fremtiden", "utvärderar", "overvejer", "vurderer", "przyszłości", "rozważamy", "evtl", "eventuell", "möglicherweise", "misschien", "peut-être", "éventuellement", "posiblemente", "eventualmente")
	// foreignStanceSplit splits clauses; Dutch "en" is left out: it is
	// French's "en" too ("nous ne prenons pas en compte").
	foreignStanceSplit = mustCue(`,\s|;|\s(?:und|aber|maar|et|mais|y|pero|e|ma|och|men|og|i|ale)\s`)
	// foreignCondition opens a clause on the signal being sent ("wenn",
	// "si", "lorsque", "se", "jeśli" …); a clause that says the browser
	// sends or the visitor switches on the signal is one too ("Sendet Ihr
	// Browser …").
	foreignCondition = words("wenn", "falls", "sofern", "sobald", "indien", "wanneer", "als", "si", "lorsque", "lorsqu", "quand", "cuando", "qualora", "quando", "se", "om", "när", "hvis", "når", "jeśli", "jeżeli", "gdy",
		"sendet", "senden", "übermittelt", "übermitteln", "aktiviert", "aktivieren", "verstuurt", "stuurt", "ingeschakeld", "envoie", "transmet", "envía", "envia", "invia", "skickar", "sender", "wysyła")
	foreignEvenIf = words("auch wenn", "selbst wenn", "zelfs als", "zelfs wanneer", "même si", "même lorsque", "aunque", "incluso si", "anche se", "även om", "selv om", "selv hvis", "nawet jeśli", "nawet gdy")
	foreignStill  = words("weiterhin", "trotzdem", "dennoch", "nach wie vor", "toch", "nog steeds", "continuons", "toujours", "néanmoins", "seguimos", "todavía", "continuiamo", "comunque", "fortfarande", "fortsat", "fortsatt", "nadal", "wciąż")
	// foreignSwitchOff is a tracking step switched off or skipped.
	foreignSwitchOff = words("deaktivier*", "abgeschaltet", "unterbunden", "unterdrückt", "übersprungen", "uitgeschakeld", "uitschakel*", "désactiv*", "bloqu*", "desactiv*", "disattiv*", "blocc*", "deaktiver*", "inaktiver*", "avaktiver*", "wyłącz*", "blokuj*")
	// foreignTracking is what a negated tracking step is about ("keine
	// Analyse-Cookies", "nicht geladen", "no instalamos cookies").
	foreignTracking = words("cookie*", "tracking*", "analyse*", "analyt*", "analític*", "analitic*", "analityczn*", "statistik*", "nutzungs*", "geladen", "gesetzt", "erfasst", "chargé*", "traceur*", "cargad*", "caricat*", "rastreo", "tracciament*", "sporing*", "spårning*", "śledz*", "instalamos", "installiamo", "plaatsen", "déposons", "setzen", "używamy", "utilisons", "utilizamos", "utilizziamo", "gebruiken", "verwenden")
	// foreignAnaphor refers back to the signal ("solche Signale", "darauf",
	// "n'y", "ces signaux" …).
	foreignAnaphor = words("diese signale", "dieses signal", "solche signale", "solchen signalen", "diesen signalen", "darauf", "deze signalen", "dit signaal", "zulke signalen", "daarop", "hierop", "ces signaux", "ce signal", "ces demandes", "n'y", "n’y", "estas señales", "esas señales", "dichas señales", "tales señales", "questi segnali", "tali segnali", "disse signaler", "dessa signaler", "sådanne signaler", "slike signaler", "takie sygnały", "tych sygnałów", "te sygnały", "na nie")
	// foreignNoStandard is a reason clause without an agreed standard.
	foreignNoStandard = words("standard", "standards", "standaard", "norme", "estándar", "standard condiviso", "industriestandard", "branchenstandard")
)

// foreignStance reads a sentence in another language clause by clause:
// evaluation or future plans state nothing; "even if the signal is sent,
// we still …" is not-honored; a stance verb in a clause about the signal
// (naming it, referring to it, or beside a condition on it or a reason
// without a standard) decides, negated or not, "ignore" inverted; a
// condition on the signal with a tracking step switched off or negated is
// honored. Clauses about third parties state nothing.
func foreignStance(s string) clauseResult {
	if foreignStanceHedge.MatchString(s) {
		return resNone
	}
	clauses := foreignStanceSplit.Split(s, -1)
	about := func(c string) bool { return strings.Contains(c, "zsigz") || foreignAnaphor.MatchString(c) }
	// A conjunction inside a clause ("reagieren aber nicht auf …") splits
	// a verb from its object: a clause about the signal without a stance
	// verb is read again with the verb before it.
	for i := len(clauses) - 1; i > 0; i-- {
		c, p := clauses[i], clauses[i-1]
		if about(c) && !foreignStanceVerb.MatchString(c) && !foreignIgnoreVerb.MatchString(c) && !about(p) &&
			(foreignStanceVerb.MatchString(p) || foreignIgnoreVerb.MatchString(p)) && !strings.Contains(p, ",") {
			clauses = append(clauses, p+" "+c)
		}
	}
	sigCond, reason, evenIf := false, false, false
	for _, c := range clauses {
		if !strings.Contains(c, "zsigz") {
			continue
		}
		switch {
		case foreignEvenIf.MatchString(c):
			evenIf = true
		case foreignCondition.MatchString(c) && !foreignStanceVerb.MatchString(c):
			sigCond = true
		case foreignNoStandard.MatchString(c) && !foreignStanceVerb.MatchString(c):
			reason = true
		}
	}
	if evenIf {
		for _, c := range clauses {
			if !strings.Contains(c, "zsigz") && foreignStill.MatchString(c) {
				return resNotHonored
			}
		}
	}
	for _, c := range clauses {
		if foreignThirdParty.MatchString(c) {
			continue
		}
		if !about(c) && !sigCond && !reason {
			continue
		}
		if foreignCondition.MatchString(c) && strings.Contains(c, "zsigz") && !foreignStanceVerb.MatchString(c) {
			continue // the condition itself
		}
		verb, ignore := foreignStanceVerb.MatchString(c), foreignIgnoreVerb.MatchString(c)
		if !verb && !ignore {
			continue
		}
		neg := foreignStanceNeg.MatchString(strings.NewReplacer("'", " ", "’", " ").Replace(c))
		if ignore {
			neg = !neg
		}
		if neg {
			return resNotHonored
		}
		return resHonored
	}
	if sigCond {
		for _, c := range clauses {
			if strings.Contains(c, "zsigz") || foreignThirdParty.MatchString(c) {
				continue
			}
			if foreignSwitchOff.MatchString(c) {
				return resHonored
			}
			if foreignTracking.MatchString(c) && foreignStanceNeg.MatchString(strings.NewReplacer("'", " ", "’", " ").Replace(c)) {
				return resHonored
			}
		}
	}
	return resNone
}

// explicitStance looks for a stance verb (honor, respond, support, ignore …)
// with the site as its subject. about says the clause, including any
// condition split off it, concerns the signal.
func explicitStance(main string, about bool) (clauseResult, bool) {
	for _, loc := range stanceVerb.FindAllStringIndex(main, -1) {
		verb := main[loc[0]:loc[1]]
		before := main[:loc[0]]
		// Only the words just before the verb carry its negation.
		window := lastWords(before, 5)
		// A gerund after a preposition ("a standard for honoring") or an
		// adjective use is not the clause's verb.
		if strings.HasSuffix(verb, "ing") && gerundAfterPrep.MatchString(before) {
			continue
		}
		if !about && !strings.Contains(main, "zsigz") && !anaphor.MatchString(main) {
			continue
		}
		switch subjectOf(before) {
		case "third", "user":
			continue
		}
		if hedgeBefore.MatchString(window) {
			return resNone, true
		}
		neg := negBefore.MatchString(window)
		if ignoreVerb.MatchString(verb) {
			neg = !neg
		}
		if neg {
			return resNotHonored, true
		}
		return resHonored, true
	}
	return resNone, false
}

var (
	sentenceStart = mustCue(`^\s*(?:(?:currently|presently|at (?:this|the present) time|at present|for now|today|also|please note that|note that|as such|therefore|so|thus|accordingly|however|and|but)\s*,?\s*)+`)
)

// subjectOf classifies the subject in the text before a verb: "site" (we,
// the company, the website, or any named subject), "third" (third parties,
// advertisers, partners) or "user" (you, your browser, browsers).
func subjectOf(before string) string {
	b := sentenceStart.ReplaceAllString(before, "")
	b = strings.TrimSpace(b)
	switch {
	case strings.HasPrefix(b, "we ") || b == "we" || strings.HasPrefix(b, "we,"):
		return "site"
	case thirdSubject.MatchString(b):
		return "third"
	case siteSubject.MatchString(b):
		return "site"
	case userSubject.MatchString(b) && !strings.Contains(b, "zsigz"):
		return "user"
	}
	return "site"
}

func lastWords(s string, n int) string {
	f := strings.Fields(s)
	if len(f) > n {
		f = f[len(f)-n:]
	}
	return strings.Join(f, " ")
}

// unit is a sentence (or a table row, for vendor analysis) with its
// heading, for signal and vendor analysis.
type unit struct {
	text, heading string
	lower         string // asciiLower(text)
	section       int    // index of the section in the Document
	cookieRow     bool   // a row of a cookie declaration table
	tableRow      bool   // a row of any table (its cells joined by " | ")
}

// signalStance finds the document's stance on one signal. Each sentence
// that names the signal is classified; when it states no stance, the next
// sentence is read with its anaphora ("these signals", "them") taken as the
// signal. Sentences in a section whose heading names the signal are read the
// same way. The majority of decisive sentences wins; a tie goes to the first.
func signalStance(units []unit, sig signal) (Stance, unit) {
	type vote struct {
		r clauseResult
		u unit
	}
	var votes []vote
	var firstMention *unit
	headingNames := map[int]bool{}
	lastSection := -1
	for _, u := range units {
		if u.section == lastSection {
			continue
		}
		lastSection = u.section
		if u.heading != "" && prefilter(u.heading, asciiLower(u.heading), sig) {
			if _, ok := maskSignals(u.heading, sig); ok {
				headingNames[u.section] = true
			}
		}
	}
	for i := 0; i < len(units); i++ {
		u := units[i]
		if !prefilter(u.text, u.lower, sig) && !headingNames[u.section] {
			continue
		}
		masked, named := maskSignals(u.text, sig)
		if !named {
			if headingNames[u.section] && (anaphor.MatchString(masked) || sigNoun.MatchString(masked)) {
				m := anaphor.ReplaceAllString(masked, sigToken)
				m = sigNoun.ReplaceAllString(m, sigToken)
				if r := evaluate(m); r != resNone {
					votes = append(votes, vote{r, u})
				}
			}
			continue
		}
		if firstMention == nil {
			firstMention = &units[i]
		}
		r := evaluate(masked)
		if r == resNone && i+1 < len(units) && units[i+1].section == u.section {
			next := units[i+1]
			nm, nextNamed := maskSignals(next.text, sig)
			if !nextNamed && (anaphor.MatchString(nm) || foreignAnaphor.MatchString(nm)) {
				nm = foreignAnaphor.ReplaceAllString(anaphor.ReplaceAllString(nm, sigToken), " "+sigToken+" ")
				if r2 := evaluate(nm); r2 != resNone {
					votes = append(votes, vote{r2, unit{text: u.text + " " + next.text, heading: u.heading, section: u.section}})
					i++
					continue
				}
			}
		}
		if r != resNone {
			votes = append(votes, vote{r, u})
		}
	}
	if len(votes) == 0 {
		if firstMention != nil {
			return Unclear, *firstMention
		}
		return NotMentioned, unit{}
	}
	count := map[clauseResult]int{}
	for _, v := range votes {
		count[v.r]++
	}
	win := votes[0].r
	if count[resHonored] != count[resNotHonored] {
		win = resHonored
		if count[resNotHonored] > count[resHonored] {
			win = resNotHonored
		}
	}
	for _, v := range votes {
		if v.r == win {
			if win == resHonored {
				return Honored, v.u
			}
			return NotHonored, v.u
		}
	}
	return Unclear, votes[0].u
}

// prefilter is a cheap test for sentences that may name the signal; lower
// is asciiLower(s).
func prefilter(s, lower string, sig signal) bool {
	if sig == signalDNT {
		return strings.Contains(s, "DNT") || strings.Contains(lower, "track")
	}
	return strings.Contains(s, "GPC") || strings.Contains(lower, "privacy control") || strings.Contains(lower, "privacy-control") || strings.Contains(lower, "preference signal") ||
		strings.Contains(lower, "opt-out mechanism") || strings.Contains(lower, "opt out mechanism") || strings.Contains(lower, "optout mechanism")
}
