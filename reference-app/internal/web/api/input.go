package api

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/oppvekst/oppvekst/domain"
)

// The app's edge: every string and date that comes in is checked here, in
// one place, before a handler sees it, so that no route needs code of its
// own for it and no request reaches a store with a NUL (PostgreSQL cannot
// keep one) or a date the calendar does not have (date.Date's own parser
// would roll 2026-02-30 over to 2 March):
//
//   - JSON bodies: checkJSON, the strict pass of DecodeStrict;
//   - query strings and forms: checkRequestInput, called by wrap for every
//     route.
//
// The domain's records apply the same rules again (domain.CheckLine,
// CheckText, ParseDate), so a vendor using the library directly is
// protected too; the handlers parse dates and months of forms and queries
// with domain.ParseDate and domain.ParseMonth.

var (
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// checkJSON walks the JSON value v (decoded into any, with UseNumber) along
// the Go type t it will be decoded into, and records a field error naming
// the JSON path (period.start, children[1].birthDate) for:
//   - a string with a control character other than tab and line breaks
//     (domain.CheckText), anywhere in the body;
//   - a date.Date whose string is not a day of the calendar
//     (domain.ParseDate);
//   - a value of a type that unmarshals itself (an ID, a month, a national
//     ID, a time) that it refuses, with its own reason.
//
// Shapes that do not fit t (a number for a string, an unknown field) are
// left to the decoder, which names them.
func checkJSON(t reflect.Type, v any, path string, p *domain.Problems) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if s, ok := v.(string); ok {
		switch {
		case t == DateType:
			if _, err := domain.ParseDate(fieldName(path), s); err != nil {
				p.Merge("", err)
			}
			return
		case t != nil && t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
			return // base64; the decoder checks it
		}
		if err := domain.CheckText(fieldName(path), s); err != nil {
			p.Merge("", err)
			return
		}
	}
	if v == nil {
		return
	}
	if t != nil && t.Kind() != reflect.Interface && UnmarshalsItself(t) {
		if t == DateType {
			return // not a string: the decoder names the wrong type
		}
		b, err := json.Marshal(v)
		if err != nil {
			return
		}
		err = json.Unmarshal(b, reflect.New(t).Interface())
		var ve *domain.ValidationError
		var typ *json.UnmarshalTypeError
		switch {
		case err == nil, errors.As(err, &typ):
		case errors.As(err, &ve):
			for _, f := range ve.Fields {
				p.Add(fieldName(path), f.Reason)
			}
		case errors.As(err, new(*time.ParseError)):
			// An instant is RFC 3339 with its offset
			// ("2027-05-20T18:00:00+02:00"); a Go parser's message is no
			// reason a user can read.
			p.Add(fieldName(path), ReasonNotAnInstant)
		default:
			p.Add(fieldName(path), ReasonCannotBeRead)
		}
		return
	}
	switch x := v.(type) {
	case map[string]any:
		for _, key := range sortedKeys(x) {
			var ft reflect.Type
			switch {
			case t == nil || t.Kind() == reflect.Interface:
			case t.Kind() == reflect.Map:
				ft = t.Elem()
			case t.Kind() == reflect.Struct:
				f, ok := jsonField(t, key)
				if !ok {
					continue // an unknown field: the decoder refuses it
				}
				ft = f
			default:
				continue
			}
			checkJSON(ft, x[key], joinPath(path, key), p)
		}
	case []any:
		var et reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			et = t.Elem()
		} else if t != nil && t.Kind() != reflect.Interface {
			return
		}
		for i, e := range x {
			checkJSON(et, e, path+"["+strconv.Itoa(i)+"]", p)
		}
	}
}

func UnmarshalsItself(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return pt.Implements(jsonUnmarshalerType) || pt.Implements(textUnmarshalerType)
}

func fieldName(path string) string {
	if path == "" {
		return "(body)"
	}
	return path
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// decodeFields caches, per struct type, the fields encoding/json decodes
// into by their JSON name (JSONFields in openapi.go: promoted fields of
// embedded structs included, a shallower name hiding a deeper one).
var decodeFields sync.Map

// FieldTypes maps the JSON names of a struct type's fields to their types.
func FieldTypes(t reflect.Type) map[string]reflect.Type {
	if m, ok := decodeFields.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	fields := map[string]reflect.Type{}
	for _, f := range JSONFields(t) {
		fields[f.Name] = f.Type
	}
	m, _ := decodeFields.LoadOrStore(t, fields)
	return m.(map[string]reflect.Type)
}

// jsonField finds the field encoding/json would decode key into: the exact
// name, or else one that matches without regard to case.
func jsonField(t reflect.Type, key string) (reflect.Type, bool) {
	fields := FieldTypes(t)
	if f, ok := fields[key]; ok {
		return f, true
	}
	for name, f := range fields {
		if strings.EqualFold(name, key) {
			return f, true
		}
	}
	return nil, false
}

// Reasons of a value that refuses to unmarshal itself.
const (
	// ReasonNotAnInstant: an instant must be RFC 3339 with its offset.
	ReasonNotAnInstant = "not-an-instant"
	// ReasonCannotBeRead: a value of a type that reads itself refused, for
	// a reason of its own that is not a validation error.
	ReasonCannotBeRead = "cannot-be-read"
)

// strictJSON is the strict pass of DecodeStrict over a body that is valid
// JSON; nil when there is nothing to refuse (or the body is no JSON, which
// the decoder reports).
func strictJSON(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var raw any
	if err := dec.Decode(&raw); err != nil {
		return nil
	}
	var p domain.Problems
	checkJSON(reflect.TypeOf(v), raw, "", &p)
	return p.Err()
}

func CheckValues(p *domain.Problems, vs url.Values, check func(field, s string) error) {
	keys := make([]string, 0, len(vs))
	for k := range vs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := domain.CheckLine("(name)", k); err != nil {
			p.Add(strconv.QuoteToASCII(k), domain.ReasonControl)
			continue
		}
		for _, v := range vs[k] {
			if err := check(k, v); err != nil {
				p.Merge("", err)
				break
			}
		}
	}
}
