package specialed

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

func TestRulesLoad(t *testing.T) {
	r, err := LoadRules()
	require.NoError(t, err)
	for _, set := range []Setting{Kindergarten, School} {
		f, ok := r.Flow(set)
		require.True(t, ok)
		assert.Len(t, f.Steps, len(allSteps))
		for _, s := range f.Steps {
			// A source names the act; a section only where it was
			// verified, otherwise a note says why.
			assert.NotEmpty(t, s.Source.Act, "%s %s", set, s.ID)
			if s.Source.Section == "" {
				assert.NotEmpty(t, s.Source.Note, "%s %s: a source without a section explains itself", set, s.ID)
			}
		}
	}
	assert.Equal(t, []DecisionKind{SpecialEducationHelp, Adaptation}, r.Settings[Kindergarten].DecisionKinds)
	assert.Equal(t, []DecisionKind{AdaptedEducation}, r.Settings[School].DecisionKinds)
	assert.Equal(t, "barnehageloven § 31", r.Settings[Kindergarten].Steps[0].Source.Cite())
}

// No section number is written in the Go code of the package: they live
// in rules/steps.json.
func TestNoSectionNumbersInCode(t *testing.T) {
	for _, name := range []string{"rules.go", "case.go", "service.go", "letter.go", "store.go", "reason_texts.go"} {
		src := mustRead(t, name)
		assert.False(t, regexp.MustCompile(`§\s*\d`).MatchString(src), "%s cites a section", name)
	}
}

func TestParseRulesRefuses(t *testing.T) {
	good, err := rulesFS.ReadFile("rules/steps.json")
	require.NoError(t, err)
	for name, change := range map[string][2]string{
		"format":        {`"oppvekst-specialed-steps/1"`, `"x/1"`},
		"unknown role":  {`"roles": ["ppt"]`, `"roles": ["teacher"]`},
		"unknown field": {`"required": ["ppt", "text"]`, `"required": ["ppt", "diagnosis"]`},
		"deadline from": {`"from": "referral"`, `"from": "nowhere"`},
		"basis":         {`"basis": "municipal"`, `"basis": "maybe"`},
	} {
		bad := strings.Replace(string(good), change[0], change[1], 1)
		require.NotEqual(t, string(good), bad, name)
		_, err := ParseRules([]byte(bad))
		assert.Error(t, err, name)
	}
}

func TestNextStepAndAllowed(t *testing.T) {
	r := MustRules()
	next, ok := r.NextStep(School, StepConcern)
	require.True(t, ok)
	assert.Equal(t, StepConsent, next.ID)
	next, _ = r.NextStep(Kindergarten, StepDecision)
	assert.Equal(t, StepPlan, next.ID)
	_, ok = r.NextStep(School, StepEnd)
	assert.False(t, ok)

	assert.True(t, r.Allowed(School, RoleGuardian, StepConsent))
	assert.False(t, r.Allowed(School, RoleStaff, StepConsent))
	assert.True(t, r.Allowed(School, RolePPT, StepAssessment))
	assert.False(t, r.Allowed(School, RoleCaseworker, StepAssessment))
	assert.True(t, r.Allowed(Kindergarten, RoleCaseworker, StepDecision))
	assert.False(t, r.Allowed(Kindergarten, RoleStaff, StepDecision))

	assert.True(t, r.CanFollow(School, StepConcern, StepConsent))
	assert.False(t, r.CanFollow(School, StepConcern, StepWithdrawal), "nothing to withdraw yet")
	assert.True(t, r.CanFollow(School, StepPlan, StepWithdrawal))
	assert.True(t, r.CanFollow(School, StepReport, StepReferral), "a new assessment")
	assert.False(t, r.CanFollow(School, StepEnd, StepReport))
}

func TestDue(t *testing.T) {
	r := MustRules()
	for _, tc := range []struct {
		set  Setting
		step StepID
		from date.Date
		want date.Date
	}{
		{Kindergarten, StepConsent, date.New(2026, 9, 1), date.New(2026, 9, 15)},
		{School, StepAssessment, date.New(2026, 11, 15), date.New(2027, 2, 13)},
		{Kindergarten, StepDecision, date.New(2028, 2, 1), date.New(2028, 2, 29)},
		{Kindergarten, StepReport, date.New(2028, 2, 29), date.New(2029, 2, 28)},
		{School, StepReport, date.New(2026, 1, 31), date.New(2027, 1, 31)},
	} {
		got, ok := r.Due(tc.set, tc.step, tc.from)
		require.True(t, ok)
		assert.Equal(t, tc.want, got, "%s %s from %s", tc.set, tc.step, tc.from)
	}
	_, ok := r.Due(School, StepConcern, date.New(2026, 1, 1))
	assert.False(t, ok)
	assert.Equal(t, date.New(2026, 9, 24), r.AppealBy(date.New(2026, 9, 3)))
	assert.Equal(t, date.New(2026, 2, 28), AddMonths(date.New(2026, 1, 31), 1))
	assert.Equal(t, date.New(2025, 12, 31), AddMonths(date.New(2026, 2, 28), -2)+3)
	assert.Equal(t, date.New(2027, 1, 15), AddMonths(date.New(2026, 1, 15), 12))
}

