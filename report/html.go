package report

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"slices"
	"strings"
	"sync"
)

//go:embed templates/report.html.tmpl templates/report.css templates/sort.js
var templateFS embed.FS

// HTMLWriter writes the report as one self-contained HTML file: styles,
// script, logo and screenshots are embedded, and a Content-Security-Policy
// forbids every request, so the file opens offline and leaks nothing to
// the sites it describes. All page-derived text goes through html/template.
type HTMLWriter struct {
	w    io.Writer
	opts WriterOptions
}

var _ Writer = (*HTMLWriter)(nil)

// NewHTMLWriter returns an HTML writer to w. Branding options are checked
// by Write (and by NewWriter).
func NewHTMLWriter(w io.Writer, opts WriterOptions) *HTMLWriter {
	return &HTMLWriter{w: w, opts: opts}
}

// Write renders r.
func (h *HTMLWriter) Write(_ context.Context, r *Report) error {
	if err := h.opts.Validate(); err != nil {
		return err
	}
	t, err := htmlTemplate()
	if err != nil {
		return err
	}
	v, err := newHTMLView(sanitized(r), h.opts)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "report", v); err != nil {
		return fmt.Errorf("render html report: %w", err)
	}
	_, err = h.w.Write(buf.Bytes())
	return err
}

var (
	tmplOnce sync.Once
	tmpl     *template.Template
	tmplErr  error
)

// htmlTemplate parses the embedded template once. The template and its
// assets are constants of the binary, so this is not mutable state.
func htmlTemplate() (*template.Template, error) {
	tmplOnce.Do(func() {
		css, err := templateFS.ReadFile("templates/report.css")
		if err != nil {
			tmplErr = err
			return
		}
		js, err := templateFS.ReadFile("templates/sort.js")
		if err != nil {
			tmplErr = err
			return
		}
		sum := sha256.Sum256(js)
		csp := "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'sha256-" +
			base64.StdEncoding.EncodeToString(sum[:]) + "'; base-uri 'none'; form-action 'none'"
		funcs := template.FuncMap{
			// Trusted constants of the binary, never page data.
			"css":    func() template.CSS { return template.CSS(css) },
			"script": func() template.JS { return template.JS(js) },
			"csp":    func() string { return csp },

			"sevClass":  func(s Severity) string { return "sev-" + s.String() },
			"sevLabel":  severityLabel,
			"profile":   profileLabel,
			"stance":    stanceLabel,
			"lifetime":  lifetime,
			"yesno":     yesNo,
			"deref":     deref,
			"href":      safeHref,
			"short":     func(n int, s string) string { return truncate(OneLine(s), n) },
			"join":      strings.Join,
			"checkName": checkName,
			"explain":   explain,
			"fnum":      func(d *float64) string { return days(d) },
			"ms": func(ms int64) string {
				if ms >= 1000 {
					return fmt.Sprintf("%.1f s", float64(ms)/1000)
				}
				return fmt.Sprintf("%d ms", ms)
			},
			"istrue":        func(b *bool) bool { return b != nil && *b },
			"journeyDetail": journeyDetail,
			"pct": func(n, total int) int {
				if total == 0 {
					return 0
				}
				return n * 100 / total
			},
		}
		tmpl, tmplErr = template.New("report").Funcs(funcs).ParseFS(templateFS, "templates/report.html.tmpl")
	})
	return tmpl, tmplErr
}

// safeHref returns u when it is an absolute http(s) URL, else "" (the
// template then prints the text without a link). html/template would also
// neutralise javascript: URLs; this keeps them from being links at all.
func safeHref(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	return p.String()
}

// dataURI builds a data: URI from bytes we encode ourselves with a media
// type from an allow-list, so it is safe to mark as a URL.
func dataURI(mediaType string, b []byte) template.URL {
	return template.URL("data:" + mediaType + ";base64," + base64.StdEncoding.EncodeToString(b))
}

