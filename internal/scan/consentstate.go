package scan

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/detectors/consentstate"
	"github.com/privscan/privscan/report"
)

// The consent state a page holds (issue 15): the TC string its __tcfapi
// answered (or its euconsent-v2 cookie holds), its __gpp string, the
// Consent Mode commands in its dataLayer and the gcs/gcd/npa parameters
// of Google's own hits, decoded and put in words. Nothing here trusts
// the page: a throwing API, a malformed string or a hostile dataLayer
// each give a recorded error on the part they spoil.

// maxStateString caps a consent string copied into the report.
const maxStateString = 4096

// pageConsentState reads v's consent state; ok is false when the page
// held none of it.
func pageConsentState(v *crawler.Visit) (report.ConsentState, bool) {
	st := report.ConsentState{Page: v.URL, Words: []string{}, SameOn: []string{}}
	st.TCF = tcfState(v)
	st.GPP = gppState(v)
	st.ConsentMode = consentModeState(v)
	if st.TCF == nil && st.GPP == nil && st.ConsentMode == nil {
		return st, false
	}
	st.Words = stateWords(st)
	return st, true
}

// tcfState decodes the TC string from the page's TCF API, else from the
// euconsent-v2 cookie.
func tcfState(v *crawler.Visit) *report.TCFState {
	cookie := ""
	for _, c := range v.Cookies {
		if c.Name == "euconsent-v2" {
			cookie = c.Value
		}
	}
	raw, hasAPI := v.APIs["tcfapi"]
	var apiErr, tc string
	gotString := false
	if hasAPI {
		var ans any
		if err := json.Unmarshal([]byte(raw), &ans); err != nil {
			apiErr = "the __tcfapi answer is not JSON"
		} else if m, ok := ans.(map[string]any); ok && m["error"] != nil {
			apiErr = apiError("__tcfapi", m["error"])
		} else if s, ok := findString(ans, "tcString", 0); ok {
			tc, gotString = s, true
		} else {
			apiErr = "__tcfapi answered without a tcString"
		}
	}
	if !hasAPI && cookie == "" {
		return nil
	}
	st := &report.TCFState{Source: "api"}
	if !gotString {
		if cookie == "" {
			st.Error = apiErr
			return st
		}
		st.Source, tc = "cookie", cookie
		if apiErr != "" {
			st.Error = apiErr + "; read the euconsent-v2 cookie instead"
		}
	} else if cookie != "" && cookie != tc {
		st.CookieDiffers = true
	}
	st.TCString = clipState(tc)
	if tc == "" {
		// A CMP answers "" before the visitor chose (TCF: no string yet).
		if st.Error == "" {
			st.Error = "no TC string yet (empty)"
		}
		return st
	}
	d, err := consentstate.DecodeTCString(tc)
	if err != nil {
		st.Error = strings.TrimPrefix(joinErr(st.Error, err.Error()), "; ")
		return st
	}
	st.CMPID, st.CMPVersion, st.PolicyVersion, st.VendorListVersion = d.CMPID, d.CMPVersion, d.PolicyVersion, d.VendorListVersion
	st.LastUpdated = d.LastUpdated.Format(time.DateOnly)
	st.PurposeConsents, st.PurposeLegitimateInterests, st.SpecialFeatureOptIns = d.PurposeConsents, d.PurposeLegitimateInterests, d.SpecialFeatureOptIns
	st.VendorConsents, st.VendorLegitimateInterests = d.VendorConsents, d.VendorLegitimateInterests
	st.PublisherRestrictions = []string{}
	for _, p := range d.PublisherRestrictions {
		st.PublisherRestrictions = append(st.PublisherRestrictions, fmt.Sprintf("purpose %d %s for vendor(s) %s", p.Purpose, p.TypeName(), consentstate.Ranges(p.Vendors, 20)))
	}
	return st
}

// apiError words the error the browser probe recorded for api: it threw,
// or it never answered.
func apiError(api string, e any) string {
	msg := clipState(fmt.Sprint(e))
	if strings.HasPrefix(msg, "no answer") {
		return api + " gave " + msg
	}
	return api + " threw: " + msg
}

