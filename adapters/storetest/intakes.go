package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
)

// The cases of a municipality setting admission up: its settings
// (versioned), intakes made and changed by hand, and the run before the
// application deadline that needs a reason.

// singleProvider is the local criterion of the test municipality.
var singleProvider = admission.LocalCriterion{Key: "single-provider",
	Name:   admission.LocalNames{NB: "Eneforsørger", NN: "Einsleg forsørgjar", EN: "Single provider"},
	Source: "Opptaksforskrift for Oslo § 4"}

func testAdmissionSettings(t *testing.T, s AdmissionStore) {
	w := newWorld(t, s)
	ctx := w.ctx
	// newWorld saved version 1; Bergen has none: the defaults.
	_, err := s.AdmissionSettings(ctx, Bergen)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	got, err := w.svc.Settings(ctx, domain.CaseworkerActor(Bergen, "cw"))
	require.NoError(t, err)
	assert.Equal(t, admission.DefaultSettings(Bergen), got)

	v1, err := s.AdmissionSettings(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, 1, v1.Version)
	assert.Equal(t, []admission.LocalCriterion{singleProvider}, v1.LocalCriteria)

	// A second version from the first; a save from the first again is
	// stale, and so is one skipping a version.
	v2 := v1
	v2.AnswerDays = 10
	v2.LocalCriteria = append(v2.LocalCriteria, admission.LocalCriterion{Key: "illness",
		Name: admission.LocalNames{NB: "Sykdom i familien", NN: "Sjukdom i familien", EN: "Illness in the family"}})
	saved, err := w.svc.SaveSettings(ctx, w.case_, v2)
	require.NoError(t, err)
	assert.Equal(t, 2, saved.Version)
	assert.Equal(t, w.clock.Now(), saved.Changed.In(domain.Oslo()))
	requireField(t, errOnly(w.svc.SaveSettings(ctx, w.case_, v1)), domain.ErrConflict, "version")
	skip := saved
	skip.Version = 5
	requireField(t, s.SaveAdmissionSettings(ctx, skip), domain.ErrConflict, "version")
	got, err = s.AdmissionSettings(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, saved.LocalCriteria, got.LocalCriteria)
	assert.Equal(t, 10, got.AnswerDays)
	hist, err := s.AdmissionSettingsHistory(ctx, Oslo)
	require.NoError(t, err)
	require.Len(t, hist, 2)
	assert.Equal(t, []int{2, 1}, []int{hist[0].Version, hist[1].Version}, "newest first")

	// Refused with the field and reason, nothing written.
	bad := got
	bad.LocalCriteria = append(bad.LocalCriteria, admission.LocalCriterion{Key: "Single Provider"}, singleProvider)
	bad.AnswerDays = 0
	_, err = w.svc.SaveSettings(ctx, w.case_, bad)
	require.ErrorIs(t, err, domain.ErrInvalid)
	fields := fieldReasons(err)
	assert.Equal(t, admission.ReasonCriterionKey, fields["localCriteria[2].key"])
	assert.Equal(t, admission.ReasonRequired, fields["localCriteria[2].name.nb"])
	assert.Equal(t, admission.ReasonCriterionTwice, fields["localCriteria[3].key"])
	assert.Equal(t, admission.ReasonAtLeastOne, fields["answerDays"])
	hist, err = s.AdmissionSettingsHistory(ctx, Oslo)
	require.NoError(t, err)
	assert.Len(t, hist, 2, "nothing written")
	// Only the municipality's caseworkers change them.
	_, err = w.svc.SaveSettings(ctx, domain.GuardianActor(Oslo, domain.NewID[domain.Guardian]()), got)
	assert.ErrorIs(t, err, domain.ErrForbidden)
}

func errOnly[T any](_ T, err error) error { return err }

func fieldReasons(err error) map[string]string {
	out := map[string]string{}
	if ve, ok := err.(*domain.ValidationError); ok {
		for _, f := range ve.Fields {
			out[f.Field] = f.Reason
		}
	}
	return out
}

