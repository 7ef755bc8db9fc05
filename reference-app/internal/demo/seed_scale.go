package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// The proportions of a municipality of SeedChildren's size.
//
// Children are 1 to 12 years old, one birth year as many as another: five
// years in kindergarten, seven in primary school (1st–7th grade). The
// main intake's applications are about a fifth of the kindergarten
// children (one birth year), so of every 13 children 12 have a place and
// one applies.
const (
	kindergartenSize = 80  // children on average; 40–120
	schoolSize       = 400 // pupils on average; 200–600
	smallGroupMax    = 14  // children under three in a group
	largeGroupMax    = 18  // children over three in a group
	groupMin         = 9   // the fewest children a group is planned with
	classMax         = 28  // pupils in a class
	sfoGroupMax      = 30  // pupils of a grade in an SFO group
)

// Protected addresses, per household. Strengt fortrolig (the former code
// 6): Kripos counted fewer than 500 people in 2025, halved in ten years
// (NTB, 8 May 2025, https://radioh.no/?p=1085464), and about half of those
// under code 6 are children (409 of 817 in Skattedirektoratet's count,
// NTB in Bergens Tidende, https://www.bt.no/nyheter/innenriks/i/zMRWK):
// about 250 of Norway's 1.1 million children, one in 4,500, or about one
// household of children in 3,500. Fortrolig (the former code 7): we found
// no published count; Skattedirektoratet's registers hold more than
// Kripos's (the same BT article), so we assume four times as many, one
// household in 900 — a guess, kept here so it is easy to change.
const (
	strictlyProtectedEvery = 3500
	protectedEvery         = 900
)

// scale is the plan of a SeedChildren run: its own random source (so the
// demo families' draws stay as in Seed's demo), the relative sizes of the
// units, the households to write, and the load of each group.
type scale struct {
	n     int
	rng   *rand.Rand
	today date.Date

	kgWeights, schoolWeights []float64
	familyNames              []string // familyNames without the personas' families

	households []*household
	applicants int // children who apply in the main intake

	load map[domain.GroupID]*[2]int // placements today, later

	streets []scaledStreet
	taken   map[string]bool

	bulk     map[domain.ChildID]bool // children written in the batch
	families []seedFamilyFor         // families for fees of the batch's households
	main     admission.Intake        // the main intake
}

// household is a family of the batch: its guardians and children.
type household struct {
	links      []seedLink
	children   []seedChild
	applying   []bool // per child: applies in the main intake, no place yet
	prefs      []int  // kindergartens an applying child wishes, first choice first
	protection domain.AddressProtection
}

type scaledStreet struct {
	name, postcode string
}

// personaFamilies are the family names of the personas' families: no
// family of the batch has one of them.
var personaFamilies = []string{"Berg", "Aasen", "Solheim", "Vik", "Ødegård", "Nygård"}

func newScale(s *seeder, n int) *scale {
	sc := &scale{n: n, rng: rand.New(rand.NewPCG(demoSeed, uint64(n))), today: domain.Today(s.clock()),
		load: map[domain.GroupID]*[2]int{}, taken: map[string]bool{}, bulk: map[domain.ChildID]bool{}}
	for _, f := range familyNames {
		if !slices.Contains(personaFamilies, f) {
			sc.familyNames = append(sc.familyNames, f)
		}
	}
	for i, first := range placeFirst {
		for j, second := range placeSecond {
			for k, suffix := range streetSuffix {
				sc.streets = append(sc.streets, scaledStreet{name: first + second + suffix,
					postcode: fmt.Sprintf("99%02d", 10+(i*len(placeSecond)+j+k)%90)})
			}
		}
	}
	return sc
}

// familyName draws a family name for a random family: from all names for
// Seed's demo (the draws it always made), from those of no persona's
// family for SeedChildren.
func (s *seeder) familyName() string {
	if s.scale == nil {
		return pick(s.rng, familyNames)
	}
	return pick(s.rng, s.scale.familyNames)
}

