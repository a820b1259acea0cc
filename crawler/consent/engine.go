package consent

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/privscan/privscan/crawler/consent/autoconsent"
)

// Engines that operate a banner.
const (
	// EngineAutoconsent is DuckDuckGo's autoconsent rule set.
	EngineAutoconsent = "autoconsent"
	// EngineBuiltin is privscan's own selectors (rules.json) and labels.
	EngineBuiltin = "builtin"
)

// MethodRule is a choice made by an autoconsent rule.
const MethodRule Method = "rule"

// acBinding is the function the content script sends its messages through
// (the package's documented interface).
const acBinding = "autoconsentSendMessage"

// The defaults of Options.Wait and Options.RuleTimeout. A rule's opt-out
// can wait for elements and layers of its own, so it gets longer than one
// of our clicks.
const (
	DefaultWait        = 6 * time.Second
	DefaultRuleTimeout = 20 * time.Second
)

// The autoconsent waits.
const (
	acSelfTestTimeout = 6 * time.Second
	// acPopupGrace extends the detection wait once a platform is
	// detected: the content script checks for its popup for up to 5 s.
	acPopupGrace = 5 * time.Second
	// acAfterNavigation is how long a new document gets to show the
	// banner again after a rule's click navigated.
	acAfterNavigation = 4 * time.Second
)

// acWorld is the isolated world the content script runs in, in every
// frame: the page's scripts can neither see the binding nor forge the
// script's messages (a forged "self-test passed" would be a false
// record). The platform API snippets it needs evaluated in the page's own
// world come to privscan as eval messages.
const acWorld = "privscan-autoconsent"

// acConfig is the content script's configuration. Cosmetic rules (hiding a
// banner with CSS) are off: hiding is not a choice, and a journey must
// record a choice the site stored. Prehiding is off so that the page is
// recorded as the visitor sees it.
const acConfig = `{"enabled":true,"autoAction":null,"disabledCmps":[],"enablePrehide":false,"enableCosmeticRules":false,` +
	`"enableGeneratedRules":true,"detectRetries":20,"isMainWorld":false,"prehideTimeout":2000,"enableHeuristicDetection":false,` +
	`"enablePopupMutationObserver":false,"visualTest":false,"heuristicMode":"off",` +
	`"logs":{"lifecycle":false,"rulesteps":false,"detectionsteps":false,"evals":false,"errors":false,"messages":false,"waits":false}}`

// acBootstrap wraps the content script: the CDP binding takes one string,
// so messages are sent as JSON, with whether they come from the top frame.
// It runs once per document.
func acBootstrap(script string) string {
	return `(function () {
  if (window.__privscanAutoconsent || typeof window.` + acBinding + ` !== "function") return;
  window.__privscanAutoconsent = true;
  var send = window.` + acBinding + `;
  var top = false;
  try { top = window === window.top; } catch (e) {}
  window.` + acBinding + ` = function (m) {
    try { send(JSON.stringify({top: top, url: String(location.href), msg: m})); } catch (e) {}
    return Promise.resolve();
  };
` + script + `
})();`
}

// acMessage is one message of the content script.
type acMessage struct {
	ctx runtime.ExecutionContextID
	Top bool   `json:"top"`
	URL string `json:"url"`
	Msg struct {
		Type             string          `json:"type"`
		CMP              string          `json:"cmp"`
		Result           bool            `json:"result"`
		ScheduleSelfTest bool            `json:"scheduleSelfTest"`
		Duration         float64         `json:"duration"`
		TotalClicks      int             `json:"totalClicks"`
		ID               string          `json:"id"`
		Code             string          `json:"code"`
		Details          json.RawMessage `json:"details"`
		MainFrame        bool            `json:"mainFrame"`
		State            struct {
			Lifecycle string `json:"lifecycle"`
		} `json:"state"`
	} `json:"msg"`
}

// acOutcome is what the rule set did.
type acOutcome struct {
	// Rule is the autoconsent rule that answered the popup ("" when none
	// found one).
	Rule string
	// Done is true when the rule made the choice.
	Done bool
	// SelfTest is the rule's self-test verdict; nil when it has none or
	// it did not answer.
	SelfTest *bool
	// Clicks is how many clicks the rule made.
	Clicks int
	// Frame is the URL of the frame whose rule answered, when not the top.
	Frame string
	// Navigated is true when the rule's click loaded a new document.
	Navigated bool
	// Fallback says why the built-in engine has to take over.
	Fallback string
	// TimedOut is true when the rule was sent the choice and did not
	// finish within its budget.
	TimedOut bool
	Steps    []string
}

