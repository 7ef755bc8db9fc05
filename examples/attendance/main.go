// Command attendance shows how a vendor embeds Oppvekst attendance: a
// kindergarten morning on a temporary SQLite store (open a file with
// sqlite.Options.Path, or adapters/postgres, without changing anything
// else) —
// tablets checking children in, one of them sending an event twice, a
// parent's one-click sick report, the roster staff see, a collection by
// someone not on the pickup list, occupancy against the staffing norm, and
// an undocumented school absence that notifies the guardians.
//
//	go run ./examples/attendance
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/domain"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	store, err := sqlite.Open(ctx, sqlite.Options{Temp: true})
	if err != nil {
		return err
	}
	defer store.Close()

	m := domain.MustMunicipality("9999")
	today := date.New(2025, 9, 10)
	at := func(h, min int) time.Time { return time.Date(2025, 9, 10, h, min, 0, 0, domain.Oslo()) }

	// The notices would go to messaging (its Notifier); here we print them.
	notify := domain.NotifierFunc(func(ctx context.Context, n domain.Notice) error {
		fmt.Fprintf(out, "Varsel %s til foresatte: %v\n", n.Kind, n.Data)
		return nil
	})
	svc := &attendance.Service{Store: store, Clock: domain.FixedClock(at(10, 0)), Notifier: notify}

	kg := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Solsikken barnehage", Kind: domain.Kindergarten, Owner: domain.Municipal}
	school := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Bakken skole", Kind: domain.School, Owner: domain.Municipal}
	names := []string{"Emma", "Jonas", "Sara", "Liv", "Per", "Nora", "Ali"}
	kids := make([]domain.Child, len(names))
	mother := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, GivenName: "Kari", FamilyName: "Berg"}
	pupil := domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: "Ida", FamilyName: "Berg",
		BirthDate: date.New(2011, 2, 1), AddressProtection: domain.ProtectionNone}
	err = store.Atomic(ctx, func(ctx context.Context) error {
		errs := []error{store.CreateUnit(ctx, kg), store.CreateUnit(ctx, school), store.CreateGuardian(ctx, mother),
			store.CreateChild(ctx, pupil)}
		for i, n := range names {
			kids[i] = domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: n, FamilyName: "Berg",
				BirthDate: date.New(2021+i%3, 3, 1+i), AddressProtection: domain.ProtectionNone}
			errs = append(errs, store.CreateChild(ctx, kids[i]), store.CreatePlacement(ctx, domain.Placement{
				ID: domain.NewID[domain.Placement](), Municipality: m, ChildID: kids[i].ID, UnitID: kg.ID,
				Kind: domain.Kindergarten, HoursPerWeek: 41, Period: domain.Period{Start: date.New(2025, 8, 1)}}))
		}
		return errors.Join(append(errs,
			store.PutGuardianship(ctx, domain.Guardianship{Municipality: m, ChildID: kids[1].ID, GuardianID: mother.ID, ParentalResponsibility: true}),
			store.PutGuardianship(ctx, domain.Guardianship{Municipality: m, ChildID: pupil.ID, GuardianID: mother.ID, ParentalResponsibility: true}),
			store.CreatePlacement(ctx, domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: m, ChildID: pupil.ID,
				UnitID: school.ID, Kind: domain.School, Period: domain.Period{Start: date.New(2017, 8, 15)}}),
		)...)
	})
	if err != nil {
		return err
	}

	// The municipality's choices are configuration, not code.
	admin := domain.AdminActor(m, "admin")
	if err := svc.PutSettings(ctx, admin, attendance.Settings{Municipality: m, ExpectedArrival: "09:00",
		School: attendance.SchoolRule{PermissionDays: 10, ExcludableDays: 10, Excludable: []attendance.SchoolKind{attendance.Documented},
			CertificateFrom: 8, CertificateTo: 10, Source: "lokal forskrift om permisjon"}}); err != nil {
		return err
	}

	staff := domain.StaffActor(m, "ansatt-17", kg.ID)
	for _, h := range []string{"07:00-15:00", "07:30-15:30", "09:00-17:00"} {
		var a, b, c, d int
		fmt.Sscanf(h, "%d:%d-%d:%d", &a, &b, &c, &d)
		if _, err := svc.AddDuty(ctx, staff, attendance.Duty{UnitID: kg.ID, Day: today, Staff: "vakt " + h, Start: at(a, b), End: at(c, d)}); err != nil {
			return err
		}
	}
	// Tablets check children in; the first event is sent twice (a retry).
	for i, k := range kids[2:] {
		e := attendance.Event{Key: fmt.Sprintf("tablet-1/%d", i), Child: k.ID, Unit: kg.ID, At: at(7, 30+5*i)}
		first, err := svc.CheckIn(ctx, staff, e)
		if err != nil {
			return err
		}
		if i == 0 {
			again, err := svc.CheckIn(ctx, staff, e)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "Sendt to ganger, lagret én gang: %v\n", first.ID == again.ID)
		}
	}
	// A check-out before any check-in is refused with a reason.
	_, err = svc.CheckOut(ctx, staff, attendance.Event{Key: "tablet-1/x", Child: kids[0].ID, Unit: kg.ID, At: at(9, 0),
		Collector: attendance.Collector{Name: "Ola"}})
	fmt.Fprintf(out, "Avvist: %v\n  (%s)\n", err, english(err))

	// "Sick child": one click for the parent.
	if _, err := svc.ReportSick(ctx, domain.GuardianActor(m, mother.ID), kids[1].ID); err != nil {
		return err
	}
	// Sara is collected by someone not on her pickup list: recorded, with a warning.
	co, err := svc.CheckOut(ctx, staff, attendance.Event{Key: "tablet-1/out", Child: kids[2].ID, Unit: kg.ID, At: at(9, 50),
		Collector: attendance.Collector{Name: "Ukjent Person"}})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Henting: %s\n", attendance.WarningText(co.Warning, attendance.Bokmal))

	r, err := svc.Roster(ctx, staff, kg.ID, domain.GroupID{}, today)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Dagsliste %s kl. %s:\n", kg.Name, r.At.Format("15:04"))
	for _, e := range r.Entries {
		line := "  " + e.Name + ": " + e.Status.Text(attendance.Bokmal)
		if e.Reason != "" {
			line += " (" + e.Reason.Text(attendance.Bokmal) + ")"
		}
		fmt.Fprintln(out, line)
	}

	occ, err := svc.Occupancy(ctx, staff, kg.ID, today)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "Verst:", occ.Worst.Explain(attendance.Bokmal))

	teacher := domain.StaffActor(m, "laerer-3", school.ID)
	if _, err := svc.RecordSchoolAbsence(ctx, teacher, attendance.SchoolAbsence{ChildID: pupil.ID, UnitID: school.ID,
		Day: today, Hours: 2, Kind: attendance.Undocumented}); err != nil {
		return err
	}
	sm, err := svc.YearSummary(ctx, domain.GuardianActor(m, mother.ID), pupil.ID, domain.SchoolYear(2025))
	if err != nil {
		return err
	}
	fmt.Fprintln(out, sm.Explain(attendance.Bokmal))
	return nil
}

// english writes each refused field of err in English for developers,
// from the reason tables of the packages this program uses (the library
// keeps no registry: err.Error() gives the codes, users get them in their
// own language from the application's catalogs).
func english(err error) string {
	tables := domain.ReasonTables{attendance.ReasonTexts, sqlite.ReasonTexts, domain.ReasonTexts}
	var v *domain.ValidationError
	if !errors.As(err, &v) {
		return fmt.Sprint(err)
	}
	s := ""
	for i, f := range v.Fields {
		if i > 0 {
			s += "; "
		}
		s += f.Field + ": " + tables.Text(f.Reason, domain.Pairs(f.Params)...)
	}
	return s
}