// pickGroup picks the group of a kindergarten placement: at random for
// Seed's demo, the group with the fewest children for SeedChildren (those
// placed today for a placement running today, else those placed later).
func (s *seeder) pickGroup(groups []domain.GroupID, p domain.Period) domain.GroupID {
	if s.scale == nil {
		return groups[s.rng.IntN(len(groups))]
	}
	return s.scale.leastLoaded(groups, p)
}

// pickClass picks the class (or SFO group) of a pupil in a grade: the
// grade's one group for Seed's demo, the one with the fewest pupils for
// SeedChildren.
func (s *seeder) pickClass(first []domain.GroupID, byGrade [][]domain.GroupID, grade int, p domain.Period) domain.GroupID {
	if s.scale == nil || byGrade == nil {
		return first[grade-1]
	}
	return s.scale.leastLoaded(byGrade[grade-1], p)
}

func (sc *scale) leastLoaded(groups []domain.GroupID, p domain.Period) domain.GroupID {
	i := 1
	if p.Contains(sc.today) {
		i = 0
	}
	best := groups[0]
	for _, g := range groups {
		if sc.count(g)[i] < sc.count(best)[i] {
			best = g
		}
	}
	sc.count(best)[i]++
	return best
}

func (sc *scale) count(g domain.GroupID) *[2]int {
	c, ok := sc.load[g]
	if !ok {
		c = &[2]int{}
		sc.load[g] = c
	}
	return c
}

// weighted picks an index with probability proportional to its weight.
func weighted(rng *rand.Rand, w []float64) int {
	var sum float64
	for _, x := range w {
		sum += x
	}
	r := rng.Float64() * sum
	for i, x := range w {
		if r < x {
			return i
		}
		r -= x
	}
	return len(w) - 1
}

// seedScaled writes the demo municipality with about n children: the
// units and groups sized for them, the personas' families as in Seed's
// demo, the admission, the random households in one batch, their
// applications, billing, and the continuous intake.
func (s *seeder) seedScaled(ctx context.Context, n int) error {
	sc := newScale(s, n)
	s.scale = sc
	s.plan(n)
	if err := s.seedScaledUnits(ctx); err != nil {
		return err
	}
	if err := s.seedSpecialFamilies(ctx); err != nil {
		return err
	}
	if err := seedAdmission(ctx, s); err != nil {
		return err
	}
	if err := s.writeHouseholds(ctx); err != nil {
		return err
	}
	if err := s.applyForHouseholds(ctx); err != nil {
		return err
	}
	if err := s.seedBilling(ctx); err != nil {
		return err
	}
	if err := s.seedProtected47(ctx); err != nil {
		return err
	}
	return seedContinuousIntake(ctx, s)
}

