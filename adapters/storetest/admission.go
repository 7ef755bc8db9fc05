package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
)

// AdmissionStore is a store with the directory and the admission port.
type AdmissionStore interface {
	domain.Store
	admission.Store
	admission.CatchmentStore
}

// RunAdmission runs the admission suite: the store port's records and
// conflicts, and whole rounds through admission.Service — applications,
// run, approval, offers accepted (a placement), declined and lapsed (the
// next child on the waiting list gets the seat), siblings placed together,
// determinism, decisions and the municipality's obligation.
func RunAdmission(t *testing.T, newStore func(t *testing.T) AdmissionStore) {
	t.Run("Records", func(t *testing.T) { testAdmissionRecords(t, newStore(t)) })
	t.Run("RoundEndToEnd", func(t *testing.T) { testRoundEndToEnd(t, newStore(t)) })
	t.Run("ApproveTwice", func(t *testing.T) { testApproveTwice(t, newStore(t)) })
	t.Run("AcceptNeedsParentalResponsibility", func(t *testing.T) { testAcceptForbidden(t, newStore(t)) })
	t.Run("SecondApplication", func(t *testing.T) { testSecondApplication(t, newStore(t)) })
	t.Run("NoSeatsInAgeGroup", func(t *testing.T) { testNoSeats(t, newStore(t)) })
	t.Run("SiblingsTogether", func(t *testing.T) { testSiblingsTogether(t, newStore(t)) })
	t.Run("Deterministic", func(t *testing.T) { testRunDeterministic(t, newStore(t)) })
	t.Run("DecisionAndObligation", func(t *testing.T) { testDecisionAndObligation(t, newStore(t)) })
	t.Run("ApproveRollsBack", func(t *testing.T) { testApproveRollsBack(t, newStore(t)) })
	t.Run("ApprovalPreviewAndReason", func(t *testing.T) { testApproval(t, newStore) })
	t.Run("ContinuousAdmission", func(t *testing.T) { testContinuous(t, newStore(t)) })
	t.Run("RemindAndWithdraw", func(t *testing.T) { testRemindAndWithdraw(t, newStore(t)) })
	t.Run("SFOAndSchoolStart", func(t *testing.T) { testSFOAndSchool(t, newStore(t)) })
	t.Run("Settings", func(t *testing.T) { testAdmissionSettings(t, newStore(t)) })
	t.Run("IntakeByHand", func(t *testing.T) { testIntakeByHand(t, newStore(t)) })
	t.Run("CatchmentRecords", func(t *testing.T) { testCatchmentRecords(t, newStore(t)) })
	t.Run("SchoolStart", func(t *testing.T) { testSchoolStart(t, newStore(t)) })
	t.Run("WaitingListsAsBefore", func(t *testing.T) { testWaitingListsAsBefore(t, newStore(t)) })
}

// testClock is a clock a test moves.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t.In(domain.Oslo())
}

func (c *testClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func oslo(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, domain.Oslo())
}

// notices records the notices raised.
type notices struct {
	mu   sync.Mutex
	list []domain.Notice
}

