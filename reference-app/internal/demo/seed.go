package demo

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// The demo municipality is fictional: 9999 is no real kommunenummer.
const (
	Municipality     domain.Municipality = "9999"
	MunicipalityName                     = "Demo kommune"
	// demoChildren is how many children the demo municipality gets before
	// the continuous intake's Live Berg, seeded last (151 in all).
	demoChildren = 150
)

// ProtectedPhone is the phone number of the guardian with a strengt
// fortrolig address. This number, her e-mail address and her street
// address (ProtectedStreet) are the details that must never appear in any
// page or response (TestProtectedContactNeverLeaks searches for them).
const ProtectedPhone = "+47 41 97 53 11"

// demoSeed seeds the random source, so the same clock gives the same demo.
const demoSeed = 9999

// Seed fills the store with the demo municipality: three kindergartens,
// two schools with their SFOs, about 150 children with guardians and
// placements. All names are made up and every national ID is a synthetic
// test number (month + 80), so no real person can match.
//
// The whole seed runs in one transaction. When the demo municipality already
// has units, Seed writes nothing. The same clock reading gives the same
// data (names, dates and IDs).
func Seed(ctx context.Context, store domain.Store, clock domain.Clock) error {
	return SeedChildren(ctx, store, clock, 0)
}

// SeedChildren is Seed for a municipality of about n children (n > 0; 0
// is Seed's demo of about 150): kindergartens of 40–120 children in
// groups of 9–18, schools of 200–600 pupils in classes of at most 28 with
// SFO, one family in five with several children, split households,
// protected addresses at about the national rate, and a main intake whose
// applications are about a fifth of the kindergarten children (see
// seedScaled). The personas and their families are the same as in Seed's
// demo, and no other child has the name of one of their children. The
// same n and clock give the same data. The random families are written in
// bulk when the store is a domain.BulkDirectoryWriter, and the store's
// statistics refreshed afterwards (domain.Analyze).
func SeedChildren(ctx context.Context, store domain.Store, clock domain.Clock, n int) error {
	seeded := false
	err := store.Atomic(ctx, func(ctx context.Context) error {
		units, err := store.Units(ctx, Municipality)
		if err != nil {
			return fmt.Errorf("seed: look for the demo municipality: %w", err)
		}
		if len(units) > 0 {
			return nil
		}
		seeded = true
		s := newSeeder(store, clock)
		seed := s.seed
		if n > 0 {
			seed = func(ctx context.Context) error { return s.seedScaled(ctx, n) }
		}
		if err := seed(ctx); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		if err := seedMessaging(ctx, store, clock); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		if err := seedAttendance(ctx, store, clock); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		if err := seedCalendar(ctx, store, clock); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		if err := seedSpecialEd(ctx, store, Municipality); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		if err := seedConversations(ctx, store, clock); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		return seedStaff(ctx, store, clock, Municipality)
	})
	if err != nil || !seeded || n <= 0 {
		return err
	}
	if err := domain.Analyze(ctx, store); err != nil {
		return fmt.Errorf("seed: analyze: %w", err)
	}
	return nil
}

// seeder holds the state of one seeding run.
type seeder struct {
	store domain.Store
	m     domain.Municipality
	year  domain.SchoolYear
	rng   *rand.Rand
	ids   idSource
	used  map[string]bool // national IDs handed out
	homes homes           // household addresses handed out

	kindergartens []seedKindergarten
	schools       []seedSchool
	children      int

	// scale is set by SeedChildren (nil for Seed's demo).
	scale *scale
}

type seedKindergarten struct {
	unit         domain.UnitID
	small, large []domain.GroupID // groups for children under and over three
}

