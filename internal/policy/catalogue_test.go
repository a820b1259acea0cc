package policy

import (
	"sync"

	"github.com/privscan/privscan/detectors/catalogue"
)

// catalogueTerms are the vendor catalogue's names, as a scan hands them to
// the analyser: the tests and the golden corpus exercise what scans use.
var catalogueTerms = sync.OnceValue(func() []VendorTerms {
	cat, err := catalogue.Load()
	if err != nil {
		panic(err) // embedded data; catalogue's own tests say why
	}
	var out []VendorTerms
	for _, v := range cat.PolicyTerms() {
		vt := VendorTerms{Vendor: v.Vendor, Name: v.Name, Terms: v.Terms, Parents: v.Parents, ParentContext: v.ParentContext}
		if cv := cat.Vendor(v.Vendor); cv != nil && cv.Source == catalogue.SourceEntity && cv.Entity != nil {
			vt = vt.WithCompany(cv.Entity.Company)
		}
		out = append(out, vt)
	}
	return out
})

// catalogueAnalyzer is catalogueTerms compiled once, as a scan does.
var catalogueAnalyzer = sync.OnceValue(func() *Analyzer { return NewAnalyzer(catalogueTerms()) })
