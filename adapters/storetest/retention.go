package storetest

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// RetentionStore is what the retention suite needs: every port, to write
// the records that then expire, and the retention port.
type RetentionStore interface {
	Store
	domain.RetentionStore
	domain.ErasureStore
}

// Dump returns every column of every row of every table of the store as
// text, so that a test can search it for personal data.
type Dump func(t testing.TB) string

// RunRetention runs the retention suite (and erasure on request, which
// is refused while a place runs or an invoice naming the child is inside
// the bookkeeping period, and otherwise leaves nothing of the child in the
// dump): records of every kind written on
// one day expire, rule by rule, as the injected clock passes each rule's
// period; after each step a dump of every table (dump, given by the
// adapter's test) no longer holds the expired national IDs, e-mail
// addresses or message texts while the records still in their time stay;
// the audit log shows what each rule deleted, as counts; batches are
// bounded; another municipality is not touched.
func RunRetention(t *testing.T, newStore func(t *testing.T) (RetentionStore, Dump)) {
	t.Run("Lifecycle", func(t *testing.T) {
		s, dump := newStore(t)
		testRetentionLifecycle(t, s, dump)
	})
	t.Run("Erasure", func(t *testing.T) {
		s, dump := newStore(t)
		testErasure(t, s, dump)
	})
	t.Run("GuardianFeed", func(t *testing.T) {
		s, _ := newStore(t)
		testGuardianFeedExpires(t, s)
	})
}

// testGuardianFeedExpires: when retention anonymises a guardian, their
// calendar feed is deleted in the same transaction (its secret URL would
// otherwise go on serving the events of the children's units); a guardian
// still in care keeps theirs, and a transaction rolled back keeps both
// the name and the feed.
func testGuardianFeedExpires(t *testing.T, s RetentionStore) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	kg := f.unit(domain.Kindergarten)
	gone, staying := f.child(t), f.child(t)
	goneParent, stayingParent := f.guardian(t), f.guardian(t)
	require.NoError(t, s.Atomic(ctx, func(ctx context.Context) error {
		if err := s.CreateUnit(ctx, kg); err != nil {
			return err
		}
		for _, c := range []domain.Child{gone, staying} {
			if err := s.CreateChild(ctx, c); err != nil {
				return err
			}
		}
		for _, g := range []domain.Guardian{goneParent, stayingParent} {
			if err := s.CreateGuardian(ctx, g); err != nil {
				return err
			}
		}
		if err := s.PutGuardianship(ctx, domain.Guardianship{Municipality: Oslo, ChildID: gone.ID, GuardianID: goneParent.ID, ParentalResponsibility: true}); err != nil {
			return err
		}
		if err := s.PutGuardianship(ctx, domain.Guardianship{Municipality: Oslo, ChildID: staying.ID, GuardianID: stayingParent.ID, ParentalResponsibility: true}); err != nil {
			return err
		}
		if err := s.CreatePlacement(ctx, f.placement(gone, kg, d(2019, time.August, 1), d(2020, time.June, 30))); err != nil {
			return err
		}
		return s.CreatePlacement(ctx, f.placement(staying, kg, d(2019, time.August, 1), date.Zero))
	}))
	now := oslo(2024, time.January, 5, 9)
	goneFeed, goneToken := domain.NewEventFeed(Oslo, goneParent.ID, now)
	stayingFeed, stayingToken := domain.NewEventFeed(Oslo, stayingParent.ID, now)
	require.NoError(t, s.PutEventFeed(ctx, goneFeed))
	require.NoError(t, s.PutEventFeed(ctx, stayingFeed))
	cutoff := d(2025, time.January, 1)

	// Rolled back: the guardian keeps the name and the feed.
	rollback := errors.New("rolled back")
	err := s.Atomic(ctx, func(ctx context.Context) error {
		n, err := s.ExpireRecords(ctx, Oslo, domain.RecordPersons, cutoff, 100)
		if err != nil {
			return err
		}
		require.Equal(t, 2, n, "the child and the guardian")
		_, err = s.EventFeed(ctx, Oslo, goneParent.ID)
		require.True(t, domain.IsNotFound(err), "inside the transaction the feed is gone: %v", err)
		return rollback
	})
	require.ErrorIs(t, err, rollback)
	g, err := s.Guardian(ctx, Oslo, goneParent.ID)
	require.NoError(t, err)
	assert.Equal(t, goneParent.GivenName, g.GivenName)
	_, err = s.EventFeedByHash(ctx, Oslo, domain.HashFeedToken(goneToken))
	require.NoError(t, err, "the feed is back with the rollback")

	n, err := s.ExpireRecords(ctx, Oslo, domain.RecordPersons, cutoff, 100)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	g, err = s.Guardian(ctx, Oslo, goneParent.ID)
	require.NoError(t, err)
	assert.Equal(t, domain.ErasedName, g.GivenName)
	_, err = s.EventFeed(ctx, Oslo, goneParent.ID)
	assert.True(t, domain.IsNotFound(err), "the anonymised guardian's feed is deleted: %v", err)
	_, err = s.EventFeedByHash(ctx, Oslo, domain.HashFeedToken(goneToken))
	assert.True(t, domain.IsNotFound(err), "its secret URL finds nothing: %v", err)
	kept, err := s.EventFeedByHash(ctx, Oslo, domain.HashFeedToken(stayingToken))
	require.NoError(t, err)
	assert.Equal(t, stayingParent.ID, kept.Guardian, "a guardian still in care keeps the feed")
}

