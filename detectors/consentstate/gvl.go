package consentstate

// GVLVendor is a catalogue vendor's entry in IAB Europe's Global Vendor
// List: the id a TC string uses for it.
type GVLVendor struct {
	ID   int
	Name string
}

// gvlIDs maps catalogue vendor slugs (DESIGN.md) to their Global Vendor
// List registration (IAB Europe's vendor-list.json). A vendor missing from
// the table is either not a TCF vendor (Meta, Hotjar, HubSpot, Microsoft
// Clarity) or one whose id privscan could not verify — callers say "not a
// Global Vendor List vendor privscan knows", never guess. Each id below
// was checked against public material (where is said per entry); an id
// never changes once IAB Europe assigns it, but re-check against the
// current list when extending the table. LinkedIn is left out: no public
// source at hand confirmed its id.
var gvlIDs = map[string]GVLVendor{
	// Google registers its ad and measurement products under one id,
	// Google Advertising Products (755), which Google Analytics and the
	// Google tag read for TCF consent; 755 is in every copy of the list
	// and in Google's own TCF integration guide.
	"google-analytics":   {755, "Google Advertising Products"},
	"google-tag-manager": {755, "Google Advertising Products"},
	"google-ads":         {755, "Google Advertising Products"},
	"doubleclick":        {755, "Google Advertising Products"},
	// Microsoft's UET/TCF help page (learn.microsoft.com, "hlp_ba_conc_uet_tcf")
	// tells publishers to add Microsoft as vendor 1126.
	"microsoft-ads": {1126, "Microsoft Advertising"},
	// Criteo 91: Prebid's bidder page (IAB GVL ID 91) and the adapter's
	// GVLID constant; a 2018 copy of the list names "Criteo SA" id 91.
	"criteo": {91, "Criteo SA"},
	// Taboola 42: Prebid's bidder page (IAB GVL ID 42) and Fandom's
	// partner list taken from the v2 vendor list (Wikia/tracking-opt-in,
	// src/shared/consts.js, 2021), which also lists Criteo 91 and
	// Google 755.
	"taboola": {42, "Taboola"},
	// Outbrain 164: Prebid's bidder page (gvl_id 164); the 2018 copy of
	// the list names "Outbrain UK Ltd" id 164.
	"outbrain": {164, "Outbrain UK Ltd"},
}

// GVLFor returns the Global Vendor List registration of catalogue vendor
// slug, if privscan knows it.
func GVLFor(slug string) (GVLVendor, bool) {
	v, ok := gvlIDs[slug]
	return v, ok
}
