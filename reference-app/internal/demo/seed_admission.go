package demo

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
)

// Names of the demo intakes (the year is added) and of the Berg children
// who have no kindergarten place yet: the browser story applies for Emil in
// the main intake (in bokmål) and for Nora in the supplementary one (in
// English), since a round is approved only once.
const (
	demoMainIntake       = "Hovedopptak barnehage"
	demoExtraIntake      = "Suppleringsopptak barnehage"
	demoContinuousIntake = "Løpende opptak barnehage"
)

// seedContinuousIntake writes the continuous intake (løpende opptak) for
// kindergarten places that free up during the year, and Live Berg, the
// youngest of Sofie Berg's siblings, without a place: the browser story
// applies for her there in nynorsk. It runs after everything else, so
// its draws change none of the rest of the demo.
func seedContinuousIntake(ctx context.Context, s *seeder) error {
	store, ok := s.store.(admission.ServiceStore)
	if !ok {
		return nil
	}
	clock := s.clock()
	svc := &admission.Service{Store: store, Clock: clock}
	y := demoAdmissionYear(domain.Today(clock))
	in := admission.Intake{
		ID: newID[admission.Intake](&s.ids), Municipality: s.m, Name: fmt.Sprintf("%s %d", demoContinuousIntake, y),
		Kind: domain.Kindergarten, AdmissionYear: y,
		Deadline: date.New(y, time.June, 1), Start: date.New(y, time.September, 1),
		Criteria:    []admission.Criterion{admission.Statutory, admission.Sibling, admission.Tiebreak},
		SmallWeight: 2, AnswerDays: 14, MaxPreferences: 3,
		Seats: []admission.UnitSeats{
			{Unit: s.kindergartens[0].unit, Places: 2, Small: 1},
			{Unit: s.kindergartens[2].unit, Places: 2, Small: 1},
		},
	}
	if err := svc.CreateIntake(ctx, domain.SystemActor(s.m, "demo-seed"), in); err != nil {
		return fmt.Errorf("intake %s: %w", in.Name, err)
	}
	return s.seedBergChildren(ctx, seedPerson{given: "Live", family: "Berg", birth: date.New(y-1, time.May, 20)})
}

// CatchmentCSV is the demo municipality's catchment table (skolekretser)
// as a municipality keeps it (admission.ParseCatchmentCSV): the streets of
// Streets split between Nordby skole and Sjøsiden skole — Kirkebakken by
// odd and even numbers, Bjørkeliveien by ranges of numbers. Lønnebakken
// (ProtectedStreet) is in no area.
//
//go:embed catchment.csv
var CatchmentCSV []byte

// demoAdmissionYear is the year of the places the demo intakes offer: the
// next August whose main-round deadline (1 March) is at least a month away.
func demoAdmissionYear(today date.Date) int {
	y := int(domain.SchoolYearOf(today)) + 1
	if today > date.New(y, time.February, 1) {
		y++
	}
	return y
}

