package domain_test

import (
	"fmt"

	"github.com/oppvekst/oppvekst/domain"
)

func ExampleParseNationalID() {
	id, err := domain.ParseNationalID("15076500565")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(id.Type(), id.BirthDate(), id.Synthetic(), id.Masked())

	_, err = domain.ParseNationalID("15076500566")
	fmt.Println(err)
	// Output:
	// fnr 1965-07-15 false 150765*****
	// invalid input: nationalId: control digit 2 does not match
}
