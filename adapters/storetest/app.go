package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

// AppStore is what the reference app needs of a store beyond domain.Store:
// the audit log, the idempotency keys and the sessions.
type AppStore interface {
	domain.Store
	domain.AuditLog
	domain.IdempotencyStore
	domain.SessionStore
}

// RunApp runs the suite of the reference app's store ports against stores
// made by newStore.
func RunApp(t *testing.T, newStore func(t *testing.T) AppStore) {
	t.Run("AuditLog", func(t *testing.T) { testAuditLog(t, newStore(t)) })
	t.Run("AuditLogLists", func(t *testing.T) { testAuditLists(t, newStore(t)) })
	t.Run("AuditLogInvalid", func(t *testing.T) { testAuditInvalid(t, newStore(t)) })
	t.Run("AuditLogRollback", func(t *testing.T) { testAuditRollback(t, newStore(t)) })
	t.Run("WritesAtCommit", func(t *testing.T) { testWritesAtCommit(t, newStore(t)) })
	t.Run("Idempotency", func(t *testing.T) { testIdempotency(t, newStore(t)) })
	t.Run("Sessions", func(t *testing.T) { testSessions(t, newStore(t)) })
	t.Run("SessionWithStaff", func(t *testing.T) { testSessionWithStaff(t, newStore(t)) })
}

// A store that reads a session with its staff member and their grants
// (domain.SessionStaffReader, optional) answers what Session,
// StaffMember and Grants answer one after the other: the member and
// grants only for a session whose actor names a stored member.
func testSessionWithStaff(t *testing.T, s AppStore) {
	r, ok := s.(domain.SessionStaffReader)
	if !ok {
		t.Skip("the store does not implement the optional domain.SessionStaffReader")
	}
	st, ok := s.(domain.StaffStore)
	require.True(t, ok, "a store that reads staff with sessions keeps staff")
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	kg := f.unit(domain.Kindergarten)
	require.NoError(t, s.CreateUnit(ctx, kg))
	kari := staffMember(Oslo, "Kari Lærer", "kari@oslo.kommune.no")
	ola := staffMember(Oslo, "Ola Leder", "ola@oslo.kommune.no")
	require.NoError(t, st.CreateStaffMember(ctx, kari))
	require.NoError(t, st.CreateStaffMember(ctx, ola))
	admin := grant(kari, domain.GrantAdmin, domain.UnitID{}, "", domain.Period{Start: d(2024, 1, 1)})
	leader := grant(kari, domain.GrantUnitLeader, kg.ID, "", domain.Period{Start: d(2025, 8, 1)})
	require.NoError(t, st.PutGrant(ctx, admin))
	require.NoError(t, st.PutGrant(ctx, leader))
	require.NoError(t, st.PutGrant(ctx, grant(ola, domain.GrantUnitStaff, kg.ID, "", domain.Period{Start: d(2025, 8, 1)})))

	created := time.Date(2026, 3, 2, 8, 0, 0, 0, domain.Oslo())
	session := func(n byte, actor domain.Actor) domain.Session {
		v := domain.Session{Municipality: Oslo, TokenHash: hashOf(n), Actor: actor, Name: actor.Name, Created: created, Expires: created.Add(time.Hour)}
		require.NoError(t, s.SaveSession(ctx, v))
		return v
	}
	asKari := domain.StaffActor(Oslo, kari.Principal, kg.ID)
	asKari.Staff, asKari.Name = kari.ID, kari.Name
	session(1, asKari)
	gone := asKari
	gone.Staff = domain.NewID[domain.StaffMember]()
	session(2, gone)
	session(3, domain.GuardianActor(Oslo, domain.NewID[domain.Guardian]()).Named("Hilde Berg"))

	got, member, grants, err := r.SessionWithStaff(ctx, Oslo, hashOf(1))
	require.NoError(t, err)
	want, err := s.Session(ctx, Oslo, hashOf(1))
	require.NoError(t, err)
	assert.Equal(t, want, got)
	require.NotNil(t, member)
	assert.Equal(t, kari, *member)
	assert.Equal(t, []domain.Grant{leader, admin}, grants, "Kari's grants, sorted as Grants sorts them")

	got, member, grants, err = r.SessionWithStaff(ctx, Oslo, hashOf(2))
	require.NoError(t, err)
	assert.Equal(t, gone, got.Actor)
	assert.Nil(t, member, "a member who is gone")
	assert.Empty(t, grants)

	got, member, grants, err = r.SessionWithStaff(ctx, Oslo, hashOf(3))
	require.NoError(t, err)
	assert.Equal(t, domain.RoleGuardian, got.Actor.Role)
	assert.Nil(t, member, "no staff member for a guardian")
	assert.Empty(t, grants)

	_, _, _, err = r.SessionWithStaff(ctx, Oslo, hashOf(4))
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, _, _, err = r.SessionWithStaff(ctx, Bergen, hashOf(1))
	assert.ErrorIs(t, err, domain.ErrNotFound, "sessions are per municipality")
}