func joinErr(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// gppState decodes the string the page's __gpp('ping') answered.
func gppState(v *crawler.Visit) *report.GPPState {
	raw, ok := v.APIs["gpp"]
	if !ok {
		return nil
	}
	st := &report.GPPState{SectionIDs: []int{}, Sections: []report.GPPSectionState{}}
	var ans any
	if err := json.Unmarshal([]byte(raw), &ans); err != nil {
		st.Error = "the __gpp answer is not JSON"
		return st
	}
	if m, ok := ans.(map[string]any); ok && m["error"] != nil {
		st.Error = apiError("__gpp", m["error"])
		return st
	}
	s, ok := findString(ans, "gppString", 0)
	if !ok {
		st.Error = "__gpp('ping') answered without a gppString"
		return st
	}
	st.GPPString = clipState(s)
	if s == "" || s == "DBAA" {
		st.Error = "no GPP string yet (empty)"
		return st
	}
	g, err := consentstate.DecodeGPP(s)
	if err != nil {
		st.Error = err.Error()
		return st
	}
	st.SectionIDs = g.SectionIDs
	for _, sec := range g.Sections {
		ss := report.GPPSectionState{ID: sec.ID, Name: sec.Name, Fields: gppFields(sec), Error: sec.Error}
		st.Sections = append(st.Sections, ss)
	}
	return st
}

// gppFields puts a decoded section's choices in words.
func gppFields(sec consentstate.GPPSection) []string {
	out := []string{}
	optOut := func(name string, v int) {
		switch v {
		case 1:
			out = append(out, name+": opted out")
		case 2:
			out = append(out, name+": did not opt out")
		}
	}
	switch {
	case sec.USP != nil:
		out = append(out, "notice given: "+sec.USP.Notice, "opted out of sale: "+sec.USP.OptOutSale, "LSPA signatory: "+sec.USP.LSPA)
	case sec.USNat != nil:
		u := sec.USNat
		optOut("sale", u.SaleOptOut)
		optOut("sharing", u.SharingOptOut)
		optOut("targeted advertising", u.TargetedAdvertisingOptOut)
		if u.GPC != nil {
			out = append(out, "GPC recorded: "+strconv.FormatBool(*u.GPC))
		}
	case sec.USCA != nil:
		u := sec.USCA
		optOut("sale", u.SaleOptOut)
		optOut("sharing", u.SharingOptOut)
		if u.GPC != nil {
			out = append(out, "GPC recorded: "+strconv.FormatBool(*u.GPC))
		}
	case sec.TCFEU != nil:
		t := sec.TCFEU
		out = append(out, fmt.Sprintf("CMP %d, purpose consents %s, %d vendor consent(s)", t.CMPID, consentstate.Ranges(t.PurposeConsents, 24), len(t.VendorConsents)))
	}
	return out
}

// consentModeState reads the dataLayer's consent commands and the
// page's Google hits.
func consentModeState(v *crawler.Visit) *report.ConsentModeState {
	st := &report.ConsentModeState{Commands: []report.ConsentCommand{}, State: map[string]string{}, Hits: []report.ConsentModeHit{}}
	found := false
	if raw, ok := v.APIs["datalayer"]; ok {
		if cmds, err := consentstate.ParseCommands(raw); err == nil {
			for _, c := range cmds {
				st.Commands = append(st.Commands, report.ConsentCommand{Kind: c.Kind, Settings: c.Settings})
			}
			st.State = consentstate.FinalState(cmds)
			found = found || len(cmds) > 0
		}
	}
	for _, r := range v.Requests {
		h := consentstate.ParseHit(r.URL, r.PostData)
		if h == nil {
			continue
		}
		found = true
		if len(st.Hits) < 20 {
			st.Hits = append(st.Hits, hitOf(h))
		}
	}
	if !found {
		return nil
	}
	// Request order depends on timing; sort so that two scans diff cleanly.
	slices.SortStableFunc(st.Hits, func(a, b report.ConsentModeHit) int {
		return strings.Compare(a.GCS+a.GCD+a.URL, b.GCS+b.GCD+b.URL)
	})
	return st
}

func hitOf(h *consentstate.Hit) report.ConsentModeHit {
	out := report.ConsentModeHit{URL: clipState(h.URL), NPA: h.NPA,
		AdStorage: h.Storage(consentstate.AdStorage), AnalyticsStorage: h.Storage(consentstate.AnalyticsStorage)}
	if h.GCS != nil {
		out.GCS = h.GCS.Raw
	}
	if h.GCD != nil {
		out.GCD = h.GCD.Raw
	}
	return out
}

// stateWords says the state in sentences.
func stateWords(st report.ConsentState) []string {
	var out []string
	if t := st.TCF; t != nil {
		src := "__tcfapi"
		if t.Source == "cookie" {
			src = "the euconsent-v2 cookie"
		}
		switch {
		case t.CMPID == 0 && t.Error != "":
			out = append(out, "TCF: "+t.Error+".")
		default:
			s := fmt.Sprintf("TCF (from %s; CMP %d, policy version %d): ", src, t.CMPID, t.PolicyVersion)
			if len(t.PurposeConsents) == 0 {
				s += "consent to no purpose"
			} else {
				s += "consent to purposes " + consentstate.Ranges(t.PurposeConsents, 24)
				if slices.Contains(t.PurposeConsents, 1) {
					s += " (including purpose 1, storing and reading information on the device)"
				}
			}
			if len(t.PurposeLegitimateInterests) > 0 {
				s += "; legitimate interest claimed for purposes " + consentstate.Ranges(t.PurposeLegitimateInterests, 24)
			}
			s += fmt.Sprintf("; %d vendor(s) with consent, %d with legitimate interest", len(t.VendorConsents), len(t.VendorLegitimateInterests))
			if t.CookieDiffers {
				s += "; the euconsent-v2 cookie holds a different string"
			}
			if t.Error != "" {
				s += " (" + t.Error + ")"
			}
			out = append(out, s+".")
		}
	}
	if g := st.GPP; g != nil {
		if g.Error != "" {
			out = append(out, "GPP: "+g.Error+".")
		} else {
			var parts []string
			for _, s := range g.Sections {
				if s.Error != "" {
					parts = append(parts, s.Name+": malformed ("+s.Error+")")
				} else if len(s.Fields) > 0 {
					parts = append(parts, s.Name+": "+strings.Join(s.Fields, ", "))
				} else {
					parts = append(parts, s.Name+" (not decoded)")
				}
			}
			out = append(out, "GPP: "+strings.Join(parts, "; ")+".")
		}
	}
	if c := st.ConsentMode; c != nil {
		if len(c.State) > 0 {
			var parts []string
			for _, k := range sortedKeys(c.State) {
				parts = append(parts, k+" "+c.State[k])
			}
			out = append(out, fmt.Sprintf("Google Consent Mode (dataLayer, %d command(s)): %s.", len(c.Commands), strings.Join(parts, ", ")))
		}
		if n := len(c.Hits); n > 0 {
			out = append(out, fmt.Sprintf("Google hits: %d with consent parameters; %s.", n, hitWords(c.Hits)))
		}
	}
	return out
}

func hitWords(hits []report.ConsentModeHit) string {
	count := map[string]int{}
	var keys []string
	for _, h := range hits {
		k := "ad_storage " + orUnknown(h.AdStorage) + ", analytics_storage " + orUnknown(h.AnalyticsStorage)
		if count[k] == 0 {
			keys = append(keys, k)
		}
		count[k]++
	}
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%d with %s", count[k], k))
	}
	return strings.Join(parts, "; ")
}

