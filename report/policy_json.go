package report

import "encoding/json"

// MarshalJSON writes the policy section with documents as [] when none were
// tried (reports stored before the field existed have none).
func (p Policy) MarshalJSON() ([]byte, error) {
	type plain Policy
	if p.Documents == nil {
		p.Documents = []PolicyDocument{}
	}
	return json.Marshal(plain(p))
}
