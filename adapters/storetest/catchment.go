package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
)

// testCatchmentRecords checks the catchment store port on its own: the
// table replaced whole and scoped by municipality, registrations and
// requests with their conflicts and references.
func testCatchmentRecords(t *testing.T, s AdmissionStore) {
	w := newWorld(t, s)
	ctx := w.ctx
	school := w.f.unit(domain.School)
	require.NoError(t, s.CreateUnit(ctx, school))
	other := w.f.unit(domain.School)
	require.NoError(t, s.CreateUnit(ctx, other))

	_, err := s.Catchment(ctx, Oslo)
	require.ErrorIs(t, err, domain.ErrNotFound, "no table loaded yet")
	c := admission.Catchment{Municipality: Oslo, Rows: []admission.CatchmentRow{
		{Street: "Storgata", From: 1, To: 99, Side: admission.SideOdd, Unit: school.ID},
		{Street: "Storgata", From: 2, To: 98, Side: admission.SideEven, Unit: other.ID},
	}, Changed: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), ChangedBy: "saksbehandler"}
	require.NoError(t, s.ReplaceCatchment(ctx, c))
	got, err := s.Catchment(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, c.Rows, got.Rows)
	assert.True(t, c.Changed.Equal(got.Changed))
	_, err = s.Catchment(ctx, Bergen)
	require.ErrorIs(t, err, domain.ErrNotFound, "another municipality's table is not ours")

	// Replaced whole: the second table is all there is.
	c.Rows = c.Rows[:1]
	require.NoError(t, s.ReplaceCatchment(ctx, c))
	got, err = s.Catchment(ctx, Oslo)
	require.NoError(t, err)
	assert.Len(t, got.Rows, 1)
	// An invalid table is refused and the stored one kept.
	bad := c
	bad.Rows = append(bad.Rows, admission.CatchmentRow{Street: " storgata ", From: 5, To: 5, Side: admission.SideAll, Unit: other.ID})
	requireField(t, s.ReplaceCatchment(ctx, bad), domain.ErrInvalid, "rows[1].from")
	got, err = s.Catchment(ctx, Oslo)
	require.NoError(t, err)
	assert.Len(t, got.Rows, 1)

	// Registrations.
	in := admission.Intake{ID: domain.NewID[admission.Intake](), Municipality: Oslo, Name: "Skolestart 2025",
		Kind: domain.School, AdmissionYear: 2025, Deadline: d(2025, time.January, 15), Start: d(2025, time.August, 18),
		SmallWeight: 1, Seats: []admission.UnitSeats{{Unit: school.ID, Places: 60}}, AnswerDays: 14, MaxPreferences: 1}
	require.NoError(t, w.svc.CreateIntake(ctx, w.case_, in))
	pupil := w.child(d(2019, time.March, 3))
	st := admission.SchoolStarter{Municipality: Oslo, Intake: in.ID, Child: pupil.ID, Catchment: school.ID, Unit: school.ID,
		Registered: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), RegisteredBy: "saksbehandler"}
	require.NoError(t, s.CreateSchoolStarter(ctx, st))
	requireField(t, s.CreateSchoolStarter(ctx, st), domain.ErrConflict, "child")
	missing := st
	missing.Intake = domain.NewID[admission.Intake]()
	requireField(t, s.CreateSchoolStarter(ctx, missing), domain.ErrInvalid, "intake")
	missing = st
	missing.Child = domain.NewID[domain.Child]()
	requireField(t, s.CreateSchoolStarter(ctx, missing), domain.ErrInvalid, "child")
	sts, err := s.SchoolStarters(ctx, Oslo, in.ID)
	require.NoError(t, err)
	require.Len(t, sts, 1)
	assert.Equal(t, school.ID, sts[0].Unit)
	sts, err = s.SchoolStarters(ctx, Bergen, in.ID)
	require.NoError(t, err)
	assert.Empty(t, sts)
	st.Unit = other.ID
	require.NoError(t, s.UpdateSchoolStarter(ctx, st))
	sts, err = s.ChildSchoolStarters(ctx, Oslo, pupil.ID)
	require.NoError(t, err)
	require.Len(t, sts, 1)
	assert.Equal(t, other.ID, sts[0].Unit)
	assert.Equal(t, school.ID, sts[0].Catchment)
	require.ErrorIs(t, s.UpdateSchoolStarter(ctx, missing), domain.ErrNotFound)

	// Requests.
	r := admission.SchoolRequest{ID: domain.NewID[admission.SchoolRequest](), Municipality: Oslo, Intake: in.ID, Child: pupil.ID,
		Unit: school.ID, Reason: "storesoster-gar-der", Asked: time.Date(2025, 1, 3, 3, 4, 5, 0, time.UTC), AskedBy: w.guardian[pupil.ID].ID}
	stranger := r
	stranger.ID, stranger.Child = domain.NewID[admission.SchoolRequest](), w.child(d(2019, time.May, 5)).ID
	requireField(t, s.CreateSchoolRequest(ctx, stranger), domain.ErrInvalid, "child")
	noUnit := r
	noUnit.ID, noUnit.Unit = domain.NewID[admission.SchoolRequest](), domain.NewID[domain.Unit]()
	requireField(t, s.CreateSchoolRequest(ctx, noUnit), domain.ErrInvalid, "unit")
	require.NoError(t, s.CreateSchoolRequest(ctx, r))
	second := r
	second.ID = domain.NewID[admission.SchoolRequest]()
	requireField(t, s.CreateSchoolRequest(ctx, second), domain.ErrConflict, "child")
	r.Decision, r.DecisionReason, r.Decided, r.DecidedBy = admission.RequestRefused, "Full klasse.", time.Date(2025, 1, 4, 0, 0, 0, 0, time.UTC), "saksbehandler"
	require.NoError(t, s.UpdateSchoolRequest(ctx, r))
	gotR, err := s.SchoolRequest(ctx, Oslo, r.ID)
	require.NoError(t, err)
	assert.Equal(t, admission.RequestRefused, gotR.Decision)
	assert.Equal(t, "Full klasse.", gotR.DecisionReason)
	_, err = s.SchoolRequest(ctx, Bergen, r.ID)
	require.ErrorIs(t, err, domain.ErrNotFound)
	rs, err := s.SchoolRequests(ctx, Oslo, in.ID)
	require.NoError(t, err)
	assert.Len(t, rs, 1)
	rs, err = s.ChildSchoolRequests(ctx, Oslo, pupil.ID)
	require.NoError(t, err)
	assert.Len(t, rs, 1)
	require.ErrorIs(t, s.UpdateSchoolRequest(ctx, second), domain.ErrNotFound)
	// Another request must name a valid decision.
	r.Decision = "maybe"
	requireField(t, s.UpdateSchoolRequest(ctx, r), domain.ErrInvalid, "decision")
}

