package autoconsent

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// CompactRules is rules/compact-rules.json: a string table, the rules as
// arrays, and the index of the generic, frame and site-specific ranges.
type CompactRules struct {
	V     json.RawMessage   `json:"v"`
	S     []string          `json:"s"`
	R     []json.RawMessage `json:"r"`
	Index struct {
		Generic  [2]int `json:"genericRuleRange"`
		Frame    [2]int `json:"frameRuleRange"`
		Specific [2]int `json:"specificRuleRange"`
	} `json:"index"`
	// ctx[i] is rule i's run context (URL pattern, frame placement).
	ctx []runContext
}

// runContext is where a rule runs: its URL pattern (a JavaScript regular
// expression; re is nil when Go's syntax cannot compile it, and the
// content script then decides) and whether it runs in the top frame and
// in subframes.
type runContext struct {
	pattern     string
	re          *regexp.Regexp
	main, frame bool
}

func (c runContext) runs(url string, mainFrame bool) bool {
	if mainFrame && !c.main || !mainFrame && !c.frame {
		return false
	}
	if c.pattern != "" && c.re != nil && !c.re.MatchString(url) {
		return false
	}
	return true
}

func compileJS(p string) *regexp.Regexp {
	if p == "" {
		return nil
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return nil
	}
	return re
}

func parseCompact(b []byte) (*CompactRules, error) {
	var c CompactRules
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, err
	}
	n := len(c.R)
	if n == 0 {
		return nil, errors.New("no rules")
	}
	for _, r := range [][2]int{c.Index.Generic, c.Index.Frame, c.Index.Specific} {
		if r[0] < 0 || r[1] < r[0] || r[1] > n {
			return nil, fmt.Errorf("rule range %v outside the %d rules", r, n)
		}
	}
	c.ctx = make([]runContext, n)
	for i, raw := range c.R {
		var fields []json.RawMessage
		if err := json.Unmarshal(raw, &fields); err != nil || len(fields) < 5 {
			return nil, fmt.Errorf("rule %d is not a compact rule", i)
		}
		var pattern string
		var placement int
		if json.Unmarshal(fields[3], &pattern) != nil || json.Unmarshal(fields[4], &placement) != nil {
			return nil, fmt.Errorf("rule %d has no run context", i)
		}
		// The placement is two digits, main then frame: 1 true, 0
		// false, 2 unset (main defaults to true, frame to false).
		c.ctx[i] = runContext{pattern: pattern, re: compileJS(pattern), main: placement/10 != 0, frame: placement%10 == 1}
	}
	return &c, nil
}

// For returns the compact rule set a frame at url needs, as the package's
// own runner filters it: a subframe gets the frame rules, the top frame
// the generic rules plus the site-specific rules whose pattern matches.
// The string table is kept whole (rules refer to it by index).
func (c *CompactRules) For(url string, mainFrame bool) json.RawMessage {
	var rs []json.RawMessage
	add := func(from, to int) {
		for i := from; i < to; i++ {
			if c.ctx[i].runs(url, mainFrame) {
				rs = append(rs, c.R[i])
			}
		}
	}
	if mainFrame {
		add(c.Index.Generic[0], c.Index.Generic[1])
		add(c.Index.Specific[0], c.Index.Specific[1])
	} else {
		add(c.Index.Frame[0], c.Index.Frame[1])
	}
	if rs == nil {
		rs = []json.RawMessage{}
	}
	out, _ := json.Marshal(struct {
		V json.RawMessage   `json:"v"`
		S []string          `json:"s"`
		R []json.RawMessage `json:"r"`
	}{c.V, c.S, rs})
	return out
}

// FullRule is one rule of rules/rules.json, kept as the package wrote it.
type FullRule struct {
	Raw json.RawMessage
	ctx runContext
}

func parseFull(b []byte) ([]FullRule, error) {
	var doc struct {
		Autoconsent []json.RawMessage `json:"autoconsent"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	if len(doc.Autoconsent) == 0 {
		return nil, errors.New("no rules")
	}
	out := make([]FullRule, len(doc.Autoconsent))
	for i, raw := range doc.Autoconsent {
		var r struct {
			Name       string `json:"name"`
			RunContext *struct {
				Main       *bool  `json:"main"`
				Frame      *bool  `json:"frame"`
				URLPattern string `json:"urlPattern"`
			} `json:"runContext"`
		}
		if err := json.Unmarshal(raw, &r); err != nil || strings.TrimSpace(r.Name) == "" {
			return nil, fmt.Errorf("rule %d is not a rule", i)
		}
		ctx := runContext{main: true}
		if rc := r.RunContext; rc != nil {
			if rc.Main != nil {
				ctx.main = *rc.Main
			}
			if rc.Frame != nil {
				ctx.frame = *rc.Frame
			}
			ctx.pattern, ctx.re = rc.URLPattern, compileJS(rc.URLPattern)
		}
		out[i] = FullRule{Raw: raw, ctx: ctx}
	}
	return out, nil
}

// FullFor returns the full rules (with their opt-in steps) that may run in
// a frame at url, as a JSON array.
func (b *Bundle) FullFor(url string, mainFrame bool) json.RawMessage {
	var rs []json.RawMessage
	for _, r := range b.Full {
		if r.ctx.runs(url, mainFrame) {
			rs = append(rs, r.Raw)
		}
	}
	if rs == nil {
		rs = []json.RawMessage{}
	}
	out, _ := json.Marshal(rs)
	return out
}
