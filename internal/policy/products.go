package policy

import (
	"slices"
	"strings"
)

// ProductTerms is one of a vendor's products as policies name it (the
// catalogue's `products:` entries).
type ProductTerms struct {
	// Name is the product's report name ("Facebook social plugins").
	Name string `json:"name" yaml:"name"`
	// Category is the product's category ("social", "functional").
	Category string `json:"category" yaml:"category"`
	// Terms name the product. A term that contains one of the vendor's own
	// terms or parents ("Facebook Login") names it on its own; any other
	// ("share button") attributes a company-only mention in the same
	// sentence to this product.
	Terms []string `json:"policy_terms" yaml:"policy_terms"`
}

// vendorProducts is the compiled product knowledge of one vendor.
type vendorProducts struct {
	main        string   // the main product: the vendor's Name
	mainContext []string // lower-case cues for the main product
	context     []productCue
}

// productCue is a lower-case context phrase and the product it points to.
type productCue struct {
	phrase, product string
}

// compileProducts returns a vendor's context cues and its product-name
// terms (term → product), from its products and main-product context (the
// catalogue's, handed in by the caller).
func compileProducts(vt VendorTerms) (vendorProducts, map[string]string) {
	products := vt.Products
	vp := vendorProducts{main: vt.Name, mainContext: vt.MainContext}
	names := map[string]string{}
	own := make([]string, 0, len(vt.Terms)+len(vt.Parents))
	for _, t := range slices.Concat(vt.Terms, vt.Parents) {
		own = append(own, strings.ToLower(strings.TrimSpace(t)))
	}
	for _, p := range products {
		for _, t := range p.Terms {
			if containsAnyFold(t, own) {
				names[t] = p.Name
			} else {
				vp.context = append(vp.context, productCue{strings.ToLower(t), p.Name})
			}
		}
	}
	return vp, names
}

// containsAnyFold reports whether t contains one of names (lower case) as
// a word run, ignoring case.
func containsAnyFold(t string, names []string) bool {
	lt := strings.ToLower(t)
	for _, n := range names {
		if n == "" {
			continue
		}
		if i := strings.Index(lt, n); i >= 0 && wordBoundary(lt, i, i+len(n)) {
			return true
		}
	}
	return false
}

// companyOnly reports whether a vendor term names the company rather than a
// product: it begins a parent's name ("Facebook" of "Facebook, Inc.",
// "Meta Platforms" of "Meta Platforms, Inc.") and is not the product's own
// name ("HubSpot" is HubSpot's product).
func companyOnly(term string, vt VendorTerms) bool {
	lt := strings.ToLower(term)
	if strings.Contains(lt, strings.ToLower(vt.Name)) {
		return false // "Leadinfo B.V." names Leadinfo
	}
	for _, p := range vt.Parents {
		lp := strings.ToLower(p)
		if lp == lt || strings.HasPrefix(lp, lt+" ") || strings.HasPrefix(lp, lt+",") {
			return true
		}
	}
	return false
}

// productFor attributes a company-only mention by the words of its
// sentence: a product's context first ("share button" → social plugins),
// then the main product's ("pixel" → Meta Pixel); "" when the sentence
// names only the company.
func (vp *vendorProducts) productFor(lowerSentence string) string {
	for _, c := range vp.context {
		if strings.Contains(lowerSentence, c.phrase) {
			return c.product
		}
	}
	for _, c := range vp.mainContext {
		if strings.Contains(lowerSentence, c) {
			return vp.main
		}
	}
	return ""
}
