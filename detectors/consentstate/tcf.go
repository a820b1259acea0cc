package consentstate

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// TCString is a decoded IAB Europe TCF v2 TC string (policy versions 2 to
// 5, i.e. TCF v2.0 to v2.3 share the encoding). Purpose, special-feature
// and vendor lists are sorted ids; an empty list is a choice of "none".
type TCString struct {
	Version int `json:"version"`
	// Created and LastUpdated are the string's timestamps (100 ms
	// precision; TCF v2.2 CMPs set both to the day only).
	Created           time.Time `json:"created"`
	LastUpdated       time.Time `json:"last_updated"`
	CMPID             int       `json:"cmp_id"`
	CMPVersion        int       `json:"cmp_version"`
	ConsentScreen     int       `json:"consent_screen"`
	ConsentLanguage   string    `json:"consent_language"`
	VendorListVersion int       `json:"vendor_list_version"`
	PolicyVersion     int       `json:"tcf_policy_version"`
	IsServiceSpecific bool      `json:"is_service_specific"`
	// UseNonStandardTexts was UseNonStandardStacks before TCF v2.2.
	UseNonStandardTexts bool `json:"use_non_standard_texts"`
	// SpecialFeatureOptIns: 1 precise geolocation, 2 device scanning.
	SpecialFeatureOptIns []int `json:"special_feature_opt_ins"`
	// PurposeConsents and PurposeLegitimateInterests are TCF purposes 1-24
	// (1 is "store and/or access information on a device").
	PurposeConsents            []int  `json:"purpose_consents"`
	PurposeLegitimateInterests []int  `json:"purpose_legitimate_interests"`
	PurposeOneTreatment        bool   `json:"purpose_one_treatment"`
	PublisherCC                string `json:"publisher_cc"`
	// VendorConsents and VendorLegitimateInterests are Global Vendor List
	// ids.
	VendorConsents            []int                  `json:"vendor_consents"`
	VendorLegitimateInterests []int                  `json:"vendor_legitimate_interests"`
	PublisherRestrictions     []PublisherRestriction `json:"publisher_restrictions"`
	// DisclosedVendors (segment 1) lists the vendors the CMP disclosed;
	// nil when the segment is absent. AllowedVendors (segment 2) is
	// deprecated since TCF v2.2 but still decoded.
	DisclosedVendors []int        `json:"disclosed_vendors"`
	AllowedVendors   []int        `json:"allowed_vendors,omitempty"`
	Publisher        *PublisherTC `json:"publisher_tc"`
}

// PublisherRestriction is one publisher restriction: for purpose, the
// vendors listed may process only under the restriction.
type PublisherRestriction struct {
	Purpose int `json:"purpose"`
	// Type: 0 not allowed, 1 require consent, 2 require legitimate
	// interest.
	Type    int   `json:"type"`
	Vendors []int `json:"vendors"`
}

// TypeName names the restriction type.
func (p PublisherRestriction) TypeName() string {
	switch p.Type {
	case 0:
		return "not allowed"
	case 1:
		return "requires consent"
	case 2:
		return "requires legitimate interest"
	}
	return "undefined"
}

// PublisherTC is the publisher's own purposes segment (segment type 3).
type PublisherTC struct {
	PurposeConsents                  []int `json:"purpose_consents"`
	PurposeLegitimateInterests       []int `json:"purpose_legitimate_interests"`
	CustomPurposeConsents            []int `json:"custom_purpose_consents"`
	CustomPurposeLegitimateInterests []int `json:"custom_purpose_legitimate_interests"`
}

// PurposeConsent reports whether the string records consent for purpose p.
func (t *TCString) PurposeConsent(p int) bool { return contains(t.PurposeConsents, p) }

// VendorConsent reports whether the string records consent for GVL vendor
// id.
func (t *TCString) VendorConsent(id int) bool { return contains(t.VendorConsents, id) }

// VendorLegitimateInterest reports whether the string records that GVL
// vendor id may rely on legitimate interest.
func (t *TCString) VendorLegitimateInterest(id int) bool {
	return contains(t.VendorLegitimateInterests, id)
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// DecodeTCString decodes a TC string: a core segment, optionally followed
// by "."-separated disclosed-vendors, allowed-vendors and publisher-TC
// segments. TCF v1 strings (version 1) are refused with an error that says
// so.
func DecodeTCString(s string) (*TCString, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("tc string: empty")
	}
	if len(s) > MaxStringLen {
		return nil, fmt.Errorf("tc string: %d characters, more than %d", len(s), MaxStringLen)
	}
	segs := strings.Split(s, ".")
	if len(segs) > 4 {
		return nil, fmt.Errorf("tc string: %d segments, at most 4", len(segs))
	}
	t, err := decodeCore(segs[0])
	if err != nil {
		return nil, fmt.Errorf("tc string: core segment: %w", err)
	}
	for i, seg := range segs[1:] {
		if err := t.decodeSegment(seg); err != nil {
			return nil, fmt.Errorf("tc string: segment %d: %w", i+2, err)
		}
	}
	return t, nil
}

