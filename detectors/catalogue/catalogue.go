package catalogue

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"strings"

	"github.com/andybalholm/cascadia"
	"go.yaml.in/yaml/v3"

	"github.com/privscan/privscan/report"
)

//go:embed data/*.yaml
var builtin embed.FS

// Categories a vendor may have. The first five are the ones the built-in
// catalogue uses; the others are accepted in user rules.
var Categories = []string{
	report.CategoryAnalytics, report.CategoryAdvertising, report.CategoryTagManager, report.CategoryMarketing,
	report.CategorySecurity, report.CategoryFunctional, report.CategorySocial, report.CategoryConsent,
	report.CategoryCustomerSuccess,
}

// CookieCategories are the categories a cookie can be classified into.
var CookieCategories = []string{"necessary", "functional", "analytics", "marketing", "unknown"}

// Kind says which part of a page visit a matcher looks at.
type Kind string

// The matcher kinds.
const (
	// KindRequest matches network request URLs (host + path + query).
	KindRequest Kind = "request"
	// KindScript matches script URLs: <script src> in the DOM and requests
	// of resource type Script.
	KindScript Kind = "script"
	// KindInline matches the text of <script> elements without src.
	KindInline Kind = "inline"
	// KindCookie matches cookie names (optionally restricted to domains).
	KindCookie Kind = "cookie"
	// KindGlobal matches a probed JavaScript path and, optionally, its value.
	KindGlobal Kind = "global"
	// KindDOM matches a CSS selector in the rendered DOM and, optionally, an
	// attribute of the matched element.
	KindDOM Kind = "dom"
)

var kinds = []Kind{KindRequest, KindScript, KindInline, KindCookie, KindGlobal, KindDOM}

// Catalogue is the compiled, validated set of vendor rules. It is safe for
// concurrent use; nothing in it changes after Load.
type Catalogue struct {
	vendors []*Vendor
	bySlug  map[string]*Vendor
	urls    *urlIndex // request and script matchers
	cookies []*Matcher
	inline  []*Matcher
	globals []*Matcher
	dom     []*Matcher
	domains map[string]*Vendor // registrable domain → owner
	ocd     map[string]*Vendor // lower-case OCD platform → vendor
	// entities is the third-party-web table; entityVendors the vendors
	// made from its tracking categories (see loadEntities).
	entities      *entityIndex
	entityVendors []*Vendor
}

// Vendor is one compiled vendor rule file.
type Vendor struct {
	Slug        string
	Name        string
	Category    string
	Description string
	// PolicyTerms are the names a privacy policy uses for this vendor.
	PolicyTerms []string
	// Parents are the companies behind the vendor (Google LLC, ...).
	Parents []string
	// ParentContext are lower-case word stems that make a parent-only
	// mention ("Google") specific to this vendor ("analytic" for Google
	// Analytics); with none, a parent alone never names the vendor.
	ParentContext []string
	// MainContext are lower-case words that make a policy's company-only
	// mention ("Facebook") about the vendor's main product ("pixel" for
	// the Meta Pixel), where the vendor has other products.
	MainContext []string
	// Domains are registrable domains the vendor owns outright; requests to
	// them are attributed to the vendor in the third-party list.
	Domains []string
	// OCDPlatforms are the Open Cookie Database platform names of this
	// vendor, so that cookie classification can map OCD rows to the slug.
	OCDPlatforms []string
	// Products are what the vendor's matchers can tell apart (the Meta
	// Pixel, Facebook's social plugins, Facebook Login). Products[0] is the
	// main product: the vendor's own Name and Category, to which every
	// matcher without a product of its own belongs.
	Products []*Product
	Matchers []*Matcher
	// Source is SourceCatalogue for rule files and SourceEntity for
	// vendors made from the third-party-web table (then Entity is set and
	// there are no matchers: the entity's hosts identify it).
	Source string
	Entity *Entity
}

// Product is one product of a vendor. Severities follow the product that
// was seen: a share button is not an advertising pixel.
type Product struct {
	Vendor   *Vendor
	Name     string
	Category string
	// PolicyTerms are the names a policy uses for this product alone.
	PolicyTerms []string
}

// Main reports whether p is its vendor's main product.
func (p *Product) Main() bool { return p == p.Vendor.Products[0] }