// seedAdmission writes the demo municipality's admission: an open main
// intake for kindergarten with seats per unit and age group, a smaller
// supplementary intake, two children of the Berg family (Hilde Berg's
// household) without a kindergarten place, and enough other families'
// applications that a run is meaningful — some units oversubscribed,
// twins applying together, statutory-priority claims waiting to be
// verified. A store without the admission port is left as it is.
//
// It runs before the random families, and its children count in the
// demo's number of children.
func seedAdmission(ctx context.Context, s *seeder) error {
	store, ok := s.store.(admission.ServiceStore)
	if !ok {
		return nil
	}
	clock := s.clock()
	svc := &admission.Service{Store: store, Clock: clock}
	caseworker := domain.SystemActor(s.m, "demo-seed")
	today := domain.Today(clock)
	y := demoAdmissionYear(today)
	kg := func(i int) domain.UnitID { return s.kindergartens[i].unit }

	main := admission.Intake{
		ID: newID[admission.Intake](&s.ids), Municipality: s.m, Name: fmt.Sprintf("%s %d", demoMainIntake, y),
		Kind: domain.Kindergarten, Main: true, AdmissionYear: y,
		Deadline: date.New(y, time.March, 1), Start: date.New(y, time.August, 1),
		Criteria:    []admission.Criterion{admission.Statutory, admission.Sibling, admission.Tiebreak},
		SmallWeight: 2, AnswerDays: 14, MaxPreferences: 3,
		Seats: []admission.UnitSeats{
			{Unit: kg(0), Places: 6, Small: 2},
			{Unit: kg(1), Places: 6, Small: 2},
			{Unit: kg(2), Places: 7, Small: 3},
		},
	}
	extra := admission.Intake{
		ID: newID[admission.Intake](&s.ids), Municipality: s.m, Name: fmt.Sprintf("%s %d", demoExtraIntake, y),
		Kind: domain.Kindergarten, AdmissionYear: y,
		Deadline: date.New(y, time.May, 1), Start: date.New(y, time.August, 1),
		Criteria:    []admission.Criterion{admission.Statutory, admission.Sibling, admission.Tiebreak},
		SmallWeight: 2, AnswerDays: 14, MaxPreferences: 3,
		Seats: []admission.UnitSeats{
			{Unit: kg(1), Places: 4, Small: 2},
			{Unit: kg(2), Places: 4, Small: 2},
		},
	}
	// SFO and school start for the next school year: by unit, every
	// child counting as over three.
	var sfoSeats, schoolSeats []admission.UnitSeats
	for _, sc := range s.schools {
		sfoSeats = append(sfoSeats, admission.UnitSeats{Unit: sc.sfo, Places: 40})
		schoolSeats = append(schoolSeats, admission.UnitSeats{Unit: sc.unit, Places: 30})
	}
	sfo := admission.Intake{
		ID: newID[admission.Intake](&s.ids), Municipality: s.m, Name: fmt.Sprintf("SFO %d/%d", y, y+1),
		Kind: domain.SFO, AdmissionYear: y, Deadline: date.New(y, time.April, 15), Start: date.New(y, time.August, 1),
		Criteria: []admission.Criterion{admission.Sibling, admission.Tiebreak}, SmallWeight: 2, AnswerDays: 14, MaxPreferences: 2,
		Seats: sfoSeats,
	}
	school := admission.Intake{
		ID: newID[admission.Intake](&s.ids), Municipality: s.m, Name: fmt.Sprintf("Skolestart %d", y),
		Kind: domain.School, AdmissionYear: y, Deadline: date.New(y, time.January, 31), Start: date.New(y, time.August, 15),
		Criteria: []admission.Criterion{admission.Sibling, admission.Tiebreak}, SmallWeight: 2, AnswerDays: 14, MaxPreferences: 2,
		Seats: schoolSeats,
	}
	if s.scale != nil {
		// SeedChildren: seats in every kindergarten, for its applicants.
		main.Seats = s.scale.mainSeats(s.kindergartens, main.SmallWeight)
		s.scale.main = main
	}
	for _, in := range []admission.Intake{main, extra, sfo, school} {
		if err := svc.CreateIntake(ctx, caseworker, in); err != nil {
			return fmt.Errorf("intake %s: %w", in.Name, err)
		}
	}
	if _, err := svc.LoadCatchmentCSV(ctx, caseworker, bytes.NewReader(CatchmentCSV)); err != nil {
		return fmt.Errorf("catchment: %w", err)
	}

	// Emil and Nora Berg: Sofie's younger siblings, with the same three
	// guardians (split parental responsibility and a § 47 request).
	if err := s.seedBergChildren(ctx,
		seedPerson{given: "Emil", family: "Berg", male: true, birth: date.New(y-1, time.February, 3)},
		seedPerson{given: "Nora", family: "Berg", birth: date.New(y-2, time.October, 10)}); err != nil {
		return err
	}

	// Other families applying: born the year before the admission year
	// (under three) or three years before (over three, moving in), never
	// after today.
	first := date.New(y-1, time.January, 1)
	span := min(int(date.New(y-1, time.September, 1)-first), int(today-30-first))
	span = max(span, 1)
	birth := func(yearsBack int) date.Date {
		return date.New(y-yearsBack, time.January, 1) + date.Date(s.rng.IntN(span))
	}
	type applicant struct {
		yearsBack int
		prefs     []int // kindergartens, first choice first
		statutory bool
		twins     bool
		intake    admission.Intake
	}
	applicants := []applicant{
		{yearsBack: 1, prefs: []int{0, 1}}, {yearsBack: 1, prefs: []int{0, 2, 1}, statutory: true}, {yearsBack: 2, prefs: []int{0, 1}},
		{yearsBack: 1, prefs: []int{0, 1, 2}, twins: true},
		{yearsBack: 3, prefs: []int{0, 1}}, {yearsBack: 3, prefs: []int{0}, statutory: true},
		{yearsBack: 1, prefs: []int{1, 2}, intake: extra},
	}
	for _, ap := range applicants {
		in := ap.intake
		if in.ID.IsZero() {
			in = main
		}
		n := 1
		if ap.twins {
			n = 2
		}
		born := birth(ap.yearsBack)
		family := s.familyName()
		parent := seedPerson{given: pick(s.rng, womenNames), family: family, birth: date.New(y-30-s.rng.IntN(10), time.January, 1) + date.Date(s.rng.IntN(365))}
		gid, err := s.writePerson(ctx, parent)
		if err != nil {
			return err
		}
		var kids []domain.ChildID
		var first seedPerson
		for i := range n {
			male := s.rng.IntN(2) == 0
			names := girlNames
			if male {
				names = boyNames
			}
			given := pick(s.rng, names)
			for i > 0 && given == first.given {
				given = pick(s.rng, names)
			}
			kid := seedPerson{given: given, family: family, male: male, birth: born}
			if i == 0 {
				first = kid
			}
			id, err := s.writeUnplacedChild(ctx, kid, []domain.GuardianID{gid}, nil, nil)
			if err != nil {
				return err
			}
			kids = append(kids, id)
		}
		var prefs []domain.UnitID
		for _, i := range ap.prefs {
			prefs = append(prefs, kg(i))
		}
		guardian := domain.GuardianActor(s.m, gid)
		for _, kid := range kids {
			a, err := svc.Prefill(ctx, guardian, in.ID, kid)
			if err != nil {
				return fmt.Errorf("prefill: %w", err)
			}
			a.ID = newID[admission.Application](&s.ids)
			a.Preferences, a.Hours = prefs, 41
			a.Statutory = admission.Claim{Claimed: ap.statutory, Documented: admission.DocReceived}
			if !ap.statutory {
				a.Statutory = admission.Claim{}
			}
			for _, sib := range kids {
				if sib != kid {
					a.Together = append(a.Together, sib)
				}
			}
			a, err = svc.Apply(ctx, guardian, a)
			if err != nil {
				return fmt.Errorf("apply for a demo child: %w", err)
			}
			// The caseworker has verified the documentation of the
			// statutory claims, so they count in a run.
			if ap.statutory {
				if _, err := svc.VerifyClaim(ctx, caseworker, a.ID, string(admission.Statutory), admission.DocVerified); err != nil {
					return fmt.Errorf("verify a demo claim: %w", err)
				}
			}
		}
	}
	return nil
}

