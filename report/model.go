package report

import (
	"fmt"
	"strings"
	"time"
)

// SchemaVersion is the version of the JSON report contract (DESIGN.md).
const SchemaVersion = 1

// Report is the whole result of a scan: the JSON report contract. Field
// names are snake_case; absent knowledge is null; arrays are sorted by the
// producer so that two scans of the same site diff cleanly.
type Report struct {
	SchemaVersion int          `json:"schema_version"`
	Tool          Tool         `json:"tool"`
	Target        string       `json:"target"`
	StartedAt     time.Time    `json:"started_at"`
	FinishedAt    time.Time    `json:"finished_at"`
	Interrupted   bool         `json:"interrupted"`
	Browser       Browser      `json:"browser"`
	Profiles      []string     `json:"profiles"`
	Options       Options      `json:"options"`
	Pages         []Page       `json:"pages"`
	Trackers      []Tracker    `json:"trackers"`
	Cookies       []Cookie     `json:"cookies"`
	ThirdParties  []ThirdParty `json:"third_parties"`
	Signals       Signals      `json:"signals"`
	Consent       Consent      `json:"consent"`
	Policy        *Policy      `json:"policy"`
	Findings      []Finding    `json:"findings"`
	Suppressed    []Finding    `json:"suppressed,omitempty"`
	// Checks say, per finding code, whether the check passed, failed,
	// did not apply or could not be completed, and what it could see.
	Checks  []Check `json:"checks"`
	Summary Summary `json:"summary"`
	// Observations are the raw per-visit records (with --observations).
	Observations []Observation `json:"observations,omitempty"`
	// Errors are scan-level problems (not page errors) worth telling the
	// reader, e.g. "browser restarted after a crash".
	Errors []string `json:"errors,omitempty"`
	// Screenshots are page captures for the HTML and PDF reports; in JSON
	// the PNG bytes are base64 (omitted when the scan took none).
	Screenshots []Screenshot `json:"screenshots,omitempty"`
}

// Screenshot is a PNG capture of one page under one profile.
type Screenshot struct {
	Page    string `json:"page"`
	Profile string `json:"profile"`
	Caption string `json:"caption,omitempty"`
	PNG     []byte `json:"png"`
}

// Tool names the program that wrote the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Browser describes the browser that made the observations.
type Browser struct {
	Product   string `json:"product"`
	UserAgent string `json:"user_agent"`
}

// Options records the scan settings that shape the results (methodology).
type Options struct {
	MaxPages    int    `json:"max_pages"`
	Depth       int    `json:"depth"`
	Concurrency int    `json:"concurrency"`
	PageTimeout string `json:"page_timeout"`
	// Dwell is the cap on the time spent on a page after its load event;
	// NoInteraction says the scanner did not act like a visitor there.
	Dwell         string `json:"dwell,omitempty"`
	NoInteraction bool   `json:"no_interaction,omitempty"`
	HostRules     string `json:"host_rules,omitempty"`
	IgnoreRobots  bool   `json:"ignore_robots"`
	Insecure      bool   `json:"insecure"`
	// BannerWait and ConsentRuleTimeout are the consent journeys' waits:
	// for the banner to show, and for an autoconsent rule to finish once
	// it was sent the choice. Set when a journey ran.
	BannerWait         string `json:"banner_wait,omitempty"`
	ConsentRuleTimeout string `json:"consent_rule_timeout,omitempty"`
}

// Page is one page visit under one profile.
type Page struct {
	URL      string  `json:"url"`
	FinalURL string  `json:"final_url,omitempty"`
	Profile  string  `json:"profile"`
	Status   int     `json:"status"`
	Title    string  `json:"title"`
	Error    *string `json:"error"`
	// ErrorKind classifies Error (timeout, crash, http-status, ...).
	ErrorKind string `json:"error_kind,omitempty"`
	LoadMS    int64  `json:"load_ms"`
	Requests  int    `json:"requests"`
	// Settled is false when the page never went quiet within the dwell
	// (it is recorded as it was at the end of the dwell) or did not load.
	Settled bool `json:"settled"`
	// Navigation is the URL the page tried to navigate to when the
	// scanner acted like a visitor (the page is recorded as it was).
	Navigation string `json:"interaction_navigation,omitempty"`
}

