package reports

import (
	"slices"
	"strconv"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/domain"
)

// GSIReport is the school report for one school year, counted on its
// counting day (1 October by the built-in rules): one GSIUnit per school
// and per SFO open that day, sorted by kind (school first), name, ID.
type GSIReport struct {
	SchoolYear   domain.SchoolYear `json:"schoolYear"`
	Day          date.Date         `json:"day"`
	RulesVersion string            `json:"rulesVersion"`
	Units        []GSIUnit         `json:"units"`
	NotCounted   []string          `json:"notCounted"`
}

// GSIUnit is one school's or SFO's figures.
type GSIUnit struct {
	Unit domain.UnitID   `json:"unit"`
	Name string          `json:"name"`
	Kind domain.UnitKind `json:"kind"`
	// Pupils are all pupils placed on the day; ByGrade by grade ("1" …;
	// a pupil whose birth year gives a grade outside 1–10 counts under
	// "other").
	Pupils  Cell             `json:"pupils"`
	ByGrade map[string]*Cell `json:"byGrade"`
	// ByHours (SFO only) counts pupils by agreed weekly hours: by the
	// rules' bands, or per exact hours ("h12") when there are none.
	ByHours map[string]*Cell `json:"byHours,omitempty"`
	// AdaptedEducation (school only) are the pupils with a decision on
	// individually adapted education in force on the day, by grade, and
	// AdaptedHoursPerWeek the sum of their decided hours per week.
	AdaptedEducation        Cell                       `json:"adaptedEducation"`
	AdaptedByGrade          map[string]*Cell           `json:"adaptedByGrade,omitempty"`
	AdaptedHoursPerWeek     decimal.Decimal            `json:"adaptedHoursPerWeek"`
	AdaptedHoursPerWeekByGr map[string]decimal.Decimal `json:"adaptedHoursPerWeekByGrade,omitempty"`
}

// GSI counts the schools and SFOs on the counting day of school year y.
func GSI(in Input, y domain.SchoolYear, r GSIRules) (GSIReport, error) {
	ix, err := newIndex(in)
	if err != nil {
		return GSIReport{}, err
	}
	day := dayOf(int(y), r.CountMonth, r.CountDay)
	rep := GSIReport{SchoolYear: y, Day: day, RulesVersion: r.Version, NotCounted: slices.Clone(r.NotCounted)}
	byUnit := map[domain.UnitID]*GSIUnit{}
	for _, u := range in.Units {
		if (u.Kind != domain.School && u.Kind != domain.SFO) || u.Closed(day) {
			continue
		}
		gu := &GSIUnit{Unit: u.ID, Name: u.Name, Kind: u.Kind, ByGrade: map[string]*Cell{}}
		if u.Kind == domain.SFO {
			gu.ByHours = map[string]*Cell{}
			for _, b := range r.SFOHoursBands {
				gu.ByHours[b.Key] = &Cell{}
			}
		} else {
			gu.AdaptedByGrade = map[string]*Cell{}
			gu.AdaptedHoursPerWeekByGr = map[string]decimal.Decimal{}
		}
		byUnit[u.ID] = gu
	}
	adapted := decisionsOn(in.Decisions, r.AdaptedEducation, day)
	for _, pl := range in.Placements {
		if !pl.Period.Contains(day) {
			continue
		}
		gu, ok := byUnit[pl.UnitID]
		if !ok || pl.Kind != gu.Kind {
			continue
		}
		c := ix.children[pl.ChildID]
		g := gradeKey(int(y)-c.BirthDate.Year()-(r.SchoolStartAge-1), gu.Kind)
		gu.Pupils.add(c.ID)
		cellOf(gu.ByGrade, g).add(c.ID)
		if gu.Kind == domain.SFO {
			k := bandOf(r.SFOHoursBands, pl.HoursPerWeek)
			if len(r.SFOHoursBands) == 0 {
				k = "h" + strconv.Itoa(pl.HoursPerWeek)
			}
			if k != "" {
				cellOf(gu.ByHours, k).add(c.ID)
			}
			continue
		}
		if h, ok := adapted[c.ID]; ok {
			gu.AdaptedEducation.add(c.ID)
			cellOf(gu.AdaptedByGrade, g).add(c.ID)
			gu.AdaptedHoursPerWeek = gu.AdaptedHoursPerWeek.Add(h)
			gu.AdaptedHoursPerWeekByGr[g] = gu.AdaptedHoursPerWeekByGr[g].Add(h)
		}
	}
	for _, gu := range byUnit {
		sortCell(&gu.Pupils)
		sortCell(&gu.AdaptedEducation)
		for _, m := range []map[string]*Cell{gu.ByGrade, gu.ByHours, gu.AdaptedByGrade} {
			for _, c := range m {
				sortCell(c)
			}
		}
		rep.Units = append(rep.Units, *gu)
	}
	slices.SortFunc(rep.Units, func(a, b GSIUnit) int {
		switch {
		case a.Kind != b.Kind && a.Kind == domain.School:
			return -1
		case a.Kind != b.Kind:
			return 1
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return cmpID(a.Unit, b.Unit)
	})
	return rep, nil
}

// gradeKey is the grade as a key, "other" outside the kind's grade range.
func gradeKey(g int, k domain.UnitKind) string {
	r := domain.GradeRange[k]
	if g < r.From || g > r.To {
		return "other"
	}
	return strconv.Itoa(g)
}

func cellOf(m map[string]*Cell, k string) *Cell {
	c, ok := m[k]
	if !ok {
		c = &Cell{}
		m[k] = c
	}
	return c
}
