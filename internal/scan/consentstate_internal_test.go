package scan

import (
	"strings"
	"testing"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/fixtures"
)

// TestPageConsentState: what pages hand over — good, missing, throwing,
// malformed or hostile — becomes a readable state, never a panic.
func TestPageConsentState(t *testing.T) {
	accept := fixtures.TCFAcceptString()
	cases := []struct {
		name  string
		v     crawler.Visit
		none  bool
		words []string // substrings of the state's words
	}{
		{name: "nothing", v: crawler.Visit{URL: "https://a.test/"}, none: true},
		{name: "listener answer", v: crawler.Visit{APIs: map[string]string{"tcfapi": `{"data":{"tcString":"` + accept + `","eventStatus":"tcloaded"},"success":true}`}},
			words: []string{"TCF (from __tcfapi; CMP 412, policy version 5): consent to purposes 1–11", "including purpose 1", "1 vendor(s) with consent"}},
		{name: "cookie only", v: crawler.Visit{Cookies: []crawler.Cookie{{Name: "euconsent-v2", Value: fixtures.TCFRejectString()}}},
			words: []string{"from the euconsent-v2 cookie", "consent to no purpose", "legitimate interest claimed for purposes 2, 7–11"}},
		{name: "api differs from cookie", v: crawler.Visit{APIs: map[string]string{"tcfapi": `{"data":{"tcString":"` + accept + `"}}`},
			Cookies: []crawler.Cookie{{Name: "euconsent-v2", Value: fixtures.TCFRejectString()}}},
			words: []string{"the euconsent-v2 cookie holds a different string"}},
		{name: "throwing api", v: crawler.Visit{APIs: map[string]string{"tcfapi": `{"error":"boom <script>"}`}}, words: []string{"TCF: __tcfapi threw: boom <script>."}},
		{name: "silent api", v: crawler.Visit{APIs: map[string]string{"tcfapi": `{"error":"no answer within 1.5 s"}`}}, words: []string{"TCF: __tcfapi gave no answer within 1.5 s."}},
		{name: "malformed string", v: crawler.Visit{APIs: map[string]string{"tcfapi": `{"data":{"tcString":"CO!!"}}`}}, words: []string{"TCF: tc string: core segment: character '!'"}},
		{name: "empty string before choice", v: crawler.Visit{APIs: map[string]string{"tcfapi": `{"data":{"tcString":"","eventStatus":"cmpuishown"}}`}}, words: []string{"no TC string yet"}},
		{name: "not json", v: crawler.Visit{APIs: map[string]string{"tcfapi": `{{{`, "gpp": `[`}}, words: []string{"not JSON"}},
		{name: "gpp", v: crawler.Visit{APIs: map[string]string{"gpp": `{"data":{"gppVersion":"1.1","gppString":"DBABLA~BVVVkkkkkpFY.YA"}}`}},
			words: []string{"GPP: usnat: sale: opted out, sharing: opted out, targeted advertising: opted out, GPC recorded: true."}},
		{name: "gpp malformed section", v: crawler.Visit{APIs: map[string]string{"gpp": `{"data":{"gppString":"DBACNYA~CPXx~1YXN"}}`}},
			words: []string{"tcfeuv2: malformed", "uspv1: malformed"}},
		{name: "consent mode", v: crawler.Visit{APIs: map[string]string{"datalayer": `[["consent","default",{"ad_storage":"denied","analytics_storage":"denied"}],["consent","update",{"analytics_storage":"granted"}]]`},
			Requests: []crawler.Request{{URL: "https://region1.google-analytics.com/g/collect?v=2&tid=G-X&gcs=G101&gcd=13p3r3l3l1"}, {URL: "https://example.test/?gcs=G111"}}},
			words: []string{"Google Consent Mode (dataLayer, 2 command(s)): ad_storage denied, analytics_storage granted.", "Google hits: 1 with consent parameters; 1 with ad_storage denied, analytics_storage granted."}},
		{name: "hostile datalayer", v: crawler.Visit{APIs: map[string]string{"datalayer": strings.Repeat("[", 100000)}}, none: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, ok := pageConsentState(&c.v)
			if ok == c.none {
				t.Fatalf("ok = %v, state %+v", ok, st)
			}
			all := strings.Join(st.Words, "\n")
			for _, w := range c.words {
				if !strings.Contains(all, w) {
					t.Errorf("words lack %q:\n%s", w, all)
				}
			}
		})
	}
}
