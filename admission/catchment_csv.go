package admission

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/oppvekst/oppvekst/domain"
)

// The catchment file: the table as a municipality keeps it in a
// spreadsheet, saved as CSV (see the package doc, "Catchment schools").
// Reading it is parsing, not I/O: the caller hands over an io.Reader.

// Reason codes of the catchment file.
const (
	// ReasonCSVHeader: the first line does not name the columns gatenavn,
	// fra_nr, til_nr, side and skole.
	ReasonCSVHeader = "catchment-csv-header"
	// ReasonCSVLine: the line cannot be read as CSV (a stray quote, a
	// wrong number of fields).
	ReasonCSVLine = "catchment-csv-line"
	// ReasonCSVNumber: a house number is not a whole number.
	ReasonCSVNumber = "catchment-csv-number"
	// ReasonCSVTooLarge: the file is larger than MaxCatchmentFile.
	ReasonCSVTooLarge = "catchment-csv-too-large"
	// ReasonCSVEmpty: the file has no rows.
	ReasonCSVEmpty = "catchment-csv-empty"
	// ReasonCSVEncoding: the file is not UTF-8.
	ReasonCSVEncoding = "catchment-csv-not-utf8"
)

// MaxCatchmentFile is the largest catchment file read (bytes).
const MaxCatchmentFile = 2 << 20

// CatchmentColumns are the columns of the catchment file, in the order
// WriteCatchmentCSV writes them.
var CatchmentColumns = []string{"gatenavn", "fra_nr", "til_nr", "side", "skole"}

// sides maps the side column's words (case ignored) to a Side.
var sides = map[string]Side{
	"": SideAll, "begge": SideAll, "alle": SideAll, "all": SideAll, "both": SideAll,
	"oddetall": SideOdd, "odde": SideOdd, "odd": SideOdd,
	"partall": SideEven, "like": SideEven, "even": SideEven,
}

// ParseCatchmentCSV reads a municipality's catchment file into a table for
// municipality m: UTF-8, with or without a byte order mark, fields
// separated by semicolons (or commas, when the header has no semicolon),
// a header line naming the columns (any order, case ignored):
//
//	gatenavn  the street name as the address register writes it
//	fra_nr    the first house number (empty: 1)
//	til_nr    the last house number (empty: MaxHouseNumber)
//	side      begge, oddetall or partall (empty: begge)
//	skole     the school, by its unit name (case ignored) or unit ID
//
// Blank lines are skipped. Every problem is reported, none kept: the
// *domain.ValidationError names field "lines[N].COLUMN" with N the line
// of the file (the header is line 1) and a reason code; a problem with the
// file as a whole is on field "file". units are the municipality's units,
// to find the schools by.
func ParseCatchmentCSV(r io.Reader, m domain.Municipality, units []domain.Unit) (Catchment, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxCatchmentFile+1))
	if err != nil {
		return Catchment{}, err
	}
	if len(raw) > MaxCatchmentFile {
		return Catchment{}, domain.Invalid("file", ReasonCSVTooLarge)
	}
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(raw) {
		return Catchment{}, domain.Invalid("file", ReasonCSVEncoding)
	}
	first, _, _ := bytes.Cut(raw, []byte("\n"))
	cr := csv.NewReader(bytes.NewReader(raw))
	cr.Comma = ';'
	if !bytes.ContainsRune(first, ';') {
		cr.Comma = ','
	}
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return Catchment{}, domain.Invalid("file", ReasonCSVHeader)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	var p domain.Problems
	for _, c := range CatchmentColumns {
		if _, ok := col[c]; !ok {
			p.Add("file", ReasonCSVHeader)
			return Catchment{}, p.Err()
		}
	}
	c := Catchment{Municipality: m, Rows: []CatchmentRow{}}
	var lines []int  // the file line of each row read whole
	refused := false // a line was refused (and left out of c.Rows)
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// FieldPos may only be asked of a record read.
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				p.Add("file", ReasonCSVLine)
				break
			}
			p.Add(fmt.Sprintf("lines[%d]", pe.StartLine), ReasonCSVLine)
			continue
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
				continue
			}
			p.Add(fmt.Sprintf("lines[%d]", line), ReasonCSVLine)
			continue
		}
		lineBad := false
		fail := func(field, reason string) { p.Add(field, reason); lineBad = true }
		field := func(name string) string { return strings.TrimSpace(rec[col[name]]) }
		f := func(name string) string { return fmt.Sprintf("lines[%d].%s", line, name) }
		row := CatchmentRow{Street: strings.Join(strings.Fields(field("gatenavn")), " "), From: 1, To: MaxHouseNumber}
		if row.Street == "" && field("fra_nr") == "" && field("til_nr") == "" && field("side") == "" && field("skole") == "" {
			continue
		}
		for _, n := range []struct {
			name string
			to   *int
		}{{"fra_nr", &row.From}, {"til_nr", &row.To}} {
			if v := field(n.name); v != "" {
				i, err := strconv.Atoi(v)
				if err != nil {
					fail(f(n.name), ReasonCSVNumber)
					continue
				}
				*n.to = i
			}
		}
		side, ok := sides[strings.ToLower(field("side"))]
		if !ok {
			fail(f("side"), ReasonCatchmentSide)
		}
		row.Side = side
		if row.Unit, err = schoolByName(field("skole"), units); err != nil {
			var v *domain.ValidationError
			if errors.As(err, &v) {
				fail(f("skole"), v.Fields[0].Reason)
			}
		}
		if !lineBad {
			c.Rows = append(c.Rows, row)
			lines = append(lines, line)
		} else {
			refused = true
		}
	}
	if !refused && len(c.Rows) == 0 && p.Err() == nil {
		p.Add("file", ReasonCSVEmpty)
	}
	// The table's own checks (ranges, overlaps), on the lines read whole,
	// so that every problem of the file is reported at once; their fields
	// become the file's lines and columns.
	var v *domain.ValidationError
	if errors.As(c.Validate(), &v) {
		for _, fe := range v.Fields {
			p.Add(fileField(fe.Field, lines), fe.Reason)
		}
	}
	if err := p.Err(); err != nil {
		return Catchment{}, err
	}
	return c, nil
}

