package domain_test

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/domain"
)

func ExampleFormatNOK() {
	fmt.Println(domain.FormatNOK(decimal.RequireFromString("1234.5")))
	fmt.Println(domain.FormatNOK(decimal.RequireFromString("-1234567.891")))
	fmt.Println(domain.FormatNOK(decimal.Zero))
	// Output:
	// 1 234,50 kr
	// -1 234 567,89 kr
	// 0,00 kr
}

func ExampleSplitLargestRemainder() {
	total := decimal.RequireFromString("100.00")
	one := decimal.NewFromInt(1)
	parts, err := domain.SplitLargestRemainder(total, []decimal.Decimal{one, one, one})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range parts {
		fmt.Println(p.StringFixed(2))
	}
	// Output:
	// 33.34
	// 33.33
	// 33.33
}
