package attendance_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/domain"
)

// A morning at a kindergarten: a tablet checks a child in (and, having lost
// the answer, sends the same event again), a parent presses "sick child"
// for another, and the staff read the roster.
func Example() {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, sqlite.Options{Temp: true})
	if err != nil {
		panic(err)
	}
	defer store.Close()
	m := domain.MustMunicipality("0301")
	kg := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Solsikken barnehage",
		Kind: domain.Kindergarten, Owner: domain.Municipal}
	emma := domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: "Emma", FamilyName: "Berg",
		BirthDate: date.New(2021, 3, 4), AddressProtection: domain.ProtectionNone}
	jonas := domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: "Jonas", FamilyName: "Dahl",
		BirthDate: date.New(2022, 6, 1), AddressProtection: domain.ProtectionNone}
	mother := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, GivenName: "Kari", FamilyName: "Dahl"}
	err = store.Atomic(ctx, func(ctx context.Context) error {
		return errors.Join(
			store.CreateUnit(ctx, kg), store.CreateChild(ctx, emma), store.CreateChild(ctx, jonas),
			store.CreateGuardian(ctx, mother),
			store.PutGuardianship(ctx, domain.Guardianship{Municipality: m, ChildID: jonas.ID, GuardianID: mother.ID,
				ParentalResponsibility: true}),
			store.CreatePlacement(ctx, domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: m, ChildID: emma.ID,
				UnitID: kg.ID, Kind: domain.Kindergarten, HoursPerWeek: 41, Period: domain.Period{Start: date.New(2025, 8, 1)}}),
			store.CreatePlacement(ctx, domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: m, ChildID: jonas.ID,
				UnitID: kg.ID, Kind: domain.Kindergarten, HoursPerWeek: 41, Period: domain.Period{Start: date.New(2025, 8, 1)}}),
		)
	})
	if err != nil {
		panic(err)
	}

	now := time.Date(2025, 9, 10, 9, 45, 0, 0, domain.Oslo())
	svc := &attendance.Service{Store: store, Clock: domain.FixedClock(now)}
	staff := domain.StaffActor(m, "ansatt-17", kg.ID)

	arrived := attendance.Event{Key: "tablet-2/0815", Child: emma.ID, Unit: kg.ID, At: now.Add(-90 * time.Minute)}
	first, _ := svc.CheckIn(ctx, staff, arrived)
	retry, _ := svc.CheckIn(ctx, staff, arrived)
	fmt.Println("one record:", first.ID == retry.ID)

	_, err = svc.CheckOut(ctx, staff, attendance.Event{Key: "tablet-2/0950", Child: jonas.ID, Unit: kg.ID,
		At: now, Collector: attendance.Collector{Name: "Kari Dahl"}})
	fmt.Println(err)
	// The English text of the code, for developers (users get it in their
	// language from the application's catalogs).
	var v *domain.ValidationError
	if errors.As(err, &v) {
		f := v.Fields[0]
		fmt.Println(domain.ReasonTables{attendance.ReasonTexts, domain.ReasonTexts}.Text(f.Reason, domain.Pairs(f.Params)...))
	}

	_, _ = svc.ReportSick(ctx, domain.GuardianActor(m, mother.ID), jonas.ID)
	roster, _ := svc.Roster(ctx, staff, kg.ID, domain.GroupID{}, date.NewAt(now))
	for _, e := range roster.Entries {
		line := e.Name + ": " + e.Status.Text(attendance.Bokmal)
		if e.Reason != "" {
			line += " (" + e.Reason.Text(attendance.Bokmal) + ")"
		}
		fmt.Println(line)
	}
	// Output:
	// one record: true
	// invalid input: kind: the-child-has-not-been-checked-in-on (day=2025-09-10)
	// the child has not been checked in on 2025-09-10
	// Emma Berg: til stede
	// Jonas Dahl: borte (syk)
}

// The certificate's count of a school year under the national rule: whole
// days and lesson hours, and up to ten days of documented absence or
// granted leave left out, earliest first.
func ExampleCountYear() {
	rule := attendance.SchoolRule{ExcludableDays: 10, Excludable: []attendance.SchoolKind{attendance.Documented, attendance.Permission},
		CertificateFrom: 8, CertificateTo: 10}
	days, hours, left := attendance.CountYear(rule, []attendance.SchoolAbsence{
		{Day: date.New(2025, time.September, 2), Kind: attendance.Undocumented},
		{Day: date.New(2025, time.September, 1), Kind: attendance.Documented, Reason: attendance.ReasonHealth},
		{Day: date.New(2025, time.September, 3), Hours: 2, Kind: attendance.Undocumented},
	})
	fmt.Println(days, hours, left, "on the certificate:", days-len(left), "days", hours, "hours")
	// Output: 2 2 [2025-09-01] on the certificate: 1 days 2 hours
}