type seedSchool struct {
	unit    domain.UnitID
	classes []domain.GroupID // index 0 is 1st grade
	sfo     domain.UnitID
	// sfoGroups[i] is the SFO group of pupils in grade i+1 (1st–4th).
	sfoGroups []domain.GroupID
	// With SeedChildren, a grade may have several classes and SFO groups:
	// gradeClasses[i] and gradeSFO[i] are those of grade i+1.
	gradeClasses, gradeSFO [][]domain.GroupID
}

func newSeeder(store domain.Store, clock domain.Clock) *seeder {
	now := clock.Now()
	rng := rand.New(rand.NewPCG(demoSeed, demoSeed))
	return &seeder{
		store: store,
		m:     Municipality,
		year:  domain.SchoolYearOf(domain.Today(clock)),
		rng:   rng,
		ids:   idSource{rng: rand.New(rand.NewPCG(demoSeed, uint64(now.UnixMilli()))), ms: now.UnixMilli()},
		used:  map[string]bool{},
		homes: newHomes(),
	}
}

func (s *seeder) seed(ctx context.Context) error {
	if err := s.seedUnits(ctx); err != nil {
		return err
	}
	if err := s.seedSpecialFamilies(ctx); err != nil {
		return err
	}
	if err := seedAdmission(ctx, s); err != nil {
		return err
	}
	for s.children < demoChildren {
		if err := s.seedFamily(ctx); err != nil {
			return err
		}
	}
	if err := s.seedBilling(ctx); err != nil {
		return err
	}
	if err := s.seedProtected47(ctx); err != nil {
		return err
	}
	// Last, so that its draws change none of the data above.
	return seedContinuousIntake(ctx, s)
}

// The § 47 parent of the strictly protected child.
const (
	protected47Given  = "Stein"
	protected47Family = "Vik"
)

// seedProtected47 gives Aurora Solheim, whose address is strengt fortrolig,
// a father without parental responsibility who has asked for information
// (barneloven § 47): he may be told about her, never where she is (see
// the domain package, "Whereabouts"). Written last, so that the random
// draws of every other family stay as they were.
func (s *seeder) seedProtected47(ctx context.Context) error {
	children, err := s.store.Children(ctx, s.m)
	if err != nil {
		return err
	}
	for _, c := range children {
		if c.GivenName != "Aurora" || c.FamilyName != "Solheim" {
			continue
		}
		p := seedPerson{given: protected47Given, family: protected47Family, male: true, birth: date.New(int(s.year)-36, time.November, 8)}
		nid, err := s.nationalID(p.birth, p.male)
		if err != nil {
			return err
		}
		g := domain.Guardian{ID: newID[domain.Guardian](&s.ids), Municipality: s.m, NationalID: nid, GivenName: p.given,
			FamilyName: p.family, Email: Email(p.given, p.family), AddressProtection: domain.ProtectionNone,
			Address: s.homes.next(s.m)} // he lives elsewhere
		if err := s.store.CreateGuardian(ctx, g); err != nil {
			return fmt.Errorf("guardian %s %s: %w", p.given, p.family, err)
		}
		return s.store.PutGuardianship(ctx, domain.Guardianship{Municipality: s.m, ChildID: c.ID, GuardianID: g.ID,
			InformationRequested: true})
	}
	return nil
}

// Units and groups.