// Evidence is one observation backing a tracker or finding.
type Evidence struct {
	Kind    string `json:"kind"` // request | cookie | script | global | dom | policy
	Profile string `json:"profile,omitempty"`
	Page    string `json:"page,omitempty"`
	Detail  string `json:"detail"`
}

// Tracker is one product of a vendor seen on the site. A vendor seen as
// two products (the Meta Pixel and Facebook's social plugins) is two
// trackers with the same Vendor.
type Tracker struct {
	Vendor string `json:"vendor"`
	// Name is the product's display name; Category the product's category
	// (findings' severities follow it).
	Name     string `json:"name"`
	Category string `json:"category"`
	// Product names what was seen ("Meta Pixel", "Facebook social
	// plugins"); null when the source cannot tell products apart.
	Product *string `json:"product"`
	// Source says where the identification came from: "catalogue" (a
	// deep vendor rule), "entity" (the third-party entity table) or
	// "cookie-db" (the Open Cookie Database).
	Source string   `json:"source,omitempty"`
	IDs    []string `json:"ids"`
	// Profiles are the profiles in which the vendor's own code ran: its
	// requests, cookies, or globals its code defined. A tag that is only
	// present in a page (an inline snippet, a <script src> that never
	// loaded, a consent-blocked tag) does not count.
	Profiles []string `json:"profiles"`
	// Blocked are the profiles in which a tag of the vendor was on a page
	// but the browser never executed it (a consent manager's
	// type="text/plain" tag, markup inside <noscript> or <template>) and
	// the vendor did not run otherwise.
	Blocked  []string   `json:"blocked"`
	Pages    []string   `json:"pages"`
	Evidence []Evidence `json:"evidence"`
	// ConsentMode is, per profile, the Google Consent Mode state the
	// vendor's own hits carried (gcs/gcd/npa); null for vendors whose
	// requests carry none.
	ConsentMode map[string]*TrackerConsentMode `json:"consent_mode"`
	// OtherProduct is set by the detector when Product is not the vendor's
	// main product. It only shapes finding keys (Key), which the audit
	// computes in the same process, so it is not part of the JSON.
	OtherProduct bool `json:"-"`
}

// Tracker sources (Tracker.Source).
const (
	SourceCatalogue = "catalogue"
	SourceEntity    = "entity"
	SourceCookieDB  = "cookie-db"
)

// Key is the tracker's key in findings: the vendor slug for the vendor's
// main product (so that finding ids made before products existed stay
// the same), "vendor/product" for its other products.
func (t Tracker) Key() string {
	if t.OtherProduct && t.Product != nil {
		return t.Vendor + "/" + *t.Product
	}
	return t.Vendor
}

// TrackerConsentMode summarises the Consent Mode parameters of a vendor's
// hits under one profile.
type TrackerConsentMode struct {
	Hits int      `json:"hits"`
	GCS  []string `json:"gcs"`
	GCD  []string `json:"gcd"`
	NPA  []string `json:"npa"`
	// AdStorage and AnalyticsStorage are "granted" or "denied" when every
	// hit agreed, "mixed" when they did not, "" when no hit said.
	AdStorage        string `json:"ad_storage"`
	AnalyticsStorage string `json:"analytics_storage"`
	// Errors are malformed parameters seen.
	Errors []string `json:"errors,omitempty"`
}

