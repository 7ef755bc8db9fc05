package billing

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/domain"
)

// National rule tables as loadable data. The built-in tables
// (billing/rules/kindergarten.json and sfo.json) are read with the same
// parser an administrator's file is: ParseRuleTable. A municipality may
// load a new or corrected table (RuleTable, kept with who loaded it, when,
// its source and the rows it changed); the tables in force for it are the
// built-in ones with every loaded version laid over them in the order
// loaded (Tables.Overlay): a loaded row replaces the row with the same
// validFrom, or is added; the kindergarten constants, when a file has
// them, replace the built-in ones. Loaded tables belong to one
// municipality (every record does); a deployment serving several loads
// the table for each.
//
// A loaded table changes no invoice already made: invoices are never
// changed after a run. The next run computes its correction months again
// with the tables then in force, so a loaded threshold that lowers (or a
// missing one that now allows) a fee shows up as correction lines.

// Reason codes of a refused rule table (field "table:<line>:<path>").
const (
	ReasonTableSyntax   = "table-syntax"    // not JSON
	ReasonTableType     = "table-type"      // a value of the wrong JSON type
	ReasonTableUnknown  = "table-unknown"   // a field the format does not have
	ReasonTableAmount   = "table-amount"    // not an amount of at least 0 written as decimal text
	ReasonTableRate     = "table-rate"      // not a rate from 0 to 1 written as decimal text
	ReasonTableMonths   = "table-months"    // not a month number from 1 to 12
	ReasonTableRange    = "table-range"     // a number outside its range
	ReasonTableRequired = "table-required"  // a required field is missing or empty
	ReasonTableRepeated = "table-repeated"  // a validFrom given twice
	ReasonTableNoRows   = "table-no-rows"   // the table has no rows
	ReasonTableKind     = "table-kind"      // the kind is not kindergarten or sfo
	ReasonTableGrades   = "table-grades"    // not a school grade from 1 to 7
	ReasonTableZone     = "table-zone"      // maxPrice without an ordinary price, or another zone
	ReasonTableText     = "table-text"      // text with control characters or too long
	ReasonTableFirstDay = "table-first-day" // validFrom is not the first day of a month
)

// LoadedTable is a parsed national table of one kind: the rows of a
// kindergarten table (and its constants, when given) or of an SFO table.
type LoadedTable struct {
	Kind         domain.UnitKind
	Description  string
	Constants    *KindergartenConstants
	Kindergarten []KindergartenRow
	SFO          []SFORules
}

// ValidFroms lists the rows' validFrom dates in the file's order.
func (l LoadedTable) ValidFroms() []date.Date {
	var out []date.Date
	for _, r := range l.Kindergarten {
		out = append(out, r.ValidFrom)
	}
	for _, r := range l.SFO {
		out = append(out, r.ValidFrom)
	}
	return out
}

// tableProblems collects problems with the line they are on.
type tableProblems struct {
	data []byte
	p    domain.Problems
}

// skip returns the offset of the first byte at or after offset that is no
// space, comma or colon: where the next value starts.
func (tp *tableProblems) skip(offset int64) int64 {
	i := min(max(offset, 0), int64(len(tp.data)))
	for i < int64(len(tp.data)) && strings.IndexByte(" \t\r\n,:", tp.data[i]) >= 0 {
		i++
	}
	return i
}

func (tp *tableProblems) add(offset int64, path, reason string) {
	tp.p.Add(fmt.Sprintf("table:%d:%s", lineAt(tp.data, offset), path), reason)
}

// lineAt is the 1-based line of the first non-space byte at or after
// offset.
func lineAt(data []byte, offset int64) int {
	i := int(min(max(offset, 0), int64(len(data))))
	for i < len(data) && strings.IndexByte(" \t\r\n,:", data[i]) >= 0 {
		i++
	}
	return bytes.Count(data[:min(i, len(data))], []byte{'\n'}) + 1
}

