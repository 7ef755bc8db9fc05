package conformance

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// Error codes of refused inputs (STANDARD.md, "File").
const (
	// CodeInvalidInput means the input breaks the format: an unknown field,
	// a wrong JSON type, an impossible date, a value out of range.
	CodeInvalidInput = "invalid-input"
	// CodeUnknownRules means no national rule set is known for the date and
	// the calculation needs it.
	CodeUnknownRules = "unknown-rules"
)

// Error is a refused input: Code is "invalid-input" or "unknown-rules";
// Field names the input field (a JSON path like "children[1].hoursPerWeek")
// when known.
type Error struct {
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message,omitempty"`
}

// Error returns the code, the field and the message in one line.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Code)
	if e.Field != "" {
		b.WriteString(": ")
		b.WriteString(e.Field)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// invalid builds an invalid-input error for field.
func invalid(field, msg string) *Error {
	return &Error{Code: CodeInvalidInput, Field: field, Message: msg}
}

// unknownRules builds an unknown-rules error for field.
func unknownRules(field, msg string) *Error {
	return &Error{Code: CodeUnknownRules, Field: field, Message: msg}
}

// errorFrom turns err into an *Error: an *Error is returned as it is, a
// *domain.ValidationError becomes invalid-input naming its first field, and
// any other error becomes invalid-input without a field. nil stays nil.
func errorFrom(err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var v *domain.ValidationError
	if errors.As(err, &v) && len(v.Fields) > 0 {
		return invalid(v.Fields[0].Field, englishReason(v.Fields[0]))
	}
	return invalid("", err.Error())
}

// money formats a decimal as a string with exactly two decimals
// ("1400.00"), rounding half away from zero if it has more.
func money(d decimal.Decimal) string {
	return d.StringFixed(2)
}

// kindFunc evaluates one kind: input JSON in, the expect-shaped answer out
// (any value encoding/json can marshal), or an *Error.
type kindFunc func(input json.RawMessage) (any, error)

// maxInputDepth bounds the nesting of an input, so that hostile input cannot
// exhaust the stack.
const maxInputDepth = 64

// decodeInput decodes raw strictly into v, which must be a non-nil pointer.
// Unknown fields (matched exactly, not case-insensitively), duplicate keys,
// wrong JSON types, money or rates given as JSON numbers instead of strings,
// values refused by a field's UnmarshalText or UnmarshalJSON, and trailing
// data are *Error invalid-input naming the field as a JSON path
// ("children[1].hoursPerWeek"; "input" for the value as a whole). It never
// panics.
func decodeInput(raw json.RawMessage, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = invalid("input", fmt.Sprintf("cannot be decoded: %v", r))
		}
	}()
	rv := reflect.ValueOf(v)
	if !rv.IsValid() || rv.Kind() != reflect.Pointer || rv.IsNil() {
		return invalid("input", "internal: decodeInput needs a non-nil pointer")
	}
	tree, err := parseTree(raw)
	if err != nil {
		return err
	}
	if tree.kind == 'z' {
		return invalid("input", "is required")
	}
	if err := checkNode(tree, rv.Type().Elem(), ""); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	return nil
}

// decodeError maps an encoding/json error to invalid-input. checkNode has
// already refused nearly everything the decoder could; this is the safety net.
func decodeError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "input"
		}
		return invalid(field, "must be "+jsonTypeName(te.Type))
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return invalid("input", "is not valid JSON: "+se.Error())
	}
	if msg := err.Error(); strings.HasPrefix(msg, "json: unknown field ") {
		name, _ := strconv.Unquote(strings.TrimPrefix(msg, "json: unknown field "))
		return invalid(name, "unknown field")
	}
	return errorFrom(err)
}

// node is a parsed JSON value that keeps object keys in order.
type node struct {
	kind  byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' bool, 'z' null
	str   string
	keys  []string
	elems []*node // object values (parallel to keys) or array elements
}

// parseTree parses raw as exactly one JSON value, refusing duplicate object
// keys, nesting deeper than maxInputDepth and trailing data.
func parseTree(raw []byte) (*node, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, invalid("input", "is required")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	n, err := parseValue(dec, "", 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, invalid("input", "has data after the JSON value")
	}
	return n, nil
}

