package conformance

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/domain"
)

var (
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	rawMessageType      = reflect.TypeFor[json.RawMessage]()
	decimalType         = reflect.TypeFor[decimal.Decimal]()
	dateType            = reflect.TypeFor[date.Date]()
	nullDecimalType     = reflect.TypeFor[decimal.NullDecimal]()
)

// decodeInto reads one JSON value from the parser straight into v
// (addressable), strictly: known keys only (matched exactly), no key twice
// in one object, the right JSON types, and values that the target's own
// unmarshalers accept. No tree is built, except for a value decoded into
// an empty interface. An error names the place as a JSON path; it may come
// before a syntax error further on, which decodeInput puts first.
func (p *parser) decodeInto(v reflect.Value, depth int) error {
	if depth > maxInputDepth {
		return invalid(p.path.field(), "is nested too deeply")
	}
	p.space()
	if p.pos >= len(p.data) {
		return p.syntax()
	}
	start, c, t := p.pos, p.data[p.pos], v.Type()
	if c == 'n' {
		// null: RawMessage keeps the text (as encoding/json does);
		// anything else is left as it is (zero), and validation decides
		// whether the field was required.
		if !p.word("null") {
			return p.syntax()
		}
		if t == rawMessageType {
			v.SetBytes(json.RawMessage("null"))
		}
		return nil
	}
	if t.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(t.Elem()))
		}
		return p.decodeInto(v.Elem(), depth)
	}
	field := func() string { return p.path.field() }
	switch class := classOf(t); {
	case class == classRaw:
		if err := p.skip(depth); err != nil {
			return err
		}
		raw := p.data[start:p.pos:p.pos]
		if !p.share {
			raw = append(json.RawMessage(nil), raw...)
		}
		v.SetBytes(raw)
		return nil
	case class == classDecimal:
		if c != '"' {
			return invalid(field(), "must be a decimal string")
		}
		b, err := p.stringBytes()
		if err != nil {
			return err
		}
		s := string(b)
		dec, err := decimal.NewFromString(s)
		if err != nil || strings.TrimSpace(s) != s || s == "" {
			return invalid(field(), "is not a decimal")
		}
		if t == nullDecimalType {
			v.Set(reflect.ValueOf(decimal.NullDecimal{Decimal: dec, Valid: true}))
		} else {
			v.Set(reflect.ValueOf(dec))
		}
		return nil
	case class == classDate:
		if c != '"' {
			return invalid(field(), "must be a date string YYYY-MM-DD")
		}
		b, err := p.stringBytes()
		if err != nil {
			return err
		}
		day, err := domain.ParseDate("date", string(b))
		if err != nil {
			return invalid(field(), "must be a date YYYY-MM-DD that exists")
		}
		v.Set(reflect.ValueOf(day))
		return nil
	case class == classJSON:
		if err := p.skip(depth); err != nil {
			return err
		}
		if err := v.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(p.data[start:p.pos]); err != nil {
			return invalid(field(), reasonOf(err))
		}
		return nil
	case class == classText:
		if c != '"' {
			return invalid(field(), "must be a string")
		}
		b, err := p.stringBytes()
		if err != nil {
			return err
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText(b); err != nil {
			return invalid(field(), reasonOf(err))
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Interface:
		if t.NumMethod() != 0 {
			return invalid(field(), "internal: unsupported type "+t.String())
		}
		n, err := p.value(depth, full)
		if err != nil {
			return err
		}
		v.Set(reflect.ValueOf(anyOf(n)))
	case reflect.Bool:
		switch {
		case c == 't' && p.word("true"):
			v.SetBool(true)
		case c == 'f' && p.word("false"):
			v.SetBool(false)
		default:
			return invalid(field(), "must be true or false")
		}
	case reflect.String:
		if c != '"' {
			return invalid(field(), "must be a string")
		}
		b, err := p.stringBytes()
		if err != nil {
			return err
		}
		v.SetString(string(b))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if (c != '-' && (c < '0' || c > '9')) || !p.number() {
			return invalid(field(), "must be an integer")
		}
		i, err := strconv.ParseInt(string(p.data[start:p.pos]), 10, t.Bits())
		if err != nil {
			return invalid(field(), "must be an integer")
		}
		v.SetInt(i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if (c != '-' && (c < '0' || c > '9')) || !p.number() {
			return invalid(field(), "must be a non-negative integer")
		}
		u, err := strconv.ParseUint(string(p.data[start:p.pos]), 10, t.Bits())
		if err != nil {
			return invalid(field(), "must be a non-negative integer")
		}
		v.SetUint(u)
	case reflect.Float32, reflect.Float64:
		if (c != '-' && (c < '0' || c > '9')) || !p.number() {
			return invalid(field(), "must be a number")
		}
		f, err := strconv.ParseFloat(string(p.data[start:p.pos]), t.Bits())
		if err != nil {
			return invalid(field(), "must be a number")
		}
		v.SetFloat(f)
	case reflect.Slice, reflect.Array:
		if c != '[' {
			return invalid(field(), "must be a list")
		}
		// A slice is grown in place (v is addressable), without the
		// allocations of reflect.MakeSlice and reflect.Append; an empty
		// list is an empty slice, not nil, as encoding/json makes it.
		slice := t.Kind() == reflect.Slice
		if slice {
			v.SetZero()
		}
		err := p.members(false, func(_ []byte, i int) error {
			p.path = append(p.path, pathSeg{index: i})
			if !slice && i >= t.Len() {
				p.path = p.path[:len(p.path)-1]
				return invalid(field(), fmt.Sprintf("has more than %d elements", t.Len()))
			}
			if slice {
				if i == v.Cap() {
					v.Grow(max(8, i))
				}
				v.SetLen(i + 1)
			}
			if err := p.decodeInto(v.Index(i), depth+1); err != nil {
				return err
			}
			p.path = p.path[:len(p.path)-1]
			return nil
		})
		if err != nil {
			return err
		}
		if slice && v.Len() == 0 {
			v.Set(emptySlice(t))
		}
	case reflect.Map:
		if c != '{' {
			return invalid(field(), "must be an object")
		}
		if t.Key().Kind() != reflect.String {
			return invalid(field(), "internal: map keys must be strings")
		}
		m := reflect.MakeMap(t)
		elem := reflect.New(t.Elem()).Elem()
		err := p.members(true, func(kb []byte, _ int) error {
			key := reflect.ValueOf(string(kb)).Convert(t.Key())
			p.path = append(p.path, pathSeg{key: kb, index: -1})
			if m.MapIndex(key).IsValid() {
				return invalid(p.path.String(), "appears twice")
			}
			elem.SetZero()
			if err := p.decodeInto(elem, depth+1); err != nil {
				return err
			}
			p.path = p.path[:len(p.path)-1]
			m.SetMapIndex(key, elem)
			return nil
		})
		if err != nil {
			return err
		}
		v.Set(m)
	case reflect.Struct:
		if c != '{' {
			return invalid(field(), "must be an object")
		}
		fields := jsonFields(t)
		base := len(p.skipped)
		err := p.members(true, func(kb []byte, _ int) error {
			index, ok := fields[string(kb)]
			p.path = append(p.path, pathSeg{key: kb, index: -1})
			if !ok {
				return invalid(p.path.String(), "unknown field")
			}
			for _, k := range p.skipped[base:] {
				if string(k) == string(kb) {
					return invalid(p.path.String(), "appears twice")
				}
			}
			p.skipped = append(p.skipped, kb)
			f, err := fieldByIndex(v, index)
			if err != nil {
				return invalid(p.path.String(), err.Error())
			}
			if err := p.decodeInto(f, depth+1); err != nil {
				return err
			}
			p.path = p.path[:len(p.path)-1]
			return nil
		})
		p.skipped = p.skipped[:base]
		if err != nil {
			return err
		}
	default:
		return invalid(field(), "internal: unsupported type "+t.String())
	}
	return nil
}

// fieldByIndex is v.FieldByIndex that allocates nil embedded pointers.
func fieldByIndex(v reflect.Value, index []int) (reflect.Value, error) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				if !v.CanSet() {
					return reflect.Value{}, fmt.Errorf("internal: cannot set embedded pointer %s", v.Type())
				}
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, nil
}

// anyOf returns n as encoding/json decodes into an empty interface with
// UseNumber: map[string]any, []any, json.Number, string, bool or nil.
func anyOf(n *node) any {
	switch n.kind {
	case 'o':
		m := make(map[string]any, len(n.keys))
		for i, k := range n.keys {
			m[k] = anyOf(n.elems[i])
		}
		return m
	case 'a':
		s := make([]any, len(n.elems))
		for i, e := range n.elems {
			s[i] = anyOf(e)
		}
		return s
	case 's':
		return n.str
	case 'n':
		return json.Number(n.str)
	case 'b':
		return n.str == "true"
	}
	return nil
}

// typeClass says how decodeInto reads a type that is not a pointer.
type typeClass uint8

const (
	classKind    typeClass = iota // by its reflect.Kind
	classRaw                      // json.RawMessage: the text
	classDecimal                  // decimal.Decimal or NullDecimal: a decimal string
	classDate                     // date.Date: a date string
	classJSON                     // its UnmarshalJSON
	classText                     // its UnmarshalText, from a string
)

// classes holds classOf per type.
var classes sync.Map // reflect.Type → typeClass

// classOf returns the class of t, found once per type.
func classOf(t reflect.Type) typeClass {
	if c, ok := classes.Load(t); ok {
		return c.(typeClass)
	}
	c := classKind
	switch {
	case t == rawMessageType:
		c = classRaw
	case t == decimalType || t == nullDecimalType:
		c = classDecimal
	case t == dateType:
		c = classDate
	case reflect.PointerTo(t).Implements(jsonUnmarshalerType):
		c = classJSON
	case reflect.PointerTo(t).Implements(textUnmarshalerType):
		c = classText
	}
	classes.Store(t, c)
	return c
}

// emptySlices holds an empty, non-nil slice per slice type.
var emptySlices sync.Map // reflect.Type → reflect.Value

// emptySlice returns an empty slice of type t that is not nil (shared: it
// has no elements to share).
func emptySlice(t reflect.Type) reflect.Value {
	if s, ok := emptySlices.Load(t); ok {
		return s.(reflect.Value)
	}
	s, _ := emptySlices.LoadOrStore(t, reflect.MakeSlice(t, 0, 0))
	return s.(reflect.Value)
}

// fieldCache holds jsonFields per struct type.
var fieldCache sync.Map // reflect.Type → map[string][]int

// jsonFields maps the JSON names of t's fields (as encoding/json names
// them, including promoted fields of untagged embedded structs) to their
// index paths.
func jsonFields(t reflect.Type) map[string][]int {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string][]int)
	}
	m := map[string][]int{}
	collectFields(t, nil, m)
	fieldCache.Store(t, m)
	return m
}

func collectFields(t reflect.Type, prefix []int, out map[string][]int) {
	var embedded [][]int
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		index := append(append([]int(nil), prefix...), i)
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				embedded = append(embedded, index)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = index
	}
	// Fields of embedded structs are promoted unless a shallower field
	// has the name.
	for _, index := range embedded {
		ft := t.Field(index[len(index)-1]).Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		inner := map[string][]int{}
		collectFields(ft, index, inner)
		for k, v := range inner {
			if _, dup := out[k]; !dup {
				out[k] = v
			}
		}
	}
}
