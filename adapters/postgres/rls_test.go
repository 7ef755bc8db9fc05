package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/postgres"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// TestRowLevelSecurity: with Options.Role the database itself walls the
// municipalities off from each other, behind the queries' own scoping. A
// deliberately unscoped query (no WHERE municipality) run through the
// store's connection for municipality A returns no row of B.
func TestRowLevelSecurity(t *testing.T) {
	url, schema := newTestSchema(t)
	owner := openTestStore(t, url, schema)
	s, err := postgres.Open(context.Background(), postgres.Options{URL: url, Schema: schema, Role: "oppvekst_app"})
	require.NoError(t, err)
	t.Cleanup(s.Close)

	const a, b = domain.Municipality("0301"), domain.Municipality("4601")
	ctxA := domain.WithMunicipality(context.Background(), a)
	ctxB := domain.WithMunicipality(context.Background(), b)
	child := func(m domain.Municipality, n int) domain.Child {
		nid, err := domain.SyntheticNationalID(date.New(2021, 3, 4), 500+n)
		require.NoError(t, err)
		return domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, NationalID: nid,
			GivenName: "Barn", FamilyName: string(m), BirthDate: date.New(2021, 3, 4)}
	}
	ca, cb := child(a, 1), child(b, 2)
	require.NoError(t, s.CreateChild(ctxA, ca))
	require.NoError(t, s.CreateChild(ctxB, cb))

	unscoped := func(ctx context.Context) []string {
		t.Helper()
		got, err := postgres.Unscoped(ctx, s, `SELECT municipality FROM children`)
		require.NoError(t, err)
		return got
	}
	assert.Equal(t, []string{"0301"}, unscoped(ctxA), "A sees its own children only")
	assert.Equal(t, []string{"4601"}, unscoped(ctxB))
	assert.Empty(t, unscoped(context.Background()), "a call for no municipality sees none")
	assert.ElementsMatch(t, []string{"0301", "4601"}, unscoped(domain.AcrossMunicipalities(context.Background(), "test")),
		"the explicit path across municipalities sees both")
	require.NoError(t, s.Atomic(ctxA, func(ctx context.Context) error {
		assert.Equal(t, []string{"0301"}, unscoped(ctx), "in a transaction as well")
		return nil
	}))

	// The store's own scoped read, asked for B's child with A's context:
	// the wall answers not found.
	_, err = s.Child(ctxA, b, cb.ID)
	assert.True(t, domain.IsNotFound(err), "%v", err)
	// A write of B's record with A's context is refused by the database.
	assert.Error(t, s.CreateChild(ctxA, child(b, 3)))
	// An unscoped update or delete reaches A's rows only.
	_, err = postgres.Unscoped(ctxA, s, `UPDATE children SET family_name = 'Endret' RETURNING municipality`)
	require.NoError(t, err)
	got, err := owner.Child(context.Background(), b, cb.ID)
	require.NoError(t, err)
	assert.Equal(t, "4601", got.FamilyName, "B's child was not changed through A")

	// A bulk write (COPY FROM, refused by PostgreSQL under row-level
	// security, so staged in a temporary table) is checked row by row.
	copyChild := func(ctx context.Context, c domain.Child) error {
		return s.Atomic(ctx, func(ctx context.Context) error {
			_, err := postgres.Copy(ctx, s, "children", []string{"municipality", "id", "national_id", "given_name", "family_name", "birth_date", "address_protection"},
				[][]any{{string(c.Municipality), c.ID.String(), c.NationalID.String(), c.GivenName, c.FamilyName, c.BirthDate.String(), "none"}})
			return err
		})
	}
	assert.Error(t, copyChild(ctxA, child(b, 4)), "B's row copied with A's context")
	require.NoError(t, copyChild(ctxA, child(a, 5)))
	assert.Len(t, unscoped(ctxA), 2)

	// A list's audit entry names its children in audit_log_children, walled
	// like the entry: written and read back in A, unseen from B, and B's
	// list not writable with A's context.
	listed := []domain.ChildID{ca.ID, domain.NewID[domain.Child](), domain.NewID[domain.Child]()}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, domain.Oslo())
	require.NoError(t, s.AppendAudit(ctxA, domain.NewListAuditEntry(domain.CaseworkerActor(a, "sb"), at, "children.list", "", listed)))
	trail, err := s.AuditEntries(ctxA, a, ca.ID, domain.AuditID{}, 10)
	require.NoError(t, err)
	assert.Len(t, trail, 1, "A's child's trail holds A's list")
	mentions, err := postgres.Unscoped(ctxB, s, `SELECT municipality FROM audit_log_children`)
	require.NoError(t, err)
	assert.Empty(t, mentions, "B sees none of A's mentions")
	assert.Error(t, s.AppendAudit(ctxA, domain.NewListAuditEntry(domain.CaseworkerActor(b, "sb"), at, "children.list", "", listed)),
		"B's list written with A's context")

	// A bulletin's deliveries (Enqueue's COPY path, staged as well), and
	// the same keys again (the path that skips existing keys) in a
	// transaction that goes on.
	deliveries := func(m domain.Municipality, n int) []messaging.Delivery {
		ds := make([]messaging.Delivery, n)
		now := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
		for i := range ds {
			ds[i] = messaging.Delivery{ID: domain.NewID[messaging.Delivery](), Municipality: m, Key: fmt.Sprintf("rls/%d", i),
				Kind: "message.new", Guardian: domain.NewID[domain.Guardian](), Medium: messaging.Email, To: "f@example.no",
				Language: messaging.Bokmal, Subject: "Ny melding", Body: "Les den.", State: messaging.Pending, NextAt: now, CreatedAt: now}
		}
		return ds
	}
	written, err := s.Enqueue(ctxA, deliveries(a, 600))
	require.NoError(t, err)
	assert.Equal(t, 600, written)
	require.NoError(t, s.Atomic(ctxA, func(ctx context.Context) error {
		written, err := s.Enqueue(ctx, deliveries(a, 700))
		assert.Equal(t, 100, written, "the existing keys skipped")
		return err
	}))
	_, err = s.Enqueue(ctxA, deliveries(b, 600))
	assert.Error(t, err, "B's deliveries enqueued with A's context")

	// The owner (the login role that migrates) is not walled.
	all, err := postgres.Unscoped(context.Background(), owner, `SELECT municipality FROM children ORDER BY 1`)
	require.NoError(t, err)
	assert.Equal(t, []string{"0301", "0301", "4601"}, all)

	// Every table with a municipality column carries the wall.
	open, err := postgres.Unscoped(context.Background(), owner, `
		SELECT c.relname::text FROM pg_class c
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'municipality' AND NOT a.attisdropped
		WHERE c.relkind IN ('r', 'p') AND c.relnamespace = current_schema()::regnamespace
		AND NOT (c.relrowsecurity AND EXISTS (SELECT FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'municipality_wall'))`)
	require.NoError(t, err)
	assert.Empty(t, open, "tables with a municipality column and no wall")
	walled, err := postgres.Unscoped(context.Background(), owner, `SELECT count(*)::text FROM pg_policy p
		JOIN pg_class c ON c.oid = p.polrelid WHERE c.relnamespace = current_schema()::regnamespace AND p.polname = 'municipality_wall'`)
	require.NoError(t, err)
	t.Logf("tables walled: %s", walled)
	assert.NotEqual(t, []string{"0"}, walled)
}
