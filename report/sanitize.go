package report

import "reflect"

// sanitized returns a deep copy of r in which every string (struct
// fields, slice elements, map keys and values) has its control characters
// replaced (see stripControls). The HTML writer renders the copy, so a
// hostile page cannot put terminal escapes or other invisible controls in
// a client's report; html/template still escapes the markup.
func sanitized(r *Report) *Report {
	out := cleanValue(reflect.ValueOf(r))
	return out.Interface().(*Report)
}

func cleanValue(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.String:
		return reflect.ValueOf(stripControls(v.String())).Convert(v.Type())
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		p := reflect.New(v.Type().Elem())
		p.Elem().Set(cleanValue(v.Elem()))
		return p
	case reflect.Slice:
		if v.IsNil() || v.Type().Elem().Kind() == reflect.Uint8 {
			return v // nil, or bytes (images) kept as they are
		}
		s := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			s.Index(i).Set(cleanValue(v.Index(i)))
		}
		return s
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		m := reflect.MakeMapWithSize(v.Type(), v.Len())
		it := v.MapRange()
		for it.Next() {
			m.SetMapIndex(cleanValue(it.Key()), cleanValue(it.Value()))
		}
		return m
	case reflect.Struct:
		s := reflect.New(v.Type()).Elem()
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				return v // e.g. time.Time: nothing to clean, copy as is
			}
		}
		for i := range v.NumField() {
			s.Field(i).Set(cleanValue(v.Field(i)))
		}
		return s
	}
	return v
}
