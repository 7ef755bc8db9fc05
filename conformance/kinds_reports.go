package conformance

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reports"
)

// reportUnitIn, reportChildIn, reportPlacementIn and reportDecisionIn are
// the stored rows a report kind is counted from, on the wire. Wire IDs
// are any non-empty strings, unique per list.
type reportUnitIn struct {
	ID          *string `json:"id"`
	Kind        *string `json:"kind"`
	SeatsSmall  *int    `json:"seatsSmall"`
	SeatsLarge  *int    `json:"seatsLarge"`
	ClosingDate *string `json:"closingDate"`
}

type reportChildIn struct {
	ID               *string `json:"id"`
	BirthDate        *string `json:"birthDate"`
	AddressProtected *bool   `json:"addressProtected"`
}

type reportPlacementIn struct {
	Child        *string `json:"child"`
	Unit         *string `json:"unit"`
	HoursPerWeek *int    `json:"hoursPerWeek"`
	Start        *string `json:"start"`
	End          *string `json:"end"`
}

type reportDecisionIn struct {
	Child        *string          `json:"child"`
	Kind         *string          `json:"kind"`
	Start        *string          `json:"start"`
	End          *string          `json:"end"`
	HoursPerWeek *decimal.Decimal `json:"hoursPerWeek"`
}

// reportRows are the rows of every report kind's input.
type reportRows struct {
	Units      *[]reportUnitIn      `json:"units"`
	Children   *[]reportChildIn     `json:"children"`
	Placements *[]reportPlacementIn `json:"placements"`
	Decisions  *[]reportDecisionIn  `json:"decisions"`
}

// basilInput is the wire input of the basil kind.
type basilInput struct {
	Year       *int                 `json:"year"`
	Units      *[]reportUnitIn      `json:"units"`
	Children   *[]reportChildIn     `json:"children"`
	Placements *[]reportPlacementIn `json:"placements"`
	Decisions  *[]reportDecisionIn  `json:"decisions"`
}

// gsiInput is the wire input of the gsi kind.
type gsiInput struct {
	SchoolYear *int                 `json:"schoolYear"`
	Units      *[]reportUnitIn      `json:"units"`
	Children   *[]reportChildIn     `json:"children"`
	Placements *[]reportPlacementIn `json:"placements"`
	Decisions  *[]reportDecisionIn  `json:"decisions"`
}

// navEntryIn is an entry of the previous month's list on the wire.
type navEntryIn struct {
	Child        *string `json:"child"`
	Unit         *string `json:"unit"`
	HoursPerWeek *int    `json:"hoursPerWeek"`
	Start        *string `json:"start"`
	End          *string `json:"end"`
}

// navInput is the wire input of the nav-kindergarten-list kind.
type navInput struct {
	Month      *string              `json:"month"`
	Previous   *[]navEntryIn        `json:"previous"`
	Units      *[]reportUnitIn      `json:"units"`
	Children   *[]reportChildIn     `json:"children"`
	Placements *[]reportPlacementIn `json:"placements"`
	Decisions  *[]reportDecisionIn  `json:"decisions"`
}

// wireIDs maps wire IDs to domain IDs and back.
type wireIDs struct {
	units      map[string]domain.UnitID
	children   map[string]domain.ChildID
	unitName   map[domain.UnitID]string
	childName  map[domain.ChildID]string
	unitKinds  map[string]domain.UnitKind
	childBirth map[string]date.Date
}

func optionalWireDate(field string, s *string) (date.Date, error) {
	if s == nil {
		return date.Zero, nil
	}
	return parseWireDate(field, s)
}

func wireID(field string, s *string) (string, error) {
	if s == nil || *s == "" {
		return "", invalid(field, "is required")
	}
	return *s, nil
}