func (n *notices) Notify(_ context.Context, x domain.Notice) error {
	if err := x.Validate(); err != nil {
		return err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.list = append(n.list, x)
	return nil
}

func (n *notices) of(kind string, child domain.ChildID) []domain.Notice {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []domain.Notice
	for _, x := range n.list {
		if x.Kind == kind && x.Child == child {
			out = append(out, x)
		}
	}
	return out
}

// world is a small municipality for admission tests: kindergartens, and
// children each with one guardian with parental responsibility.
type world struct {
	t       testing.TB
	ctx     context.Context
	s       AdmissionStore
	f       *fixture
	clock   *testClock
	notices *notices
	svc     *admission.Service
	case_   domain.Actor
	system  domain.Actor
	// guardian[child] is the child's guardian with parental responsibility.
	guardian map[domain.ChildID]domain.Guardian
	units    map[string]domain.Unit
}

func newWorld(t testing.TB, s AdmissionStore) *world {
	w := &world{t: t, ctx: ctxFor(t), s: s, f: &fixture{m: Oslo}, clock: &testClock{t: oslo(2025, time.February, 10, 12)},
		notices: &notices{}, guardian: map[domain.ChildID]domain.Guardian{}, units: map[string]domain.Unit{}}
	w.svc = &admission.Service{Store: s, Clock: w.clock, Notifier: w.notices}
	w.case_ = domain.CaseworkerActor(Oslo, "saksbehandler")
	w.system = domain.SystemActor(Oslo, "offer-lapse-job")
	// The municipality's local criterion (intakes rank by it).
	set := admission.DefaultSettings(Oslo)
	set.LocalCriteria = []admission.LocalCriterion{singleProvider}
	_, err := w.svc.SaveSettings(w.ctx, w.case_, set)
	require.NoError(t, err)
	return w
}

func (w *world) unit(name string) domain.Unit {
	u := w.f.unit(domain.Kindergarten)
	u.Name = name
	require.NoError(w.t, w.s.CreateUnit(w.ctx, u))
	w.units[name] = u
	return u
}

// child creates a child born on birth with one guardian with parental
// responsibility.
func (w *world) child(birth date.Date) domain.Child {
	c := w.f.child(w.t)
	c.BirthDate = birth
	c.NationalID = domain.NationalID{}
	g := w.f.guardian(w.t)
	g.NationalID = domain.NationalID{}
	require.NoError(w.t, w.s.CreateChild(w.ctx, c))
	require.NoError(w.t, w.s.CreateGuardian(w.ctx, g))
	require.NoError(w.t, w.s.PutGuardianship(w.ctx, domain.Guardianship{Municipality: Oslo, ChildID: c.ID, GuardianID: g.ID,
		ParentalResponsibility: true, LivesWithChild: true}))
	w.guardian[c.ID] = g
	return c
}

func (w *world) parent(c domain.Child) domain.Actor {
	return domain.GuardianActor(Oslo, w.guardian[c.ID].ID)
}

func (w *world) intake(seats ...admission.UnitSeats) admission.Intake {
	in := admission.Intake{ID: domain.NewID[admission.Intake](), Municipality: Oslo, Name: "Hovedopptak 2025",
		Kind: domain.Kindergarten, Main: true, AdmissionYear: 2025, Deadline: d(2025, time.March, 1),
		Start:       d(2025, time.August, 1),
		Criteria:    []admission.Criterion{admission.Statutory, "local:single-provider", admission.Sibling, admission.Tiebreak},
		SmallWeight: 2, Seats: seats, AnswerDays: 8, MaxPreferences: 5}
	require.NoError(w.t, w.svc.CreateIntake(w.ctx, w.case_, in))
	return in
}

func (w *world) apply(in admission.Intake, c domain.Child, units ...domain.Unit) admission.Application {
	a, err := w.svc.Prefill(w.ctx, w.parent(c), in.ID, c.ID)
	require.NoError(w.t, err)
	for _, u := range units {
		a.Preferences = append(a.Preferences, u.ID)
	}
	a.Hours = 41
	a, err = w.svc.Apply(w.ctx, w.parent(c), a)
	require.NoError(w.t, err)
	return a
}

// earlyRun is the reason the tests give for a run on or before the
// application deadline (the clock of most stands before it).
const earlyRun = "the test runs before the deadline"

var large = d(2021, time.May, 1) // over three in the 2025 year
var small = d(2024, time.March, 1)

func countOffers(t testing.TB, ctx context.Context, s AdmissionStore, in admission.IntakeID) int {
	os, err := s.IntakeOffers(ctx, Oslo, in)
	require.NoError(t, err)
	return len(os)
}

func testAdmissionRecords(t *testing.T, s AdmissionStore) {
	w := newWorld(t, s)
	ctx := w.ctx
	u := w.unit("Solsikken")
	in := w.intake(admission.UnitSeats{Unit: u.ID, Places: 10, Small: 2})
	got, err := s.Intake(ctx, Oslo, in.ID)
	require.NoError(t, err)
	assert.Equal(t, in, got)
	_, err = s.Intake(ctx, Bergen, in.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound, "scoped by municipality")
	list, err := s.Intakes(ctx, Oslo)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, in.ID, list[0].ID)
	requireField(t, s.CreateIntake(ctx, in), domain.ErrConflict, "id")
	bad := in
	bad.ID = domain.NewID[admission.Intake]()
	bad.Seats = []admission.UnitSeats{{Unit: u.ID, Places: 3, Small: 2}}
	requireField(t, s.CreateIntake(ctx, bad), domain.ErrInvalid, "seats[0].small")
	_, err = s.Intake(ctx, Oslo, bad.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound, "nothing written")

	c := w.child(large)
	a := w.apply(in, c, u)
	// An application refers to a stored intake and child, which stay.
	stray := a
	stray.ID = domain.NewID[admission.Application]()
	stray.Intake = domain.NewID[admission.Intake]()
	requireField(t, s.CreateApplication(ctx, stray), domain.ErrInvalid, "intake")
	stray.Intake, stray.Child = in.ID, domain.NewID[domain.Child]()
	requireField(t, s.CreateApplication(ctx, stray), domain.ErrInvalid, "child")
	moved := a
	moved.Child = w.child(large).ID
	requireField(t, s.UpdateApplication(ctx, moved), domain.ErrInvalid, "intake")
	a.Local = map[string]admission.Claim{"single-provider": {Claimed: true, Documented: admission.DocReceived}}
	a.Statutory = admission.Claim{Claimed: true, Documented: admission.DocVerified}
	require.NoError(t, s.UpdateApplication(ctx, a))
	ga, err := s.Application(ctx, Oslo, a.ID)
	require.NoError(t, err)
	assert.True(t, a.Submitted.Equal(ga.Submitted))
	ga.Submitted = a.Submitted
	assert.Equal(t, a, ga)
	apps, err := s.ChildApplications(ctx, Oslo, c.ID)
	require.NoError(t, err)
	require.Len(t, apps, 1)
	_, err = s.Application(ctx, Bergen, a.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	other := a
	other.ID = domain.NewID[admission.Application]()
	other.Child = domain.NewID[domain.Child]()
	err = s.UpdateApplication(ctx, other)
	assert.ErrorIs(t, err, domain.ErrNotFound)

	now := w.clock.Now()
	run := admission.Run{ID: domain.NewID[admission.Run](), Municipality: Oslo, Intake: in.ID, Seed: 7, Created: now, CreatedBy: "x",
		Stats:   admission.Stats{Children: 1, Placed: 1, RankDistribution: []int{1}},
		Results: []admission.RunResult{{Application: a.ID, Child: c.ID, Group: domain.Large, Unit: u.ID, Rank: 1, Tiebreak: 1}}}
	strayRun := run
	strayRun.ID, strayRun.Intake = domain.NewID[admission.Run](), domain.NewID[admission.Intake]()
	requireField(t, s.CreateRun(ctx, strayRun), domain.ErrInvalid, "intake")
	require.NoError(t, s.CreateRun(ctx, run))
	gr, err := s.Run(ctx, Oslo, run.ID)
	require.NoError(t, err)
	assert.Equal(t, run.Results[0].Unit, gr.Results[0].Unit)
	assert.Equal(t, run.Stats.RankDistribution, gr.Stats.RankDistribution)
	head, err := s.RunHeader(ctx, Oslo, run.ID)
	require.NoError(t, err)
	assert.Equal(t, run.Stats, head.Stats, "the header has the statistics")
	assert.Empty(t, head.Results, "and not the results")
	_, err = s.RunHeader(ctx, Bergen, run.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound, "another municipality's run")
	runs, err := s.Runs(ctx, Oslo, in.ID)
	require.NoError(t, err)
	require.Len(t, runs, 1)
	assert.False(t, runs[0].IsApproved())
	requireField(t, s.ApproveRun(ctx, Oslo, run.ID, time.Time{}, "x"), domain.ErrInvalid, "approved")
	requireField(t, s.ApproveRun(ctx, Oslo, run.ID, now, ""), domain.ErrInvalid, "approved")
	require.NoError(t, s.ApproveRun(ctx, Oslo, run.ID, now, "x"))
	requireField(t, s.ApproveRun(ctx, Oslo, run.ID, now, "x"), domain.ErrConflict, "approved")
	assert.ErrorIs(t, s.ApproveRun(ctx, Oslo, domain.NewID[admission.Run](), now, "x"), domain.ErrNotFound)

	o := admission.Offer{ID: domain.NewID[admission.Offer](), Municipality: Oslo, Intake: in.ID, Application: a.ID, Child: c.ID,
		Unit: u.ID, Group: domain.Large, Rank: 1, Run: run.ID, Start: in.Start, Hours: 41, Created: now,
		Deadline: now.Add(72 * time.Hour), Status: admission.OfferOpen}
	badOffer := o
	badOffer.ID = domain.NewID[admission.Offer]()
	badOffer.Status = "maybe"
	requireField(t, s.CreateOffers(ctx, []admission.Offer{o, badOffer}), domain.ErrInvalid, "offers[1].status")
	assert.Zero(t, countOffers(t, ctx, s, in.ID), "a refused batch writes nothing")
	second := o
	second.ID = domain.NewID[admission.Offer]()
	requireField(t, s.CreateOffers(ctx, []admission.Offer{o, second}), domain.ErrConflict, "application")
	assert.Zero(t, countOffers(t, ctx, s, in.ID), "a batch with a clash writes nothing")
	// An offer refers to a stored application and unit, and is for the
	// application's intake and child.
	otherIntake := in
	otherIntake.ID, otherIntake.Main = domain.NewID[admission.Intake](), false
	require.NoError(t, s.CreateIntake(ctx, otherIntake))
	otherChild := w.child(large)
	for _, bad := range []struct {
		field string
		edit  func(*admission.Offer)
	}{
		{"application", func(x *admission.Offer) { x.Application = domain.NewID[admission.Application]() }},
		{"application", func(x *admission.Offer) { x.Child = otherChild.ID }},
		{"application", func(x *admission.Offer) { x.Intake = otherIntake.ID }},
		{"unit", func(x *admission.Offer) { x.Unit = domain.NewID[domain.Unit]() }},
	} {
		x := o
		x.ID = domain.NewID[admission.Offer]()
		bad.edit(&x)
		requireField(t, s.CreateOffers(ctx, []admission.Offer{x}), domain.ErrInvalid, bad.field)
		assert.Zero(t, countOffers(t, ctx, s, x.Intake))
	}
	assert.Zero(t, countOffers(t, ctx, s, in.ID))
	require.NoError(t, s.CreateOffers(ctx, []admission.Offer{o}))
	due, err := s.DueOffers(ctx, Oslo, now.Add(71*time.Hour))
	require.NoError(t, err)
	assert.Empty(t, due)
	due, err = s.DueOffers(ctx, Oslo, now.Add(73*time.Hour))
	require.NoError(t, err)
	require.Len(t, due, 1)
	assert.True(t, o.Deadline.Equal(due[0].Deadline))
	o.Status, o.Answered, o.AnsweredBy = admission.OfferDeclined, now, "g"
	elsewhere := o
	elsewhere.Unit = w.unit("Løvetann").ID
	requireField(t, s.UpdateOffer(ctx, elsewhere), domain.ErrInvalid, "application")
	require.NoError(t, s.UpdateOffer(ctx, o))
	requireField(t, s.UpdateOffer(ctx, o), domain.ErrConflict, "status")
	byApp, err := s.ApplicationOffers(ctx, Oslo, a.ID)
	require.NoError(t, err)
	require.Len(t, byApp, 1)
	assert.Equal(t, admission.OfferDeclined, byApp[0].Status)
	_, err = s.Offer(ctx, Bergen, o.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
}

// round sets up three seats at Solsikken for five children over three.
func (w *world) round() (admission.Intake, domain.Unit, []domain.Child, []admission.Application) {
	u := w.unit("Solsikken")
	in := w.intake(admission.UnitSeats{Unit: u.ID, Places: 3})
	var cs []domain.Child
	var as []admission.Application
	for range 5 {
		c := w.child(large)
		cs = append(cs, c)
		as = append(as, w.apply(in, c, u))
	}
	return in, u, cs, as
}

func testRoundEndToEnd(t *testing.T, s AdmissionStore) {
	w := newWorld(t, s)
	ctx := w.ctx
	in, u, cs, as := w.round()
	byApp := map[admission.ApplicationID]domain.Child{}
	for i, a := range as {
		byApp[a.ID] = cs[i]
	}

	w.clock.set(oslo(2025, time.March, 10, 9))
	run, err := w.svc.RunWithReason(ctx, w.case_, in.ID, 2025, earlyRun)
	require.NoError(t, err)
	assert.Equal(t, 3, run.Stats.Placed)
	assert.Equal(t, 0, run.Stats.JustifiedEnvy)
	require.Len(t, run.Results, 5)

	w.clock.set(oslo(2025, time.March, 12, 9))
	offers, err := w.svc.Approve(ctx, w.case_, run.ID)
	require.NoError(t, err)
	require.Len(t, offers, 3)
	for _, o := range offers {
		assert.Equal(t, u.ID, o.Unit)
		assert.True(t, o.Deadline.Equal(oslo(2025, time.March, 21, 0)), "answer by the end of 20 March: %s", o.Deadline)
		sent := w.notices.of(admission.KindOfferSent, o.Child)
		require.Len(t, sent, 1)
		assert.Equal(t, "Solsikken", sent[0].Data["unit"])
		assert.Equal(t, "2025-03-20", sent[0].Data["deadline"])
		assert.Equal(t, "2025-08-01", sent[0].Data["start"])
	}
	waiting, err := w.svc.WaitingList(ctx, w.case_, in.ID, u.ID, domain.Large)
	require.NoError(t, err)
	require.Len(t, waiting, 2)
	assert.Equal(t, 1, waiting[0].Position)
	assert.Less(t, waiting[0].Priority.Tiebreak, waiting[1].Priority.Tiebreak, "the lottery orders the list")
	view, err := w.svc.View(ctx, domain.GuardianActor(Oslo, w.guardian[byApp[waiting[1].Application].ID].ID), waiting[1].Application)
	require.NoError(t, err)
	assert.Equal(t, admission.StatusWaiting, view.Status)
	require.Len(t, view.Waiting, 1)
	assert.Equal(t, 2, view.Waiting[0].Position, "the applicant sees its position")

	accepter, decliner, lapser := offers[0], offers[1], offers[2]

	// One accepts: a placement from the start date, in the same transaction.
	w.clock.set(oslo(2025, time.March, 13, 9))
	pl, err := w.svc.Accept(ctx, w.parent(byApp[accepter.Application]), accepter.ID)
	require.NoError(t, err)
	ps, err := s.Placements(ctx, Oslo, accepter.Child)
	require.NoError(t, err)
	require.Len(t, ps, 1)
	assert.Equal(t, pl.ID, ps[0].ID)
	assert.Equal(t, u.ID, ps[0].UnitID)
	assert.Equal(t, d(2025, time.August, 1), ps[0].Period.Start)
	assert.Equal(t, 41, ps[0].HoursPerWeek)
	_, err = w.svc.Accept(ctx, w.parent(byApp[accepter.Application]), accepter.ID)
	requireField(t, err, domain.ErrConflict, "status")

	// One declines: the first on the waiting list gets the seat.
	w.clock.set(oslo(2025, time.March, 15, 9))
	require.NoError(t, w.svc.Decline(ctx, w.parent(byApp[decliner.Application]), decliner.ID))
	got, err := s.ApplicationOffers(ctx, Oslo, waiting[0].Application)
	require.NoError(t, err)
	require.Len(t, got, 1, "the next on the list is offered the declined seat")
	assert.Equal(t, admission.OfferOpen, got[0].Status)
	assert.Equal(t, u.ID, got[0].Unit)
	assert.True(t, got[0].Deadline.Equal(oslo(2025, time.March, 24, 0)))
	assert.Len(t, w.notices.of(admission.KindOfferSent, waiting[0].Child), 1)
	// Its decision is the offer from the waiting list, dated the day it was
	// made, not the run's "waiting list" result.
	dec, err := w.svc.Decision(ctx, w.case_, waiting[0].Application)
	require.NoError(t, err)
	assert.Equal(t, u.ID, dec.Unit)
	assert.Equal(t, got[0].Rank, dec.Rank)
	assert.Equal(t, got[0].Start, dec.Start)
	assert.Equal(t, d(2025, time.March, 15), dec.Decided)
	assert.Equal(t, d(2025, time.April, 5), dec.AppealBy, "three weeks from the new decision")

	// One lapses at its deadline; the seat goes to the last one waiting.
	n, err := w.svc.LapseOffers(ctx, w.system, oslo(2025, time.March, 20, 23))
	require.NoError(t, err)
	assert.Zero(t, n, "not yet")
	n, err = w.svc.LapseOffers(ctx, w.system, oslo(2025, time.March, 21, 0))
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	lapsed, err := s.Offer(ctx, Oslo, lapser.ID)
	require.NoError(t, err)
	assert.Equal(t, admission.OfferLapsed, lapsed.Status)
	got, err = s.ApplicationOffers(ctx, Oslo, waiting[1].Application)
	require.NoError(t, err)
	require.Len(t, got, 1, "the lapsed seat goes to the next waiting")
	assert.Equal(t, admission.OfferOpen, got[0].Status)
	_, err = w.svc.LapseOffers(ctx, w.parent(cs[0]), oslo(2025, time.March, 21, 0))
	assert.ErrorIs(t, err, domain.ErrForbidden, "the lapse job is the municipality's")

	// After the deadline an offer can no longer be accepted.
	w.clock.set(oslo(2025, time.March, 21, 1))
	_, err = w.svc.Accept(ctx, w.parent(byApp[lapser.Application]), lapser.ID)
	requireField(t, err, domain.ErrConflict, "status")

	statuses := map[admission.ApplicationID]admission.Status{}
	for _, a := range as {
		v, err := w.svc.View(ctx, w.case_, a.ID)
		require.NoError(t, err)
		statuses[a.ID] = v.Status
	}
	assert.Equal(t, admission.StatusAccepted, statuses[accepter.Application])
	assert.Equal(t, admission.StatusDeclined, statuses[decliner.Application])
	assert.Equal(t, admission.StatusLapsed, statuses[lapser.Application])
	assert.Equal(t, admission.StatusOffered, statuses[waiting[0].Application])
	assert.Equal(t, admission.StatusOffered, statuses[waiting[1].Application])
	all, err := w.svc.IntakeStatuses(ctx, w.case_, as[0].Intake)
	require.NoError(t, err)
	require.Len(t, all, len(as))
	for _, st := range all {
		assert.Equal(t, statuses[st.Application.ID], st.Status, "one read of the intake gives each application the status View gives it")
	}
	// The figures of every intake in one read: its applications, its runs
	// and whether one is approved; an intake with none counts zero, and
	// another municipality's intakes are not listed.
	empty := w.intake(admission.UnitSeats{Unit: u.ID, Places: 1})
	runs, err := s.Runs(ctx, Oslo, as[0].Intake)
	require.NoError(t, err)
	figures, err := s.IntakeFigures(ctx, Oslo)
	require.NoError(t, err)
	intakes, err := s.Intakes(ctx, Oslo)
	require.NoError(t, err)
	require.Len(t, figures, len(intakes))
	for i, f := range figures {
		assert.Equal(t, intakes[i].ID, f.Intake, "by intake ID, as Intakes lists them")
	}
	byIntake := map[admission.IntakeID]admission.IntakeFigures{}
	for _, f := range figures {
		byIntake[f.Intake] = f
	}
	assert.Equal(t, admission.IntakeFigures{Intake: as[0].Intake, Applications: len(as), Runs: len(runs), Approved: true}, byIntake[as[0].Intake])
	assert.Equal(t, admission.IntakeFigures{Intake: empty.ID}, byIntake[empty.ID])
	other, err := s.IntakeFigures(ctx, Bergen)
	require.NoError(t, err)
	assert.Empty(t, other)
	// The intake's applications in pages cut in the store (keyset, by
	// ID): together they are Applications; another municipality reads none.
	every, err := s.Applications(ctx, Oslo, as[0].Intake)
	require.NoError(t, err)
	require.Greater(t, len(every), 2)
	var want, paged []admission.ApplicationID
	for _, a := range every {
		want = append(want, a.ID)
	}
	after := admission.ApplicationID{}
	for range len(every) + 1 {
		page, err := s.ApplicationsAfter(ctx, Oslo, as[0].Intake, after, 2)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page), 2)
		if len(page) == 0 {
			break
		}
		for _, a := range page {
			paged = append(paged, a.ID)
		}
		after = page[len(page)-1].ID
	}
	assert.Equal(t, want, paged, "the pages are the applications by ID, each once")
	first, err := s.ApplicationsAfter(ctx, Oslo, as[0].Intake, admission.ApplicationID{}, 1)
	require.NoError(t, err)
	require.Len(t, first, 1)
	assert.Equal(t, every[0].ID, first[0].ID)
	bergen, err := s.ApplicationsAfter(ctx, Bergen, as[0].Intake, admission.ApplicationID{}, 10)
	require.NoError(t, err)
	assert.Empty(t, bergen)
	// The search in the store: every word of the child's name, ignoring
	// case, or the start of the national ID; pages by ID as
	// ApplicationsAfter; another municipality finds none.
	found := func(search string, after admission.ApplicationID, limit int) []admission.ApplicationID {
		t.Helper()
		page, err := s.ApplicationsFound(ctx, Oslo, as[0].Intake, after, limit, search)
		require.NoError(t, err)
		out := []admission.ApplicationID{}
		for _, a := range page {
			out = append(out, a.ID)
		}
		return out
	}
	assert.Equal(t, want, found("", admission.ApplicationID{}, 100), "no search: every application")
	ch, err := s.Child(ctx, Oslo, every[1].Child)
	require.NoError(t, err)
	byName := found(strings.ToUpper(ch.FamilyName+" "+ch.GivenName), admission.ApplicationID{}, 100)
	assert.Contains(t, byName, every[1].ID, "every word of the name, in any order and case")
	assert.Subset(t, want, byName)
	for _, id := range byName {
		i := slices.Index(want, id)
		c, err := s.Child(ctx, Oslo, every[i].Child)
		require.NoError(t, err)
		assert.True(t, domain.MatchesSearch(ch.FamilyName+" "+ch.GivenName, c.GivenName, c.FamilyName), "only children the search finds")
	}
	// A child with a national ID: the intake's children have one each, at
	// most one application each.
	withNID, err := s.Child(ctx, Oslo, as[0].Child)
	require.NoError(t, err)
	if withNID.NationalID.IsZero() {
		withNID.NationalID = nid(t, withNID.BirthDate, 77)
		require.NoError(t, s.UpdateChild(ctx, withNID))
	}
	nidText := withNID.NationalID.String()
	assert.Equal(t, []admission.ApplicationID{as[0].ID}, found(nidText[:6]+" "+nidText[6:], admission.ApplicationID{}, 100), "the national ID, spaces left out")
	assert.Empty(t, found("ingen slik", admission.ApplicationID{}, 100))
	assert.Equal(t, want[1:2], found("", want[0], 1), "a page after a key")
	bergenFound, err := s.ApplicationsFound(ctx, Bergen, as[0].Intake, admission.ApplicationID{}, 10, ch.GivenName)
	require.NoError(t, err)
	assert.Empty(t, bergenFound)
	ids := make([]admission.ApplicationID, len(as))
	for i, a := range as {
		ids[i] = a.ID
	}
	views, err := w.svc.IntakeViews(ctx, w.case_, as[0].Intake, ids)
	require.NoError(t, err)
	require.Len(t, views, len(as))
	for i, a := range as {
		one, err := w.svc.View(ctx, w.case_, a.ID)
		require.NoError(t, err)
		assert.Equal(t, one, views[i], "a page of views read at once is what View gives each")
	}
	_, err = w.svc.IntakeStatuses(ctx, w.parent(cs[0]), as[0].Intake)
	assert.ErrorIs(t, err, domain.ErrForbidden, "the statuses of a whole intake are the municipality's")
	v, err := w.svc.View(ctx, w.parent(byApp[lapser.Application]), lapser.Application)
	require.NoError(t, err)
	var steps []admission.Status
	for _, st := range v.History {
		steps = append(steps, st.Status)
	}
	assert.Equal(t, []admission.Status{admission.StatusReceived, admission.StatusInProcess, admission.StatusOffered, admission.StatusLapsed}, steps)
	v, err = w.svc.View(ctx, w.parent(byApp[waiting[0].Application]), waiting[0].Application)
	require.NoError(t, err)
	assert.True(t, v.NextDeadline.Equal(oslo(2025, time.March, 24, 0)), "the next deadline is the offer's")
}

