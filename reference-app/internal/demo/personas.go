package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// The second demo municipality: a neighbour whose data must never be seen
// from the demo municipality, nor the other way round.
const (
	Neighbour     domain.Municipality = "9998"
	NeighbourName                     = "Nabo kommune"
)

// MunicipalityNames names the municipalities this deployment serves.
var MunicipalityNames = map[domain.Municipality]string{
	Municipality: MunicipalityName,
	Neighbour:    NeighbourName,
}

// neighbourHome is where the neighbour municipality's family lives.
var neighbourHome = domain.Address{Street: "Fjellheimvegen 3", Postcode: "9890", PostTown: "NABOBYGD", Municipality: Neighbour}

// SeedNeighbour writes the neighbour municipality once: one kindergarten
// with one group, one child and its guardian.
func SeedNeighbour(ctx context.Context, store domain.Store, clock domain.Clock) error {
	m := Neighbour
	return store.Atomic(ctx, func(ctx context.Context) error {
		units, err := store.Units(ctx, m)
		if err != nil || len(units) > 0 {
			return err
		}
		year := domain.SchoolYearOf(domain.Today(clock))
		unit := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Fjellheimen barnehage", Kind: domain.Kindergarten, Owner: domain.Municipal}
		group := domain.Group{ID: domain.NewID[domain.Group](), Municipality: m, UnitID: unit.ID, Name: "Fjellrev"}
		birth := date.New(int(year)-4, time.September, 9)
		cnid, err := firstSyntheticID(birth, 512)
		if err != nil {
			return err
		}
		gnid, err := firstSyntheticID(date.New(int(year)-35, time.March, 3), 124)
		if err != nil {
			return err
		}
		child := domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, NationalID: cnid, GivenName: "Kaja", FamilyName: "Fjellstad", BirthDate: birth, AddressProtection: domain.ProtectionNone, Address: neighbourHome}
		guardian := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, NationalID: gnid, GivenName: "Randi", FamilyName: "Fjellstad", Email: "randi.fjellstad@nabo-kommune.example", AddressProtection: domain.ProtectionNone, Address: neighbourHome}
		placement := domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: m, ChildID: child.ID, UnitID: unit.ID, GroupID: group.ID, Kind: domain.Kindergarten, HoursPerWeek: 41, Period: domain.Period{Start: year.Period().Start}}
		for _, step := range []func() error{
			func() error { return store.CreateUnit(ctx, unit) },
			func() error { return store.CreateGroup(ctx, group) },
			func() error { return store.CreateChild(ctx, child) },
			func() error { return store.CreateGuardian(ctx, guardian) },
			func() error {
				return store.PutGuardianship(ctx, domain.Guardianship{Municipality: m, ChildID: child.ID, GuardianID: guardian.ID, ParentalResponsibility: true, LivesWithChild: true})
			},
			func() error { return store.CreatePlacement(ctx, placement) },
			func() error { return seedStaff(ctx, store, clock, m) },
			func() error { return seedBillingSettings(ctx, store, m, year) },
		} {
			if err := step(); err != nil {
				return fmt.Errorf("seed %s: %w", NeighbourName, err)
			}
		}
		return nil
	})
}

// firstSyntheticID is the first synthetic national ID for the birth date
// from the individual number on (some numbers have no control digit).
func firstSyntheticID(birth date.Date, individual int) (domain.NationalID, error) {
	var err error
	for i := individual; i < individual+50; i += 2 {
		var nid domain.NationalID
		if nid, err = domain.SyntheticNationalID(birth, i); err == nil {
			return nid, nil
		}
	}
	return domain.NationalID{}, err
}

// Persona is a seeded person one can log in as in demo mode.
type Persona struct {
	Key  string // stable, used in the login form and tests
	Name string
	// Actor is who the persona is to the app; the message persona.<Key>
	// describes the persona.
	Actor domain.Actor
}

// Persona keys. The seven actors of the authorization table, plus the
// municipal administrator, the protected-address guardian, Sofie's second
// parent with parental responsibility (split household), and the § 47
// parent of her strictly protected child (who must learn nothing of where
// the child is).
const (
	PersonaGuardian          = "guardian"              // Hilde Berg, parental responsibility for Sofie
	PersonaSecondParent      = "guardian-2"            // Anders Nygård, parental responsibility for Sofie, lives apart from her
	PersonaOtherParent       = "guardian-47"           // Tor Ødegård, no parental responsibility, § 47 request
	PersonaProtected         = "guardian-protected"    // Marte Solheim, strengt fortrolig address
	PersonaProtected47       = "guardian-47-protected" // Stein Vik, § 47 request for Aurora (strengt fortrolig), no responsibility
	PersonaOtherGuardian     = "guardian-other"        // Ingrid Aasen, guardian of other children
	PersonaStaff             = "staff-nordby"          // works at Nordby skole and Nordby SFO (Sofie's)
	PersonaOtherStaff        = "staff-bjorkelia"       // works at Bjørkelia barnehage
	PersonaCaseworker        = "caseworker"            // Demo kommune
	PersonaAdmin             = "admin"                 // Demo kommune
	PersonaOtherMunicipality = "caseworker-neighbour"  // Nabo kommune
	PersonaPPT               = "ppt"                   // Pia Psykolog, member of the demo's PPT (special education)
)