func (s *seeder) seedUnits(ctx context.Context) error {
	kindergartens := []struct {
		name         string
		owner        domain.Owner
		small, large []string
	}{
		{"Solsikken barnehage", domain.Municipal, []string{"Blåbær"}, []string{"Tyttebær", "Multebær"}},
		{"Bjørkelia barnehage", domain.Municipal, []string{"Ekorn"}, []string{"Rev"}},
		{"Trollskogen barnehage", domain.Private, []string{"Maurtua"}, []string{"Bjørnehiet", "Ørneredet"}},
	}
	for _, k := range kindergartens {
		u, err := s.unit(ctx, k.name, domain.Kindergarten, k.owner, domain.UnitID{})
		if err != nil {
			return err
		}
		kg := seedKindergarten{unit: u}
		for _, name := range k.small {
			g, err := s.group(ctx, u, name, func(g *domain.Group) { g.AgeGroup = domain.Small })
			if err != nil {
				return err
			}
			kg.small = append(kg.small, g)
		}
		for _, name := range k.large {
			g, err := s.group(ctx, u, name, func(g *domain.Group) { g.AgeGroup = domain.Large })
			if err != nil {
				return err
			}
			kg.large = append(kg.large, g)
		}
		s.kindergartens = append(s.kindergartens, kg)
	}

	schools := []struct {
		name, sfo string
		sfoGroups []string // one per SFO group; grades are spread over them
	}{
		{"Nordby skole", "Nordby SFO", []string{"SFO 1–2", "SFO 3–4"}},
		{"Sjøsiden skole", "Sjøsiden SFO", []string{"Basen"}},
	}
	for _, sc := range schools {
		u, err := s.unit(ctx, sc.name, domain.School, domain.Municipal, domain.UnitID{})
		if err != nil {
			return err
		}
		school := seedSchool{unit: u}
		for grade := 1; grade <= 7; grade++ {
			g, err := s.group(ctx, u, fmt.Sprintf("%dA", grade), func(g *domain.Group) { g.Grades = domain.Grades{From: grade, To: grade} })
			if err != nil {
				return err
			}
			school.classes = append(school.classes, g)
		}
		sfo, err := s.unit(ctx, sc.sfo, domain.SFO, domain.Municipal, u)
		if err != nil {
			return err
		}
		school.sfo = sfo
		var groups []domain.GroupID
		for i, name := range sc.sfoGroups {
			n := len(sc.sfoGroups)
			g, err := s.group(ctx, sfo, name, func(g *domain.Group) { g.Grades = domain.Grades{From: i*4/n + 1, To: (i + 1) * 4 / n} })
			if err != nil {
				return err
			}
			groups = append(groups, g)
		}
		for grade := 1; grade <= 4; grade++ {
			school.sfoGroups = append(school.sfoGroups, groups[(grade-1)*len(groups)/4])
		}
		s.schools = append(s.schools, school)
	}
	return nil
}

// unitDetails describe the demo units: fictional addresses in the
// fictional municipality (postcodes 99xx are made up), opening hours,
// contact details, places per age group or grades.
var unitDetails = map[string]struct {
	street, postcode, phone string
	opens, closes           string
	seats                   domain.Seats
	grades                  domain.Grades
}{
	"Solsikken barnehage":   {"Solsikkeveien 4", "9901", "+47 99 00 10 01", "07:00", "16:30", domain.Seats{Small: 14, Large: 24}, domain.Grades{}},
	"Bjørkelia barnehage":   {"Bjørkeliveien 12", "9902", "+47 99 00 10 02", "07:15", "16:45", domain.Seats{Small: 9, Large: 18}, domain.Grades{}},
	"Trollskogen barnehage": {"Skogstien 7", "9903", "+47 99 00 10 03", "06:45", "17:00", domain.Seats{Small: 9, Large: 18}, domain.Grades{}},
	"Nordby skole":          {"Skoleveien 1", "9901", "+47 99 00 20 01", "08:00", "15:00", domain.Seats{}, domain.Grades{From: 1, To: 7}},
	"Nordby SFO":            {"Skoleveien 1", "9901", "+47 99 00 20 02", "07:00", "16:30", domain.Seats{}, domain.Grades{From: 1, To: 4}},
	"Sjøsiden skole":        {"Strandgata 20", "9904", "+47 99 00 30 01", "08:00", "15:00", domain.Seats{}, domain.Grades{From: 1, To: 7}},
	"Sjøsiden SFO":          {"Strandgata 20", "9904", "+47 99 00 30 02", "07:00", "16:30", domain.Seats{}, domain.Grades{From: 1, To: 4}},
}