func testApproveTwice(t *testing.T, s AdmissionStore) {
	w := newWorld(t, s)
	in, _, _, _ := w.round()
	run, err := w.svc.RunWithReason(w.ctx, w.case_, in.ID, 1, earlyRun)
	require.NoError(t, err)
	_, err = w.svc.Approve(w.ctx, w.parent(w.child(large)), run.ID)
	assert.ErrorIs(t, err, domain.ErrForbidden, "a guardian cannot approve")
	_, err = w.svc.ApproveWithReason(w.ctx, w.case_, run.ID, earlyRun)
	require.NoError(t, err)
	before := countOffers(t, w.ctx, s, in.ID)
	_, err = w.svc.ApproveWithReason(w.ctx, w.case_, run.ID, earlyRun)
	var ce *domain.ConflictError
	require.True(t, errors.As(err, &ce), "approving twice is a conflict: %v", err)
	assert.Equal(t, "approved", ce.Field)
	assert.Equal(t, before, countOffers(t, w.ctx, s, in.ID), "no offers added")

	// A second run of the same intake cannot be approved either.
	run2, err := w.svc.RunWithReason(w.ctx, w.case_, in.ID, 2, earlyRun)
	require.NoError(t, err)
	_, err = w.svc.ApproveWithReason(w.ctx, w.case_, run2.ID, earlyRun)
	requireField(t, err, domain.ErrConflict, "approved")
	assert.Equal(t, before, countOffers(t, w.ctx, s, in.ID))
}

