package reports

import (
	"fmt"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/domain"
)

// Decision kinds as the special-education capability names them
// (specialed.DecisionKind); the rules name which kind each report counts.
const (
	KindSpecialEducationHelp = "special-education-help"
	KindAdaptation           = "adaptation"
	KindAdaptedEducation     = "individually-adapted-education"
)

// Decision is a granted decision on special-education help, adaptation
// or individually adapted education in force for Period, with its hours
// per week (all providers). An application builds it from the granted
// decisions of its special-education cases.
type Decision struct {
	Child        domain.ChildID  `json:"child"`
	Kind         string          `json:"kind"`
	Period       domain.Period   `json:"period"`
	HoursPerWeek decimal.Decimal `json:"hoursPerWeek"`
}

// Input is the stored data a report is counted from: plain records, read
// by the caller in one transaction, so the reports are pure functions.
type Input struct {
	Units      []domain.Unit      `json:"units"`
	Children   []domain.Child     `json:"children"`
	Placements []domain.Placement `json:"placements"`
	Decisions  []Decision         `json:"decisions"`
}

// Cell is one figure of a report with the children behind it, sorted, so
// a caseworker can check it.
type Cell struct {
	Count    int              `json:"count"`
	Children []domain.ChildID `json:"children"`
}

func (c *Cell) add(id domain.ChildID) {
	c.Count++
	c.Children = append(c.Children, id)
}

// index is the input looked up by ID, checked for references that go
// nowhere.
type index struct {
	units    map[domain.UnitID]domain.Unit
	children map[domain.ChildID]domain.Child
}

func newIndex(in Input) (index, error) {
	ix := index{units: make(map[domain.UnitID]domain.Unit, len(in.Units)), children: make(map[domain.ChildID]domain.Child, len(in.Children))}
	for _, u := range in.Units {
		ix.units[u.ID] = u
	}
	for _, c := range in.Children {
		ix.children[c.ID] = c
	}
	var p domain.Problems
	for i, pl := range in.Placements {
		if _, ok := ix.children[pl.ChildID]; !ok {
			p.Add(fmt.Sprintf("placements[%d].childId", i), ReasonUnknownChild)
		}
		if _, ok := ix.units[pl.UnitID]; !ok {
			p.Add(fmt.Sprintf("placements[%d].unitId", i), ReasonUnknownUnit)
		}
	}
	for i, d := range in.Decisions {
		if _, ok := ix.children[d.Child]; !ok {
			p.Add(fmt.Sprintf("decisions[%d].child", i), ReasonUnknownChild)
		}
	}
	return ix, p.Err()
}

// decisionsOn returns the children with a decision of kind in force on
// day, with the sum of their hours per week.
func decisionsOn(ds []Decision, kind string, day date.Date) map[domain.ChildID]decimal.Decimal {
	out := map[domain.ChildID]decimal.Decimal{}
	for _, d := range ds {
		if d.Kind == kind && d.Period.Contains(day) {
			out[d.Child] = out[d.Child].Add(d.HoursPerWeek)
		}
	}
	return out
}

// completedYears is the age in whole years on day d.
func completedYears(birth, d date.Date) int {
	y := d.Year() - birth.Year()
	if d.Month() < birth.Month() || (d.Month() == birth.Month() && d.Day() < birth.Day()) {
		y--
	}
	return y
}

// addYears is the day a child born on birth turns n (29 February: 1 March
// in a common year).
func addYears(birth date.Date, n int) date.Date {
	return date.New(birth.Year()+n, birth.Month(), birth.Day())
}

func dayOf(year, month, day int) date.Date { return date.New(year, time.Month(month), day) }
