package specialed_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/specialed"
)

// The deadlines are pure: the last day of a step counted from the day the
// step before it was recorded, with whether the law or the municipality
// sets it and the legal source.
func ExampleRules_Due() {
	r := specialed.MustRules()
	for _, step := range []specialed.StepID{specialed.StepConsent, specialed.StepAssessment, specialed.StepReport} {
		s, _ := r.Step(specialed.Kindergarten, step)
		due, _ := r.Due(specialed.Kindergarten, step, date.New(2026, 9, 1))
		fmt.Println(s.Name("en")+":", due, s.Deadline.Basis, "·", s.Source.Cite())
	}
	fmt.Println("appeal:", r.AppealBy(date.New(2026, 9, 3)), "·", r.Appeal.Source.Cite())
	// Output:
	// Guardians' consent: 2026-09-15 municipal · barnehageloven § 32
	// Expert assessment: 2026-11-30 municipal · barnehageloven § 34
	// Annual report: 2027-09-01 legal · barnehageloven § 32 tredje ledd
	// appeal: 2026-09-24 · forvaltningsloven § 28 og § 29
}

// A kindergarten case from concern to decision: staff record the concern,
// the mother consents, the case is referred to PPT, PPT recommends, and the
// caseworker decides — departing from the recommendation, which needs
// reasons. The letter says what is decided, why, and how to appeal.
func Example() {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, sqlite.Options{Temp: true})
	if err != nil {
		panic(err)
	}
	defer store.Close()
	m := domain.MustMunicipality("0301")
	kg := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Solsikken barnehage", Kind: domain.Kindergarten, Owner: domain.Municipal}
	emma := domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: "Emma", FamilyName: "Berg",
		BirthDate: date.New(2022, 3, 4), AddressProtection: domain.ProtectionNone}
	mother := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, GivenName: "Kari", FamilyName: "Berg"}
	err = store.Atomic(ctx, func(ctx context.Context) error {
		return errors.Join(store.CreateUnit(ctx, kg), store.CreateChild(ctx, emma), store.CreateGuardian(ctx, mother),
			store.PutGuardianship(ctx, domain.Guardianship{Municipality: m, ChildID: emma.ID, GuardianID: mother.ID, ParentalResponsibility: true}),
			store.CreatePlacement(ctx, domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: m, ChildID: emma.ID,
				UnitID: kg.ID, Kind: domain.Kindergarten, HoursPerWeek: 41, Period: domain.Period{Start: date.New(2025, 8, 1)}}))
	})
	if err != nil {
		panic(err)
	}
	svc := &specialed.Service{Store: store, Clock: domain.FixedClock(time.Date(2026, 9, 1, 9, 0, 0, 0, domain.Oslo()))}
	staff := domain.StaffActor(m, "pedagog@solsikken.no", kg.ID)
	caseworker := domain.CaseworkerActor(m, "siri@kommune.no").Named("Siri Saksbehandler")
	caseworker.Handles = []domain.Capability{domain.CapSpecialEd}
	psychologist := domain.StaffActor(m, "psykolog@ppt.no")
	ppt, _ := svc.CreatePPT(ctx, caseworker, specialed.PPT{Name: "PPT Sentrum", Members: []string{psychologist.Subject}})

	c, _ := svc.Open(ctx, staff, emma.ID, kg.ID, "Emma bruker få ord og trekker seg fra leken.")
	c, _ = svc.Record(ctx, domain.GuardianActor(m, mother.ID), c.ID, specialed.Entry{Step: specialed.StepConsent})
	c, _ = svc.Record(ctx, staff, c.ID, specialed.Entry{Step: specialed.StepReferral, PPT: ppt.ID, Text: "Språk og samspill."})
	hours := func(teacher int64) []specialed.Hours {
		return []specialed.Hours{{Provider: specialed.Teacher, PerWeek: decimal.NewFromInt(teacher)}}
	}
	rec := specialed.Provision{Outcome: specialed.Granted, Kind: specialed.SpecialEducationHelp, Hours: hours(4),
		Organisation: "Individuelt og i liten gruppe", From: date.New(2026, 10, 1), To: date.New(2027, 6, 30)}
	c, _ = svc.Record(ctx, psychologist, c.ID, specialed.Entry{Step: specialed.StepAssessment, Text: "Særlig behov for språkstimulering.", Provision: &rec})

	dec := rec
	dec.Hours = hours(3)
	_, err = svc.Record(ctx, caseworker, c.ID, specialed.Entry{Step: specialed.StepDecision, Provision: &dec})
	fmt.Println(err)
	c, _ = svc.Record(ctx, caseworker, c.ID, specialed.Entry{Step: specialed.StepDecision, Provision: &dec,
		Reason: "Barnehagen har en språkgruppe én time i uken som Emma deltar i."})
	step, due, _ := specialed.MustRules().Waiting(c)
	fmt.Println("waiting for:", step, "by", due)

	letter, _ := svc.Letter(ctx, domain.GuardianActor(m, mother.ID), c.ID, "en", domain.LetterTemplate{SenderName: "Example municipality"}, domain.Party{Name: "Kari Berg"})
	fmt.Println(letter.Title)
	for _, s := range letter.Sections[:2] {
		fmt.Println(s.Paragraphs[0])
	}
	// Output:
	// invalid input: reason: specialed-departure-needs-reason (points=hours.special-education-teacher)
	// waiting for: plan by 2026-09-22
	// Decision on special-education help
	// The child is given special-education help (barnehageloven § 31).
	// The decision rests on the expert assessment by PPT Sentrum of 1 September 2026 (barnehageloven § 34).
}
