package reports_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reports"
)

// BornAged gives, for every age of BASIL, the birth dates BASIL counts
// at that age: a child born on each day of ten years, placed on the
// counting day, is counted in the age whose range holds its birth date,
// by both age rules and with the counting day on 29 February.
func TestBornAgedIsTheAgeBASILCounts(t *testing.T) {
	rules, err := reports.LoadRules()
	require.NoError(t, err)
	for _, rule := range []string{reports.AgeYearsAtEndOfYear, reports.AgeCompletedOnCountDay} {
		for _, count := range [][2]int{{12, 15}, {2, 29}} {
			r := rules.BASIL
			r.AgeRule, r.CountMonth, r.CountDay = rule, count[0], count[1]
			year := 2028
			day := date.New(year, time.Month(count[0]), count[1])
			u := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: "0301", Name: "Enhet", Kind: domain.Kindergarten}
			in := reports.Input{Units: []domain.Unit{u}}
			for b := date.New(year-9, 1, 1); b <= day; b++ {
				c := domain.Child{ID: domain.NewID[domain.Child](), Municipality: "0301", BirthDate: b}
				in.Children = append(in.Children, c)
				in.Placements = append(in.Placements, domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: "0301", ChildID: c.ID,
					UnitID: u.ID, Kind: domain.Kindergarten, HoursPerWeek: 41, Period: domain.Period{Start: day, End: day}})
			}
			rep, err := reports.BASIL(in, year, r)
			require.NoError(t, err)
			births := map[domain.ChildID]date.Date{}
			for _, c := range in.Children {
				births[c.ID] = c.BirthDate
			}
			total := 0
			for age := 0; age <= r.MaxAge; age++ {
				from, to := r.BornAged(year, age)
				var want []domain.ChildID
				for _, c := range in.Children {
					if (from == date.Zero || c.BirthDate >= from) && (to == date.Zero || c.BirthDate <= to) {
						want = append(want, c.ID)
					}
				}
				cell := rep.Units[0].ByAge[strconv.Itoa(age)]
				assert.ElementsMatch(t, want, cell.Children, "%s, %s: age %d (%s to %s)", rule, day, age, from, to)
				total += cell.Count
			}
			assert.Equal(t, len(in.Children), total)
		}
	}
}