func (s *seeder) unit(ctx context.Context, name string, kind domain.UnitKind, owner domain.Owner, parent domain.UnitID) (domain.UnitID, error) {
	u := domain.Unit{ID: newID[domain.Unit](&s.ids), Municipality: s.m, Name: name, Kind: kind, Owner: owner, Parent: parent}
	if d, ok := unitDetails[name]; ok {
		u.Address = domain.Address{Street: d.street, Postcode: d.postcode, PostTown: "DEMOBY", Municipality: s.m}
		u.OpeningHours = domain.Daily(d.opens, d.closes)
		mail := strings.NewReplacer("æ", "ae", "ø", "o", "å", "a", " ", ".").Replace(strings.ToLower(name))
		u.Contact = domain.Contact{Phone: d.phone, Email: "post." + mail + "@demo-kommune.example"}
		u.Seats, u.Grades = d.seats, d.grades
	}
	if err := s.store.CreateUnit(ctx, u); err != nil {
		return domain.UnitID{}, fmt.Errorf("unit %s: %w", name, err)
	}
	return u.ID, nil
}

func (s *seeder) group(ctx context.Context, unit domain.UnitID, name string, describe ...func(*domain.Group)) (domain.GroupID, error) {
	g := domain.Group{ID: newID[domain.Group](&s.ids), Municipality: s.m, UnitID: unit, Name: name}
	for _, d := range describe {
		d(&g)
	}
	if err := s.store.CreateGroup(ctx, g); err != nil {
		return domain.GroupID{}, fmt.Errorf("group %s: %w", name, err)
	}
	return g.ID, nil
}

// Families.

// seedPerson describes a person before it is written.
type seedPerson struct {
	given, family string
	male          bool
	birth         date.Date
	protection    domain.AddressProtection
	phone         string
	address       domain.Address // when zero, the seeder hands out one
}

// seedLink is a guardian's relation to the children of a family.
type seedLink struct {
	person                seedPerson
	responsibility, lives bool
	informationRequested  bool
	guardianID            domain.GuardianID // set when written
}

// seedChild is a child with where it goes.
type seedChild struct {
	person       seedPerson
	kindergarten int  // index into s.kindergartens
	school       int  // index into s.schools
	sfo          bool // 1st–4th grade only
	hours        int  // kindergarten hours per week
	sfoHours     int
	childID      domain.ChildID // set when written (SeedChildren's households)
}

// seedSpecialFamilies writes the families that the demo (and its tests) rely
// on: split parental responsibility with a § 47 information request, strict
// address protection, and siblings in the same kindergarten.
func (s *seeder) seedSpecialFamilies(ctx context.Context) error {
	y := int(s.year)

	// Split parental responsibility: the parents live apart and both have
	// responsibility; a third parent without it has asked for information
	// (barneloven § 47). The child is in 3rd grade with SFO.
	split := []seedLink{
		{person: seedPerson{given: "Hilde", family: "Berg", birth: date.New(y-39, time.May, 3)}, responsibility: true, lives: true},
		{person: seedPerson{given: "Anders", family: "Nygård", male: true, birth: date.New(y-41, time.October, 21)}, responsibility: true, lives: false},
		{person: seedPerson{given: "Tor", family: "Ødegård", male: true, birth: date.New(y-44, time.January, 9)}, informationRequested: true},
	}
	if err := s.writeFamily(ctx, split, []seedChild{
		{person: seedPerson{given: "Sofie", family: "Berg", birth: date.New(y-8, time.March, 14)}, school: 0, sfo: true, sfoHours: 20},
	}); err != nil {
		return err
	}

	// Strengt fortrolig address: neither the child's nor the guardian's
	// address may ever be shown.
	protected := []seedLink{
		{person: seedPerson{given: "Marte", family: "Solheim", birth: date.New(y-33, time.February, 17), protection: domain.ProtectionStrengtFortrolig, phone: ProtectedPhone, address: ProtectedAddress}, responsibility: true, lives: true},
	}
	if err := s.writeFamily(ctx, protected, []seedChild{
		{person: seedPerson{given: "Aurora", family: "Solheim", birth: date.New(y-4, time.June, 2), protection: domain.ProtectionStrengtFortrolig}, kindergarten: 1, hours: 41},
	}); err != nil {
		return err
	}

	// Siblings in the same kindergarten (sibling discount, shared pickup).
	siblings := []seedLink{
		{person: seedPerson{given: "Ingrid", family: "Aasen", birth: date.New(y-36, time.August, 30)}, responsibility: true, lives: true},
		{person: seedPerson{given: "Eirik", family: "Aasen", male: true, birth: date.New(y-37, time.December, 12)}, responsibility: true, lives: true},
	}
	return s.writeFamily(ctx, siblings, []seedChild{
		{person: seedPerson{given: "Jakob", family: "Aasen", male: true, birth: date.New(y-5, time.January, 20)}, kindergarten: 0, hours: 41},
		{person: seedPerson{given: "Ella", family: "Aasen", birth: date.New(y-2, time.April, 5)}, kindergarten: 0, hours: 32},
	})
}

