package report

// Observation is the raw record of one page visit under one profile, kept in
// the report (with --observations) so that every conclusion can be traced
// back to what the browser saw. Cookie values in it are redacted unless the
// scan was asked to keep them.
type Observation struct {
	URL          string                `json:"url"`
	Profile      string                `json:"profile"`
	Requests     []ObservedRequest     `json:"requests"`
	CookieWrites []ObservedCookieWrite `json:"cookie_writes,omitempty"`
	SignalReads  []ObservedSignalRead  `json:"signal_reads,omitempty"`
	Storage      []ObservedStorage     `json:"storage,omitempty"`
	Globals      map[string]string     `json:"globals,omitempty"`
	APIs         map[string]string     `json:"apis,omitempty"`
	Overlays     []ObservedOverlay     `json:"overlays,omitempty"`
	Dialogs      []string              `json:"dialogs,omitempty"`
	Popups       []string              `json:"popups,omitempty"`
	Downloads    []string              `json:"downloads,omitempty"`
	// Settled is false when the page never went quiet within its dwell;
	// Interaction is what the scanner did as a visitor on the page.
	Settled     bool                 `json:"settled"`
	Interaction *ObservedInteraction `json:"interaction,omitempty"`
}

// ObservedInteraction is what the scanner did on a page as a visitor.
type ObservedInteraction struct {
	// Actions are the actions in the order they were done: "focus",
	// "mousemove", "scroll".
	Actions []string `json:"actions"`
	// ScrollSteps is how many steps the scroll to the bottom took; Capped
	// is set when the page kept growing and scrolling stopped at the cap.
	ScrollSteps int  `json:"scroll_steps"`
	Capped      bool `json:"capped,omitempty"`
	// Navigation is the URL the page tried to navigate to in response to
	// the interaction (stopped; the visit records the page as it was).
	Navigation string `json:"navigation,omitempty"`
}

// ObservedRequest is one network request of a visit.
type ObservedRequest struct {
	URL        string `json:"url"`
	Method     string `json:"method"`
	Type       string `json:"type"`
	Status     int    `json:"status"`
	Initiator  string `json:"initiator,omitempty"`
	ThirdParty bool   `json:"third_party"`
	// AfterInteraction names the visitor action ("mousemove", "scroll")
	// the request followed, when it came after one.
	AfterInteraction string `json:"after_interaction,omitempty"`
	// SignalHeaders are the Sec-GPC / DNT headers the request carried.
	SignalHeaders map[string]string   `json:"signal_headers,omitempty"`
	SetCookies    []ObservedSetCookie `json:"set_cookies,omitempty"`
	Failed        bool                `json:"failed,omitempty"`
	Error         string              `json:"error,omitempty"`
}

// ObservedSetCookie is a Set-Cookie line and whether the browser stored it.
type ObservedSetCookie struct {
	Name    string   `json:"name"`
	Line    string   `json:"line"`
	Blocked bool     `json:"blocked,omitempty"`
	Reasons []string `json:"reasons,omitempty"`
}

// ObservedCookieWrite is a document.cookie assignment and its script.
type ObservedCookieWrite struct {
	Name   string `json:"name"`
	Raw    string `json:"raw"`
	Script string `json:"script"`
}

// ObservedSignalRead is a script reading navigator.globalPrivacyControl or
// navigator.doNotTrack.
type ObservedSignalRead struct {
	Property string `json:"property"`
	Script   string `json:"script"`
}

// ObservedStorage is a key written to web storage.
type ObservedStorage struct {
	Area   string `json:"area"`
	Origin string `json:"origin"`
	Key    string `json:"key"`
}

// ObservedOverlay is a visible fixed or sticky element of a visit (a
// candidate consent banner): its CSS selector, text and button labels.
type ObservedOverlay struct {
	Selector string   `json:"selector"`
	Text     string   `json:"text"`
	Buttons  []string `json:"buttons,omitempty"`
}
