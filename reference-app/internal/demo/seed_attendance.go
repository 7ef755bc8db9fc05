package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/domain"
)

// seedAttendance writes the demo municipality's attendance data, inside
// the seed's transaction: the municipality's settings (expected arrival,
// the kindergartens' holiday rule, the school absence rule), a pickup list
// for Sofie Berg (the demo family) kept by Hilde Berg, and the staff on
// duty today at Nordby SFO and Bjørkelia barnehage, so the occupancy
// against the staffing norm has something to count.
func seedAttendance(ctx context.Context, store domain.Store, clock domain.Clock) error {
	st, ok := store.(attendance.Store)
	if !ok {
		return fmt.Errorf("seed attendance: the store has no attendance port")
	}
	m := Municipality
	if err := st.PutSettings(ctx, attendance.Settings{
		Municipality:    m,
		ExpectedArrival: "09:30",
		Holiday: attendance.HolidayRule{Weeks: 4, SummerWeeks: 3, DaysPerWeek: 5, SummerFrom: "06-15", SummerTo: "08-15",
			Source: "Vedtekter for de kommunale barnehagene i Demo kommune (demo)"},
		School: attendance.SchoolRule{PermissionDays: 10, ExcludableDays: 10, Excludable: []attendance.SchoolKind{attendance.Documented},
			CertificateFrom: 8, CertificateTo: 10, Source: "Forskrift om skolefravær, Demo kommune (demo)"},
	}); err != nil {
		return fmt.Errorf("seed attendance settings: %w", err)
	}

	children, err := store.Children(ctx, m)
	if err != nil {
		return err
	}
	today := domain.Today(clock)
	for _, c := range children {
		if c.GivenName != "Sofie" || c.FamilyName != "Berg" {
			continue
		}
		links, err := store.Guardianships(ctx, m, c.ID)
		if err != nil {
			return err
		}
		var hilde domain.GuardianID
		for _, l := range links {
			g, err := store.Guardian(ctx, m, l.GuardianID)
			if err != nil {
				return err
			}
			if g.GivenName == "Hilde" {
				hilde = g.ID
			}
		}
		year := domain.SchoolYearOf(today)
		for _, p := range []attendance.Pickup{
			{Name: "Gunn Berg", Relation: "mormor", Phone: "+47 900 11 223"},
			{Name: "Lise Holm", Relation: "nabo", Phone: "+47 900 44 556", ValidUntil: year.End()},
		} {
			p.ID, p.Municipality, p.ChildID, p.AddedBy = domain.NewID[attendance.Pickup](), m, c.ID, hilde
			if err := st.PutPickup(ctx, p); err != nil {
				return fmt.Errorf("seed pickup list: %w", err)
			}
		}
	}

	units, err := store.Units(ctx, m)
	if err != nil {
		return err
	}
	onDuty := map[string][]string{
		"Nordby SFO":          {"ansatt-nordby", "ansatt-nordby-2"},
		"Bjørkelia barnehage": {"ansatt-bjorkelia", "ansatt-bjorkelia-2", "ansatt-bjorkelia-3"},
	}
	y, mo, d := today.Date()
	at := func(h, min int) time.Time { return time.Date(y, mo, d, h, min, 0, 0, domain.Oslo()) }
	for _, u := range units {
		for i, staff := range onDuty[u.Name] {
			// Shifts of 7.5 hours, the first from 07:00, one an hour later.
			du := attendance.Duty{ID: domain.NewID[attendance.Duty](), Municipality: m, UnitID: u.ID, Day: date.NewAt(at(7, 0)),
				Staff: staff, Start: at(7+i, 0), End: at(14+i, 30)}
			if err := st.AddDuty(ctx, du); err != nil {
				return fmt.Errorf("seed duty: %w", err)
			}
		}
	}
	return nil
}
