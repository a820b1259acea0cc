package policy

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Unit lengths in days; a month is 30 days and a year 365, as in CookieBlock.
const (
	minuteDays = 1.0 / 1440
	hourDays   = 1.0 / 24
	weekDays   = 7
	monthDays  = 30
	yearDays   = 365
)

// durationUnits maps unit words (en, de, nl, da, no, sv, fr, es, it, pl) to
// days. Keys are lower case; plural and inflected forms are listed.
var durationUnits = func() map[string]float64 {
	units := map[string]float64{}
	add := func(days float64, words string) {
		for w := range strings.FieldsSeq(words) {
			units[w] = days
		}
	}
	add(1.0/86400, "second seconds sec secs s sekunde sekunden seconde seconden sekund sekunder secondes segundo segundos secondo secondi sekundy")
	add(minuteDays, "minute minutes min mins minuten minut minutter minuter minuti minuto minutos minuty")
	add(hourDays, "hour hours hr hrs h stunde stunden std uur uren timer timme timmar heure heures hora horas ora ore godzina godziny godzin")
	add(1, "day days d tag tage tagen dag dagen dage dagar dager jour jours día días dia dias giorno giorni dzień dni doba")
	add(weekDays, "week weeks wk woche wochen weken uge uger uke uker vecka veckor semaine semaines semana semanas settimana settimane tydzień tygodnie tygodni")
	add(monthDays, "month months mo mos monat monate monaten maand maanden måned måneder månad månader mois mes meses mese mesi miesiąc miesiące miesięcy")
	add(yearDays, "year years yr yrs y jahr jahre jahren jaar jaren år året åren an ans année années año años anno anni rok lata lat roku")
	return units
}()

// numberWords are spelled-out numbers in the supported languages.
var numberWords = map[string]float64{
	"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
	"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
	"thirteen": 13, "fourteen": 14, "fifteen": 15, "eighteen": 18, "twenty": 20,
	"thirty": 30, "sixty": 60, "ninety": 90, "hundred": 100,
	"ein": 1, "eine": 1, "einen": 1, "zwei": 2, "drei": 3, "sechs": 6, "zwölf": 12,
	"een": 1, "twee": 2, "drie": 3, "zes": 6,
	"en": 1, "et": 1, "ett": 1, "to": 2, "två": 2, "tre": 3, "seks": 6, "sex": 6,
	"un": 1, "une": 1, "deux": 2, "trois": 3, "uno": 1, "una": 1, "dos": 2, "due": 2, "tres": 3,
	"jeden": 1, "jedna": 1, "dwa": 2, "trzy": 3,
}

var (
	durationToken = regexp.MustCompile(`(\d+(?:[.,]\d+)*|\pL+)\s*(\pL+\.?)`)
	bareNumber    = regexp.MustCompile(`^\s*(\d{1,7})\s*$`)
	rangeWord     = regexp.MustCompile(`\d\s*\pL*\s*(?:-|–|—|to|till|until|bis|tot|til|à|a|al|fino a|do)\s*\d`)
	sessionWord   = regexp.MustCompile(`\b(?:session|sessions|seesion|sesion|sesión|sessione|sessão|sitzung|sitzungsende|sessie|sesja|sesji|sessionen|sesjon|sesjonen|browser close)\b|\bend of (?:the )?(?:browser )?(?:session|visit)\b|\bsessie\b|\bsesja\b`)
)

// ParseDuration reads a declared cookie lifetime such as "Session",
// "30 minutes", "1 day", "24 hours", "13 months", "2 years", "3650 Days",
// "1 year 2 months" (a sum), "Session to 30 days" or "1 week - 1 year" (the
// maximum of a range) and a bare OneTrust day count ("364"). It returns the
// lifetime in days (months are 30 days, years 365), session true for a
// session-only cookie (days is then 0), and ok false when no lifetime can be
// read: "persistent", "forever", "unknown", dates and empty text.
func ParseDuration(text string) (days float64, session bool, ok bool) {
	t := strings.ToLower(normalizeSpace(text))
	if t == "" {
		return 0, false, false
	}
	if m := bareNumber.FindStringSubmatch(t); m != nil {
		n, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			return 0, false, false
		}
		return n, false, true
	}
	var vals []float64
	for _, m := range durationToken.FindAllStringSubmatch(t, -1) {
		unit, found := durationUnits[strings.TrimSuffix(m[2], ".")]
		if !found {
			continue
		}
		n, isNum := parseNumber(m[1])
		if !isNum {
			continue
		}
		vals = append(vals, n*unit)
	}
	if len(vals) > 0 {
		var d float64
		if len(vals) > 1 && (rangeWord.MatchString(t) || strings.Contains(t, " or ")) {
			d = slices.Max(vals)
		} else {
			for _, v := range vals {
				d += v
			}
		}
		return math.Round(d*1e4) / 1e4, false, true
	}
	if sessionWord.MatchString(t) {
		return 0, true, true
	}
	return 0, false, false
}

func parseNumber(s string) (float64, bool) {
	if n, ok := numberWords[s]; ok {
		return n, true
	}
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, false
	}
	// "3,650" is a thousands separator; "1,5" and "1.5" are decimals.
	if i := strings.IndexByte(s, ','); i >= 0 {
		if len(s)-i-1 == 3 && !strings.Contains(s, ".") {
			s = strings.ReplaceAll(s, ",", "")
		} else {
			s = strings.ReplaceAll(s, ",", ".")
		}
	}
	n, err := strconv.ParseFloat(s, 64)
	return n, err == nil
}