func decodeCore(seg string) (*TCString, error) {
	r, err := base64Bits(seg)
	if err != nil {
		return nil, err
	}
	t := &TCString{}
	if t.Version, err = r.int(6); err != nil {
		return nil, err
	}
	if t.Version != 2 {
		if t.Version == 1 {
			return nil, errors.New("version 1 (TCF v1, retired in 2020), not a TCF v2 string")
		}
		return nil, fmt.Errorf("version %d, want 2", t.Version)
	}
	f := fields{r: r}
	created := f.int64(36)
	updated := f.int64(36)
	t.CMPID = f.int(12)
	t.CMPVersion = f.int(12)
	t.ConsentScreen = f.int(6)
	t.ConsentLanguage = f.letters(2)
	t.VendorListVersion = f.int(12)
	t.PolicyVersion = f.int(6)
	t.IsServiceSpecific = f.bool()
	t.UseNonStandardTexts = f.bool()
	t.SpecialFeatureOptIns = f.bitfield(12)
	t.PurposeConsents = f.bitfield(24)
	t.PurposeLegitimateInterests = f.bitfield(24)
	t.PurposeOneTreatment = f.bool()
	t.PublisherCC = f.letters(2)
	if f.err != nil {
		return nil, f.err
	}
	t.Created = time.UnixMilli(created * 100).UTC()
	t.LastUpdated = time.UnixMilli(updated * 100).UTC()
	if t.VendorConsents, err = vendorSection(r); err != nil {
		return nil, fmt.Errorf("vendor consents: %w", err)
	}
	if t.VendorLegitimateInterests, err = vendorSection(r); err != nil {
		return nil, fmt.Errorf("vendor legitimate interests: %w", err)
	}
	if t.PublisherRestrictions, err = restrictions(r); err != nil {
		return nil, fmt.Errorf("publisher restrictions: %w", err)
	}
	return t, nil
}

// decodeSegment decodes one optional segment, by its 3-bit type.
func (t *TCString) decodeSegment(seg string) error {
	r, err := base64Bits(seg)
	if err != nil {
		return err
	}
	typ, err := r.int(3)
	if err != nil {
		return err
	}
	switch typ {
	case 1:
		if t.DisclosedVendors != nil {
			return errors.New("second disclosed-vendors segment")
		}
		t.DisclosedVendors, err = vendorSection(r)
	case 2:
		if t.AllowedVendors != nil {
			return errors.New("second allowed-vendors segment")
		}
		t.AllowedVendors, err = vendorSection(r)
	case 3:
		if t.Publisher != nil {
			return errors.New("second publisher-TC segment")
		}
		f := fields{r: r}
		p := &PublisherTC{PurposeConsents: f.bitfield(24), PurposeLegitimateInterests: f.bitfield(24)}
		n := f.int(6)
		p.CustomPurposeConsents = f.bitfield(n)
		p.CustomPurposeLegitimateInterests = f.bitfield(n)
		err = f.err
		t.Publisher = p
	default:
		return fmt.Errorf("unknown segment type %d", typ)
	}
	return err
}

// vendorSection reads MaxVendorId, IsRangeEncoding and either a bitfield
// or a range list.
func vendorSection(r *bitReader) ([]int, error) {
	maxID, err := r.int(16)
	if err != nil {
		return nil, err
	}
	isRange, err := r.bool()
	if err != nil {
		return nil, err
	}
	if !isRange {
		return r.bitfield(maxID)
	}
	return rangeEntries(r, maxID)
}

// rangeEntries reads NumEntries and the entries (single id or start-end)
// of a TCF range section; maxID 0 means unbounded (restrictions).
func rangeEntries(r *bitReader, maxID int) ([]int, error) {
	n, err := r.int(12)
	if err != nil {
		return nil, err
	}
	var set idSet
	for i := 0; i < n; i++ {
		f := fields{r: r}
		isRange := f.bool()
		start := f.int(16)
		end := start
		if isRange {
			end = f.int(16)
		}
		if f.err != nil {
			return nil, f.err
		}
		if start < 1 || end < start || (maxID > 0 && end > maxID) {
			return nil, fmt.Errorf("range entry %d: ids %d-%d invalid (max vendor id %d)", i+1, start, end, maxID)
		}
		for id := start; id <= end; id++ {
			set.add(id)
		}
	}
	return set.list(), nil
}

func restrictions(r *bitReader) ([]PublisherRestriction, error) {
	out := []PublisherRestriction{}
	if r.left() < 12 {
		// Strings written before publisher restrictions existed in a
		// CMP's encoder end here; treat as none.
		return out, nil
	}
	n, err := r.int(12)
	if err != nil {
		return nil, err
	}
	for i := 0; i < n; i++ {
		f := fields{r: r}
		p := PublisherRestriction{Purpose: f.int(6), Type: f.int(2)}
		if f.err != nil {
			return nil, f.err
		}
		if p.Vendors, err = rangeEntries(r, 0); err != nil {
			return nil, fmt.Errorf("restriction %d: %w", i+1, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// fields reads a run of fields and keeps the first error, so that field
// lists read like the specification's tables.
type fields struct {
	r   *bitReader
	err error
}

func (f *fields) int64(n int) int64 {
	if f.err != nil {
		return 0
	}
	v, err := f.r.uint(n)
	f.err = err
	return v
}

func (f *fields) int(n int) int { return int(f.int64(n)) }

func (f *fields) bool() bool { return f.int64(1) == 1 }

func (f *fields) bitfield(n int) []int {
	if f.err != nil {
		return nil
	}
	v, err := f.r.bitfield(n)
	f.err = err
	return v
}

func (f *fields) letters(n int) string {
	if f.err != nil {
		return ""
	}
	v, err := f.r.letters(n)
	f.err = err
	return v
}

// twoBits reads n two-bit values (GPP N-Bitfield(2, n)).
func (f *fields) twoBits(n int) []int {
	out := make([]int, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, f.int(2))
	}
	if f.err != nil {
		return nil
	}
	return out
}
