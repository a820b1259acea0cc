package cookies

// Override corrects one Open Cookie Database row, identified by its OCD ID.
// Name repeats the row's cookie name so that Load can check the table still
// points at the row it was written for. Empty fields leave the row alone.
type Override struct {
	ID   string
	Name string
	// Retention replaces the OCD retention text.
	Retention string
	// Category replaces the mapped category (necessary, functional,
	// analytics, marketing).
	Category string
	// AnyDomain says the cookie is first-party on the customer's site, so the
	// OCD domain column (e.g. "hubspot.com") must not restrict matching.
	AnyDomain bool
	// Domains replaces the OCD domain column.
	Domains []string
	// Names, when set, is a regular expression a cookie name must match in
	// full: for wildcard rows whose prefix is broader than the vendor's
	// real names.
	Names string
	// Why cites the source of the correction.
	Why string
}

// Overrides is the explicit table of known OCD errors (research
// trackers.md §3 "Where OCD disagrees", data/README.md). Each row is
// asserted by a test.
var Overrides = []Override{
	// HubSpot: first-party on the customer site, and __hstc/hubspotutk/
	// messagesUtk now live 6 months (Utk.EXPIRATION=180 in 2024–2026 code).
	{ID: "a4a0bfbb-2fff-4352-a931-105381955855", Name: "__hstc", Retention: "6 months", AnyDomain: true,
		Why: "HubSpot analytics code 2024-2026: 180 days; set first-party via document.cookie"},
	{ID: "02865dba-5da8-46ec-b100-50c1b8a1e913", Name: "hubspotutk", Retention: "6 months", AnyDomain: true,
		Why: "HubSpot analytics code 2024-2026: 180 days; set first-party via document.cookie"},
	{ID: "ba027223-659a-4141-8934-68626ab815a6", Name: "messagesUtk", Retention: "6 months", AnyDomain: true,
		Why: "HubSpot chat code: SIX_MONTHS, first-party"},
	{ID: "0641f061-2be6-4d26-adea-d8614c7f097b", Name: "__hssc", AnyDomain: true, Why: "first-party on the customer site"},
	{ID: "04f6c79c-87a2-420f-a341-15b806967c80", Name: "__hssrc", AnyDomain: true, Why: "first-party on the customer site"},
	{ID: "96098b04-6859-4c46-b254-780891ef9ec7", Name: "__hs_opt_out", AnyDomain: true, Why: "first-party on the customer site"},
	{ID: "761003cd-e442-4cb9-b6dc-edfbbc51a9d7", Name: "__hs_do_not_track", AnyDomain: true, Why: "first-party on the customer site"},
	{ID: "70cdab38-f868-4238-9618-1f4119d7ef9b", Name: "__hs_initial_opt_in", AnyDomain: true, Why: "first-party on the customer site"},
	{ID: "525e102f-dc0d-40ee-9737-1759a85a5538", Name: "hs-messages-is-open", AnyDomain: true, Why: "first-party on the customer site"},
	{ID: "8d4aef75-5691-4ce1-8aa2-2c4bfc8b2ec8", Name: "hs-messages-hide-welcome-message", AnyDomain: true, Why: "first-party on the customer site"},
	// Meta: _fbp/_fbc are first-party cookies with a 90-day lifetime.
	{ID: "0d249cd5-ae35-4dbb-ad00-d5ca46948619", Name: "_fbp", Retention: "90 days", AnyDomain: true,
		Why: "fbevents.js constant 2160 h; set first-party on the site's eTLD+1"},
	{ID: "d437b1da-7729-4c74-a5cc-e73620f5e381", Name: "_fbc", Retention: "90 days", AnyDomain: true,
		Why: "fbevents.js constant 2160 h; set first-party on the site's eTLD+1"},
	// LinkedIn cookie table (2024-04-03).
	{ID: "1874cfdd-0691-4ce0-a158-bc3c1605275e", Name: "UserMatchHistory", Retention: "30 days", Why: "LinkedIn cookie table: 30 days"},
	{ID: "d26e4a7c-4f43-11eb-ae93-0242ac130002", Name: "li_gc", Retention: "6 months", Why: "LinkedIn cookie table: 6 months"},
	{ID: "b1ba9abe-9902-418b-ae40-7594f977d67b", Name: "li_fat_id", Category: "marketing", Why: "LinkedIn ad click ID (conversion attribution), not functional"},
	{ID: "024f3a29-875c-4d2d-af0d-4df3a44a8b41", Name: "li_giant", Category: "marketing", Why: "LinkedIn ad attribution cookie, not functional"},
	// Google.
	{ID: "2caa7a78-e93f-49ca-8fe6-1aaafae1efaa", Name: "_gat_gtag_", Retention: "1 minute",
		Why: "Google cookie-usage page (_gat: 1 minute) and observed TTLs of 60-68 s"},
	{ID: "256c2d74-d881-11e9-8a34-2a2ae2dbcce4", Name: "__utmv", AnyDomain: true, Why: "ga.js sets it first-party"},
	{ID: "f6f65358-15e8-4dcc-9014-13ae87d0e880", Name: "_GRECAPTCHA", Category: "necessary", Domains: []string{"google.com", "recaptcha.net"},
		Why: "Google reCAPTCHA FAQ: necessary cookie for risk analysis; also set on www.recaptcha.net"},
	// Mixpanel names its cookie mp_<project token>_mixpanel (a 32-hex token);
	// the bare "mp_" prefix would pin any site's mp_lang on Mixpanel.
	{ID: "71a7af65-12a4-4ba9-bea3-8b0d85083f46", Name: "mp_", Names: `mp_[0-9a-f]{32}_mixpanel`,
		Why: "Mixpanel JavaScript library: cookie name 'mp_' + token + '_mixpanel'"},
	// Leadinfo (Snowplow tracker defaults).
	{ID: "0b3b5e99-3571-4341-8a90-6a73af71fde0", Name: "_li_id", Retention: "2 years", Why: "Snowplow default cookieLifetime"},
	{ID: "0fd423e4-3ad8-4e28-b66d-c72035ef6feb", Name: "_li_ses", Retention: "30 minutes", Why: "Snowplow session cookie default"},
}