// acDriver hosts the content script in a tab and answers its messages.
type acDriver struct {
	ctx    context.Context
	b      *autoconsent.Bundle
	choice Choice
	msgs   chan acMessage
	// onPopup runs once, when the first popup is found, before the
	// choice is sent (the journey looks at the first layer then).
	onPopup func()
	// bannerShown reports whether the built-in engine sees a banner: when
	// it does and no rule detected a platform within acNoRule, no rule
	// will (the content script checks a loaded page at once).
	bannerShown func() bool
	// budget is how long the rule may take once sent the choice.
	budget time.Duration
}

// acNoRule is how long a banner the built-in engine sees may go without
// any autoconsent rule detecting a platform before the fallback takes
// over.
const acNoRule = 2500 * time.Millisecond

// runAutoconsent injects the content script into every frame of the tab
// (and of documents loaded while it runs), lets it find the banner and,
// when it does, sends it the choice and its self-test. It removes the
// script and binding before returning.
func runAutoconsent(ctx context.Context, b *autoconsent.Bundle, choice Choice, wait, budget time.Duration, onPopup func(), bannerShown func() bool) acOutcome {
	ectx, stop := context.WithCancel(ctx)
	defer stop()
	d := &acDriver{ctx: ctx, b: b, choice: choice, msgs: make(chan acMessage, 256), onPopup: onPopup, bannerShown: bannerShown, budget: budget}
	events := chromedp.Events(ectx, runtime.BindingCalled)
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			if ev.Name != acBinding {
				continue
			}
			var m acMessage
			if json.Unmarshal([]byte(ev.Payload), &m) != nil {
				continue
			}
			m.ctx = ev.ExecutionContextID
			select {
			case d.msgs <- m:
			case <-ectx.Done():
				return
			}
		}
	}()
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := chromedp.Call(cctx, runtime.AddBinding, runtime.AddBindingParams{Name: acBinding, ExecutionContextName: acWorld}); err != nil {
		return acOutcome{Fallback: "autoconsent could not be installed in the page: " + err.Error()}
	}
	yes := true
	added, err := chromedp.Call(cctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: acBootstrap(b.Script), WorldName: acWorld, RunImmediately: &yes})
	defer func() {
		c, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if added.Identifier != "" {
			_, _ = chromedp.Call(c, page.RemoveScriptToEvaluateOnNewDocument, page.RemoveScriptToEvaluateOnNewDocumentParams{Identifier: added.Identifier})
		}
		_, _ = chromedp.Call(c, runtime.RemoveBinding, runtime.RemoveBindingParams{Name: acBinding})
	}()
	if err != nil {
		return acOutcome{Fallback: "autoconsent could not be installed in the page: " + err.Error()}
	}
	return d.run(wait)
}

// send evaluates a message for the content script in the frame it came
// from.
func (d *acDriver) send(ctx runtime.ExecutionContextID, msg string) error {
	c, cancel := context.WithTimeout(d.ctx, 10*time.Second)
	defer cancel()
	res, err := chromedp.Call(c, runtime.Evaluate, runtime.EvaluateParams{
		Expression: "window.autoconsentReceiveMessage && void window.autoconsentReceiveMessage(" + msg + ")", ContextID: ctx})
	if err == nil && res.ExceptionDetails != nil {
		err = fmt.Errorf("%s", res.ExceptionDetails.Text)
	}
	return err
}

// eval runs a platform API snippet of the content script in the page's
// own world of the same frame (found through the frame's document node)
// and answers with its truth value; a snippet that throws answers false.
func (d *acDriver) eval(m acMessage) {
	c, cancel := context.WithTimeout(d.ctx, 10*time.Second)
	defer cancel()
	result := false
	if obj, err := d.mainWorldDocument(c, m.ctx); err == nil {
		yes := true
		res, err := chromedp.Call(c, runtime.CallFunctionOn, runtime.CallFunctionOnParams{
			FunctionDeclaration: "function () { return !!(" + m.Msg.Code + "); }", ObjectID: obj, ReturnByValue: &yes, AwaitPromise: &yes})
		_, _ = chromedp.Call(c, runtime.ReleaseObject, runtime.ReleaseObjectParams{ObjectID: obj})
		if err == nil && res.ExceptionDetails == nil && res.Result != nil {
			_ = json.Unmarshal(res.Result.Value, &result)
		}
	}
	id, _ := json.Marshal(m.Msg.ID)
	_ = d.send(m.ctx, `{"type":"evalResp","id":`+string(id)+`,"result":`+fmt.Sprint(result)+`}`)
}