// buildReportInput checks the rows and builds the reports.Input.
func buildReportInput(rows reportRows) (reports.Input, *wireIDs, error) {
	ids := &wireIDs{units: map[string]domain.UnitID{}, children: map[string]domain.ChildID{},
		unitName: map[domain.UnitID]string{}, childName: map[domain.ChildID]string{},
		unitKinds: map[string]domain.UnitKind{}, childBirth: map[string]date.Date{}}
	var in reports.Input
	if rows.Units == nil {
		return in, nil, invalid("units", "is required")
	}
	if rows.Children == nil {
		return in, nil, invalid("children", "is required")
	}
	if rows.Placements == nil {
		return in, nil, invalid("placements", "is required")
	}
	for i, u := range *rows.Units {
		f := fmt.Sprintf("units[%d]", i)
		id, err := wireID(f+".id", u.ID)
		if err != nil {
			return in, nil, err
		}
		if _, dup := ids.units[id]; dup {
			return in, nil, invalid(f+".id", "is repeated")
		}
		if u.Kind == nil || !domain.UnitKind(*u.Kind).Valid() {
			return in, nil, invalid(f+".kind", "must be kindergarten, school or sfo")
		}
		k := domain.UnitKind(*u.Kind)
		unit := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: "0000", Name: id, Kind: k, Owner: domain.Municipal}
		for _, s := range []struct {
			name string
			v    *int
			dst  *int
		}{{"seatsSmall", u.SeatsSmall, &unit.Seats.Small}, {"seatsLarge", u.SeatsLarge, &unit.Seats.Large}} {
			if s.v == nil {
				continue
			}
			if *s.v < 0 || *s.v > domain.MaxSeats || k != domain.Kindergarten {
				return in, nil, invalid(f+"."+s.name, "must be 0 to 10000, for a kindergarten only")
			}
			*s.dst = *s.v
		}
		if unit.ClosingDate, err = optionalWireDate(f+".closingDate", u.ClosingDate); err != nil {
			return in, nil, err
		}
		ids.units[id] = unit.ID
		ids.unitName[unit.ID] = id
		ids.unitKinds[id] = k
		in.Units = append(in.Units, unit)
	}
	for i, c := range *rows.Children {
		f := fmt.Sprintf("children[%d]", i)
		id, err := wireID(f+".id", c.ID)
		if err != nil {
			return in, nil, err
		}
		if _, dup := ids.children[id]; dup {
			return in, nil, invalid(f+".id", "is repeated")
		}
		birth, err := parseWireDate(f+".birthDate", c.BirthDate)
		if err != nil {
			return in, nil, err
		}
		child := domain.Child{ID: domain.NewID[domain.Child](), Municipality: "0000", GivenName: id, FamilyName: id, BirthDate: birth}
		if c.AddressProtected != nil && *c.AddressProtected {
			child.AddressProtection = domain.ProtectionStrengtFortrolig
		}
		ids.children[id] = child.ID
		ids.childName[child.ID] = id
		ids.childBirth[id] = birth
		in.Children = append(in.Children, child)
	}
	for i, p := range *rows.Placements {
		f := fmt.Sprintf("placements[%d]", i)
		cid, ok := lookup(ids.children, p.Child)
		if !ok {
			return in, nil, invalid(f+".child", "is not a child of the input")
		}
		uid, ok := lookup(ids.units, p.Unit)
		if !ok {
			return in, nil, invalid(f+".unit", "is not a unit of the input")
		}
		k := ids.unitKinds[*p.Unit]
		if p.HoursPerWeek == nil || *p.HoursPerWeek < 0 || *p.HoursPerWeek > domain.MaxHoursPerWeek {
			return in, nil, invalid(f+".hoursPerWeek", "is required, 0 to 60")
		}
		per, err := wirePeriod(f, p.Start, p.End)
		if err != nil {
			return in, nil, err
		}
		in.Placements = append(in.Placements, domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: "0000",
			ChildID: cid, UnitID: uid, Kind: k, HoursPerWeek: *p.HoursPerWeek, Period: per})
	}
	if rows.Decisions != nil {
		for i, d := range *rows.Decisions {
			f := fmt.Sprintf("decisions[%d]", i)
			cid, ok := lookup(ids.children, d.Child)
			if !ok {
				return in, nil, invalid(f+".child", "is not a child of the input")
			}
			if d.Kind == nil || !slices.Contains([]string{reports.KindSpecialEducationHelp, reports.KindAdaptation, reports.KindAdaptedEducation}, *d.Kind) {
				return in, nil, invalid(f+".kind", "must be special-education-help, adaptation or individually-adapted-education")
			}
			per, err := wirePeriod(f, d.Start, d.End)
			if err != nil {
				return in, nil, err
			}
			h := decimal.Zero
			if d.HoursPerWeek != nil {
				if d.HoursPerWeek.IsNegative() {
					return in, nil, invalid(f+".hoursPerWeek", "may not be negative")
				}
				h = *d.HoursPerWeek
			}
			in.Decisions = append(in.Decisions, reports.Decision{Child: cid, Kind: *d.Kind, Period: per, HoursPerWeek: h})
		}
	}
	return in, ids, nil
}

func lookup[T any](m map[string]domain.ID[T], s *string) (domain.ID[T], bool) {
	if s == nil {
		return domain.ID[T]{}, false
	}
	id, ok := m[*s]
	return id, ok
}

func wirePeriod(f string, start, end *string) (domain.Period, error) {
	s, err := parseWireDate(f+".start", start)
	if err != nil {
		return domain.Period{}, err
	}
	e, err := optionalWireDate(f+".end", end)
	if err != nil {
		return domain.Period{}, err
	}
	if e != date.Zero && e < s {
		return domain.Period{}, invalid(f+".end", "is before the start")
	}
	return domain.Period{Start: s, End: e}, nil
}

