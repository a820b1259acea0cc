package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/privscan/privscan/crawler"
)

// Visitor behaviour after the load event. The figures keep a quiet page's
// visit short (a few hundred milliseconds of scrolling) while giving
// scroll-into-view and first-interaction loaders what they wait for.
const (
	// scrollPause is the wait after each scroll step: IntersectionObserver
	// callbacks and lazy images run on the next frames.
	scrollPause = 120 * time.Millisecond
	// maxScrollSteps caps scrolling on pages that grow as they are
	// scrolled (infinite scroll); the visit is marked Capped.
	maxScrollSteps = 25
	// pendingPoll is how often the pending-timer probe is asked while the
	// network is quiet.
	pendingPoll = 100 * time.Millisecond
)

// waitLoad waits for the load event of the main frame, until ctx ends. It
// reports whether the page loaded.
func waitLoad(ctx context.Context, t *tab) bool {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		loaded, crashed, _ := t.rec.state(time.Now(), beaconGrace)
		if crashed {
			return false
		}
		if loaded {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-tick.C:
		}
	}
}

// dwell runs after the load event, until ctx (which ends at the end of the
// dwell) ends: it acts like a visitor unless opts.NoInteraction, then waits
// for the page to settle. It reports whether the page settled: network
// quiet for opts.Quiet, long-lived connections aside (recorder.state), at
// least opts.Quiet after the last visitor action, and no short timer or
// idle callback pending that would fire before the dwell ends.
func (s *Session) dwell(ctx context.Context, t *tab, v *crawler.Visit, opts Options) bool {
	deadline, _ := ctx.Deadline()
	acted := time.Now()
	var vis *visitor
	if !opts.NoInteraction {
		t.rec.watchNavigation(true)
		// Hold document responses while the visitor acts and the page
		// settles: a page the tab would navigate to is stopped before it
		// replaces this one (resumePaused).
		fetchOn := setFetch(ctx, t, true)
		vis = &visitor{t: t, in: &crawler.Interaction{Actions: []string{}}}
		v.Interaction = vis.in
		vis.act(ctx)
		acted = time.Now()
		defer func() {
			vis.in.Navigation = t.rec.watchNavigation(false)
			if vis.growing {
				// The page was still growing when the dwell ended.
				vis.in.Capped = true
			}
			vis.top()
			if fetchOn {
				setFetch(t.ctx, t, false)
			}
		}()
	}
	tick := time.NewTicker(pendingPoll / 2)
	defer tick.Stop()
	var lastProbe time.Time
	for {
		now := time.Now()
		_, crashed, quiet := t.rec.state(now, beaconGrace)
		if crashed {
			return false
		}
		quiet = min(quiet, now.Sub(acted))
		if quiet >= opts.Quiet && now.Sub(lastProbe) >= pendingPoll {
			lastProbe = now
			if left := pendingTimers(ctx, deadline.Sub(now)); left < 0 {
				// A page that grew at the bottom (an endless feed) is
				// scrolled on, up to the cap.
				if vis == nil || !vis.grew(ctx) {
					return true
				}
				vis.scroll(ctx)
				acted = time.Now()
			}
		}
		select {
		case <-ctx.Done():
			return false
		case <-tick.C:
		}
	}
}

