package policy

import (
	"regexp"
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
	dntPhrase  = regexp.MustCompile(`(?i)\bdo[\s\-‐–]+not[\s\-‐–]+track\b`)
	dntAcronym = regexp.MustCompile(`\bDNT\b`)
	dntNoun    = regexp.MustCompile(`^\s*["”’']?\s*(?:\(\s*"?DNT"?\s*\)\s*)?["”’']?\s*(?:browser\s+|web\s+)?(?:signals?|requests?|settings?|headers?|preferences?|features?|options?|mechanisms?|standards?|technolog(?:y|ies)|functions?|functionality|instructions?|flags?|policy|policies|choices?|browser|\()`)
	gpcPhrase  = regexp.MustCompile(`(?i)\bglobal privacy controls?\b|\bopt[\s\-]?out preference signals?\b|\buniversal opt[\s\-]?out mechanisms?\b|\bprivacy preference signals?\b`)
	gpcAcronym = regexp.MustCompile(`\bGPC\b`)
	dnsPhrase  = regexp.MustCompile(`(?i)\bdo not (?:sell|share)(?: or (?:sell|share))?(?: my)?(?: personal information| personal data| info)?\b`)

	reasonClause   = regexp.MustCompile(`\b(?:because|given that|as there is|as there are|as no)\b[^,;]*(?:,|$)`)
	standardPhrase = regexp.MustCompile(`\b(?:standards?|technolog(?:y|ies)|mechanisms?|protocols?|consensus|agreement)\s+(?:for|on|of|to|about)\s+\w+ing(?:\s+(?:or|and)\s+\w+ing)?`)
	howPhrase      = regexp.MustCompile(`\bhow (?:we|to|it|they|you) (?:\w+ )?\w+`)
	relClause      = regexp.MustCompile(`\b(?:that |which |whom |who )?we (?:use|work with|partner with|engage|rely on)\b`)
	clauseSplit    = regexp.MustCompile(`;|,\s*(?:and|but|while|whereas|although)\s|\s(?:but|however|whereas)\s|:\s`)
	condMarker     = regexp.MustCompile(`\b(?:if|when|whenever|once|upon|in case|where|wherever)\b`)

	stanceVerb   = regexp.MustCompile(`\b(?:honou?r(?:s|ed|ing)?|respect(?:s|ed|ing)?|recogni[sz](?:e|es|ed|ing)|support(?:s|ed|ing)?|compl(?:y|ies|ied) with|obey(?:s|ed)?|adhere(?:s|d)? to|observe(?:s|d)?|accept(?:s|ed)?|process(?:es|ed)?|acknowledge(?:s|d)?|respond(?:s|ed|ing)?|react(?:s|ed)?|take (?:any )?action|takes (?:any )?action|act (?:on|upon)|treat(?:s|ed)?|interpret(?:s|ed)?|give(?:s)? effect|implement(?:s|ed)?|alter|change|modify|adjust|ignor(?:e|es|ed|ing)|disregard(?:s|ed)?|overrides?|appl(?:y|ies))\b`)
	ignoreVerb   = regexp.MustCompile(`^(?:ignor|disregard)`)
	negBefore    = regexp.MustCompile(`\b(?:not|never|no longer|cannot|unable to|fail to|fails to|neither|nor|without)\b`)
	hedgeBefore  = regexp.MustCompile(`\b(?:may|might|could|would)\b|\brequire[sd]? (?:\w+ )?to\b|\bneed to\b|\bplan to\b|\bintend to\b`)
	trackVerbNeg = regexp.MustCompile(`\b(?:not|never|no longer)\b(?:\s+\S+){0,3}?\s+(?:track|collect|set|place|plant|load|use|share|sell|serve|record|fire|store|send|disclose|personali[sz]e|show|display|run|enable|receive|drop|deliver|be tracked)\b`)
	honorAction  = regexp.MustCompile(`\b(?:disable[sd]?|stop(?:s|ped)?|block(?:s|ed)?|suppress(?:es|ed)?|turn(?:s|ed)? off|switch(?:es|ed)? off|opt(?:s|ed)? (?:you |the user |users )?out|prevent(?:s|ed)?|exclude[sd]?|refrain(?:s|ed)?|deactivate[sd]?|limit(?:s|ed)?|treat(?:s|ed)?|will be treated|is treated)\b`)
	hypothetical = regexp.MustCompile(`^(?:if|in case|should) we\b|^if and when\b|^once we (?:deploy|adopt|implement|introduce|add)\b|\bstandard\b|\badopted\b|\bfuture\b|\bfinali[sz]ed\b`)

	siteSubject  = regexp.MustCompile(`\b(?:we|us|our company|our (?:web ?)?sites?|our services?|our systems?|our platform|our apps?|this (?:web ?)?site|the (?:web ?)?site|the services?|the company|the app)\b`)
	thirdSubject = regexp.MustCompile(`\bthird[\s-]part|\badvertisers?\b|\bad networks?\b|\bpartners?\b|\bvendors?\b|\bother (?:web ?)?sites?\b|\bother companies\b|\bthose companies\b|\bthey\b|\bgoogle\b|\bfacebook\b`)
	userSubject  = regexp.MustCompile(`\b(?:you|your|browsers?|users?|visitors?|some browsers|many browsers|most browsers)\b`)

	anaphor         = regexp.MustCompile(`\b(?:these|those|such|this|that|the|said)\s+(?:(?:\w+\s+)?signals?|requests?|settings?|headers?|preferences?|mechanisms?|features?|instructions?|flags?|options?)\b|\bthem\b`)
	gerundAfterPrep = regexp.MustCompile(`\b(?:for|of|about|in)\s*$`)
	sigNoun         = regexp.MustCompile(`\b(?:signals?|requests?|settings?|headers?|preferences?)\b`)
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

// evaluate classifies a masked sentence (see maskSignals) that names the
// signal or refers to it. It returns the site's stance if one is stated.
func evaluate(masked string) clauseResult {
	s := reasonClause.ReplaceAllString(masked, " ")
	s = standardPhrase.ReplaceAllString(s, " ")
	s = howPhrase.ReplaceAllString(s, " ")
	s = relClause.ReplaceAllString(s, " ")
	if !strings.Contains(s, "zsigz") {
		// The only mention was in a removed reason clause ("Because there is
		// no standard for DNT, we do not respond to them").
		s = anaphor.ReplaceAllString(s, sigToken)
	}
	var conditional clauseResult
	for _, clause := range clauseSplit.Split(s, -1) {
		main, cond := splitCondition(clause)
		sigCond := strings.Contains(cond, "zsigz")
		hypo := cond != "" && hypothetical.MatchString(strings.TrimSpace(cond))
		if hypo {
			continue
		}
		if !strings.Contains(clause, "zsigz") {
			continue
		}
		// Explicit stance verbs about the signal come first.
		if r, ok := explicitStance(main, true); ok {
			return r
		}
		if sigCond && conditional == resNone {
			for _, re := range []*regexp.Regexp{trackVerbNeg, honorAction} {
				if loc := re.FindStringIndex(main); loc != nil && subjectOf(main[:loc[0]]) == "site" {
					conditional = resHonored
					break
				}
			}
		}
	}
	return conditional
}

// splitCondition separates a leading "If …," / "When …," clause, or a
// trailing "… if …" clause, from the main clause.
func splitCondition(clause string) (main, cond string) {
	c := strings.TrimSpace(clause)
	loc := condMarker.FindStringIndex(c)
	if loc == nil {
		return c, ""
	}
	if loc[0] == 0 {
		if i := strings.Index(c, ","); i > 0 {
			return c[i+1:], c[:i]
		}
		if i := strings.Index(c, " then "); i > 0 {
			return c[i+6:], c[:i]
		}
		return "", c
	}
	return c[:loc[0]], c[loc[0]:]
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
	sentenceStart = regexp.MustCompile(`^\s*(?:(?:currently|presently|at (?:this|the present) time|at present|for now|today|also|please note that|note that|as such|therefore|so|thus|accordingly|however|and|but)\s*,?\s*)+`)
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
			if !nextNamed && anaphor.MatchString(nm) {
				if r2 := evaluate(anaphor.ReplaceAllString(nm, sigToken)); r2 != resNone {
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
	return strings.Contains(s, "GPC") || strings.Contains(lower, "privacy control") || strings.Contains(lower, "preference signal") ||
		strings.Contains(lower, "opt-out mechanism") || strings.Contains(lower, "opt out mechanism") || strings.Contains(lower, "optout mechanism")
}
