package billing

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

var isoDate = regexp.MustCompile(`\b\d{4}-\d{2}(-\d{2})?\b`)

func letterInfo(t *testing.T, day date.Date) LetterInfo {
	rules, err := NationalDecisionRules(day)
	require.NoError(t, err)
	return LetterInfo{
		Template: domain.LetterTemplate{SenderName: "Eksempel kommune, oppvekst", SenderLines: []string{"Postboks 1", "9999 Eksempel"},
			AppealBody: "Statsforvalteren i Eksempel", OrgNumber: "999888777", Contact: "post@eksempel.kommune.no"},
		To:        domain.Party{Name: "Hilde Berg", Lines: []string{"Storgata 1", "9999 Eksempel"}},
		ChildName: "Emil Berg", Caseworker: "Siri Saksbehandler", Date: day, Rules: rules,
	}
}

// Every decision letter has the parts the law requires, in every language:
// the legal basis (from the table, not the code), the amounts to the øre,
// the right to appeal with the last day written out, where to appeal, the
// right to see the case documents, the caseworker's name and role; no
// date is written the ISO way.
func TestFeeDecisionLetter(t *testing.T) {
	day := date.New(2026, time.December, 6)
	d := FeeDecision{Kind: domain.Kindergarten, From: Month{2027, time.January}, Fee: dec("1234.56"), Food: dec("456.70"), Hours: 41,
		Reasons: []Reason{ReasonIncome}, Siblings: 2, Position: 2, Made: day,
		Steps: []DecisionStep{{Code: StepPrice, Before: dec("2000"), After: dec("2000")}, {Code: StepIncomeCap, Before: dec("2000"), After: dec("1763.66")},
			{Code: StepSibling, Before: dec("1763.66"), After: dec("1234.56")}}}
	want := map[Lang][]string{
		Bokmal:  {"Vedtak om foreldrebetaling i barnehage", "forskrift om foreldrebetaling i barnehager §§ 1, 2 og 3", "1 234,56 kr", "456,70 kr", "1 763,66 kr", "januar 2027", "Du kan klage", "tre uker", "27. desember 2026", "Statsforvalteren i Eksempel", "forvaltningsloven § 32", "forvaltningsloven §§ 24 og 25", "forvaltningsloven § 18", "Siri Saksbehandler", "saksbehandler", "6. desember 2026", "Inntektsgradert betaling"},
		Nynorsk: {"Vedtak om foreldrebetaling i barnehage", "forskrift om foreldrebetaling i barnehagar §§ 1, 2 og 3", "1 234,56 kr", "456,70 kr", "januar 2027", "Du kan klage", "tre veker", "27. desember 2026", "forvaltningslova § 18", "Siri Saksbehandler", "saksbehandlar"},
		English: {"Decision on parental payment for kindergarten", "section 1, 2 and 3", "NOK 1234.56", "NOK 456.70", "January 2027", "You may appeal", "three weeks", "27 December 2026", "section 18", "Siri Saksbehandler", "caseworker"},
	}
	want[English][1] = "sections 1, 2 and 3"
	for l, ws := range want {
		doc := d.Letter(l, letterInfo(t, day))
		text := doc.Text()
		for _, w := range ws {
			assert.Contains(t, text, w, "%s", l)
		}
		assert.NotRegexp(t, isoDate, text, "%s: no ISO dates", l)
		assert.Equal(t, string(l), doc.Lang)
		assert.Equal(t, []string{"Siri Saksbehandler", doc.Signature[1], "Eksempel kommune, oppvekst"}, doc.Signature)
	}
	// SFO names its own basis.
	d.Kind = domain.SFO
	assert.Contains(t, d.Letter(Bokmal, letterInfo(t, day)).Text(), "opplæringslova § 4-5")
	// A municipality without a template still gets every legal part.
	bare := letterInfo(t, day)
	bare.Template, bare.Caseworker = domain.LetterTemplate{}, ""
	text := d.Letter(Bokmal, bare).Text()
	for _, w := range []string{"Du kan klage", "27. desember 2026", "forvaltningsloven § 18", "Lovgrunnlag", "klageinstansen"} {
		assert.Contains(t, text, w)
	}
}