func parseValue(dec *json.Decoder, path string, depth int) (*node, error) {
	if depth > maxInputDepth {
		return nil, invalid(pathOrInput(path), "is nested too deeply")
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, invalid(pathOrInput(path), "is not valid JSON")
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n := &node{kind: 'o'}
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, invalid(pathOrInput(path), "is not valid JSON")
				}
				key, ok := kt.(string)
				if !ok {
					return nil, invalid(pathOrInput(path), "is not valid JSON")
				}
				child := joinKey(path, key)
				if seen[key] {
					return nil, invalid(child, "appears twice")
				}
				seen[key] = true
				val, err := parseValue(dec, child, depth+1)
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, key)
				n.elems = append(n.elems, val)
			}
			if _, err := dec.Token(); err != nil {
				return nil, invalid(pathOrInput(path), "is not valid JSON")
			}
			return n, nil
		case '[':
			n := &node{kind: 'a'}
			for i := 0; dec.More(); i++ {
				val, err := parseValue(dec, joinIndex(path, i), depth+1)
				if err != nil {
					return nil, err
				}
				n.elems = append(n.elems, val)
			}
			if _, err := dec.Token(); err != nil {
				return nil, invalid(pathOrInput(path), "is not valid JSON")
			}
			return n, nil
		}
		return nil, invalid(pathOrInput(path), "is not valid JSON")
	case string:
		return &node{kind: 's', str: t}, nil
	case json.Number:
		return &node{kind: 'n', str: string(t)}, nil
	case bool:
		if t {
			return &node{kind: 'b', str: "true"}, nil
		}
		return &node{kind: 'b', str: "false"}, nil
	case nil:
		return &node{kind: 'z'}, nil
	}
	return nil, invalid(pathOrInput(path), "is not valid JSON")
}

// encode writes n back as JSON text (for UnmarshalJSON checks).
func (n *node) encode(b *bytes.Buffer) {
	switch n.kind {
	case 'o':
		b.WriteByte('{')
		for i, k := range n.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			kb, _ := json.Marshal(k)
			b.Write(kb)
			b.WriteByte(':')
			n.elems[i].encode(b)
		}
		b.WriteByte('}')
	case 'a':
		b.WriteByte('[')
		for i, e := range n.elems {
			if i > 0 {
				b.WriteByte(',')
			}
			e.encode(b)
		}
		b.WriteByte(']')
	case 's':
		sb, _ := json.Marshal(n.str)
		b.Write(sb)
	case 'n', 'b':
		b.WriteString(n.str)
	default:
		b.WriteString("null")
	}
}

var (
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	rawMessageType      = reflect.TypeFor[json.RawMessage]()
	decimalType         = reflect.TypeFor[decimal.Decimal]()
	dateType            = reflect.TypeFor[date.Date]()
	nullDecimalType     = reflect.TypeFor[decimal.NullDecimal]()
)