// Cookie is one cookie (name, domain, path) seen in any profile.
type Cookie struct {
	Name   string `json:"name"`
	Domain string `json:"domain"`
	Path   string `json:"path"`
	Party  string `json:"party"` // first | third
	// Value is redacted unless the scan was asked to keep values.
	Value   string `json:"value,omitempty"`
	Session bool   `json:"session"`
	// LifetimeDays is the lifetime as stored by the browser (capped at 400
	// days by Chrome); DeclaredLifetimeDays what the Set-Cookie line or the
	// script asked for. Both are null for session cookies or when unknown.
	LifetimeDays         *float64 `json:"lifetime_days"`
	DeclaredLifetimeDays *float64 `json:"declared_lifetime_days"`
	Secure               bool     `json:"secure"`
	HTTPOnly             bool     `json:"http_only"`
	SameSite             string   `json:"same_site"`
	Partitioned          bool     `json:"partitioned"`
	SetBy                string   `json:"set_by"` // header | script | unknown
	Setter               string   `json:"setter"`
	Vendor               *string  `json:"vendor"`
	Category             string   `json:"category"`
	Profiles             []string `json:"profiles"`
	FirstPage            string   `json:"first_page"`
}

// ThirdParty is a third-party registrable domain the site's pages contacted.
type ThirdParty struct {
	Domain     string   `json:"domain"`
	Requests   int      `json:"requests"`
	SetCookies bool     `json:"set_cookies"`
	Vendor     *string  `json:"vendor"`
	Profiles   []string `json:"profiles"`
	// Entity, Company and Category name the domain's hosts from the
	// third-party-web table (null when the table does not know them).
	Entity   *string `json:"entity"`
	Company  *string `json:"company"`
	Category *string `json:"category"`
}

// Signals is what the site does with privacy signals.
type Signals struct {
	GPCJSON *GPCJSON            `json:"gpc_json"`
	Reads   map[string][]string `json:"reads"`
	USP     map[string]string   `json:"usp"`
	GPP     map[string]string   `json:"gpp"`
	TCF     map[string]string   `json:"tcf,omitempty"`
	// Headers records, per profile, the signal headers the browser sent
	// (evidence that the profile really was emulated).
	Headers map[string]map[string]string `json:"headers,omitempty"`
	// ConsentCookies are consent-state cookies (usprivacy, OptanonConsent,
	// OTGPPConsent, euconsent-v2) per profile.
	ConsentCookies map[string]map[string]string `json:"consent_cookies,omitempty"`
}

// GPCJSON is the site's /.well-known/gpc.json resource.
type GPCJSON struct {
	URL        string  `json:"url"`
	Status     int     `json:"status"`
	Valid      bool    `json:"valid"`
	GPC        *bool   `json:"gpc"`
	LastUpdate *string `json:"last_update"`
	Error      string  `json:"error,omitempty"`
}

// Consent is what the scan saw of a consent banner.
type Consent struct {
	CMP      *string    `json:"cmp"`
	Banner   bool       `json:"banner"`
	Evidence []Evidence `json:"evidence,omitempty"`
	// Journeys are the consent journeys of the reject and accept profiles:
	// how the banner was answered on the home page before those profiles
	// visited the pages (absent when neither profile ran).
	Journeys []ConsentJourney `json:"journeys,omitempty"`
}