// plan draws the units' relative sizes and the households.
func (s *seeder) plan(n int) {
	sc := s.scale
	placed := max(n*12/13-4, 1) // the personas' four placed children count too
	kg := float64(placed) * 5 / 12
	nKG := max(3, int(math.Round(kg/kindergartenSize)))
	nSchools := max(2, int(math.Round((float64(placed)-kg)/schoolSize)))
	for range nKG {
		sc.kgWeights = append(sc.kgWeights, 0.7+0.6*sc.rng.Float64())
	}
	for range nSchools {
		sc.schoolWeights = append(sc.schoolWeights, 0.75+0.5*sc.rng.Float64())
	}

	y := int(s.year)
	kgChildren, count := 4, 0
	var withKG []*household
	for count < placed {
		h := s.randomHousehold(len(sc.households) + 1)
		count += len(h.children)
		for _, c := range h.children {
			if y-c.person.birth.Year() <= 5 {
				kgChildren++
			}
		}
		if y-h.children[0].person.birth.Year() <= 5 {
			withKG = append(withKG, h)
		}
		sc.households = append(sc.households, h)
	}

	// Applicants: born the year before the admission year, a fourth of
	// them younger siblings in a family with a child in kindergarten. The
	// demo's own applicants (seedAdmission) make seven applications to the
	// main intake.
	ay := demoAdmissionYear(sc.today)
	first := date.New(ay-1, time.January, 1)
	span := max(min(int(date.New(ay-1, time.September, 1)-first), int(sc.today-30-first)), 1)
	want := max(int(math.Round(float64(kgChildren)/5))-7, 0)
	for range want {
		male := sc.rng.IntN(2) == 0
		baby := seedPerson{male: male, birth: first + date.Date(sc.rng.IntN(span))}
		var h *household
		if len(withKG) > 0 && sc.rng.IntN(4) == 0 {
			h = withKG[sc.rng.IntN(len(withKG))]
			baby.family = h.children[0].person.family
		} else {
			baby.family = sc.familyNames[sc.rng.IntN(len(sc.familyNames))]
			h = s.newHousehold(len(sc.households)+1, baby.family, baby.birth.Year())
			sc.households = append(sc.households, h)
		}
		baby.given = s.freeGiven(h, male)
		baby.protection = h.protection
		h.children = append(h.children, seedChild{person: baby, hours: 41})
		h.applying = append(h.applying, true)
		if len(h.prefs) == 0 {
			k := -1
			for _, c := range h.children {
				if y-c.person.birth.Year() <= 5 && c.person.birth.Year() < baby.birth.Year() {
					k = c.kindergarten
				}
			}
			if k < 0 {
				k = weighted(sc.rng, sc.kgWeights)
			}
			h.prefs = append(h.prefs, k)
			for range sc.rng.IntN(3) {
				if o := weighted(sc.rng, sc.kgWeights); !slices.Contains(h.prefs, o) {
					h.prefs = append(h.prefs, o)
				}
			}
		}
		sc.applicants++
	}
}

// freeGiven draws a given name no child of the household has, and no
// persona's child has with the household's family name.
func (s *seeder) freeGiven(h *household, male bool) string {
	names := girlNames
	if male {
		names = boyNames
	}
	for {
		given := names[s.scale.rng.IntN(len(names))]
		taken := false
		for _, c := range h.children {
			taken = taken || c.person.given == given || personaChild(given, c.person.family)
		}
		if !taken {
			return given
		}
	}
}

// randomHousehold draws a household of one to three children 1–12 years
// old: four in five have one child.
func (s *seeder) randomHousehold(number int) *household {
	sc := s.scale
	y := int(s.year)
	k := 1
	switch r := sc.rng.IntN(100); {
	case r >= 95:
		k = 3
	case r >= 80:
		k = 2
	}
	family := sc.familyNames[sc.rng.IntN(len(sc.familyNames))]
	ages := sc.rng.Perm(12)[:k]
	slices.Sort(ages)
	kindergarten := weighted(sc.rng, sc.kgWeights)
	school := weighted(sc.rng, sc.schoolWeights)
	var children []seedChild
	h := &household{}
	for _, i := range ages {
		age := i + 1
		male := sc.rng.IntN(2) == 0
		given := s.freeGiven(&household{children: children}, male)
		days := 365
		if age == 1 {
			days = 212 // born January–July: one year old by 1 August
		}
		c := seedChild{
			person:       seedPerson{given: given, family: family, male: male, birth: date.New(y-age, time.January, 1) + date.Date(sc.rng.IntN(days))},
			kindergarten: kindergarten, school: school, hours: 41, sfoHours: 20,
		}
		switch sc.rng.IntN(10) {
		case 0:
			c.hours = 24
		case 1:
			c.hours = 32
		}
		if sc.rng.IntN(10) < 3 {
			c.sfoHours = 12
		}
		c.sfo = age >= 6 && age <= 9 && sc.rng.IntN(10) < 8 // 1st–4th grade
		children = append(children, c)
	}
	eldest := children[0].person.birth.Year()
	nh := s.newHousehold(number, family, eldest)
	h.links, h.protection = nh.links, nh.protection
	h.children = children
	h.applying = make([]bool, len(children))
	for i := range h.children {
		h.children[i].person.protection = h.protection
	}
	return h
}

