// Package consent operates consent banners in a live page: it finds the
// banner of a known consent-management platform (CMP) or, failing that, a
// visible dialog that talks about cookies, and clicks its own "reject all"
// or "accept all" control — opening the second layer ("Settings", "Manage
// options") when the first has no reject option — or calls the platform's
// documented JavaScript API. It records what it did as a Journey.
//
// The CMP rules are data (rules.json, embedded): for each platform the
// selectors that detect it and show its first layer, its first- and
// second-layer controls, and its API calls. Rule selectors are tried
// first, as a visitor would click; the API is the fallback. Unknown banners
// get the heuristic: visible fixed, sticky or dialog elements whose text
// is about cookies or consent, and a control whose label Classify reads as
// reject / accept / settings / save in en, de, nl, da, fr, es, it, sv, no
// or pl. Links to other pages ("Privacy policy", "Learn more") are never
// clicked.
//
// Operate runs on a chromedp tab context, e.g. the one
// browser.Session.VisitAndInteract hands its callback.
package consent

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/privscan/privscan/crawler/consent/autoconsent"
)

// Choice is the answer given to a banner.
type Choice string

// The two answers.
const (
	Reject Choice = "reject"
	Accept Choice = "accept"
)

// Method is how the banner was operated.
type Method string

// The methods, in the order they are tried.
const (
	// MethodSelector clicked a control found by the CMP's rule selectors.
	MethodSelector Method = "selector"
	// MethodAPI called the CMP's documented JavaScript API.
	MethodAPI Method = "api"
	// MethodHeuristic clicked a control of an unknown banner by its label.
	MethodHeuristic Method = "heuristic"
)

// Journey records one banner operation.
type Journey struct {
	Choice Choice `json:"choice"`
	// CMP is the rule's slug (e.g. "onetrust"); empty for a banner of no
	// known platform.
	CMP    string `json:"cmp,omitempty"`
	Method Method `json:"method,omitempty"`
	// Clicked is the label of the control clicked last (or the API call).
	Clicked string `json:"clicked,omitempty"`
	// SecondLayer is true when a settings layer had to be opened first.
	SecondLayer bool `json:"second_layer"`
	// RejectOnFirstLayer says whether the banner's first layer offered a
	// reject control; nil when not checked (accept journeys, or no banner
	// shown).
	RejectOnFirstLayer *bool `json:"reject_on_first_layer,omitempty"`
	// BannerClosed is true when the banner was no longer visible after
	// the click.
	BannerClosed bool `json:"banner_closed"`
	// Steps describe each action, for the report.
	Steps []string `json:"steps,omitempty"`
	// Error says why the banner could not be operated; empty on success.
	Error string `json:"error,omitempty"`
	// Engine is what operated the banner: EngineAutoconsent (a rule of
	// DuckDuckGo's autoconsent) or EngineBuiltin (privscan's own selectors
	// and labels).
	Engine string `json:"engine"`
	// Rule is the autoconsent rule that handled the banner ("Onetrust",
	// "Sourcepoint-frame"); empty for the built-in engine.
	Rule string `json:"rule,omitempty"`
	// RuleFrame is the URL of the frame the rule worked in, when the
	// banner was in an iframe.
	RuleFrame string `json:"rule_frame,omitempty"`
	// SelfTest is the rule's self-test verdict (did the site store the
	// choice?); nil when the rule has no self-test or did not run.
	SelfTest *bool `json:"self_test"`
	// Fallback says why the built-in engine operated the banner instead
	// of autoconsent (not installed, no rule matched, the rule failed or
	// timed out); empty when autoconsent handled it.
	Fallback string `json:"fallback,omitempty"`
	// DurationMS is how long the journey took in milliseconds, from
	// looking for the banner to the choice (or giving up).
	DurationMS int64 `json:"duration_ms"`
}

// Done reports whether the choice was made.
func (j Journey) Done() bool { return j.Error == "" && j.Method != "" }

// API is a documented JavaScript call, made only when Guard is true.
type API struct {
	Guard string `json:"guard"`
	Call  string `json:"call"`
}

