package attendance_test

import (
	"strings"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/domain"
)

func TestOccupancyWithoutADutyRosterSaysSo(t *testing.T) {
	day := date.New(2025, time.November, 24)
	norm, err := attendance.StaffingNorm(day)
	require.NoError(t, err)
	unit, child := domain.NewID[domain.Unit](), domain.NewID[domain.Child]()
	at := time.Date(2025, 11, 24, 8, 0, 0, 0, domain.Oslo())
	d := attendance.Day{
		Children: []domain.Child{{ID: child, BirthDate: date.New(2021, 1, 1)}},
		Checks:   []attendance.Check{{ChildID: child, Kind: attendance.CheckIn, At: at}},
	}
	occ := attendance.BuildOccupancy(unit, day, norm, d)
	require.Len(t, occ.Moments, 1)
	w := occ.Worst
	assert.True(t, w.NoRoster)
	assert.Contains(t, w.Explain(attendance.Bokmal), "ingen vaktliste")
	assert.NotContains(t, w.Explain(attendance.Bokmal), "mangler")

	// With the roster, the staff on duty count.
	duty := attendance.Duty{ID: domain.NewID[attendance.Duty](), Municipality: "4601", UnitID: unit, Day: day, Staff: "kari@x.no",
		Start: at.Add(-time.Hour), End: at.Add(8 * time.Hour)}
	d.Duties = []attendance.Duty{duty}
	d.Checks = append(d.Checks, attendance.Check{ChildID: child, Kind: attendance.CheckOut, At: at.Add(7 * time.Hour)})
	w = attendance.BuildOccupancy(unit, day, norm, d).Worst
	assert.False(t, w.NoRoster)
	assert.Equal(t, 1, w.OnDuty)
	assert.True(t, w.Meets)
	assert.False(t, strings.Contains(w.Explain(attendance.English), "no duty roster"))
}

func TestCheckDutyRefusesTheSamePersonTwiceAtOnce(t *testing.T) {
	day := date.New(2025, time.November, 24)
	at := func(h int) time.Time { return time.Date(2025, 11, 24, h, 0, 0, 0, domain.Oslo()) }
	unit := domain.NewID[domain.Unit]()
	d := func(staff string, from, to int) attendance.Duty {
		return attendance.Duty{ID: domain.NewID[attendance.Duty](), Municipality: "4601", UnitID: unit, Day: day, Staff: staff, Start: at(from), End: at(to)}
	}
	roster := []attendance.Duty{d("kari@x.no", 7, 12)}
	assert.Equal(t, "from", domain.FieldOf(attendance.CheckDuty(d("kari@x.no", 11, 15), roster)))
	assert.NoError(t, attendance.CheckDuty(d("kari@x.no", 12, 15), roster), "back to back")
	assert.NoError(t, attendance.CheckDuty(d("per@x.no", 8, 15), roster))
	assert.Equal(t, "end", domain.FieldOf(attendance.CheckDuty(d("per@x.no", 15, 8), roster)))
}