// ParseRuleTable reads a national table of the kind ("kindergarten" or
// "sfo") in the format of billing/rules/*.json (conformance/SPEC.md,
// "National rule tables"). A malformed table is a *domain.ValidationError
// whose fields are "table:<line>:<path>" ("table:57:rows[4].freeCoreIncomeThreshold")
// with a ReasonTable* code, every problem found listed.
func ParseRuleTable(kind domain.UnitKind, data []byte) (LoadedTable, error) {
	out := LoadedTable{Kind: kind}
	tp := &tableProblems{data: data}
	if kind != domain.Kindergarten && kind != domain.SFO {
		return out, domain.Invalid("kind", ReasonTableKind)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	syntax := func(err error) (LoadedTable, error) {
		var se *json.SyntaxError
		off := dec.InputOffset()
		if errors.As(err, &se) {
			off = se.Offset
		}
		tp.add(off, "", ReasonTableSyntax)
		return out, tp.p.Err()
	}
	if tok, err := dec.Token(); err != nil {
		return syntax(err)
	} else if tok != json.Delim('{') {
		tp.add(0, "", ReasonTableType)
		return out, tp.p.Err()
	}
	sawRows := false
	for dec.More() {
		keyOff := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return syntax(err)
		}
		key, _ := tok.(string)
		valOff := tp.skip(dec.InputOffset())
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return syntax(err)
		}
		switch {
		case key == "description":
			if err := json.Unmarshal(raw, &out.Description); err != nil {
				tp.add(valOff, key, ReasonTableType)
			} else if domain.CheckText(key, out.Description) != nil {
				tp.add(valOff, key, ReasonTableText)
			}
		case key == "constants" && kind == domain.Kindergarten:
			c, ok := parseConstants(tp, valOff, raw)
			if ok {
				out.Constants = &c
			}
		case key == "rows":
			sawRows = true
			parseRows(tp, kind, valOff, raw, &out)
		default:
			tp.add(keyOff, key, ReasonTableUnknown)
		}
	}
	if _, err := dec.Token(); err != nil {
		return syntax(err)
	}
	if _, err := dec.Token(); err == nil {
		tp.add(dec.InputOffset(), "", ReasonTableSyntax)
	}
	if !sawRows {
		tp.add(0, "rows", ReasonTableNoRows)
	}
	if err := tp.p.Err(); err != nil {
		return LoadedTable{Kind: kind}, err
	}
	return out, nil
}

// strictInto decodes raw into v, refusing unknown fields; a problem is
// recorded at the value's offset plus the error's.
func strictInto(tp *tableProblems, base int64, path string, raw json.RawMessage, v any) bool {
	// encoding/json matches field names case-insensitively; the format's
	// names are exact, so a key that differs only in case is unknown.
	var keys map[string]json.RawMessage
	if json.Unmarshal(raw, &keys) == nil {
		names := map[string]bool{}
		t := reflect.TypeOf(v).Elem()
		for i := range t.NumField() {
			names[strings.Split(t.Field(i).Tag.Get("json"), ",")[0]] = true
		}
		unknown := false
		for _, k := range slices.Sorted(maps.Keys(keys)) {
			if !names[k] {
				tp.add(base+fieldOffset(raw, k), join(path, k), ReasonTableUnknown)
				unknown = true
			}
		}
		if unknown {
			return false
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		return true
	}
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &te):
		// The line of the field's name (te.Offset may lie past the value).
		off := te.Offset
		if te.Field != "" {
			name := te.Field[strings.LastIndexByte(te.Field, '.')+1:]
			if i := bytes.Index(raw, []byte(strconv.Quote(name))); i >= 0 {
				off = int64(i)
			}
		}
		tp.add(base+off, join(path, te.Field), ReasonTableType)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		off := int64(bytes.Index(raw, []byte(strconv.Quote(name))))
		tp.add(base+max(off, 0), join(path, name), ReasonTableUnknown)
	default:
		tp.add(base, path, ReasonTableSyntax)
	}
	return false
}

func join(path, field string) string {
	if field == "" {
		return path
	}
	if path == "" {
		return field
	}
	return path + "." + field
}

// fieldOffset finds the offset of "name": inside raw (for the line of a
// field's problem), or 0.
func fieldOffset(raw json.RawMessage, name string) int64 {
	return int64(max(bytes.Index(raw, []byte(strconv.Quote(name))), 0))
}