// RunAppBenchmarks measures the audit log: appending one entry and reading
// the newest page of a municipality with many entries.
func RunAppBenchmarks(b *testing.B, newStore func(b *testing.B) AppStore) {
	b.Run("AppendAudit", func(b *testing.B) {
		s := newStore(b)
		ctx := context.Background()
		actor := domain.CaseworkerActor(Oslo, "bench")
		child := domain.NewID[domain.Child]()
		at := time.Date(2026, 1, 5, 8, 0, 0, 0, domain.Oslo())
		for b.Loop() {
			if err := s.AppendAudit(ctx, domain.NewAuditEntry(actor, at, "child.read", child, "")); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("AppendAuditList2000", func(b *testing.B) {
		s := newStore(b)
		ctx := context.Background()
		actor := domain.CaseworkerActor(Oslo, "bench")
		children := make([]domain.ChildID, 2000)
		for i := range children {
			children[i] = domain.NewID[domain.Child]()
		}
		at := time.Date(2026, 1, 5, 8, 0, 0, 0, domain.Oslo())
		for b.Loop() {
			if err := s.AppendAudit(ctx, domain.NewListAuditEntry(actor, at, "families.list", "", children)); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The same 2,000 children as one entry each, in one transaction: how a
	// list was logged before an entry could name many.
	b.Run("AppendAudit2000Entries", func(b *testing.B) {
		s := newStore(b)
		ctx := context.Background()
		actor := domain.CaseworkerActor(Oslo, "bench")
		children := make([]domain.ChildID, 2000)
		for i := range children {
			children[i] = domain.NewID[domain.Child]()
		}
		at := time.Date(2026, 1, 5, 8, 0, 0, 0, domain.Oslo())
		for b.Loop() {
			err := s.Atomic(ctx, func(ctx context.Context) error {
				for _, c := range children {
					if err := s.AppendAudit(ctx, domain.NewAuditEntry(actor, at, "families.list", c, "")); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("AuditPage", func(b *testing.B) {
		s := newStore(b)
		ctx := context.Background()
		actor := domain.CaseworkerActor(Oslo, "bench")
		at := time.Date(2026, 1, 5, 8, 0, 0, 0, domain.Oslo())
		require.NoError(b, s.Atomic(ctx, func(ctx context.Context) error {
			for range 10000 {
				if err := s.AppendAudit(ctx, domain.NewAuditEntry(actor, at, "child.read", domain.NewID[domain.Child](), "")); err != nil {
					return err
				}
			}
			return nil
		}))
		for b.Loop() {
			es, err := s.AuditEntries(ctx, Oslo, domain.ChildID{}, domain.AuditID{}, 50)
			if err != nil || len(es) != 50 {
				b.Fatal(err, len(es))
			}
		}
	})
}

func auditAt(minute int) time.Time {
	return time.Date(2026, 3, 2, 9, minute, 0, 123456000, domain.Oslo())
}

func testAuditLog(t *testing.T, s AppStore) {
	ctx := ctxFor(t)
	guardian := domain.GuardianActor(Oslo, domain.NewID[domain.Guardian]())
	staff := domain.StaffActor(Oslo, "ansatt-7", domain.NewID[domain.Unit]())
	other := domain.CaseworkerActor(Bergen, "saksbehandler")
	child, sibling := domain.NewID[domain.Child](), domain.NewID[domain.Child]()

	var written []domain.AuditEntry
	for i := range 5 {
		actor, c := guardian, child
		if i%2 == 1 {
			actor, c = staff, sibling
		}
		e := domain.NewAuditEntry(actor, auditAt(i), "child.read", c, "")
		if i == 4 {
			e.Record = "placement/" + domain.NewID[domain.Placement]().String()
			e.Action = "placement.create"
		}
		require.NoError(t, s.AppendAudit(ctx, e))
		written = append(written, e)
	}
	require.NoError(t, s.AppendAudit(ctx, domain.NewAuditEntry(other, auditAt(9), "child.read", child, "")))

	all, err := s.AuditEntries(ctx, Oslo, domain.ChildID{}, domain.AuditID{}, 100)
	require.NoError(t, err)
	require.Len(t, all, 5, "only Oslo's entries")
	for i, e := range all {
		want := written[4-i] // newest first
		assert.Equal(t, want.ID, e.ID)
		assert.True(t, want.At.Equal(e.At), "at %v, want %v", e.At, want.At)
		assert.Equal(t, want.Actor, e.Actor)
		assert.Equal(t, want.Action, e.Action)
		assert.Equal(t, want.ChildID, e.ChildID)
		assert.Equal(t, want.Record, e.Record)
		assert.Equal(t, Oslo, e.Municipality)
	}

	page, err := s.AuditEntries(ctx, Oslo, domain.ChildID{}, domain.AuditID{}, 2)
	require.NoError(t, err)
	require.Len(t, page, 2)
	next, err := s.AuditEntries(ctx, Oslo, domain.ChildID{}, page[1].ID, 2)
	require.NoError(t, err)
	require.Len(t, next, 2)
	assert.Equal(t, written[2].ID, next[0].ID, "the page after the cursor starts below it")
	assert.Equal(t, written[1].ID, next[1].ID)

	mine, err := s.AuditEntries(ctx, Oslo, child, domain.AuditID{}, 100)
	require.NoError(t, err)
	require.Len(t, mine, 3)
	for _, e := range mine {
		assert.Equal(t, child, e.ChildID)
	}
	bergen, err := s.AuditEntries(ctx, Bergen, child, domain.AuditID{}, 100)
	require.NoError(t, err)
	assert.Len(t, bergen, 1)

	err = s.AppendAudit(ctx, written[0])
	var ce *domain.ConflictError
	require.ErrorAs(t, err, &ce, "the same ID twice")

	_, err = s.AuditEntries(ctx, Oslo, domain.ChildID{}, domain.AuditID{}, 0)
	require.ErrorIs(t, err, domain.ErrInvalid)
}

// testAuditLists writes lists as one entry each, naming their children,
// and reads a child's trail across entries about it and lists naming it.
func testAuditLists(t *testing.T, s AppStore) {
	ctx := ctxFor(t)
	staff := domain.StaffActor(Oslo, "ansatt-7", domain.NewID[domain.Unit]())
	child := domain.NewID[domain.Child]()
	others := make([]domain.ChildID, 2000)
	for i := range others {
		others[i] = domain.NewID[domain.Child]()
	}
	// Newest last: alone, in a list of 2,000 (given twice and out of
	// order), alone, in a list of 3, in another municipality's list.
	big := append(append([]domain.ChildID{}, others[1000:]...), child, others[0], domain.ChildID{})
	big = append(big, others[:1000]...)
	written := []domain.AuditEntry{
		domain.NewAuditEntry(staff, auditAt(1), "child.read", child, ""),
		domain.NewListAuditEntry(staff, auditAt(2), "roster.read", "unit/x", big),
		domain.NewListAuditEntry(staff, auditAt(3), "child.read", "", []domain.ChildID{child}),
		domain.NewListAuditEntry(staff, auditAt(4), "families.list", "", []domain.ChildID{others[5], child, others[7]}),
		domain.NewListAuditEntry(staff, auditAt(5), "families.list", "", others[10:20]),
	}
	require.Len(t, written[1].Children, 2001, "a list names each child once")
	assert.True(t, written[1].Names(child) && written[1].Names(others[1999]))
	assert.Equal(t, child, written[2].ChildID, "a list of one names the child alone")
	assert.Empty(t, written[2].Children)
	for _, e := range written {
		require.NoError(t, s.AppendAudit(ctx, e))
	}
	bergen := domain.CaseworkerActor(Bergen, "sb")
	require.NoError(t, s.AppendAudit(ctx, domain.NewListAuditEntry(bergen, auditAt(6), "families.list", "", []domain.ChildID{child, others[1]})))

	all, err := s.AuditEntries(ctx, Oslo, domain.ChildID{}, domain.AuditID{}, 100)
	require.NoError(t, err)
	require.Len(t, all, 5, "one record per list, however long")
	for i, e := range all {
		want := written[4-i]
		assert.Equal(t, want.ID, e.ID)
		assert.Equal(t, want.ChildID, e.ChildID)
		assert.Equal(t, want.Children, e.Children, "entry %d names its children", 4-i)
		assert.Equal(t, want.Action, e.Action)
		assert.Equal(t, want.Record, e.Record)
	}

	trail, err := s.AuditEntries(ctx, Oslo, child, domain.AuditID{}, 100)
	require.NoError(t, err)
	require.Len(t, trail, 4, "the child's own entries and the lists naming it")
	for i, want := range []domain.AuditEntry{written[3], written[2], written[1], written[0]} {
		assert.Equal(t, want.ID, trail[i].ID, "newest first")
		assert.Equal(t, child, trail[i].ChildID, "each names the child")
		assert.Empty(t, trail[i].Children, "and not the others on its list")
		assert.Equal(t, want.Action, trail[i].Action)
		assert.Equal(t, want.Actor, trail[i].Actor)
		assert.True(t, want.At.Equal(trail[i].At))
	}
	// Keyset paging across both kinds.
	var paged []domain.AuditID
	var before domain.AuditID
	for {
		page, err := s.AuditEntries(ctx, Oslo, child, before, 1)
		require.NoError(t, err)
		if len(page) == 0 {
			break
		}
		require.Len(t, page, 1)
		paged = append(paged, page[0].ID)
		before = page[0].ID
	}
	assert.Equal(t, []domain.AuditID{trail[0].ID, trail[1].ID, trail[2].ID, trail[3].ID}, paged)

	last, err := s.AuditEntries(ctx, Oslo, others[1999], domain.AuditID{}, 100)
	require.NoError(t, err)
	require.Len(t, last, 1, "the last child of the long list finds it")
	assert.Equal(t, written[1].ID, last[0].ID)
	none, err := s.AuditEntries(ctx, Oslo, domain.NewID[domain.Child](), domain.AuditID{}, 100)
	require.NoError(t, err)
	assert.Empty(t, none)
	inBergen, err := s.AuditEntries(ctx, Bergen, child, domain.AuditID{}, 100)
	require.NoError(t, err)
	require.Len(t, inBergen, 1, "a municipality's lists are its own")

	// A page of the log: each entry with its count and the first of its
	// children; the rest of a list by keyset, from the entry.
	sums, err := s.AuditSummaries(ctx, Oslo, domain.AuditID{}, 100, 3)
	require.NoError(t, err)
	require.Len(t, sums, 5)
	for i, sum := range sums {
		want := written[4-i]
		assert.Equal(t, want.ID, sum.ID)
		assert.Equal(t, want.ChildID, sum.ChildID)
		assert.Equal(t, want.Action, sum.Action)
		assert.Equal(t, want.Actor, sum.Actor)
		switch {
		case !want.ChildID.IsZero():
			assert.Equal(t, 1, sum.ChildCount, "entry %d is about one child", 4-i)
			assert.Empty(t, sum.Children)
		default:
			assert.Equal(t, len(want.Children), sum.ChildCount, "entry %d counts its list", 4-i)
			assert.Equal(t, want.Children[:min(3, len(want.Children))], sum.Children, "entry %d names the first of its list", 4-i)
		}
	}
	older, err := s.AuditSummaries(ctx, Oslo, sums[1].ID, 2, 0)
	require.NoError(t, err)
	require.Len(t, older, 2, "keyset paging")
	assert.Equal(t, written[2].ID, older[0].ID)
	assert.Empty(t, older[1].Children, "no names asked for")
	assert.Equal(t, 2001, older[1].ChildCount)
	var listed []domain.ChildID
	var after domain.ChildID
	for {
		page, err := s.AuditChildren(ctx, Oslo, written[1].ID, after, 700)
		require.NoError(t, err)
		if len(page) == 0 {
			break
		}
		listed = append(listed, page...)
		after = page[len(page)-1]
	}
	assert.Equal(t, written[1].Children, listed, "every child of the list, in ID order, across the pages")
	one, err := s.AuditChildren(ctx, Oslo, written[0].ID, domain.ChildID{}, 10)
	require.NoError(t, err)
	assert.Equal(t, []domain.ChildID{child}, one, "an entry about one child lists it")
	one, err = s.AuditChildren(ctx, Oslo, written[0].ID, child, 10)
	require.NoError(t, err)
	assert.Empty(t, one, "and nothing after it")
	_, err = s.AuditChildren(ctx, Bergen, written[1].ID, domain.ChildID{}, 10)
	require.ErrorIs(t, err, domain.ErrNotFound, "another municipality's entry")
	_, err = s.AuditChildren(ctx, Oslo, domain.NewID[domain.AuditEntry](), domain.ChildID{}, 10)
	require.ErrorIs(t, err, domain.ErrNotFound)
	_, err = s.AuditChildren(ctx, Oslo, written[1].ID, domain.ChildID{}, 0)
	require.ErrorIs(t, err, domain.ErrInvalid)
	_, err = s.AuditSummaries(ctx, Oslo, domain.AuditID{}, 0, 3)
	require.ErrorIs(t, err, domain.ErrInvalid)

	err = s.AppendAudit(ctx, written[1])
	var ce *domain.ConflictError
	require.ErrorAs(t, err, &ce, "the same list entry twice")
	again, err := s.AuditEntries(ctx, Oslo, others[0], domain.AuditID{}, 100)
	require.NoError(t, err)
	assert.Len(t, again, 1, "a refused duplicate names no child again")

	// Retention deletes a list's entry by its age, and its mentions with it
	// (a store without the retention port has nothing more to prove here).
	rs, ok := s.(domain.RetentionStore)
	if !ok {
		return
	}
	n, err := rs.ExpireRecords(ctx, Oslo, domain.RecordAudit, date.New(2026, 3, 3), 100)
	require.NoError(t, err)
	assert.Equal(t, 5, n, "records, not mentions")
	gone, err := s.AuditEntries(ctx, Oslo, child, domain.AuditID{}, 100)
	require.NoError(t, err)
	assert.Empty(t, gone)
	kept, err := s.AuditEntries(ctx, Bergen, child, domain.AuditID{}, 100)
	require.NoError(t, err)
	assert.Len(t, kept, 1, "another municipality's entries are not touched")
}

func testAuditInvalid(t *testing.T, s AppStore) {
	ctx := ctxFor(t)
	good := domain.NewAuditEntry(domain.CaseworkerActor(Oslo, "sb"), auditAt(1), "child.read", domain.ChildID{}, "")
	cases := map[string]func(e *domain.AuditEntry){
		"municipality":       func(e *domain.AuditEntry) { e.Municipality = "12" },
		"id":                 func(e *domain.AuditEntry) { e.ID = domain.AuditID{} },
		"at":                 func(e *domain.AuditEntry) { e.At = time.Time{} },
		"actor.role":         func(e *domain.AuditEntry) { e.Actor.Role = "" },
		"actor.subject":      func(e *domain.AuditEntry) { e.Actor.Subject = "" },
		"actor.municipality": func(e *domain.AuditEntry) { e.Actor.Municipality = Bergen },
		"action":             func(e *domain.AuditEntry) { e.Action = "" },
		"children":           func(e *domain.AuditEntry) { e.Children = []domain.ChildID{domain.NewID[domain.Child]()} },
		"childId": func(e *domain.AuditEntry) {
			e.ChildID = domain.NewID[domain.Child]()
			e.Children = []domain.ChildID{domain.NewID[domain.Child](), domain.NewID[domain.Child]()}
		},
	}
	for field, breakIt := range cases {
		e := good
		breakIt(&e)
		err := s.AppendAudit(ctx, e)
		var ve *domain.ValidationError
		require.ErrorAs(t, err, &ve, field)
		assert.True(t, ve.Has(field), "%s: %v", field, err)
	}
	es, err := s.AuditEntries(ctx, Oslo, domain.ChildID{}, domain.AuditID{}, 10)
	require.NoError(t, err)
	assert.Empty(t, es, "nothing written")
}

func testAuditRollback(t *testing.T, s AppStore) {
	ctx := ctxFor(t)
	boom := errors.New("boom")
	err := s.Atomic(ctx, func(ctx context.Context) error {
		if err := s.AppendAudit(ctx, domain.NewAuditEntry(domain.CaseworkerActor(Oslo, "sb"), auditAt(1), "child.read", domain.ChildID{}, "")); err != nil {
			return err
		}
		if err := s.SaveIdempotent(ctx, idem("k1", 201)); err != nil {
			return err
		}
		return boom
	})
	require.ErrorIs(t, err, boom)
	es, err := s.AuditEntries(ctx, Oslo, domain.ChildID{}, domain.AuditID{}, 10)
	require.NoError(t, err)
	assert.Empty(t, es)
	_, err = s.Idempotent(ctx, Oslo, "sb", "k1")
	assert.ErrorIs(t, err, domain.ErrNotFound)
}

// Writes made with domain.AtCommit (the audit entry and the kept
// response, which a store may send with the COMMIT) are kept when the
// transaction commits; when one of them fails, nothing of the transaction
// is kept and Atomic says why.
func testWritesAtCommit(t *testing.T, s AppStore) {
	ctx := ctxFor(t)
	actor := domain.CaseworkerActor(Oslo, "sb")
	require.NoError(t, s.Atomic(ctx, func(ctx context.Context) error {
		held := domain.AtCommit(ctx)
		if err := s.AppendAudit(held, domain.NewAuditEntry(actor, auditAt(1), "child.read", domain.ChildID{}, "")); err != nil {
			return err
		}
		if err := s.AppendAudit(held, domain.NewListAuditEntry(actor, auditAt(1), "children.list", "", []domain.ChildID{domain.NewID[domain.Child]()})); err != nil {
			return err
		}
		return s.SaveIdempotent(held, idem("held-1", 201))
	}))
	es, err := s.AuditEntries(ctx, Oslo, domain.ChildID{}, domain.AuditID{}, 10)
	require.NoError(t, err)
	assert.Len(t, es, 2, "both held entries committed")
	got, err := s.Idempotent(ctx, Oslo, "sb", "held-1")
	require.NoError(t, err)
	assert.Equal(t, 201, got.Status)

	// A held write that only the database can refuse (a key kept already)
	// fails the commit: the writes made before it, held or not, are undone.
	require.NoError(t, s.SaveIdempotent(ctx, idem("taken", 201)))
	err = s.Atomic(ctx, func(ctx context.Context) error {
		if err := s.AppendAudit(ctx, domain.NewAuditEntry(actor, auditAt(2), "child.read", domain.ChildID{}, "not-kept")); err != nil {
			return err
		}
		held := domain.AtCommit(ctx)
		if err := s.SaveIdempotent(held, idem("held-2", 201)); err != nil {
			return err
		}
		return s.SaveIdempotent(held, idem("taken", 409))
	})
	require.ErrorIs(t, err, domain.ErrConflict)
	es, err = s.AuditEntries(ctx, Oslo, domain.ChildID{}, domain.AuditID{}, 10)
	require.NoError(t, err)
	assert.Len(t, es, 2, "the entry written before the failed held write is rolled back")
	_, err = s.Idempotent(ctx, Oslo, "sb", "held-2")
	assert.ErrorIs(t, err, domain.ErrNotFound)
	got, err = s.Idempotent(ctx, Oslo, "sb", "taken")
	require.NoError(t, err)
	assert.Equal(t, 201, got.Status, "the kept response stays as it was")

	// The store stays usable, and outside Atomic AtCommit writes at once.
	require.NoError(t, s.SaveIdempotent(domain.AtCommit(ctx), idem("at-once", 201)))
	_, err = s.Idempotent(ctx, Oslo, "sb", "at-once")
	require.NoError(t, err)
}

func idem(key string, status int) domain.IdempotentResponse {
	return domain.IdempotentResponse{
		Municipality: Oslo, Subject: "sb", Key: key, Fingerprint: "POST /api/v1/x abc",
		Status: status, ContentType: "application/json", Body: []byte(`{"ok":true}`),
		Created: auditAt(3),
	}
}

func testIdempotency(t *testing.T, s AppStore) {
	ctx := ctxFor(t)
	r := idem("key-1", 201)
	require.NoError(t, s.SaveIdempotent(ctx, r))
	got, err := s.Idempotent(ctx, Oslo, "sb", "key-1")
	require.NoError(t, err)
	assert.Equal(t, r.Fingerprint, got.Fingerprint)
	assert.Equal(t, 201, got.Status)
	assert.Equal(t, "application/json", got.ContentType)
	assert.Equal(t, `{"ok":true}`, string(got.Body))
	assert.True(t, r.Created.Equal(got.Created))

	again := idem("key-1", 500)
	var ce *domain.ConflictError
	require.ErrorAs(t, s.SaveIdempotent(ctx, again), &ce)
	got, err = s.Idempotent(ctx, Oslo, "sb", "key-1")
	require.NoError(t, err)
	assert.Equal(t, 201, got.Status, "the first response stays")

	_, err = s.Idempotent(ctx, Oslo, "someone-else", "key-1")
	assert.ErrorIs(t, err, domain.ErrNotFound, "keys are per subject")
	_, err = s.Idempotent(ctx, Bergen, "sb", "key-1")
	assert.ErrorIs(t, err, domain.ErrNotFound, "keys are per municipality")

	empty := idem("key-2", 204)
	empty.Body = nil
	require.NoError(t, s.SaveIdempotent(ctx, empty))
	got, err = s.Idempotent(ctx, Oslo, "sb", "key-2")
	require.NoError(t, err)
	assert.Empty(t, got.Body)

	// Old responses go, only the municipality's.
	old := idem("key-old", 201)
	old.Created = auditAt(0).Add(-48 * time.Hour)
	require.NoError(t, s.SaveIdempotent(ctx, old))
	oldBergen := old
	oldBergen.Municipality = Bergen
	require.NoError(t, s.SaveIdempotent(ctx, oldBergen))
	n, err := s.DeleteIdempotentBefore(ctx, Oslo, auditAt(0).Add(-24*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	_, err = s.Idempotent(ctx, Oslo, "sb", "key-old")
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = s.Idempotent(ctx, Oslo, "sb", "key-1")
	assert.NoError(t, err, "a recent response stays")
	_, err = s.Idempotent(ctx, Bergen, "sb", "key-old")
	assert.NoError(t, err, "another municipality's stays")

	bad := idem("", 99)
	var ve *domain.ValidationError
	require.ErrorAs(t, s.SaveIdempotent(ctx, bad), &ve)
	assert.True(t, ve.Has("key"))
	assert.True(t, ve.Has("status"))
}

func hashOf(b byte) string {
	h := make([]byte, 64)
	for i := range h {
		h[i] = "0123456789abcdef"[(int(b)+i)%16]
	}
	return string(h)
}

func testSessions(t *testing.T, s AppStore) {
	ctx := ctxFor(t)
	staff := domain.StaffActor(Oslo, "ansatt-1", domain.NewID[domain.Unit](), domain.NewID[domain.Unit]())
	guardian := domain.GuardianActor(Oslo, domain.NewID[domain.Guardian]())
	expires := time.Date(2026, 3, 2, 17, 0, 0, 0, domain.Oslo())
	created := time.Date(2026, 3, 2, 8, 59, 58, 123456789, domain.Oslo())
	// An ID token of realistic length (ID-porten's are 1–2 kB).
	idToken := "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0." + strings.Repeat("eyJzdWIiOiJ4In0", 80) + ".c2ln"
	a := domain.Session{Municipality: Oslo, TokenHash: hashOf(1), Actor: staff, Name: "Kari Lærer", Created: created, Expires: expires, Provider: "feide", IDToken: idToken}
	b := domain.Session{Municipality: Oslo, TokenHash: hashOf(2), Actor: guardian, Name: "Hilde Berg", Persona: "guardian", Created: created, Expires: expires.Add(-2 * time.Hour)}
	require.NoError(t, s.SaveSession(ctx, a))
	require.NoError(t, s.SaveSession(ctx, b))

	got, err := s.Session(ctx, Oslo, a.TokenHash)
	require.NoError(t, err)
	assert.Equal(t, staff, got.Actor)
	assert.Equal(t, "Kari Lærer", got.Name)
	assert.Empty(t, got.Persona)
	assert.True(t, expires.Equal(got.Expires))
	assert.True(t, created.Truncate(time.Microsecond).Equal(got.Created.Truncate(time.Microsecond)), "created %s", got.Created)
	assert.Equal(t, "feide", got.Provider, "the provider, for the logout there")
	assert.Equal(t, idToken, got.IDToken, "the ID token, for the logout there")
	got, err = s.Session(ctx, Oslo, b.TokenHash)
	require.NoError(t, err)
	assert.Equal(t, guardian, got.Actor)
	assert.Equal(t, "guardian", got.Persona)
	assert.Empty(t, got.Provider, "a demo session has no provider")
	assert.Empty(t, got.IDToken)

	_, err = s.Session(ctx, Bergen, a.TokenHash)
	assert.ErrorIs(t, err, domain.ErrNotFound, "sessions are per municipality")
	_, err = s.Session(ctx, Oslo, hashOf(3))
	assert.ErrorIs(t, err, domain.ErrNotFound)

	// Saving again extends; the creation time stays the first, whatever
	// is sent (an absolute lifetime rests on it).
	a.Expires = expires.Add(time.Hour)
	a.Created = created.Add(6 * time.Hour)
	require.NoError(t, s.SaveSession(ctx, a))
	got, err = s.Session(ctx, Oslo, a.TokenHash)
	require.NoError(t, err)
	assert.True(t, a.Expires.Equal(got.Expires))
	assert.True(t, created.Truncate(time.Microsecond).Equal(got.Created.Truncate(time.Microsecond)), "created %s", got.Created)

	// Expired sessions go, only the municipality's.
	other := domain.Session{Municipality: Bergen, TokenHash: hashOf(4), Actor: domain.CaseworkerActor(Bergen, "sb"), Name: "Nils", Created: created, Expires: expires.Add(-3 * time.Hour)}
	require.NoError(t, s.SaveSession(ctx, other))
	n, err := s.DeleteExpiredSessions(ctx, Oslo, expires)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	_, err = s.Session(ctx, Oslo, b.TokenHash)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = s.Session(ctx, Bergen, other.TokenHash)
	assert.NoError(t, err, "another municipality's session stays")

	require.NoError(t, s.DeleteSession(ctx, Oslo, a.TokenHash))
	_, err = s.Session(ctx, Oslo, a.TokenHash)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	require.NoError(t, s.DeleteSession(ctx, Oslo, a.TokenHash), "deleting twice is fine")

	// Refused before anything is written.
	bad := []domain.Session{
		{Municipality: Oslo, TokenHash: "short", Actor: staff, Created: created, Expires: expires},
		{Municipality: Oslo, TokenHash: hashOf(5), Actor: domain.CaseworkerActor(Bergen, "sb"), Created: created, Expires: expires},
		{Municipality: Oslo, TokenHash: hashOf(6), Actor: domain.Actor{Role: "king", Municipality: Oslo, Subject: "x"}, Created: created, Expires: expires},
		{Municipality: Oslo, TokenHash: hashOf(7), Actor: staff, Created: created},
		{Municipality: Oslo, TokenHash: hashOf(9), Actor: staff, Expires: expires},                    // no creation time
		{Municipality: Oslo, TokenHash: hashOf(10), Actor: staff, Created: expires, Expires: created}, // ends before it began
		{Municipality: Oslo, TokenHash: hashOf(11), Actor: staff, Created: created, Expires: expires, IDToken: idToken},
		{Municipality: Oslo, TokenHash: hashOf(12), Actor: staff, Created: created, Expires: expires, Provider: "feide", IDToken: strings.Repeat("x", domain.MaxIDToken+1)},
	}
	for i, sess := range bad {
		var ve *domain.ValidationError
		require.ErrorAs(t, s.SaveSession(ctx, sess), &ve, "case %d", i)
		_, err := s.Session(ctx, Oslo, sess.TokenHash)
		assert.ErrorIs(t, err, domain.ErrNotFound, "case %d", i)
	}

	// A session saved in a failed transaction is not kept.
	boom := errors.New("boom")
	err = s.Atomic(ctx, func(ctx context.Context) error {
		if err := s.SaveSession(ctx, domain.Session{Municipality: Oslo, TokenHash: hashOf(8), Actor: staff, Created: created, Expires: expires}); err != nil {
			return err
		}
		return boom
	})
	require.ErrorIs(t, err, boom)
	_, err = s.Session(ctx, Oslo, hashOf(8))
	assert.ErrorIs(t, err, domain.ErrNotFound)
}