// mainWorldDocument returns the page-world handle of the document of the
// frame whose isolated world is ctx.
func (d *acDriver) mainWorldDocument(c context.Context, ctx runtime.ExecutionContextID) (runtime.RemoteObjectID, error) {
	res, err := chromedp.Call(c, runtime.Evaluate, runtime.EvaluateParams{Expression: "document", ContextID: ctx})
	if err != nil {
		return "", err
	}
	if res.Result == nil || res.Result.ObjectID == "" {
		return "", fmt.Errorf("no document")
	}
	defer func() {
		_, _ = chromedp.Call(c, runtime.ReleaseObject, runtime.ReleaseObjectParams{ObjectID: res.Result.ObjectID})
	}()
	n, err := chromedp.Call(c, dom.DescribeNode, dom.DescribeNodeParams{ObjectID: res.Result.ObjectID})
	if err != nil {
		return "", err
	}
	if n.Node == nil {
		return "", fmt.Errorf("no document node")
	}
	r, err := chromedp.Call(c, dom.ResolveNode, dom.ResolveNodeParams{BackendNodeID: n.Node.BackendNodeID})
	if err != nil {
		return "", err
	}
	if r.Object == nil {
		return "", fmt.Errorf("document not resolved")
	}
	return r.Object.ObjectID, nil
}

func (d *acDriver) initResp(m acMessage) {
	var rules string
	if d.choice == Accept {
		// Opt-in steps exist only in the full rules.
		rules = `{"autoconsent":` + string(d.b.FullFor(m.URL, m.Top)) + `}`
	} else {
		rules = `{"compact":` + string(d.b.Compact.For(m.URL, m.Top)) + `}`
	}
	_ = d.send(m.ctx, `{"type":"initResp","config":`+acConfig+`,"rules":`+rules+`}`)
}

func where(m acMessage) string {
	if m.Top {
		return "top frame"
	}
	return "frame " + m.URL
}