// seedFamily writes one random family of one to three children.
func (s *seeder) seedFamily(ctx context.Context) error {
	y := int(s.year)
	family := pick(s.rng, familyNames)

	n := 1
	switch r := s.rng.IntN(100); {
	case r >= 85:
		n = 3
	case r >= 45:
		n = 2
	}
	n = min(n, demoChildren-s.children)

	// Children are 1 to 12 years old in the school year: ages 1–5 go to
	// kindergarten, 6–12 to school (1st–7th grade). Siblings are born in
	// different years.
	ages := s.rng.Perm(12)[:n]
	slices.Sort(ages)
	kindergarten := s.rng.IntN(len(s.kindergartens))
	school := s.rng.IntN(len(s.schools))
	var children []seedChild
	var givenNames []string
	for _, i := range ages {
		age := i + 1
		born := y - age
		male := s.rng.IntN(2) == 0
		names := girlNames
		if male {
			names = boyNames
		}
		given := pick(s.rng, names)
		for slices.Contains(givenNames, given) || personaChild(given, family) {
			given = pick(s.rng, names)
		}
		givenNames = append(givenNames, given)
		days := 365
		if age == 1 {
			days = 212 // born January–July: one year old by 1 August
		}
		c := seedChild{
			person:       seedPerson{given: given, family: family, male: male, birth: date.New(born, time.January, 1) + date.Date(s.rng.IntN(days))},
			kindergarten: kindergarten,
			school:       school,
			hours:        41,
			sfoHours:     20,
		}
		switch r := s.rng.IntN(10); r {
		case 0:
			c.hours = 24
		case 1:
			c.hours = 32
		}
		if s.rng.IntN(10) < 3 {
			c.sfoHours = 12
		}
		c.sfo = age >= 6 && age <= 9 && s.rng.IntN(10) < 8 // 1st–4th grade
		children = append(children, c)
	}

	// Parents were 24 to 40 when the eldest was born.
	eldest := children[0].person.birth.Year()
	for _, c := range children {
		eldest = min(eldest, c.person.birth.Year())
	}
	parentBirth := func() date.Date {
		return date.New(eldest-24-s.rng.IntN(17), time.January, 1) + date.Date(s.rng.IntN(365))
	}
	motherFamily := family
	if s.rng.IntN(100) < 35 {
		motherFamily = pick(s.rng, familyNames)
	}
	links := []seedLink{{
		person:         seedPerson{given: pick(s.rng, womenNames), family: motherFamily, birth: parentBirth()},
		responsibility: true, lives: true,
	}}
	if s.rng.IntN(100) < 85 {
		links = append(links, seedLink{
			person:         seedPerson{given: pick(s.rng, menNames), family: family, male: true, birth: parentBirth()},
			responsibility: true, lives: true,
		})
	} else if s.rng.IntN(2) == 0 {
		// A single father instead of a single mother.
		links[0].person = seedPerson{given: pick(s.rng, menNames), family: family, male: true, birth: parentBirth()}
	}
	return s.writeFamily(ctx, links, children)
}