func testAcceptForbidden(t *testing.T, s AdmissionStore) {
	w := newWorld(t, s)
	in, _, cs, _ := w.round()
	// cs[0] also has a father without parental responsibility, and a
	// second guardian with it.
	father := w.f.guardian(t)
	father.NationalID = domain.NationalID{}
	mother2 := w.f.guardian(t)
	mother2.NationalID = domain.NationalID{}
	require.NoError(t, s.CreateGuardian(w.ctx, father))
	require.NoError(t, s.CreateGuardian(w.ctx, mother2))
	require.NoError(t, s.PutGuardianship(w.ctx, domain.Guardianship{Municipality: Oslo, ChildID: cs[0].ID, GuardianID: father.ID,
		InformationRequested: true}))
	require.NoError(t, s.PutGuardianship(w.ctx, domain.Guardianship{Municipality: Oslo, ChildID: cs[0].ID, GuardianID: mother2.ID,
		ParentalResponsibility: true}))
	apps, err := s.ChildApplications(w.ctx, Oslo, cs[0].ID)
	require.NoError(t, err)
	require.Len(t, apps, 1)
	app := apps[0]

	// The other guardian with parental responsibility sees and confirms.
	confirmed, err := w.svc.Confirm(w.ctx, domain.GuardianActor(Oslo, mother2.ID), app.ID)
	require.NoError(t, err)
	assert.Equal(t, []domain.GuardianID{mother2.ID}, confirmed.ConfirmedBy)
	_, err = w.svc.View(w.ctx, domain.GuardianActor(Oslo, mother2.ID), app.ID)
	require.NoError(t, err)
	_, err = w.svc.View(w.ctx, domain.GuardianActor(Oslo, father.ID), app.ID)
	assert.ErrorIs(t, err, domain.ErrForbidden)
	_, err = w.svc.Confirm(w.ctx, domain.GuardianActor(Oslo, father.ID), app.ID)
	assert.ErrorIs(t, err, domain.ErrForbidden)

	// Give cs[0] statutory priority so it is surely offered a seat.
	app.Statutory = admission.Claim{Claimed: true, Documented: admission.DocVerified}
	require.NoError(t, s.UpdateApplication(w.ctx, app))
	run, err := w.svc.RunWithReason(w.ctx, w.case_, in.ID, 3, earlyRun)
	require.NoError(t, err)
	offers, err := w.svc.ApproveWithReason(w.ctx, w.case_, run.ID, earlyRun)
	require.NoError(t, err)
	var mine admission.Offer
	for _, o := range offers {
		if o.Child == cs[0].ID {
			mine = o
		}
	}
	require.False(t, mine.ID.IsZero(), "statutory priority placed the child")

	for _, actor := range []domain.Actor{
		domain.GuardianActor(Oslo, father.ID), // no parental responsibility
		w.parent(cs[1]),                       // another child's guardian
		w.case_,                               // not a guardian
		domain.StaffActor(Oslo, "ansatt", mine.Unit), // staff of the unit
	} {
		_, err = w.svc.Accept(w.ctx, actor, mine.ID)
		assert.ErrorIs(t, err, domain.ErrForbidden, "%s", actor)
		assert.ErrorIs(t, w.svc.Decline(w.ctx, actor, mine.ID), domain.ErrForbidden, "%s", actor)
	}
	_, err = w.svc.Accept(w.ctx, domain.GuardianActor(Bergen, mother2.ID), mine.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound, "another municipality does not see the offer")
	o, err := s.Offer(w.ctx, Oslo, mine.ID)
	require.NoError(t, err)
	assert.Equal(t, admission.OfferOpen, o.Status, "still open")
	ps, err := s.Placements(w.ctx, Oslo, cs[0].ID)
	require.NoError(t, err)
	assert.Empty(t, ps)
	_, err = w.svc.Accept(w.ctx, domain.GuardianActor(Oslo, mother2.ID), mine.ID)
	require.NoError(t, err, "the other guardian with parental responsibility may accept")
}