// setFetch turns the holding of document requests on or off.
func setFetch(ctx context.Context, t *tab, on bool) bool {
	c, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var err error
	if on {
		_, err = chromedp.Call(c, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*", ResourceType: network.ResourceTypeDocument, RequestStage: fetch.RequestStageResponse}}})
	} else {
		_, err = chromedp.Call(c, fetch.Disable, cdp.Empty{})
	}
	return err == nil
}

// pendingTimers asks the page (inject.js) how many milliseconds until the
// last of its pending timers due within horizon fires: -1 when none is
// pending, or the page cannot answer.
func pendingTimers(ctx context.Context, horizon time.Duration) int {
	c, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	left, err := chromedp.Run(c, chromedp.Evaluate[int](fmt.Sprintf(
		`typeof window.__privscanPending === "function" ? window.__privscanPending(%d) : -1`, horizon.Milliseconds())))
	if err != nil {
		return -1
	}
	return left
}

// scrollState is what one scroll step reports.
type scrollState struct {
	Y      float64 `json:"y"`
	View   float64 `json:"view"`
	Height float64 `json:"height"`
}

// scrollStep scrolls the page down by most of a viewport (a visitor reading
// on) and reports where it is.
const scrollStep = `(() => {
  const el = document.scrollingElement || document.documentElement || document.body;
  window.scrollBy(0, Math.max(200, Math.floor(window.innerHeight * 0.8)));
  return JSON.stringify({y: window.scrollY, view: window.innerHeight, height: el ? el.scrollHeight : 0});
})()`

// visitor acts on one page like a visitor: it focuses the page, moves the
// mouse across it and scrolls it to the bottom in steps. It never clicks or
// types: nothing it does can submit a form or follow a link. A navigation
// the page starts in response ends the interaction.
type visitor struct {
	t       *tab
	in      *crawler.Interaction
	height  float64 // page height at the last scroll step
	stopped bool    // navigation, error or cap: no more scrolling
	growing bool    // the page grew after the bottom was reached
}

func (vs *visitor) call(ctx context.Context, f func(c context.Context) error) bool {
	c, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return f(c) == nil
}

func (vs *visitor) navigated() bool {
	select {
	case <-vs.t.rec.navigated:
		// The page tried to move on (resumePaused stopped it): the visit
		// keeps the page as the interaction found it.
		vs.stopped = true
		return true
	default:
		return false
	}
}

// act does the first round: focus, mouse moves, a wheel turn and the
// scroll to the bottom.
func (vs *visitor) act(ctx context.Context) {
	t, in := vs.t, vs.in
	if vs.call(ctx, func(c context.Context) error {
		_, err := chromedp.Call(c, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
		if err == nil {
			_, err = chromedp.Run(c, chromedp.Evaluate[bool](`window.focus(), window.dispatchEvent(new FocusEvent("focus")), true`))
		}
		return err
	}) {
		in.Actions = append(in.Actions, crawler.ActionFocus)
	}
	t.rec.setAction(crawler.ActionMouseMove)
	moved := false
	for i := range 3 {
		x, y := 200+float64(i)*240, 150+float64(i)*120
		if vs.call(ctx, func(c context.Context) error {
			_, err := chromedp.Call(c, input.DispatchMouseEvent, input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMouseMoved, X: x, Y: y})
			return err
		}) {
			moved = true
		}
	}
	if moved {
		in.Actions = append(in.Actions, crawler.ActionMouseMove)
	}
	if vs.navigated() || ctx.Err() != nil {
		return
	}
	t.rec.setAction(crawler.ActionScroll)
	// One real wheel turn first: some loaders listen for "wheel" rather
	// than "scroll". Then scroll by script, which is immediate and fires
	// the page's scroll events just the same.
	vs.call(ctx, func(c context.Context) error {
		_, err := chromedp.Call(c, input.DispatchMouseEvent, input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMouseWheel, X: 400, Y: 300, DeltaY: 120})
		return err
	})
	in.Actions = append(in.Actions, crawler.ActionScroll)
	vs.scroll(ctx)
}

// scroll scrolls down in steps until the bottom, the cap, a navigation or
// the end of ctx.
func (vs *visitor) scroll(ctx context.Context) {
	in := vs.in
	for !vs.stopped {
		if in.ScrollSteps >= maxScrollSteps {
			in.Capped, vs.stopped = true, true
			return
		}
		var st scrollState
		ok := vs.call(ctx, func(c context.Context) error {
			raw, err := chromedp.Run(c, chromedp.Evaluate[string](scrollStep))
			if err != nil {
				return err
			}
			return json.Unmarshal([]byte(raw), &st)
		})
		if !ok {
			vs.stopped = true
			return
		}
		in.ScrollSteps++
		vs.height = st.Height
		if st.Y+st.View >= st.Height-2 {
			// At the bottom: the wait for quiet that follows gives
			// observers and lazy loads their frames.
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(scrollPause):
		}
		if vs.navigated() {
			return
		}
	}
}

// grew reports whether the page got taller since the last scroll step
// (more content was appended at the bottom) and may be scrolled on.
func (vs *visitor) grew(ctx context.Context) bool {
	if vs.stopped {
		return false
	}
	var h float64
	ok := vs.call(ctx, func(c context.Context) error {
		var err error
		h, err = chromedp.Run(c, chromedp.Evaluate[float64](`(document.scrollingElement || document.documentElement).scrollHeight`))
		return err
	})
	vs.growing = ok && h > vs.height+2
	return vs.growing
}

// top scrolls back to the top, where a screenshot shows what a visitor
// first sees.
func (vs *visitor) top() {
	c, cancel := context.WithTimeout(vs.t.ctx, 2*time.Second)
	defer cancel()
	_, _ = chromedp.Run(c, chromedp.Evaluate[bool](`window.scrollTo(0, 0), true`))
}
