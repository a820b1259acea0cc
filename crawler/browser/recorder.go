package browser

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/inspector"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"

	"github.com/privscan/privscan/crawler"
)

// bindingName is the Runtime binding through which inject.js reports.
const bindingName = "__privscanRecord"

// maxPostData caps the request body kept per request.
const maxPostData = 2048

// recorder joins a tab's events into the current visit. Its listen method
// runs on the tab's read loop: it only records under the mutex, never sends a
// command and never blocks (dialogs are handed to a channel).
type recorder struct {
	mu       sync.Mutex
	visit    *crawler.Visit
	requests map[network.RequestID]*crawler.Request
	order    []network.RequestID
	inflight map[network.RequestID]inflightReq
	lastNet  time.Time
	loaded   bool
	crashed  bool
	onCrash  func()
	dialogs  chan string
	// frame is the tab's main frame. action is the last visitor action
	// done (requests made after it are marked with it); watchNav is set
	// while the interaction runs, and navigation then holds the URL the
	// main frame was asked to navigate to, if it was.
	frame      cdp.FrameID
	action     string
	watchNav   bool
	navigation string
	navigated  chan struct{}
	// paused receives the document requests the Fetch domain holds while
	// navigations are watched (see resumePaused).
	paused chan *fetch.EventRequestPaused
	// loaders are the document loaders seen since the last navigation;
	// stale those of the documents before it, whose late requests (a tag
	// a timer injects as the tab navigates away) belong to the page they
	// came from, not to the next one; ignored are those requests.
	loaders map[cdp.LoaderID]bool
	stale   map[cdp.LoaderID]bool
	ignored map[network.RequestID]bool
}

// longLived is how long a request may stay open before the wait for
// network quiet stops counting it: long polls, streamed responses and
// slow tails of a page (harness.md) would otherwise keep a page busy to
// the end of its dwell.
const longLived = 3 * time.Second

type inflightReq struct {
	since time.Time
	typ   network.ResourceType
}

func newRecorder() *recorder {
	return &recorder{dialogs: make(chan string, 16), navigated: make(chan struct{}, 1), paused: make(chan *fetch.EventRequestPaused, 64)}
}

// begin starts recording a new visit; onCrash is called (from the read
// loop) if the tab crashes.
func (r *recorder) begin(v *crawler.Visit, onCrash func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.visit = v
	r.requests = map[network.RequestID]*crawler.Request{}
	r.order = nil
	r.inflight = map[network.RequestID]inflightReq{}
	r.lastNet = time.Now()
	r.loaded = false
	r.crashed = false
	r.onCrash = onCrash
	r.action = ""
	r.watchNav = false
	r.navigation = ""
	select {
	case <-r.navigated:
	default:
	}
}

// setAction marks the requests that start from now on as following a
// visitor action.
func (r *recorder) setAction(a string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.action = a
}

// watchNavigation starts or stops noting main-frame navigations; it
// returns the navigation noted so far.
func (r *recorder) watchNavigation(on bool) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.watchNav = on
	return r.navigation
}

// navigationPaused reports whether a held document response is one to
// stop, and notes it: a page of the main frame (HTML, not a redirect, not a
// download) arriving while navigations are watched. A download does not
// leave the page and goes on.
func (r *recorder) navigationPaused(e *fetch.EventRequestPaused) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e.FrameID != r.frame || e.ResourceType != network.ResourceTypeDocument || !r.watchNav || e.Request == nil {
		return false
	}
	if e.ResponseStatusCode >= 300 && e.ResponseStatusCode < 400 {
		return false
	}
	var ctype, disposition string
	for _, h := range e.ResponseHeaders {
		switch strings.ToLower(h.Name) {
		case "content-type":
			ctype = strings.ToLower(h.Value)
		case "content-disposition":
			disposition = strings.ToLower(h.Value)
		}
	}
	if strings.HasPrefix(strings.TrimSpace(disposition), "attachment") {
		return false
	}
	if ctype != "" && !strings.Contains(ctype, "html") {
		return false
	}
	r.noteNavigation(e.Request.URL)
	return true
}