// run is the message loop: detection, the choice, the self-test.
func (d *acDriver) run(wait time.Duration) acOutcome {
	var out acOutcome
	action := "optOut"
	if d.choice == Accept {
		action = "optIn"
	}
	start := time.Now()
	deadline := start.Add(wait)
	detected := map[string]bool{}
	var (
		acting     bool // the choice was sent
		actedIn    = map[runtime.ExecutionContextID]bool{}
		selfTestIn runtime.ExecutionContextID // the frame whose result asked for a self-test
		doneAt     time.Time                  // when autoconsentDone arrived
		navAt      time.Time                  // when a new top document announced itself while acting
	)
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	reset := func(t time.Time) {
		deadline = t
		timer.Reset(time.Until(t))
	}
	for {
		select {
		case <-d.ctx.Done():
			out.Fallback = "interrupted while autoconsent ran: " + d.ctx.Err().Error()
			return out
		case <-tick.C:
			if !acting && len(detected) == 0 && time.Since(start) >= acNoRule && d.bannerShown != nil && d.bannerShown() {
				out.Fallback = "no autoconsent rule matched the banner"
				return out
			}
		case <-timer.C:
			switch {
			case !doneAt.IsZero():
				out.Steps = append(out.Steps, "the self-test did not answer in time")
				return out
			case !navAt.IsZero():
				// The click navigated and the new document did not show
				// the banner again.
				out.Done, out.Navigated = true, true
				out.Steps = append(out.Steps, "the rule's click loaded a new page, which did not show the banner again")
				return out
			case acting:
				out.Fallback = fmt.Sprintf("autoconsent rule %s timed out after %s", out.Rule, d.budget)
				out.TimedOut = true
				return out
			case len(detected) > 0:
				out.Fallback = fmt.Sprintf("autoconsent detected %s but found no open popup", strings.Join(keys(detected), ", "))
			case d.bannerShown != nil && !d.bannerShown():
				out.Fallback = "autoconsent found no banner"
			default:
				out.Fallback = "no autoconsent rule matched the banner"
			}
			return out
		case m := <-d.msgs:
			switch m.Msg.Type {
			case "init":
				if acting && m.Top && out.Rule != "" && !out.Done {
					// A new top document while the rule ran: its click
					// navigated. Wait a little for the banner to return.
					navAt = time.Now()
					reset(navAt.Add(acAfterNavigation))
				}
				d.initResp(m)
			case "report":
				if m.Top && m.Msg.State.Lifecycle == "nothingDetected" && !acting {
					if len(detected) == 0 {
						// Frames may still detect a platform (an iframe
						// banner loads late): give them a short while.
						if t := time.Now().Add(time.Second); t.Before(deadline) {
							reset(t)
						}
					}
				}
			case "cmpDetected":
				if !detected[m.Msg.CMP] {
					detected[m.Msg.CMP] = true
					out.Steps = append(out.Steps, fmt.Sprintf("autoconsent detected %s (%s)", m.Msg.CMP, where(m)))
					if !acting {
						reset(maxTime(deadline, time.Now().Add(acPopupGrace)))
					}
				}
			case "popupFound":
				if !navAt.IsZero() {
					// The banner is back on the page the click loaded.
					out.Fallback = fmt.Sprintf("autoconsent rule %s: the banner showed again on the page its click loaded", out.Rule)
					return out
				}
				if out.Done || actedIn[m.ctx] {
					continue
				}
				out.Steps = append(out.Steps, fmt.Sprintf("autoconsent found the %s popup (%s)", m.Msg.CMP, where(m)))
				if out.Rule == "" {
					out.Rule = m.Msg.CMP
					if d.onPopup != nil {
						d.onPopup()
					}
				}
				actedIn[m.ctx] = true
				if err := d.send(m.ctx, `{"type":"`+action+`"}`); err != nil {
					out.Steps = append(out.Steps, "could not send "+action+": "+err.Error())
					continue
				}
				if !acting {
					acting = true
					reset(time.Now().Add(d.budget))
				}
			case "optOutResult", "optInResult":
				verb := "opt-out"
				if m.Msg.Type == "optInResult" {
					verb = "opt-in"
				}
				if !m.Msg.Result {
					out.Fallback = fmt.Sprintf("autoconsent rule %s reported that its %s failed", m.Msg.CMP, verb)
					out.Steps = append(out.Steps, out.Fallback)
					return out
				}
				out.Steps = append(out.Steps, fmt.Sprintf("%s by rule %s succeeded (%s)", verb, m.Msg.CMP, where(m)))
				if m.Msg.ScheduleSelfTest {
					selfTestIn = m.ctx
				}
			case "autoconsentDone":
				out.Done, out.Rule, out.Clicks = true, m.Msg.CMP, m.Msg.TotalClicks
				if !m.Top {
					out.Frame = m.URL
				}
				navAt = time.Time{}
				if selfTestIn == 0 {
					out.Steps = append(out.Steps, "the rule has no self-test")
					return out
				}
				doneAt = time.Now()
				if err := d.send(selfTestIn, `{"type":"selfTest"}`); err != nil {
					out.Steps = append(out.Steps, "the self-test could not run: "+err.Error())
					return out
				}
				reset(doneAt.Add(acSelfTestTimeout))
			case "selfTestResult":
				if doneAt.IsZero() {
					continue
				}
				ok := m.Msg.Result
				out.SelfTest = &ok
				verdict := "confirmed the choice"
				if !ok {
					verdict = "could not confirm the choice"
				}
				out.Steps = append(out.Steps, fmt.Sprintf("the %s self-test %s", m.Msg.CMP, verdict))
				return out
			case "eval":
				d.eval(m)
			case "autoconsentError":
				out.Steps = append(out.Steps, "autoconsent error: "+truncate(string(m.Msg.Details), 200))
			}
		}
	}
}