// testIntakeByHand makes an intake from nothing the way a caseworker does
// (the settings' defaults, then the form's values), refuses bad ones with
// the field and reason, changes it within the limits of CheckIntakeChange,
// and takes it through an application, a run before the deadline (only
// with a reason, recorded), approval and an accepted offer.
func testIntakeByHand(t *testing.T, s AdmissionStore) {
	w := newWorld(t, s)
	ctx := w.ctx
	kg := w.unit("Solsikken")
	school := w.f.unit(domain.School)
	require.NoError(t, s.CreateUnit(ctx, school))
	set, err := w.svc.Settings(ctx, w.case_)
	require.NoError(t, err)
	in := set.NewIntake(domain.Kindergarten, 2025)
	assert.Equal(t, []admission.Criterion{admission.Statutory, admission.Sibling, "local:single-provider", admission.Tiebreak}, in.Criteria)
	in.ID, in.Name, in.Main = domain.NewID[admission.Intake](), "Hovedopptak 2025", true
	in.Deadline, in.Start = d(2025, time.March, 1), d(2025, time.August, 1)
	in.Seats = []admission.UnitSeats{{Unit: kg.ID, Places: 10, Small: 2}}

	for _, tc := range []struct {
		name          string
		edit          func(*admission.Intake)
		field, reason string
	}{
		{"deadline after start", func(x *admission.Intake) { x.Deadline = d(2025, time.September, 1) }, "deadline", admission.ReasonDeadlineAfterStart},
		{"no seats", func(x *admission.Intake) { x.Seats = nil }, "seats", admission.ReasonNoSeats},
		{"unknown unit", func(x *admission.Intake) {
			x.Seats = []admission.UnitSeats{{Unit: domain.NewID[domain.Unit](), Places: 4}}
		}, "seats[0].unit", admission.ReasonNoSuchUnit},
		{"unit of another kind", func(x *admission.Intake) {
			x.Seats = []admission.UnitSeats{{Unit: school.ID, Places: 4}}
		}, "seats[0].unit", admission.ReasonWrongUnitKind},
		{"unknown criterion", func(x *admission.Intake) {
			x.Criteria = []admission.Criterion{admission.Statutory, "local:income", admission.Tiebreak}
		}, "criteria[1]", admission.ReasonUnknownCriterion},
	} {
		x := in
		tc.edit(&x)
		err := w.svc.CreateIntake(ctx, w.case_, x)
		require.ErrorIs(t, err, domain.ErrInvalid, tc.name)
		assert.Equal(t, tc.reason, fieldReasons(err)[tc.field], "%s: %v", tc.name, err)
	}
	list, err := s.Intakes(ctx, Oslo)
	require.NoError(t, err)
	assert.Empty(t, list, "nothing written")

	require.NoError(t, w.svc.CreateIntake(ctx, w.case_, in))
	// Before any application everything may change.
	in.Seats = append(in.Seats, admission.UnitSeats{Unit: w.unit("Blåbær").ID, Places: 6, Small: 1})
	in.Criteria = []admission.Criterion{admission.Statutory, "local:single-provider", admission.Sibling, admission.Tiebreak}
	_, err = w.svc.UpdateIntake(ctx, w.case_, in)
	require.NoError(t, err)
	got, err := s.Intake(ctx, Oslo, in.ID)
	require.NoError(t, err)
	assert.Equal(t, in, got)
	missing := in
	missing.ID = domain.NewID[admission.Intake]()
	_, err = w.svc.UpdateIntake(ctx, w.case_, missing)
	assert.ErrorIs(t, err, domain.ErrNotFound)

	child := w.child(large)
	ap := w.apply(in, child, kg)
	kind := in
	kind.Kind = domain.SFO
	_, err = w.svc.UpdateIntake(ctx, w.case_, kind)
	assert.Equal(t, admission.ReasonFixedAfterApplications, fieldReasons(err)["kind"], "%v", err)

	// On the deadline day a run needs a reason; nothing is written without.
	w.clock.set(oslo(2025, time.March, 1, 15))
	_, err = w.svc.Run(ctx, w.case_, in.ID, 1)
	requireField(t, err, domain.ErrInvalid, "reason")
	assert.Equal(t, admission.ReasonRunBeforeDeadline, fieldReasons(err)["reason"])
	runs, err := s.Runs(ctx, Oslo, in.ID)
	require.NoError(t, err)
	assert.Empty(t, runs, "nothing written")
	run, err := w.svc.RunWithReason(ctx, w.case_, in.ID, 1, "  The board meets before the deadline  ")
	require.NoError(t, err)
	stored, err := s.Run(ctx, Oslo, run.ID)
	require.NoError(t, err)
	assert.Equal(t, "The board meets before the deadline", stored.Reason)

	// After a run: the seats are fixed, the name and answer days are not.
	seats := in
	seats.Seats = seats.Seats[:1]
	_, err = w.svc.UpdateIntake(ctx, w.case_, seats)
	assert.Equal(t, admission.ReasonFixedAfterRun, fieldReasons(err)["seats"], "%v", err)
	in.Name, in.AnswerDays = "Hovudopptak 2025", 5
	_, err = w.svc.UpdateIntake(ctx, w.case_, in)
	require.NoError(t, err)

	// The day after the deadline no reason is needed.
	w.clock.set(oslo(2025, time.March, 2, 9))
	run, err = w.svc.Run(ctx, w.case_, in.ID, 2)
	require.NoError(t, err)
	assert.Empty(t, run.Reason)
	offers, err := w.svc.Approve(ctx, w.case_, run.ID)
	require.NoError(t, err)
	require.Len(t, offers, 1)
	assert.Equal(t, ap.ID, offers[0].Application)
	assert.Equal(t, oslo(2025, time.March, 8, 0), offers[0].Deadline, "the changed answer days")
	pl, err := w.svc.Accept(ctx, w.parent(child), offers[0].ID)
	require.NoError(t, err)
	assert.Equal(t, kg.ID, pl.UnitID)
	assert.Equal(t, in.Start, pl.Period.Start)
	// Approved: the answer days may still change.
	in.AnswerDays = 7
	_, err = w.svc.UpdateIntake(ctx, w.case_, in)
	require.NoError(t, err)
}