// testSchoolStart runs school start through admission.Service: the table
// loaded from a file, the school starters registered by their addresses
// (idempotent), the catchment school pre-filled, and a request for another
// school granted and refused.
func testSchoolStart(t *testing.T, s AdmissionStore) {
	w := newWorld(t, s)
	ctx := w.ctx
	north := w.f.unit(domain.School)
	north.Name = "Nordby skole"
	require.NoError(t, s.CreateUnit(ctx, north))
	south := w.f.unit(domain.School)
	south.Name = "Sørby skole"
	require.NoError(t, s.CreateUnit(ctx, south))
	sfo := w.f.unit(domain.SFO)
	sfo.Name, sfo.Parent = "Sørby SFO", south.ID
	require.NoError(t, s.CreateUnit(ctx, sfo))
	file := "\ufeffgatenavn;fra_nr;til_nr;side;skole\n" +
		"Storgata;1;99;oddetall;Nordby skole\n" +
		"Storgata;2;98;partall;sørby skole\n" +
		"Bakken;;;begge;Nordby skole\n"
	// A bad file keeps nothing.
	_, err := w.svc.LoadCatchmentCSV(ctx, w.case_, strings.NewReader(file+"Bakken;1;3;begge;Nordby skole\n"))
	requireField(t, err, domain.ErrInvalid, "lines[5].fra_nr")
	c, err := w.svc.Catchment(ctx, w.case_)
	require.NoError(t, err)
	assert.Empty(t, c.Rows)
	_, err = w.svc.LoadCatchmentCSV(ctx, w.parentOf(t), strings.NewReader(file))
	require.ErrorIs(t, err, domain.ErrForbidden)
	c, err = w.svc.LoadCatchmentCSV(ctx, w.case_, strings.NewReader(file))
	require.NoError(t, err)
	require.Len(t, c.Rows, 3)

	in := admission.Intake{ID: domain.NewID[admission.Intake](), Municipality: Oslo, Name: "Skolestart 2025",
		Kind: domain.School, AdmissionYear: 2025, Deadline: d(2025, time.January, 15), Start: d(2025, time.August, 18),
		SmallWeight: 1, Seats: []admission.UnitSeats{{Unit: north.ID, Places: 60}, {Unit: south.ID, Places: 60}},
		AnswerDays: 14, MaxPreferences: 2}
	require.NoError(t, w.svc.CreateIntake(ctx, w.case_, in))
	sfoIntake := in
	sfoIntake.ID, sfoIntake.Kind, sfoIntake.Name = domain.NewID[admission.Intake](), domain.SFO, "SFO 2025"
	sfoIntake.Seats = []admission.UnitSeats{{Unit: sfo.ID, Places: 40}}
	require.NoError(t, w.svc.CreateIntake(ctx, w.case_, sfoIntake))

	home := func(street string) domain.Address {
		return domain.Address{Street: street, Postcode: "0150", PostTown: "OSLO", Municipality: Oslo}
	}
	at := func(birth time.Month, year int, a domain.Address, p domain.AddressProtection) domain.Child {
		c := w.child(d(year, birth, 10))
		c.Address, c.AddressProtection = a, p
		require.NoError(t, s.UpdateChild(ctx, c))
		return c
	}
	odd := at(time.January, 2019, home("Storgata 7"), domain.ProtectionNone)
	even := at(time.December, 2019, home("storgata  12 b"), domain.ProtectionNone)
	hidden := at(time.June, 2019, home("Bakken 3"), domain.ProtectionStrengtFortrolig)
	farm := at(time.May, 2019, domain.Address{Cadastral: "gnr. 12 bnr. 34", Postcode: "0150", PostTown: "OSLO", Municipality: Oslo}, domain.ProtectionNone)
	_ = at(time.May, 2018, home("Storgata 9"), domain.ProtectionNone)                                                                               // a year older
	_ = at(time.May, 2019, domain.Address{Street: "Storgata 9", Postcode: "5003", PostTown: "BERGEN", Municipality: Bergen}, domain.ProtectionNone) // lives elsewhere

	_, err = w.svc.RegisterSchoolStarters(ctx, w.parent(odd), in.ID)
	require.ErrorIs(t, err, domain.ErrForbidden)
	_, err = w.svc.RegisterSchoolStarters(ctx, w.case_, sfoIntake.ID)
	requireField(t, err, domain.ErrInvalid, "intake")
	res, err := w.svc.RegisterSchoolStarters(ctx, w.case_, in.ID)
	require.NoError(t, err)
	assert.Len(t, res.Added, 4)
	want := map[domain.ChildID]domain.UnitID{odd.ID: north.ID, even.ID: south.ID, hidden.ID: north.ID, farm.ID: {}}
	got := map[domain.ChildID]domain.UnitID{}
	for _, st := range res.All {
		got[st.Child] = st.Unit
	}
	assert.Equal(t, want, got)
	require.Len(t, res.Unmatched, 1)
	assert.Equal(t, farm.ID, res.Unmatched[0].Child)
	assert.Equal(t, admission.ReasonNoStreetAddress, res.Unmatched[0].Reason)
	// Again: nobody new.
	late := at(time.November, 2019, home("Storgata 8"), domain.ProtectionNone)
	res, err = w.svc.RegisterSchoolStarters(ctx, w.case_, in.ID)
	require.NoError(t, err)
	require.Len(t, res.Added, 1)
	assert.Equal(t, late.ID, res.Added[0].Child)
	assert.Len(t, res.All, 5)

	// Prefill: the catchment school, or its SFO.
	a, err := w.svc.Prefill(ctx, w.parent(even), in.ID, even.ID)
	require.NoError(t, err)
	assert.Equal(t, []domain.UnitID{south.ID}, a.Preferences)
	a, err = w.svc.Prefill(ctx, w.parent(even), sfoIntake.ID, even.ID)
	require.NoError(t, err)
	assert.Equal(t, []domain.UnitID{sfo.ID}, a.Preferences)
	a, err = w.svc.Prefill(ctx, w.parent(odd), sfoIntake.ID, odd.ID)
	require.NoError(t, err)
	assert.Empty(t, a.Preferences, "Nordby skole has no SFO in the intake")

	// Another school.
	ask := admission.SchoolRequest{Intake: in.ID, Child: odd.ID, Unit: south.ID, Reason: "sosken-gar-pa-sorby"}
	_, err = w.svc.AskOtherSchool(ctx, w.parent(even), ask)
	require.ErrorIs(t, err, domain.ErrForbidden, "only the child's own guardian")
	same := ask
	same.Unit = north.ID
	_, err = w.svc.AskOtherSchool(ctx, w.parent(odd), same)
	requireField(t, err, domain.ErrInvalid, "unit")
	blank := ask
	blank.Reason = "  "
	_, err = w.svc.AskOtherSchool(ctx, w.parent(odd), blank)
	requireField(t, err, domain.ErrInvalid, "reason")
	r, err := w.svc.AskOtherSchool(ctx, w.parent(odd), ask)
	require.NoError(t, err)
	assert.True(t, r.Open())
	_, err = w.svc.AskOtherSchool(ctx, w.parent(odd), ask)
	requireField(t, err, domain.ErrConflict, "child")
	_, err = w.svc.DecideSchoolRequest(ctx, w.parent(odd), r.ID, true, "")
	require.ErrorIs(t, err, domain.ErrForbidden)
	granted, err := w.svc.DecideSchoolRequest(ctx, w.case_, r.ID, true, "")
	require.NoError(t, err)
	assert.Equal(t, admission.RequestGranted, granted.Decision)
	assert.Equal(t, "saksbehandler", granted.DecidedBy)
	require.Len(t, w.notices.of(admission.KindSchoolRequestGranted, odd.ID), 1, "the guardians are told")
	_, err = w.svc.DecideSchoolRequest(ctx, w.case_, r.ID, false, "for sent")
	requireField(t, err, domain.ErrConflict, "decision")
	view, err := w.svc.ChildSchoolStart(ctx, w.parent(odd), odd.ID)
	require.NoError(t, err)
	require.Len(t, view.Starters, 1)
	assert.Equal(t, south.ID, view.Starters[0].Unit, "granted: the school asked for")
	assert.Equal(t, north.ID, view.Starters[0].Catchment)
	require.Len(t, view.Requests, 1)
	assert.Equal(t, admission.RequestGranted, view.Requests[0].Decision)

	// Refused: a reason is required, and the school stays.
	r2, err := w.svc.AskOtherSchool(ctx, w.parent(even), admission.SchoolRequest{Intake: in.ID, Child: even.ID, Unit: north.ID, Reason: "naermere-jobb"})
	require.NoError(t, err)
	_, err = w.svc.DecideSchoolRequest(ctx, w.case_, r2.ID, false, "")
	requireField(t, err, domain.ErrInvalid, "decisionReason")
	refused, err := w.svc.DecideSchoolRequest(ctx, w.case_, r2.ID, false, "Klassen er full.")
	require.NoError(t, err)
	assert.Equal(t, admission.RequestRefused, refused.Decision)
	require.Len(t, w.notices.of(admission.KindSchoolRequestRefused, even.ID), 1)
	assert.Equal(t, "Nordby skole", w.notices.of(admission.KindSchoolRequestRefused, even.ID)[0].Data["unit"])
	assert.Empty(t, w.notices.of(admission.KindSchoolRequestRefused, odd.ID))
	view, err = w.svc.ChildSchoolStart(ctx, w.parent(even), even.ID)
	require.NoError(t, err)
	assert.Equal(t, south.ID, view.Starters[0].Unit)
	rs, err := w.svc.SchoolRequests(ctx, w.case_, in.ID)
	require.NoError(t, err)
	assert.Len(t, rs, 2)
}

// parentOf is a guardian actor of a fresh child (for refusals).
func (w *world) parentOf(t *testing.T) domain.Actor {
	return w.parent(w.child(d(2019, time.February, 2)))
}
