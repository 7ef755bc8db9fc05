package billing_test

import (
	"fmt"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

func ExampleKindergartenFee() {
	tables, err := billing.NationalTables()
	if err != nil {
		panic(err)
	}
	month := billing.Month{Year: 2024, Month: time.September}
	rules, err := tables.KindergartenRules(month, billing.ZoneOrdinary)
	if err != nil {
		panic(err)
	}
	local := billing.KindergartenPrices{
		FullTimePrice: decimal.RequireFromString("2000.00"),
		Brackets: []billing.KindergartenBracket{
			{MinHours: 41, Share: decimal.RequireFromString("1.00"), Food: decimal.RequireFromString("400.00")},
			{MinHours: 24, Share: decimal.RequireFromString("0.60"), Food: decimal.RequireFromString("240.00")},
			{MinHours: 0, Share: decimal.RequireFromString("0.50"), Food: decimal.RequireFromString("200.00")},
		},
		SiblingOrder: billing.PriceDesc,
		Rounding:     domain.RoundToOre,
	}
	income := decimal.RequireFromString("300000.00")
	fee, err := billing.KindergartenFee(rules, local, billing.Household{AnnualIncome: &income, Children: []billing.Child{
		{ID: "a", BirthDate: date.New(2020, 3, 2), HoursPerWeek: 45},
		{ID: "b", BirthDate: date.New(2022, 11, 20), HoursPerWeek: 30},
	}}, month, billing.ZoneOrdinary)
	if err != nil {
		panic(err)
	}
	for _, c := range fee.Children {
		fmt.Println(c.ID, c.Fee.StringFixed(2), c.Food.StringFixed(2), c.Rules)
	}
	fmt.Println("total", fee.Total.StringFixed(2))
	// Output:
	// a 838.14 400.00 [income-cap free-core-hours]
	// b 280.00 240.00 [free-core-hours sibling]
	// total 1758.14
}

// A municipality's fees for many households in one month: the national
// rules and the price list are checked once; each household's steps are
// worked out only when they are asked for.
func ExampleNewKindergartenFees() {
	tables, err := billing.NationalTables()
	if err != nil {
		panic(err)
	}
	month := billing.Month{Year: 2024, Month: time.September}
	rules, err := tables.KindergartenRules(month, billing.ZoneOrdinary)
	if err != nil {
		panic(err)
	}
	fees, err := billing.NewKindergartenFees(rules, billing.KindergartenPrices{
		FullTimePrice: decimal.RequireFromString("2000.00"),
		Brackets: []billing.KindergartenBracket{
			{MinHours: 41, Share: decimal.RequireFromString("1.00"), Food: decimal.RequireFromString("400.00")},
			{MinHours: 0, Share: decimal.RequireFromString("0.50"), Food: decimal.RequireFromString("200.00")},
		},
	}, month, billing.ZoneOrdinary)
	if err != nil {
		panic(err)
	}
	income := decimal.RequireFromString("300000.00")
	households := []billing.Household{
		{Children: []billing.Child{{ID: "a", BirthDate: date.New(2021, 5, 1), HoursPerWeek: 45}}},
		{AnnualIncome: &income, Children: []billing.Child{{ID: "b", BirthDate: date.New(2020, 3, 2), HoursPerWeek: 20}}},
	}
	for _, h := range households {
		fee, err := fees.Fee(h)
		if err != nil {
			panic(err)
		}
		c := fee.Children[0]
		fmt.Println(c.ID, c.Fee.StringFixed(2), c.Rules)
	}
	// The second household's explanation, worked out now.
	fee, _ := fees.Fee(households[1])
	fmt.Print(fee.Children[0].Render(billing.English))
	// Output:
	// a 2000.00 []
	// b 0.00 [free-core-hours]
	// Child b: fee NOK 0.00, food NOK 200.00
	//   - Price: the lower of the full-time price NOK 2000.00 and the maximum price NOK 2000.00 × 50 % for 20 hours a week (bracket from 0 hours) = NOK 1000.00; food NOK 200.00
	//   - Income cap: at most 6 % of the income NOK 300000.00 ÷ 11 months = NOK 1636.36 (no change)
	//   - Free core hours: the income NOK 300000.00 is below NOK 642700.00; 20 of 20 hours free: NOK 1000.00 → NOK 0.00
	//   - Rounded to whole øre (no change)
}

func ExampleSFOFee() {
	tables, _ := billing.NationalTables()
	month := billing.Month{Year: 2024, Month: time.September}
	rules, _ := tables.SFORules(month)
	local := billing.SFOPrices{Brackets: []billing.SFOBracket{
		{MinHours: 0, Price: decimal.RequireFromString("3000.00"), Food: decimal.RequireFromString("300.00")},
	}}
	fee, _ := billing.SFOFee(rules, local, billing.SFOHousehold{Pupils: []billing.Pupil{
		{ID: "p", Grade: 1, HoursPerWeek: 20},
	}}, month)
	fmt.Println(fee.Children[0].Fee.StringFixed(2), fee.Children[0].Rules)
	fmt.Print(fee.Children[0].Render(billing.English))
	// Output:
	// 1200.00 [free-hours]
	// Child p: fee NOK 1200.00, food NOK 300.00
	//   - Price: NOK 3000.00 for 20 hours a week (bracket from 0 hours); food NOK 300.00
	//   - Free hours in grade 1: 12 of 20 hours free: NOK 3000.00 → NOK 1200.00
	//   - Rounded to whole øre (no change)
}

func ExampleMakeKID() {
	kid, _ := billing.MakeKID("1234567", billing.KIDMod10)
	ok, _ := billing.ValidKID(kid, billing.KIDMod10)
	fmt.Println(kid, ok)
	kid, _ = billing.MakeKID("6", billing.KIDMod11)
	fmt.Println(kid)
	// Output:
	// 12345674 true
	// 6-
}
