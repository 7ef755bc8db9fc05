package billing_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// exampleInput is a municipality with one family: Kari pays for Anna, who
// starts in kindergarten (45 hours a week) on 11 September 2024.
func exampleInput() billing.RunInput {
	m := domain.MustMunicipality("0301")
	kari := domain.MustParseID[domain.Guardian]("01900000-0000-7000-8000-00000000000a")
	anna := domain.Child{ID: domain.MustParseID[domain.Child]("01900000-0000-7000-8000-00000000000b"), Municipality: m,
		GivenName: "Anna", FamilyName: "Nordmann", BirthDate: date.New(2020, 3, 10)}
	fam := billing.Family{ID: domain.MustParseID[billing.Family]("01900000-0000-7000-8000-00000000000c"), Municipality: m, Payer: kari,
		Members: []billing.Member{{Municipality: m, Child: anna.ID, Period: domain.Period{Start: date.New(2024, 8, 1)}}}}
	tables, _ := billing.NationalTables()
	return billing.RunInput{
		Municipality: m, Month: billing.Month{Year: 2024, Month: time.September}, Made: date.New(2024, 9, 5),
		Settings: billing.DefaultSettings(), Tables: tables, NextNumber: 1,
		Children: []domain.Child{anna},
		Placements: []domain.Placement{{ID: domain.MustParseID[domain.Placement]("01900000-0000-7000-8000-00000000000d"),
			Municipality: m, ChildID: anna.ID, Kind: domain.Kindergarten, HoursPerWeek: 45,
			Period: domain.Period{Start: date.New(2024, 9, 11)}}},
		Families: []billing.Family{fam},
		PriceLists: []billing.PriceList{{Municipality: m, Kind: domain.Kindergarten,
			Period: domain.Period{Start: date.New(2024, 8, 1), End: date.New(2025, 7, 31)},
			Kindergarten: &billing.KindergartenPrices{FullTimePrice: decimal.RequireFromString("2000"),
				Brackets: []billing.KindergartenBracket{{MinHours: 0, Share: decimal.RequireFromString("1"), Food: decimal.RequireFromString("450")}}}}},
	}
}

// Compute plans a month's invoice run; Service.RunInvoices stores the plan
// in one transaction. Anna is placed 20 of September's 30 days: 2 000 ×
// 20/30 = 1 333.33 and food 450 × 20/30 = 300.00.
func ExampleCompute() {
	plan, err := billing.Compute(exampleInput())
	if err != nil {
		panic(err)
	}
	for _, inv := range plan.Invoices {
		fmt.Println("invoice", inv.Number, "KID", inv.KID, "due", inv.Due, "total", inv.Total.StringFixed(2))
		for _, l := range inv.Lines {
			fmt.Println(" ", l.Item, l.Month, l.Days, "of", l.DaysInMonth, "days:", l.Full.StringFixed(2), "→", l.Amount.StringFixed(2))
		}
	}
	fmt.Print(plan.Decisions[0].Render(billing.Bokmal))
	// Output:
	// invoice 1 KID 0000000018 due 2024-09-20 total 1633.33
	//   fee 2024-09 20 of 30 days: 2000.00 → 1333.33
	//   food 2024-09 20 of 30 days: 450.00 → 300.00
	// Vedtak om foreldrebetaling (barnehage) fra 2024-09: 2 000,00 kr i måneden, kost 450,00 kr
	// Grunn: ny eller endret plass
	//   - Pris: 2 000,00 kr
	//   - Avrunding: 2 000,00 kr
}

// ParseOCR reads an OCR giro file from Nets; a line it cannot read is
// reported with its number and the rest of the file is still read.
func ExampleParseOCR() {
	pad := func(s string) string { return s + strings.Repeat("0", 80-len(s)) }
	// Amount item 1: type, record, transaction number, date, centre, day
	// code, partial settlement, serial number, sign, amount in øre, KID,
	// card issuer, filler.
	item1 := func(tr, day, ore, kid string) string {
		return "NY09" + "10" + "30" + tr + day + "01" + "10" + "0" + "00001" + "0" + ore + fmt.Sprintf("%25s", kid) + "00" + "0000"
	}
	file := strings.Join([]string{
		pad("NY000010000080801012241" + "00012345"),
		pad("NY090020001234567000000112345678903"),
		item1("0000001", "101224", "00000000000163333", "0000000018"),
		pad("NY091031000000100000000000012345670000000101224"),
		item1("0000002", "xx1224", "00000000000010000", "0000000026"),
		pad("NY090088000000010000000400000000000163333101224101224101224"),
		pad("NY000089000000010000000600000000000163333101224"),
	}, "\n")
	f, problems, err := billing.ParseOCR(strings.NewReader(file))
	if err != nil {
		panic(err)
	}
	for _, t := range f.Transactions {
		fmt.Println("line", t.Line, "KID", t.KID, "amount", t.Amount.StringFixed(2), "paid", t.Date)
	}
	for _, p := range problems {
		fmt.Println(p)
	}
	// Output:
	// line 3 KID 0000000018 amount 1633.33 paid 2024-12-10
	// line 5: amount item 1: settlement date "xx1224" is not DDMMYY
}
