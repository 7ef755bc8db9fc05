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

var oslo = domain.MustMunicipality("0301")

func TestStaffingNorm(t *testing.T) {
	n, err := attendance.StaffingNorm(date.New(2025, 9, 10))
	require.NoError(t, err)
	assert.Equal(t, date.New(2018, 8, 1), n.ValidFrom)
	assert.Equal(t, 3, n.UnderThree)
	assert.Equal(t, 6, n.OverThree)
	assert.Contains(t, n.Source, "barnehageloven § 26")
	_, err = attendance.StaffingNorm(date.New(2018, 7, 31))
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("day"))

	// Needed = ceil(small/3 + large/6), by hand.
	for _, c := range []struct{ small, large, want int }{
		{0, 0, 0}, {1, 0, 1}, {3, 0, 1}, {4, 0, 2}, {0, 6, 1}, {0, 7, 2},
		{1, 1, 1}, {2, 2, 1}, {2, 3, 2}, {4, 7, 3}, {9, 18, 6}, {10, 18, 7},
	} {
		assert.Equal(t, c.want, n.Needed(c.small, c.large), "%d under three, %d over", c.small, c.large)
	}
}

func TestCheckValidate(t *testing.T) {
	at := time.Date(2025, 3, 30, 0, 30, 0, 0, time.UTC) // 01:30 in Oslo, the night summer time starts
	c := attendance.Check{ID: domain.NewID[attendance.Check](), Municipality: oslo, Key: "k", ChildID: domain.NewID[domain.Child](),
		UnitID: domain.NewID[domain.Unit](), Kind: attendance.CheckIn, At: at, Day: date.New(2025, 3, 30), By: "x"}
	require.NoError(t, c.Validate())

	bad := c
	bad.Day = date.New(2025, 3, 29) // the UTC day is right, the Oslo day is not
	bad.Key = strings.Repeat("k", attendance.MaxKeyLength+1)
	bad.Kind = "maybe"
	bad.Collector = attendance.Collector{Name: "Mor"}
	var ve *domain.ValidationError
	require.ErrorAs(t, bad.Validate(), &ve)
	for _, f := range []string{"day", "key", "kind"} {
		assert.True(t, ve.Has(f), f)
	}
	bad = c
	bad.Collector = attendance.Collector{Name: "Mor"}
	require.ErrorAs(t, bad.Validate(), &ve)
	assert.True(t, ve.Has("collector"), "only-a-check-out-has-a-collector")

	same := c
	same.ID, same.By, same.Warning = domain.NewID[attendance.Check](), "y", "w"
	assert.True(t, c.Same(same), "ID, recorder and warning are the store's")
	same.At = same.At.Add(time.Second)
	assert.False(t, c.Same(same))
}

func TestSettingsValidate(t *testing.T) {
	require.NoError(t, attendance.Settings{Municipality: oslo}.Validate(), "the zero settings are valid")
	s := attendance.Settings{Municipality: oslo, ExpectedArrival: "9:30",
		Holiday: attendance.HolidayRule{Weeks: 4, SummerWeeks: 3, DaysPerWeek: 0, SummerFrom: "08-15", SummerTo: "06-15"},
		School:  attendance.SchoolRule{PermissionDays: -1, CertificateFrom: 10, CertificateTo: 8}}
	s.UnitArrival = map[domain.UnitID]string{domain.NewID[domain.Unit](): "7"}
	var ve *domain.ValidationError
	require.ErrorAs(t, s.Validate(), &ve)
	for _, f := range []string{"expectedArrival", "unitArrival", "holiday.daysPerWeek", "holiday.summerTo", "school.permissionDays", "school.certificateTo"} {
		assert.True(t, ve.Has(f), f)
	}
}

func TestGradeIn(t *testing.T) {
	// Born 2011: first grade in August 2017, tenth in 2026/27.
	assert.Equal(t, 1, attendance.GradeIn(date.New(2011, 12, 31), 2017))
	assert.Equal(t, 8, attendance.GradeIn(date.New(2011, 1, 1), 2024))
	assert.Equal(t, 10, attendance.GradeIn(date.New(2011, 6, 1), 2026))
}

func TestBuildRosterInstant(t *testing.T) {
	unit := domain.NewID[domain.Unit]()
	day := date.New(2025, 9, 10)
	child := domain.Child{ID: domain.NewID[domain.Child](), Municipality: oslo, GivenName: "Emma", FamilyName: "Berg", BirthDate: date.New(2021, 1, 1)}
	d := attendance.Day{
		Placements: []domain.Placement{{ID: domain.NewID[domain.Placement](), Municipality: oslo, ChildID: child.ID, UnitID: unit,
			Kind: domain.Kindergarten, HoursPerWeek: 41, Period: domain.Period{Start: date.New(2025, 8, 1)}}},
		Children: []domain.Child{child},
	}
	st := attendance.Settings{Municipality: oslo, ExpectedArrival: "09:00"}
	status := func(now time.Time) attendance.Status {
		r := attendance.BuildRoster(unit, domain.GroupID{}, day, now, st, d)
		require.Len(t, r.Entries, 1)
		return r.Entries[0].Status
	}
	in := func(h, m int) time.Time { return time.Date(2025, 9, 10, h, m, 0, 0, domain.Oslo()) }
	assert.Equal(t, attendance.Expected, status(in(9, 0)), "at the expected time, not yet late")
	assert.Equal(t, attendance.Late, status(in(9, 1)))
	assert.Equal(t, attendance.Expected, status(in(9, 1).AddDate(0, 0, -1)), "seen the day before: the start of the day")
	assert.Equal(t, attendance.Late, status(in(9, 1).AddDate(0, 0, 3)), "seen later: the end of the day")

	d.Checks = []attendance.Check{{ChildID: child.ID, UnitID: unit, Kind: attendance.CheckIn, At: in(8, 0), Day: day}}
	assert.Equal(t, attendance.Expected, status(in(7, 59)), "a check-in after the instant does not count yet")
	assert.Equal(t, attendance.Present, status(in(8, 0)))
	d.Checks = nil
	st.UnitArrival = map[domain.UnitID]string{unit: "10:30", domain.NewID[domain.Unit](): "07:00"}
	assert.Equal(t, attendance.Expected, status(in(10, 30)), "the unit's own time overrides the municipality's")
	assert.Equal(t, attendance.Late, status(in(10, 31)))
	st.ExpectedArrival, st.UnitArrival = "", nil
	assert.Equal(t, attendance.Expected, status(in(23, 0)), "no expected time: never late")
}