// ConsentJourney is one answer given to the site's consent banner in a
// fresh browser context, whose state the profile's later visits keep.
type ConsentJourney struct {
	// Profile is "reject" or "accept".
	Profile string `json:"profile"`
	// Page is where the banner was answered (the home page).
	Page string `json:"page"`
	// CMP is the consent platform operated (e.g. "onetrust"), null for a
	// banner of no known platform.
	CMP *string `json:"cmp"`
	// Method is how: "selector" (the platform's own control, found by a
	// known selector), "api" (its documented JavaScript API) or
	// "heuristic" (a control of an unknown banner, by its label); empty
	// when the banner could not be operated.
	Method string `json:"method"`
	// Clicked is the label of the control clicked (or the API call).
	Clicked string `json:"clicked"`
	// SecondLayer is true when a settings layer had to be opened to find
	// the choice.
	SecondLayer bool `json:"second_layer"`
	// RejectOnFirstLayer says whether the first layer offered a reject
	// option (null when not checked: accept journeys, or no banner shown).
	// false is a dark pattern (EDPB cookie banner taskforce, 2023).
	RejectOnFirstLayer *bool `json:"reject_on_first_layer"`
	// BannerClosed is true when the banner was gone after the click.
	BannerClosed bool `json:"banner_closed"`
	// Steps describe what was done, in order.
	Steps []string `json:"steps,omitempty"`
	// Engine is what operated the banner: "autoconsent" (a rule of
	// DuckDuckGo's autoconsent rule set) or "builtin" (privscan's own
	// selectors and labels).
	Engine string `json:"engine"`
	// Rule is the autoconsent rule that handled the banner (e.g.
	// "Onetrust", "Sourcepoint-frame"); null for the built-in engine.
	Rule *string `json:"rule"`
	// RuleFrame is the URL of the iframe the rule worked in, when the
	// banner was inside one.
	RuleFrame string `json:"rule_frame,omitempty"`
	// SelfTest is the rule's self-test verdict: true when it confirmed
	// that the site stored the choice, false when it could not; null when
	// no self-test ran.
	SelfTest *bool `json:"self_test"`
	// Fallback says why the built-in engine operated the banner instead
	// of autoconsent (not available, no rule matched, the rule failed or
	// timed out); null when autoconsent handled it.
	Fallback *string `json:"fallback"`
	// DurationMS is how long the journey took, from looking for the
	// banner to the choice (or giving up).
	DurationMS int64 `json:"duration_ms"`
	// Error says why the banner could not be operated; the profile's
	// visits then ran without a consent choice and no journey finding is
	// made from them.
	Error string `json:"error,omitempty"`
	// BannerReturned lists the later pages of the profile where a consent
	// banner was visible again.
	BannerReturned []string `json:"banner_returned,omitempty"`
	// VendorsAfterChoice are the catalogued vendors active on the page
	// right after the choice (from the click until it settled); with
	// VendorsLater, the vendors active on the profile's later pages.
	VendorsAfterChoice []string `json:"vendors_after_choice"`
	VendorsLater       []string `json:"vendors_later"`
	// State is the consent state the choice left behind: first on the
	// page right after the choice, then on each later page of the
	// profile.
	State []ConsentState `json:"state"`
	// ScreenshotBefore and ScreenshotAfter are PNG captures of the page
	// before and after the choice (base64 in JSON).
	ScreenshotBefore []byte `json:"screenshot_before,omitempty"`
	ScreenshotAfter  []byte `json:"screenshot_after,omitempty"`
}

// ConsentState is the consent state one page held: what its TCF and GPP
// APIs answered (or its euconsent-v2 cookie held), and Google Consent
// Mode as the dataLayer set it and as Google's own hits carried it. A
// part is null when the page had none of it.
type ConsentState struct {
	Page string `json:"page"`
	// AfterChoice marks the state read on the page right after the
	// choice (before any other page loaded).
	AfterChoice bool `json:"after_choice"`
	// SameOn lists the later pages whose state read the same (same
	// words), so a long crawl does not repeat it page by page.
	SameOn      []string          `json:"same_on"`
	TCF         *TCFState         `json:"tcf"`
	GPP         *GPPState         `json:"gpp"`
	ConsentMode *ConsentModeState `json:"consent_mode"`
	// Words say the state in sentences, for the reports.
	Words []string `json:"words"`
}

// TCFState is a decoded TC string (IAB Europe TCF v2).
type TCFState struct {
	// Source is where the string came from: "api" (__tcfapi) or
	// "cookie" (euconsent-v2).
	Source   string `json:"source"`
	TCString string `json:"tc_string"`
	// CookieDiffers is true when the euconsent-v2 cookie holds another
	// string than the API answered.
	CookieDiffers bool `json:"cookie_differs,omitempty"`
	// Error says why there is no decoded state: the API threw or timed
	// out, or the string is malformed. The fields below are then empty.
	Error                      string `json:"error,omitempty"`
	CMPID                      int    `json:"cmp_id"`
	CMPVersion                 int    `json:"cmp_version"`
	PolicyVersion              int    `json:"tcf_policy_version"`
	VendorListVersion          int    `json:"vendor_list_version"`
	LastUpdated                string `json:"last_updated,omitempty"`
	PurposeConsents            []int  `json:"purpose_consents"`
	PurposeLegitimateInterests []int  `json:"purpose_legitimate_interests"`
	SpecialFeatureOptIns       []int  `json:"special_feature_opt_ins"`
	VendorConsents             []int  `json:"vendor_consents"`
	VendorLegitimateInterests  []int  `json:"vendor_legitimate_interests"`
	// PublisherRestrictions are "purpose N: <type> for vendors …".
	PublisherRestrictions []string `json:"publisher_restrictions"`
}