// Rule says how to operate one CMP.
type Rule struct {
	Slug         string          `json:"slug"`
	Name         string          `json:"name"`
	Detect       []string        `json:"detect"`
	Globals      []string        `json:"globals"`
	Banner       []string        `json:"banner"`
	Reject       []string        `json:"reject"`
	Accept       []string        `json:"accept"`
	Settings     []string        `json:"settings"`
	RejectSecond []string        `json:"reject_second"`
	Save         []string        `json:"save"`
	API          map[Choice]*API `json:"api,omitempty"`
}

//go:embed rules.json
var rulesJSON []byte

//go:embed page.js
var pageJS string

var (
	rulesOnce sync.Once
	rules     []Rule
	rulesErr  error
)

// Rules returns the embedded CMP rules.
func Rules() ([]Rule, error) {
	rulesOnce.Do(func() {
		var doc struct {
			Rules []Rule `json:"rules"`
		}
		if err := json.Unmarshal(rulesJSON, &doc); err != nil {
			rulesErr = fmt.Errorf("consent rules: %w", err)
			return
		}
		for i := range doc.Rules {
			r := &doc.Rules[i]
			for _, l := range []*[]string{&r.Detect, &r.Globals, &r.Banner, &r.Reject, &r.Accept, &r.Settings, &r.RejectSecond, &r.Save} {
				if *l == nil {
					*l = []string{}
				}
			}
		}
		rules = doc.Rules
	})
	return rules, rulesErr
}

// Options tune Operate.
type Options struct {
	// Hint is the CMP slug the scan detected, tried first.
	Hint string
	// Wait is how long to wait for a banner to appear (DefaultWait).
	Wait time.Duration
	// SecondLayerWait is how long to wait for a second layer to open
	// (default 4 s).
	SecondLayerWait time.Duration
	// Autoconsent is the rule set tried first; nil uses the built-in
	// engine alone, and NoAutoconsent says why (for the journey record).
	Autoconsent   *autoconsent.Bundle
	NoAutoconsent string
	// RuleTimeout is the time budget of an autoconsent rule once it was
	// sent the choice (DefaultRuleTimeout): a rule that has not finished
	// by then falls back to the built-in engine, and the journey says so.
	RuleTimeout time.Duration
}

// Operate finds the page's consent banner and answers it with choice. ctx
// must be a chromedp tab context. It never returns an unsuccessful journey
// silently: Error says what went wrong.
func Operate(ctx context.Context, choice Choice, opts Options) (j Journey) {
	start := time.Now()
	defer func() { j.DurationMS = time.Since(start).Milliseconds() }()
	if opts.Wait <= 0 {
		opts.Wait = DefaultWait
	}
	if opts.SecondLayerWait <= 0 {
		opts.SecondLayerWait = 4 * time.Second
	}
	if opts.RuleTimeout <= 0 {
		opts.RuleTimeout = DefaultRuleTimeout
	}
	j = Journey{Choice: choice, Engine: EngineBuiltin}
	rs, err := Rules()
	if err != nil {
		j.Error = err.Error()
		return j
	}
	p := &pager{ctx: ctx}
	if opts.Autoconsent == nil {
		j.Fallback = "autoconsent is not available"
		if opts.NoAutoconsent != "" {
			j.Fallback += ": " + opts.NoAutoconsent
		}
	} else if p.autoconsent(&j, rs, choice, opts) {
		return j
	} else {
		// The built-in engine gets what is left of the banner wait:
		// the rule set already watched the page that long.
		opts.Wait = max(opts.Wait-time.Since(start), 500*time.Millisecond)
	}
	rule, shown, banners, fp, err := p.waitForBanner(rs, opts)
	if err != nil {
		j.Error = err.Error()
		return j
	}
	if rule != nil {
		j.CMP = rule.Slug
		if p.operateRule(&j, rule, shown, choice, opts) {
			return j
		}
		if !shown {
			j.Error = fmt.Sprintf("%s is on the page but its banner is not shown and its API is not available", rule.Name)
			return j
		}
		banners, _ = p.banners()
		fp = p
	}
	fp.heuristic(&j, banners, choice, opts)
	return j
}

