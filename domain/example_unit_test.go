package domain_test

import (
	"errors"
	"fmt"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// A unit describes itself; what is wrong is named by field and reason
// code, which an application translates.
func ExampleUnit_Validate() {
	u := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: "0301", Name: "Åkeren barnehage",
		Kind: domain.Kindergarten, Owner: domain.Municipal,
		Address:      domain.Address{Street: "Storgata 1", Postcode: "155", PostTown: "OSLO"},
		OpeningHours: domain.Daily("07:00", "16:30"),
		Seats:        domain.Seats{Small: 18, Large: 36},
		Grades:       domain.Grades{From: 1, To: 4}}
	err := u.Validate()
	fmt.Println(err)

	// The English text of each code, for developers: an application names
	// the reason tables of the packages it uses.
	tables := domain.ReasonTables{domain.ReasonTexts}
	var v *domain.ValidationError
	if errors.As(err, &v) {
		for _, f := range v.Fields {
			fmt.Println(f.Field+":", tables.Text(f.Reason, domain.Pairs(f.Params)...))
		}
	}
	// Output:
	// invalid input: address.postcode: not-a-postcode; grades: not-for-kind
	// address.postcode: a postcode is four digits
	// grades: the value does not apply to the unit's kind (seats per age group to a school, grades to a kindergarten)
}

// Closing a unit while placements run past its last day would leave them
// behind: UnitOrphans names them, and a store refuses the change with an
// *OrphanError.
func ExampleUnitOrphans() {
	kg := domain.Unit{ID: domain.NewID[domain.Unit](), Kind: domain.Kindergarten}
	ends := domain.Placement{Period: domain.Period{Start: date.New(2025, 8, 1), End: date.New(2026, 6, 30)}}
	open := domain.Placement{Period: domain.Period{Start: date.New(2025, 8, 1)}}
	closing := kg
	closing.ClosingDate = date.New(2026, 6, 30)
	field, orphans := domain.UnitOrphans(kg, closing, []domain.Placement{ends, open})
	fmt.Println(field, len(orphans), orphans[0].Period.Open())
	// Output: closingDate 1 true
}