func (r *recorder) noteNavigation(url string) {
	if !r.watchNav || r.navigation != "" {
		return
	}
	r.navigation = truncate(url, 2048)
	select {
	case r.navigated <- struct{}{}:
	default:
	}
}

// beginNavigation is begin for a visit that navigates the tab to a new
// document: requests of the documents loaded before are not the visit's.
func (r *recorder) beginNavigation(v *crawler.Visit, onCrash func()) {
	r.begin(v, onCrash)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stale = r.loaders
	r.loaders = map[cdp.LoaderID]bool{}
	r.ignored = map[network.RequestID]bool{}
}

// skip reports whether a network event belongs to a request of a document
// the tab has navigated away from.
func (r *recorder) skip(ev any) bool {
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		if e.LoaderID == "" {
			return false
		}
		if r.stale[e.LoaderID] {
			if r.ignored == nil {
				r.ignored = map[network.RequestID]bool{}
			}
			r.ignored[e.RequestID] = true
			return true
		}
		if r.loaders == nil {
			r.loaders = map[cdp.LoaderID]bool{}
		}
		r.loaders[e.LoaderID] = true
		return false
	case *network.EventRequestWillBeSentExtraInfo:
		return r.ignored[e.RequestID]
	case *network.EventResponseReceived:
		return r.ignored[e.RequestID]
	case *network.EventResponseReceivedExtraInfo:
		return r.ignored[e.RequestID]
	case *network.EventLoadingFinished:
		return r.ignored[e.RequestID]
	case *network.EventLoadingFailed:
		return r.ignored[e.RequestID]
	}
	return false
}

// end stops recording and moves the joined requests into the visit.
func (r *recorder) end() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.visit == nil {
		return
	}
	for _, id := range r.order {
		r.visit.Requests = append(r.visit.Requests, *r.requests[id])
	}
	r.visit = nil
	r.onCrash = nil
}

// state reports whether the load event fired, whether the tab crashed, and
// how long the network has been quiet. Long-lived connections do not count
// as activity while open: event streams, WebSockets and media (which may
// stream for as long as they play), beacons older than beaconGrace, and
// any request open longer than longLived (a long poll, a streamed
// response). Fetches that got their response are done.
func (r *recorder) state(now time.Time, beaconGrace time.Duration) (loaded, crashed bool, quiet time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	busy := false
	for _, in := range r.inflight {
		age := now.Sub(in.since)
		switch in.typ {
		case network.ResourceTypeEventSource, network.ResourceTypeWebSocket, network.ResourceTypeMedia:
		case network.ResourceTypePing:
			if age < beaconGrace {
				busy = true
			}
		default:
			if age < longLived {
				busy = true
			}
		}
	}
	if busy {
		return r.loaded, r.crashed, 0
	}
	return r.loaded, r.crashed, now.Sub(r.lastNet)
}

func (r *recorder) req(id network.RequestID) *crawler.Request {
	q, ok := r.requests[id]
	if !ok {
		q = &crawler.Request{ID: string(id)}
		r.requests[id] = q
		r.order = append(r.order, id)
	}
	return q
}

