package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/specialed"
)

// SpecialEdStore is a store with the directory and special education.
type SpecialEdStore interface {
	domain.Store
	specialed.Store
}

// RunSpecialEd runs the special-education suite against stores made by
// newStore: PPT services, cases with optimistic versions, their history,
// versioned documents, attachments with their content, reminders kept
// once per key, the special needs a decision gives for SFO, isolation by
// municipality, invalid input refused before anything is written, and a
// rolled back transaction that keeps nothing.
func RunSpecialEd(t *testing.T, newStore func(t *testing.T) SpecialEdStore) {
	t.Run("PPT", func(t *testing.T) { testSpecialEdPPT(t, newStore(t)) })
	t.Run("Cases", func(t *testing.T) { testSpecialEdCases(t, newStore(t)) })
	t.Run("Records", func(t *testing.T) { testSpecialEdRecords(t, newStore(t)) })
	t.Run("SpecialNeeds", func(t *testing.T) { testSpecialNeeds(t, newStore(t)) })
	t.Run("Retention", func(t *testing.T) { testSpecialEdRetention(t, newStore(t)) })
}

// testSpecialEdRetention runs when the store also implements the
// retention and erasure ports: a case that ended is deleted with all that
// hangs on it once the cutoff passes its end, an open case never, and
// erasing a child deletes the child's cases.
func testSpecialEdRetention(t *testing.T, s SpecialEdStore) {
	rs, ok := s.(domain.RetentionStore)
	es, ok2 := s.(domain.ErasureStore)
	if !ok || !ok2 {
		t.Log("the store has no retention or erasure port")
		return
	}
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	_, ended := seCase(t, s, f)
	openChild, open := seCase(t, s, f)
	by := specialed.Actor{Role: domain.RoleStaff, Subject: "lærer@skole.no"}
	for _, k := range []specialed.Case{ended, open} {
		require.NoError(t, s.AppendEntry(ctx, specialed.Entry{ID: domain.NewID[specialed.Entry](), Municipality: Oslo, Case: k.ID,
			Step: specialed.StepConcern, Day: d(2026, 9, 1), At: oslo(2026, 9, 1, 9), By: by, Text: "hemmelig bekymring"}))
		require.NoError(t, s.SaveDocument(ctx, specialed.Document{Municipality: Oslo, Case: k.ID, Kind: specialed.DocPlan, Version: 1,
			Title: "IOP", Body: "Plan.", By: by, At: oslo(2026, 9, 2, 9)}))
		require.NoError(t, s.AddAttachment(ctx, specialed.Attachment{ID: domain.NewID[specialed.Attachment](), Municipality: Oslo, Case: k.ID,
			Name: "a.pdf", MediaType: "application/pdf", Size: 1, Content: []byte{1}, By: by, At: oslo(2026, 9, 2, 9)}))
		_, err := s.PutReminder(ctx, specialed.Reminder{Municipality: Oslo, Key: "k/" + k.ID.String(), Case: k.ID, Step: specialed.StepConsent,
			Due: d(2026, 9, 15), To: "g", At: oslo(2026, 9, 2, 6)})
		require.NoError(t, err)
	}
	ended.Last, ended.Ended, ended.Version = specialed.StepEnd, d(2027, 6, 20), 2
	require.NoError(t, s.UpdateCase(ctx, ended))

	n, err := rs.ExpireRecords(ctx, Oslo, domain.RecordSpecialEd, d(2027, 6, 20), 10)
	require.NoError(t, err)
	assert.Equal(t, 0, n, "the day it ended is kept")
	n, err = rs.ExpireRecords(ctx, Bergen, domain.RecordSpecialEd, d(2040, 1, 1), 10)
	require.NoError(t, err)
	assert.Equal(t, 0, n, "another municipality's job touches nothing here")
	n, err = rs.ExpireRecords(ctx, Oslo, domain.RecordSpecialEd, d(2040, 1, 1), 10)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "only the ended case")
	_, err = s.Case(ctx, Oslo, ended.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	for _, id := range []specialed.CaseID{ended.ID} {
		e, err := s.Entries(ctx, Oslo, id)
		require.NoError(t, err)
		assert.Empty(t, e)
		ds, err := s.Documents(ctx, Oslo, id)
		require.NoError(t, err)
		assert.Empty(t, ds)
		as, err := s.Attachments(ctx, Oslo, id)
		require.NoError(t, err)
		assert.Empty(t, as)
		rems, err := s.Reminders(ctx, Oslo, id)
		require.NoError(t, err)
		assert.Empty(t, rems)
	}
	e, err := s.Entries(ctx, Oslo, open.ID)
	require.NoError(t, err)
	assert.Len(t, e, 1, "an open case stays")

	require.NoError(t, es.EraseChild(ctx, Oslo, openChild.ID))
	_, err = s.Case(ctx, Oslo, open.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound, "erasure deletes the child's cases")
	left, err := s.Cases(ctx, Oslo, false)
	require.NoError(t, err)
	assert.Empty(t, left)
}

