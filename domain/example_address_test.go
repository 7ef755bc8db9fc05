package domain_test

import (
	"fmt"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// A guardian's registered address is given out through ShownAddress:
// as it is when the Folkeregister does not protect it, not at all when
// it does.
func ExampleGuardian_ShownAddress() {
	g := domain.Guardian{GivenName: "Kari", FamilyName: "Nordmann", AddressProtection: domain.ProtectionNone,
		Address: domain.Address{Street: "Storgata 1", Postcode: "0155", PostTown: "OSLO", Municipality: "0301"}}
	fmt.Println(g.ShownAddress().Street)
	g.AddressProtection = domain.ProtectionStrengtFortrolig
	fmt.Println(g.ShownAddress().IsZero())
	// Output:
	// Storgata 1
	// true
}

// A bad registered address is refused at the address's own fields.
func ExampleChild_Validate_address() {
	c := domain.Child{ID: domain.NewID[domain.Child](), Municipality: "0301", GivenName: "Ada", FamilyName: "Berg",
		BirthDate: date.New(2021, time.March, 1), AddressProtection: domain.ProtectionNone,
		Address: domain.Address{Street: "Storgata 1", Postcode: "155", PostTown: "OSLO"}}
	fmt.Println(domain.FieldOf(c.Validate()))
	// Output:
	// address.postcode
}