func parseConstants(tp *tableProblems, base int64, raw json.RawMessage) (KindergartenConstants, bool) {
	var w wireConstants
	if !strictInto(tp, base, "constants", raw, &w) {
		return KindergartenConstants{}, false
	}
	at := func(f string) int64 { return base + fieldOffset(raw, f) }
	ok := true
	bad := func(f, reason string) { tp.add(at(f), "constants."+f, reason); ok = false }
	if w.FullTimeHours < 1 || w.FullTimeHours > domain.MaxHoursPerWeek {
		bad("fullTimeHours", ReasonTableRange)
	}
	if w.FreeCoreFromAge < 0 || w.FreeCoreUntilAge <= w.FreeCoreFromAge || w.FreeCoreUntilAge > 10 {
		bad("freeCoreUntilAge", ReasonTableRange)
	}
	if w.YearStartMonth < 1 || w.YearStartMonth > 12 {
		bad("yearStartMonth", ReasonTableMonths)
	}
	checkSource(tp, at("source"), "constants.source", w.Source, &ok)
	return KindergartenConstants{FullTimeHours: w.FullTimeHours, FreeCoreFromAge: w.FreeCoreFromAge,
		FreeCoreUntilAge: w.FreeCoreUntilAge, YearStartMonth: time.Month(w.YearStartMonth), Source: w.Source}, ok
}

func checkSource(tp *tableProblems, off int64, path, s string, ok *bool) {
	switch {
	case domain.Blank(s):
		tp.add(off, path, ReasonTableRequired)
		*ok = false
	case domain.CheckText(path, s) != nil:
		tp.add(off, path, ReasonTableText)
		*ok = false
	}
}

func parseRows(tp *tableProblems, kind domain.UnitKind, base int64, raw json.RawMessage, out *LoadedTable) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		tp.add(base, "rows", ReasonTableType)
		return
	}
	seen := map[date.Date]bool{}
	n := 0
	for i := 0; dec.More(); i++ {
		n++
		off := dec.InputOffset()
		var row json.RawMessage
		if err := dec.Decode(&row); err != nil {
			tp.add(base+off, "rows", ReasonTableSyntax)
			return
		}
		path := fmt.Sprintf("rows[%d]", i)
		rowOff := tp.skip(base + off)
		var from date.Date
		if kind == domain.Kindergarten {
			r, ok := parseKindergartenRow(tp, rowOff, path, row)
			if ok {
				out.Kindergarten = append(out.Kindergarten, r)
			}
			from = r.ValidFrom
		} else {
			r, ok := parseSFORow(tp, rowOff, path, row)
			if ok {
				out.SFO = append(out.SFO, r)
			}
			from = r.ValidFrom
		}
		if from != date.Zero {
			if seen[from] {
				tp.add(rowOff+fieldOffset(row, "validFrom"), path+".validFrom", ReasonTableRepeated)
			}
			seen[from] = true
		}
	}
	if n == 0 {
		tp.add(base, "rows", ReasonTableNoRows)
	}
}

func parseAmount(s string) (decimal.Decimal, bool) {
	d, err := decimal.NewFromString(s)
	if err != nil || d.Sign() < 0 || strings.TrimSpace(s) != s || s == "" {
		return decimal.Zero, false
	}
	return d, true
}

func parseRate(s string) (decimal.Decimal, bool) {
	d, ok := parseAmount(s)
	return d, ok && !d.GreaterThan(decimal.NewFromInt(1))
}

// rowChecker checks the fields of one row, each problem on its field's line.
type rowChecker struct {
	tp   *tableProblems
	base int64
	path string
	raw  json.RawMessage
	ok   bool
}

func (c *rowChecker) bad(field, reason string) {
	c.tp.add(c.base+fieldOffset(c.raw, field), c.path+"."+field, reason)
	c.ok = false
}

func (c *rowChecker) validFrom(s string) date.Date {
	if s == "" {
		c.bad("validFrom", ReasonTableRequired)
		return date.Zero
	}
	d, err := domain.ParseDate("validFrom", s)
	if err != nil {
		c.bad("validFrom", domain.ReasonDate)
		return date.Zero
	}
	if d.Day() != 1 {
		c.bad("validFrom", ReasonTableFirstDay)
	}
	return d
}

func (c *rowChecker) months(field string, ms []int) []time.Month {
	for _, m := range ms {
		if m < 1 || m > 12 {
			c.bad(field, ReasonTableMonths)
			break
		}
	}
	return months(ms)
}