func testSpecialEdPPT(t *testing.T, s SpecialEdStore) {
	ctx := ctxFor(t)
	b := specialed.PPT{ID: domain.NewID[specialed.PPT](), Municipality: Oslo, Name: "PPT Sør", Members: []string{"a@ppt.no"}}
	a := specialed.PPT{ID: domain.NewID[specialed.PPT](), Municipality: Oslo, Name: "PPT Nord", Members: []string{"b@ppt.no"}}
	require.NoError(t, s.CreatePPT(ctx, b))
	require.NoError(t, s.CreatePPT(ctx, a))
	var ce *domain.ConflictError
	require.ErrorAs(t, s.CreatePPT(ctx, a), &ce)
	assert.Equal(t, "id", ce.Field)
	var ve *domain.ValidationError
	require.ErrorAs(t, s.CreatePPT(ctx, specialed.PPT{ID: domain.NewID[specialed.PPT](), Municipality: Oslo}), &ve)
	assert.True(t, ve.Has("name"))

	got, err := s.PPTs(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, []specialed.PPT{a, b}, got, "by name")
	a.Members = append(a.Members, "c@ppt.no")
	require.NoError(t, s.UpdatePPT(ctx, a))
	one, err := s.PPT(ctx, Oslo, a.ID)
	require.NoError(t, err)
	assert.Equal(t, a, one)
	_, err = s.PPT(ctx, Bergen, a.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound, "scoped by municipality")
	assert.ErrorIs(t, s.UpdatePPT(ctx, specialed.PPT{ID: domain.NewID[specialed.PPT](), Municipality: Oslo, Name: "x"}), domain.ErrNotFound)
}

// seCase writes a child placed at a school and returns an open case of it.
func seCase(t *testing.T, s SpecialEdStore, f *fixture) (domain.Child, specialed.Case) {
	t.Helper()
	ctx := ctxFor(t)
	c := f.child(t)
	u := f.unit(domain.School)
	require.NoError(t, s.Atomic(ctx, func(ctx context.Context) error {
		return errors.Join(s.CreateChild(ctx, c), s.CreateUnit(ctx, u))
	}))
	k := specialed.Case{ID: domain.NewID[specialed.Case](), Municipality: f.m, Child: c.ID, Unit: u.ID, Setting: specialed.School,
		Staff: []string{"lærer@skole.no"}, Last: specialed.StepConcern, LastDay: d(2026, 9, 1),
		Days: map[specialed.StepID]date.Date{specialed.StepConcern: d(2026, 9, 1)}, Opened: oslo(2026, 9, 1, 9), Version: 1}
	require.NoError(t, s.CreateCase(ctx, k))
	return c, k
}