func testSecondApplication(t *testing.T, s AdmissionStore) {
	w := newWorld(t, s)
	u := w.unit("Løvetann")
	in := w.intake(admission.UnitSeats{Unit: u.ID, Places: 4})
	c := w.child(large)
	first := w.apply(in, c, u)
	a, err := w.svc.Prefill(w.ctx, w.parent(c), in.ID, c.ID)
	require.NoError(t, err)
	a.Preferences, a.Hours = []domain.UnitID{u.ID}, 30
	_, err = w.svc.Apply(w.ctx, w.parent(c), a)
	var ce *domain.ConflictError
	require.True(t, errors.As(err, &ce), "a second application is a conflict: %v", err)
	assert.Equal(t, "child", ce.Field)
	apps, err := s.Applications(w.ctx, Oslo, in.ID)
	require.NoError(t, err)
	require.Len(t, apps, 1)
	assert.Equal(t, first.ID, apps[0].ID)
	assert.Equal(t, 41, apps[0].Hours, "the first is unchanged")

	// A guardian of another child may not apply for this one.
	other := w.child(large)
	a.ID = domain.ID[admission.Application]{}
	_, err = w.svc.Apply(w.ctx, w.parent(other), a)
	assert.ErrorIs(t, err, domain.ErrForbidden)
}

func testNoSeats(t *testing.T, s AdmissionStore) {
	w := newWorld(t, s)
	bigOnly := w.unit("Storebarn")
	both := w.unit("Tusenfryd")
	in := w.intake(admission.UnitSeats{Unit: bigOnly.ID, Places: 6}, admission.UnitSeats{Unit: both.ID, Places: 6, Small: 2})
	baby := w.child(small)
	a, err := w.svc.Prefill(w.ctx, w.parent(baby), in.ID, baby.ID)
	require.NoError(t, err)
	a.Preferences, a.Hours = []domain.UnitID{both.ID, bigOnly.ID}, 41
	_, err = w.svc.Apply(w.ctx, w.parent(baby), a)
	var ve *domain.ValidationError
	require.True(t, errors.As(err, &ve), "refused with a reason: %v", err)
	require.True(t, ve.Has("preferences[1]"), "%v", err)
	params := requireReason(t, err, "preferences[1]", "has-no-seats-for-in")
	assert.Equal(t, "Storebarn", params["unit"])
	assert.Equal(t, "children under three", params["group"])
	apps, err := s.Applications(w.ctx, Oslo, in.ID)
	require.NoError(t, err)
	assert.Empty(t, apps, "nothing written")

	a.Preferences = []domain.UnitID{both.ID}
	a.Statutory = admission.Claim{Claimed: true, Documented: admission.DocVerified}
	a.SiblingAt = []domain.UnitID{both.ID}
	got, err := w.svc.Apply(w.ctx, w.parent(baby), a)
	require.NoError(t, err)
	assert.Equal(t, admission.DocMissing, got.Statutory.Documented, "only a caseworker verifies a claim")
	assert.Empty(t, got.SiblingAt, "siblings' units come from the directory, not the form")
}

func testSiblingsTogether(t *testing.T, s AdmissionStore) {
	w := newWorld(t, s)
	a := w.unit("Blåveis")
	b := w.unit("Hestehov")
	in := w.intake(admission.UnitSeats{Unit: a.ID, Places: 2}, admission.UnitSeats{Unit: b.ID, Places: 8, Small: 2})
	// Twins of one guardian, and three other children who want Blåveis.
	t1 := w.child(large)
	t2 := w.f.child(t)
	t2.BirthDate, t2.NationalID = large, domain.NationalID{}
	require.NoError(t, s.CreateChild(w.ctx, t2))
	require.NoError(t, s.PutGuardianship(w.ctx, domain.Guardianship{Municipality: Oslo, ChildID: t2.ID,
		GuardianID: w.guardian[t1.ID].ID, ParentalResponsibility: true}))
	w.guardian[t2.ID] = w.guardian[t1.ID]
	for _, c := range []domain.Child{t1, t2} {
		ap, err := w.svc.Prefill(w.ctx, w.parent(c), in.ID, c.ID)
		require.NoError(t, err)
		ap.Preferences, ap.Hours = []domain.UnitID{a.ID, b.ID}, 41
		ap.Together = []domain.ChildID{t2.ID}
		if c.ID == t2.ID {
			ap.Together = []domain.ChildID{t1.ID}
		}
		_, err = w.svc.Apply(w.ctx, w.parent(c), ap)
		require.NoError(t, err)
	}
	for range 3 {
		w.apply(in, w.child(large), a, b)
	}
	// A guardian cannot tie another family's child to its own.
	stranger := w.child(large)
	ap, err := w.svc.Prefill(w.ctx, w.parent(stranger), in.ID, stranger.ID)
	require.NoError(t, err)
	ap.Preferences, ap.Hours, ap.Together = []domain.UnitID{a.ID, b.ID}, 41, []domain.ChildID{t1.ID}
	_, err = w.svc.Apply(w.ctx, w.parent(stranger), ap)
	requireField(t, err, domain.ErrInvalid, "together[0]")
	for seed := uint64(1); seed <= 6; seed++ {
		run, err := w.svc.RunWithReason(w.ctx, w.case_, in.ID, seed, earlyRun)
		require.NoError(t, err)
		require.NotNil(t, run.Stats.Families)
		assert.Equal(t, 1, run.Stats.Families.Families)
		assert.Equal(t, 1, run.Stats.Families.Together, "seed %d", seed)
		units := map[domain.ChildID]domain.UnitID{}
		for _, r := range run.Results {
			units[r.Child] = r.Unit
		}
		assert.Equal(t, units[t1.ID], units[t2.ID], "seed %d: the twins are placed together", seed)
		assert.False(t, units[t1.ID].IsZero())
		assert.Zero(t, run.Stats.JustifiedEnvy, "seed %d", seed)
	}
}