func (c *rowChecker) grades(field string, gs []int) []int {
	if gs == nil {
		return []int{}
	}
	for _, g := range gs {
		if g < 1 || g > 7 {
			c.bad(field, ReasonTableGrades)
			break
		}
	}
	return gs
}

func (c *rowChecker) billed(n int) {
	if n < 1 || n > 12 {
		c.bad("billedMonthsPerYear", ReasonTableRange)
	}
}

func (c *rowChecker) rate(field, s string) decimal.Decimal {
	d, ok := parseRate(s)
	if !ok {
		c.bad(field, ReasonTableRate)
	}
	return d
}

func parseKindergartenRow(tp *tableProblems, base int64, path string, raw json.RawMessage) (KindergartenRow, bool) {
	var w wireKindergartenRow
	if !strictInto(tp, base, path, raw, &w) {
		return KindergartenRow{}, false
	}
	c := &rowChecker{tp: tp, base: base, path: path, raw: raw, ok: true}
	r := KindergartenRow{ValidFrom: c.validFrom(w.ValidFrom), MaxPrice: map[Zone]decimal.Decimal{}, FreeZone: w.FreeZone,
		BilledMonthsPerYear: w.BilledMonthsPerYear, FreeCoreHours: w.FreeCoreHours, Source: w.Source, Provisional: w.Provisional}
	if _, ok := w.MaxPrice[ZoneOrdinary]; !ok {
		c.bad("maxPrice", ReasonTableZone)
	}
	for z, s := range w.MaxPrice {
		if z != ZoneOrdinary && z != ZoneReduced {
			c.bad("maxPrice", ReasonTableZone)
			continue
		}
		d, ok := parseAmount(s)
		if !ok {
			c.bad("maxPrice", ReasonTableAmount)
		}
		r.MaxPrice[z] = d
	}
	if len(w.SiblingDiscounts) == 0 {
		c.bad("siblingDiscounts", ReasonTableRequired)
	}
	for _, s := range w.SiblingDiscounts {
		r.SiblingDiscounts = append(r.SiblingDiscounts, c.rate("siblingDiscounts", s))
	}
	r.IncomeCapShare = c.rate("incomeCapShare", w.IncomeCapShare)
	c.billed(w.BilledMonthsPerYear)
	r.FeeFreeMonths = c.months("feeFreeMonths", w.FeeFreeMonths)
	if w.FreeCoreHours < 0 || w.FreeCoreHours > domain.MaxHoursPerWeek {
		c.bad("freeCoreHours", ReasonTableRange)
	}
	if w.FreeCoreIncomeThreshold != nil {
		d, ok := parseAmount(*w.FreeCoreIncomeThreshold)
		if !ok {
			c.bad("freeCoreIncomeThreshold", ReasonTableAmount)
		}
		r.FreeCoreIncomeThreshold = &d
	}
	checkSource(tp, base+fieldOffset(raw, "source"), path+".source", w.Source, &c.ok)
	return r, c.ok
}

func parseSFORow(tp *tableProblems, base int64, path string, raw json.RawMessage) (SFORules, bool) {
	var w wireSFORow
	if !strictInto(tp, base, path, raw, &w) {
		return SFORules{}, false
	}
	c := &rowChecker{tp: tp, base: base, path: path, raw: raw, ok: true}
	r := SFORules{ValidFrom: c.validFrom(w.ValidFrom), FreeHours: w.FreeHours, BilledMonthsPerYear: w.BilledMonthsPerYear,
		Source: w.Source, Provisional: w.Provisional}
	if w.FreeHours < 0 || w.FreeHours > domain.MaxHoursPerWeek {
		c.bad("freeHours", ReasonTableRange)
	}
	r.FreeHoursGrades = c.grades("freeHoursGrades", w.FreeHoursGrades)
	r.IncomeCapShare = c.rate("incomeCapShare", w.IncomeCapShare)
	r.IncomeCapGrades = c.grades("incomeCapGrades", w.IncomeCapGrades)
	r.SpecialNeedsFreeGrades = c.grades("specialNeedsFreeGrades", w.SpecialNeedsFreeGrades)
	c.billed(w.BilledMonthsPerYear)
	r.FeeFreeMonths = c.months("feeFreeMonths", w.FeeFreeMonths)
	checkSource(tp, base+fieldOffset(raw, "source"), path+".source", w.Source, &c.ok)
	return r, c.ok
}

