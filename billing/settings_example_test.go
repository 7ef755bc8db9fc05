package billing_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// A refused value names its field and a reason code; billing's and
// domain's ReasonTexts give the code in English for developers.
func ExampleCheckBankAccount() {
	tables := domain.ReasonTables{billing.ReasonTexts, domain.ReasonTexts}
	for _, account := range []string{"3207 40 68323", "3207 40 68324", "3207 40 683"} {
		err := billing.CheckBankAccount("bankAccount", account)
		fmt.Println(err)
		var v *domain.ValidationError
		if errors.As(err, &v) {
			f := v.Fields[0]
			fmt.Println("  " + tables.Text(f.Reason, domain.Pairs(f.Params)...))
		}
	}
	// Output:
	// <nil>
	// invalid input: bankAccount: bank-account-check
	//   the 11th digit is not the MOD11 check digit of the first ten
	// invalid input: bankAccount: bank-account-digits
	//   a bank account number is not 11 digits (spaces and dots between the groups are allowed)
}

func ExampleCheckRunMonth() {
	st := billing.Settings{FirstMonth: billing.Month{Year: 2025, Month: time.September}}
	today := billing.Month{Year: 2025, Month: time.December}
	for _, m := range []billing.Month{{Year: 2025, Month: time.August}, {Year: 2026, Month: time.February}, {Year: 2025, Month: time.December}} {
		err := billing.CheckRunMonth(st, m, today)
		var v *domain.ValidationError
		if errors.As(err, &v) {
			f := v.Fields[0]
			fmt.Println(m, f.Field, f.Reason+":", domain.ReasonTables{billing.ReasonTexts, domain.ReasonTexts}.Text(f.Reason, domain.Pairs(f.Params)...))
			continue
		}
		fmt.Println(m, err)
	}
	// Output:
	// 2025-08 month before-first-month: an invoice run for a month before the municipality's first invoiced month
	// 2026-02 month outside-run-window: an invoice run for a month too far from today's (RunMonthsBack, RunMonthsAhead)
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
	var v *domain.ValidationError
	if errors.As(err, &v) {
		f := v.Fields[0]
		fmt.Println(domain.ReasonTables{billing.ReasonTexts, domain.ReasonTexts}.Text(f.Reason, domain.Pairs(f.Params)...))
	}

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
	// invalid input: table:5:rows[0].freeCoreIncomeThreshold: table-type
	// a value of the wrong JSON type
	// [{2025-08-01 changed [freeCoreIncomeThreshold source]}]
	// 700000.00
}