func testRetentionLifecycle(t *testing.T, s RetentionStore, dump Dump) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	day := d(2024, time.September, 2)
	written := oslo(2024, time.September, 2, 9)

	kg := f.unit(domain.Kindergarten)
	gone, kept, rejected := f.child(t), f.child(t), f.child(t)
	goneParent, keptParent := f.guardian(t), f.guardian(t)
	// The registered address goes with the person (anonymised with them).
	gone.Address = domain.Address{Street: "Utløpsveien 17", Postcode: "0150", PostTown: "OSLO"}
	goneParent.Address = gone.Address
	bf := &fixture{m: Bergen, seq: 50}
	bUnit := bf.unit(domain.Kindergarten)
	bChild, bParent := bf.child(t), bf.guardian(t)
	require.NoError(t, s.Atomic(ctx, func(ctx context.Context) error {
		for _, u := range []domain.Unit{kg, bUnit} {
			if err := s.CreateUnit(ctx, u); err != nil {
				return err
			}
		}
		for _, c := range []domain.Child{gone, kept, rejected, bChild} {
			if err := s.CreateChild(ctx, c); err != nil {
				return err
			}
		}
		for _, g := range []domain.Guardian{goneParent, keptParent, bParent} {
			if err := s.CreateGuardian(ctx, g); err != nil {
				return err
			}
		}
		for _, gs := range []domain.Guardianship{
			{Municipality: Oslo, ChildID: gone.ID, GuardianID: goneParent.ID, ParentalResponsibility: true, LivesWithChild: true},
			{Municipality: Oslo, ChildID: kept.ID, GuardianID: keptParent.ID, ParentalResponsibility: true, LivesWithChild: true},
			{Municipality: Oslo, ChildID: rejected.ID, GuardianID: keptParent.ID, ParentalResponsibility: true, LivesWithChild: true},
			{Municipality: Bergen, ChildID: bChild.ID, GuardianID: bParent.ID, ParentalResponsibility: true, LivesWithChild: true},
		} {
			if err := s.PutGuardianship(ctx, gs); err != nil {
				return err
			}
		}
		for _, p := range []domain.Placement{
			f.placement(gone, kg, d(2023, time.August, 1), d(2024, time.December, 31)),
			f.placement(kept, kg, d(2023, time.August, 1), date.Zero),
			bf.placement(bChild, bUnit, d(2020, time.August, 1), d(2021, time.June, 30)),
		} {
			if err := s.CreatePlacement(ctx, p); err != nil {
				return err
			}
		}
		return nil
	}))

	// A day of attendance for both Oslo children (and one in Bergen).
	checks := 0
	for _, c := range []struct {
		m     domain.Municipality
		child domain.ChildID
		unit  domain.UnitID
	}{{Oslo, gone.ID, kg.ID}, {Oslo, kept.ID, kg.ID}, {Bergen, bChild.ID, bUnit.ID}} {
		for i, kind := range []attendance.CheckKind{attendance.CheckIn, attendance.CheckOut} {
			ch := attendance.Check{ID: domain.NewID[attendance.Check](), Municipality: c.m, Key: domain.NewID[attendance.Check]().String(),
				ChildID: c.child, UnitID: c.unit, Kind: kind, At: written.Add(time.Duration(i*7) * time.Hour), Day: day, By: "ansatt-1"}
			_, _, err := s.AddCheck(ctx, ch)
			require.NoError(t, err)
			if c.m == Oslo {
				checks++
			}
		}
	}
	absenceNote := "Omgangssyke-notat-7731"
	require.NoError(t, s.AddAbsence(ctx, attendance.Absence{ID: domain.NewID[attendance.Absence](), Municipality: Oslo, ChildID: gone.ID,
		Period: domain.Period{Start: d(2024, time.September, 3), End: d(2024, time.September, 4)}, Reason: attendance.Sick,
		Note: absenceNote, ReportedBy: "guardian", ReportedAt: written}))

	// A thread about the child that goes, written now, and one about the
	// child that stays, written two years later.
	secret, fresh := "Hemmelig-melding-5521 om barnet", "Fersk-melding-8812 om barnet"
	author := messaging.Author{Role: domain.RoleGuardian, Subject: "foresatt", Guardian: goneParent.ID, Name: "Forelder"}
	thread := messaging.Thread{ID: domain.NewID[messaging.Thread](), Municipality: Oslo,
		About: messaging.About{Scope: messaging.ScopeChild, Child: gone.ID}, Unit: kg.ID, Subject: "Om barnet", Author: author, CreatedAt: written}
	require.NoError(t, s.CreateThread(ctx, thread,
		messaging.Message{ID: domain.NewID[messaging.Message](), Municipality: Oslo, Thread: thread.ID, Author: author, Body: secret, CreatedAt: written},
		[]messaging.Participant{{Municipality: Oslo, Thread: thread.ID, Guardian: goneParent.ID}}))
	later := oslo(2026, time.June, 1, 9)
	kAuthor := messaging.Author{Role: domain.RoleGuardian, Subject: "foresatt2", Guardian: keptParent.ID, Name: "Forelder"}
	kThread := messaging.Thread{ID: domain.NewID[messaging.Thread](), Municipality: Oslo,
		About: messaging.About{Scope: messaging.ScopeChild, Child: kept.ID}, Unit: kg.ID, Subject: "Om barnet", Author: kAuthor, CreatedAt: later}
	require.NoError(t, s.CreateThread(ctx, kThread,
		messaging.Message{ID: domain.NewID[messaging.Message](), Municipality: Oslo, Thread: kThread.ID, Author: kAuthor, Body: fresh, CreatedAt: later},
		[]messaging.Participant{{Municipality: Oslo, Thread: kThread.ID, Guardian: keptParent.ID}}))

	// The notification of the message, delivered by e-mail at once.
	notice := "Varsel-7719: " + secret
	dl := messaging.Delivery{ID: domain.NewID[messaging.Delivery](), Municipality: Oslo, Key: "msg/" + thread.ID.String(), Kind: "message",
		Guardian: goneParent.ID, Medium: messaging.Email, To: goneParent.Email, Language: "nb", Subject: "Ny melding", Body: notice,
		State: messaging.Pending, NextAt: written, CreatedAt: written}
	n, err := s.Enqueue(ctx, []messaging.Delivery{dl})
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.NoError(t, s.Settle(ctx, []messaging.Outcome{{Delivery: dl.ID, Municipality: Oslo, State: messaging.Sent, At: written.Add(time.Minute)}}))

	// An application that was rejected: it did not lead to a place.
	in := admission.Intake{ID: domain.NewID[admission.Intake](), Municipality: Oslo, Name: "Opptak 2024",
		Kind: domain.Kindergarten, Main: true, AdmissionYear: 2024, Deadline: d(2024, time.March, 1), Start: d(2024, time.August, 1),
		Criteria: []admission.Criterion{admission.Statutory, admission.Tiebreak}, SmallWeight: 2,
		Seats: []admission.UnitSeats{{Unit: kg.ID, Places: 10}}, AnswerDays: 8, MaxPreferences: 5}
	require.NoError(t, s.CreateIntake(ctx, in))
	app := admission.Application{ID: domain.NewID[admission.Application](), Municipality: Oslo, Intake: in.ID, Child: rejected.ID,
		Preferences: []domain.UnitID{kg.ID}, Start: in.Start, Hours: 41, Guardians: []domain.GuardianID{keptParent.ID},
		SubmittedBy: keptParent.ID, Submitted: oslo(2024, time.February, 20, 12),
		Rejected: oslo(2024, time.September, 5, 12), RejectReason: "not-resident"}
	require.NoError(t, s.CreateApplication(ctx, app))

	// An invoice of September 2024 to the parent of the child that goes.
	amount := decimal.RequireFromString("1500.00")
	month := billing.MonthOf(day)
	inv := billing.Invoice{ID: domain.NewID[billing.Invoice](), Municipality: Oslo, Month: month, Number: 1, KID: "0000000018",
		Payer: goneParent.ID, Issued: d(2024, time.September, 15), Due: d(2024, time.October, 1), Total: amount,
		Lines: []billing.Line{{Child: gone.ID, Kind: domain.Kindergarten, Item: billing.ItemFee, Month: month, Days: 21, DaysInMonth: 21,
			Gross: amount, Full: amount, Amount: amount}}}
	require.NoError(t, s.CreateInvoiceRun(ctx, billing.Run{Municipality: Oslo, Month: month, Made: d(2024, time.September, 15),
		Invoices: 1, FirstNumber: 1, LastNumber: 1, Total: amount}, []billing.Invoice{inv}))

	// Someone read the child's record.
	staff := domain.StaffActor(Oslo, "ansatt-1", kg.ID)
	require.NoError(t, s.AppendAudit(ctx, domain.NewAuditEntry(staff, written, "child.read", gone.ID, "")))

	goneIDs := []string{gone.NationalID.String(), goneParent.NationalID.String(), goneParent.Email, gone.Address.Street}
	keptIDs := []string{kept.NationalID.String(), keptParent.NationalID.String(), keptParent.Email,
		bChild.NationalID.String(), bParent.NationalID.String(), bParent.Email}
	everything := dump(t)
	for _, x := range append(append(goneIDs, keptIDs...), secret, fresh, notice, absenceNote) {
		require.Contains(t, everything, x, "the dump must hold what the test looks for")
	}

	rules := domain.RetentionRules()
	clock := &testClock{}
	job := domain.Retention{Store: s, Clock: clock, Batch: 3}
	run := func(at time.Time) map[string]int {
		t.Helper()
		clock.set(at)
		res, err := job.Run(ctx, Oslo, rules)
		require.NoError(t, err)
		got := map[string]int{}
		for _, r := range res {
			if r.Count > 0 {
				got[r.Rule] = r.Count
			}
		}
		return got
	}
	missing := func(what ...string) {
		t.Helper()
		all := dump(t)
		for _, x := range what {
			assert.NotContains(t, all, x)
		}
	}
	present := func(what ...string) {
		t.Helper()
		all := dump(t)
		for _, x := range what {
			assert.Contains(t, all, x)
		}
	}

	// The next day nothing has passed its time.
	assert.Empty(t, run(oslo(2024, time.September, 3, 3)))

	// A year and a month later: attendance, absences, the outbox's contents
	// and address, and the rejected application are gone; the messages
	// (two years) are not.
	assert.Equal(t, map[string]int{"attendance-checks": checks, "absences": 1, "outbox-contents": 1, "applications-without-place": 1},
		run(oslo(2025, time.October, 6, 3)))
	missing(absenceNote, notice)
	present(secret, fresh)
	_, err = s.Application(ctx, Oslo, app.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	ds, err := s.Deliveries(ctx, Oslo)
	require.NoError(t, err)
	require.Len(t, ds, 1)
	assert.Equal(t, messaging.Sent, ds[0].State, "the receipt stays")
	assert.Equal(t, domain.ErasedName, ds[0].To)
	bDay, err := s.UnitDay(ctx, Bergen, bUnit.ID, day)
	require.NoError(t, err)
	assert.NotEmpty(t, bDay.Checks, "another municipality's attendance is not touched")

	// Two years and a month: the message and its thread are gone, the
	// later one stays.
	assert.Equal(t, map[string]int{"messages": 2}, run(oslo(2026, time.October, 6, 3)))
	missing(secret)
	present(fresh)
	_, err = s.Thread(ctx, Oslo, thread.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)

	// 2028: the place ended more than three years ago, but the invoice of
	// 2024 is inside the bookkeeping period and names the child and the
	// payer, so neither is anonymised yet.
	assert.Empty(t, run(oslo(2028, time.January, 3, 3)))
	present(goneIDs...)

	// The last day of 2029 the invoice still stays (five years after the
	// end of 2024), while the later message has passed its two years and
	// the audit entry of 2024 its five; on 1 January 2030 the invoice goes,
	// and with it the last record needing the child and the parent, who
	// are anonymised the same night.
	assert.Equal(t, map[string]int{"messages": 2, "audit-log": 1}, run(oslo(2029, time.December, 31, 3)))
	present(goneIDs...)
	missing(fresh)
	assert.Equal(t, map[string]int{"invoices": 1, "persons": 2}, run(oslo(2030, time.January, 1, 3)))
	missing(goneIDs...)
	present(keptIDs...)
	c, err := s.Child(ctx, Oslo, gone.ID)
	require.NoError(t, err)
	assert.Equal(t, domain.ErasedName, c.GivenName)
	assert.True(t, c.NationalID.IsZero())
	assert.Equal(t, gone.BirthDate.Year(), c.BirthDate.Year())
	g, err := s.Guardian(ctx, Oslo, goneParent.ID)
	require.NoError(t, err)
	assert.Equal(t, domain.ErasedName, g.FamilyName)
	assert.Empty(t, g.Email)
	assert.Empty(t, g.Phone)
	k, err := s.Child(ctx, Oslo, kept.ID)
	require.NoError(t, err)
	assert.Equal(t, kept.NationalID, k.NationalID, "a child with a place is kept")

	// Nothing more to do; the next run finds nothing.
	assert.Empty(t, run(oslo(2030, time.January, 2, 3)))

	// The audit log says what went, by which rule, in batches of at most
	// three, and nothing about whom.
	entries, err := s.AuditEntries(ctx, Oslo, domain.ChildID{}, domain.AuditID{}, 1000)
	require.NoError(t, err)
	byRule := map[string]int{}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Record, "retention/")
		if !ok {
			continue
		}
		assert.Equal(t, domain.RoleSystem, e.Actor.Role)
		assert.True(t, e.ChildID.IsZero())
		assert.Contains(t, []string{"retention.delete", "retention.anonymise"}, e.Action)
		rule, q, _ := strings.Cut(rest, "?")
		countText, _, _ := strings.Cut(strings.TrimPrefix(q, "count="), "&")
		n, err := strconv.Atoi(countText)
		require.NoError(t, err, e.Record)
		assert.LessOrEqual(t, n, 3, "one batch is at most Batch records")
		byRule[rule] += n
		for _, x := range append(goneIDs, secret, notice) {
			assert.NotContains(t, e.Record, x)
		}
	}
	assert.Equal(t, map[string]int{"attendance-checks": checks, "absences": 1, "outbox-contents": 1,
		"applications-without-place": 1, "messages": 4, "invoices": 1, "persons": 2, "audit-log": 1}, byRule)
	bEntries, err := s.AuditEntries(ctx, Bergen, domain.ChildID{}, domain.AuditID{}, 10)
	require.NoError(t, err)
	assert.Empty(t, bEntries)
}

