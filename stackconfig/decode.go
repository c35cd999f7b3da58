package stackconfig

import (
	"encoding/json"
	"fmt"
	"github.com/example/hardening/internal/awsname"
	"reflect"
	"slices"
	"strings"
)

// decodeObject overlays the JSON value stored at key onto out, which holds
// the defaults already. The value is first checked against out's shape, so
// that every unknown setting and every value of the wrong type is reported
// at once, each at its full path with list indices
// ("secrets.inventory[1].readers[0]"), with what would be valid.
func decodeObject(lookup Lookup, key string, out any) []error {
	raw, ok := lookup(key)
	if !ok {
		return nil
	}
	var v any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		return []error{fieldErr(key, "is not valid JSON: %v", err)}
	}
	if errs := checkShape(v, reflect.TypeOf(out).Elem(), key); len(errs) > 0 {
		return errs
	}
	if err := json.Unmarshal([]byte(raw), out); err != nil {
		return []error{fieldErr(key, "cannot be read: %v", err)}
	}
	return nil
}

// checkShape walks v, decoded from JSON, against the Go type t and returns
// every unknown object key and every value of the wrong type, each naming
// its full path. Keys match the json tags exactly (encoding/json would also
// take "MFA" for "mfa"; a stack file should not depend on that).
func checkShape(v any, t reflect.Type, path string) []error {
	if v == nil {
		return nil // null keeps the default
	}
	switch t.Kind() {
	case reflect.Pointer:
		return checkShape(v, t.Elem(), path)
	case reflect.Interface:
		return nil
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return []error{fieldErr(path, "expected an object, got %s", jsonKind(v))}
		}
		fields := jsonFields(t)
		var names []string
		for n := range fields {
			names = append(names, n)
		}
		slices.Sort(names)
		var errs []error
		for _, k := range sortedKeys(obj) {
			ft, known := fields[k]
			if !known {
				errs = append(errs, fieldErr(path+"."+k, "is not a known setting%s; valid here: %s", suggest(k, names), strings.Join(names, ", ")))
				continue
			}
			errs = append(errs, checkShape(obj[k], ft, path+"."+k)...)
		}
		return errs
	case reflect.Slice:
		list, ok := v.([]any)
		if !ok {
			return []error{fieldErr(path, "expected a list, got %s", jsonKind(v))}
		}
		var errs []error
		for i, e := range list {
			errs = append(errs, checkShape(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i))...)
		}
		return errs
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			return []error{fieldErr(path, "expected an object, got %s", jsonKind(v))}
		}
		var errs []error
		for _, k := range sortedKeys(obj) {
			errs = append(errs, checkShape(obj[k], t.Elem(), path+"."+k)...)
		}
		return errs
	case reflect.String:
		if _, ok := v.(string); !ok {
			return []error{fieldErr(path, "expected a string, got %s", jsonKind(v))}
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			return []error{fieldErr(path, "expected true or false, got %s", jsonKind(v))}
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		f, ok := v.(float64)
		if !ok || f != float64(int64(f)) {
			return []error{fieldErr(path, "expected a whole number, got %s", jsonKind(v))}
		}
	case reflect.Float64:
		if _, ok := v.(float64); !ok {
			return []error{fieldErr(path, "expected a number, got %s", jsonKind(v))}
		}
	}
	return nil
}

// jsonFields maps a struct's JSON keys to their types, with the fields of
// embedded structs flattened as encoding/json does.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for n, ft := range jsonFields(f.Type) {
				if _, shadowed := fields[n]; !shadowed {
					fields[n] = ft
				}
			}
			continue
		}
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		fields[name] = f.Type
	}
	return fields
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// jsonKind names a decoded JSON value for a message.
func jsonKind(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("the string %q", x)
	case bool:
		return fmt.Sprintf("%v", x)
	case float64:
		return fmt.Sprintf("the number %v", x)
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// suggest names the valid key closest to k, when one is close.
func suggest(k string, valid []string) string {
	best, bestDist := "", 3
	lk := strings.ToLower(k)
	for _, v := range valid {
		lv := strings.ToLower(v)
		d := awsname.EditDistance(lk, lv)
		if strings.HasPrefix(lk, lv) || strings.HasPrefix(lv, lk) {
			d = min(d, 2) // mfaMode for mfa, rotation for rotationDays
		}
		if d < bestDist {
			best, bestDist = v, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}
