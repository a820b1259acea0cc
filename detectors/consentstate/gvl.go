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
// Clarity) or not in this table yet — callers say "not a Global Vendor
// List vendor privscan knows", never guess. Google's 755 appears in every
// copy of the list; re-check the others against the current list when
// extending the table.
// Google registers its ad and measurement products under one id
// (Google Advertising Products, 755), which Google Analytics and the
// Google tag read for TCF consent.
var gvlIDs = map[string]GVLVendor{
	"google-analytics":   {755, "Google Advertising Products"},
	"google-tag-manager": {755, "Google Advertising Products"},
	"google-ads":         {755, "Google Advertising Products"},
	"doubleclick":        {755, "Google Advertising Products"},
	"microsoft-ads":      {1126, "Microsoft Advertising"},
	"linkedin":           {804, "LinkedIn Ireland Unlimited Company"},
	"criteo":             {91, "Criteo SA"},
	"taboola":            {42, "Taboola Europe Limited"},
	"outbrain":           {164, "Outbrain UK Ltd"},
}

// GVLFor returns the Global Vendor List registration of catalogue vendor
// slug, if privscan knows it.
func GVLFor(slug string) (GVLVendor, bool) {
	v, ok := gvlIDs[slug]
	return v, ok
}