// newHousehold draws the guardians of a household whose eldest child was
// born in the year: two parents living together (two in three), parents
// living apart who both have parental responsibility, or one parent alone.
// Every strictlyProtectedEvery-th and protectedEvery-th household is a
// mother alone at a protected address.
func (s *seeder) newHousehold(number int, family string, eldest int) *household {
	sc := s.scale
	born := func() date.Date {
		return date.New(eldest-24-sc.rng.IntN(17), time.January, 1) + date.Date(sc.rng.IntN(365))
	}
	motherFamily := family
	if sc.rng.IntN(100) < 35 {
		motherFamily = sc.familyNames[sc.rng.IntN(len(sc.familyNames))]
	}
	mother := seedPerson{given: pick(sc.rng, womenNames), family: motherFamily, birth: born()}
	father := seedPerson{given: pick(sc.rng, menNames), family: family, male: true, birth: born()}
	h := &household{}
	switch r := sc.rng.IntN(100); {
	case number%strictlyProtectedEvery == strictlyProtectedEvery/2:
		h.protection = domain.ProtectionStrengtFortrolig
	case number%protectedEvery == protectedEvery/2:
		h.protection = domain.ProtectionFortrolig
	case r < 68:
		h.links = []seedLink{{person: mother, responsibility: true, lives: true}, {person: father, responsibility: true, lives: true}}
	case r < 85:
		h.links = []seedLink{{person: mother, responsibility: true, lives: true}, {person: father, responsibility: true}}
	case r < 97:
		h.links = []seedLink{{person: mother, responsibility: true, lives: true}}
	default:
		h.links = []seedLink{{person: father, responsibility: true, lives: true}}
	}
	if h.protection != "" {
		mother.protection = h.protection
		h.links = []seedLink{{person: mother, responsibility: true, lives: true}}
	}
	return h
}

// Units.

// Fictional place names, combined into the names of units and streets.
var (
	placeFirst   = []string{"Fjell", "Skog", "Sol", "Rogn", "Eike", "Furu", "Gran", "Lyng", "Myr", "Elve", "Sjø", "Strand", "Nord", "Sør", "Øst", "Vest", "Kirke", "Bakke", "Berg", "Lunde"}
	placeSecond  = []string{"lia", "haugen", "vollen", "heim", "dalen", "tunet", "åsen", "moen", "kroken", "vika"}
	streetSuffix = []string{"veien", "gata", "bakken", "stien", "svingen"}
	groupNames   = []string{"Blåbær", "Tyttebær", "Multebær", "Ekorn", "Rev", "Maurtua", "Bjørnehiet", "Ørneredet", "Marihøna", "Humla",
		"Sommerfugl", "Elg", "Hare", "Grevling", "Pinnsvin", "Ugla", "Spurv", "Meis", "Jordbær", "Bringebær", "Kantarell", "Lyngen"}
)

// placeName is the i-th fictional place name. None is the name of a unit
// the personas are found by (Bjørkelia barnehage, Nordby skole): a second
// unit of that name would hide the persona.
func placeName(i int) string {
	n := len(placeFirst) * len(placeSecond)
	j := (i*37 + 11) % n
	name := placeFirst[j/len(placeSecond)] + placeSecond[j%len(placeSecond)]
	if i >= n {
		name += fmt.Sprint(" ", i/n+1)
	}
	return name
}

// groupCount is how many groups count children make, none larger than
// most and, when there are children enough, none smaller than groupMin.
func groupCount(count, most int) int {
	n := max(1, (count+most-1)/most)
	for n > 1 && count/n < groupMin {
		n--
	}
	return n
}

