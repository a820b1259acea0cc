package crawler

import (
	"time"
)

// Profile names a browsing profile: which privacy signals the browser sends.
type Profile string

// The profiles a scan can run. Baseline sends no signal; GPC sends Sec-GPC: 1
// and exposes navigator.globalPrivacyControl; DNT sends DNT: 1 and exposes
// navigator.doNotTrack.
const (
	Baseline Profile = "baseline"
	GPC      Profile = "gpc"
	DNT      Profile = "dnt"
	// Reject and Accept send no signal; their browser context first
	// operates the site's consent banner ("reject all" / "accept all") and
	// keeps that consent state for every page.
	Reject Profile = "reject"
	Accept Profile = "accept"
)

// Valid reports whether p is a profile this crawler knows how to emulate.
func (p Profile) Valid() bool {
	switch p {
	case Baseline, GPC, DNT, Reject, Accept:
		return true
	}
	return false
}

// Visit is everything recorded while one page was loaded under one profile.
// It is plain data: detectors read it, they never need a browser.
type Visit struct {
	// URL is the URL that was requested; FinalURL is where the tab ended up.
	URL      string  `json:"url"`
	FinalURL string  `json:"final_url"`
	Profile  Profile `json:"profile"`
	// Status is the HTTP status of the main document, 0 when none arrived.
	Status int    `json:"status"`
	Title  string `json:"title"`
	// Error is empty when the page loaded; otherwise a short description,
	// and ErrorKind one of the PageError* constants.
	Error     string        `json:"error,omitempty"`
	ErrorKind string        `json:"error_kind,omitempty"`
	StartedAt time.Time     `json:"started_at"`
	Load      time.Duration `json:"load_ns"`
	// Settled is true when, after the load event, the network went quiet
	// (long-lived connections aside) with no short timer or idle callback
	// pending, before the dwell ran out. A page that never settles is still
	// a normal visit, recorded as it was at the end of its dwell.
	Settled bool `json:"settled"`
	// Interaction is what the scanner did on the page as a visitor would
	// (nil when the visit did not interact: --no-interaction, or the page
	// did not load).
	Interaction *Interaction `json:"interaction,omitempty"`

	Requests     []Request     `json:"requests"`
	Cookies      []Cookie      `json:"cookies"`
	CookieWrites []CookieWrite `json:"cookie_writes"`
	Storage      []StorageKey  `json:"storage"`
	SignalReads  []SignalRead  `json:"signal_reads"`
	// Globals maps each probed JavaScript path (e.g. "fbq", "leadinfo.t")
	// that exists on the page to a short rendering of its value.
	Globals map[string]string `json:"globals"`
	// APIs holds what the page's privacy APIs answered (keys "uspapi",
	// "gpp", "tcfapi"), as JSON text — {"error": "..."} when the API threw
	// — and under "datalayer" the Google Consent Mode commands found in
	// window.dataLayer (a JSON array of [verb, kind, settings]); a key is
	// absent when the page has no such API.
	APIs map[string]string `json:"apis,omitempty"`
	// Overlays are visible fixed or sticky elements (candidate consent
	// banners) found after the page settled.
	Overlays []Overlay `json:"overlays,omitempty"`
	// HTML is the rendered DOM after the page settled (capped in size).
	HTML string `json:"-"`
	// Links are the absolute http(s) links found in the rendered DOM.
	Links []Link `json:"links"`
	// Dialogs are the messages of alert/confirm/prompt dialogs that were
	// dismissed; Popups the URLs of windows the page tried to open.
	Dialogs    []string `json:"dialogs,omitempty"`
	Popups     []string `json:"popups,omitempty"`
	Downloads  []string `json:"downloads,omitempty"`
	Screenshot []byte   `json:"-"`
}

// Interaction records the visitor actions performed after the load event.
type Interaction struct {
	// Actions are the actions in the order they were done: "focus",
	// "mousemove", "scroll".
	Actions []string `json:"actions"`
	// ScrollSteps is how many steps the scroll to the bottom took; Capped
	// is set when the page kept growing and scrolling stopped at the cap.
	ScrollSteps int  `json:"scroll_steps"`
	Capped      bool `json:"capped,omitempty"`
	// Navigation is the URL the page tried to navigate to in response to
	// the interaction. The navigation is stopped where the browser allows
	// it; the visit records the page as it was.
	Navigation string `json:"navigation,omitempty"`
}

// Interaction actions, also the values of Request.AfterInteraction.
const (
	ActionFocus     = "focus"
	ActionMouseMove = "mousemove"
	ActionScroll    = "scroll"
)