func orUnknown(s string) string {
	if s == "" {
		return "not set"
	}
	return s
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func clipState(s string) string {
	if len(s) > maxStateString {
		return strings.ToValidUTF8(s[:maxStateString], "") + "…"
	}
	return s
}

// findString finds the string member key anywhere in a decoded JSON
// answer (CMPs wrap their data differently).
func findString(v any, key string, depth int) (string, bool) {
	if depth > 6 {
		return "", false
	}
	switch x := v.(type) {
	case map[string]any:
		if s, ok := x[key].(string); ok {
			return s, true
		}
		for _, k := range sortedAnyKeys(x) {
			if s, ok := findString(x[k], key, depth+1); ok {
				return s, true
			}
		}
	case []any:
		for _, e := range x {
			if s, ok := findString(e, key, depth+1); ok {
				return s, true
			}
		}
	}
	return "", false
}

func sortedAnyKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// googleVendorOf is the catalogue vendor whose hit u is, by host and
// path, among the vendors present.
func googleVendorOf(u string, present map[string]bool) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	host := p.Hostname()
	pick := func(slugs ...string) string {
		for _, s := range slugs {
			if present[s] {
				return s
			}
		}
		return ""
	}
	switch {
	case host == "analytics.google.com" || strings.HasSuffix(host, "google-analytics.com"):
		return pick("google-analytics")
	case strings.HasSuffix(host, "doubleclick.net"):
		return pick("doubleclick", "google-ads")
	case strings.HasSuffix(host, "googleadservices.com"), strings.HasPrefix(p.Path, "/pagead/"), strings.HasPrefix(p.Path, "/ccm/"):
		return pick("google-ads", "doubleclick")
	case strings.HasSuffix(host, "googletagmanager.com"):
		return pick("google-tag-manager")
	}
	return ""
}