// writeFamily writes the guardians, the children, their guardianships and
// their placements. The children and the guardians who live with them
// share one home address; a guardian who lives elsewhere has their own.
func (s *seeder) writeFamily(ctx context.Context, links []seedLink, children []seedChild) error {
	var household domain.Address
	for _, l := range links {
		if l.lives && household.IsZero() {
			household = l.person.address
		}
	}
	if household.IsZero() {
		household = s.homes.next(s.m)
	}
	for i := range links {
		p := links[i].person
		nid, err := s.nationalID(p.birth, p.male)
		if err != nil {
			return err
		}
		home := household
		if !links[i].lives {
			home = p.address
			if home.IsZero() {
				home = s.homes.next(s.m)
			}
		}
		g := domain.Guardian{
			ID:                newID[domain.Guardian](&s.ids),
			Municipality:      s.m,
			NationalID:        nid,
			GivenName:         p.given,
			FamilyName:        p.family,
			Email:             Email(p.given, p.family),
			Phone:             p.phone,
			AddressProtection: orNone(p.protection),
			Address:           home,
		}
		if err := s.store.CreateGuardian(ctx, g); err != nil {
			return fmt.Errorf("guardian %s %s: %w", p.given, p.family, err)
		}
		s.homes.of[g.ID] = home
		links[i].guardianID = g.ID
	}
	for _, c := range children {
		if c.person.address.IsZero() {
			c.person.address = household
		}
		id, err := s.writeChild(ctx, c)
		if err != nil {
			return err
		}
		for _, l := range links {
			gs := domain.Guardianship{
				Municipality:           s.m,
				ChildID:                id,
				GuardianID:             l.guardianID,
				ParentalResponsibility: l.responsibility,
				LivesWithChild:         l.lives,
				InformationRequested:   l.informationRequested,
			}
			if err := s.store.PutGuardianship(ctx, gs); err != nil {
				return fmt.Errorf("guardianship of %s %s: %w", c.person.given, c.person.family, err)
			}
		}
	}
	return nil
}

func (s *seeder) writeChild(ctx context.Context, c seedChild) (domain.ChildID, error) {
	p := c.person
	nid, err := s.nationalID(p.birth, p.male)
	if err != nil {
		return domain.ChildID{}, err
	}
	child := domain.Child{
		ID:                newID[domain.Child](&s.ids),
		Municipality:      s.m,
		NationalID:        nid,
		GivenName:         p.given,
		FamilyName:        p.family,
		BirthDate:         p.birth,
		AddressProtection: orNone(p.protection),
		Address:           p.address,
	}
	if err := s.store.CreateChild(ctx, child); err != nil {
		return domain.ChildID{}, fmt.Errorf("child %s %s: %w", p.given, p.family, err)
	}
	s.children++
	for _, pl := range s.placements(child.ID, c) {
		if err := s.store.CreatePlacement(ctx, pl); err != nil {
			return domain.ChildID{}, fmt.Errorf("placement of %s %s: %w", p.given, p.family, err)
		}
	}
	return child.ID, nil
}

