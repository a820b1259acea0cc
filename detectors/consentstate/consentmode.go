package consentstate

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// Google Consent Mode signal names (v2).
const (
	AdStorage         = "ad_storage"
	AnalyticsStorage  = "analytics_storage"
	AdUserData        = "ad_user_data"
	AdPersonalization = "ad_personalization"
)

// ConsentModeSignals are the four signals Consent Mode v2 requires, in the
// order the gcd parameter encodes them.
var ConsentModeSignals = []string{AdStorage, AnalyticsStorage, AdUserData, AdPersonalization}

// Consent values.
const (
	Granted = "granted"
	Denied  = "denied"
)

// GCS is the decoded gcs hit parameter ("G1" + ad_storage +
// analytics_storage, each 1 granted, 0 denied, - not set).
type GCS struct {
	Raw              string `json:"raw"`
	AdStorage        string `json:"ad_storage"`
	AnalyticsStorage string `json:"analytics_storage"`
}

// ParseGCS decodes a gcs value such as "G100" or "G111". A value empty
// for a signal means the page did not set it.
func ParseGCS(s string) (GCS, error) {
	g := GCS{Raw: s}
	if len(s) != 4 || s[:2] != "G1" {
		return g, fmt.Errorf("gcs %q: want G1 followed by two of 0, 1, -", clip(s, 16))
	}
	for i, p := range []*string{&g.AdStorage, &g.AnalyticsStorage} {
		switch s[2+i] {
		case '1':
			*p = Granted
		case '0':
			*p = Denied
		case '-':
		default:
			return g, fmt.Errorf("gcs %q: character %q, want 0, 1 or -", clip(s, 16), s[2+i])
		}
	}
	return g, nil
}

// GCDSignal is one signal of the gcd parameter: what the page set as its
// default, what an update set, and the state that applied to the hit.
// Each is "granted", "denied" or "" (not set).
type GCDSignal struct {
	Letter  string `json:"letter"`
	Default string `json:"default"`
	Update  string `json:"update"`
	State   string `json:"state"`
}

// GCD is the decoded gcd hit parameter (Consent Mode v2): per signal, its
// default and update.
type GCD struct {
	Raw     string               `json:"raw"`
	Signals map[string]GCDSignal `json:"signals"`
}

// gcdLetters maps a gcd letter to (default, update). The table follows
// the values documented for Consent Mode v2 debugging: l no consent
// signal; p denied by default; q denied by default and by update; t
// granted by default; r denied by default, granted by update; m denied by
// update only; n granted by update only; u granted by default, denied by
// update; v granted by default and by update.
var gcdLetters = map[byte][2]string{
	'l': {"", ""},
	'p': {Denied, ""},
	'q': {Denied, Denied},
	't': {Granted, ""},
	'r': {Denied, Granted},
	'm': {"", Denied},
	'n': {"", Granted},
	'u': {Granted, Denied},
	'v': {Granted, Granted},
}

// ParseGCD decodes a gcd value such as "13r3r3r3r5" or "11p1p1p1p5": a
// leading 1, then for each of ad_storage, analytics_storage, ad_user_data
// and ad_personalization a separator digit and a letter, then trailing
// digits (other settings, such as ads_data_redaction, not decoded here).
func ParseGCD(s string) (GCD, error) {
	g := GCD{Raw: s, Signals: map[string]GCDSignal{}}
	if len(s) < 9 || len(s) > 32 || s[0] != '1' {
		return g, fmt.Errorf("gcd %q: want 1, then a digit and a letter per signal", clip(s, 32))
	}
	for i, name := range ConsentModeSignals {
		sep, c := s[1+2*i], s[2+2*i]
		if sep < '0' || sep > '9' {
			return g, fmt.Errorf("gcd %q: %q where a digit belongs", clip(s, 32), sep)
		}
		v, ok := gcdLetters[c]
		if !ok {
			return g, fmt.Errorf("gcd %q: unknown letter %q for %s", clip(s, 32), c, name)
		}
		st := v[1]
		if st == "" {
			st = v[0]
		}
		g.Signals[name] = GCDSignal{Letter: string(c), Default: v[0], Update: v[1], State: st}
	}
	return g, nil
}

// Hit is the Consent Mode state one of Google's own requests carried.
type Hit struct {
	URL string `json:"url"`
	GCS *GCS   `json:"gcs"`
	GCD *GCD   `json:"gcd"`
	// NPA is the npa parameter: "1" asks for non-personalised ads.
	NPA string `json:"npa,omitempty"`
	// Errors lists parameters that were present but malformed.
	Errors []string `json:"errors,omitempty"`
}

// googleHitHosts are the hosts whose requests carry Google's consent
// parameters (GA4 collection, the Google tag, Google Ads and DoubleClick).
var googleHitHosts = []string{
	"google-analytics.com", "analytics.google.com", "googletagmanager.com", "doubleclick.net",
	"googleadservices.com", "googlesyndication.com", "google.com",
}