func TestIncomeDecisionLetter(t *testing.T) {
	tables, err := NationalTables()
	require.NoError(t, err)
	day := date.New(2024, time.September, 20)
	d := IncomeDecision{AnnualIncome: dec("400000.00"), Applied: date.New(2024, time.September, 12),
		Period: domain.Period{Start: date.New(2024, time.October, 1), End: date.New(2025, time.July, 31)}, Documentation: "skattemelding 2023"}
	rules := d.IncomeRules(tables, ZoneOrdinary)
	require.NotNil(t, rules.Kindergarten)
	require.NotNil(t, rules.SFO)
	// 400 000 × 6 % ÷ 11 = 2 181,818… → 2 181,82 kr.
	want := map[Lang][]string{
		Bokmal:  {"Vedtak om redusert foreldrebetaling", "forskrift om foreldrebetaling i barnehager § 3b", "400 000,00 kr", "2 181,82 kr", "6 %", "642 700,00 kr", "20 timer gratis", "1.–4. trinn", "1. oktober 2024", "31. juli 2025", "12. september 2024", "Du kan klage", "11. oktober 2024", "forvaltningsloven § 18", "Siri Saksbehandler", "saksbehandler", "skattemelding 2023"},
		Nynorsk: {"Vedtak om redusert foreldrebetaling", "forskrift om foreldrebetaling i barnehagar § 3b", "2 181,82 kr", "20 timar gratis", "1. oktober 2024", "11. oktober 2024", "forvaltningslova § 18", "saksbehandlar"},
		English: {"Decision on reduced parental payment", "section 3b", "NOK 2181.82", "free core hours", "1 October 2024", "11 October 2024", "section 18", "Siri Saksbehandler", "caseworker"},
	}
	for l, ws := range want {
		text := d.Letter(l, letterInfo(t, day), rules).Text()
		for _, w := range ws {
			assert.Contains(t, text, w, "%s", l)
		}
		assert.NotRegexp(t, isoDate, text, "%s: no ISO dates", l)
	}
	// Above the limit: no free core hours, and the letter says why.
	rich := d
	rich.AnnualIncome = dec("700000")
	text := rich.Letter(Bokmal, letterInfo(t, day), rules).Text()
	assert.Contains(t, text, "så det gis ikke gratis kjernetid")
	assert.NotContains(t, text, "20 timer gratis")
}

// No act or section is written in the Go code of the letters: they come
// from rules/decision.json.
func TestLetterCitationsAreData(t *testing.T) {
	for _, day := range []date.Date{date.New(2020, time.January, 1), date.New(2026, time.January, 1)} {
		r, err := NationalDecisionRules(day)
		require.NoError(t, err)
		assert.Equal(t, 21, r.AppealDays)
		assert.NotEmpty(t, r.Source)
		for _, key := range []string{"basis.fee.kindergarten", "basis.fee.sfo", "basis.income.kindergarten", "basis.income.sfo", "reasons", "appeal", "appeal.where", "access"} {
			for _, l := range []Lang{Bokmal, Nynorsk, English} {
				assert.NotEmpty(t, r.Citations[key][string(l)], "%s %s %s", day, key, l)
			}
		}
	}
	assert.True(t, strings.Contains(mustRules(t, date.New(2025, time.January, 1)).cite("basis.fee.sfo", Bokmal), "§ 4-5"), "the act of 2024")
	assert.True(t, strings.Contains(mustRules(t, date.New(2023, time.January, 1)).cite("basis.fee.sfo", Bokmal), "§ 13-7"), "the act of 1998")
}

func mustRules(t *testing.T, d date.Date) DecisionRules {
	r, err := NationalDecisionRules(d)
	require.NoError(t, err)
	return r
}