// placements returns the child's placements.
//
// A kindergarten child has two: in a group for the small children from the
// first August it is one year old until the August it counts as over three
// (domain.AgeGroupOn), then in a group for the large children until it starts
// school. A pupil has a placement in its class for this school year, and most
// 1st–4th graders one in the school's SFO.
func (s *seeder) placements(child domain.ChildID, c seedChild) []domain.Placement {
	birth := c.person.birth
	b := birth.Year()
	age := int(s.year) - b
	if age <= 5 {
		kg := s.kindergartens[c.kindergarten]
		entry := date.New(b+1, time.August, 1)
		if birth.Month() > time.July {
			entry = date.New(b+2, time.August, 1)
		}
		large := date.New(b+3, time.August, 1) // AgeGroupOn turns Large here
		leaves := date.New(b+6, time.July, 31)
		place := func(groups []domain.GroupID, p domain.Period) domain.Placement {
			return domain.Placement{
				ID:           newID[domain.Placement](&s.ids),
				Municipality: s.m,
				ChildID:      child,
				UnitID:       kg.unit,
				GroupID:      s.pickGroup(groups, p),
				Kind:         domain.Kindergarten,
				HoursPerWeek: c.hours,
				Period:       p,
			}
		}
		var out []domain.Placement
		if entry < large {
			out = append(out, place(kg.small, domain.Period{Start: entry, End: large - 1}))
		}
		return append(out, place(kg.large, domain.Period{Start: max(entry, large), End: leaves}))
	}

	grade := age - 5
	school := s.schools[c.school]
	out := []domain.Placement{{
		ID:           newID[domain.Placement](&s.ids),
		Municipality: s.m,
		ChildID:      child,
		UnitID:       school.unit,
		GroupID:      s.pickClass(school.classes, school.gradeClasses, grade, s.year.Period()),
		Kind:         domain.School,
		Period:       s.year.Period(),
	}}
	if c.sfo && grade <= 4 {
		out = append(out, domain.Placement{
			ID:           newID[domain.Placement](&s.ids),
			Municipality: s.m,
			ChildID:      child,
			UnitID:       school.sfo,
			GroupID:      s.pickClass(school.sfoGroups, school.gradeSFO, grade, s.year.Period()),
			Kind:         domain.SFO,
			HoursPerWeek: c.sfoHours,
			Period:       s.year.Period(),
		})
	}
	return out
}

// National IDs.

// nationalID returns an unused synthetic national ID for the birth date: the
// month is raised by 80, so it is a test number that no real person has. The
// third digit of the individual number is odd for men, even for women.
func (s *seeder) nationalID(birth date.Date, male bool) (domain.NationalID, error) {
	lo, hi := 0, 499 // born 1900–1999
	if birth.Year() >= 2000 {
		lo, hi = 500, 999 // born 2000–2039
	}
	n := hi - lo + 1
	start := s.rng.IntN(n)
	for i := range n {
		individual := lo + (start+i)%n
		if (individual%2 == 1) != male {
			continue
		}
		nid, err := domain.SyntheticNationalID(birth, individual)
		if err != nil || s.used[nid.String()] {
			continue // a control digit would be 10, or the number is taken
		}
		s.used[nid.String()] = true
		return nid, nil
	}
	return domain.NationalID{}, fmt.Errorf("no synthetic national ID left for %s", birth)
}

// IDs.

// idSource makes UUIDv7 IDs from the seeding clock and a seeded random
// source, so the same clock reading gives the same IDs. Each ID is one
// millisecond after the previous one, which keeps them in creation order.
type idSource struct {
	rng *rand.Rand
	ms  int64
}

func (s *idSource) next() uuid.UUID {
	var u uuid.UUID
	var ts [8]byte
	binary.BigEndian.PutUint64(ts[:], uint64(s.ms))
	copy(u[:6], ts[2:])
	s.ms++
	binary.BigEndian.PutUint64(u[6:14], s.rng.Uint64())
	binary.BigEndian.PutUint16(u[14:], uint16(s.rng.Uint32()))
	u[6] = 0x70 | u[6]&0x0f // version 7
	u[8] = 0x80 | u[8]&0x3f // RFC 9562 variant
	return u
}

func newID[T any](s *idSource) domain.ID[T] { return domain.IDFromUUID[T](s.next()) }