// checkNode checks that n fits type t: known keys only, the right JSON
// types, and values that t's own unmarshalers accept.
func checkNode(n *node, t reflect.Type, path string) error {
	field := pathOrInput(path)
	if n.kind == 'z' {
		// null leaves the Go value as it is (zero); validation decides
		// whether the field was required.
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == rawMessageType:
		return nil
	case t == decimalType || t == nullDecimalType:
		if n.kind != 's' {
			return invalid(field, "must be a decimal string")
		}
		if _, err := decimal.NewFromString(n.str); err != nil || strings.TrimSpace(n.str) != n.str || n.str == "" {
			return invalid(field, "is not a decimal")
		}
		return nil
	case t == dateType:
		if n.kind != 's' {
			return invalid(field, "must be a date string YYYY-MM-DD")
		}
		if !isISODate(n.str) {
			return invalid(field, "must be a date YYYY-MM-DD that exists")
		}
		return nil
	case reflect.PointerTo(t).Implements(jsonUnmarshalerType):
		var b bytes.Buffer
		n.encode(&b)
		u := reflect.New(t).Interface().(json.Unmarshaler)
		if err := u.UnmarshalJSON(b.Bytes()); err != nil {
			return invalid(field, reasonOf(err))
		}
		return nil
	case reflect.PointerTo(t).Implements(textUnmarshalerType):
		if n.kind != 's' {
			return invalid(field, "must be a string")
		}
		u := reflect.New(t).Interface().(encoding.TextUnmarshaler)
		if err := u.UnmarshalText([]byte(n.str)); err != nil {
			return invalid(field, reasonOf(err))
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Interface:
		return nil
	case reflect.Bool:
		if n.kind != 'b' {
			return invalid(field, "must be true or false")
		}
	case reflect.String:
		if n.kind != 's' {
			return invalid(field, "must be a string")
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if n.kind != 'n' {
			return invalid(field, "must be an integer")
		}
		if _, err := strconv.ParseInt(n.str, 10, t.Bits()); err != nil {
			return invalid(field, "must be an integer")
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if n.kind != 'n' {
			return invalid(field, "must be a non-negative integer")
		}
		if _, err := strconv.ParseUint(n.str, 10, t.Bits()); err != nil {
			return invalid(field, "must be a non-negative integer")
		}
	case reflect.Float32, reflect.Float64:
		if n.kind != 'n' {
			return invalid(field, "must be a number")
		}
		if _, err := strconv.ParseFloat(n.str, t.Bits()); err != nil {
			return invalid(field, "must be a number")
		}
	case reflect.Slice, reflect.Array:
		if n.kind != 'a' {
			return invalid(field, "must be a list")
		}
		if t.Kind() == reflect.Array && len(n.elems) > t.Len() {
			return invalid(field, fmt.Sprintf("has more than %d elements", t.Len()))
		}
		for i, e := range n.elems {
			if err := checkNode(e, t.Elem(), joinIndex(path, i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		if n.kind != 'o' {
			return invalid(field, "must be an object")
		}
		if t.Key().Kind() != reflect.String {
			return invalid(field, "internal: map keys must be strings")
		}
		for i, k := range n.keys {
			if err := checkNode(n.elems[i], t.Elem(), joinKey(path, k)); err != nil {
				return err
			}
		}
	case reflect.Struct:
		if n.kind != 'o' {
			return invalid(field, "must be an object")
		}
		fields := jsonFields(t)
		for i, k := range n.keys {
			ft, ok := fields[k]
			if !ok {
				return invalid(joinKey(path, k), "unknown field")
			}
			if err := checkNode(n.elems[i], ft, joinKey(path, k)); err != nil {
				return err
			}
		}
	default:
		return invalid(field, "internal: unsupported type "+t.String())
	}
	return nil
}

// jsonFields maps the JSON names of t's fields (as encoding/json names
// them, including promoted fields of untagged embedded structs) to their
// types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range jsonFields(ft) {
					if _, dup := out[k]; !dup {
						out[k] = v
					}
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

// reasons are the tables of the packages whose calculations the kinds
// run, for the English text of a refusal's reason code.
var reasons = domain.ReasonTables{admission.ReasonTexts, billing.ReasonTexts, messaging.ReasonTexts, domain.ReasonTexts}

// englishReason writes f's reason in English with its parameters.
func englishReason(f domain.FieldError) string {
	return reasons.Text(f.Reason, domain.Pairs(f.Params)...)
}

// reasonOf returns the reason of a refused value in English: the first
// reason of a *domain.ValidationError with its parameters, otherwise the
// error text.
func reasonOf(err error) string {
	var v *domain.ValidationError
	if errors.As(err, &v) && len(v.Fields) > 0 {
		return englishReason(v.Fields[0])
	}
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return err.Error()
}

func jsonTypeName(t reflect.Type) string {
	if t == nil {
		return "of another type"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "of type " + t.String()
}

// isISODate reports whether s is a calendar date written YYYY-MM-DD that
// exists, by domain.ParseDate (date.Date's own parser would roll
// 2023-02-29 over to 1 March).
func isISODate(s string) bool {
	_, err := domain.ParseDate("date", s)
	return err == nil
}

func pathOrInput(path string) string {
	if path == "" {
		return "input"
	}
	return path
}

func joinKey(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func joinIndex(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}