// Page error kinds recorded on a Visit.
const (
	PageErrorHTTP      = "http-status"
	PageErrorTimeout   = "timeout"
	PageErrorCrash     = "crash"
	PageErrorNetwork   = "network"
	PageErrorRedirect  = "redirect-loop"
	PageErrorDownload  = "download"
	PageErrorBrowser   = "browser"
	PageErrorCancelled = "cancelled"
)

// Request is one network request of a page, joined from the browser's
// request, response, extra-info and finished/failed events.
type Request struct {
	ID           string `json:"id"`
	URL          string `json:"url"`
	Method       string `json:"method"`
	ResourceType string `json:"resource_type"`
	Status       int    `json:"status"`
	MIMEType     string `json:"mime_type,omitempty"`
	// RemoteIP is the address the browser connected to (empty for cached
	// and failed requests).
	RemoteIP string `json:"remote_ip,omitempty"`
	// Initiator is the script (or document) responsible for the request,
	// with the async stack walked; InitiatorType is the browser's type
	// ("parser", "script", "other", ...).
	Initiator     string `json:"initiator,omitempty"`
	InitiatorType string `json:"initiator_type,omitempty"`
	// DocumentURL is the URL of the document (frame) that made the request.
	DocumentURL     string            `json:"document_url,omitempty"`
	RequestHeaders  map[string]string `json:"request_headers,omitempty"`
	ResponseHeaders map[string]string `json:"response_headers,omitempty"`
	// PostData is the start of the request body, when the browser exposed it.
	PostData   string      `json:"post_data,omitempty"`
	SetCookies []SetCookie `json:"set_cookies,omitempty"`
	Failed     bool        `json:"failed,omitempty"`
	ErrorText  string      `json:"error_text,omitempty"`
	// AfterInteraction names the last visitor action (ActionMouseMove,
	// ActionScroll) done before this request started; empty when the
	// request came before any interaction.
	AfterInteraction string `json:"after_interaction,omitempty"`
}

// SetCookie is one Set-Cookie response header line and what the browser
// did with it.
type SetCookie struct {
	Line    string   `json:"line"`
	Name    string   `json:"name"`
	Blocked bool     `json:"blocked,omitempty"`
	Reasons []string `json:"reasons,omitempty"`
}

// Cookie is a cookie as stored in the browser context's jar.
type Cookie struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Domain string `json:"domain"`
	Path   string `json:"path"`
	// Expires is zero for session cookies.
	Expires      time.Time `json:"expires"`
	Session      bool      `json:"session"`
	Secure       bool      `json:"secure"`
	HTTPOnly     bool      `json:"http_only"`
	SameSite     string    `json:"same_site,omitempty"`
	Partitioned  bool      `json:"partitioned,omitempty"`
	PartitionKey string    `json:"partition_key,omitempty"`
}

// CookieWrite is one assignment to document.cookie, with the script that
// made it (from the JavaScript stack at the time of the write).
type CookieWrite struct {
	Raw    string    `json:"raw"`
	Name   string    `json:"name"`
	Script string    `json:"script"`
	At     time.Time `json:"at"`
}

// StorageKey is a key written to localStorage or sessionStorage.
type StorageKey struct {
	Area   string `json:"area"` // "local" or "session"
	Origin string `json:"origin"`
	Key    string `json:"key"`
}

// SignalRead records that a script read a privacy-signal property.
type SignalRead struct {
	Property string `json:"property"` // "globalPrivacyControl" or "doNotTrack"
	Script   string `json:"script"`
}

// Overlay is a visible fixed or sticky element, the usual shape of a consent
// banner.
type Overlay struct {
	Selector string   `json:"selector"`
	Text     string   `json:"text"`
	Buttons  []string `json:"buttons,omitempty"`
}

// Link is an anchor found in the rendered DOM.
type Link struct {
	URL   string `json:"url"`
	Text  string `json:"text,omitempty"`
	Title string `json:"title,omitempty"`
	Aria  string `json:"aria,omitempty"`
	// InFooter is true for links inside <footer> or an element whose id or
	// class names a footer.
	InFooter bool `json:"in_footer,omitempty"`
}

// Lifetime returns how long the cookie lives from at, or -1 for a session
// cookie.
func (c Cookie) Lifetime(at time.Time) time.Duration {
	if c.Session || c.Expires.IsZero() {
		return -1
	}
	return c.Expires.Sub(at)
}
