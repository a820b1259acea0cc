package report

import "testing"

// TestTrackerStanceByProduct: a policy naming only the Meta Pixel does
// not disclose Facebook's social plugins; one naming Facebook covers both.
func TestTrackerStanceByProduct(t *testing.T) {
	s := func(v string) *string { return &v }
	pixel := Tracker{Vendor: "facebook", Product: s("Meta Pixel")}
	social := Tracker{Vendor: "facebook", Product: s("Facebook social plugins"), OtherProduct: true}
	r := &Report{Policy: &Policy{Found: true, Vendors: []PolicyVendor{{Vendor: "facebook", Product: s("Meta Pixel"), Stance: "uses"}}}}
	if got := trackerPolicy(r, pixel); got != policyNamed {
		t.Errorf("pixel: %s", got)
	}
	if got := trackerPolicy(r, social); got != policyNotNamed {
		t.Errorf("social plugins with only the Pixel named: %s", got)
	}
	r.Policy.Vendors = append(r.Policy.Vendors, PolicyVendor{Vendor: "facebook", Stance: "denies"})
	if got := trackerPolicy(r, social); got != policyDenied {
		t.Errorf("social plugins when the company is denied: %s", got)
	}
}
