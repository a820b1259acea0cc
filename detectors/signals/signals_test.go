package signals_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/privscan/privscan/crawler"
	"github.com/privscan/privscan/detectors/signals"
	"github.com/privscan/privscan/report"
)

func bptr(b bool) *bool     { return &b }
func sptr(s string) *string { return &s }

func TestFetchGPCJSON(t *testing.T) {
	const json = "application/json"
	tests := []struct {
		name   string
		status int
		ctype  string
		body   string
		want   report.GPCJSON // URL filled in by the test
	}{
		{"valid full-date", 200, json, `{"gpc": true, "lastUpdate": "2025-04-15"}`,
			report.GPCJSON{Status: 200, Valid: true, GPC: bptr(true), LastUpdate: sptr("2025-04-15")}},
		{"valid date-time, charset, unknown members", 200, json + "; charset=utf-8", `{"gpc": false, "lastUpdate": "2024-01-02T03:04:05Z", "version": 1}`,
			report.GPCJSON{Status: 200, Valid: true, GPC: bptr(false), LastUpdate: sptr("2024-01-02T03:04:05Z")}},
		{"no lastUpdate", 200, json, `{"gpc": true}`,
			report.GPCJSON{Status: 200, Valid: true, GPC: bptr(true)}},
		{"404", 404, "text/html", `<h1>Not found</h1>`,
			report.GPCJSON{Status: 404, Error: "HTTP 404"}},
		{"gpc as string", 200, json, `{"gpc": "true"}`,
			report.GPCJSON{Status: 200, Error: `"gpc" is "true", want true or false`}},
		{"missing gpc", 200, json, `{"lastUpdate": "2025-04-15"}`,
			report.GPCJSON{Status: 200, LastUpdate: sptr("2025-04-15"), Error: `missing "gpc" member`}},
		{"bad date", 200, json, `{"gpc": true, "lastUpdate": "15/04/2025"}`,
			report.GPCJSON{Status: 200, GPC: bptr(true), Error: `"lastUpdate" "15/04/2025" is not an RFC 3339 full-date or date-time`}},
		{"array", 200, json, `[{"gpc": true}]`,
			report.GPCJSON{Status: 200, Error: "body is not a JSON object"}},
		{"html soft 404", 200, "text/html", `<html>Welcome</html>`,
			report.GPCJSON{Status: 200, Error: `content type "text/html", want application/json; body is not a JSON object`}},
		{"wrong content type", 200, "text/plain", `{"gpc": true}`,
			report.GPCJSON{Status: 200, GPC: bptr(true), Error: `content type "text/plain", want application/json`}},
		{"too large", 200, json, `{"gpc": true, "pad": "` + strings.Repeat("x", signals.MaxGPCJSONBytes) + `"}`,
			report.GPCJSON{Status: 200, Error: "body larger than 65536 bytes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/.well-known/gpc.json" {
					http.NotFound(w, r)
					return
				}
				w.Header().Set("Content-Type", tt.ctype)
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			got := signals.FetchGPCJSON(t.Context(), srv.Client(), srv.URL+"/some/page")
			want := tt.want
			want.URL = srv.URL + "/.well-known/gpc.json"
			if diff := cmp.Diff(&want, got); diff != "" {
				t.Errorf("FetchGPCJSON mismatch (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("redirect to another origin", func(t *testing.T) {
		target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"gpc":true,"lastUpdate":"2025-04-15"}`))
		}))
		defer target.Close()
		src := httptest.NewServer(http.RedirectHandler(target.URL+"/gpc.json", http.StatusMovedPermanently))
		defer src.Close()
		got := signals.FetchGPCJSON(t.Context(), src.Client(), src.URL)
		if !got.Valid || got.GPC == nil || !*got.GPC {
			t.Errorf("got %+v, want valid gpc=true", got)
		}
	})
	t.Run("connection refused", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		u := srv.URL
		srv.Close()
		got := signals.FetchGPCJSON(t.Context(), http.DefaultClient, u)
		if got.Status != 0 || got.Valid || got.Error == "" {
			t.Errorf("got %+v, want status 0 with an error", got)
		}
	})
}

func TestSignals(t *testing.T) {
	gpcHeaders := map[string]string{"Sec-GPC": "1", "User-Agent": "x"}
	visits := []*crawler.Visit{
		{Profile: crawler.Baseline, URL: "https://www.example.com/",
			Requests:    []crawler.Request{{URL: "https://www.example.com/", RequestHeaders: map[string]string{"User-Agent": "x"}}},
			SignalReads: []crawler.SignalRead{{Property: "globalPrivacyControl", Script: "https://cdn.cookielaw.org/otSDKStub.js"}},
			APIs:        map[string]string{"uspapi": `{"version":1,"uspString":"1YNN"}`, "gpp": `{"gppVersion":"1.1","cmpStatus":"loaded","signalStatus":"ready","gppString":"DBABLA~BVQqAAAAAgA.QA"}`},
			Cookies:     []crawler.Cookie{{Name: "usprivacy", Value: "1YNN"}, {Name: "_ga", Value: "GA1"}},
		},
		{Profile: crawler.GPC, URL: "https://www.example.com/",
			Requests: []crawler.Request{{URL: "https://www.example.com/", RequestHeaders: gpcHeaders}, {URL: "https://cdn.example.net/x.js", RequestHeaders: gpcHeaders}},
			SignalReads: []crawler.SignalRead{
				{Property: "globalPrivacyControl", Script: "https://cdn.cookielaw.org/otSDKStub.js"},
				{Property: "globalPrivacyControl", Script: "https://www.example.com/app.js"},
			},
			APIs:    map[string]string{"uspapi": `[{"version":1,"uspString":"1YYN"},true]`, "tcfapi": `{"tcString":"CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA","gdprApplies":true}`},
			Cookies: []crawler.Cookie{{Name: "OptanonConsent", Value: "isGpcEnabled=1&datestamp=x&groups=C0001%3A1%2CC0004%3A0"}},
		},
		{Profile: crawler.DNT, URL: "https://www.example.com/",
			Requests:    []crawler.Request{{URL: "https://www.example.com/", RequestHeaders: map[string]string{"DNT": "1"}}},
			SignalReads: []crawler.SignalRead{{Property: "doNotTrack", Script: ""}},
			APIs:        map[string]string{"uspapi": `not json`},
		},
	}
	gj := &report.GPCJSON{URL: "https://www.example.com/.well-known/gpc.json", Status: 404, Error: "HTTP 404"}
	want := report.Signals{
		GPCJSON: gj,
		Reads: map[string][]string{
			"globalPrivacyControl": {"https://cdn.cookielaw.org/otSDKStub.js", "https://www.example.com/app.js"},
			"doNotTrack":           {"(unknown script)"},
		},
		USP: map[string]string{"baseline": "1YNN", "gpc": "1YYN"},
		GPP: map[string]string{"baseline": "DBABLA~BVQqAAAAAgA.QA"},
		TCF: map[string]string{"gpc": "CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA"},
		Headers: map[string]map[string]string{
			"baseline": {}, "gpc": {"sec-gpc": "1"}, "dnt": {"dnt": "1"},
		},
		ConsentCookies: map[string]map[string]string{
			"baseline": {"usprivacy": "1YNN"},
			"gpc":      {"OptanonConsent": "isGpcEnabled=1&datestamp=x&groups=C0001%3A1%2CC0004%3A0", "OptanonConsent.isGpcEnabled": "1"},
		},
	}
	if diff := cmp.Diff(want, signals.Signals(visits, gj)); diff != "" {
		t.Errorf("Signals mismatch (-want +got):\n%s", diff)
	}
}