// GPPState is a decoded GPP string.
type GPPState struct {
	GPPString  string            `json:"gpp_string"`
	SectionIDs []int             `json:"section_ids"`
	Sections   []GPPSectionState `json:"sections"`
	Error      string            `json:"error,omitempty"`
}

// GPPSectionState is one GPP section, its fields in words.
type GPPSectionState struct {
	ID     int      `json:"id"`
	Name   string   `json:"name"`
	Fields []string `json:"fields"`
	Error  string   `json:"error,omitempty"`
}

// ConsentModeState is Google Consent Mode on one page.
type ConsentModeState struct {
	// Commands are the gtag('consent', …) commands in the dataLayer, in
	// order; State the resulting value per signal.
	Commands []ConsentCommand  `json:"commands"`
	State    map[string]string `json:"state"`
	// Hits are Google's requests with gcs/gcd on the page.
	Hits []ConsentModeHit `json:"hits"`
}

// ConsentCommand is one gtag('consent', kind, settings) command.
type ConsentCommand struct {
	Kind     string            `json:"kind"`
	Settings map[string]string `json:"settings"`
}

// ConsentModeHit is one Google request's consent parameters.
type ConsentModeHit struct {
	URL              string `json:"url"`
	GCS              string `json:"gcs,omitempty"`
	GCD              string `json:"gcd,omitempty"`
	NPA              string `json:"npa,omitempty"`
	AdStorage        string `json:"ad_storage"`
	AnalyticsStorage string `json:"analytics_storage"`
}

// Operated reports whether the journey made its choice.
func (j ConsentJourney) Operated() bool { return j.Error == "" && j.Method != "" }

// Policy is what the site's privacy policy says.
type Policy struct {
	Found      bool              `json:"found"`
	URL        *string           `json:"url"`
	Title      *string           `json:"title"`
	Language   *string           `json:"language"`
	Vendors    []PolicyVendor    `json:"vendors"`
	Cookies    []PolicyCookie    `json:"cookies"`
	DNT        string            `json:"dnt"`
	DNTQuote   *string           `json:"dnt_quote"`
	GPC        string            `json:"gpc"`
	GPCQuote   *string           `json:"gpc_quote"`
	Mentions   map[string]bool   `json:"mentions"`
	Candidates []PolicyCandidate `json:"candidates,omitempty"`
	// Documents are the documents read or rejected while looking for the
	// policy, in the order they were tried.
	Documents []PolicyDocument `json:"documents"`
	// USNexus says why the policy ties the site to the United States (it
	// names California, a US privacy law or the country, or gives a US
	// address); null when it does not. The audit cites CalOPPA only then.
	USNexus *string `json:"us_nexus"`
	Error   string  `json:"error,omitempty"`
}

// PolicyDocument is a document read, or rejected, while looking for the
// policy.
type PolicyDocument struct {
	// URL is the address tried; FinalURL where redirects (HTTP or meta
	// refresh) ended, null when nowhere else.
	URL      string  `json:"url"`
	FinalURL *string `json:"final_url"`
	// Status is the final HTTP status, null when no response arrived.
	Status *int `json:"status"`
	// Kind is privacy, cookie or regional.
	Kind string `json:"kind"`
	// Used is true when the document's text went into the analysis.
	Used bool `json:"used"`
	// Why says why the document was rejected; null when it was not.
	Why *string `json:"why"`
}

// PolicyVendor is a vendor the policy names as used or denies.
type PolicyVendor struct {
	Vendor string `json:"vendor"`
	// Product is the vendor's product the sentence names ("Facebook
	// social plugins"), null when it names only the company; a stance on
	// one product says nothing of the vendor's others.
	Product *string `json:"product"`
	Stance  string  `json:"stance"` // uses | denies
	Quote   string  `json:"quote"`
	Heading string  `json:"heading,omitempty"`
	// Document is the URL of the document the quote is from, when the
	// privacy and cookie policies were read together.
	Document string `json:"document,omitempty"`
}

