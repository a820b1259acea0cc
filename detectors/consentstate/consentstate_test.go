package consentstate

import (
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The TC strings and their decoded values below are test vectors from IAB
// Tech Lab's public reference decoders (iabtcf-java, iabtcf-es) and the
// TCF v2 specification; the GPP strings from the GPP Consent String
// Specification's examples and the iabgpp-es encoder tests.

func TestDecodeTCStringCore(t *testing.T) {
	tc, err := DecodeTCString("COtybn4PA_zT4KjACBENAPCIAEBAAECAAIAAAAAAAAAA")
	if err != nil {
		t.Fatal(err)
	}
	want := &TCString{
		Version: 2, Created: time.Date(2020, 1, 26, 17, 1, 0, 0, time.UTC), LastUpdated: time.Date(2021, 2, 2, 17, 1, 0, 0, time.UTC),
		CMPID: 675, CMPVersion: 2, ConsentScreen: 1, ConsentLanguage: "EN", VendorListVersion: 15, PolicyVersion: 2,
		SpecialFeatureOptIns: []int{1}, PurposeConsents: []int{2, 10}, PurposeLegitimateInterests: []int{2, 9},
		PurposeOneTreatment: true, PublisherCC: "AA", VendorConsents: []int{}, VendorLegitimateInterests: []int{},
		PublisherRestrictions: []PublisherRestriction{},
	}
	if d := cmp.Diff(want, tc); d != "" {
		t.Errorf("(-want +got)\n%s", d)
	}
	if tc.PurposeConsent(1) || !tc.PurposeConsent(2) {
		t.Errorf("PurposeConsent(1)=%v PurposeConsent(2)=%v", tc.PurposeConsent(1), tc.PurposeConsent(2))
	}
}

func TestDecodeTCStringVendors(t *testing.T) {
	const core = "COrEAV4OrXx94ACABBENAHCIAD-AAAAAAACAAxAAAAgAIAwgAgAAAAEAgQAAAAAEAYQAQAAAACAAAABAAA"
	tests := []struct {
		name, in                          string
		purposes, consents, li, disclosed []int
		allowed                           []int
		publisher                         *PublisherTC
	}{
		{name: "bitfields", in: core, purposes: []int{3, 4, 5, 6, 7, 8, 9},
			consents: []int{23, 37, 47, 48, 53, 65, 98}, li: []int{37, 47, 48, 53, 65, 98, 129}},
		{name: "disclosed and allowed segments", in: core + ".IBAgAAAgAIAwgAgAAAAEAAAACA.QAagAQAgAIAwgA",
			purposes: []int{3, 4, 5, 6, 7, 8, 9}, consents: []int{23, 37, 47, 48, 53, 65, 98}, li: []int{37, 47, 48, 53, 65, 98, 129},
			disclosed: []int{23, 37, 47, 48, 53, 65, 98, 129}, allowed: []int{12, 23, 37, 47, 48, 53}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tc, err := DecodeTCString(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			got := []any{tc.PurposeConsents, tc.VendorConsents, tc.VendorLegitimateInterests, tc.DisclosedVendors, tc.AllowedVendors}
			want := []any{tt.purposes, tt.consents, tt.li, tt.disclosed, tt.allowed}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}
}

func TestDecodeTCStringAllSegments(t *testing.T) {
	// The fourth segment carries standard-base64 "=" padding, as some
	// CMPs write it.
	tc, err := DecodeTCString("COrEAV4OrXx94ACABBENAHCIAD-AAAAAAACAAxAAAAgAIAwgAgAAAAEAgQAAAAAEAYQAQAAAACAAAABAAA.IBAgAAAgAIAwgAgAAAAEAAAACA.QAagAQAgAIAwgA.cAAAAAAAITg=")
	if err != nil {
		t.Fatal(err)
	}
	if tc.Publisher == nil || len(tc.Publisher.PurposeConsents) != 1 {
		t.Errorf("publisher TC = %+v, want one publisher purpose consent", tc.Publisher)
	}
}

func TestDecodeTCStringRanges(t *testing.T) {
	tests := []struct {
		in   string
		want []int
		li   bool
	}{
		{"COwBOpCOwBOpCLqAAAENAPCAAAAAAAAAAAAAFfwAYFfAV-BVkAGBVYFWAAA.IFoEUQQgAIQwgIwQABAEAAAAOIAACAIAAAAQAIAgEAACEAAAAAgAQBAAAAAAAGBAAgAAAAAAAFAAECAAAgAAQARAEQAAAAAJAAIAAgAAAYQEAAAQmAgBC3ZAYzUw", []int{702, 703}, false},
		{"COwBOpCOwBOpCLqAAAENAPCAAAAAAAAAAAAAFfwAQFfgUbABAUaAAA.IFoEUQQgAIQwgIwQABAEAAAAOIAACAIAAAAQAIAgEAACEAAAAAgAQBAAAAAAAGBAAgAAAAAAAFAAECAAAgAAQARAEQAAAAAJAAIAAgAAAYQEAAAQmAgBC3ZAYzUw", []int{703}, false},
		{"COv__-wOv__-wC2AAAENAPCgAAAAAAAAAAAAA_wAQA_gEBABAEAAAA", []int{128}, true},
	}
	for i, tt := range tests {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			tc, err := DecodeTCString(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			got := tc.VendorConsents
			if tt.li {
				got = tc.VendorLegitimateInterests
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}
}

func TestDecodeTCStringPurposeOne(t *testing.T) {
	tc, err := DecodeTCString("COwxsONOwxsONKpAAAENAdCAAMAAAAAAAAAAAAAAAAAA")
	if err != nil {
		t.Fatal(err)
	}
	if !tc.PurposeConsent(1) || !tc.PurposeConsent(2) {
		t.Errorf("purpose consents %v, want 1 and 2", tc.PurposeConsents)
	}
}

// bitsBase64 packs a bit string into bytes and encodes it web-safe, the
// way the reference decoders' tests build strings field by field.
func bitsBase64(bits string) string {
	var b []byte
	for i := 0; i < len(bits); i += 8 {
		end := min(i+8, len(bits))
		chunk := bits[i:end] + strings.Repeat("0", 8-(end-i))
		v, _ := strconv.ParseUint(chunk, 2, 8)
		b = append(b, byte(v))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func TestDecodeTCStringPublisherRestrictions(t *testing.T) {
	core := "0000100011101011100" + "1000000000000001010" + "0000001110101110010" + "0000000000000101000" +
		"0000110011111000000" + "0000000000000000100" + "0011010000000011110" + "0001000000000000000" +
		strings.Repeat("0000000000000000000", 5) + "000000000011" +
		"000001" + "01" + "000000000000" + "000010" + "00" + "000000000000" + "000011" + "10" + "000000000000" + "0"
	tc, err := DecodeTCString(bitsBase64(core))
	if err != nil {
		t.Fatal(err)
	}
	want := []PublisherRestriction{{Purpose: 1, Type: 1, Vendors: []int{}}, {Purpose: 2, Type: 0, Vendors: []int{}}, {Purpose: 3, Type: 2, Vendors: []int{}}}
	if d := cmp.Diff(want, tc.PublisherRestrictions); d != "" {
		t.Errorf("(-want +got)\n%s", d)
	}
	if tc.PublisherRestrictions[2].TypeName() != "requires legitimate interest" {
		t.Errorf("type name %q", tc.PublisherRestrictions[2].TypeName())
	}
}

func TestDecodeTCStringPublisherTC(t *testing.T) {
	seg := "011" + "100000000000000000000000" + "000000000000000000000001" + "000010" + "01" + "11" + "000"
	tc, err := DecodeTCString("COtybn4PA_zT4KjACBENAPCIAEBAAECAAIAAAAAAAAAA." + bitsBase64(seg))
	if err != nil {
		t.Fatal(err)
	}
	want := &PublisherTC{PurposeConsents: []int{1}, PurposeLegitimateInterests: []int{24}, CustomPurposeConsents: []int{2}, CustomPurposeLegitimateInterests: []int{1, 2}}
	if d := cmp.Diff(want, tc.Publisher); d != "" {
		t.Errorf("(-want +got)\n%s", d)
	}
}

func TestDecodeTCStringMalformed(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", "empty"},
		{"not base64", "CO!ybn4PA", "not base64"},
		{"tcf v1", "BOEFEAyOEFEAyAHABDENAI4AAAB9vABAASA", "TCF v1"},
		{"truncated core", "COtybn4PA_zT4KjACBENAPCIA", "truncated"},
		{"unknown segment", "COtybn4PA_zT4KjACBENAPCIAEBAAECAAIAAAAAAAAAA." + bitsBase64("111"), "unknown segment type 7"},
		{"range end before start", bitsBase64(rangeCore("1" + "0000000000000101" + "0000000000000011")), "invalid"},
		{"too many segments", "COtybn4PA_zT4KjACBENAPCIAEBAAECAAIAAAAAAAAAA.a.b.c.d", "segments"},
		{"huge", strings.Repeat("A", MaxStringLen+1), "more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeTCString(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// rangeCore is a minimal core segment whose vendor consents are one range
// entry (entry bits given).
func rangeCore(entry string) string {
	head := "000010" + strings.Repeat("0", 36*2) + strings.Repeat("0", 12+12+6+12+12) + "000010" + "00" +
		strings.Repeat("0", 12+24+24+1+12)
	return head + "0000000000001010" + "1" + "000000000001" + entry + "0000000000000000" + "0" + "000000000000"
}

func TestDecodeGPPHeader(t *testing.T) {
	tests := []struct {
		in   string
		ids  []int
		name []string
	}{
		{"DBABMA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA", []int{2}, []string{"tcfeuv2"}},
		{"DBACNYA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA~1YNN", []int{2, 6}, []string{"tcfeuv2", "uspv1"}},
		{"DBABjw~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA~1YNN", []int{5, 6}, []string{"tcfcav1", "uspv1"}},
	}
	for _, tt := range tests {
		t.Run(tt.in[:7], func(t *testing.T) {
			g, err := DecodeGPP(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, s := range g.Sections {
				names = append(names, s.Name)
			}
			if d := cmp.Diff([]any{1, tt.ids, tt.name}, []any{g.Version, g.SectionIDs, names}); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
			if s := g.Section("tcfeuv2"); s != nil && (s.TCFEU == nil || s.Error != "") {
				t.Errorf("tcfeuv2 section not decoded: %s", s.Error)
			}
			if s := g.Section("uspv1"); s != nil && (s.USP == nil || *s.USP != (USPrivacy{Version: 1, Notice: "Y", OptOutSale: "N", LSPA: "N"})) {
				t.Errorf("uspv1 = %+v (%s)", s.USP, s.Error)
			}
		})
	}
}

func TestDecodeUSNat(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		in   string
		want *USNat
	}{
		// iabgpp-es encodes these field values to BVVVkkkkkpFY.YA (the
		// 2024 layout: 16 sensitive-data and 3 known-child entries).
		{"BVVVkkkkkpFY.YA", &USNat{Version: 1, SharingNotice: 1, SaleOptOutNotice: 1, SharingOptOutNotice: 1, TargetedAdvertisingOptOutNotice: 1,
			SensitiveDataProcessingOptOutNotice: 1, SensitiveDataLimitUseNotice: 1, SaleOptOut: 1, SharingOptOut: 1, TargetedAdvertisingOptOut: 1,
			SensitiveDataProcessing: []int{2, 1, 0, 2, 1, 0, 2, 1, 0, 2, 1, 0, 2, 1, 0, 2}, KnownChildSensitiveDataConsents: []int{2, 1, 0},
			PersonalDataConsents: 1, MSPACoveredTransaction: 1, MSPAOptOutOptionMode: 1, MSPAServiceProviderMode: 2, GPC: &yes}},
		{"BAAAAAAAAABA.QA", &USNat{Version: 1, SensitiveDataProcessing: make([]int, 16), KnownChildSensitiveDataConsents: make([]int, 3),
			MSPACoveredTransaction: 1, GPC: &no}},
		// The original 2022 layout (12 and 2 entries), 60 bits.
		{"BVQqAAAACg", &USNat{Version: 1, SharingNotice: 1, SaleOptOutNotice: 1, SharingOptOutNotice: 1, TargetedAdvertisingOptOutNotice: 1,
			SaleOptOut: 2, SharingOptOut: 2, TargetedAdvertisingOptOut: 2, SensitiveDataProcessing: make([]int, 12),
			KnownChildSensitiveDataConsents: make([]int, 2), PersonalDataConsents: 2, MSPACoveredTransaction: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			g, err := DecodeGPP("DBABLA~" + tt.in)
			if err != nil {
				t.Fatal(err)
			}
			s := g.Section("usnat")
			if s == nil || s.Error != "" {
				t.Fatalf("usnat section %+v", s)
			}
			if d := cmp.Diff(tt.want, s.USNat); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}
}

func TestDecodeUSCA(t *testing.T) {
	yes := true
	g, err := DecodeGPP("DBABBg~BVWSSSVY.YA")
	if err != nil {
		t.Fatal(err)
	}
	want := &USCA{Version: 1, SaleOptOutNotice: 1, SharingOptOutNotice: 1, SensitiveDataLimitUseNotice: 1, SaleOptOut: 1, SharingOptOut: 1,
		SensitiveDataProcessing: []int{2, 1, 0, 2, 1, 0, 2, 1, 0}, KnownChildSensitiveDataConsents: []int{2, 1},
		PersonalDataConsents: 1, MSPACoveredTransaction: 1, MSPAOptOutOptionMode: 1, MSPAServiceProviderMode: 2, GPC: &yes}
	s := g.Section("usca")
	if s == nil || s.Error != "" {
		t.Fatalf("usca section %+v", s)
	}
	if d := cmp.Diff(want, s.USCA); d != "" {
		t.Errorf("(-want +got)\n%s", d)
	}
}

func TestDecodeGPPMalformed(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", "empty"},
		{"wrong type", "BBABMA~x", "header type"},
		{"count mismatch", "DBABMA", "lists 1 section"},
		{"bad header char", "DB*BMA~x", "not base64"},
		{"sections missing", "DBABM" + strings.Repeat("A", 20), "lists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeGPP(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
	// A malformed section is recorded on it; the string still decodes.
	g, err := DecodeGPP("DBACNYA~CPXx~1YXN")
	if err != nil {
		t.Fatal(err)
	}
	if g.Sections[0].Error == "" || g.Sections[1].Error == "" {
		t.Errorf("sections %+v, want both with errors", g.Sections)
	}
}

func TestConsentModeParams(t *testing.T) {
	gcs, err := ParseGCS("G100")
	if err != nil || gcs.AdStorage != Denied || gcs.AnalyticsStorage != Denied {
		t.Errorf("G100 = %+v, %v", gcs, err)
	}
	gcs, err = ParseGCS("G101")
	if err != nil || gcs.AdStorage != Denied || gcs.AnalyticsStorage != Granted {
		t.Errorf("G101 = %+v, %v", gcs, err)
	}
	gcd, err := ParseGCD("13r3p3q3v5")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]GCDSignal{
		AdStorage:         {Letter: "r", Default: Denied, Update: Granted, State: Granted},
		AnalyticsStorage:  {Letter: "p", Default: Denied, State: Denied},
		AdUserData:        {Letter: "q", Default: Denied, Update: Denied, State: Denied},
		AdPersonalization: {Letter: "v", Default: Granted, Update: Granted, State: Granted},
	}
	if d := cmp.Diff(want, gcd.Signals); d != "" {
		t.Errorf("(-want +got)\n%s", d)
	}
	for _, bad := range []string{"", "G1", "G1x0", "X100"} {
		if _, err := ParseGCS(bad); err == nil {
			t.Errorf("ParseGCS(%q) no error", bad)
		}
	}
	for _, bad := range []string{"", "13r3", "23r3r3r3r5", "13z3r3r3r5", "1xrxrxrxr5"} {
		if _, err := ParseGCD(bad); err == nil {
			t.Errorf("ParseGCD(%q) no error", bad)
		}
	}
}

func TestParseHit(t *testing.T) {
	h := ParseHit("https://region1.google-analytics.com/g/collect?v=2&tid=G-X&gcs=G100&gcd=13p3p3p3p5&npa=1", "")
	if h == nil || h.Storage(AnalyticsStorage) != Denied || h.Storage(AdUserData) != Denied || h.NPA != "1" {
		t.Fatalf("hit = %+v", h)
	}
	// A GA4 batch carries the parameters in its body lines.
	h = ParseHit("https://region1.google-analytics.com/g/collect?v=2&tid=G-X", "en=page_view&gcs=G111\nen=scroll")
	if h == nil || h.Storage(AdStorage) != Granted {
		t.Fatalf("batch hit = %+v", h)
	}
	for _, u := range []string{"https://example.com/collect?gcs=G100", "https://www.google-analytics.com/g/collect?v=2", "::"} {
		if h := ParseHit(u, ""); h != nil {
			t.Errorf("ParseHit(%q) = %+v, want nil", u, h)
		}
	}
	h = ParseHit("https://www.google-analytics.com/g/collect?gcs=G1zz", "")
	if h == nil || h.GCS != nil || len(h.Errors) != 1 {
		t.Errorf("malformed gcs hit = %+v", h)
	}
}

func TestConsentCommands(t *testing.T) {
	raw := `[["js","2026-01-01"],["consent","default",{"ad_storage":"denied","analytics_storage":"denied","wait_for_update":500}],
["config","G-X"],["consent","update",{"analytics_storage":"granted"}],["consent","default",{"analytics_storage":"denied"}],["consent","bogus",{}],"x",[1,2,3]]`
	cmds, err := ParseCommands(raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(cmds) != 3 || cmds[0].Extra["wait_for_update"] != "500" {
		t.Fatalf("commands = %+v", cmds)
	}
	want := map[string]string{AdStorage: Denied, AnalyticsStorage: Granted}
	if d := cmp.Diff(want, FinalState(cmds)); d != "" {
		t.Errorf("(-want +got)\n%s", d)
	}
	if _, err := ParseCommands("{not json"); err == nil {
		t.Error("malformed commands: no error")
	}
}

func FuzzDecodeTCString(f *testing.F) {
	for _, s := range []string{"COtybn4PA_zT4KjACBENAPCIAEBAAECAAIAAAAAAAAAA", "COv__-wOv__-wC2AAAENAPCgAAAAAAAAAAAAA_wAQA_gEBABAEAAAA", "CO.IB.QA.cA"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { _, _ = DecodeTCString(s) })
}

func FuzzDecodeGPP(f *testing.F) {
	for _, s := range []string{"DBACNYA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA~1YNN", "DBABLA~BVVVkkkkkpFY.YA", "DBABBg~BVWSSSVY.YA", "DBABjw~x~y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { _, _ = DecodeGPP(s) })
}

func FuzzConsentMode(f *testing.F) {
	f.Add("https://www.google-analytics.com/g/collect?gcs=G100&gcd=13p3p3p3p5", "en=x&gcs=G111")
	f.Fuzz(func(t *testing.T, u, body string) {
		if h := ParseHit(u, body); h != nil {
			_ = h.Storage(AdStorage)
		}
		_, _ = ParseCommands(body)
	})
}

func BenchmarkDecodeTCString(b *testing.B) {
	const s = "COwBOpCOwBOpCLqAAAENAPCAAAAAAAAAAAAAFfwAYFfAV-BVkAGBVYFWAAA.IFoEUQQgAIQwgIwQABAEAAAAOIAACAIAAAAQAIAgEAACEAAAAAgAQBAAAAAAAGBAAgAAAAAAAFAAECAAAgAAQARAEQAAAAAJAAIAAgAAAYQEAAAQmAgBC3ZAYzUw"
	for b.Loop() {
		if _, err := DecodeTCString(s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeGPP(b *testing.B) {
	const s = "DBACNYA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA~1YNN"
	for b.Loop() {
		if _, err := DecodeGPP(s); err != nil {
			b.Fatal(err)
		}
	}
}

func TestRanges(t *testing.T) {
	for _, tt := range []struct {
		ids  []int
		n    int
		want string
	}{
		{nil, 0, "none"},
		{[]int{1, 2, 3, 4, 7, 9, 10}, 0, "1–4, 7, 9, 10"},
		{[]int{1, 3, 5, 7}, 2, "1, 3, … (4 ids in all)"},
	} {
		if got := Ranges(tt.ids, tt.n); got != tt.want {
			t.Errorf("Ranges(%v, %d) = %q, want %q", tt.ids, tt.n, got, tt.want)
		}
	}
}

// TestGVLFor pins the verified Global Vendor List ids (gvl.go says where
// each was checked) and that a vendor whose id could not be verified has
// none rather than a guess.
func TestGVLFor(t *testing.T) {
	for _, c := range []struct {
		slug string
		id   int
		ok   bool
	}{
		{"google-analytics", 755, true}, {"doubleclick", 755, true}, {"microsoft-ads", 1126, true},
		{"criteo", 91, true}, {"taboola", 42, true}, {"outbrain", 164, true},
		{"linkedin", 0, false}, {"facebook", 0, false}, {"hotjar", 0, false},
	} {
		v, ok := GVLFor(c.slug)
		if ok != c.ok || v.ID != c.id {
			t.Errorf("GVLFor(%q) = %d, %v; want %d, %v", c.slug, v.ID, ok, c.id, c.ok)
		}
	}
}