// Matcher is one compiled signal of a vendor.
type Matcher struct {
	Vendor *Vendor
	// ID names the matcher inside its vendor file (e.g. "ga4-collect").
	ID   string
	Kind Kind
	// Detail labels the evidence this matcher produces (e.g. "v3 loader").
	Detail string
	// Path is the JavaScript path of a global matcher.
	Path string
	// CookieCategory and Retention classify the cookies a cookie matcher
	// names.
	CookieCategory string
	Retention      string
	// Product is the product whose code this matcher sees (the vendor's
	// main product unless the rule names another).
	Product *Product
	// Stub marks a global that the site's own loader snippet defines (a
	// queueing stub such as fbq or lintrk) before the vendor's code loads:
	// it shows that the snippet ran, not that the vendor's code did.
	Stub bool
	// Shared marks a cookie that every product of the vendor sets (Meta's
	// fr, LinkedIn's bcookie): it is attributed to the product whose code
	// ran on the page, not to the main product by default.
	Shared bool

	hosts      []string // exact hosts or "*.suffix"
	contains   string
	match      *regexp.Regexp
	requires   []*regexp.Regexp
	idRegex    *regexp.Regexp
	idTemplate string
	selector   cascadia.Selector
	selSource  string
	attr       string
	domains    []string
	examples   rawExamples
	order      int
}

// VendorTerms is what the policy analyser needs to find a vendor in a
// policy's text.
type VendorTerms struct {
	Vendor        string
	Name          string
	Terms         []string
	Parents       []string
	ParentContext []string
	// MainContext are the words that point a company-only mention at the
	// main product (Vendor.MainContext).
	MainContext []string
	// Products are the vendor's products other than the main one, with the
	// names a policy uses for each (for product-level stances).
	Products []ProductTerms
}

// ProductTerms names one product of a vendor in policies.
type ProductTerms struct {
	Name     string
	Category string
	Terms    []string
}

// legalSuffix matches company-form words that name no company on their own.
var legalSuffix = regexp.MustCompile(`(?i)^(?:inc|ltd|llc|plc|gmbh|ag|b\.?v|n\.?v|s\.?a|a/s|ab|as|oy|corp(?:oration)?|co|company|limited|unlimited company)\.?$`)

// raw types: the YAML shape, decoded strictly and compiled by compile.

type rawVendor struct {
	Slug          string       `yaml:"slug"`
	Name          string       `yaml:"name"`
	Category      string       `yaml:"category"`
	Description   string       `yaml:"description"`
	PolicyTerms   []string     `yaml:"policy_terms"`
	Parents       []string     `yaml:"parents"`
	ParentContext []string     `yaml:"parent_context"`
	MainContext   []string     `yaml:"main_context"`
	Domains       []string     `yaml:"domains"`
	OCDPlatforms  []string     `yaml:"ocd_platforms"`
	Products      []rawProduct `yaml:"products"`
	Matchers      []rawMatcher `yaml:"matchers"`
}

// rawProduct is a product of a vendor other than its main one.
type rawProduct struct {
	Name        string   `yaml:"name"`
	Category    string   `yaml:"category"`
	PolicyTerms []string `yaml:"policy_terms"`
}

type rawMatcher struct {
	ID             string      `yaml:"id"`
	Kind           Kind        `yaml:"kind"`
	Detail         string      `yaml:"detail"`
	Hosts          []string    `yaml:"hosts"`
	Contains       string      `yaml:"contains"`
	Match          string      `yaml:"match"`
	Requires       []string    `yaml:"requires"`
	IDRegex        string      `yaml:"id_regex"`
	IDTemplate     string      `yaml:"id_template"`
	Path           string      `yaml:"path"`
	Selector       string      `yaml:"selector"`
	Attr           string      `yaml:"attr"`
	Domains        []string    `yaml:"domains"`
	CookieCategory string      `yaml:"cookie_category"`
	Retention      string      `yaml:"retention"`
	Product        string      `yaml:"product"`
	Stub           bool        `yaml:"stub"`
	Shared         bool        `yaml:"shared"`
	Examples       rawExamples `yaml:"examples"`
}

type rawExamples struct {
	Match   []rawExample `yaml:"match"`
	NoMatch []rawExample `yaml:"no_match"`
}

// rawExample is one example input. In YAML it is either a plain string (the
// input) or a mapping {input, domain, ids}.
type rawExample struct {
	Input  string   `yaml:"input"`
	Domain string   `yaml:"domain"`
	IDs    []string `yaml:"ids"`
}

func (e *rawExample) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		e.Input = n.Value
		return nil
	}
	type plain rawExample
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*e = rawExample(p)
	return nil
}

// Load compiles the built-in vendor rules plus any extra rule documents
// (YAML, one vendor per document; several documents may be separated by
// "---"). Every rule is validated and every example is run; the first
// problems are returned together and no catalogue is built.
func Load(extra ...[]byte) (*Catalogue, error) { return load(true, extra...) }