// names turns a cell into its sorted wire child IDs.
func (ids *wireIDs) names(c *reports.Cell) []string {
	out := []string{}
	if c == nil {
		return out
	}
	for _, id := range c.Children {
		out = append(out, ids.childName[id])
	}
	slices.Sort(out)
	return out
}

func (ids *wireIDs) cellMap(m map[string]*reports.Cell) map[string][]string {
	out := map[string][]string{}
	for k, c := range m {
		out[k] = ids.names(c)
	}
	return out
}

type basilUnitOut struct {
	Unit                 string                         `json:"unit"`
	PlacesSmall          int                            `json:"placesSmall"`
	PlacesLarge          int                            `json:"placesLarge"`
	Children             []string                       `json:"children"`
	ByAge                map[string][]string            `json:"byAge"`
	ByAgeAndHours        map[string]map[string][]string `json:"byAgeAndHours"`
	SpecialEducationHelp []string                       `json:"specialEducationHelp"`
	Adaptation           []string                       `json:"adaptation"`
}

type basilOutput struct {
	Day   string         `json:"day"`
	Units []basilUnitOut `json:"units"`
}

// evalBASIL evaluates the basil kind by the built-in rules
// (reports/rules/basil.json).
func evalBASIL(input json.RawMessage) (any, error) {
	var w basilInput
	if err := decodeInput(input, &w); err != nil {
		return nil, err
	}
	if w.Year == nil || *w.Year < 1 || *w.Year > 9998 {
		return nil, invalid("year", "is required, 1 to 9998")
	}
	in, ids, err := buildReportInput(reportRows{w.Units, w.Children, w.Placements, w.Decisions})
	if err != nil {
		return nil, err
	}
	r, err := reports.LoadRules()
	if err != nil {
		return nil, err
	}
	rep, err := reports.BASIL(in, *w.Year, r.BASIL)
	if err != nil {
		return nil, errorFrom(err)
	}
	out := basilOutput{Day: rep.Day.String(), Units: []basilUnitOut{}}
	for _, u := range rep.Units {
		o := basilUnitOut{Unit: ids.unitName[u.Unit], PlacesSmall: u.Places.Small, PlacesLarge: u.Places.Large,
			Children: ids.names(&u.Children), ByAge: ids.cellMap(u.ByAge), ByAgeAndHours: map[string]map[string][]string{},
			SpecialEducationHelp: ids.names(&u.SpecialEducationHelp), Adaptation: ids.names(&u.Adaptation)}
		for a, m := range u.ByAgeAndHours {
			o.ByAgeAndHours[a] = ids.cellMap(m)
		}
		out.Units = append(out.Units, o)
	}
	slices.SortFunc(out.Units, func(a, b basilUnitOut) int { return cmpString(a.Unit, b.Unit) })
	return out, nil
}

type gsiUnitOut struct {
	Unit                string              `json:"unit"`
	Kind                string              `json:"kind"`
	Pupils              []string            `json:"pupils"`
	ByGrade             map[string][]string `json:"byGrade"`
	ByHours             map[string][]string `json:"byHours,omitzero"`
	AdaptedEducation    []string            `json:"adaptedEducation"`
	AdaptedByGrade      map[string][]string `json:"adaptedByGrade,omitzero"`
	AdaptedHoursPerWeek string              `json:"adaptedHoursPerWeek,omitempty"`
}

type gsiOutput struct {
	Day   string       `json:"day"`
	Units []gsiUnitOut `json:"units"`
}

// evalGSI evaluates the gsi kind by the built-in rules
// (reports/rules/gsi.json).
func evalGSI(input json.RawMessage) (any, error) {
	var w gsiInput
	if err := decodeInput(input, &w); err != nil {
		return nil, err
	}
	if w.SchoolYear == nil || *w.SchoolYear < 1 || *w.SchoolYear > 9998 {
		return nil, invalid("schoolYear", "is required, 1 to 9998")
	}
	in, ids, err := buildReportInput(reportRows{w.Units, w.Children, w.Placements, w.Decisions})
	if err != nil {
		return nil, err
	}
	r, err := reports.LoadRules()
	if err != nil {
		return nil, err
	}
	rep, err := reports.GSI(in, domain.SchoolYear(*w.SchoolYear), r.GSI)
	if err != nil {
		return nil, errorFrom(err)
	}
	out := gsiOutput{Day: rep.Day.String(), Units: []gsiUnitOut{}}
	for _, u := range rep.Units {
		o := gsiUnitOut{Unit: ids.unitName[u.Unit], Kind: string(u.Kind), Pupils: ids.names(&u.Pupils), ByGrade: ids.cellMap(u.ByGrade),
			AdaptedEducation: ids.names(&u.AdaptedEducation)}
		if u.Kind == domain.SFO {
			o.ByHours = ids.cellMap(u.ByHours)
		} else {
			o.AdaptedByGrade = ids.cellMap(u.AdaptedByGrade)
			o.AdaptedHoursPerWeek = u.AdaptedHoursPerWeek.StringFixed(2)
		}
		out.Units = append(out.Units, o)
	}
	slices.SortFunc(out.Units, func(a, b gsiUnitOut) int { return cmpString(a.Unit, b.Unit) })
	return out, nil
}