// seedScaledUnits writes the kindergartens and schools with SFO, the
// demo's named ones first, and their groups, as many as the planned
// children need.
func (s *seeder) seedScaledUnits(ctx context.Context) error {
	sc := s.scale
	y := int(s.year)
	small := make([]int, len(sc.kgWeights))
	large := make([]int, len(sc.kgWeights))
	pupils := make([][7]int, len(sc.schoolWeights))
	sfo := make([][4]int, len(sc.schoolWeights))
	// The personas' children: Ella (small) and Jakob Aasen (large) at
	// the first kindergarten, Aurora (large) at the second, Sofie in 3rd
	// grade with SFO at the first school.
	small[0]++
	large[0]++
	large[1]++
	pupils[0][2]++
	sfo[0][2]++
	for _, h := range sc.households {
		for i, c := range h.children {
			if h.applying[i] {
				continue
			}
			switch age := y - c.person.birth.Year(); {
			case age <= 2:
				small[c.kindergarten]++
			case age <= 5:
				large[c.kindergarten]++
			default:
				pupils[c.school][age-6]++
				if c.sfo && age <= 9 {
					sfo[c.school][age-6]++
				}
			}
		}
	}

	named := []string{"Solsikken barnehage", "Bjørkelia barnehage", "Trollskogen barnehage"}
	for i := range sc.kgWeights {
		name := fmt.Sprintf("%s barnehage", placeName(i))
		if i < len(named) {
			name = named[i]
		}
		u, err := s.scaledUnit(ctx, name, domain.Kindergarten, domain.UnitID{}, func(u *domain.Unit) {
			u.Seats = domain.Seats{Small: small[i] + 2, Large: large[i] + 3}
			if i == 2 {
				u.Owner = domain.Private
			}
		})
		if err != nil {
			return err
		}
		kg := seedKindergarten{unit: u}
		names := 0
		for _, part := range []struct {
			count, most int
			age         domain.AgeGroup
			into        *[]domain.GroupID
		}{{small[i], smallGroupMax, domain.Small, &kg.small}, {large[i], largeGroupMax, domain.Large, &kg.large}} {
			for range groupCount(part.count, part.most) {
				name := groupNames[names%len(groupNames)]
				if names >= len(groupNames) {
					name += fmt.Sprint(" ", names/len(groupNames)+1)
				}
				names++
				g, err := s.group(ctx, u, name, func(g *domain.Group) { g.AgeGroup = part.age })
				if err != nil {
					return err
				}
				*part.into = append(*part.into, g)
			}
		}
		s.kindergartens = append(s.kindergartens, kg)
	}

	for i := range sc.schoolWeights {
		place := placeName(len(sc.kgWeights) + i)
		switch i {
		case 0:
			place = "Nordby"
		case 1:
			place = "Sjøsiden"
		}
		u, err := s.scaledUnit(ctx, place+" skole", domain.School, domain.UnitID{}, func(u *domain.Unit) { u.Grades = domain.Grades{From: 1, To: 7} })
		if err != nil {
			return err
		}
		school := seedSchool{unit: u}
		for grade := 1; grade <= 7; grade++ {
			var ids []domain.GroupID
			for k := range groupCount(pupils[i][grade-1], classMax) {
				g, err := s.group(ctx, u, fmt.Sprintf("%d%c", grade, 'A'+k), func(g *domain.Group) { g.Grades = domain.Grades{From: grade, To: grade} })
				if err != nil {
					return err
				}
				ids = append(ids, g)
			}
			school.classes = append(school.classes, ids[0])
			school.gradeClasses = append(school.gradeClasses, ids)
		}
		if school.sfo, err = s.scaledUnit(ctx, place+" SFO", domain.SFO, u, func(u *domain.Unit) { u.Grades = domain.Grades{From: 1, To: 4} }); err != nil {
			return err
		}
		for grade := 1; grade <= 4; grade++ {
			var ids []domain.GroupID
			for k := range groupCount(sfo[i][grade-1], sfoGroupMax) {
				name := fmt.Sprintf("SFO %d. trinn", grade)
				if k > 0 {
					name += fmt.Sprintf(" %c", 'A'+k)
				}
				g, err := s.group(ctx, school.sfo, name, func(g *domain.Group) { g.Grades = domain.Grades{From: grade, To: grade} })
				if err != nil {
					return err
				}
				ids = append(ids, g)
			}
			school.sfoGroups = append(school.sfoGroups, ids[0])
			school.gradeSFO = append(school.gradeSFO, ids)
		}
		s.schools = append(s.schools, school)
	}
	return nil
}

