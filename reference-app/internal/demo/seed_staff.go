package demo

import (
	"context"
	"fmt"

	"github.com/oppvekst/oppvekst/domain"
)

// StaffPrincipals are the Feide principals of the demo's staff, as a
// municipality would register them: the admin pages list them, and a
// Feide login with one of them is that member.
var StaffPrincipals = map[string]string{
	PersonaStaff:             "kari.laerer@demo-kommune.example",
	PersonaOtherStaff:        "per.pedagog@demo-kommune.example",
	PersonaCaseworker:        "siri.saksbehandler@demo-kommune.example",
	PersonaAdmin:             "arne.administrator@demo-kommune.example",
	PersonaPPT:               pptSubject,
	PersonaOtherMunicipality: "nils.nabo@nabo-kommune.example",
}

// seedStaff stores the demo's staff personas as staff members with their
// grants from the start of the school year: Kari Lærer unit staff at
// Nordby skole and Nordby SFO, Per Pedagog leader of Bjørkelia barnehage,
// Siri Saksbehandler caseworker of every capability, Arne Administrator
// administrator (and Nils Nabo, caseworker in the neighbour
// municipality, by SeedNeighbour), and Pia Psykolog, the PPT's member,
// with no grant (PPT is no unit: she sees the cases referred to her PPT).
// Each has a work e-mail address, the Feide user name, where notices of
// overdue steps go. The demo login keeps the personas' fixed actors,
// which say the same.
func seedStaff(ctx context.Context, store domain.Store, clock domain.Clock, m domain.Municipality) error {
	st, ok := store.(domain.StaffStore)
	if !ok {
		return nil
	}
	units, err := store.Units(ctx, m)
	if err != nil {
		return err
	}
	unit := map[string]domain.UnitID{}
	for _, u := range units {
		unit[u.Name] = u.ID
	}
	start := domain.Period{Start: domain.SchoolYearOf(domain.Today(clock)).Period().Start}
	type g struct {
		role domain.GrantRole
		unit string
		caps []domain.Capability
	}
	people := []struct {
		persona, name string
		grants        []g
	}{
		{PersonaStaff, staffNordbyName, []g{{role: domain.GrantUnitStaff, unit: "Nordby skole"}, {role: domain.GrantUnitStaff, unit: "Nordby SFO"}}},
		{PersonaOtherStaff, staffBjorkeliaName, []g{{role: domain.GrantUnitLeader, unit: "Bjørkelia barnehage"}}},
		{PersonaCaseworker, "Siri Saksbehandler", []g{{role: domain.GrantCaseworker, caps: domain.Capabilities}}},
		{PersonaAdmin, "Arne Administrator", []g{{role: domain.GrantAdmin}}},
		{PersonaPPT, staffPPTName, nil},
	}
	if m == Neighbour {
		people = people[:0]
		people = append(people, struct {
			persona, name string
			grants        []g
		}{PersonaOtherMunicipality, "Nils Nabo", []g{{role: domain.GrantCaseworker, caps: domain.Capabilities}}})
	}
	for _, p := range people {
		s := domain.StaffMember{ID: domain.NewID[domain.StaffMember](), Municipality: m, Name: p.name,
			Principal: StaffPrincipals[p.persona], Email: StaffPrincipals[p.persona]}
		if err := st.CreateStaffMember(ctx, s); err != nil {
			return fmt.Errorf("seed staff %s: %w", p.name, err)
		}
		for _, gr := range p.grants {
			caps := gr.caps
			if len(caps) == 0 {
				caps = []domain.Capability{""}
			}
			for _, c := range caps {
				grant := domain.Grant{ID: domain.NewID[domain.Grant](), Municipality: m, Staff: s.ID, Role: gr.role, Capability: c, Period: start}
				if gr.unit != "" {
					id, ok := unit[gr.unit]
					if !ok {
						return fmt.Errorf("seed staff %s: no unit %q", p.name, gr.unit)
					}
					grant.Unit = id
				}
				if err := st.PutGrant(ctx, grant); err != nil {
					return fmt.Errorf("seed staff %s: %w", p.name, err)
				}
			}
		}
	}
	return nil
}
