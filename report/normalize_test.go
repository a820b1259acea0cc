package report_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/privscan/privscan/report"
)

// nullLists returns the JSON paths of list-typed fields (without
// omitempty) that v would encode as null.
func nullLists(path string, v reflect.Value) []string {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return nullLists(path, v.Elem())
	case reflect.Slice:
		var out []string
		for i := 0; i < v.Len(); i++ {
			out = append(out, nullLists(path+"[]", v.Index(i))...)
		}
		return out
	case reflect.Map:
		var out []string
		for _, k := range v.MapKeys() {
			e := v.MapIndex(k)
			if e.Kind() == reflect.Slice && e.IsNil() {
				out = append(out, path+"."+k.String())
			}
			out = append(out, nullLists(path+"."+k.String(), e)...)
		}
		return out
	case reflect.Struct:
		var out []string
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			tag := f.Tag.Get("json")
			name, opts, _ := strings.Cut(tag, ",")
			if name == "-" || !f.IsExported() {
				continue
			}
			fv := v.Field(i)
			if fv.Kind() == reflect.Slice && fv.IsNil() && !strings.Contains(opts, "omitempty") && f.Type.Elem().Kind() != reflect.Uint8 {
				out = append(out, path+"."+name)
			}
			out = append(out, nullLists(path+"."+name, fv)...)
		}
		return out
	}
	return nil
}

// TestJSONEmptyListsAreEmpty: a report with nothing in it still writes []
// for every list, at every depth.
func TestJSONEmptyListsAreEmpty(t *testing.T) {
	r := &report.Report{
		Trackers:     []report.Tracker{{Vendor: "x"}},
		Cookies:      []report.Cookie{{Name: "c"}},
		ThirdParties: []report.ThirdParty{{Domain: "a.example"}},
		Findings:     []report.Finding{{Code: "dnt-undisclosed"}},
		Policy:       &report.Policy{Found: true},
		Consent:      report.Consent{Journeys: []report.ConsentJourney{{Profile: "reject"}}},
		Signals:      report.Signals{Reads: map[string][]string{"doNotTrack": nil}},
	}
	if got := nullLists("", reflect.ValueOf(report.Normalized(r))); len(got) > 0 {
		t.Errorf("Normalized leaves null lists: %q", got)
	}
	var buf bytes.Buffer
	if err := report.NewJSONWriter(&buf).Write(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	var back report.Report
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"checks": []`, `"blocked": []`, `"evidence": []`, `"findings": [`, `"doNotTrack": []`, `"vendors_later": []`} {
		if !bytes.Contains(buf.Bytes(), []byte(want)) {
			t.Errorf("JSON lacks %s:\n%s", want, buf.String())
		}
	}
	if r.Checks != nil || r.Trackers[0].Blocked != nil {
		t.Error("the JSON writer changed the caller's report")
	}
}