// acUnhide removes the style element autoconsent's rules hide page
// elements with from the top document.
const acUnhide = `(function () {
  var n = 0;
  [].forEach.call(document.querySelectorAll('style#autoconsent-css-rules'), function (s) { s.remove(); n++; });
  return n > 0;
})()`

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// autoconsent lets the rule set answer the banner. It returns true when a
// rule made the choice; otherwise j.Fallback says why and the built-in
// engine goes on.
func (p *pager) autoconsent(j *Journey, rs []Rule, choice Choice, opts Options) bool {
	firstLayer := func() {
		if choice != Reject {
			return
		}
		rof := p.rejectOnFirstLayer(rs)
		j.RejectOnFirstLayer = rof
	}
	shown := func() bool { ok, err := p.anyBannerShown(rs); return err == nil && ok }
	out := runAutoconsent(p.ctx, opts.Autoconsent, choice, opts.Wait, opts.RuleTimeout, firstLayer, shown)
	j.Steps = append(j.Steps, out.Steps...)
	if out.TimedOut {
		// A rule that gave up may have left the CSS it hides layers with
		// (its own style element): the built-in engine must see what the
		// visitor sees.
		c, cancel := context.WithTimeout(p.ctx, 5*time.Second)
		if hid, err := chromedp.Run(c, chromedp.Evaluate[bool](acUnhide)); err == nil && hid {
			j.Steps = append(j.Steps, "removed the hiding CSS the timed-out rule left in the page")
		}
		cancel()
	}
	if !out.Done {
		j.Fallback = out.Fallback
		j.RejectOnFirstLayer = nil
		j.Steps = append(j.Steps, "fell back to the built-in selectors and labels: "+out.Fallback)
		return false
	}
	if !out.Navigated && !p.closedWithin(3*time.Second, func() (bool, error) { return p.anyBannerShown(rs) }) {
		// The rule says it is done, yet a banner is still in front of
		// the visitor: the choice may not have been made.
		j.Fallback = fmt.Sprintf("autoconsent rule %s reported success but the banner stayed visible", out.Rule)
		j.RejectOnFirstLayer = nil
		j.Steps = append(j.Steps, "fell back to the built-in selectors and labels: "+j.Fallback)
		return false
	}
	j.Engine, j.Method, j.Rule, j.RuleFrame, j.SelfTest = EngineAutoconsent, MethodRule, out.Rule, out.Frame, out.SelfTest
	j.CMP = cmpSlug(out.Rule)
	j.Clicked = fmt.Sprintf("autoconsent rule %s (%d click(s))", out.Rule, out.Clicks)
	j.BannerClosed = true
	return true
}

// rejectOnFirstLayer reports whether the banner now shown offers a reject
// control, by the built-in rules' selectors or the controls' labels; nil
// when the built-in engine sees no banner (e.g. one inside an iframe).
func (p *pager) rejectOnFirstLayer(rs []Rule) *bool {
	args := make([]detectArg, len(rs))
	for i, r := range rs {
		args[i] = detectArg{Slug: r.Slug, Detect: r.Detect, Globals: r.Globals, Banner: r.Banner}
	}
	var found []detected
	if err := p.run("detect", args, &found); err == nil {
		for _, d := range found {
			if !d.Shown {
				continue
			}
			for i := range rs {
				if rs[i].Slug == d.Slug {
					ok := p.find(rs[i].Reject, AcceptAll, Settings, Save) != nil
					return &ok
				}
			}
		}
	}
	bs, err := p.banners()
	if err != nil {
		return nil
	}
	seen := false
	for _, b := range bs {
		if !b.relevant() {
			continue
		}
		seen = true
		for _, c := range b.Controls {
			if Classify(c) == RejectAll {
				ok := true
				return &ok
			}
		}
	}
	if !seen {
		return nil
	}
	ok := false
	return &ok
}

// anyBannerShown reports whether a known platform's banner or a banner
// the heuristic recognises is visible in the top document.
func (p *pager) anyBannerShown(rs []Rule) (bool, error) {
	args := make([]detectArg, len(rs))
	for i, r := range rs {
		args[i] = detectArg{Slug: r.Slug, Detect: r.Detect, Globals: r.Globals, Banner: r.Banner}
	}
	var found []detected
	if err := p.run("detect", args, &found); err != nil {
		return false, err
	}
	if slices.ContainsFunc(found, func(d detected) bool { return d.Shown }) {
		return true, nil
	}
	bs, err := p.banners()
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(bs, banner.relevant), nil
}

// cmpSlug names the platform of an autoconsent rule with the built-in
// rules' slugs where they cover it, else the rule's own name in lower
// case.
func cmpSlug(rule string) string {
	r := strings.ToLower(rule)
	for _, m := range []struct{ prefix, slug string }{
		{"onetrust", "onetrust"}, {"cybotcookiebot", "cookiebot"}, {"cookiebot", "cookiebot"},
		{"didomi", "didomi"}, {"usercentrics", "usercentrics"}, {"cookieyes", "cookieyes"},
		{"complianz", "complianz"}, {"trustarc", "trustarc"}, {"quantcast", "quantcast"},
		{"borlabs", "borlabs"}, {"hubspot", "hubspot"}, {"sourcepoint", "sourcepoint"},
		{"iubenda", "iubenda"}, {"consentmanager", "consentmanager"}, {"klaro", "klaro"},
		{"osano", "osano"},
	} {
		if strings.HasPrefix(r, m.prefix) {
			return m.slug
		}
	}
	return r
}