// IsGoogleHost reports whether host is one of Google's measurement or ad
// hosts (or a subdomain of one).
func IsGoogleHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	return slices.ContainsFunc(googleHitHosts, func(h string) bool { return host == h || strings.HasSuffix(host, "."+h) })
}

// ParseHit reads gcs, gcd and npa from a request to a Google host: from
// the query, and from a GA4 batch body (one hit's parameters per line).
// It returns nil when the request is not to a Google host or carries none
// of the parameters.
func ParseHit(rawURL, body string) *Hit {
	u, err := url.Parse(rawURL)
	if err != nil || !IsGoogleHost(u.Hostname()) {
		return nil
	}
	h := &Hit{URL: rawURL}
	found := h.read(u.Query())
	if len(body) > 0 && len(body) < MaxStringLen {
		for _, line := range strings.Split(body, "\n") {
			if q, err := url.ParseQuery(strings.TrimSpace(line)); err == nil && h.read(q) {
				found = true
			}
		}
	}
	if !found {
		return nil
	}
	return h
}

// read takes the first value of each parameter seen.
func (h *Hit) read(q url.Values) bool {
	found := false
	if v := q.Get("gcs"); v != "" {
		found = true
		if h.GCS == nil {
			if g, err := ParseGCS(v); err != nil {
				h.Errors = append(h.Errors, err.Error())
			} else {
				h.GCS = &g
			}
		}
	}
	if v := q.Get("gcd"); v != "" {
		found = true
		if h.GCD == nil {
			if g, err := ParseGCD(v); err != nil {
				h.Errors = append(h.Errors, err.Error())
			} else {
				h.GCD = &g
			}
		}
	}
	if v := q.Get("npa"); v != "" && q.Get("gcs")+q.Get("gcd") != "" {
		found = true
		if h.NPA == "" {
			h.NPA = clip(v, 4)
		}
	}
	return found
}

// Storage returns the hit's state of signal (ad_storage or
// analytics_storage from gcs, any of the four from gcd): "granted",
// "denied" or "" when the hit does not say.
func (h *Hit) Storage(signal string) string {
	if h.GCS != nil {
		switch signal {
		case AdStorage:
			if h.GCS.AdStorage != "" {
				return h.GCS.AdStorage
			}
		case AnalyticsStorage:
			if h.GCS.AnalyticsStorage != "" {
				return h.GCS.AnalyticsStorage
			}
		}
	}
	if h.GCD != nil {
		return h.GCD.Signals[signal].State
	}
	return ""
}

// Command is one Consent Mode command found in the dataLayer:
// gtag('consent', 'default'|'update', {...}).
type Command struct {
	// Kind is "default" or "update".
	Kind string `json:"kind"`
	// Settings maps each signal the command set to "granted" or "denied";
	// other keys (region, wait_for_update) are kept in Extra.
	Settings map[string]string `json:"settings"`
	Extra    map[string]string `json:"extra,omitempty"`
}

// ParseCommands decodes the JSON array the browser probe extracts from the
// dataLayer: each element an array of the gtag() arguments, e.g.
// ["consent","update",{"ad_storage":"denied"}]. Elements that are not
// consent commands are skipped; malformed JSON is an error.
func ParseCommands(raw string) ([]Command, error) {
	if len(raw) > MaxStringLen {
		return nil, fmt.Errorf("consent commands: %d bytes, more than %d", len(raw), MaxStringLen)
	}
	var entries []json.RawMessage
	if err := json.Unmarshal([]byte(raw), &entries); err != nil {
		return nil, fmt.Errorf("consent commands: %w", err)
	}
	out := []Command{}
	for _, e := range entries {
		var args []json.RawMessage
		if json.Unmarshal(e, &args) != nil || len(args) < 3 {
			continue
		}
		var verb, kind string
		if json.Unmarshal(args[0], &verb) != nil || verb != "consent" || json.Unmarshal(args[1], &kind) != nil {
			continue
		}
		if kind != "default" && kind != "update" {
			continue
		}
		var settings map[string]any
		if json.Unmarshal(args[2], &settings) != nil {
			continue
		}
		c := Command{Kind: kind, Settings: map[string]string{}}
		for k, v := range settings {
			s, ok := v.(string)
			if ok && (s == Granted || s == Denied) {
				c.Settings[k] = s
				continue
			}
			if c.Extra == nil {
				c.Extra = map[string]string{}
			}
			b, _ := json.Marshal(v)
			c.Extra[k] = clip(string(b), 200)
		}
		out = append(out, c)
	}
	return out, nil
}

// FinalState applies the commands in order (an update overrides the
// default; a later default does not override an update, as in gtag) and
// returns each signal's resulting state.
func FinalState(cmds []Command) map[string]string {
	state := map[string]string{}
	updated := map[string]bool{}
	for _, c := range cmds {
		for k, v := range c.Settings {
			if c.Kind == "update" {
				state[k], updated[k] = v, true
			} else if !updated[k] {
				state[k] = v
			}
		}
	}
	return state
}