func testSpecialEdCases(t *testing.T, s SpecialEdStore) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	child, k := seCase(t, s, f)

	got, err := s.Case(ctx, Oslo, k.ID)
	require.NoError(t, err)
	assert.Equal(t, k.ID, got.ID)
	assert.Equal(t, k.Days, got.Days)
	assert.True(t, k.Opened.Equal(got.Opened))
	_, err = s.Case(ctx, Bergen, k.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)

	var ce *domain.ConflictError
	require.ErrorAs(t, s.CreateCase(ctx, k), &ce)
	assert.Equal(t, "id", ce.Field)
	orphan := k
	orphan.ID, orphan.Child = domain.NewID[specialed.Case](), domain.NewID[domain.Child]()
	var ve *domain.ValidationError
	require.ErrorAs(t, s.CreateCase(ctx, orphan), &ve)
	assert.True(t, ve.Has("child"))

	// Optimistic versions: the next version is kept, a stale one is a
	// conflict, an unknown case is not found.
	next := k
	next.Last, next.Version = specialed.StepConsent, 2
	require.NoError(t, s.UpdateCase(ctx, next))
	require.ErrorAs(t, s.UpdateCase(ctx, next), &ce)
	assert.Equal(t, "version", ce.Field)
	unknown := next
	unknown.ID = domain.NewID[specialed.Case]()
	assert.ErrorIs(t, s.UpdateCase(ctx, unknown), domain.ErrNotFound)

	// Open cases only, and the child's cases.
	_, other := seCase(t, s, f)
	ended := other
	ended.Last, ended.Ended, ended.Version = specialed.StepEnd, d(2026, 12, 1), 2
	require.NoError(t, s.UpdateCase(ctx, ended))
	all, err := s.Cases(ctx, Oslo, false)
	require.NoError(t, err)
	assert.Len(t, all, 2)
	open, err := s.Cases(ctx, Oslo, true)
	require.NoError(t, err)
	require.Len(t, open, 1)
	assert.Equal(t, k.ID, open[0].ID)
	mine, err := s.ChildCases(ctx, Oslo, child.ID)
	require.NoError(t, err)
	require.Len(t, mine, 1)
	assert.Equal(t, specialed.StepConsent, mine[0].Last)
	none, err := s.Cases(ctx, Bergen, false)
	require.NoError(t, err)
	assert.Empty(t, none)

	// A rolled back transaction keeps nothing.
	boom := errors.New("boom")
	err = s.Atomic(ctx, func(ctx context.Context) error {
		rolled := next
		rolled.Version = 3
		if err := s.UpdateCase(ctx, rolled); err != nil {
			return err
		}
		return boom
	})
	require.ErrorIs(t, err, boom)
	got, err = s.Case(ctx, Oslo, k.ID)
	require.NoError(t, err)
	assert.Equal(t, 2, got.Version)
}

func testSpecialEdRecords(t *testing.T, s SpecialEdStore) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	_, k := seCase(t, s, f)
	by := specialed.Actor{Role: domain.RoleStaff, Subject: "lærer@skole.no", Name: "Lise"}

	// Entries in the order they were recorded.
	var ids []specialed.EntryID
	for i, step := range []specialed.StepID{specialed.StepConcern, specialed.StepConsent, specialed.StepReferral} {
		e := specialed.Entry{ID: domain.NewID[specialed.Entry](), Municipality: Oslo, Case: k.ID, Step: step, Day: d(2026, 9, 1+i),
			At: oslo(2026, 9, 1+i, 10), By: by, Text: "tekst\nmed linjeskift"}
		require.NoError(t, s.AppendEntry(ctx, e))
		ids = append(ids, e.ID)
	}
	es, err := s.Entries(ctx, Oslo, k.ID)
	require.NoError(t, err)
	require.Len(t, es, 3)
	for i, e := range es {
		assert.Equal(t, ids[i], e.ID)
	}
	assert.Equal(t, "tekst\nmed linjeskift", es[0].Text)
	var ve *domain.ValidationError
	require.ErrorAs(t, s.AppendEntry(ctx, specialed.Entry{ID: domain.NewID[specialed.Entry](), Municipality: Oslo,
		Case: domain.NewID[specialed.Case](), Step: specialed.StepPlan, Day: d(2026, 9, 9), At: oslo(2026, 9, 9, 9), By: by}), &ve)
	assert.True(t, ve.Has("case"))
	none, err := s.Entries(ctx, Bergen, k.ID)
	require.NoError(t, err)
	assert.Empty(t, none)

	// Documents: each version one more than the latest of its kind.
	doc := func(kind specialed.DocumentKind, v int) specialed.Document {
		return specialed.Document{Municipality: Oslo, Case: k.ID, Kind: kind, Version: v, Title: "IOP", Body: "Mål og innhold.", By: by, At: oslo(2026, 10, 1, 9)}
	}
	require.NoError(t, s.SaveDocument(ctx, doc(specialed.DocPlan, 1)))
	require.NoError(t, s.SaveDocument(ctx, doc(specialed.DocPlan, 2)))
	require.NoError(t, s.SaveDocument(ctx, doc(specialed.DocAssessment, 1)))
	var ce *domain.ConflictError
	for _, v := range []int{2, 4} {
		require.ErrorAs(t, s.SaveDocument(ctx, doc(specialed.DocPlan, v)), &ce, "version %d", v)
		assert.Equal(t, "version", ce.Field)
	}
	ds, err := s.Documents(ctx, Oslo, k.ID)
	require.NoError(t, err)
	var got []string
	for _, d := range ds {
		got = append(got, string(d.Kind)+"/"+string(rune('0'+d.Version)))
	}
	assert.Equal(t, []string{"assessment/1", "plan/1", "plan/2"}, got)

	// Attachments keep their bytes; the list leaves them out.
	content := []byte{0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x10}
	a := specialed.Attachment{ID: domain.NewID[specialed.Attachment](), Municipality: Oslo, Case: k.ID, Name: "erklæring.pdf",
		MediaType: "application/pdf", Size: len(content), Content: content, By: by, At: oslo(2026, 10, 2, 9)}
	require.NoError(t, s.AddAttachment(ctx, a))
	back, err := s.Attachment(ctx, Oslo, a.ID)
	require.NoError(t, err)
	assert.Equal(t, content, back.Content)
	assert.Equal(t, "erklæring.pdf", back.Name)
	_, err = s.Attachment(ctx, Bergen, a.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	list, err := s.Attachments(ctx, Oslo, k.ID)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Nil(t, list[0].Content)

	// Reminders: once per key, inside a transaction too.
	r := specialed.Reminder{Municipality: Oslo, Key: "special-education.waiting/" + k.ID.String() + "/consent/2026-09-15/g1",
		Case: k.ID, Step: specialed.StepConsent, Due: d(2026, 9, 15), To: "g1", At: oslo(2026, 9, 2, 6)}
	added, err := s.PutReminder(ctx, r)
	require.NoError(t, err)
	assert.True(t, added)
	require.NoError(t, s.Atomic(ctx, func(ctx context.Context) error {
		added, err = s.PutReminder(ctx, r)
		return err
	}))
	assert.False(t, added, "the same key is kept once")
	rs, err := s.Reminders(ctx, Oslo, k.ID)
	require.NoError(t, err)
	assert.Len(t, rs, 1)
}