// htmlView is what the template renders: the report plus everything
// derived from it, ready to print.
type htmlView struct {
	R         *Report
	Brand     htmlBrand
	Summary   Summary
	Total     int
	Risk      string // high | medium | low | info | none
	RiskLabel string
	Verdict   string
	Headline  []htmlFinding
	Groups    []htmlGroup
	Checks    []htmlCheck

	Matrix       []htmlMatrixRow
	Cookies      []htmlCookie
	FirstParty   int
	ThirdParty   int
	Pages        int
	PageErrors   int
	Duration     string
	Started      string
	Finished     string
	PolicyFound  bool
	Policy       *Policy
	PolicyURL    string
	Stances      map[string]PolicyVendor
	GPCReads     []string
	DNTReads     []string
	Screenshots  []htmlShot
	ProfileProse string

	names map[string]string // vendor slug → display name (vendorNames)
}

type htmlBrand struct {
	Name  string
	Logo  template.URL
	Color string
}

type htmlGroup struct {
	Severity Severity
	Findings []htmlFinding
}

type htmlFinding struct {
	Finding
	N        int
	Key      string
	KeyLabel string
	Explain  string
	Pages    []string
}

type htmlCheck struct {
	Code     string
	Name     string
	Findings int
	Worst    Severity
	Status   string // report.Check.Status
	Result   string // checkResult
	Covered  string // what the check could see, or why it did not apply
}

type htmlMatrixRow struct {
	Tracker
	Cells       []htmlCell
	Stance      string // trackerPolicy: named | denied | not named | no policy
	StanceQuote string
	Marketing   bool
}

type htmlCell struct {
	Seen    bool
	Blocked bool // present but held back (consent-blocked, noscript)
	Signal  bool // an advertising vendor seen under an opt-out signal
}

type htmlCookie struct {
	Cookie
	PolicyDuration string
	Declared       bool
}

type htmlShot struct {
	Screenshot
	Src template.URL
}

func newHTMLView(r *Report, opts WriterOptions) (*htmlView, error) {
	v := &htmlView{
		R:           r,
		Summary:     summaryOf(r),
		Pages:       distinctPages(r),
		PageErrors:  pageErrors(r),
		Duration:    duration(r),
		Started:     timestamp(r.StartedAt),
		Finished:    timestamp(r.FinishedAt),
		PolicyFound: policyFound(r),
		Policy:      r.Policy,
		Stances:     policyStances(r),
		GPCReads:    signalReads(r, "globalPrivacyControl"),
		DNTReads:    signalReads(r, "doNotTrack"),
	}
	v.Brand = htmlBrand{Name: OneLine(opts.BrandName), Color: opts.BrandColor}
	if v.Brand.Color == "" {
		v.Brand.Color = "#1f4e79"
	}
	if len(opts.BrandLogo) > 0 {
		t, err := opts.logoType()
		if err != nil {
			return nil, err
		}
		v.Brand.Logo = dataURI(t, opts.BrandLogo)
	}
	if r.Policy != nil && r.Policy.URL != nil {
		v.PolicyURL = *r.Policy.URL
	}
	v.ProfileProse = profileProse(r.Profiles)
	v.Total = v.Summary.total()
	v.Risk, v.RiskLabel = v.Summary.risk()
	v.Verdict = verdict(v.Risk, v.PolicyFound)
	if v.Risk == "none" && !v.PolicyFound {
		v.Risk, v.RiskLabel = "incomplete", "Not assessed"
	}
	v.FirstParty, v.ThirdParty = partyCount(r)

	names := vendorNames(r)
	v.names = names // for VendorName in the template
	counts := map[string]int{}
	worst := map[string]Severity{}
	n := 0
	findings := sortedFindings(r.Findings)
	for _, sev := range severitiesDesc {
		g := htmlGroup{Severity: sev}
		for _, f := range findings {
			if f.Severity != sev {
				continue
			}
			n++
			hf := htmlFinding{Finding: f, N: n, Explain: explain(f.Code), Pages: findingPages(f)}
			switch {
			case f.Vendor != nil:
				hf.KeyLabel, hf.Key = "Vendor", *f.Vendor
				if name, ok := names[*f.Vendor]; ok {
					hf.Key = name + " (" + *f.Vendor + ")"
				}
				if f.Cookie != nil {
					hf.Key += " · cookie " + *f.Cookie
				}
			case f.Cookie != nil:
				hf.KeyLabel, hf.Key = "Cookie", *f.Cookie
			}
			g.Findings = append(g.Findings, hf)
			if counts[f.Code] == 0 || f.Severity > worst[f.Code] {
				worst[f.Code] = f.Severity
			}
			counts[f.Code]++
			if (sev == High || sev == Medium) && len(v.Headline) < 5 {
				v.Headline = append(v.Headline, hf)
			}
		}
		if len(g.Findings) > 0 {
			v.Groups = append(v.Groups, g)
		}
	}
	if len(v.Headline) == 0 {
		for _, g := range v.Groups {
			for _, f := range g.Findings {
				if len(v.Headline) < 3 {
					v.Headline = append(v.Headline, f)
				}
			}
		}
	}
	for _, c := range reportChecks(r) {
		v.Checks = append(v.Checks, htmlCheck{Code: c.Code, Name: checkName(c.Code), Findings: counts[c.Code], Worst: worst[c.Code],
			Status: c.Status, Result: checkResult(c), Covered: c.Covered})
	}

	for _, t := range r.Trackers {
		row := htmlMatrixRow{Tracker: t, Marketing: isMarketing(t),
			Stance: trackerPolicy(r, t), StanceQuote: trackerStance(r, t).Quote}
		for _, p := range r.Profiles {
			seen := slices.Contains(t.Profiles, p)
			row.Cells = append(row.Cells, htmlCell{Seen: seen, Blocked: !seen && slices.Contains(t.Blocked, p), Signal: seen && row.Marketing && optOutProfile(p)})
		}
		v.Matrix = append(v.Matrix, row)
	}
	cookies := slices.Clone(r.Cookies)
	slices.SortStableFunc(cookies, cookieOrder)
	for _, c := range cookies {
		hc := htmlCookie{Cookie: c}
		if pc, ok := declaredCookie(r.Policy, c.Name); ok {
			hc.Declared, hc.PolicyDuration = true, policyDuration(pc)
		}
		v.Cookies = append(v.Cookies, hc)
	}
	for _, s := range r.Screenshots {
		if len(s.PNG) == 0 {
			continue
		}
		v.Screenshots = append(v.Screenshots, htmlShot{Screenshot: s, Src: dataURI("image/png", s.PNG)})
	}
	return v, nil
}