func (r *recorder) listen(ev any) {
	if e, ok := ev.(*fetch.EventRequestPaused); ok {
		// A held request must always be answered, visit or not.
		select {
		case r.paused <- e:
		default:
		}
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.visit == nil {
		if d, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			// A dialog outside a visit still has to be closed.
			select {
			case r.dialogs <- d.Message:
			default:
			}
		}
		return
	}
	if r.skip(ev) {
		return
	}
	now := time.Now()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		r.lastNet = now
		if e.RedirectResponse != nil {
			// The redirect hop keeps its own record under a derived ID so
			// that every URL the browser touched is in the visit.
			prev := r.req(e.RequestID)
			hop := *prev
			hop.ID = fmt.Sprintf("%s#%d", e.RequestID, len(r.order))
			hop.Status = int(e.RedirectResponse.Status)
			hop.ResponseHeaders = headerMap(e.RedirectResponse.Headers)
			hop.SetCookies = append(hop.SetCookies, prev.SetCookies...)
			r.requests[network.RequestID(hop.ID)] = &hop
			r.order = append(r.order, network.RequestID(hop.ID))
			*prev = crawler.Request{ID: string(e.RequestID)}
		}
		q := r.req(e.RequestID)
		q.URL = e.Request.URL
		q.Method = e.Request.Method
		q.ResourceType = string(e.Type)
		q.DocumentURL = e.DocumentURL
		if q.RequestHeaders == nil {
			q.RequestHeaders = headerMap(e.Request.Headers)
		}
		if e.Request.HasPostData && len(e.Request.PostDataEntries) > 0 {
			var b strings.Builder
			for _, entry := range e.Request.PostDataEntries {
				b.Write(entry.Bytes)
				if b.Len() > maxPostData {
					break
				}
			}
			q.PostData = truncate(b.String(), maxPostData)
		}
		if e.Initiator != nil {
			q.InitiatorType = string(e.Initiator.Type)
			q.Initiator = initiatorScript(e.Initiator)
		}
		q.AfterInteraction = r.action
		r.inflight[e.RequestID] = inflightReq{since: now, typ: e.Type}
	case *network.EventWebSocketCreated:
		// A WebSocket has no request events of its own: record its
		// handshake as a request so that its URL is seen like any other.
		r.lastNet = now
		q := r.req(e.RequestID)
		q.URL, q.Method, q.ResourceType = e.URL, "GET", string(network.ResourceTypeWebSocket)
		q.AfterInteraction = r.action
		if e.Initiator != nil {
			q.InitiatorType = string(e.Initiator.Type)
			q.Initiator = initiatorScript(e.Initiator)
		}
	case *network.EventWebSocketHandshakeResponseReceived:
		if e.Response != nil {
			q := r.req(e.RequestID)
			q.Status = int(e.Response.Status)
		}
	case *network.EventRequestWillBeSentExtraInfo:
		q := r.req(e.RequestID)
		q.RequestHeaders = headerMap(e.Headers)
	case *network.EventResponseReceived:
		r.lastNet = now
		q := r.req(e.RequestID)
		if q.URL == "" {
			q.URL = e.Response.URL
		}
		q.Status = int(e.Response.Status)
		q.MIMEType = e.Response.MimeType
		q.RemoteIP = e.Response.RemoteIPAddress
		if q.ResponseHeaders == nil {
			q.ResponseHeaders = headerMap(e.Response.Headers)
		}
		if e.Type == network.ResourceTypePing || e.Type == network.ResourceTypeFetch || e.Type == network.ResourceTypeXHR {
			// Beacons and keepalive fetches may never report loadingFinished
			// (harness.md): the response is the end of what we need.
			delete(r.inflight, e.RequestID)
		}
	case *network.EventResponseReceivedExtraInfo:
		q := r.req(e.RequestID)
		q.ResponseHeaders = headerMap(e.Headers)
		if q.Status == 0 {
			q.Status = int(e.StatusCode)
		}
		blocked := map[string][]string{}
		for _, bc := range e.BlockedCookies {
			for _, reason := range bc.BlockedReasons {
				blocked[bc.CookieLine] = append(blocked[bc.CookieLine], string(reason))
			}
		}
		if lines := headerValue(e.Headers, "set-cookie"); lines != "" {
			for _, line := range strings.Split(lines, "\n") {
				if strings.TrimSpace(line) == "" {
					continue
				}
				sc := crawler.SetCookie{Line: line, Name: crawler.CookieName(line)}
				if reasons, ok := blocked[line]; ok {
					sc.Blocked, sc.Reasons = true, reasons
				}
				q.SetCookies = append(q.SetCookies, sc)
			}
		}
	case *network.EventLoadingFinished:
		r.lastNet = now
		delete(r.inflight, e.RequestID)
	case *network.EventLoadingFailed:
		r.lastNet = now
		delete(r.inflight, e.RequestID)
		q := r.req(e.RequestID)
		q.Failed = true
		q.ErrorText = e.ErrorText
		if e.BlockedReason != "" {
			q.ErrorText += " (" + string(e.BlockedReason) + ")"
		}
	case *page.EventLoadEventFired:
		r.loaded = true
		r.lastNet = now
	case *page.EventJavascriptDialogOpening:
		r.visit.Dialogs = append(r.visit.Dialogs, truncate(string(e.Type)+": "+e.Message, 500))
		select {
		case r.dialogs <- e.Message:
		default:
		}
	case *inspector.EventTargetCrashed:
		r.crashed = true
		if r.onCrash != nil {
			r.onCrash()
		}
	case *runtime.EventBindingCalled:
		if e.Name == bindingName {
			r.binding(e.Payload, now)
		}
	}
}

