package domain_test

import (
	"errors"
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

	// A refusal carries a reason code; the package's ReasonTexts give it
	// in English for developers.
	_, err = domain.ParseNationalID("15076500566")
	fmt.Println(err)
	var v *domain.ValidationError
	if errors.As(err, &v) {
		f := v.Fields[0]
		fmt.Println(domain.ReasonTables{domain.ReasonTexts}.Text(f.Reason, domain.Pairs(f.Params)...))
	}
	// Output:
	// fnr 1965-07-15 false 150765*****
	// invalid input: nationalId: control-digit-2-does-not-match
	// control digit 2 does not match
}
