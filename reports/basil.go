package reports

import (
	"bytes"
	"slices"
	"strconv"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// BASILReport is the kindergarten report for one year, counted on its
// counting day: one BASILUnit per kindergarten open that day, sorted by
// name, then ID.
type BASILReport struct {
	Year         int         `json:"year"`
	Day          date.Date   `json:"day"`
	RulesVersion string      `json:"rulesVersion"`
	Units        []BASILUnit `json:"units"`
	// NotCounted are the form's fields the stored data cannot fill (the
	// rules' notCounted): they are left to the kindergarten.
	NotCounted []string `json:"notCounted"`
}

// BASILUnit is one kindergarten's figures.
type BASILUnit struct {
	Unit  domain.UnitID `json:"unit"`
	Name  string        `json:"name"`
	Owner domain.Owner  `json:"owner"`
	// Places are the unit's stated seats (under three, three and over).
	Places domain.Seats `json:"places"`
	// Children are all children with a placement on the day.
	Children Cell `json:"children"`
	// ByAge counts children by age ("0" … maxAge; an older child counts
	// under maxAge), ByAgeAndHours by age and the hours band.
	ByAge         map[string]*Cell            `json:"byAge"`
	ByAgeAndHours map[string]map[string]*Cell `json:"byAgeAndHours"`
	// SpecialEducationHelp and Adaptation are the children of the unit
	// with such a decision in force on the day.
	SpecialEducationHelp Cell `json:"specialEducationHelp"`
	Adaptation           Cell `json:"adaptation"`
}

// BASIL counts the kindergartens on the counting day of year (15 December
// by the built-in rules): every child with a kindergarten placement that
// day, by age and agreed weekly hours, and those with a decision on
// special-education help or adaptation in force. Places are the units'
// stated seats. It refuses input that names an unknown child or unit.
func BASIL(in Input, year int, r BASILRules) (BASILReport, error) {
	ix, err := newIndex(in)
	if err != nil {
		return BASILReport{}, err
	}
	day := dayOf(year, r.CountMonth, r.CountDay)
	rep := BASILReport{Year: year, Day: day, RulesVersion: r.Version, NotCounted: slices.Clone(r.NotCounted)}
	byUnit := map[domain.UnitID]*BASILUnit{}
	for _, u := range in.Units {
		if u.Kind != domain.Kindergarten || u.Closed(day) {
			continue
		}
		bu := &BASILUnit{Unit: u.ID, Name: u.Name, Owner: u.Owner, Places: u.Seats,
			ByAge: map[string]*Cell{}, ByAgeAndHours: map[string]map[string]*Cell{}}
		for a := 0; a <= r.MaxAge; a++ {
			k := strconv.Itoa(a)
			bu.ByAge[k] = &Cell{}
			bu.ByAgeAndHours[k] = map[string]*Cell{}
			for _, b := range r.HoursBands {
				bu.ByAgeAndHours[k][b.Key] = &Cell{}
			}
		}
		byUnit[u.ID] = bu
	}
	help := decisionsOn(in.Decisions, r.SpecialEducationHelp, day)
	adapt := decisionsOn(in.Decisions, r.Adaptation, day)
	for _, pl := range in.Placements {
		if pl.Kind != domain.Kindergarten || !pl.Period.Contains(day) {
			continue
		}
		bu, ok := byUnit[pl.UnitID]
		if !ok {
			continue
		}
		c := ix.children[pl.ChildID]
		age := min(max(basilAge(r.AgeRule, c.BirthDate, day), 0), r.MaxAge)
		k := strconv.Itoa(age)
		bu.Children.add(c.ID)
		bu.ByAge[k].add(c.ID)
		if band := bandOf(r.HoursBands, pl.HoursPerWeek); band != "" {
			bu.ByAgeAndHours[k][band].add(c.ID)
		}
		if _, ok := help[c.ID]; ok {
			bu.SpecialEducationHelp.add(c.ID)
		}
		if _, ok := adapt[c.ID]; ok {
			bu.Adaptation.add(c.ID)
		}
	}
	for _, bu := range byUnit {
		bu.sort()
		rep.Units = append(rep.Units, *bu)
	}
	slices.SortFunc(rep.Units, func(a, b BASILUnit) int {
		if a.Name != b.Name {
			if a.Name < b.Name {
				return -1
			}
			return 1
		}
		return cmpID(a.Unit, b.Unit)
	})
	return rep, nil
}

func basilAge(rule string, birth, day date.Date) int {
	if rule == AgeCompletedOnCountDay {
		return completedYears(birth, day)
	}
	return day.Year() - birth.Year()
}

func (bu *BASILUnit) sort() {
	sortCell(&bu.Children)
	sortCell(&bu.SpecialEducationHelp)
	sortCell(&bu.Adaptation)
	for _, c := range bu.ByAge {
		sortCell(c)
	}
	for _, m := range bu.ByAgeAndHours {
		for _, c := range m {
			sortCell(c)
		}
	}
}

func sortCell(c *Cell) {
	slices.SortFunc(c.Children, cmpID[domain.Child])
	if c.Children == nil {
		c.Children = []domain.ChildID{}
	}
}

// cmpID orders IDs by their bytes (UUIDv7: by creation).
func cmpID[T any](a, b domain.ID[T]) int {
	x, y := a.UUID(), b.UUID()
	return bytes.Compare(x[:], y[:])
}