// pager runs page.js commands on a tab: in the top document, or (world
// set) in an isolated world of one of its frames. Frames of other sites
// are in the tab too, as the browser runs without site isolation.
type pager struct {
	ctx context.Context
	// world is the frame's isolated world; 0 for the top document.
	world    runtime.ExecutionContextID
	frameURL string
	// worlds caches the isolated worlds made in the frames (top pager).
	worlds map[cdp.FrameID]*pager
}

// frameWorld is the isolated world privscan runs page.js in, in frames:
// the page's own scripts cannot see or change it.
const frameWorld = "privscan-consent"

// maxFrames caps the frames searched for a banner.
const maxFrames = 20

// frames returns a pager for each frame of the tab below the top (at most
// maxFrames), making their isolated worlds on first use.
func (p *pager) frames() []*pager {
	c, cancel := context.WithTimeout(p.ctx, 5*time.Second)
	defer cancel()
	tree, err := chromedp.Call(c, page.GetFrameTree, cdp.Empty{})
	if err != nil || tree.FrameTree == nil {
		return nil
	}
	if p.worlds == nil {
		p.worlds = map[cdp.FrameID]*pager{}
	}
	var out []*pager
	var walk func(ts []*page.FrameTree)
	walk = func(ts []*page.FrameTree) {
		for _, t := range ts {
			if len(out) >= maxFrames || t == nil || t.Frame == nil {
				return
			}
			fp := p.worlds[t.Frame.ID]
			if fp == nil || fp.frameURL != t.Frame.URL {
				w, err := chromedp.Call(c, page.CreateIsolatedWorld, page.CreateIsolatedWorldParams{FrameID: t.Frame.ID, WorldName: frameWorld})
				if err != nil {
					continue
				}
				fp = &pager{ctx: p.ctx, world: w.ExecutionContextID, frameURL: t.Frame.URL}
				p.worlds[t.Frame.ID] = fp
			}
			out = append(out, fp)
			walk(t.ChildFrames)
		}
	}
	walk(tree.FrameTree.ChildFrames)
	return out
}

// evalInFrame evaluates expr in the frame's isolated world.
func (p *pager) evalInFrame(c context.Context, expr string) (string, error) {
	byValue := true
	var raw string
	res, err := chromedp.Call(c, runtime.Evaluate, runtime.EvaluateParams{Expression: expr, ContextID: p.world, ReturnByValue: &byValue})
	if err == nil && res.ExceptionDetails != nil {
		err = errors.New(res.ExceptionDetails.Text)
	}
	if err == nil && (res.Result == nil || json.Unmarshal(res.Result.Value, &raw) != nil) {
		err = errors.New("page.js returned no text")
	}
	return raw, err
}

// contextGone reports whether err says the evaluation's context went away
// (its frame was removed or navigated).
func contextGone(err error) bool {
	m := err.Error()
	return strings.Contains(m, "Cannot find context") || strings.Contains(m, "context was destroyed") || strings.Contains(m, "No frame")
}

// where names the document the pager works in, for the journey's steps.
func (p *pager) where(layer string) string {
	if p.world == 0 {
		return layer
	}
	return layer + " in the frame " + p.frameURL
}