func testErasure(t *testing.T, s RetentionStore, dump Dump) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	kg := f.unit(domain.Kindergarten)
	placed, billed := f.child(t), f.child(t)
	parent := f.guardian(t)
	require.NoError(t, s.Atomic(ctx, func(ctx context.Context) error {
		if err := s.CreateUnit(ctx, kg); err != nil {
			return err
		}
		for _, c := range []domain.Child{placed, billed} {
			if err := s.CreateChild(ctx, c); err != nil {
				return err
			}
		}
		if err := s.CreateGuardian(ctx, parent); err != nil {
			return err
		}
		if err := s.PutGuardianship(ctx, domain.Guardianship{Municipality: Oslo, ChildID: billed.ID, GuardianID: parent.ID, ParentalResponsibility: true}); err != nil {
			return err
		}
		if err := s.CreatePlacement(ctx, f.placement(placed, kg, d(2024, time.August, 1), date.Zero)); err != nil {
			return err
		}
		return s.CreatePlacement(ctx, f.placement(billed, kg, d(2024, time.August, 1), d(2024, time.December, 31)))
	}))
	note := "Sykdomsnotat-4411"
	require.NoError(t, s.AddAbsence(ctx, attendance.Absence{ID: domain.NewID[attendance.Absence](), Municipality: Oslo, ChildID: billed.ID,
		Period: domain.Period{Start: d(2024, time.October, 1), End: d(2024, time.October, 1)}, Reason: attendance.Sick,
		Note: note, ReportedBy: "guardian", ReportedAt: oslo(2024, time.October, 1, 8)}))
	secret := "Samtale-9931 om barnet"
	author := messaging.Author{Role: domain.RoleGuardian, Subject: "foresatt", Guardian: parent.ID}
	th := messaging.Thread{ID: domain.NewID[messaging.Thread](), Municipality: Oslo,
		About: messaging.About{Scope: messaging.ScopeChild, Child: billed.ID}, Unit: kg.ID, Subject: "Om barnet", Author: author, CreatedAt: oslo(2024, time.October, 2, 9)}
	require.NoError(t, s.CreateThread(ctx, th,
		messaging.Message{ID: domain.NewID[messaging.Message](), Municipality: Oslo, Thread: th.ID, Author: author, Body: secret, CreatedAt: th.CreatedAt},
		[]messaging.Participant{{Municipality: Oslo, Thread: th.ID, Guardian: parent.ID}}))
	amount := decimal.RequireFromString("980.00")
	month := billing.MonthOf(d(2024, time.October, 1))
	require.NoError(t, s.CreateInvoiceRun(ctx, billing.Run{Municipality: Oslo, Month: month, Made: d(2024, time.October, 15),
		Invoices: 1, FirstNumber: 1, LastNumber: 1, Total: amount}, []billing.Invoice{{ID: domain.NewID[billing.Invoice](), Municipality: Oslo,
		Month: month, Number: 1, KID: "0000000018", Payer: parent.ID, Issued: d(2024, time.October, 15), Due: d(2024, time.November, 1), Total: amount,
		Lines: []billing.Line{{Child: billed.ID, Kind: domain.Kindergarten, Item: billing.ItemFee, Month: month, Days: 23, DaysInMonth: 23,
			Gross: amount, Full: amount, Amount: amount}}}}))
	issued, err := s.ChildInvoiced(ctx, Oslo, billed.ID)
	require.NoError(t, err)
	assert.Equal(t, d(2024, time.October, 15), issued)
	none, err := s.ChildInvoiced(ctx, Oslo, placed.ID)
	require.NoError(t, err)
	assert.Equal(t, date.Zero, none)

	// A school start with a guardian's request for another school, whose
	// reasons are the family's own words.
	school, other := f.unit(domain.School), f.unit(domain.School)
	require.NoError(t, s.CreateUnit(ctx, school))
	require.NoError(t, s.CreateUnit(ctx, other))
	start := admission.Intake{ID: domain.NewID[admission.Intake](), Municipality: Oslo, Name: "Skolestart 2025",
		Kind: domain.School, AdmissionYear: 2025, Deadline: d(2025, time.January, 15), Start: d(2025, time.August, 18),
		SmallWeight: 1, Seats: []admission.UnitSeats{{Unit: school.ID, Places: 60}}, AnswerDays: 14, MaxPreferences: 1}
	require.NoError(t, s.CreateIntake(ctx, start))
	require.NoError(t, s.CreateSchoolStarter(ctx, admission.SchoolStarter{Municipality: Oslo, Intake: start.ID, Child: billed.ID,
		Catchment: school.ID, Unit: school.ID, Registered: oslo(2025, time.January, 2, 9), RegisteredBy: "saksbehandler"}))
	wish := "Skoleønske-5521"
	require.NoError(t, s.CreateSchoolRequest(ctx, admission.SchoolRequest{ID: domain.NewID[admission.SchoolRequest](), Municipality: Oslo,
		Intake: start.ID, Child: billed.ID, Unit: other.ID, Reason: wish, Asked: oslo(2025, time.January, 3, 9), AskedBy: parent.ID}))

	clock := &testClock{}
	clock.set(oslo(2026, time.March, 2, 10))
	er := domain.Erasure{Store: s, Clock: clock}
	caseworker := domain.CaseworkerActor(Oslo, "saksbehandler")
	// A child with a place that runs is not erased; nor one named on an
	// invoice of 2024 before 2030; nor by a guardian.
	requireField(t, er.Erase(ctx, caseworker, placed.ID), domain.ErrInvalid, "child")
	err = er.Erase(ctx, caseworker, placed.ID)
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, domain.ReasonActivePlacement, ve.Fields[0].Reason)
	err = er.Erase(ctx, caseworker, billed.ID)
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, domain.ReasonBookkeepingPeriod, ve.Fields[0].Reason)
	assert.ErrorIs(t, er.Erase(ctx, domain.GuardianActor(Oslo, parent.ID), billed.ID), domain.ErrForbidden)
	assert.ErrorIs(t, er.Erase(ctx, caseworker, domain.NewID[domain.Child]()), domain.ErrNotFound)
	all := dump(t)
	for _, x := range []string{billed.NationalID.String(), note, secret, placed.NationalID.String(), wish} {
		assert.Contains(t, all, x, "a refused erasure changes nothing")
	}

	// In 2030 the bookkeeping period of 2024 is over: the child is erased,
	// the other child (still placed) is not, and the audit log says who
	// erased whom.
	clock.set(oslo(2030, time.January, 2, 10))
	// A list that showed both children before: its mention of the erased
	// child stays, as the child's own entries do (the ID says nothing once
	// the data is gone; the log proves who read what).
	list := domain.NewListAuditEntry(caseworker, oslo(2030, time.January, 2, 9), "children.list", "", []domain.ChildID{billed.ID, placed.ID})
	require.NoError(t, s.AppendAudit(ctx, list))
	require.NoError(t, er.Erase(ctx, caseworker, billed.ID))
	all = dump(t)
	for _, x := range []string{billed.NationalID.String(), note, secret, wish} {
		assert.NotContains(t, all, x)
	}
	assert.Contains(t, all, placed.NationalID.String())
	c, err := s.Child(ctx, Oslo, billed.ID)
	require.NoError(t, err)
	assert.Equal(t, domain.ErasedName, c.GivenName)
	entries, err := s.AuditEntries(ctx, Oslo, billed.ID, domain.AuditID{}, 10)
	require.NoError(t, err)
	require.Len(t, entries, 2)
	assert.Equal(t, "child.erase", entries[0].Action)
	assert.Equal(t, "saksbehandler", entries[0].Actor.Subject)
	assert.Equal(t, list.ID, entries[1].ID, "the list's mention of the erased child stays")
	all2, err := s.AuditEntries(ctx, Oslo, domain.ChildID{}, domain.AuditID{}, 10)
	require.NoError(t, err)
	for _, e := range all2 {
		if e.ID == list.ID {
			assert.Equal(t, list.Children, e.Children, "the list still names both")
		}
	}
}