type navEntryOut struct {
	Child            string `json:"child"`
	Unit             string `json:"unit"`
	HoursPerWeek     int    `json:"hoursPerWeek"`
	Band             string `json:"band"`
	Start            string `json:"start"`
	End              string `json:"end,omitempty"`
	AddressProtected bool   `json:"addressProtected"`
}

type navChangeOut struct {
	Child string `json:"child"`
	Kind  string `json:"kind"`
	From  string `json:"from,omitempty"`
	To    string `json:"to,omitempty"`
}

type navOutput struct {
	Entries []navEntryOut  `json:"entries"`
	Changes []navChangeOut `json:"changes"`
}

// evalNAVList evaluates the nav-kindergarten-list kind by the built-in
// rules (reports/rules/nav.json).
func evalNAVList(input json.RawMessage) (any, error) {
	var w navInput
	if err := decodeInput(input, &w); err != nil {
		return nil, err
	}
	mo, err := parseWireMonth("month", w.Month)
	if err != nil {
		return nil, err
	}
	in, ids, err := buildReportInput(reportRows{w.Units, w.Children, w.Placements, w.Decisions})
	if err != nil {
		return nil, err
	}
	var prev *reports.NAVList
	if w.Previous != nil {
		prev = &reports.NAVList{}
		seen := map[string]bool{}
		for i, e := range *w.Previous {
			f := fmt.Sprintf("previous[%d]", i)
			cid, ok := lookup(ids.children, e.Child)
			if !ok {
				return nil, invalid(f+".child", "is not a child of the input")
			}
			if seen[*e.Child] {
				return nil, invalid(f+".child", "is repeated")
			}
			seen[*e.Child] = true
			uid, ok := lookup(ids.units, e.Unit)
			if !ok {
				return nil, invalid(f+".unit", "is not a unit of the input")
			}
			if e.HoursPerWeek == nil || *e.HoursPerWeek < 0 || *e.HoursPerWeek > domain.MaxHoursPerWeek {
				return nil, invalid(f+".hoursPerWeek", "is required, 0 to 60")
			}
			per, err := wirePeriod(f, e.Start, e.End)
			if err != nil {
				return nil, err
			}
			prev.Entries = append(prev.Entries, reports.NAVEntry{Child: cid, Unit: uid, HoursPerWeek: *e.HoursPerWeek, Start: per.Start, End: per.End})
		}
	}
	r, err := reports.LoadRules()
	if err != nil {
		return nil, err
	}
	l, err := reports.NAV(in, mo.Year, mo.Month, r.NAV, prev)
	if err != nil {
		return nil, errorFrom(err)
	}
	out := navOutput{Entries: []navEntryOut{}, Changes: []navChangeOut{}}
	for _, e := range l.Entries {
		o := navEntryOut{Child: ids.childName[e.Child], Unit: ids.unitName[e.Unit], HoursPerWeek: e.HoursPerWeek, Band: e.Band,
			Start: e.Start.String(), AddressProtected: e.AddressProtected}
		if e.End != date.Zero {
			o.End = e.End.String()
		}
		out.Entries = append(out.Entries, o)
	}
	byUUID := map[string]string{}
	for id, u := range ids.units {
		byUUID[u.String()] = id
	}
	for _, c := range l.Changes {
		o := navChangeOut{Child: ids.childName[c.Child], Kind: c.Kind, From: c.From, To: c.To}
		if c.Kind == reports.ChangeUnitChanged {
			o.From, o.To = byUUID[c.From], byUUID[c.To]
		}
		out.Changes = append(out.Changes, o)
	}
	slices.SortFunc(out.Entries, func(a, b navEntryOut) int { return cmpString(a.Child, b.Child) })
	slices.SortFunc(out.Changes, func(a, b navChangeOut) int {
		if c := cmpString(a.Child, b.Child); c != 0 {
			return c
		}
		return cmpString(a.Kind, b.Kind)
	})
	return out, nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
