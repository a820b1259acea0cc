package consentstate

import (
	"errors"
	"fmt"
	"strings"
)

// GPPString is a decoded IAB Tech Lab Global Privacy Platform string: a
// header listing section ids, then one "~"-separated section per id.
type GPPString struct {
	Version    int          `json:"version"`
	SectionIDs []int        `json:"section_ids"`
	Sections   []GPPSection `json:"sections"`
}

// GPPSection is one section of a GPP string. A section this package does
// not decode keeps its raw text; one it could not decode has Error set
// (the other sections are still decoded).
type GPPSection struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
	Raw  string `json:"raw"`
	// Exactly one of the following is set when the section was decoded.
	TCFEU *TCString  `json:"tcfeuv2,omitempty"`
	USP   *USPrivacy `json:"uspv1,omitempty"`
	USNat *USNat     `json:"usnat,omitempty"`
	USCA  *USCA      `json:"usca,omitempty"`
	Error string     `json:"error,omitempty"`
}

// gppSectionNames are the GPP section ids' client-side API prefixes
// (GPP "Section Information").
var gppSectionNames = map[int]string{
	1: "tcfeuv1", 2: "tcfeuv2", 3: "header", 4: "signal-integrity", 5: "tcfcav1", 6: "uspv1", 7: "usnat", 8: "usca",
	9: "usva", 10: "usco", 11: "usut", 12: "usct", 13: "usfl", 14: "usmt", 15: "usor", 16: "ustx", 17: "usde",
	18: "usia", 19: "usne", 20: "usnh", 21: "usnj", 22: "ustn",
}

// GPPSectionName is the API prefix of section id, or "section-<id>".
func GPPSectionName(id int) string {
	if n, ok := gppSectionNames[id]; ok {
		return n
	}
	return fmt.Sprintf("section-%d", id)
}

// Section returns the section with API prefix name, or nil.
func (g *GPPString) Section(name string) *GPPSection {
	for i := range g.Sections {
		if g.Sections[i].Name == name {
			return &g.Sections[i]
		}
	}
	return nil
}

// DecodeGPP decodes a GPP string. A malformed header is an error; a
// malformed section is recorded on that section.
func DecodeGPP(s string) (*GPPString, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("gpp string: empty")
	}
	if len(s) > MaxStringLen {
		return nil, fmt.Errorf("gpp string: %d characters, more than %d", len(s), MaxStringLen)
	}
	parts := strings.Split(s, "~")
	r, err := base64Bits(parts[0])
	if err != nil {
		return nil, fmt.Errorf("gpp string: header: %w", err)
	}
	f := fields{r: r}
	typ := f.int(6)
	g := &GPPString{Version: f.int(6), Sections: []GPPSection{}}
	if f.err != nil {
		return nil, fmt.Errorf("gpp string: header: %w", f.err)
	}
	if typ != 3 {
		return nil, fmt.Errorf("gpp string: header type %d, want 3", typ)
	}
	if g.Version != 1 {
		return nil, fmt.Errorf("gpp string: version %d, want 1", g.Version)
	}
	if g.SectionIDs, err = fibonacciRange(r); err != nil {
		return nil, fmt.Errorf("gpp string: header sections: %w", err)
	}
	if len(parts)-1 != len(g.SectionIDs) {
		return nil, fmt.Errorf("gpp string: header lists %d section(s), string has %d", len(g.SectionIDs), len(parts)-1)
	}
	for i, id := range g.SectionIDs {
		sec := GPPSection{ID: id, Name: GPPSectionName(id), Raw: parts[i+1]}
		var err error
		switch id {
		case 2:
			sec.TCFEU, err = DecodeTCString(sec.Raw)
		case 6:
			sec.USP, err = DecodeUSPrivacy(sec.Raw)
		case 7:
			sec.USNat, err = decodeUSNat(sec.Raw)
		case 8:
			sec.USCA, err = decodeUSCA(sec.Raw)
		}
		if err != nil {
			sec.Error = err.Error()
		}
		g.Sections = append(g.Sections, sec)
	}
	return g, nil
}

