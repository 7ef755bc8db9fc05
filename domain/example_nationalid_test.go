package domain_test

import (
	"errors"
	"fmt"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

func ExampleParseNationalID() {
	id, err := domain.ParseNationalID("15076500565")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(id.Type(), id.BirthDate(), id.Synthetic(), id.Masked(), id.Rule())

	// From 2032 the first control digit may leave remainder 1, 2 or 3
	// (Skatteetaten's "person 2 born 30.10.1982"): the number tells the day,
	// month and year digits but not the century, so BirthDate is zero.
	id2032, err := domain.ParseNationalID("30108299939")
	if err != nil {
		fmt.Println(err)
		return
	}
	m, d := id2032.BirthMonthDay()
	fmt.Println(id2032.Rule(), id2032.BirthDate() == date.Zero, m, d, id2032.BirthYearDigits())

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
	// fnr 1965-07-15 false 150765***** 1964
	// 2032 true October 30 82
	// invalid input: nationalId: control-digit-2-does-not-match
	// control digit 2 does not match
}