// scaledUnit writes a unit: a named demo unit with its details (seats and
// grades as edit sets them), any other one on a street of its own.
func (s *seeder) scaledUnit(ctx context.Context, name string, kind domain.UnitKind, parent domain.UnitID, edit func(*domain.Unit)) (domain.UnitID, error) {
	u := domain.Unit{ID: newID[domain.Unit](&s.ids), Municipality: s.m, Name: name, Kind: kind, Owner: domain.Municipal, Parent: parent}
	if d, ok := unitDetails[name]; ok {
		u.Address = domain.Address{Street: d.street, Postcode: d.postcode, PostTown: PostTown, Municipality: s.m}
		u.OpeningHours = domain.Daily(d.opens, d.closes)
		u.Contact.Phone = d.phone
	} else {
		u.Address = s.scale.home(s.m)
		u.OpeningHours = domain.Daily("07:00", "16:30")
		if kind == domain.School {
			u.OpeningHours = domain.Daily("08:00", "15:00")
		}
		u.Contact.Phone = fmt.Sprintf("+47 99 %02d %02d %02d", 40+s.scale.rng.IntN(60), s.scale.rng.IntN(100), s.scale.rng.IntN(100))
	}
	mail := strings.NewReplacer("æ", "ae", "ø", "o", "å", "a", " ", ".").Replace(strings.ToLower(name))
	u.Contact.Email = "post." + mail + "@demo-kommune.example"
	edit(&u)
	if err := s.store.CreateUnit(ctx, u); err != nil {
		return domain.UnitID{}, fmt.Errorf("unit %s: %w", name, err)
	}
	return u.ID, nil
}

// home returns an address on one of the batch's streets that no other
// household has (none of Seed's demo's streets, so no clash with them).
func (sc *scale) home(m domain.Municipality) domain.Address {
	for {
		st := sc.streets[sc.rng.IntN(len(sc.streets))]
		street := fmt.Sprintf("%s %d", st.name, 1+sc.rng.IntN(150))
		if sc.rng.IntN(6) == 0 {
			street += " " + string(rune('A'+sc.rng.IntN(4)))
		}
		if sc.taken[street] {
			continue
		}
		sc.taken[street] = true
		return domain.Address{Street: street, Postcode: st.postcode, PostTown: PostTown, Municipality: m}
	}
}

// Households.

// writeHouseholds writes the planned households: in one batch when the
// store writes batches, else record by record. It keeps a family for fees
// per household (seedBilling writes them).
func (s *seeder) writeHouseholds(ctx context.Context) error {
	sc := s.scale
	var b domain.DirectoryBatch
	start := s.year.Start()
	for _, h := range sc.households {
		home := sc.home(s.m)
		var family seedFamilyFor
		for i := range h.links {
			p := h.links[i].person
			nid, err := s.nationalID(p.birth, p.male)
			if err != nil {
				return err
			}
			addr := home
			if !h.links[i].lives {
				addr = sc.home(s.m)
			}
			g := domain.Guardian{ID: newID[domain.Guardian](&s.ids), Municipality: s.m, NationalID: nid, GivenName: p.given,
				FamilyName: p.family, Email: Email(p.given, p.family), AddressProtection: orNone(p.protection), Address: addr}
			b.Guardians = append(b.Guardians, g)
			h.links[i].guardianID = g.ID
			if h.links[i].responsibility && h.links[i].lives {
				if family.ID.IsZero() {
					family = seedFamilyFor{Family: billing.Family{ID: newID[billing.Family](&s.ids), Municipality: s.m, Payer: g.ID},
						payerName: p.given + " " + p.family}
				}
				family.Members = append(family.Members, member(s, family.ID, start, g.ID, domain.ChildID{}))
			}
		}
		for i, c := range h.children {
			p := c.person
			nid, err := s.nationalID(p.birth, p.male)
			if err != nil {
				return err
			}
			child := domain.Child{ID: newID[domain.Child](&s.ids), Municipality: s.m, NationalID: nid, GivenName: p.given,
				FamilyName: p.family, BirthDate: p.birth, AddressProtection: orNone(p.protection), Address: home}
			b.Children = append(b.Children, child)
			sc.bulk[child.ID] = true
			s.children++
			for _, l := range h.links {
				b.Guardianships = append(b.Guardianships, domain.Guardianship{Municipality: s.m, ChildID: child.ID, GuardianID: l.guardianID,
					ParentalResponsibility: l.responsibility, LivesWithChild: l.lives})
			}
			if !h.applying[i] {
				b.Placements = append(b.Placements, s.placements(child.ID, c)...)
			}
			h.children[i].person.address = home
			h.children[i].childID = child.ID
			if !family.ID.IsZero() {
				family.Members = append(family.Members, member(s, family.ID, start, domain.GuardianID{}, child.ID))
			}
		}
		if !family.ID.IsZero() {
			sc.families = append(sc.families, family)
		}
	}
	if bw, ok := s.store.(domain.BulkDirectoryWriter); ok {
		if err := bw.CreateDirectoryBatch(ctx, s.m, b); err != nil {
			return fmt.Errorf("households: %w", err)
		}
		return nil
	}
	for _, g := range b.Guardians {
		if err := s.store.CreateGuardian(ctx, g); err != nil {
			return fmt.Errorf("guardian %s %s: %w", g.GivenName, g.FamilyName, err)
		}
	}
	for _, c := range b.Children {
		if err := s.store.CreateChild(ctx, c); err != nil {
			return fmt.Errorf("child %s %s: %w", c.GivenName, c.FamilyName, err)
		}
	}
	for _, g := range b.Guardianships {
		if err := s.store.PutGuardianship(ctx, g); err != nil {
			return fmt.Errorf("guardianship: %w", err)
		}
	}
	for _, p := range b.Placements {
		if err := s.store.CreatePlacement(ctx, p); err != nil {
			return fmt.Errorf("placement: %w", err)
		}
	}
	return nil
}

