package attendance_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/domain"
)

// The guardian's start page asks for each child's day: expected, checked
// in, checked out, sick, or no place; and school staff list a pupil's
// school absences.
func TestChildTodayAndSchoolAbsences(t *testing.T) {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, sqlite.Options{Temp: true})
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	m := domain.MustMunicipality("0301")
	kg := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Solsikken barnehage", Kind: domain.Kindergarten, Owner: domain.Municipal}
	school := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Bakken skole", Kind: domain.School, Owner: domain.Municipal}
	child := func(name string, born date.Date) domain.Child {
		return domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: name, FamilyName: "Dahl", BirthDate: born, AddressProtection: domain.ProtectionNone}
	}
	emma, jonas, ola, pupil := child("Emma", date.New(2021, 3, 4)), child("Jonas", date.New(2022, 6, 1)), child("Ola", date.New(2020, 1, 1)), child("Per", date.New(2011, 2, 2))
	mother := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, GivenName: "Kari", FamilyName: "Dahl"}
	place := func(ctx context.Context, c domain.Child, u domain.Unit) error {
		return store.CreatePlacement(ctx, domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: m, ChildID: c.ID,
			UnitID: u.ID, Kind: u.Kind, HoursPerWeek: 41, Period: domain.Period{Start: date.New(2025, 8, 1)}})
	}
	require.NoError(t, store.Atomic(ctx, func(ctx context.Context) error {
		errs := []error{store.CreateUnit(ctx, kg), store.CreateUnit(ctx, school), store.CreateGuardian(ctx, mother)}
		for _, c := range []domain.Child{emma, jonas, ola, pupil} {
			errs = append(errs, store.CreateChild(ctx, c),
				store.PutGuardianship(ctx, domain.Guardianship{Municipality: m, ChildID: c.ID, GuardianID: mother.ID, ParentalResponsibility: true}))
		}
		return errors.Join(append(errs, place(ctx, emma, kg), place(ctx, jonas, kg), place(ctx, pupil, school))...)
	}))
	now := time.Date(2025, 9, 10, 9, 45, 0, 0, domain.Oslo())
	svc := &attendance.Service{Store: store, Clock: domain.FixedClock(now)}
	staff := domain.StaffActor(m, "ansatt-17", kg.ID)
	parent := domain.GuardianActor(m, mother.ID)

	day, err := svc.ChildToday(ctx, parent, emma.ID)
	require.NoError(t, err)
	assert.Equal(t, attendance.ChildDay{Child: emma.ID, Day: date.New(2025, 9, 10), Placed: true, Status: attendance.Expected}, day)
	in := now.Add(-time.Hour)
	_, err = svc.CheckIn(ctx, staff, attendance.Event{Key: "k1", Child: emma.ID, Unit: kg.ID, At: in})
	require.NoError(t, err)
	day, err = svc.ChildToday(ctx, parent, emma.ID)
	require.NoError(t, err)
	assert.Equal(t, attendance.Present, day.Status)
	assert.True(t, day.In.Equal(in))
	_, err = svc.CheckOut(ctx, staff, attendance.Event{Key: "k2", Child: emma.ID, Unit: kg.ID, At: now, Collector: attendance.Collector{Name: "Kari Dahl"}})
	require.NoError(t, err)
	day, err = svc.ChildToday(ctx, parent, emma.ID)
	require.NoError(t, err)
	assert.Equal(t, attendance.Left, day.Status)

	_, err = svc.ReportSick(ctx, parent, jonas.ID)
	require.NoError(t, err)
	day, err = svc.ChildToday(ctx, parent, jonas.ID)
	require.NoError(t, err)
	assert.Equal(t, attendance.Absent, day.Status)
	assert.Equal(t, attendance.Sick, day.Reason)

	day, err = svc.ChildToday(ctx, parent, ola.ID)
	require.NoError(t, err)
	assert.False(t, day.Placed)
	assert.Empty(t, day.Status)

	_, err = svc.ChildToday(ctx, domain.GuardianActor(m, domain.NewID[domain.Guardian]()), emma.ID)
	assert.ErrorIs(t, err, domain.ErrForbidden, "a stranger may not ask")

	teacher := domain.StaffActor(m, "laerer-1", school.ID)
	_, err = svc.RecordSchoolAbsence(ctx, teacher, attendance.SchoolAbsence{ChildID: pupil.ID, UnitID: school.ID, Day: date.New(2025, 9, 9), Hours: 2, Kind: attendance.Documented, Reason: attendance.ReasonHealth})
	require.NoError(t, err)
	list, err := svc.SchoolAbsences(ctx, teacher, pupil.ID, domain.SchoolYearOf(date.New(2025, 9, 9)).Period())
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, 2, list[0].Hours)
	_, err = svc.SchoolAbsences(ctx, staff, pupil.ID, domain.SchoolYearOf(date.New(2025, 9, 9)).Period())
	assert.ErrorIs(t, err, domain.ErrForbidden, "staff of another unit may not read them")
}
