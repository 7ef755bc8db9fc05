package api

import (
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

var (
	timeType = reflect.TypeOf(time.Time{})
	DateType = reflect.TypeOf(date.Date(0))
	nidType  = reflect.TypeOf(domain.NationalID{})
)

// writtenField is a field as encoding/json writes (and reads) it.
type writtenField struct {
	Name    string
	Type    reflect.Type
	Omitted bool // omitempty or omitzero: left out when empty
	Depth   int
}

// JSONFields lists the fields encoding/json writes for a struct type, in
// order: exported fields by their json name, the fields of embedded
// structs without a name promoted (a shallower field of the same name
// hides a deeper one), and without the fields it never writes ("-", and
// struct{} fields left out when zero, used to hide a promoted field).
func JSONFields(t reflect.Type) []writtenField {
	var out []writtenField
	var walk func(t reflect.Type, depth int)
	walk = func(t reflect.Type, depth int) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := f.Type
			if f.Anonymous && name == "" {
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					walk(ft, depth+1)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			omitted := strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")
			out = append(out, writtenField{Name: name, Type: f.Type, Omitted: omitted, Depth: depth})
		}
	}
	walk(t, 0)
	// The shallowest field of a name wins (ties between embedded structs
	// are rare here and not resolved).
	best := map[string]int{}
	for _, f := range out {
		if d, ok := best[f.Name]; !ok || f.Depth < d {
			best[f.Name] = f.Depth
		}
	}
	var visible []writtenField
	for _, f := range out {
		if f.Depth != best[f.Name] {
			continue
		}
		if f.Omitted && f.Type.Kind() == reflect.Struct && f.Type.NumField() == 0 {
			continue // never written
		}
		if i := slices.IndexFunc(visible, func(v writtenField) bool { return v.Name == f.Name }); i >= 0 {
			continue
		}
		visible = append(visible, f)
	}
	return visible
}
