package reports_test

import (
	"fmt"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reports"
)

// BASIL counts the children placed in each kindergarten on 15 December by
// age and agreed weekly hours; every cell keeps the children behind it.
func ExampleBASIL() {
	kg := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: "0301", Name: "Solsikken", Kind: domain.Kindergarten,
		Owner: domain.Municipal, Seats: domain.Seats{Small: 9, Large: 18}}
	ida := domain.Child{ID: domain.NewID[domain.Child](), Municipality: "0301", GivenName: "Ida", FamilyName: "Berg",
		BirthDate: date.New(2023, time.May, 2)}
	in := reports.Input{
		Units:    []domain.Unit{kg},
		Children: []domain.Child{ida},
		Placements: []domain.Placement{{ID: domain.NewID[domain.Placement](), Municipality: "0301", ChildID: ida.ID, UnitID: kg.ID,
			Kind: domain.Kindergarten, HoursPerWeek: 37, Period: domain.Period{Start: date.New(2024, time.August, 1)}}},
	}
	rep, err := reports.BASIL(in, 2025, reports.MustRules().BASIL)
	if err != nil {
		fmt.Println(err)
		return
	}
	u := rep.Units[0]
	fmt.Println(rep.Day, u.Name, u.Children.Count, "child(ren)")
	fmt.Println("age 2, 33-40 hours:", u.ByAgeAndHours["2"]["33-40"].Count, u.ByAgeAndHours["2"]["33-40"].Children[0] == ida.ID)
	fmt.Println("not counted:", rep.NotCounted)
	// Output:
	// 2025-12-15 Solsikken 1 child(ren)
	// age 2, 33-40 hours: 1 true
	// not counted: [minority-language staff]
}