// load is Load with the example run optional, so that the examples test can
// report each failing example on its own.
func load(checkExamples bool, extra ...[]byte) (*Catalogue, error) {
	var raws []rawVendor
	var sources []string
	names, err := fs.Glob(builtin, "data/*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	for _, name := range names {
		b, err := builtin.ReadFile(name)
		if err != nil {
			return nil, err
		}
		vs, err := decode(b)
		if err != nil {
			return nil, fmt.Errorf("catalogue: %s: %w", name, err)
		}
		for range vs {
			sources = append(sources, path.Base(name))
		}
		raws = append(raws, vs...)
	}
	for i, b := range extra {
		vs, err := decode(b)
		if err != nil {
			return nil, fmt.Errorf("catalogue: extra rules #%d: %w", i+1, err)
		}
		for range vs {
			sources = append(sources, fmt.Sprintf("extra rules #%d", i+1))
		}
		raws = append(raws, vs...)
	}
	return compile(raws, sources, checkExamples)
}

func decode(b []byte) ([]rawVendor, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var out []rawVendor
	for {
		var v rawVendor
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, errors.New("no vendor rules in document")
	}
	return out, nil
}

var (
	slugRe = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)
	hostRe = regexp.MustCompile(`^(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+$`)
)

func compile(raws []rawVendor, sources []string, checkExamples bool) (*Catalogue, error) {
	c := &Catalogue{bySlug: map[string]*Vendor{}, urls: newURLIndex(), domains: map[string]*Vendor{}, ocd: map[string]*Vendor{}}
	var errs []error
	order := 0
	for i, rv := range raws {
		where := fmt.Sprintf("%s: vendor %q", sources[i], rv.Slug)
		fail := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("catalogue: %s: %s", where, fmt.Sprintf(format, args...)))
		}
		if !slugRe.MatchString(rv.Slug) {
			fail("slug must be kebab-case")
		}
		if _, dup := c.bySlug[rv.Slug]; dup {
			fail("duplicate slug")
		}
		if strings.TrimSpace(rv.Name) == "" {
			fail("name is empty")
		}
		if !slices.Contains(Categories, rv.Category) {
			fail("unknown category %q (want one of %s)", rv.Category, strings.Join(Categories, ", "))
		}
		// An unquoted "Meta Platforms, Inc." in a YAML flow list splits into
		// "Meta Platforms" and "Inc.": a lone legal suffix would then name
		// the vendor wherever any company is mentioned.
		for _, name := range slices.Concat(rv.PolicyTerms, rv.Parents) {
			if legalSuffix.MatchString(strings.TrimSpace(name)) {
				fail("policy term or parent %q is only a legal suffix (quote names that contain a comma)", name)
			}
		}
		if len(rv.PolicyTerms) == 0 {
			fail("policy_terms is empty")
		}
		if len(rv.Matchers) == 0 {
			fail("no matchers")
		}
		v := &Vendor{
			Slug: rv.Slug, Name: rv.Name, Category: rv.Category, Description: rv.Description,
			PolicyTerms: rv.PolicyTerms, Parents: rv.Parents, ParentContext: rv.ParentContext, MainContext: rv.MainContext, Domains: rv.Domains,
			OCDPlatforms: rv.OCDPlatforms, Source: SourceCatalogue,
		}
		v.Products = []*Product{{Vendor: v, Name: rv.Name, Category: rv.Category, PolicyTerms: rv.PolicyTerms}}
		for _, rp := range rv.Products {
			switch {
			case strings.TrimSpace(rp.Name) == "":
				fail("a product has no name")
				continue
			case v.product(rp.Name) != nil:
				fail("product %q: duplicate product name (the main product is the vendor's name)", rp.Name)
				continue
			case !slices.Contains(Categories, rp.Category):
				fail("product %q: unknown category %q", rp.Name, rp.Category)
			}
			for _, name := range rp.PolicyTerms {
				if legalSuffix.MatchString(strings.TrimSpace(name)) {
					fail("product %q: policy term %q is only a legal suffix", rp.Name, name)
				}
			}
			v.Products = append(v.Products, &Product{Vendor: v, Name: rp.Name, Category: rp.Category, PolicyTerms: rp.PolicyTerms})
		}
		for _, d := range rv.Domains {
			if !hostRe.MatchString(d) || strings.HasPrefix(d, "*.") {
				fail("domain %q is not a registrable domain", d)
				continue
			}
			if o, dup := c.domains[d]; dup {
				fail("domain %q already owned by %s", d, o.Slug)
			}
			c.domains[d] = v
		}
		for _, p := range rv.OCDPlatforms {
			if o, dup := c.ocd[strings.ToLower(p)]; dup && o != v {
				fail("ocd platform %q already claimed by %s", p, o.Slug)
			}
			c.ocd[strings.ToLower(p)] = v
		}
		seen := map[string]bool{}
		for j, rm := range rv.Matchers {
			if rm.ID == "" {
				rm.ID = fmt.Sprintf("#%d", j+1)
			}
			if seen[rm.ID] {
				fail("matcher %s: duplicate matcher id", rm.ID)
			}
			seen[rm.ID] = true
			m, merrs := compileMatcher(v, rm)
			for _, e := range merrs {
				fail("matcher %s: %v", rm.ID, e)
			}
			if m == nil {
				continue
			}
			m.order = order
			order++
			v.Matchers = append(v.Matchers, m)
		}
		if _, dup := c.bySlug[rv.Slug]; !dup {
			c.bySlug[rv.Slug] = v
			c.vendors = append(c.vendors, v)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for _, v := range c.vendors {
		for _, m := range v.Matchers {
			switch m.Kind {
			case KindRequest, KindScript:
				c.urls.add(m)
			case KindCookie:
				c.cookies = append(c.cookies, m)
			case KindInline:
				c.inline = append(c.inline, m)
			case KindGlobal:
				c.globals = append(c.globals, m)
			case KindDOM:
				c.dom = append(c.dom, m)
			}
		}
	}
	if err := c.loadEntities(entitiesJSON); err != nil {
		return nil, err
	}
	// Run every example against the whole catalogue: a rule whose example
	// fails is a broken rule, and Load refuses it.
	if !checkExamples {
		return c, nil
	}
	for _, f := range c.CheckExamples() {
		errs = append(errs, errors.New("catalogue: "+f))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

func compileMatcher(v *Vendor, rm rawMatcher) (*Matcher, []error) {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	m := &Matcher{
		Vendor: v, ID: rm.ID, Kind: rm.Kind, Detail: rm.Detail, Path: rm.Path,
		CookieCategory: rm.CookieCategory, Retention: rm.Retention, Product: v.Products[0],
		Stub: rm.Stub, Shared: rm.Shared,
		contains: rm.Contains, idTemplate: rm.IDTemplate, attr: rm.Attr, examples: rm.Examples,
	}
	if rm.Product != "" {
		if p := v.product(rm.Product); p != nil {
			m.Product = p
		} else {
			bad("product %q is not one of the vendor's products", rm.Product)
		}
	}
	if rm.Stub && rm.Kind != KindGlobal {
		bad("stub only applies to global matchers")
	}
	if rm.Shared && rm.Kind != KindCookie {
		bad("shared only applies to cookie matchers")
	}
	if rm.Shared && rm.Product != "" {
		bad("a shared cookie belongs to no one product")
	}
	if !slices.Contains(kinds, rm.Kind) {
		bad("unknown kind %q", rm.Kind)
		return nil, errs
	}
	if m.Detail == "" {
		bad("detail is empty")
	}
	re := func(field, s string) *regexp.Regexp {
		if s == "" {
			return nil
		}
		r, err := regexp.Compile(s)
		if err != nil {
			bad("%s: %v", field, err)
		}
		return r
	}
	m.match = re("match", rm.Match)
	for _, s := range rm.Requires {
		if r := re("requires", s); r != nil {
			m.requires = append(m.requires, r)
		}
	}
	m.idRegex = re("id_regex", rm.IDRegex)
	if m.idRegex != nil && m.idRegex.NumSubexp() < 1 {
		bad("id_regex needs a capture group")
	}
	for _, h := range rm.Hosts {
		if !hostRe.MatchString(h) {
			bad("host %q is not a lower-case host name or *.suffix", h)
		}
	}
	m.hosts = rm.Hosts
	for _, d := range rm.Domains {
		m.domains = append(m.domains, strings.TrimPrefix(strings.ToLower(d), "."))
	}
	switch rm.Kind {
	case KindRequest, KindScript:
		if rm.Match == "" {
			bad("match is required")
		}
		if len(rm.Hosts) == 0 && rm.Contains == "" {
			bad("hosts or contains is required (a matcher on every URL needs a literal pre-filter)")
		}
	case KindInline:
		if rm.Match == "" {
			bad("match is required")
		}
	case KindCookie:
		if rm.Match == "" {
			bad("match is required")
		} else if !anchored(rm.Match) {
			bad("cookie match must be anchored as a whole: ^...$ (wrap alternatives in (?:...))")
		}
		if rm.CookieCategory == "" {
			m.CookieCategory = defaultCookieCategory(m.Product.Category)
		}
		if !slices.Contains(CookieCategories, m.CookieCategory) {
			bad("unknown cookie_category %q", m.CookieCategory)
		}
	case KindGlobal:
		if rm.Path == "" {
			bad("path is required")
		}
	case KindDOM:
		if rm.Selector == "" {
			bad("selector is required")
			break
		}
		sel, err := cascadia.Compile(rm.Selector)
		if err != nil {
			bad("selector: %v", err)
		}
		m.selector, m.selSource = sel, rm.Selector
		if rm.Match != "" && rm.Attr == "" {
			bad("match on a dom matcher needs attr")
		}
	}
	if rm.Kind != KindCookie && rm.CookieCategory != "" {
		bad("cookie_category only applies to cookie matchers")
	}
	if rm.Kind != KindDOM && (rm.Selector != "" || rm.Attr != "") {
		bad("selector/attr only apply to dom matchers")
	}
	if rm.Kind != KindGlobal && rm.Path != "" {
		bad("path only applies to global matchers")
	}
	if len(rm.Examples.Match) == 0 {
		bad("no match example (every matcher must be covered by an example)")
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return m, nil
}

// anchored reports whether the regex is ^...$ as a whole (not an
// alternation of partly anchored branches such as ^a|b$).
func anchored(expr string) bool {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return true // reported by the compile step
	}
	if re.Op != syntax.OpConcat || len(re.Sub) < 2 {
		return false
	}
	first, last := re.Sub[0].Op, re.Sub[len(re.Sub)-1].Op
	return (first == syntax.OpBeginText || first == syntax.OpBeginLine) &&
		(last == syntax.OpEndText || last == syntax.OpEndLine)
}

func defaultCookieCategory(vendorCategory string) string {
	switch vendorCategory {
	case "analytics", "tag-manager":
		return "analytics"
	case "advertising", "marketing-automation", "social":
		return "marketing"
	case "security", "consent":
		return "necessary"
	case "functional", "customer-success":
		return "functional"
	}
	return "unknown"
}

// product returns the vendor's product with the name, or nil.
func (v *Vendor) product(name string) *Product {
	for _, p := range v.Products {
		if strings.EqualFold(p.Name, name) {
			return p
		}
	}
	return nil
}

// Vendors returns the catalogue's own vendors in catalogue order (built-in
// files sorted by name, then extra rules); EntityVendors returns the rest.
func (c *Catalogue) Vendors() []*Vendor { return slices.Clone(c.vendors) }

// Vendor returns the vendor with the slug (catalogue or entity vendor), or
// nil.
func (c *Catalogue) Vendor(slug string) *Vendor { return c.bySlug[slug] }

// ProbeGlobals returns the JavaScript paths the browser should probe on each
// page (sorted, deduplicated), e.g. "fbq", "leadinfo.t".
func (c *Catalogue) ProbeGlobals() []string {
	var out []string
	for _, m := range c.globals {
		out = append(out, m.Path)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// PolicyTerms returns, per vendor (catalogue and entity vendors), the names
// a policy may use for it.
func (c *Catalogue) PolicyTerms() []VendorTerms {
	out := make([]VendorTerms, 0, len(c.vendors)+len(c.entityVendors))
	for _, v := range slices.Concat(c.vendors, c.entityVendors) {
		vt := VendorTerms{
			Vendor: v.Slug, Name: v.Name,
			Terms: slices.Clone(v.PolicyTerms), Parents: slices.Clone(v.Parents), ParentContext: slices.Clone(v.ParentContext),
			MainContext: slices.Clone(v.MainContext),
		}
		for _, p := range v.Products[min(1, len(v.Products)):] {
			vt.Products = append(vt.Products, ProductTerms{Name: p.Name, Category: p.Category, Terms: slices.Clone(p.PolicyTerms)})
		}
		out = append(out, vt)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Vendor < out[j].Vendor })
	return out
}

// OwnerOfDomain returns the vendor that owns a registrable domain outright
// (e.g. "hs-analytics.net" → hubspot), or nil.
func (c *Catalogue) OwnerOfDomain(domain string) *Vendor { return c.domains[domain] }

// VendorForPlatform returns the vendor whose OCD platform list contains the
// platform name (case-insensitive), or nil.
func (c *Catalogue) VendorForPlatform(platform string) *Vendor {
	return c.ocd[strings.ToLower(platform)]
}