// Personas looks the personas up in the seeded data. A persona whose
// person is not in the store (the seed was turned off) is left out.
func Personas(ctx context.Context, store domain.DirectoryReader) ([]Persona, error) {
	m := Municipality
	var out []Persona
	add := func(key, name string, actor domain.Actor) {
		out = append(out, Persona{Key: key, Name: name, Actor: actor})
	}
	children, err := store.Children(ctx, m)
	if err != nil {
		return nil, err
	}
	guardianOf := func(childGiven, childFamily, given, family string) (domain.GuardianID, bool, error) {
		for _, c := range children {
			if c.GivenName != childGiven || c.FamilyName != childFamily {
				continue
			}
			links, err := store.Guardianships(ctx, m, c.ID)
			if err != nil {
				return domain.GuardianID{}, false, err
			}
			for _, l := range links {
				g, err := store.Guardian(ctx, m, l.GuardianID)
				if err != nil {
					return domain.GuardianID{}, false, err
				}
				if g.GivenName == given && g.FamilyName == family {
					return g.ID, true, nil
				}
			}
		}
		return domain.GuardianID{}, false, nil
	}
	for _, p := range []struct{ key, child, childFamily, given, family string }{
		{PersonaGuardian, "Sofie", "Berg", "Hilde", "Berg"},
		{PersonaSecondParent, "Sofie", "Berg", "Anders", "Nygård"},
		{PersonaOtherParent, "Sofie", "Berg", "Tor", "Ødegård"},
		{PersonaProtected, "Aurora", "Solheim", "Marte", "Solheim"},
		{PersonaProtected47, "Aurora", "Solheim", protected47Given, protected47Family},
		{PersonaOtherGuardian, "Jakob", "Aasen", "Ingrid", "Aasen"},
	} {
		id, ok, err := guardianOf(p.child, p.childFamily, p.given, p.family)
		if err != nil {
			return nil, err
		}
		if ok {
			add(p.key, p.given+" "+p.family, domain.GuardianActor(m, id))
		}
	}
	units, err := store.Units(ctx, m)
	if err != nil {
		return nil, err
	}
	unitsNamed := func(names ...string) []domain.UnitID {
		var ids []domain.UnitID
		for _, u := range units {
			for _, n := range names {
				if u.Name == n {
					ids = append(ids, u.ID)
				}
			}
		}
		return ids
	}
	// Staff and the municipality's people carry their display name in the
	// actor, as a Feide login does (the staff list's name, or the name
	// claim): it is what others read, never the login ID.
	if ids := unitsNamed("Nordby skole", "Nordby SFO"); len(ids) == 2 {
		add(PersonaStaff, staffNordbyName, domain.StaffActor(m, StaffPrincipals[PersonaStaff], ids...).Named(staffNordbyName))
	}
	if ids := unitsNamed("Bjørkelia barnehage"); len(ids) == 1 {
		// Per Pedagog leads the kindergarten: he keeps its duty roster.
		per := domain.StaffActor(m, StaffPrincipals[PersonaOtherStaff], ids...).Named(staffBjorkeliaName)
		per.Leads = ids
		add(PersonaOtherStaff, staffBjorkeliaName, per)
	}
	// Pia Psykolog works at PPT, no unit: she sees the special-education
	// cases referred to PPT, nothing else of the children.
	add(PersonaPPT, staffPPTName, domain.StaffActor(m, pptSubject).Named(staffPPTName))
	add(PersonaCaseworker, "Siri Saksbehandler", domain.CaseworkerActor(m, StaffPrincipals[PersonaCaseworker]).Named("Siri Saksbehandler"))
	add(PersonaAdmin, "Arne Administrator", domain.AdminActor(m, StaffPrincipals[PersonaAdmin]).Named("Arne Administrator"))
	add(PersonaOtherMunicipality, "Nils Nabo", domain.CaseworkerActor(Neighbour, StaffPrincipals[PersonaOtherMunicipality]).Named("Nils Nabo"))
	return out, nil
}

// The display names of the demo's staff personas (the seed's messages are
// written by them too).
const (
	staffNordbyName    = "Kari Lærer"
	staffBjorkeliaName = "Per Pedagog"
)
