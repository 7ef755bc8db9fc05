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

// treeDecoder fills Go values from a parsed tree, strictly: known keys
// only (matched exactly), the right JSON types, and values that the
// target's own unmarshalers accept. It keeps the path to the value being
// decoded and writes it out only for an error.
type treeDecoder struct {
	path pathStack
}

// decode fills v (addressable) from n.
func (d *treeDecoder) decode(n *node, v reflect.Value) error {
	t := v.Type()
	if n.kind == 'z' {
		// null: RawMessage keeps the text (as encoding/json does);
		// anything else is left as it is (zero), and validation decides
		// whether the field was required.
		if t == rawMessageType {
			v.SetBytes(append(json.RawMessage(nil), n.raw...))
		}
		return nil
	}
	if t.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(t.Elem()))
		}
		return d.decode(n, v.Elem())
	}
	switch {
	case t == rawMessageType:
		v.SetBytes(append(json.RawMessage(nil), n.raw...))
		return nil
	case t == decimalType || t == nullDecimalType:
		if n.kind != 's' {
			return invalid(d.path.field(), "must be a decimal string")
		}
		dec, err := decimal.NewFromString(n.str)
		if err != nil || strings.TrimSpace(n.str) != n.str || n.str == "" {
			return invalid(d.path.field(), "is not a decimal")
		}
		if t == nullDecimalType {
			v.Set(reflect.ValueOf(decimal.NullDecimal{Decimal: dec, Valid: true}))
		} else {
			v.Set(reflect.ValueOf(dec))
		}
		return nil
	case t == dateType:
		if n.kind != 's' {
			return invalid(d.path.field(), "must be a date string YYYY-MM-DD")
		}
		day, err := domain.ParseDate("date", n.str)
		if err != nil {
			return invalid(d.path.field(), "must be a date YYYY-MM-DD that exists")
		}
		v.Set(reflect.ValueOf(day))
		return nil
	case reflect.PointerTo(t).Implements(jsonUnmarshalerType):
		if err := v.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(n.raw); err != nil {
			return invalid(d.path.field(), reasonOf(err))
		}
		return nil
	case reflect.PointerTo(t).Implements(textUnmarshalerType):
		if n.kind != 's' {
			return invalid(d.path.field(), "must be a string")
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(n.str)); err != nil {
			return invalid(d.path.field(), reasonOf(err))
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Interface:
		if t.NumMethod() != 0 {
			return invalid(d.path.field(), "internal: unsupported type "+t.String())
		}
		v.Set(reflect.ValueOf(anyOf(n)))
	case reflect.Bool:
		if n.kind != 'b' {
			return invalid(d.path.field(), "must be true or false")
		}
		v.SetBool(n.str == "true")
	case reflect.String:
		if n.kind != 's' {
			return invalid(d.path.field(), "must be a string")
		}
		v.SetString(n.str)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, err := strconv.ParseInt(n.str, 10, t.Bits())
		if n.kind != 'n' || err != nil {
			return invalid(d.path.field(), "must be an integer")
		}
		v.SetInt(i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		u, err := strconv.ParseUint(n.str, 10, t.Bits())
		if n.kind != 'n' || err != nil {
			return invalid(d.path.field(), "must be a non-negative integer")
		}
		v.SetUint(u)
	case reflect.Float32, reflect.Float64:
		f, err := strconv.ParseFloat(n.str, t.Bits())
		if n.kind != 'n' || err != nil {
			return invalid(d.path.field(), "must be a number")
		}
		v.SetFloat(f)
	case reflect.Slice:
		if n.kind != 'a' {
			return invalid(d.path.field(), "must be a list")
		}
		s := reflect.MakeSlice(t, len(n.elems), len(n.elems))
		for i, e := range n.elems {
			d.path = append(d.path, pathSeg{index: i})
			if err := d.decode(e, s.Index(i)); err != nil {
				return err
			}
			d.path = d.path[:len(d.path)-1]
		}
		v.Set(s)
	case reflect.Array:
		if n.kind != 'a' {
			return invalid(d.path.field(), "must be a list")
		}
		if len(n.elems) > t.Len() {
			return invalid(d.path.field(), fmt.Sprintf("has more than %d elements", t.Len()))
		}
		for i, e := range n.elems {
			d.path = append(d.path, pathSeg{index: i})
			if err := d.decode(e, v.Index(i)); err != nil {
				return err
			}
			d.path = d.path[:len(d.path)-1]
		}
	case reflect.Map:
		if n.kind != 'o' {
			return invalid(d.path.field(), "must be an object")
		}
		if t.Key().Kind() != reflect.String {
			return invalid(d.path.field(), "internal: map keys must be strings")
		}
		m := reflect.MakeMapWithSize(t, len(n.keys))
		elem := reflect.New(t.Elem()).Elem()
		for i, k := range n.keys {
			d.path = append(d.path, pathSeg{key: k, index: -1})
			elem.SetZero()
			if err := d.decode(n.elems[i], elem); err != nil {
				return err
			}
			d.path = d.path[:len(d.path)-1]
			m.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), elem)
		}
		v.Set(m)
	case reflect.Struct:
		if n.kind != 'o' {
			return invalid(d.path.field(), "must be an object")
		}
		fields := jsonFields(t)
		for i, k := range n.keys {
			d.path = append(d.path, pathSeg{key: k, index: -1})
			index, ok := fields[k]
			if !ok {
				return invalid(d.path.String(), "unknown field")
			}
			f, err := fieldByIndex(v, index)
			if err != nil {
				return invalid(d.path.String(), err.Error())
			}
			if err := d.decode(n.elems[i], f); err != nil {
				return err
			}
			d.path = d.path[:len(d.path)-1]
		}
	default:
		return invalid(d.path.field(), "internal: unsupported type "+t.String())
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
