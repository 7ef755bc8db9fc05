package domain_test

import (
	"fmt"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// A staff member acts with the grants in force on the day: a role that
// ended yesterday gives nothing today.
func ExampleStaffActorFor() {
	m := domain.MustMunicipality("4601")
	kari := domain.StaffMember{ID: domain.NewID[domain.StaffMember](), Municipality: m, Name: "Kari Nordmann", Principal: "kari@bergen.kommune.no"}
	today := date.New(2025, time.November, 24)
	grants := []domain.Grant{
		{ID: domain.NewID[domain.Grant](), Municipality: m, Staff: kari.ID, Role: domain.GrantCaseworker, Capability: domain.CapBilling,
			Period: domain.Period{Start: date.New(2025, time.August, 1)}},
		{ID: domain.NewID[domain.Grant](), Municipality: m, Staff: kari.ID, Role: domain.GrantAdmin,
			Period: domain.Period{Start: date.New(2025, time.August, 1), End: today - 1}},
	}
	a, ok := domain.StaffActorFor(kari, grants, today)
	fmt.Println(ok, a.Role, a.Handles, a.HandlesCapability(domain.CapAdmission))
	a, _ = domain.StaffActorFor(kari, grants, today-1)
	fmt.Println(a.Role)
	// Output:
	// true caseworker [billing] false
	// admin
}
