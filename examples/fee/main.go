// Command fee shows how a vendor computes a family's kindergarten fee for a
// month with package billing: it looks up the national rules in force (the
// built-in tables with their legal sources), applies the municipality's
// price list, and prints the explanation in bokmål.
//
//	go run ./examples/fee
package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	tables, err := billing.NationalTables()
	if err != nil {
		return err
	}
	month := billing.Month{Year: 2024, Month: time.September}
	rules, err := tables.KindergartenRules(month, billing.ZoneOrdinary)
	if err != nil {
		return err
	}
	// The municipality's price list: part-time shares of the full-time
	// price, food per month, the sibling order and the rounding.
	local := billing.KindergartenPrices{
		FullTimePrice: decimal.RequireFromString("2000.00"),
		Brackets: []billing.KindergartenBracket{
			{MinHours: 41, Share: decimal.RequireFromString("1.00"), Food: decimal.RequireFromString("400.00")},
			{MinHours: 32, Share: decimal.RequireFromString("0.80"), Food: decimal.RequireFromString("320.00")},
			{MinHours: 24, Share: decimal.RequireFromString("0.60"), Food: decimal.RequireFromString("240.00")},
			{MinHours: 0, Share: decimal.RequireFromString("0.50"), Food: decimal.RequireFromString("200.00")},
		},
		SiblingOrder: billing.PriceDesc,
		Rounding:     domain.RoundToOre,
	}
	// A household with an approved income-based reduction and three
	// children in kindergarten.
	income := decimal.RequireFromString("300000.00")
	household := billing.Household{AnnualIncome: &income, Children: []billing.Child{
		{ID: "Emma", BirthDate: date.New(2019, 4, 12), HoursPerWeek: 45},
		{ID: "Jonas", BirthDate: date.New(2021, 8, 30), HoursPerWeek: 30},
		{ID: "Sara", BirthDate: date.New(2023, 2, 1), HoursPerWeek: 45},
	}}
	fee, err := billing.KindergartenFee(rules, local, household, month, billing.ZoneOrdinary)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Nasjonale regler fra %s (kilde: %s)\n\n", rules.ValidFrom, rules.Source)
	fmt.Fprint(w, fee.Render(billing.Bokmal))
	return nil
}
