package catalogue

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/privscan/privscan/crawler"
)

// entitiesJSON is the third-party-web entity table (MIT, Patrick Hulce; see
// data/third-party-web/LICENSE and README.md): every third-party host seen
// by the HTTP Archive crawl, named by entity, company and category.
//
//go:embed data/third-party-web/entities.json
var entitiesJSON []byte

// Sources of a vendor (report trackers[].source).
const (
	// SourceCatalogue is a vendor with its own rule file (built-in or
	// --rules): footprints, IDs, cookies.
	SourceCatalogue = "catalogue"
	// SourceEntity is a vendor known only from the third-party-web table:
	// recognised by the hosts it serves from.
	SourceEntity = "entity"
)

// EntityCategories maps the entity table's categories that make an entity
// a vendor to catalogue categories, one for one: a chat or support widget
// (customer-success) keeps its own category, which the audit treats as
// needing consent, rather than being folded into functional (products the
// visitor invokes, exempt). Other categories (cdn, hosting, utility,
// content, video, consent-provider, other) name a third party but do not
// make it a tracker.
var EntityCategories = map[string]string{
	"ad":               "advertising",
	"analytics":        "analytics",
	"social":           "social",
	"marketing":        "marketing-automation",
	"customer-success": "customer-success",
	"tag-manager":      "tag-manager",
}

// Entity is one row of the third-party-web table.
type Entity struct {
	// Name is the entity's name ("Adroll"); Company its owner, which the
	// table leaves out when it is the entity itself (then Company = Name).
	Name     string
	Company  string
	Category string // the table's category: ad, analytics, cdn, …
	Homepage string
	// Vendor is the entity vendor its hosts are attributed to when no
	// catalogue rule matched, or nil: entities of non-tracking categories,
	// and entities covered by catalogue vendors (whose rules alone decide,
	// because the table's granularity misleads there: "LinkedIn Ads" owns
	// www.linkedin.com, "Bing Ads" all of *.microsoft.com, "Facebook" is
	// one entity for pixel, plugins and login).
	Vendor *Vendor
	// CoveredBy is the catalogue vendor that covers this entity, or nil.
	CoveredBy *Vendor
}

type rawEntity struct {
	Name     string   `json:"name"`
	Company  string   `json:"company"`
	Homepage string   `json:"homepage"`
	Category string   `json:"category"`
	Domains  []string `json:"domains"`
}

// entityIndex finds the entity of a host: exact hosts first, then
// "*.suffix" patterns (which also cover the bare suffix), longest suffix
// first.
type entityIndex struct {
	exact map[string]*Entity
	wild  map[string]*Entity
	all   []*Entity
}

func (x *entityIndex) lookup(host string) *Entity {
	if x == nil {
		return nil
	}
	if e := x.exact[host]; e != nil {
		return e
	}
	for s := host; s != ""; {
		if e := x.wild[s]; e != nil {
			return e
		}
		i := strings.IndexByte(s, '.')
		if i < 0 {
			break
		}
		s = s[i+1:]
	}
	return nil
}

// EntitySlug is the vendor slug of an entity: the kebab-case of its name
// ("Tawk.to" → "tawk-to", "Google/Doubleclick Ads" →
// "google-doubleclick-ads").
func EntitySlug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	return b.String()
}

// commonWords are entity names that are ordinary words in a privacy policy
// ("Signal", "Answers", "Monitor"): a policy that uses the word does not
// name the vendor. Such vendors are named in a policy only by their web
// address or, where it differs, their company.
var commonWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`ada alchemy alexa altitude ambassador answers arena arm attentive attribution augur avail
		bam basis beeswax buffer button cabin chameleon collective communicator compete concert consumable
		drip fam genie gleam heatmap here hero hybrid ido ink insider integrate interstate interview iterate
		jellyfish keen magnetic measured melt meme monitor narrative needle news oracle pepper placed playground
		polar privy radar ram recommend reflow run scenario signal spicy spoke statable sumo swoop thesis tonic
		turn unite ve whitespace wishlist carrot`) {
		commonWords[w] = true
	}
}

var homepageHost = regexp.MustCompile(`^https?://(?:www\.)?([a-z0-9.-]+\.[a-z]{2,})`)