func testRunDeterministic(t *testing.T, s AdmissionStore) {
	w := newWorld(t, s)
	in, _, _, _ := w.round()
	r1, err := w.svc.RunWithReason(w.ctx, w.case_, in.ID, 99, earlyRun)
	require.NoError(t, err)
	r2, err := w.svc.RunWithReason(w.ctx, w.case_, in.ID, 99, earlyRun)
	require.NoError(t, err)
	stored, err := s.Run(w.ctx, Oslo, r2.ID)
	require.NoError(t, err)
	require.Len(t, stored.Results, len(r1.Results))
	sameTiebreaks := true
	r3, err := w.svc.RunWithReason(w.ctx, w.case_, in.ID, 100, earlyRun)
	require.NoError(t, err)
	for i := range r1.Results {
		assert.Equal(t, r1.Results[i].Application, stored.Results[i].Application)
		assert.Equal(t, r1.Results[i].Unit, stored.Results[i].Unit)
		assert.Equal(t, r1.Results[i].Tiebreak, stored.Results[i].Tiebreak)
		assert.Equal(t, r1.Results[i].Explanation, stored.Results[i].Explanation)
		sameTiebreaks = sameTiebreaks && r1.Results[i].Tiebreak == r3.Results[i].Tiebreak
	}
	assert.Equal(t, r1.Stats, stored.Stats)
	assert.False(t, sameTiebreaks, "another seed draws another lottery")
}

func testDecisionAndObligation(t *testing.T, s AdmissionStore) {
	w := newWorld(t, s)
	first := w.unit("Kløver")
	second := w.unit("Prestekrage")
	third := w.unit("Rødkløver")
	in := w.intake(admission.UnitSeats{Unit: first.ID, Places: 1}, admission.UnitSeats{Unit: second.ID, Places: 1},
		admission.UnitSeats{Unit: third.ID, Places: 4, Small: 1})
	var cs []domain.Child
	var as []admission.Application
	for range 3 {
		c := w.child(large)
		cs = append(cs, c)
		as = append(as, w.apply(in, c, first, second, third))
	}
	// A child turning one in September 2025 has a right from September.
	young := w.child(d(2024, time.September, 15))
	youngApp := w.apply(in, young, third)

	_, err := w.svc.Decision(w.ctx, w.case_, as[0].ID)
	assert.ErrorIs(t, err, domain.ErrNotFound, "no decision before a run is approved")

	w.clock.set(oslo(2025, time.March, 10, 9))
	obl, err := w.svc.Obligations(w.ctx, w.case_, in.ID, admission.Month{Year: 2025, Month: time.August})
	require.NoError(t, err)
	assert.Len(t, obl, 3, "the three children turning one by August have a right from August")
	obl, err = w.svc.Obligations(w.ctx, w.case_, in.ID, admission.Month{Year: 2025, Month: time.September})
	require.NoError(t, err)
	assert.Len(t, obl, 4)

	run, err := w.svc.RunWithReason(w.ctx, w.case_, in.ID, 5, earlyRun)
	require.NoError(t, err)
	w.clock.set(oslo(2025, time.March, 12, 9))
	_, err = w.svc.Approve(w.ctx, w.case_, run.ID)
	require.NoError(t, err)
	obl, err = w.svc.Obligations(w.ctx, w.case_, in.ID, admission.Month{Year: 2025, Month: time.December})
	require.NoError(t, err)
	assert.Empty(t, obl, "everyone has an offer")

	var third3 admission.Application
	for i, a := range as {
		v, err := w.svc.View(w.ctx, w.parent(cs[i]), a.ID)
		require.NoError(t, err)
		require.Len(t, v.Offers, 1)
		if v.Offers[0].Unit == third.ID {
			third3 = a
		}
	}
	require.False(t, third3.ID.IsZero(), "one child got its third choice")
	var owner domain.Child
	for i, a := range as {
		if a.ID == third3.ID {
			owner = cs[i]
		}
	}
	dec, err := w.svc.Decision(w.ctx, w.parent(owner), third3.ID)
	require.NoError(t, err)
	assert.Equal(t, 3, dec.Rank)
	assert.True(t, dec.ReasonsDue)
	require.Len(t, dec.Reasons, 2)
	assert.Equal(t, "Kløver", dec.Reasons[0].Unit)
	assert.Equal(t, d(2025, time.April, 2), dec.AppealBy, "three weeks")
	nb := dec.Render(admission.Bokmal)
	assert.Contains(t, nb, "fått tilbud om plass i Rødkløver fra 2025-08-01")
	assert.Contains(t, nb, "Begrunnelse")
	assert.Contains(t, nb, "Klagefristen er 3 uker, til og med 2025-04-02")
	assert.Contains(t, dec.Render(admission.Nynorsk), "Grunngiving")
	assert.Contains(t, dec.Render(admission.English), "You may appeal this decision within 3 weeks")
	_, err = w.svc.Decision(w.ctx, w.parent(cs[0]), youngApp.ID)
	assert.ErrorIs(t, err, domain.ErrForbidden)

	for i, a := range as {
		if a.ID == third3.ID {
			continue
		}
		dec, err := w.svc.Decision(w.ctx, w.parent(cs[i]), a.ID)
		require.NoError(t, err)
		assert.False(t, dec.ReasonsDue, "first or second choice: no reasons due")
		assert.NotContains(t, dec.Render(admission.Bokmal), "Begrunnelse")
	}
}

func testApproveRollsBack(t *testing.T, s AdmissionStore) {
	w := newWorld(t, s)
	in, _, _, _ := w.round()
	run, err := w.svc.RunWithReason(w.ctx, w.case_, in.ID, 1, earlyRun)
	require.NoError(t, err)
	calls := 0
	failing := &admission.Service{Store: s, Clock: w.clock, Notifier: domain.NotifierFunc(func(ctx context.Context, n domain.Notice) error {
		calls++
		if calls == 2 {
			return errors.New("messaging is down")
		}
		return nil
	})}
	_, err = failing.ApproveWithReason(w.ctx, w.case_, run.ID, earlyRun)
	require.Error(t, err)
	assert.Zero(t, countOffers(t, w.ctx, s, in.ID), "no offer kept without its notice")
	stored, err := s.Run(w.ctx, Oslo, run.ID)
	require.NoError(t, err)
	assert.False(t, stored.IsApproved(), "the approval rolled back too")
	_, err = w.svc.ApproveWithReason(w.ctx, w.case_, run.ID, earlyRun)
	require.NoError(t, err)
}

