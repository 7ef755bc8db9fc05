package billing_test

import (
	"fmt"
	"time"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

func ExampleCheckBankAccount() {
	fmt.Println(billing.CheckBankAccount("bankAccount", "3207 40 68323"))
	fmt.Println(billing.CheckBankAccount("bankAccount", "3207 40 68324"))
	fmt.Println(billing.CheckBankAccount("bankAccount", "3207 40 683"))
	// Output:
	// <nil>
	// invalid input: bankAccount: the 11th digit is not the MOD11 check digit of the first ten
	// invalid input: bankAccount: a bank account number is not 11 digits (spaces and dots between the groups are allowed)
}

func ExampleCheckRunMonth() {
	st := billing.Settings{FirstMonth: billing.Month{Year: 2025, Month: time.September}}
	today := billing.Month{Year: 2025, Month: time.December}
	for _, m := range []billing.Month{{Year: 2025, Month: time.August}, {Year: 2026, Month: time.February}, {Year: 2025, Month: time.December}} {
		fmt.Println(m, billing.CheckRunMonth(st, m, today))
	}
	// Output:
	// 2025-08 invalid input: month: an invoice run for a month before the municipality's first invoiced month
	// 2026-02 invalid input: month: an invoice run for a month too far from today's (RunMonthsBack, RunMonthsAhead)
	// 2025-12 <nil>
}

func ExampleParseRuleTable() {
	file := []byte(`{
  "rows": [
    {"validFrom": "2025-08-01", "maxPrice": {"ordinary": "1200.00"}, "freeZone": true,
     "siblingDiscounts": ["0", "0.30", "1.00"], "incomeCapShare": "0.06", "billedMonthsPerYear": 11,
     "feeFreeMonths": [7], "freeCoreHours": 20, "freeCoreIncomeThreshold": 700000,
     "source": "an example", "provisional": true}
  ]
}`)
	_, err := billing.ParseRuleTable(domain.Kindergarten, file)
	fmt.Println(err)

	built, _ := billing.NationalTables()
	fixed := []byte(`{"rows": [{"validFrom": "2025-08-01", "maxPrice": {"ordinary": "1200.00", "reduced": "700.00"},
  "freeZone": true, "siblingDiscounts": ["0", "0.30", "1.00"], "incomeCapShare": "0.06", "billedMonthsPerYear": 11,
  "feeFreeMonths": [7], "freeCoreHours": 20, "freeCoreIncomeThreshold": "700000.00", "source": "an example", "provisional": true}]}`)
	l, err := billing.ParseRuleTable(domain.Kindergarten, fixed)
	if err != nil {
		panic(err)
	}
	fmt.Println(built.Changes(l))
	rules, _ := built.Overlay(l).KindergartenRules(billing.Month{Year: 2025, Month: time.September}, billing.ZoneOrdinary)
	fmt.Println(rules.FreeCoreIncomeThreshold.StringFixed(2))
	// Output:
	// invalid input: table:5:rows[0].freeCoreIncomeThreshold: a value of the wrong JSON type
	// [{2025-08-01 changed [freeCoreIncomeThreshold source]}]
	// 700000.00
}