// Overlay returns the tables with a loaded table laid over them: each
// loaded row replaces the row of the same validFrom or is added, and
// loaded kindergarten constants replace the constants. t is not changed.
func (t *Tables) Overlay(l LoadedTable) *Tables {
	out := &Tables{Constants: t.Constants, Kindergarten: slices.Clone(t.Kindergarten), SFO: slices.Clone(t.SFO)}
	if l.Constants != nil {
		out.Constants = *l.Constants
	}
	for _, r := range l.Kindergarten {
		if i := slices.IndexFunc(out.Kindergarten, func(x KindergartenRow) bool { return x.ValidFrom == r.ValidFrom }); i >= 0 {
			out.Kindergarten[i] = r
		} else {
			out.Kindergarten = append(out.Kindergarten, r)
		}
	}
	for _, r := range l.SFO {
		if i := slices.IndexFunc(out.SFO, func(x SFORules) bool { return x.ValidFrom == r.ValidFrom }); i >= 0 {
			out.SFO[i] = r
		} else {
			out.SFO = append(out.SFO, r)
		}
	}
	slices.SortStableFunc(out.Kindergarten, func(a, b KindergartenRow) int { return int(a.ValidFrom - b.ValidFrom) })
	slices.SortStableFunc(out.SFO, func(a, b SFORules) int { return int(a.ValidFrom - b.ValidFrom) })
	return out
}

// RowChange says what loading a table did to one row of the tables in
// force: "added" (a new validFrom), "changed" (with the fields that
// differ) or "unchanged".
type RowChange struct {
	ValidFrom date.Date `json:"validFrom"`
	Change    string    `json:"change"`
	Fields    []string  `json:"fields,omitempty"`
}

// Row changes.
const (
	RowAdded     = "added"
	RowChanged   = "changed"
	RowUnchanged = "unchanged"
)

// Changes compares a loaded table's rows with the rows of t (the tables in
// force before loading it), in the file's order; changed constants are
// the row change with a zero ValidFrom and the field "constants".
func (t *Tables) Changes(l LoadedTable) []RowChange {
	var out []RowChange
	if l.Constants != nil && *l.Constants != t.Constants {
		out = append(out, RowChange{Change: RowChanged, Fields: []string{"constants"}})
	}
	for _, r := range l.Kindergarten {
		i := slices.IndexFunc(t.Kindergarten, func(x KindergartenRow) bool { return x.ValidFrom == r.ValidFrom })
		if i < 0 {
			out = append(out, RowChange{ValidFrom: r.ValidFrom, Change: RowAdded})
			continue
		}
		out = append(out, changeOf(r.ValidFrom, wireKG(t.Kindergarten[i]), wireKG(r)))
	}
	for _, r := range l.SFO {
		i := slices.IndexFunc(t.SFO, func(x SFORules) bool { return x.ValidFrom == r.ValidFrom })
		if i < 0 {
			out = append(out, RowChange{ValidFrom: r.ValidFrom, Change: RowAdded})
			continue
		}
		out = append(out, changeOf(r.ValidFrom, wireSFO(t.SFO[i]), wireSFO(r)))
	}
	return out
}

// changeOf compares two rows field by field through their JSON form.
func changeOf(from date.Date, old, new any) RowChange {
	var a, b map[string]json.RawMessage
	ja, _ := json.Marshal(old)
	jb, _ := json.Marshal(new)
	_ = json.Unmarshal(ja, &a)
	_ = json.Unmarshal(jb, &b)
	var fields []string
	for k, v := range b {
		if !bytes.Equal(v, a[k]) {
			fields = append(fields, k)
		}
	}
	slices.Sort(fields)
	if len(fields) == 0 {
		return RowChange{ValidFrom: from, Change: RowUnchanged}
	}
	return RowChange{ValidFrom: from, Change: RowChanged, Fields: fields}
}

func decimalStrings(ds []decimal.Decimal) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.String()
	}
	return out
}

func monthInts(ms []time.Month) []int {
	out := make([]int, len(ms))
	for i, m := range ms {
		out[i] = int(m)
	}
	return out
}