func testContinuous(t *testing.T, s AdmissionStore) {
	w := newWorld(t, s)
	ctx := w.ctx
	a := w.unit("Eventyrskogen")
	b := w.unit("Fjellheimen")
	in := w.intake(admission.UnitSeats{Unit: a.ID, Places: 1}, admission.UnitSeats{Unit: b.ID, Places: 1})
	p, q, r := w.child(large), w.child(large), w.child(large)
	pa := w.apply(in, p, a)
	qa := w.apply(in, q, a, b)
	ra := w.apply(in, r, b)
	// Claims are verified by the caseworker, not by the family.
	pa.Statutory = admission.Claim{Claimed: true}
	require.NoError(t, s.UpdateApplication(ctx, pa))
	_, err := w.svc.VerifyClaim(ctx, w.parent(p), pa.ID, "statutory", admission.DocVerified)
	assert.ErrorIs(t, err, domain.ErrForbidden)
	_, err = w.svc.VerifyClaim(ctx, w.case_, pa.ID, "statutory", admission.DocVerified)
	require.NoError(t, err)
	_, err = w.svc.VerifyClaim(ctx, w.case_, qa.ID, "local:single-provider", admission.DocVerified)
	requireField(t, err, domain.ErrInvalid, "criterion")
	qa.Local = map[string]admission.Claim{"single-provider": {Claimed: true, Documented: admission.DocReceived}}
	require.NoError(t, s.UpdateApplication(ctx, qa))
	qa, err = w.svc.VerifyClaim(ctx, w.case_, qa.ID, "local:single-provider", admission.DocVerified)
	require.NoError(t, err)
	assert.True(t, qa.Local["single-provider"].Holds())

	w.clock.set(oslo(2025, time.March, 10, 9))
	run, err := w.svc.RunWithReason(ctx, w.case_, in.ID, 11, earlyRun)
	require.NoError(t, err)
	offers, err := w.svc.Approve(ctx, w.case_, run.ID)
	require.NoError(t, err)
	require.Len(t, offers, 2)
	for _, o := range offers {
		want := map[domain.ChildID]domain.UnitID{p.ID: a.ID, q.ID: b.ID}[o.Child]
		require.Equal(t, want, o.Unit, "statutory priority wins A, the local criterion wins B")
		_, err := w.svc.Accept(ctx, domain.GuardianActor(Oslo, w.guardian[o.Child].ID), o.ID)
		require.NoError(t, err)
	}

	// A late application waits behind everyone in the run.
	w.clock.set(oslo(2025, time.April, 2, 9))
	late := w.child(large)
	la := w.apply(in, late, b)
	list, err := w.svc.WaitingList(ctx, w.case_, in.ID, b.ID, domain.Large)
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, []admission.ApplicationID{ra.ID, la.ID}, []admission.ApplicationID{list[0].Application, list[1].Application})
	listA, err := w.svc.WaitingList(ctx, w.case_, in.ID, a.ID, domain.Large)
	require.NoError(t, err)
	require.Len(t, listA, 1, "q holds its second choice and waits for its first")
	assert.Equal(t, qa.ID, listA[0].Application)

	// A seat at A frees during the year: q is offered it, accepts, and its
	// place at B (not started) goes to r.
	w.clock.set(oslo(2025, time.May, 5, 9))
	_, err = w.svc.Vacancy(ctx, w.parent(q), in.ID, a.ID, domain.Large)
	assert.ErrorIs(t, err, domain.ErrForbidden)
	o, err := w.svc.Vacancy(ctx, w.case_, in.ID, a.ID, domain.Large)
	require.NoError(t, err)
	require.NotNil(t, o)
	assert.Equal(t, q.ID, o.Child)
	assert.Equal(t, 1, o.Rank)
	_, err = w.svc.Accept(ctx, w.parent(q), o.ID)
	require.NoError(t, err)
	ps, err := s.Placements(ctx, Oslo, q.ID)
	require.NoError(t, err)
	require.Len(t, ps, 1, "the place at B is given up")
	assert.Equal(t, a.ID, ps[0].UnitID)
	rOffers, err := s.ApplicationOffers(ctx, Oslo, ra.ID)
	require.NoError(t, err)
	require.Len(t, rOffers, 1)
	assert.Equal(t, b.ID, rOffers[0].Unit)
	assert.Equal(t, admission.OfferOpen, rOffers[0].Status)
	v, err := w.svc.View(ctx, w.parent(late), la.ID)
	require.NoError(t, err)
	assert.Equal(t, admission.StatusWaiting, v.Status, "an application after the run waits")
	require.Len(t, v.Waiting, 1)
	assert.Equal(t, 1, v.Waiting[0].Position, "next in line at B once r has its offer")

	// Rejected (say the family moved away): off the list.
	assert.ErrorIs(t, w.svc.Reject(ctx, w.parent(late), la.ID, "flyttet"), domain.ErrForbidden)
	require.NoError(t, w.svc.Reject(ctx, w.case_, la.ID, "flyttet fra kommunen"))
	requireField(t, w.svc.Reject(ctx, w.case_, la.ID, "igjen"), domain.ErrConflict, "status")
	v, err = w.svc.View(ctx, w.parent(late), la.ID)
	require.NoError(t, err)
	assert.Equal(t, admission.StatusRejected, v.Status)
	assert.Empty(t, v.Waiting)
	list, err = w.svc.WaitingList(ctx, w.case_, in.ID, b.ID, domain.Large)
	require.NoError(t, err)
	assert.Empty(t, list)
}

func testRemindAndWithdraw(t *testing.T, s AdmissionStore) {
	w := newWorld(t, s)
	ctx := w.ctx
	in, _, cs, as := w.round()
	w.clock.set(oslo(2025, time.March, 12, 9))
	run, err := w.svc.RunWithReason(ctx, w.case_, in.ID, 4, earlyRun)
	require.NoError(t, err)
	offers, err := w.svc.Approve(ctx, w.case_, run.ID)
	require.NoError(t, err)
	require.Len(t, offers, 3)

	n, err := w.svc.RemindOffers(ctx, w.system, oslo(2025, time.March, 18, 9), 48*time.Hour)
	require.NoError(t, err)
	assert.Zero(t, n, "more than two days left")
	n, err = w.svc.RemindOffers(ctx, w.system, oslo(2025, time.March, 19, 9), 48*time.Hour)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	for _, o := range offers {
		got := w.notices.of(admission.KindOfferLapsing, o.Child)
		require.Len(t, got, 1)
		assert.Equal(t, "offer.lapsing/"+o.ID.String(), got[0].Key)
		assert.Equal(t, "2025-03-20", got[0].Data["deadline"])
	}

	// Withdrawing an offered application declines its offer; the seat
	// goes to the first child waiting.
	waiting, err := w.svc.WaitingList(ctx, w.case_, in.ID, offers[0].Unit, domain.Large)
	require.NoError(t, err)
	require.NotEmpty(t, waiting)
	var owner domain.Child
	for i, a := range as {
		if a.ID == offers[0].Application {
			owner = cs[i]
		}
	}
	require.NoError(t, w.svc.Withdraw(ctx, w.parent(owner), offers[0].Application))
	o, err := s.Offer(ctx, Oslo, offers[0].ID)
	require.NoError(t, err)
	assert.Equal(t, admission.OfferDeclined, o.Status)
	next, err := s.ApplicationOffers(ctx, Oslo, waiting[0].Application)
	require.NoError(t, err)
	require.Len(t, next, 1)
	assert.Equal(t, admission.OfferOpen, next[0].Status)
	v, err := w.svc.View(ctx, w.parent(owner), offers[0].Application)
	require.NoError(t, err)
	assert.Equal(t, admission.StatusWithdrawn, v.Status)
}

