package admission

import (
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

func reasons(err error) map[string]string {
	out := map[string]string{}
	if ve, ok := err.(*domain.ValidationError); ok {
		for _, f := range ve.Fields {
			out[f.Field] = f.Reason
		}
	}
	return out
}

func TestCheckIntake(t *testing.T) {
	m := domain.MustMunicipality("0301")
	kg := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Solsikken", Kind: domain.Kindergarten, Owner: domain.Municipal}
	sfo := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Nordby SFO", Kind: domain.SFO, Owner: domain.Municipal}
	set := DefaultSettings(m)
	set.LocalCriteria = []LocalCriterion{{Key: "single-provider", Name: LocalNames{NB: "Eneforsørger", NN: "Einsleg forsørgjar", EN: "Single provider"}}}
	in := set.NewIntake(domain.Kindergarten, 2026)
	in.ID, in.Name = domain.NewID[Intake](), "Hovedopptak 2026"
	in.Deadline, in.Start = date.New(2026, time.March, 1), date.New(2026, time.August, 1)
	in.Seats = []UnitSeats{{Unit: kg.ID, Places: 12, Small: 3}}
	dir := Directory{Units: []domain.Unit{kg, sfo}, Capacity: map[domain.UnitID]int{kg.ID: 12}}
	require.NoError(t, CheckIntake(in, set, dir))
	assert.Equal(t, []Criterion{Statutory, Sibling, "local:single-provider", Tiebreak}, in.Criteria)

	bad := in
	bad.Deadline = in.Start
	bad.Seats = []UnitSeats{{Unit: kg.ID, Places: 13}, {Unit: sfo.ID, Places: 1}, {Unit: domain.NewID[domain.Unit](), Places: 1}}
	bad.Criteria = []Criterion{Statutory, "local:income", Tiebreak}
	got := reasons(CheckIntake(bad, set, dir))
	assert.Equal(t, map[string]string{
		"deadline":        ReasonDeadlineAfterStart,
		"seats[0].places": ReasonAboveCapacity,
		"seats[1].unit":   ReasonWrongUnitKind,
		"seats[2].unit":   ReasonNoSuchUnit,
		"criteria[1]":     ReasonUnknownCriterion,
	}, got)
	none := in
	none.Seats = nil
	assert.Equal(t, ReasonNoSeats, reasons(CheckIntake(none, set, dir))["seats"])

	// The sibling criterion after the local ones; SFO has no statutory.
	set.SiblingFirst = false
	assert.Equal(t, []Criterion{"local:single-provider", Sibling, Tiebreak}, set.Criteria(domain.SFO))
	assert.Equal(t, "Einsleg forsørgjar", set.CriterionName(Nynorsk, "local:single-provider"))
	assert.Equal(t, "gone", set.CriterionName(English, "local:gone"))
}

func TestCheckIntakeChange(t *testing.T) {
	old := Intake{ID: domain.NewID[Intake](), Kind: domain.Kindergarten, AdmissionYear: 2026, Name: "A",
		Deadline: date.New(2026, time.March, 1), Start: date.New(2026, time.August, 1), AnswerDays: 14,
		Criteria: []Criterion{Statutory, Tiebreak}, Seats: []UnitSeats{{Unit: domain.NewID[domain.Unit](), Places: 5}}}
	all := old
	all.Name, all.AnswerDays, all.Kind, all.AdmissionYear = "B", 7, domain.SFO, 2027
	all.Deadline, all.Criteria, all.Seats = old.Deadline+1, []Criterion{Tiebreak}, nil
	require.NoError(t, CheckIntakeChange(old, all, IntakeUse{}), "nothing depends on it yet")
	assert.Equal(t, map[string]string{"kind": ReasonFixedAfterApplications, "admissionYear": ReasonFixedAfterApplications},
		reasons(CheckIntakeChange(old, all, IntakeUse{Applications: 1})))
	got := reasons(CheckIntakeChange(old, all, IntakeUse{Applications: 1, Runs: 1}))
	assert.Equal(t, ReasonFixedAfterRun, got["deadline"])
	assert.Equal(t, ReasonFixedAfterRun, got["criteria"])
	assert.Equal(t, ReasonFixedAfterRun, got["seats"])
	light := old
	light.Name, light.AnswerDays = "B", 7
	require.NoError(t, CheckIntakeChange(old, light, IntakeUse{Applications: 3, Runs: 2, Approved: true}))
	moved := light
	moved.ID = domain.NewID[Intake]()
	assert.Error(t, CheckIntakeChange(old, moved, IntakeUse{}))
}

func TestCheckRunTime(t *testing.T) {
	in := Intake{Deadline: date.New(2026, time.March, 1)}
	assert.Equal(t, ReasonRunBeforeDeadline, reasons(CheckRunTime(in, in.Deadline, " "))["reason"], "on the deadline day")
	assert.Equal(t, ReasonRunBeforeDeadline, reasons(CheckRunTime(in, in.Deadline-30, ""))["reason"])
	require.NoError(t, CheckRunTime(in, in.Deadline-30, "the board meets early"))
	require.NoError(t, CheckRunTime(in, in.Deadline+1, ""), "after the deadline")
	assert.ErrorIs(t, CheckRunTime(in, in.Deadline+1, "bad\x00"), domain.ErrInvalid)
}

func TestCheckApproveTime(t *testing.T) {
	in := Intake{Deadline: date.New(2026, time.March, 1)}
	assert.Equal(t, ReasonApproveBeforeDeadline, reasons(CheckApproveTime(in, in.Deadline, " "))["reason"], "on the deadline day")
	assert.Equal(t, ReasonApproveBeforeDeadline, reasons(CheckApproveTime(in, in.Deadline-30, ""))["reason"])
	require.NoError(t, CheckApproveTime(in, in.Deadline-30, "the board decided to answer early"))
	require.NoError(t, CheckApproveTime(in, in.Deadline+1, ""), "after the deadline")
}

func TestSettingsValidate(t *testing.T) {
	s := DefaultSettings(domain.MustMunicipality("0301"))
	require.NoError(t, s.Validate())
	s.LocalCriteria = []LocalCriterion{{Key: "-x"}, {Key: "ok", Name: LocalNames{NB: "a", NN: "b", EN: "c"}}, {Key: "ok", Name: LocalNames{NB: "a", NN: "b", EN: "c"}}}
	s.MaxPreferences = 0
	got := reasons(s.Validate())
	assert.Equal(t, ReasonCriterionKey, got["localCriteria[0].key"])
	assert.Equal(t, ReasonRequired, got["localCriteria[0].name.en"])
	assert.Equal(t, ReasonCriterionTwice, got["localCriteria[2].key"])
	assert.Equal(t, ReasonAtLeastOne, got["maxPreferences"])
	require.NoError(t, CheckSettingsVersion(0, Settings{Version: 1}))
	assert.ErrorIs(t, CheckSettingsVersion(1, Settings{Version: 1}), domain.ErrConflict)
}

// A unit's stated seats are its capacity in places: 9 under three taking
// two places each and 18 over three make 36; a unit without seats has no
// known capacity.
func TestUnitCapacityFromStatedSeats(t *testing.T) {
	m := domain.Municipality("4601")
	stated := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Seats: domain.Seats{Small: 9, Large: 18}}
	unstated := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m}
	c := UnitCapacity([]domain.Unit{stated, unstated}, 2)
	require.Equal(t, map[domain.UnitID]int{stated.ID: 36}, c)
}