func testSpecialNeeds(t *testing.T, s SpecialEdStore) {
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	child, k := seCase(t, s, f)
	_, refused := seCase(t, s, f)
	granted := specialed.Provision{Outcome: specialed.Granted, Kind: specialed.AdaptedEducation,
		Hours:        []specialed.Hours{{Provider: specialed.Teacher, PerWeek: decimal.NewFromInt(4)}},
		Organisation: "I gruppe", From: d(2026, 10, 1), To: d(2027, 6, 20)}
	k.Decision, k.Last, k.Version = &granted, specialed.StepDecision, 2
	require.NoError(t, s.UpdateCase(ctx, k))
	no := specialed.Provision{Outcome: specialed.Refused}
	refused.Decision, refused.Last, refused.Version = &no, specialed.StepDecision, 2
	require.NoError(t, s.UpdateCase(ctx, refused))

	month := func(y int, m time.Month) domain.Period {
		return domain.Period{Start: d(y, m, 1), End: date.New(y, m+1, 1).AddDate(0, 0, -1)}
	}
	for _, tc := range []struct {
		within domain.Period
		want   bool
	}{
		{month(2026, time.September), false},
		{month(2026, time.October), true},
		{month(2027, time.June), true},
		{month(2027, time.July), false},
		{domain.Period{Start: d(2027, 6, 20)}, true},
	} {
		needs, err := s.SpecialNeeds(ctx, Oslo, tc.within)
		require.NoError(t, err)
		if !tc.want {
			assert.Empty(t, needs, "%v", tc.within)
			continue
		}
		require.Len(t, needs, 1, "%v", tc.within)
		assert.Equal(t, domain.SpecialNeed{Child: child.ID, Period: domain.Period{Start: d(2026, 10, 1), End: d(2027, 6, 20)}}, needs[0])
	}
	// The case ends early: the need ends with it.
	k.Ended, k.Last, k.Version = d(2027, 1, 31), specialed.StepEnd, 3
	require.NoError(t, s.UpdateCase(ctx, k))
	needs, err := s.SpecialNeeds(ctx, Oslo, month(2027, time.February))
	require.NoError(t, err)
	assert.Empty(t, needs)
	needs, err = s.SpecialNeeds(ctx, Bergen, month(2026, time.October))
	require.NoError(t, err)
	assert.Empty(t, needs, "scoped by municipality")
}