// fibonacciRange reads a GPP Range(Fibonacci): a 12-bit count, then per
// item a group flag, the Fibonacci-coded offset from the last id seen and,
// for a group, its Fibonacci-coded length. Ids must ascend.
func fibonacciRange(r *bitReader) ([]int, error) {
	n, err := r.int(12)
	if err != nil {
		return nil, err
	}
	var set idSet
	last := 0
	for i := 0; i < n; i++ {
		group, err := r.bool()
		if err != nil {
			return nil, err
		}
		off, err := r.fibonacci()
		if err != nil {
			return nil, err
		}
		start, end := last+off, last+off
		if group {
			l, err := r.fibonacci()
			if err != nil {
				return nil, err
			}
			end = start + l
		}
		if end > 0xffff {
			return nil, fmt.Errorf("section id %d out of range", end)
		}
		for id := start; id <= end; id++ {
			set.add(id)
		}
		last = end
	}
	return set.list(), nil
}

// USPrivacy is a decoded IAB CCPA US Privacy string ("1YNN"). Each field
// is 'Y', 'N' or '-' (not applicable).
type USPrivacy struct {
	Version int `json:"version"`
	// Notice: explicit notice given; OptOutSale: the user opted out of
	// the sale of personal information; LSPA: the publisher is a
	// signatory of the IAB Limited Service Provider Agreement.
	Notice     string `json:"notice"`
	OptOutSale string `json:"opt_out_sale"`
	LSPA       string `json:"lspa"`
}

// DecodeUSPrivacy decodes a US Privacy string.
func DecodeUSPrivacy(s string) (*USPrivacy, error) {
	if len(s) != 4 || s[0] != '1' {
		return nil, fmt.Errorf("us privacy string %q: want version 1 and three Y/N/- flags", clip(s, 16))
	}
	u := &USPrivacy{Version: 1}
	for i, p := range []*string{&u.Notice, &u.OptOutSale, &u.LSPA} {
		c := strings.ToUpper(s[i+1 : i+2])
		if c != "Y" && c != "N" && c != "-" {
			return nil, fmt.Errorf("us privacy string %q: flag %d is %q, want Y, N or -", clip(s, 16), i+1, c)
		}
		*p = c
	}
	return u, nil
}

// USNat is the GPP US National section (id 7). Opt-out fields: 0 not
// applicable, 1 opted out, 2 did not opt out. Notice fields: 0 not
// applicable, 1 yes, 2 no. Consent fields: 0 not applicable, 1 no
// consent, 2 consent.
type USNat struct {
	Version                             int   `json:"version"`
	SharingNotice                       int   `json:"sharing_notice"`
	SaleOptOutNotice                    int   `json:"sale_opt_out_notice"`
	SharingOptOutNotice                 int   `json:"sharing_opt_out_notice"`
	TargetedAdvertisingOptOutNotice     int   `json:"targeted_advertising_opt_out_notice"`
	SensitiveDataProcessingOptOutNotice int   `json:"sensitive_data_processing_opt_out_notice"`
	SensitiveDataLimitUseNotice         int   `json:"sensitive_data_limit_use_notice"`
	SaleOptOut                          int   `json:"sale_opt_out"`
	SharingOptOut                       int   `json:"sharing_opt_out"`
	TargetedAdvertisingOptOut           int   `json:"targeted_advertising_opt_out"`
	SensitiveDataProcessing             []int `json:"sensitive_data_processing"`
	KnownChildSensitiveDataConsents     []int `json:"known_child_sensitive_data_consents"`
	PersonalDataConsents                int   `json:"personal_data_consents"`
	MSPACoveredTransaction              int   `json:"mspa_covered_transaction"`
	MSPAOptOutOptionMode                int   `json:"mspa_opt_out_option_mode"`
	MSPAServiceProviderMode             int   `json:"mspa_service_provider_mode"`
	// GPC is the optional GPC sub-section: whether the browser sent
	// Global Privacy Control when the string was written; nil when absent.
	GPC *bool `json:"gpc"`
}