// Helpers.

// personaChildren are the children the personas are found by (Personas,
// and the seed's messages, pickup list and conversations): no other child
// of the demo may have one of their names.
var personaChildren = map[[2]string]bool{
	{"Sofie", "Berg"}: true, {"Emil", "Berg"}: true, {"Nora", "Berg"}: true, {"Live", "Berg"}: true,
	{"Aurora", "Solheim"}: true, {"Jakob", "Aasen"}: true, {"Ella", "Aasen"}: true,
}

// personaChild reports whether a persona's child has the name.
func personaChild(given, family string) bool { return personaChildren[[2]string{given, family}] }

func pick(rng *rand.Rand, names []string) string { return names[rng.IntN(len(names))] }

func orNone(p domain.AddressProtection) domain.AddressProtection {
	if p == "" {
		return domain.ProtectionNone
	}
	return p
}

// Email makes an address under the reserved .example top-level domain
// (RFC 2606), so no mail can reach a real mailbox.
func Email(given, family string) string {
	r := strings.NewReplacer("æ", "ae", "ø", "o", "å", "a", "Æ", "ae", "Ø", "o", "Å", "a", " ", ".", "-", ".")
	return r.Replace(strings.ToLower(given)) + "." + r.Replace(strings.ToLower(family)) + "@demo-kommune.example"
}

// Fictional names: common Norwegian given and family names, combined at
// random.
var (
	girlNames = []string{
		"Nora", "Emma", "Olivia", "Ella", "Sofie", "Leah", "Frida", "Ingrid", "Sara", "Maja",
		"Astrid", "Emilie", "Selma", "Hedda", "Alma", "Ida", "Thea", "Vilde", "Tiril", "Mathilde",
		"Amalie", "Linnea", "Eva", "Hanna", "Iben", "Sigrid", "Julie", "Mia", "Aisha", "Åse",
	}
	boyNames = []string{
		"Noah", "Emil", "Lukas", "Oliver", "Isak", "William", "Filip", "Aksel", "Theodor", "Elias",
		"Kasper", "Magnus", "Johannes", "Henrik", "Tobias", "Sander", "Mathias", "Jonas", "Ludvig", "Olav",
		"Håkon", "Even", "Sverre", "Liam", "Adam", "Yusuf", "Odin", "Brage", "Birk", "Ulrik",
	}
	womenNames = []string{
		"Kari", "Hilde", "Marte", "Silje", "Ida", "Camilla", "Kristine", "Marianne", "Linn", "Ingvild",
		"Anette", "Hanne", "Tone", "Maria", "Siri", "Stine", "Guro", "Eli", "Nina", "Trine",
		"Helene", "Karoline", "Elisabeth", "Ane", "Fatima", "Anna", "Øydis", "Ragnhild",
	}
	menNames = []string{
		"Lars", "Per", "Morten", "Thomas", "Anders", "Martin", "Kristian", "Espen", "Jon", "Erik",
		"Stian", "Øyvind", "Eirik", "Andreas", "Håvard", "Jørgen", "Trond", "Geir", "Fredrik", "Joakim",
		"Daniel", "Marius", "Petter", "Ahmed", "Tomasz", "Arne", "Bjørn",
	}
	familyNames = []string{
		"Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen", "Jensen", "Karlsen",
		"Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen", "Johannessen", "Andreassen", "Jacobsen", "Dahl",
		"Jørgensen", "Halvorsen", "Henriksen", "Lund", "Sørensen", "Moen", "Gundersen", "Iversen", "Strand", "Solberg",
		"Svendsen", "Eide", "Knutsen", "Martinsen", "Paulsen", "Bakken", "Lie", "Amundsen", "Nguyen", "Ali",
		"Ahmed", "Nowak", "Ødegård", "Åsheim", "Sæther", "Bråten", "Løken", "Bjørnstad", "Næss", "Aasen",
	}
)
