package conformance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

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
	return decodeStrict(raw, rv.Elem(), false)
}

// decodeStrict is decodeInput into the addressable v, in one pass over
// raw. When decoding fails, a syntax error, a repeated key or too deep a
// nesting anywhere in raw is reported instead, as if the whole text had
// been read first. With share, a json.RawMessage is a slice of raw (capped
// at its end), not a copy.
func decodeStrict(raw []byte, v reflect.Value, share bool) error {
	p := parser{data: raw, share: share}
	p.space()
	if p.pos == len(raw) {
		return invalid("input", "is required")
	}
	null := raw[p.pos] == 'n'
	err := p.decodeInto(v, 0)
	if err == nil {
		p.space()
		if p.pos != len(raw) {
			err = invalid("input", "has data after the JSON value")
		}
	}
	if err != nil {
		if _, serr := parseGuided(raw, nil); serr != nil {
			return serr
		}
		return err
	}
	if null {
		return invalid("input", "is required")
	}
	return nil
}

// encode writes n back as JSON text (for UnmarshalJSON checks).
func (n *node) encode(b *bytes.Buffer) {
	if n.lazy {
		b.Write(n.raw)
		return
	}
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