func (p *pager) run(cmd string, arg any, out any) error {
	a, err := json.Marshal(arg)
	if err != nil {
		return err
	}
	c, cancel := context.WithTimeout(p.ctx, 5*time.Second)
	defer cancel()
	expr := pageJS + "(" + jsString(cmd) + ", " + string(a) + ")"
	var raw string
	if p.world == 0 {
		raw, err = chromedp.Run(c, chromedp.Evaluate[string](expr))
	} else {
		raw, err = p.evalInFrame(c, expr)
	}
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal([]byte(raw), out)
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func (p *pager) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-p.ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

type detected struct {
	Slug  string `json:"slug"`
	Shown bool   `json:"shown"`
}

type detectArg struct {
	Slug    string   `json:"slug"`
	Detect  []string `json:"detect"`
	Globals []string `json:"globals"`
	Banner  []string `json:"banner"`
}

// banner is a candidate banner of the heuristic.
type banner struct {
	ID       int       `json:"id"`
	Text     string    `json:"text"`
	Controls []Control `json:"controls"`
}

// relevant reports whether a candidate looks like a consent banner: it
// talks about cookies or consent and has a consent control.
func (b banner) relevant() bool {
	if !IsBannerText(b.Text) {
		return false
	}
	return slices.ContainsFunc(b.Controls, func(c Control) bool {
		k := Classify(c)
		return k == RejectAll || k == AcceptAll || k == Settings
	})
}

// waitForBanner polls until a CMP banner or a heuristic banner is visible,
// or opts.Wait passed. Without a visible banner, a CMP that is present
// (its API may still work) is returned with shown false.
func (p *pager) waitForBanner(rs []Rule, opts Options) (*Rule, bool, []banner, *pager, error) {
	args := make([]detectArg, len(rs))
	for i, r := range rs {
		args[i] = detectArg{Slug: r.Slug, Detect: r.Detect, Globals: r.Globals, Banner: r.Banner}
	}
	byslug := func(slug string) *Rule {
		for i := range rs {
			if rs[i].Slug == slug {
				return &rs[i]
			}
		}
		return nil
	}
	deadline := time.Now().Add(opts.Wait)
	var present []detected
	var lastErr error
	for {
		var found []detected
		if err := p.run("detect", args, &found); err != nil {
			lastErr = err
		} else {
			present = found
			slices.SortStableFunc(found, func(a, b detected) int {
				// The hinted CMP first, then shown before present.
				return rank(a, opts.Hint) - rank(b, opts.Hint)
			})
			if len(found) > 0 && found[0].Shown {
				return byslug(found[0].Slug), true, nil, p, nil
			}
			bs, err := p.banners()
			if err == nil && slices.ContainsFunc(bs, banner.relevant) {
				return nil, false, bs, p, nil
			}
			// A banner inside an iframe (Sourcepoint, TrustArc): the
			// frame's own document is searched.
			if len(found) == 0 || !found[0].Shown {
				for _, fp := range p.frames() {
					if bs, err := fp.banners(); err == nil && slices.ContainsFunc(bs, banner.relevant) {
						return nil, false, bs, fp, nil
					}
				}
			}
		}
		if time.Now().After(deadline) || !p.sleep(300*time.Millisecond) {
			break
		}
	}
	if p.ctx.Err() != nil {
		return nil, false, nil, p, fmt.Errorf("interrupted while waiting for the banner: %w", p.ctx.Err())
	}
	if len(present) > 0 {
		return byslug(present[0].Slug), false, nil, p, nil
	}
	if lastErr != nil {
		return nil, false, nil, p, fmt.Errorf("no consent banner found (%v)", lastErr)
	}
	return nil, false, nil, p, errors.New("no consent banner found")
}

func rank(d detected, hint string) int {
	r := 0
	if !d.Shown {
		r += 2
	}
	if d.Slug != hint {
		r++
	}
	return r
}

func (p *pager) banners() ([]banner, error) {
	var bs []banner
	err := p.run("banners", nil, &bs)
	return bs, err
}

// find returns the first visible element matching one of sels whose label
// is not one of the unwanted kinds.
func (p *pager) find(sels []string, unwanted ...Kind) *Control {
	for _, s := range sels {
		var c *Control
		if err := p.run("find", []string{s}, &c); err != nil || c == nil {
			continue
		}
		if c.Nav || slices.Contains(unwanted, Classify(*c)) {
			continue
		}
		return c
	}
	return nil
}

func (p *pager) click(c *Control) bool {
	var ok bool
	err := p.run("click", c.ID, &ok)
	if err != nil && p.world != 0 && contextGone(err) {
		// The click's own handler removed the banner's frame (or loaded
		// another document into it) while the command ran: the click
		// happened.
		return true
	}
	return err == nil && ok
}

// clicked records on j that c made the choice; pre and where complete the
// step ("<pre>clicked "Reject all" (<where>)").
func (j *Journey) clicked(m Method, c *Control, secondLayer bool, pre, where string) {
	j.Method, j.Clicked, j.SecondLayer = m, c.label(), secondLayer
	j.Steps = append(j.Steps, fmt.Sprintf("%sclicked %q (%s)", pre, j.Clicked, where))
}

// label is the control's text, else its tag name.
func (c *Control) label() string {
	if t := strings.TrimSpace(c.Text); t != "" {
		return t
	}
	return c.Tag
}

func unticked(n int) string { return fmt.Sprintf("unticked %d optional purpose(s) and ", n) }

// closedWithin polls whether shown() turned false.
func (p *pager) closedWithin(d time.Duration, shown func() (bool, error)) bool {
	deadline := time.Now().Add(d)
	for {
		// An error means the page navigated away (a banner that
		// reloads): the old banner is gone with it.
		if vis, err := shown(); err != nil || !vis {
			return true
		}
		if time.Now().After(deadline) || !p.sleep(200*time.Millisecond) {
			return false
		}
	}
}

func (p *pager) ruleShown(r *Rule) func() (bool, error) {
	return func() (bool, error) {
		var vis bool
		err := p.run("shown", r.Banner, &vis)
		return vis, err
	}
}

// operateRule answers with the CMP's own controls or API. It returns
// false when neither worked.
func (p *pager) operateRule(j *Journey, r *Rule, shown bool, choice Choice, opts Options) bool {
	if shown {
		var c *Control
		if choice == Reject {
			c = p.find(r.Reject, AcceptAll, Settings, Save)
			rof := c != nil
			j.RejectOnFirstLayer = &rof
		} else {
			c = p.find(r.Accept, RejectAll, Settings)
		}
		if c != nil && p.click(c) {
			j.clicked(MethodSelector, c, false, "", r.Name+" first layer")
			j.BannerClosed = p.closedWithin(3*time.Second, p.ruleShown(r))
			return true
		}
		if choice == Reject && len(r.Settings) > 0 {
			if s := p.find(r.Settings, AcceptAll, RejectAll); s != nil && p.click(s) {
				j.Steps = append(j.Steps, fmt.Sprintf("opened the second layer with %q", s.label()))
				deadline := time.Now().Add(opts.SecondLayerWait)
				for {
					if c := p.find(r.RejectSecond, AcceptAll); c != nil && p.click(c) {
						j.clicked(MethodSelector, c, true, "", r.Name+" second layer")
						j.BannerClosed = p.closedWithin(3*time.Second, p.ruleShown(r))
						return true
					}
					if c := p.find(r.Save, AcceptAll); c != nil {
						var n int
						_ = p.run("uncheck", nil, &n)
						if p.click(c) {
							j.clicked(MethodSelector, c, true, unticked(n), r.Name+" second layer")
							j.BannerClosed = p.closedWithin(3*time.Second, p.ruleShown(r))
							return true
						}
					}
					// The platform's second layer may be an iframe of its own
					// (TrustArc's consent manager from consent-pref.trustarc.com):
					// its reject control is found by its label.
					if p.world == 0 {
						if fp, c := p.frameControl(RejectAll); c != nil && fp.click(c) {
							j.clicked(MethodHeuristic, c, true, "", fp.where(r.Name+" second layer"))
							j.BannerClosed = p.closedWithin(3*time.Second, p.ruleShown(r))
							return true
						}
					}
					if time.Now().After(deadline) || !p.sleep(250*time.Millisecond) {
						break
					}
				}
				j.Steps = append(j.Steps, "the second layer had no reject or save control")
			}
		}
	}
	if api := r.API[choice]; api != nil {
		expr := "(() => { if (!(" + api.Guard + ")) return false; " + api.Call + "; return true; })()"
		c, cancel := context.WithTimeout(p.ctx, 5*time.Second)
		ok, err := chromedp.Run(c, chromedp.Evaluate[bool](expr))
		cancel()
		if err == nil && ok {
			j.Method, j.Clicked = MethodAPI, api.Call
			j.Steps = append(j.Steps, "called "+api.Call)
			j.BannerClosed = p.closedWithin(3*time.Second, p.ruleShown(r))
			return true
		}
		if err != nil {
			j.Steps = append(j.Steps, fmt.Sprintf("%s failed: %v", api.Call, err))
		}
	}
	return false
}

// frameControl finds, in the tab's frames, a control of kind k in a
// banner about cookies or consent.
func (p *pager) frameControl(k Kind) (*pager, *Control) {
	for _, fp := range p.frames() {
		bs, err := fp.banners()
		if err != nil {
			continue
		}
		for i := range bs {
			if !bs[i].relevant() {
				continue
			}
			for c := range bs[i].Controls {
				if Classify(bs[i].Controls[c]) == k {
					return fp, &bs[i].Controls[c]
				}
			}
		}
	}
	return nil, nil
}

// heuristic answers an unknown banner by the labels of its controls.
func (p *pager) heuristic(j *Journey, bs []banner, choice Choice, opts Options) {
	var rel []banner
	for _, b := range bs {
		if b.relevant() {
			rel = append(rel, b)
		}
	}
	if len(rel) == 0 {
		if j.Error == "" {
			j.Error = "no consent banner found"
			if j.CMP != "" {
				j.Error = "the " + j.CMP + " banner had no " + string(choice) + " control the scanner could operate"
			}
		}
		return
	}
	want := AcceptAll
	if choice == Reject {
		want = RejectAll
	}
	pick := func(bs []banner, k Kind) (*banner, *Control) {
		for i := range bs {
			for k2 := range bs[i].Controls {
				if Classify(bs[i].Controls[k2]) == k {
					return &bs[i], &bs[i].Controls[k2]
				}
			}
		}
		return nil, nil
	}
	shownFn := func(b *banner) func() (bool, error) {
		return func() (bool, error) {
			var vis bool
			err := p.run("tagShown", b.ID, &vis)
			return vis, err
		}
	}
	b, c := pick(rel, want)
	if choice == Reject && j.RejectOnFirstLayer == nil {
		rof := c != nil
		j.RejectOnFirstLayer = &rof
	}
	if c != nil && p.click(c) {
		j.clicked(MethodHeuristic, c, false, "", p.where("first layer"))
		j.BannerClosed = p.closedWithin(3*time.Second, shownFn(b))
		return
	}
	if choice == Reject {
		if b, s := pick(rel, Settings); s != nil && p.click(s) {
			j.Steps = append(j.Steps, fmt.Sprintf("opened the second layer with %q", s.label()))
			first := b
			deadline := time.Now().Add(opts.SecondLayerWait)
			for p.sleep(300 * time.Millisecond) {
				bs, err := p.banners()
				if err == nil {
					var rel2 []banner
					for _, b := range bs {
						if b.relevant() || slices.ContainsFunc(b.Controls, func(c Control) bool { return Classify(c) == Save }) {
							rel2 = append(rel2, b)
						}
					}
					if b2, c := pick(rel2, RejectAll); c != nil && p.click(c) {
						j.clicked(MethodHeuristic, c, true, "", p.where("second layer"))
						j.BannerClosed = p.closedWithin(3*time.Second, shownFn(b2)) && p.closedWithin(time.Second, shownFn(first))
						return
					}
					if b2, c := pick(rel2, Save); c != nil {
						var n int
						_ = p.run("uncheck", b2.ID, &n)
						if p.click(c) {
							j.clicked(MethodHeuristic, c, true, unticked(n), p.where("second layer"))
							j.BannerClosed = p.closedWithin(3*time.Second, shownFn(b2)) && p.closedWithin(time.Second, shownFn(first))
							return
						}
					}
				}
				if time.Now().After(deadline) {
					break
				}
			}
			j.Error = "the banner's second layer had no reject or save control"
			return
		}
	}
	var labels []string
	for _, b := range rel {
		for _, c := range b.Controls {
			labels = append(labels, fmt.Sprintf("%q", c.Text))
		}
	}
	j.Error = fmt.Sprintf("the banner has no %s control the scanner recognises (controls: %s)", choice, strings.Join(labels, ", "))
}