// fileField turns a table field ("rows[3].from") into the file's
// ("lines[5].fra_nr").
func fileField(field string, lines []int) string {
	var i int
	var name string
	if _, err := fmt.Sscanf(field, "rows[%d].%s", &i, &name); err != nil || i < 0 || i >= len(lines) {
		return "file"
	}
	col := map[string]string{"street": "gatenavn", "from": "fra_nr", "to": "til_nr", "side": "side", "unit": "skole"}[name]
	return fmt.Sprintf("lines[%d].%s", lines[i], col)
}

// schoolByName finds a school by unit ID or name (case and extra spaces
// ignored).
func schoolByName(s string, units []domain.Unit) (domain.UnitID, error) {
	key := StreetKey(s)
	if key == "" {
		return domain.UnitID{}, domain.Invalid("skole", ReasonCatchmentNoSchool)
	}
	for _, u := range units {
		if u.ID.String() == strings.TrimSpace(s) || StreetKey(u.Name) == key {
			if u.Kind != domain.School {
				return domain.UnitID{}, domain.Invalid("skole", ReasonCatchmentNotSchool)
			}
			return u.ID, nil
		}
	}
	return domain.UnitID{}, domain.Invalid("skole", ReasonCatchmentNoSchool)
}

// WriteCatchmentCSV writes the table as a catchment file (semicolons, the
// header of CatchmentColumns, schools by unit name), the form
// ParseCatchmentCSV reads back.
func WriteCatchmentCSV(w io.Writer, c Catchment, units []domain.Unit) error {
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	if err := cw.Write(CatchmentColumns); err != nil {
		return err
	}
	words := map[Side]string{SideAll: "begge", SideOdd: "oddetall", SideEven: "partall"}
	for _, r := range c.Rows {
		name := r.Unit.String()
		for _, u := range units {
			if u.ID == r.Unit {
				name = u.Name
			}
		}
		if err := cw.Write([]string{r.Street, strconv.Itoa(r.From), strconv.Itoa(r.To), words[r.Side], name}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
