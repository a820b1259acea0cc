// Package signals reports what a site does with privacy signals: its
// /.well-known/gpc.json statement, which scripts read
// navigator.globalPrivacyControl or navigator.doNotTrack, the US Privacy,
// GPP and TCF strings its CMP APIs answered per profile, consent-state
// cookies per profile, and the signal headers each profile really sent.
package signals

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/report"
)

// MaxGPCJSONBytes caps the gpc.json body read.
const MaxGPCJSONBytes = 64 << 10

// FetchGPCJSON fetches origin + "/.well-known/gpc.json" with client and
// validates it against the GPC specification: HTTP 200 (after redirects),
// media type application/json, a JSON object whose "gpc" member is a
// boolean, and an optional "lastUpdate" that is an RFC 3339 full-date or
// date-time. Unknown members are ignored. GPC and LastUpdate are filled
// whenever they could be read, even when the resource is invalid for
// another reason (Error says why). It never returns nil.
func FetchGPCJSON(ctx context.Context, client *http.Client, origin string) *report.GPCJSON {
	if client == nil {
		client = http.DefaultClient
	}
	u, err := url.Parse(origin)
	out := &report.GPCJSON{}
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		out.URL = origin
		out.Error = fmt.Sprintf("invalid origin %q", origin)
		return out
	}
	out.URL = (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/.well-known/gpc.json"}).String()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, out.URL, nil)
	if err != nil {
		out.Error = err.Error()
		return out
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		out.Error = err.Error()
		return out
	}
	defer resp.Body.Close()
	out.Status = resp.StatusCode
	if resp.StatusCode != http.StatusOK {
		out.Error = fmt.Sprintf("HTTP %d", resp.StatusCode)
		return out
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxGPCJSONBytes+1))
	if err != nil {
		out.Error = "read body: " + err.Error()
		return out
	}
	if len(body) > MaxGPCJSONBytes {
		out.Error = fmt.Sprintf("body larger than %d bytes", MaxGPCJSONBytes)
		return out
	}
	var problems []string
	ct := resp.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		problems = append(problems, fmt.Sprintf("content type %q, want application/json", ct))
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(body, &doc); err != nil || doc == nil {
		out.Error = strings.Join(append(problems, "body is not a JSON object"), "; ")
		return out
	}
	if raw, ok := doc["gpc"]; !ok {
		problems = append(problems, `missing "gpc" member`)
	} else {
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			problems = append(problems, fmt.Sprintf(`"gpc" is %s, want true or false`, clip(string(raw), 40)))
		} else {
			out.GPC = &b
		}
	}
	if raw, ok := doc["lastUpdate"]; ok {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			problems = append(problems, fmt.Sprintf(`"lastUpdate" is %s, want an RFC 3339 date string`, clip(string(raw), 40)))
		} else if !validDate(s) {
			problems = append(problems, fmt.Sprintf(`"lastUpdate" %q is not an RFC 3339 full-date or date-time`, clip(s, 40)))
		} else {
			out.LastUpdate = &s
		}
	}
	out.Valid = len(problems) == 0
	out.Error = strings.Join(problems, "; ")
	return out
}

func validDate(s string) bool {
	if _, err := time.Parse(time.DateOnly, s); err == nil {
		return true
	}
	_, err := time.Parse(time.RFC3339, s)
	return err == nil
}

func clip(s string, n int) string {
	if len(s) > n {
		return strings.ToValidUTF8(s[:n], "") + "..."
	}
	return s
}

// ConsentCookieNames are the consent-state cookies reported per profile.
var ConsentCookieNames = []string{"usprivacy", "OptanonConsent", "OTGPPConsent", "euconsent-v2"}

// Signals summarises the visits' privacy-signal behaviour; gpcjson is the
// result of FetchGPCJSON (or nil when it was not fetched).
func Signals(visits []*crawler.Visit, gpcjson *report.GPCJSON) report.Signals {
	out := report.Signals{
		GPCJSON: gpcjson,
		Reads:   map[string][]string{"globalPrivacyControl": {}, "doNotTrack": {}},
	}
	usp, gpp, tcf := map[string]string{}, map[string]string{}, map[string]string{}
	headers := map[string]map[string]string{}
	cookies := map[string]map[string]string{}
	headerValues := map[string]map[string][]string{}
	for _, v := range visits {
		if v == nil {
			continue
		}
		p := string(v.Profile)
		for _, r := range v.SignalReads {
			script := r.Script
			if script == "" {
				script = "(unknown script)"
			}
			if !slices.Contains(out.Reads[r.Property], script) {
				out.Reads[r.Property] = append(out.Reads[r.Property], script)
			}
		}
		if s, ok := apiString(v.APIs, "uspapi", "uspString"); ok {
			usp[p] = s
		}
		if s, ok := apiString(v.APIs, "gpp", "gppString"); ok {
			gpp[p] = s
		}
		if s, ok := apiString(v.APIs, "tcfapi", "tcString"); ok {
			tcf[p] = s
		}
		if headerValues[p] == nil {
			headerValues[p] = map[string][]string{}
		}
		for _, r := range v.Requests {
			for k, val := range r.RequestHeaders {
				lk := strings.ToLower(k)
				if (lk == "sec-gpc" || lk == "dnt") && !slices.Contains(headerValues[p][lk], val) {
					headerValues[p][lk] = append(headerValues[p][lk], val)
				}
			}
		}
		for _, c := range v.Cookies {
			if !slices.Contains(ConsentCookieNames, c.Name) {
				continue
			}
			if cookies[p] == nil {
				cookies[p] = map[string]string{}
			}
			cookies[p][c.Name] = c.Value
			if c.Name == "OptanonConsent" {
				if q, err := url.ParseQuery(c.Value); err == nil && q.Has("isGpcEnabled") {
					cookies[p]["OptanonConsent.isGpcEnabled"] = q.Get("isGpcEnabled")
				}
			}
		}
	}
	for k := range out.Reads {
		slices.Sort(out.Reads[k])
	}
	for p, hv := range headerValues {
		headers[p] = map[string]string{}
		for k, vals := range hv {
			slices.Sort(vals)
			headers[p][k] = strings.Join(vals, ",")
		}
	}
	if len(usp) > 0 {
		out.USP = usp
	}
	if len(gpp) > 0 {
		out.GPP = gpp
	}
	if len(tcf) > 0 {
		out.TCF = tcf
	}
	if len(headers) > 0 {
		out.Headers = headers
	}
	if len(cookies) > 0 {
		out.ConsentCookies = cookies
	}
	return out
}

// apiString finds the string member key anywhere in the JSON answer stored
// under api (the engine may store the callback's data object, or an array
// or object wrapping it with the success flag).
func apiString(apis map[string]string, api, key string) (string, bool) {
	raw, ok := apis[api]
	if !ok || strings.TrimSpace(raw) == "" {
		return "", false
	}
	var v any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		return "", false
	}
	return find(v, key, 0)
}

func find(v any, key string, depth int) (string, bool) {
	if depth > 6 {
		return "", false
	}
	switch x := v.(type) {
	case map[string]any:
		if s, ok := x[key].(string); ok {
			return s, true
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if s, ok := find(x[k], key, depth+1); ok {
				return s, true
			}
		}
	case []any:
		for _, e := range x {
			if s, ok := find(e, key, depth+1); ok {
				return s, true
			}
		}
	}
	return "", false
}
