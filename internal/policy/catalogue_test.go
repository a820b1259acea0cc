package policy

import (
	"sync"

	"github.com/privscan/privscan/detectors/catalogue"
)

// catalogueTerms are the vendor catalogue's names and products, as a scan
// hands them to the analyser (internal/scan policyTerms): the tests and the
// golden corpus exercise what scans use.
var catalogueTerms = sync.OnceValue(func() []VendorTerms {
	cat, err := catalogue.Load()
	if err != nil {
		panic(err) // embedded data; catalogue's own tests say why
	}
	var out []VendorTerms
	for _, v := range cat.PolicyTerms() {
		vt := VendorTerms{Vendor: v.Vendor, Name: v.Name, Terms: v.Terms, Parents: v.Parents, ParentContext: v.ParentContext, MainContext: v.MainContext}
		for _, p := range v.Products {
			vt.Products = append(vt.Products, ProductTerms{Name: p.Name, Category: p.Category, Terms: p.Terms})
		}
		// An entity vendor's company ("LogMeIn" for BoldChat) names it only
		// where data is said to go to the company.
		if cv := cat.Vendor(v.Vendor); cv != nil && cv.Source == catalogue.SourceEntity && cv.Entity != nil {
			vt = vt.WithCompany(cv.Entity.Company)
		}
		out = append(out, vt)
	}
	return out
})

// catalogueAnalyzer is catalogueTerms compiled once, as a scan does.
var catalogueAnalyzer = sync.OnceValue(func() *Analyzer { return NewAnalyzer(catalogueTerms()) })
