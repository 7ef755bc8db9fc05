package domain_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

// Every kind of record has exactly one rule with a source, in the order
// the job applies them.
func TestRetentionRules(t *testing.T) {
	rules := domain.RetentionRules()
	var kinds []domain.RecordKind
	for _, r := range rules {
		kinds = append(kinds, r.Record)
		assert.NotEmpty(t, r.Source, r.ID)
		for _, l := range []string{"nb", "nn", "en"} {
			assert.NotEmpty(t, r.Names[l], r.ID+" "+l)
		}
	}
	assert.Equal(t, domain.RecordKinds(), kinds)
	byID := map[string]domain.RetentionRule{}
	for _, r := range rules {
		byID[r.ID] = r
	}
	inv := byID["invoices"]
	assert.False(t, inv.Municipal, "the bookkeeping period is the law's")
	assert.Contains(t, inv.Source, "bokføringsloven) § 13")
	assert.Equal(t, domain.RetentionPeriod{Years: 5}, inv.Period)
}

// An invoice is kept five years after the end of its financial year: one
// issued in 2025 goes on 1 January 2031 and not the day before.
func TestRetentionCutoffEndOfYear(t *testing.T) {
	inv := domain.RetentionRule{Period: domain.RetentionPeriod{Years: 5}, From: domain.FromEndOfYear}
	issued := date.New(2025, 6, 30)
	assert.False(t, issued < inv.Cutoff(date.New(2030, 12, 31)), "still inside the bookkeeping period")
	assert.True(t, issued < inv.Cutoff(date.New(2031, 1, 1)))
	assert.False(t, date.New(2025, 12, 31) < inv.Cutoff(date.New(2030, 12, 31)))

	att := domain.RetentionRule{Period: domain.RetentionPeriod{Years: 1}, From: domain.FromEvent}
	assert.Equal(t, date.New(2024, 3, 1), att.Cutoff(date.New(2025, 3, 1)))
}

// A municipality sets its own periods where the law leaves them to it, and
// may lengthen, never shorten, a statutory one.
func TestRetentionSettings(t *testing.T) {
	rules, err := domain.RetentionSettings{Periods: map[string]domain.RetentionPeriod{
		"attendance-checks": {Months: 6},
		"invoices":          {Years: 10},
	}}.Rules()
	require.NoError(t, err)
	for _, r := range rules {
		switch r.ID {
		case "attendance-checks":
			assert.Equal(t, domain.RetentionPeriod{Months: 6}, r.Period)
		case "invoices":
			assert.Equal(t, domain.RetentionPeriod{Years: 10}, r.Period)
		}
	}

	_, err = domain.RetentionSettings{Periods: map[string]domain.RetentionPeriod{
		"invoices":  {Years: 4, Months: 11},
		"nope":      {Days: 1},
		"audit-log": {},
		"messages":  {Years: -1},
	}}.Rules()
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve)
	got := map[string]string{}
	for _, f := range ve.Fields {
		got[f.Field] = f.Reason
	}
	assert.Equal(t, map[string]string{
		"periods.invoices":  "is-shorter-than-the-law-requires",
		"periods.nope":      "is-not-a-retention-rule",
		"periods.audit-log": "not-positive",
		"periods.messages":  "not-positive",
	}, got)
}

// The national rules: what each does, after how long, and whether the
// municipality decides the period.
func ExampleRetentionRules() {
	for _, r := range domain.RetentionRules() {
		fmt.Printf("%-26s %-9s %-4s municipal=%v\n", r.ID, r.Action, r.Period, r.Municipal)
	}
	// Output:
	// attendance-checks          delete    1y   municipal=true
	// absences                   delete    1y   municipal=true
	// school-absences            delete    1y   municipal=true
	// messages                   delete    2y   municipal=true
	// outbox-contents            anonymise 30d  municipal=true
	// delivery-receipts          delete    1y   municipal=true
	// applications-without-place delete    1y   municipal=true
	// invoices                   delete    5y   municipal=false
	// special-education-cases    delete    5y   municipal=true
	// conversations              delete    1y   municipal=true
	// calendar-events            delete    1y   municipal=true
	// persons                    anonymise 3y   municipal=true
	// integration-history        delete    5y   municipal=true
	// audit-log                  delete    5y   municipal=true
}

// A municipality keeps check-in events for six months and invoices for
// ten years; it cannot keep invoices for less than the bookkeeping act's
// five years.
func ExampleRetentionSettings_Rules() {
	rules, err := domain.RetentionSettings{Periods: map[string]domain.RetentionPeriod{
		"attendance-checks": {Months: 6},
		"invoices":          {Years: 10},
	}}.Rules()
	fmt.Println(err)
	for _, r := range rules[:1] {
		fmt.Println(r.ID, r.Period, r.Cutoff(date.New(2026, 3, 2)))
	}
	_, err = domain.RetentionSettings{Periods: map[string]domain.RetentionPeriod{"invoices": {Years: 3}}}.Rules()
	fmt.Println(err)
	var v *domain.ValidationError
	if errors.As(err, &v) {
		f := v.Fields[0]
		fmt.Println(f.Field+":", domain.ReasonTables{domain.ReasonTexts}.Text(f.Reason, domain.Pairs(f.Params)...))
	}
	// Output:
	// <nil>
	// attendance-checks 6m 2025-09-02
	// invalid input: periods.invoices: is-shorter-than-the-law-requires
	// periods.invoices: is shorter than the law requires
}