// decodeUSNat decodes the usnat core segment and its optional GPC
// sub-section. The 2024 revision of the section widened
// SensitiveDataProcessing from 12 to 16 and KnownChildSensitiveDataConsents
// from 2 to 3 entries without a new version number in every encoder, so
// the layout is chosen by the core segment's length (60 vs 72 bits).
func decodeUSNat(s string) (*USNat, error) {
	segs := strings.Split(s, ".")
	r, err := base64Bits(segs[0])
	if err != nil {
		return nil, fmt.Errorf("usnat: %w", err)
	}
	f := fields{r: r}
	u := &USNat{Version: f.int(6)}
	if f.err == nil && u.Version != 1 && u.Version != 2 {
		return nil, fmt.Errorf("usnat: version %d, want 1 or 2", u.Version)
	}
	sdp, kc := 12, 2
	if r.left() >= 18+32+6+8 {
		sdp, kc = 16, 3
	}
	for _, p := range []*int{&u.SharingNotice, &u.SaleOptOutNotice, &u.SharingOptOutNotice, &u.TargetedAdvertisingOptOutNotice,
		&u.SensitiveDataProcessingOptOutNotice, &u.SensitiveDataLimitUseNotice, &u.SaleOptOut, &u.SharingOptOut, &u.TargetedAdvertisingOptOut} {
		*p = f.int(2)
	}
	u.SensitiveDataProcessing = f.twoBits(sdp)
	u.KnownChildSensitiveDataConsents = f.twoBits(kc)
	for _, p := range []*int{&u.PersonalDataConsents, &u.MSPACoveredTransaction, &u.MSPAOptOutOptionMode, &u.MSPAServiceProviderMode} {
		*p = f.int(2)
	}
	if f.err != nil {
		return nil, fmt.Errorf("usnat: %w", f.err)
	}
	if u.GPC, err = gpcSubsection(segs[1:]); err != nil {
		return nil, fmt.Errorf("usnat: %w", err)
	}
	return u, nil
}

// USCA is the GPP California section (id 8); values as in USNat.
type USCA struct {
	Version                         int   `json:"version"`
	SaleOptOutNotice                int   `json:"sale_opt_out_notice"`
	SharingOptOutNotice             int   `json:"sharing_opt_out_notice"`
	SensitiveDataLimitUseNotice     int   `json:"sensitive_data_limit_use_notice"`
	SaleOptOut                      int   `json:"sale_opt_out"`
	SharingOptOut                   int   `json:"sharing_opt_out"`
	SensitiveDataProcessing         []int `json:"sensitive_data_processing"`
	KnownChildSensitiveDataConsents []int `json:"known_child_sensitive_data_consents"`
	PersonalDataConsents            int   `json:"personal_data_consents"`
	MSPACoveredTransaction          int   `json:"mspa_covered_transaction"`
	MSPAOptOutOptionMode            int   `json:"mspa_opt_out_option_mode"`
	MSPAServiceProviderMode         int   `json:"mspa_service_provider_mode"`
	GPC                             *bool `json:"gpc"`
}

func decodeUSCA(s string) (*USCA, error) {
	segs := strings.Split(s, ".")
	r, err := base64Bits(segs[0])
	if err != nil {
		return nil, fmt.Errorf("usca: %w", err)
	}
	f := fields{r: r}
	u := &USCA{Version: f.int(6)}
	if f.err == nil && u.Version != 1 {
		return nil, fmt.Errorf("usca: version %d, want 1", u.Version)
	}
	for _, p := range []*int{&u.SaleOptOutNotice, &u.SharingOptOutNotice, &u.SensitiveDataLimitUseNotice, &u.SaleOptOut, &u.SharingOptOut} {
		*p = f.int(2)
	}
	u.SensitiveDataProcessing = f.twoBits(9)
	u.KnownChildSensitiveDataConsents = f.twoBits(2)
	for _, p := range []*int{&u.PersonalDataConsents, &u.MSPACoveredTransaction, &u.MSPAOptOutOptionMode, &u.MSPAServiceProviderMode} {
		*p = f.int(2)
	}
	if f.err != nil {
		return nil, fmt.Errorf("usca: %w", f.err)
	}
	if u.GPC, err = gpcSubsection(segs[1:]); err != nil {
		return nil, fmt.Errorf("usca: %w", err)
	}
	return u, nil
}

// gpcSubsection reads the optional sub-sections after a US core segment:
// type 1 is the GPC sub-section (one bit).
func gpcSubsection(segs []string) (*bool, error) {
	var gpc *bool
	for _, s := range segs {
		r, err := base64Bits(s)
		if err != nil {
			return nil, fmt.Errorf("sub-section: %w", err)
		}
		f := fields{r: r}
		typ := f.int(2)
		v := f.bool()
		if f.err != nil {
			return nil, fmt.Errorf("sub-section: %w", f.err)
		}
		if typ == 1 {
			gpc = &v
		}
	}
	return gpc, nil
}

func clip(s string, n int) string {
	if len(s) > n {
		return strings.ToValidUTF8(s[:n], "") + "…"
	}
	return s
}