// PolicyCookie is a cookie the policy declares.
type PolicyCookie struct {
	Name         string   `json:"name"`
	Provider     string   `json:"provider"`
	DurationText string   `json:"duration_text"`
	LifetimeDays *float64 `json:"lifetime_days"`
	Session      bool     `json:"session,omitempty"`
}

// PolicyCandidate is a link that might be the policy, and why it scored.
type PolicyCandidate struct {
	URL    string  `json:"url"`
	Kind   string  `json:"kind"`
	Score  float64 `json:"score"`
	Reason string  `json:"reason"`
	Chosen bool    `json:"chosen,omitempty"`
}

// Finding is one gap between behaviour and policy.
type Finding struct {
	ID          string     `json:"id"`
	Code        string     `json:"code"`
	Severity    Severity   `json:"severity"`
	Vendor      *string    `json:"vendor"`
	Cookie      *string    `json:"cookie"`
	Title       string     `json:"title"`
	Detail      string     `json:"detail"`
	Evidence    []Evidence `json:"evidence"`
	PolicyQuote *string    `json:"policy_quote"`
	// SuppressedBecause is set on suppressed findings.
	SuppressedBecause string `json:"suppressed_because,omitempty"`
}

// Check statuses (Check.Status).
const (
	CheckPassed        = "passed"
	CheckFailed        = "failed"
	CheckNotApplicable = "not-applicable"
	CheckIncomplete    = "incomplete"
)

// Check is the outcome of the check behind one finding code. A check that
// had nothing to test is not-applicable, one that could not run is
// incomplete; neither is ever reported as passed.
type Check struct {
	Code   string `json:"code"`
	Status string `json:"status"`
	// Covered says what the check could see (recognised vendors,
	// unclassified third parties, pages, profiles), or why it did not
	// apply or could not run.
	Covered string `json:"covered"`
}

// Vendor and product categories (the catalogue's, and Tracker.Category).
const (
	CategoryAnalytics   = "analytics"
	CategoryAdvertising = "advertising"
	CategoryTagManager  = "tag-manager"
	CategoryMarketing   = "marketing-automation"
	CategorySecurity    = "security"
	CategoryFunctional  = "functional"
	CategorySocial      = "social"
	CategoryConsent     = "consent"
	// CategoryCustomerSuccess is a chat or support widget (Intercom,
	// Zendesk): it loads on page view and keeps a visitor identifier, so it
	// takes part in the consent findings, unlike a functional product the
	// visitor invokes (Facebook Login).
	CategoryCustomerSuccess = "customer-success"
)

// Summary counts findings by severity.
type Summary struct {
	High   int `json:"high"`
	Medium int `json:"medium"`
	Low    int `json:"low"`
	Info   int `json:"info"`
}

// Severity is an ordered finding severity: Info < Low < Medium < High.
type Severity int

// The severities, in order.
const (
	Info Severity = iota
	Low
	Medium
	High
)

var severityNames = [...]string{"info", "low", "medium", "high"}

// String returns the lower-case name.
func (s Severity) String() string {
	if s < Info || s > High {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// MarshalText encodes the severity as its name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ParseSeverity reads "high", "medium", "low" or "info".
func ParseSeverity(name string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(name, n) {
			return Severity(i), nil
		}
	}
	return Info, fmt.Errorf("unknown severity %q (want high, medium, low or info)", name)
}

// Count fills the summary from findings.
func (s *Summary) Count(findings []Finding) {
	*s = Summary{}
	for _, f := range findings {
		*s.counter(f.Severity)++
	}
}

// counter returns the count of severity sev; an unknown severity counts as
// Info.
func (s *Summary) counter(sev Severity) *int {
	switch sev {
	case High:
		return &s.High
	case Medium:
		return &s.Medium
	case Low:
		return &s.Low
	}
	return &s.Info
}