// loadEntities parses the embedded table and makes entity vendors for the
// tracking categories, except where a catalogue vendor covers the entity:
// an entity host on a registrable domain a catalogue vendor owns, or an
// exact entity host a catalogue matcher names. Entity vendors whose slug a
// catalogue vendor already uses are left out (the catalogue takes
// precedence).
func (c *Catalogue) loadEntities(data []byte) error {
	var raws []rawEntity
	if err := json.Unmarshal(data, &raws); err != nil {
		return fmt.Errorf("catalogue: third-party-web entities: %w", err)
	}
	matcherHosts := map[string]*Vendor{}
	for _, v := range c.vendors {
		for _, m := range v.Matchers {
			for _, h := range m.hosts {
				if !strings.HasPrefix(h, "*.") {
					matcherHosts[h] = v
				}
			}
		}
	}
	x := &entityIndex{exact: map[string]*Entity{}, wild: map[string]*Entity{}}
	// A company names an entity vendor only when it owns nothing else: not
	// another entity of the table, not a catalogue vendor ("Microsoft"
	// owns Bing Ads, Clarity, Azure, Xbox Live; "Google" a dozen).
	companies := map[string]int{} // lower-case company → entities it owns
	for _, r := range raws {
		companies[strings.ToLower(cmpOr(r.Company, r.Name))]++
	}
	for _, v := range c.vendors {
		for _, n := range slices.Concat(v.Parents, v.PolicyTerms) {
			companies[strings.ToLower(n)] += 2
		}
	}
	for _, r := range raws {
		if r.Name == "" {
			continue
		}
		e := &Entity{Name: r.Name, Company: cmpOr(r.Company, r.Name), Category: r.Category, Homepage: r.Homepage}
		for _, d := range r.Domains {
			d = strings.ToLower(strings.TrimSpace(d))
			suffix, wild := strings.CutPrefix(d, "*.")
			if wild {
				if _, dup := x.wild[suffix]; !dup {
					x.wild[suffix] = e
				}
			} else if _, dup := x.exact[d]; !dup {
				x.exact[d] = e
			}
			if e.CoveredBy == nil {
				if v := c.domains[crawler.RegistrableDomain(suffix)]; v != nil {
					e.CoveredBy = v
				} else if v := matcherHosts[d]; !wild && v != nil {
					e.CoveredBy = v
				}
			}
		}
		x.all = append(x.all, e)
		cat, tracking := EntityCategories[r.Category]
		if !tracking || e.CoveredBy != nil {
			continue
		}
		slug := EntitySlug(r.Name)
		if slug == "" || c.bySlug[slug] != nil {
			continue
		}
		v := &Vendor{
			Slug: slug, Name: r.Name, Category: cat, Source: SourceEntity, Entity: e,
			Description: fmt.Sprintf("%s (third-party-web entity, category %s).", r.Name, r.Category),
		}
		v.PolicyTerms, v.Parents = entityTerms(e, companies[strings.ToLower(e.Company)] == 1)
		v.Products = []*Product{{Vendor: v, Name: v.Name, Category: v.Category, PolicyTerms: v.PolicyTerms}}
		e.Vendor = v
		c.bySlug[slug] = v
		c.entityVendors = append(c.entityVendors, v)
	}
	c.entities = x
	return nil
}

// entityTerms are the names a policy may use for an entity vendor: its name
// (unless the name is a common word, then its web address), and its company
// when the company owns no other tracking entity; a company that owns
// several is only a parent, which never names the vendor alone.
func entityTerms(e *Entity, soleEntity bool) (terms, parents []string) {
	if commonWords[strings.ToLower(e.Name)] {
		if m := homepageHost.FindStringSubmatch(strings.ToLower(e.Homepage)); m != nil {
			terms = append(terms, m[1])
		}
		parents = append(parents, e.Name)
	} else {
		terms = append(terms, e.Name)
	}
	if e.Company != e.Name {
		if soleEntity && !commonWords[strings.ToLower(e.Company)] && !legalSuffix.MatchString(e.Company) {
			terms = append(terms, e.Company)
		} else {
			parents = append(parents, e.Company)
		}
	}
	if len(terms) == 0 {
		// Nothing distinctive to look for: the slug never occurs in prose,
		// so the vendor is never named by accident.
		terms = append(terms, e.Name+" ("+e.Company+")")
	}
	return slices.Compact(terms), slices.Compact(parents)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// EntityOfHost returns the third-party-web entity of a host name (lower
// case, no port), or nil.
func (c *Catalogue) EntityOfHost(host string) *Entity { return c.entities.lookup(host) }

// Entities returns every entity of the table, in table order.
func (c *Catalogue) Entities() []*Entity {
	if c.entities == nil {
		return nil
	}
	return slices.Clone(c.entities.all)
}

// EntityVendors returns the vendors made from the entity table (source
// "entity"), in table order. Vendors returns the catalogue's own.
func (c *Catalogue) EntityVendors() []*Vendor { return slices.Clone(c.entityVendors) }