// VendorName returns the display name of a vendor slug (from the
// trackers), or the slug.
func (v *htmlView) VendorName(slug string) string {
	if name, ok := v.names[slug]; ok {
		return name
	}
	return slug
}

// profileProse describes the profiles in a sentence fragment: "three
// times: as an ordinary visitor, with Global Privacy Control and with Do
// Not Track switched on".
func profileProse(profiles []string) string {
	prose := map[string]string{
		"baseline": "as an ordinary visitor",
		"gpc":      "with Global Privacy Control switched on",
		"dnt":      "with Do Not Track switched on",
		"reject":   "rejecting cookies",
		"accept":   "accepting cookies",
	}
	var parts []string
	for _, p := range profiles {
		if s, ok := prose[p]; ok {
			parts = append(parts, s)
		} else {
			parts = append(parts, "with the "+p+" profile")
		}
	}
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	times := map[int]string{2: "twice", 3: "three times", 4: "four times", 5: "five times"}[len(parts)]
	if times == "" {
		times = fmt.Sprintf("%d times", len(parts))
	}
	return times + ": " + strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// verdict is the one-sentence headline for the executive summary.
func verdict(risk string, policyFound bool) string {
	switch risk {
	case "high":
		return "Serious gaps: the site's behaviour contradicts or goes beyond what its privacy policy tells visitors."
	case "medium":
		return "Material gaps between what the site does and what its privacy policy discloses."
	case "low":
		return "Minor gaps: the privacy policy mostly matches what the site does."
	case "info":
		return "No gaps of concern; a few notes for the record."
	}
	if !policyFound {
		return "No findings, but no privacy policy was found, so what the site does could not be compared with what it discloses."
	}
	return "No gaps found: what the site does matches what its privacy policy discloses."
}
