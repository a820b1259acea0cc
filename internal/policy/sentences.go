package policy

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/neurosnap/sentences"
	"github.com/neurosnap/sentences/english"
)

// englishTokenizer loads the Punkt English model once. The tokenizer only
// reads its model after construction, so sharing it is safe; this is a lazily
// built constant, not mutable state.
var englishTokenizer = sync.OnceValues(func() (*sentences.DefaultSentenceTokenizer, error) {
	return english.NewSentenceTokenizer(nil)
})

// sentenceSplitter returns the splitter for a language: Punkt for English
// (and unknown languages), a rule-based splitter for the others.
func sentenceSplitter(lang string) func(string) []string {
	if lang == "en" || lang == "" {
		tok, err := englishTokenizer()
		if err == nil {
			return func(s string) []string {
				if !hasSentencePunct(s) {
					return []string{s}
				}
				var out []string
				for _, t := range tok.Tokenize(s) {
					out = append(out, t.Text)
				}
				return out
			}
		}
	}
	return splitRuleBased
}

func hasSentencePunct(s string) bool {
	return strings.ContainsAny(s, ".!?")
}

// abbreviations common in policy text across the supported languages; a
// period after one of them does not end a sentence.
var abbreviations = map[string]bool{
	"z.b": true, "bzw": true, "d.h": true, "u.a": true, "ggf": true, "nr": true,
	"art": true, "abs": true, "vgl": true, "ca": true, "inkl": true, "evtl": true,
	"etc": true, "e.g": true, "i.e": true, "s": true, "z": true, "f": true,
	"bl.a": true, "m.a": true, "dvs": true, "t.ex": true, "f.eks": true,
	"mr": true, "dr": true, "st": true, "no": true, "str": true, "tel": true,
	"p.ex": true, "ex": true, "sig": true, "ecc": true, "pag": true, "np": true,
	"tj": true, "ust": true, "pkt": true, "m.in": true, "itp": true, "itd": true,
	"inc": true, "ltd": true, "gmbh": true, "b.v": true, "n.v": true,
}

// splitRuleBased splits at ., ! or ? followed by white space and an upper-case
// letter, digit or opening quote, unless the period ends a known abbreviation
// or a single letter.
func splitRuleBased(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		i += w
		if r != '.' && r != '!' && r != '?' {
			continue
		}
		// Skip closing quotes/brackets after the punctuation.
		j := i
		for j < len(s) && strings.ContainsRune(`"')”’»`, rune(s[j])) {
			j++
		}
		if j >= len(s) || s[j] != ' ' {
			continue
		}
		k := j
		for k < len(s) && s[k] == ' ' {
			k++
		}
		if k >= len(s) {
			continue
		}
		next, _ := utf8.DecodeRuneInString(s[k:])
		if !unicode.IsUpper(next) && !unicode.IsDigit(next) && !strings.ContainsRune(`"'“„«(`, next) {
			continue
		}
		if r == '.' {
			word := lastWord(s[start : i-1])
			if abbreviations[strings.ToLower(word)] || utf8.RuneCountInString(word) == 1 {
				continue
			}
		}
		out = append(out, strings.TrimSpace(s[start:j]))
		start = k
		i = k
	}
	if rest := strings.TrimSpace(s[start:]); rest != "" {
		out = append(out, rest)
	}
	return out
}

func lastWord(s string) string {
	i := strings.LastIndexFunc(s, func(r rune) bool { return r == ' ' || r == '(' })
	return s[i+1:]
}

// stopwords are frequent function words per language; detectLanguage counts
// them. Words shared by several languages still help: the winner is the
// language with the most hits.
var stopwords = map[string][]string{
	"en": {"the", "and", "of", "to", "we", "you", "your", "is", "are", "that", "with", "for", "this", "our", "by", "or", "which", "information", "will"},
	"de": {"der", "die", "das", "und", "ist", "wir", "sie", "ihre", "nicht", "mit", "von", "zu", "den", "dem", "auf", "für", "eine", "werden", "daten", "oder", "auch"},
	"nl": {"de", "het", "een", "en", "van", "wij", "we", "uw", "je", "niet", "met", "voor", "zijn", "worden", "gegevens", "deze", "ons", "onze", "naar", "bij", "ook"},
	"da": {"og", "af", "til", "det", "er", "vi", "ikke", "med", "som", "på", "de", "en", "vores", "jer", "dig", "hvis", "eller", "kan", "oplysninger", "bliver", "hvordan"},
	"no": {"og", "av", "til", "det", "er", "vi", "ikke", "med", "som", "på", "en", "våre", "vår", "deg", "hvis", "eller", "kan", "opplysninger", "blir", "å", "hvordan"},
	"sv": {"och", "att", "av", "inte", "för", "på", "vi", "är", "som", "med", "eller", "kan", "våra", "dig", "din", "dina", "uppgifter", "om", "det", "hur"},
	"fr": {"le", "la", "les", "et", "des", "de", "du", "vous", "vos", "nous", "est", "pas", "pour", "une", "que", "qui", "dans", "sur", "données", "votre", "sont"},
	"es": {"el", "la", "los", "las", "y", "de", "del", "que", "en", "usted", "su", "sus", "es", "no", "para", "por", "una", "con", "datos", "nosotros", "se"},
	"it": {"il", "la", "le", "gli", "e", "di", "del", "della", "che", "non", "per", "una", "con", "sono", "dati", "nostro", "suoi", "vostri", "è", "questo", "anche"},
	"pl": {"w", "z", "na", "nie", "się", "jest", "że", "oraz", "lub", "dane", "danych", "przez", "są", "jak", "może", "twoje", "państwa", "ich", "albo", "dla"},
}

// stopwordLanguages maps each stopword to the languages that list it.
var stopwordLanguages = func() map[string][]string {
	index := map[string][]string{}
	for lang, words := range stopwords {
		for _, w := range words {
			index[w] = append(index[w], lang)
		}
	}
	return index
}()

// detectLanguage returns the ISO 639-1 code of the language whose stopwords
// occur most often in text, or "" when there is too little evidence.
func detectLanguage(text string) string {
	counts := map[string]int{}
	n := 0
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r)
	}) {
		for _, lang := range stopwordLanguages[w] {
			counts[lang]++
		}
		n++
		if n > 4000 {
			break
		}
	}
	best, second := "", ""
	for _, lang := range []string{"en", "de", "nl", "da", "no", "sv", "fr", "es", "it", "pl"} {
		switch {
		case best == "" || counts[lang] > counts[best]:
			best, second = lang, best
		case second == "" || counts[lang] > counts[second]:
			second = lang
		}
	}
	if counts[best] < 3 || counts[best] == counts[second] {
		return ""
	}
	return best
}