// applyForHouseholds applies, as the household's first guardian, for
// each applying child in the main intake: the household's kindergartens,
// first choice first.
func (s *seeder) applyForHouseholds(ctx context.Context) error {
	sc := s.scale
	store, ok := s.store.(admission.ServiceStore)
	if !ok || sc.main.ID.IsZero() {
		return nil
	}
	svc := &admission.Service{Store: store, Clock: s.clock()}
	for _, h := range sc.households {
		var prefs []domain.UnitID
		for _, k := range h.prefs {
			prefs = append(prefs, s.kindergartens[k].unit)
		}
		guardian := domain.GuardianActor(s.m, h.links[0].guardianID)
		for i, c := range h.children {
			if !h.applying[i] {
				continue
			}
			a := admission.Application{ID: newID[admission.Application](&s.ids), Municipality: s.m, Intake: sc.main.ID,
				Child: c.childID, Preferences: prefs, Hours: c.hours}
			if _, err := svc.Apply(ctx, guardian, a); err != nil {
				return fmt.Errorf("apply for %s %s: %w", c.person.given, c.person.family, err)
			}
		}
	}
	return nil
}

// mainSeats are the main intake's seats for SeedChildren: in every
// kindergarten, about as many as its share of the applicants, mostly for
// children under three (who take SmallWeight places each).
func (sc *scale) mainSeats(kindergartens []seedKindergarten, smallWeight int) []admission.UnitSeats {
	var sum float64
	for _, w := range sc.kgWeights {
		sum += w
	}
	var out []admission.UnitSeats
	for i, kg := range kindergartens {
		share := float64(sc.applicants+7) * sc.kgWeights[i] / sum
		small := max(1, int(math.Round(0.85*share)))
		large := max(1, int(math.Round(0.1*share)))
		out = append(out, admission.UnitSeats{Unit: kg.unit, Places: small*smallWeight + large, Small: small})
	}
	return out
}

// member is a membership of a family for fees from the start.
func member(s *seeder, family billing.FamilyID, start date.Date, g domain.GuardianID, c domain.ChildID) billing.Member {
	return billing.Member{ID: newID[billing.Member](&s.ids), Municipality: s.m, Family: family, Guardian: g, Child: c,
		Period: domain.Period{Start: start}}
}
