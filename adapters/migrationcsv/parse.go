package migrationcsv

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/oppvekst/oppvekst/domain"
)

// Kind is what one file holds.
type Kind string

// The kinds of file, in the order an import plans and writes them: a later
// kind refers to records of earlier ones.
const (
	Units         Kind = "units"
	Groups        Kind = "groups"
	Children      Kind = "children"
	Guardians     Kind = "guardians"
	Guardianships Kind = "guardianships"
	Placements    Kind = "placements"
)

// Kinds lists every kind in planning order.
var Kinds = []Kind{Units, Groups, Children, Guardians, Guardianships, Placements}

// Columns are a kind's columns: Required must be in the header (a value may
// still be empty where the package documentation allows it); Optional may
// be left out, and a left-out column keeps what is stored.
type Columns struct {
	Required []string
	Optional []string
}

// Has reports whether the column belongs to the kind.
func (c Columns) Has(name string) bool {
	return slices.Contains(c.Required, name) || slices.Contains(c.Optional, name)
}

var addressColumns = []string{"street", "cadastral", "postcode", "post_town"}

// ColumnsOf gives the columns of each kind (see the package documentation).
var ColumnsOf = map[Kind]Columns{
	Units: {
		Required: []string{"name", "kind"},
		Optional: append([]string{"owner", "parent", "grade_from", "grade_to"}, addressColumns...),
	},
	Groups: {
		Required: []string{"unit", "name"},
		Optional: []string{"age_group", "grade_from", "grade_to"},
	},
	Children: {
		Required: []string{"national_id", "given_name", "family_name", "birth_date"},
		Optional: append([]string{"address_protection"}, addressColumns...),
	},
	Guardians: {
		Required: []string{"national_id", "given_name", "family_name"},
		Optional: append([]string{"email", "phone", "address_protection"}, addressColumns...),
	},
	Guardianships: {
		Required: []string{"child_national_id", "guardian_national_id", "parental_responsibility"},
		Optional: []string{"lives_with_child"},
	},
	Placements: {
		Required: []string{"child_national_id", "unit", "hours_per_week", "start"},
		Optional: []string{"group", "end"},
	},
}

// File is one parsed CSV file: its kind, its header and its data rows with
// their line numbers. Problems found while reading (an unknown or missing
// column, a malformed line) are kept as refused lines of the file, so that a
// dry run reports them with the rest.
type File struct {
	Name   string
	Kind   Kind
	Comma  rune
	Header []string
	rows   []row
	// refused are lines refused while reading (line 1 for the header).
	refused []Line
}

type row struct {
	line   int
	fields map[string]string
}

// Rows is the number of data lines read (a malformed one included).
func (f *File) Rows() int {
	n := len(f.rows)
	for _, l := range f.refused {
		if l.Line > 1 {
			n++
		}
	}
	return n
}

func (r row) get(col string) (string, bool) {
	v, ok := r.fields[col]
	return v, ok
}

// ErrUnknownKind is returned by Parse when neither the file's name nor its
// header says which kind of file it is.
var ErrUnknownKind = errors.New("migrationcsv: the file is none of units, groups, children, guardians, guardianships, placements")

// KindOf returns the kind a file name names: its base name without
// extension ("children.csv", "Children_2026.csv" → Children), or "" when it
// names none.
func KindOf(name string) Kind {
	base := strings.ToLower(path.Base(strings.ReplaceAll(name, `\`, "/")))
	if i := strings.IndexByte(base, '.'); i >= 0 {
		base = base[:i]
	}
	for _, k := range Kinds {
		if base == string(k) || strings.HasPrefix(base, string(k)+"_") || strings.HasPrefix(base, string(k)+"-") {
			return k
		}
	}
	return ""
}

// detectKind returns the one kind whose required columns are all in the
// header and which knows every column of it.
func detectKind(header []string) Kind {
	var found Kind
	for _, k := range Kinds {
		c := ColumnsOf[k]
		ok := true
		for _, r := range c.Required {
			if !slices.Contains(header, r) {
				ok = false
			}
		}
		for _, h := range header {
			if !c.Has(h) {
				ok = false
			}
		}
		if ok {
			if found != "" {
				return ""
			}
			found = k
		}
	}
	return found
}

// Comma detects the separator from the header line (give it the first
// line only): ';' (what Norwegian
// spreadsheets write) when it holds more semicolons than commas outside
// quotes, else ','.
func Comma(header []byte) rune {
	semi, comma, quoted := 0, 0, false
	for _, c := range header {
		switch {
		case c == '"':
			quoted = !quoted
		case c == ';' && !quoted:
			semi++
		case c == ',' && !quoted:
			comma++
		}
	}
	if semi > comma {
		return ';'
	}
	return ','
}

// Parse reads one file. The kind is taken from the name (KindOf) and else
// from the header. A byte order mark is skipped; the separator is detected
// (Comma); header names are matched without case and surrounding space;
// values are trimmed of surrounding space. The error is ErrUnknownKind, or
// a reading error of r; problems of the content are refused lines of the
// file.
func Parse(name string, r io.Reader) (*File, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	first := data
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	f := &File{Name: name, Comma: Comma(first)}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = f.Comma
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			header = nil
		} else {
			return nil, ErrUnknownKind
		}
	}
	for i, h := range header {
		header[i] = strings.ToLower(strings.TrimSpace(h))
	}
	f.Header = header
	f.Kind = KindOf(name)
	if f.Kind == "" {
		f.Kind = detectKind(header)
	}
	if f.Kind == "" {
		return nil, ErrUnknownKind
	}
	cols := ColumnsOf[f.Kind]
	headerLine := Line{File: name, Kind: f.Kind, Line: 1, Action: Refused}
	for _, h := range header {
		if !cols.Has(h) {
			headerLine.Problems = append(headerLine.Problems, domain.FieldError{Field: h, Reason: ReasonUnknownColumn})
		}
	}
	for _, c := range cols.Required {
		if !slices.Contains(header, c) {
			headerLine.Problems = append(headerLine.Problems, domain.FieldError{Field: c, Reason: ReasonMissingColumn})
		}
	}
	for i, h := range header {
		if slices.Contains(header[:i], h) {
			headerLine.Problems = append(headerLine.Problems, domain.FieldError{Field: h, Reason: ReasonDuplicate})
		}
	}
	if len(headerLine.Problems) > 0 {
		f.refused = append(f.refused, headerLine)
		return f, nil
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			f.refused = append(f.refused, Line{File: name, Kind: f.Kind, Line: pe.StartLine, Action: Refused,
				Problems: []domain.FieldError{{Reason: ReasonMalformed}}})
			continue
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			f.refused = append(f.refused, Line{File: name, Kind: f.Kind, Line: line, Action: Refused,
				Problems: []domain.FieldError{{Reason: ReasonFieldCount}}})
			continue
		}
		rw := row{line: line, fields: make(map[string]string, len(rec))}
		for i, v := range rec {
			if utf8.ValidString(v) {
				v = strings.TrimSpace(v)
			}
			rw.fields[header[i]] = v
		}
		f.rows = append(f.rows, rw)
	}
	return f, nil
}
