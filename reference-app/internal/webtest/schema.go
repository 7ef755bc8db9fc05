package webtest

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// ValidateSchema checks a decoded JSON value (numbers as json.Number)
// against the subset of JSON Schema the document uses: $ref, type (one or
// a list), properties, required, additionalProperties, items, enum,
// format (date, date-time, uuid, uri), pattern, minimum, maximum,
// maxLength, oneOf and anyOf. It returns what does not match, by JSON
// pointer.
func ValidateSchema(doc map[string]any, schema, value any, at string) []string {
	s, ok := schema.(map[string]any)
	if !ok {
		return []string{at + ": the schema is not an object"}
	}
	if ref, ok := s["$ref"].(string); ok {
		name, found := strings.CutPrefix(ref, "#/components/schemas/")
		target, exists := doc["components"].(map[string]any)["schemas"].(map[string]any)[name]
		if !found || !exists {
			return []string{at + ": unresolved $ref " + ref}
		}
		return ValidateSchema(doc, target, value, at)
	}
	var out []string
	fail := func(format string, args ...any) { out = append(out, at+": "+fmt.Sprintf(format, args...)) }
	for _, key := range []string{"oneOf", "anyOf"} {
		alts, ok := s[key].([]any)
		if !ok {
			continue
		}
		matched := 0
		for _, alt := range alts {
			if len(ValidateSchema(doc, alt, value, at)) == 0 {
				matched++
			}
		}
		if matched == 0 || (key == "oneOf" && matched > 1) {
			fail("%d of the %s alternatives match", matched, key)
		}
	}
	if t, ok := s["type"]; ok {
		var types []string
		switch t := t.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, x := range t {
				types = append(types, x.(string))
			}
		case []string:
			types = t
		}
		if !slices.Contains(types, jsonType(value)) && !(jsonType(value) == "integer" && slices.Contains(types, "number")) {
			fail("is %s, not %v", jsonType(value), types)
			return out
		}
	}
	if enum, ok := s["enum"]; ok {
		if !slices.ContainsFunc(AnySlice(enum), func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(value) }) {
			fail("%v is not one of %v", value, enum)
		}
	}
	switch v := value.(type) {
	case string:
		if f, ok := s["format"].(string); ok && !formatOK(f, v) {
			fail("%q is not a %s", v, f)
		}
		if p, ok := s["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(v) {
			fail("%q does not match %s", v, p)
		}
		if n, ok := s["maxLength"]; ok && utf8.RuneCountInString(v) > asInt(n) {
			fail("is longer than %v", n)
		}
	case json.Number:
		f, _ := v.Float64()
		if n, ok := s["minimum"]; ok && f < float64(asInt(n)) {
			fail("%v is below %v", v, n)
		}
		if n, ok := s["maximum"]; ok && f > float64(asInt(n)) {
			fail("%v is above %v", v, n)
		}
	case []any:
		if items, ok := s["items"]; ok {
			for i, x := range v {
				out = append(out, ValidateSchema(doc, items, x, fmt.Sprintf("%s/%d", at, i))...)
			}
		}
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		for _, name := range AnySlice(s["required"]) {
			if _, ok := v[name.(string)]; !ok {
				fail("lacks the required %q", name)
			}
		}
		for _, name := range slices.Sorted(maps.Keys(v)) {
			if p, ok := props[name]; ok {
				out = append(out, ValidateSchema(doc, p, v[name], at+"/"+name)...)
				continue
			}
			switch extra := s["additionalProperties"].(type) {
			case bool:
				if !extra {
					fail("has %q, which the schema does not know", name)
				}
			case map[string]any:
				out = append(out, ValidateSchema(doc, extra, v[name], at+"/"+name)...)
			}
		}
	}
	return out
}

func jsonType(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number:
		if _, err := v.Int64(); err == nil {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func AnySlice(v any) []any {
	switch v := v.(type) {
	case []any:
		return v
	case []string:
		out := make([]any, len(v))
		for i, s := range v {
			out[i] = s
		}
		return out
	}
	return nil
}

func asInt(v any) int {
	switch v := v.(type) {
	case int:
		return v
	case float64:
		return int(v)
	case json.Number:
		n, _ := v.Int64()
		return int(n)
	}
	return 0
}

var UUIDPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func formatOK(format, s string) bool {
	switch format {
	case "date":
		_, err := time.Parse(time.DateOnly, s)
		return err == nil
	case "date-time":
		_, err := time.Parse(time.RFC3339Nano, s)
		return err == nil
	case "uuid":
		return UUIDPattern.MatchString(s)
	case "uri":
		u, err := url.Parse(s)
		return err == nil && u.Scheme != ""
	}
	return true
}