// seedBergChildren adds children without a kindergarten place yet (Emil
// and Nora Berg, later Live) to Sofie Berg's guardians.
func (s *seeder) seedBergChildren(ctx context.Context, kids ...seedPerson) error {
	children, err := s.store.Children(ctx, s.m)
	if err != nil {
		return err
	}
	for _, c := range children {
		if c.GivenName != "Sofie" || c.FamilyName != "Berg" {
			continue
		}
		links, err := s.store.Guardianships(ctx, s.m, c.ID)
		if err != nil {
			return err
		}
		for _, kid := range kids {
			var ids []domain.GuardianID
			var resp, lives, info []bool
			for _, l := range links {
				ids = append(ids, l.GuardianID)
				resp, lives, info = append(resp, l.ParentalResponsibility), append(lives, l.LivesWithChild), append(info, l.InformationRequested)
			}
			if _, err := s.writeUnplacedChild(ctx, kid, ids, resp, lives, info...); err != nil {
				return err
			}
		}
		return nil
	}
	return nil
}

// writePerson writes a guardian, with a home of their own unless the
// person has an address.
func (s *seeder) writePerson(ctx context.Context, p seedPerson) (domain.GuardianID, error) {
	nid, err := s.nationalID(p.birth, p.male)
	if err != nil {
		return domain.GuardianID{}, err
	}
	if p.address.IsZero() {
		p.address = s.homes.next(s.m)
	}
	g := domain.Guardian{ID: newID[domain.Guardian](&s.ids), Municipality: s.m, NationalID: nid, GivenName: p.given,
		FamilyName: p.family, Email: Email(p.given, p.family), AddressProtection: domain.ProtectionNone, Address: p.address}
	if err := s.store.CreateGuardian(ctx, g); err != nil {
		return domain.GuardianID{}, fmt.Errorf("guardian %s %s: %w", p.given, p.family, err)
	}
	s.homes.of[g.ID] = g.Address
	return g.ID, nil
}

// writeUnplacedChild writes a child without any placement and its
// guardianships: with parental responsibility and living with the child
// unless responsibility, lives and information say otherwise per guardian.
// The child lives at the home of the first guardian it lives with.
func (s *seeder) writeUnplacedChild(ctx context.Context, p seedPerson, guardians []domain.GuardianID, responsibility, lives []bool, information ...bool) (domain.ChildID, error) {
	nid, err := s.nationalID(p.birth, p.male)
	if err != nil {
		return domain.ChildID{}, err
	}
	for i := len(guardians) - 1; i >= 0; i-- {
		if i >= len(lives) || lives[i] {
			p.address = s.homes.of[guardians[i]]
		}
	}
	if p.address.IsZero() {
		p.address = s.homes.next(s.m)
	}
	child := domain.Child{ID: newID[domain.Child](&s.ids), Municipality: s.m, NationalID: nid, GivenName: p.given,
		FamilyName: p.family, BirthDate: p.birth, AddressProtection: domain.ProtectionNone, Address: p.address}
	if err := s.store.CreateChild(ctx, child); err != nil {
		return domain.ChildID{}, fmt.Errorf("child %s %s: %w", p.given, p.family, err)
	}
	s.children++
	for i, g := range guardians {
		gs := domain.Guardianship{Municipality: s.m, ChildID: child.ID, GuardianID: g, ParentalResponsibility: true, LivesWithChild: true}
		if i < len(responsibility) {
			gs.ParentalResponsibility = responsibility[i]
		}
		if i < len(lives) {
			gs.LivesWithChild = lives[i]
		}
		if i < len(information) {
			gs.InformationRequested = information[i]
		}
		if err := s.store.PutGuardianship(ctx, gs); err != nil {
			return domain.ChildID{}, fmt.Errorf("guardianship of %s %s: %w", p.given, p.family, err)
		}
	}
	return child.ID, nil
}

// clock is the seeding clock: the ID source starts at its reading (and
// moves a millisecond per ID).
func (s *seeder) clock() domain.Clock {
	return domain.FixedClock(time.UnixMilli(s.ids.ms).In(domain.Oslo()))
}