// binding handles a report from inject.js. Pages can call the binding too,
// so every field is bounded.
func (r *recorder) binding(payload string, now time.Time) {
	if len(payload) > 16<<10 {
		return
	}
	var msg struct {
		T      string `json:"t"`
		Raw    string `json:"raw"`
		Script string `json:"script"`
		P      string `json:"p"`
		Area   string `json:"area"`
		Key    string `json:"key"`
		Origin string `json:"origin"`
		URL    string `json:"url"`
	}
	if json.Unmarshal([]byte(payload), &msg) != nil {
		return
	}
	v := r.visit
	switch msg.T {
	case "cookie":
		if len(v.CookieWrites) >= 2000 {
			return
		}
		v.CookieWrites = append(v.CookieWrites, crawler.CookieWrite{Raw: msg.Raw, Name: crawler.CookieName(msg.Raw), Script: truncate(msg.Script, 2048), At: now})
	case "read":
		if msg.P != "globalPrivacyControl" && msg.P != "doNotTrack" {
			return
		}
		for _, s := range v.SignalReads {
			if s.Property == msg.P && s.Script == msg.Script {
				return
			}
		}
		if len(v.SignalReads) < 200 {
			v.SignalReads = append(v.SignalReads, crawler.SignalRead{Property: msg.P, Script: truncate(msg.Script, 2048)})
		}
	case "storage":
		if msg.Area != "local" && msg.Area != "session" {
			return
		}
		key := crawler.StorageKey{Area: msg.Area, Origin: truncate(msg.Origin, 512), Key: truncate(msg.Key, 256)}
		for _, s := range v.Storage {
			if s == key {
				return
			}
		}
		if len(v.Storage) < 500 {
			v.Storage = append(v.Storage, key)
		}
	case "popup":
		if len(v.Popups) < 50 {
			v.Popups = append(v.Popups, truncate(msg.URL, 2048))
		}
	}
}

// initiatorScript names the script behind a request: the first frame with a
// URL on the stack, walking async parents (pixels made with new Image() only
// show their script in a parent stack), else the parser's document URL.
func initiatorScript(in *network.Initiator) string {
	for st := in.Stack; st != nil; st = st.Parent {
		for _, f := range st.CallFrames {
			if f.URL != "" {
				return f.URL
			}
		}
	}
	return in.URL
}

// headerValue looks a header up case-insensitively: raw HTTP/1.1 headers
// keep the server's casing.
func headerValue(h network.Headers, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			s, _ := v.(string)
			return s
		}
	}
	return ""
}

func headerMap(h network.Headers) map[string]string {
	if len(h) == 0 {
		return nil
	}
	m := make(map[string]string, len(h))
	for k, v := range h {
		m[strings.ToLower(k)] = truncate(fmt.Sprint(v), 8192)
	}
	return m
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