// attachConsentMode records on each Google tracker, per profile, the
// Consent Mode parameters its own hits carried (trackers[].consent_mode).
func attachConsentMode(r *report.Report, visits []*crawler.Visit) {
	present := map[string]bool{}
	for _, t := range r.Trackers {
		present[t.Vendor] = true
	}
	seen := map[string]map[string]*report.TrackerConsentMode{}
	for _, v := range visits {
		for _, req := range v.Requests {
			h := consentstate.ParseHit(req.URL, req.PostData)
			if h == nil {
				continue
			}
			slug := googleVendorOf(req.URL, present)
			if slug == "" {
				continue
			}
			if seen[slug] == nil {
				seen[slug] = map[string]*report.TrackerConsentMode{}
			}
			m := seen[slug][string(v.Profile)]
			if m == nil {
				m = &report.TrackerConsentMode{GCS: []string{}, GCD: []string{}, NPA: []string{}}
				seen[slug][string(v.Profile)] = m
			}
			m.Hits++
			if h.GCS != nil && !slices.Contains(m.GCS, h.GCS.Raw) {
				m.GCS = append(m.GCS, h.GCS.Raw)
			}
			if h.GCD != nil && !slices.Contains(m.GCD, h.GCD.Raw) {
				m.GCD = append(m.GCD, h.GCD.Raw)
			}
			if h.NPA != "" && !slices.Contains(m.NPA, h.NPA) {
				m.NPA = append(m.NPA, h.NPA)
			}
			for _, e := range h.Errors {
				if len(m.Errors) < 5 && !slices.Contains(m.Errors, e) {
					m.Errors = append(m.Errors, e)
				}
			}
			m.AdStorage = mergeState(m.AdStorage, h.Storage(consentstate.AdStorage), m.Hits == 1)
			m.AnalyticsStorage = mergeState(m.AnalyticsStorage, h.Storage(consentstate.AnalyticsStorage), m.Hits == 1)
		}
	}
	for i := range r.Trackers {
		t := &r.Trackers[i]
		if cm := seen[t.Vendor]; cm != nil {
			for _, m := range cm {
				slices.Sort(m.GCS)
				slices.Sort(m.GCD)
				slices.Sort(m.NPA)
			}
			t.ConsentMode = cm
		}
	}
}

// mergeState folds one hit's state into the profile's: the same value on
// every hit stays, differing values are "mixed".
func mergeState(acc, v string, first bool) string {
	switch {
	case first:
		return v
	case acc == v:
		return acc
	}
	return "mixed"
}
