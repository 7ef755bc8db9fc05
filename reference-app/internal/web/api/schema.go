package api

import (
	"encoding"
	"encoding/json"
	"maps"
	"reflect"
	"strings"
)

// SchemaGen derives JSON schemas from Go types: structs become named
// components, fields follow their json tags.
type SchemaGen struct {
	Schemas map[string]any
	// types remembers which Go type took a component name, so two types of
	// one name in different packages (admission.Run, billing.Run) get two
	// components.
	types map[string]reflect.Type
}

// Types that marshal themselves (decimal.Decimal, billing.Month, IDs) are
// strings in our JSON, whatever their fields.
var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

func marshalsItself(t reflect.Type) bool {
	for _, x := range []reflect.Type{t, reflect.PointerTo(t)} {
		if x.Implements(jsonMarshaler) || x.Implements(textMarshaler) {
			return true
		}
	}
	return false
}

// componentName is the schema name of a struct type: its Go name with a
// capital (web.ChildView → ChildView), prefixed by its package's name
// (AdmissionRun) when another type already has that name.
func (g *SchemaGen) componentName(t reflect.Type) string {
	name := strings.ToUpper(t.Name()[:1]) + t.Name()[1:]
	if other, ok := g.types[name]; ok && other != t {
		pkg := t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:]
		name = strings.ToUpper(pkg[:1]) + pkg[1:] + name
	}
	if g.types == nil {
		g.types = map[string]reflect.Type{}
	}
	g.types[name] = t
	return name
}

func (g *SchemaGen) Of(t reflect.Type) any {
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == DateType:
		return map[string]any{"type": "string", "format": "date"}
	case t == nidType:
		return map[string]any{"type": "string", "pattern": "^[0-9]{11}$"}
	case t.Kind() == reflect.Struct && strings.HasPrefix(t.Name(), "ID["):
		return map[string]any{"type": "string", "format": "uuid"}
	case t.Kind() == reflect.Struct && marshalsItself(t):
		return map[string]any{"type": "string"}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "contentEncoding": "base64"}
		}
		return map[string]any{"type": "array", "items": g.Of(t.Elem())}
	case reflect.Map, reflect.Interface:
		return map[string]any{"type": "object"}
	case reflect.Pointer:
		return g.Of(t.Elem())
	case reflect.Struct:
		name := g.componentName(t)
		if _, ok := g.Schemas[name]; !ok {
			g.Schemas[name] = map[string]any{} // breaks recursion
			props := map[string]any{}
			var required []string
			for _, f := range JSONFields(t) {
				props[f.Name] = g.Of(f.Type)
				if !f.Omitted {
					required = append(required, f.Name)
					props[f.Name] = nullable(f.Type, props[f.Name])
				}
			}
			s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
			if required != nil {
				s["required"] = required
			}
			g.Schemas[name] = s
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

// nullable is the schema of a field that is always written: a nil slice,
// map or pointer is written as null (encoding/json), so the schema admits
// null beside the value.
func nullable(t reflect.Type, schema any) any {
	switch t.Kind() {
	case reflect.Slice, reflect.Map, reflect.Pointer, reflect.Interface:
	default:
		return schema
	}
	if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
		return schema // []byte is a base64 string, "" when nil
	}
	if t.Kind() == reflect.Interface {
		return map[string]any{} // anything, null too
	}
	s, ok := schema.(map[string]any)
	if !ok {
		return schema
	}
	if typ, ok := s["type"].(string); ok && s["$ref"] == nil {
		out := maps.Clone(s)
		out["type"] = []string{typ, "null"}
		return out
	}
	return map[string]any{"oneOf": []any{s, map[string]any{"type": "null"}}}
}