func testSFOAndSchool(t *testing.T, s AdmissionStore) {
	w := newWorld(t, s)
	ctx := w.ctx
	school := w.f.unit(domain.School)
	school.Name = "Nordby skole"
	require.NoError(t, s.CreateUnit(ctx, school))
	sfo := w.f.unit(domain.SFO)
	sfo.Name, sfo.Parent = "Nordby SFO", school.ID
	require.NoError(t, s.CreateUnit(ctx, sfo))
	kg := w.unit("Solsikken")
	pupil := w.child(d(2019, time.June, 3)) // starts school in August 2025

	// School start: registration at the catchment school, no weekly hours.
	schoolIntake := admission.Intake{ID: domain.NewID[admission.Intake](), Municipality: Oslo, Name: "Skolestart 2025",
		Kind: domain.School, AdmissionYear: 2025, Deadline: d(2025, time.January, 15), Start: d(2025, time.August, 18),
		SmallWeight: 1, Seats: []admission.UnitSeats{{Unit: school.ID, Places: 60}}, AnswerDays: 14, MaxPreferences: 1}
	wrongKind := schoolIntake
	wrongKind.ID = domain.NewID[admission.Intake]()
	wrongKind.Seats = []admission.UnitSeats{{Unit: kg.ID, Places: 60}}
	requireField(t, w.svc.CreateIntake(ctx, w.case_, wrongKind), domain.ErrInvalid, "seats[0].unit")
	require.NoError(t, w.svc.CreateIntake(ctx, w.case_, schoolIntake))
	// SFO: after-school care at the pupil's school, from the first day.
	sfoIntake := schoolIntake
	sfoIntake.ID, sfoIntake.Name, sfoIntake.Kind = domain.NewID[admission.Intake](), "SFO 2025", domain.SFO
	sfoIntake.Seats = []admission.UnitSeats{{Unit: sfo.ID, Places: 40}}
	require.NoError(t, w.svc.CreateIntake(ctx, w.case_, sfoIntake))

	for _, tc := range []struct {
		in    admission.Intake
		unit  domain.Unit
		hours int
	}{{schoolIntake, school, 0}, {sfoIntake, sfo, 12}} {
		a, err := w.svc.Prefill(ctx, w.parent(pupil), tc.in.ID, pupil.ID)
		require.NoError(t, err)
		a.Preferences, a.Hours = []domain.UnitID{tc.unit.ID, kg.ID}, tc.hours
		_, err = w.svc.Apply(ctx, w.parent(pupil), a)
		requireField(t, err, domain.ErrInvalid, "preferences")
		a.Preferences = []domain.UnitID{tc.unit.ID}
		_, err = w.svc.Apply(ctx, w.parent(pupil), a)
		require.NoError(t, err)
		run, err := w.svc.RunWithReason(ctx, w.case_, tc.in.ID, 1, earlyRun)
		require.NoError(t, err)
		offers, err := w.svc.Approve(ctx, w.case_, run.ID)
		require.NoError(t, err)
		require.Len(t, offers, 1)
		pl, err := w.svc.Accept(ctx, w.parent(pupil), offers[0].ID)
		require.NoError(t, err)
		assert.Equal(t, tc.unit.Kind, pl.Kind)
		assert.Equal(t, tc.hours, pl.HoursPerWeek)
		assert.Equal(t, d(2025, time.August, 18), pl.Period.Start)
	}
	ps, err := s.Placements(ctx, Oslo, pupil.ID)
	require.NoError(t, err)
	assert.Len(t, ps, 2, "a school place and an SFO place")
	_, err = w.svc.Obligations(ctx, w.case_, sfoIntake.ID, admission.Month{Year: 2025, Month: time.August})
	requireField(t, err, domain.ErrInvalid, "intake")
}

// RunAdmissionBenchmarks measures approving a round at municipal scale:
// 10,000 applications to 300 kindergartens (12 % of the children in
// sibling families), run and stored as a draft before the timer starts;
// the timed part is admission.Service.Approve writing about 10,000 offers
// with their notices in one transaction (target under 5 s).
func RunAdmissionBenchmarks(b *testing.B, newStore func(b *testing.B) AdmissionStore) {
	b.Run("Approve10k", func(b *testing.B) { benchApprove(b, newStore(b)) })
}

const (
	benchApplications = 10_000
	benchUnits        = 300
)

func benchApprove(b *testing.B, s AdmissionStore) {
	ctx := context.Background()
	f := &fixture{m: Oslo}
	rng := rand.New(rand.NewPCG(1, 2))
	units := make([]domain.Unit, benchUnits)
	children := make([]domain.Child, benchApplications)
	must(b, s.Atomic(ctx, func(ctx context.Context) error {
		for i := range units {
			units[i] = f.unit(domain.Kindergarten)
			if err := s.CreateUnit(ctx, units[i]); err != nil {
				return err
			}
		}
		for i := range children {
			children[i] = benchChild(f, i)
			if rng.IntN(100) < 35 {
				children[i].BirthDate = date.New(2023, time.January, 1).AddDate(0, 0, rng.IntN(700))
			} else {
				children[i].BirthDate = date.New(2020, time.January, 1).AddDate(0, 0, rng.IntN(1095))
			}
			if err := s.CreateChild(ctx, children[i]); err != nil {
				return err
			}
		}
		return nil
	}))
	var notified int
	svc := &admission.Service{Store: s, Clock: domain.FixedClock(oslo(2025, time.March, 12, 9)),
		Notifier: domain.NotifierFunc(func(context.Context, domain.Notice) error { notified++; return nil })}
	caseworker := domain.CaseworkerActor(Oslo, "bench")
	births := map[domain.ChildID]date.Date{}
	for _, c := range children {
		births[c.ID] = c.BirthDate
	}
	b.ResetTimer()
	offers := 0
	for n := 0; n < b.N; n++ {
		b.StopTimer()
		in := admission.Intake{ID: domain.NewID[admission.Intake](), Municipality: Oslo, Name: fmt.Sprintf("Opptak %d", n),
			Kind: domain.Kindergarten, Main: true, AdmissionYear: 2025, Deadline: d(2025, time.March, 1), Start: d(2025, time.August, 1),
			Criteria: []admission.Criterion{admission.Statutory, admission.Sibling, admission.Tiebreak}, SmallWeight: 2,
			AnswerDays: 8, MaxPreferences: 5}
		for _, u := range units {
			in.Seats = append(in.Seats, admission.UnitSeats{Unit: u.ID, Places: 60, Small: 14})
		}
		apps := benchApplications10k(rng, in, children, units)
		run, err := admission.Compute(in, apps, births, uint64(n))
		if err != nil {
			b.Fatal(err)
		}
		run.ID, run.Created, run.CreatedBy = domain.NewID[admission.Run](), oslo(2025, time.March, 10, 9), "bench"
		must(b, s.Atomic(ctx, func(ctx context.Context) error {
			if err := s.CreateIntake(ctx, in); err != nil {
				return err
			}
			for _, a := range apps {
				if err := s.CreateApplication(ctx, a); err != nil {
					return err
				}
			}
			return s.CreateRun(ctx, run)
		}))
		b.StartTimer()
		os, err := svc.Approve(ctx, caseworker, run.ID)
		if err != nil {
			b.Fatal(err)
		}
		offers = len(os)
	}
	b.ReportMetric(float64(offers), "offers")
	if notified < offers {
		b.Fatalf("%d notices for %d offers", notified, offers)
	}
}

// benchApplications10k makes one application per child: five units near
// home, some popular units, 12 % of the children in families of two or
// three with a joint list.
func benchApplications10k(rng *rand.Rand, in admission.Intake, children []domain.Child, units []domain.Unit) []admission.Application {
	apps := make([]admission.Application, len(children))
	submitted := oslo(2025, time.February, 20, 12)
	for i, c := range children {
		home := rng.IntN(len(units))
		a := admission.Application{ID: domain.NewID[admission.Application](), Municipality: Oslo, Intake: in.ID, Child: c.ID,
			Start: in.Start, Hours: 41, Submitted: submitted}
		seen := map[int]bool{}
		for len(a.Preferences) < 5 {
			u := (home + int(rng.NormFloat64()*6) + 10*len(units)) % len(units)
			if len(a.Preferences) == 0 && rng.IntN(100) < 25 {
				u = rng.IntN(20)
			}
			if !seen[u] {
				seen[u] = true
				a.Preferences = append(a.Preferences, units[u].ID)
			}
		}
		if rng.IntN(100) < 10 {
			a.SiblingAt = []domain.UnitID{a.Preferences[rng.IntN(5)]}
		}
		if rng.IntN(100) < 2 {
			a.Statutory = admission.Claim{Claimed: true, Documented: admission.DocVerified}
		}
		apps[i] = a
	}
	// Families: consecutive children, 12 % of all, in pairs and some
	// triples, share the first member's list.
	for i := 0; i+3 <= len(apps) && i < len(apps)*12/100; {
		size := 2
		if rng.IntN(5) == 0 {
			size = 3
		}
		for j := 0; j < size; j++ {
			apps[i+j].Preferences = apps[i].Preferences
			for k := 0; k < size; k++ {
				if k != j {
					apps[i+j].Together = append(apps[i+j].Together, apps[i+k].Child)
				}
			}
		}
		i += size
	}
	return apps
}