// wireKG is a row in the file format (amounts normalised, so "1200" and
// "1200.00" compare equal).
func wireKG(r KindergartenRow) wireKindergartenRow {
	w := wireKindergartenRow{ValidFrom: r.ValidFrom.String(), MaxPrice: map[Zone]string{}, FreeZone: r.FreeZone,
		SiblingDiscounts: decimalStrings(r.SiblingDiscounts), IncomeCapShare: r.IncomeCapShare.String(),
		BilledMonthsPerYear: r.BilledMonthsPerYear, FeeFreeMonths: monthInts(r.FeeFreeMonths), FreeCoreHours: r.FreeCoreHours,
		Source: r.Source, Provisional: r.Provisional}
	for z, d := range r.MaxPrice {
		w.MaxPrice[z] = d.String()
	}
	if r.FreeCoreIncomeThreshold != nil {
		s := r.FreeCoreIncomeThreshold.String()
		w.FreeCoreIncomeThreshold = &s
	}
	return w
}

func wireSFO(r SFORules) wireSFORow {
	return wireSFORow{ValidFrom: r.ValidFrom.String(), FreeHours: r.FreeHours, FreeHoursGrades: r.FreeHoursGrades,
		IncomeCapShare: r.IncomeCapShare.String(), IncomeCapGrades: r.IncomeCapGrades,
		SpecialNeedsFreeGrades: r.SpecialNeedsFreeGrades, BilledMonthsPerYear: r.BilledMonthsPerYear,
		FeeFreeMonths: monthInts(r.FeeFreeMonths), Source: r.Source, Provisional: r.Provisional}
}

// RuleTableID identifies a loaded rule table.
type RuleTableID = domain.ID[RuleTable]

// RuleTable is one national table a municipality loaded, kept as loaded:
// Data is the file (the format of billing/rules/<kind>.json), Changes
// what it did to the tables in force when it was loaded. Versions count
// from 1 per municipality, over both kinds; a later version is laid over
// an earlier one.
type RuleTable struct {
	ID           RuleTableID         `json:"id"`
	Municipality domain.Municipality `json:"municipality"`
	Version      int                 `json:"version"`
	Kind         domain.UnitKind     `json:"kind"`
	// Source says where the table comes from (the circular, the budget
	// decision, the standards body's release), as the loader gave it.
	Source   string    `json:"source"`
	Loaded   time.Time `json:"loaded"`
	LoadedBy string    `json:"loadedBy"` // who loaded it, as people read it
	// Data is the file as loaded, byte for byte (its line numbers are
	// those of a refusal).
	Data    string      `json:"data"`
	Changes []RowChange `json:"changes"`
}

// Validate checks a loaded table on its own: the record's fields, and the
// data parses as a table of its kind.
func (rt RuleTable) Validate() error {
	var p domain.Problems
	recordProblems(&p, rt.ID.IsZero(), rt.Municipality)
	if rt.Version < 1 {
		p.Add("version", "too-small", "min", "1")
	}
	if rt.Loaded.IsZero() {
		p.Add("loaded", ReasonRequired)
	}
	if err := domain.CheckLine("source", rt.Source); err != nil {
		p.Merge("", err)
	} else if domain.Blank(rt.Source) {
		p.Add("source", ReasonRequired)
	}
	if err := domain.CheckLine("loadedBy", rt.LoadedBy); err != nil {
		p.Merge("", err)
	}
	if _, err := ParseRuleTable(rt.Kind, []byte(rt.Data)); err != nil {
		p.Merge("", err)
	}
	return p.Err()
}

// WithLoaded returns t with the loaded tables laid over it in version
// order (Overlay).
func (t *Tables) WithLoaded(loaded []RuleTable) (*Tables, error) {
	ls := slices.Clone(loaded)
	slices.SortFunc(ls, func(a, b RuleTable) int { return a.Version - b.Version })
	out := t
	for _, rt := range ls {
		l, err := ParseRuleTable(rt.Kind, []byte(rt.Data))
		if err != nil {
			return nil, fmt.Errorf("billing: loaded rule table %d: %w", rt.Version, err)
		}
		out = out.Overlay(l)
	}
	return out, nil
}