func TestCheckEntry(t *testing.T) {
	r := MustRules()
	m := domain.MustMunicipality("0301")
	c := Case{ID: domain.NewID[Case](), Municipality: m, Child: domain.NewID[domain.Child](), Unit: domain.NewID[domain.Unit](),
		Setting: Kindergarten, Last: StepAssessment, LastDay: date.New(2026, 9, 1), Opened: time.Now(), Version: 4,
		Recommendation: &Provision{Outcome: Granted, Kind: SpecialEducationHelp, Hours: []Hours{{Provider: Teacher, PerWeek: decimal.NewFromInt(4)}}}}
	entry := func(p Provision, reason string) Entry {
		return Entry{ID: domain.NewID[Entry](), Municipality: m, Case: c.ID, Step: StepDecision, Day: date.New(2026, 9, 20),
			At: time.Now(), By: Actor{Role: domain.RoleCaseworker, Subject: "s"}, Provision: &p, Reason: reason}
	}
	ok := Provision{Outcome: Granted, Kind: SpecialEducationHelp, Hours: []Hours{{Provider: Teacher, PerWeek: decimal.NewFromInt(4)}},
		Organisation: "Individuelt", From: date.New(2026, 10, 1)}
	require.NoError(t, CheckEntry(r, c, entry(ok, "")))

	school := ok
	school.Kind = AdaptedEducation
	assert.Equal(t, ReasonKindNotForSetting, fieldReason(CheckEntry(r, c, entry(school, "")), "provision.kind"))

	fewer := ok
	fewer.Hours = []Hours{{Provider: Teacher, PerWeek: decimal.NewFromInt(3)}, {Provider: Assistant, PerWeek: decimal.NewFromInt(2)}}
	err := CheckEntry(r, c, entry(fewer, ""))
	assert.Equal(t, ReasonDepartureNeedsReason, fieldReason(err, "reason"))
	assert.Equal(t, []string{"hours.special-education-teacher", "hours.assistant"}, Departures(*c.Recommendation, fewer))
	require.NoError(t, CheckEntry(r, c, entry(fewer, "Assistenten er i gruppen fra før.")))

	missing := Provision{Outcome: Granted}
	err = CheckEntry(r, c, entry(missing, ""))
	for _, f := range []string{"provision.kind", "provision.from", "provision.hours", "provision.organisation"} {
		assert.Equal(t, ReasonRequired, fieldReason(err, f), f)
	}
	refused := Provision{Outcome: Refused}
	assert.Equal(t, ReasonDepartureNeedsReason, fieldReason(CheckEntry(r, c, entry(refused, "")), "reason"),
		"refusing what PPT recommends is a departure")

	bad := ok
	bad.Hours = []Hours{{Provider: "nurse", PerWeek: decimal.RequireFromString("61")}}
	err = CheckEntry(r, c, entry(bad, "x"))
	assert.Equal(t, ReasonUnknownProvider, fieldReason(err, "provision.hours[0].provider"))
	assert.Equal(t, ReasonOutOfRange, fieldReason(err, "provision.hours[0].perWeek"))

	ended := c
	ended.Ended = date.New(2026, 9, 10)
	var ce *domain.ConflictError
	require.ErrorAs(t, CheckEntry(r, ended, entry(ok, "")), &ce)
	assert.Equal(t, ReasonCaseEnded, ce.Reason)
}

func TestReasonTextsCoverCodes(t *testing.T) {
	for _, code := range []string{ReasonUnknownSetting, ReasonUnknownStep, ReasonUnknownOutcome, ReasonUnknownKind, ReasonUnknownProvider,
		ReasonUnknownDocument, ReasonEndsBeforeStart, ReasonKindNotForSetting, ReasonDepartureNeedsReason, ReasonStepOutOfOrder,
		ReasonCaseEnded, ReasonNotAllowed, ReasonNoSuchPPT, ReasonNoSuchChild, ReasonNoSuchUnit, ReasonNotPlaced, ReasonWrongUnitKind,
		ReasonVersion, ReasonNoDecision, ReasonTooLarge, ReasonSizeMismatch, ReasonNotStaffOfUnit, ReasonNoSuchCase} {
		assert.NotEmpty(t, ReasonTexts[code], code)
		assert.True(t, domain.IsReasonCode(code), code)
	}
}

func fieldReason(err error, field string) string {
	if v, ok := err.(*domain.ValidationError); ok {
		for _, f := range v.Fields {
			if f.Field == field {
				return f.Reason
			}
		}
	}
	return ""
}

func mustRead(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	return string(b)
}
