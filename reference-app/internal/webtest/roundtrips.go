package webtest

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/postgres"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
)

// RoundTrips records the round trips a PostgreSQL store makes: a
// statement sent on its own is one, a batch (however many statements it
// holds) is one. Each round trip is kept as its statements' first words,
// so a test that pins the count can say which round trip came or went.
// (pgx's preparing of a statement the first time a connection sends it
// is not traced: warm the statements up before counting.)
type RoundTrips struct {
	mu    sync.Mutex
	trips [][]string
	batch map[*pgx.Conn]int // the conn's batch under way: its index in trips
}

// Reset forgets the round trips so far.
func (r *RoundTrips) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.trips, r.batch = nil, nil
}

// Count is the number of round trips so far.
func (r *RoundTrips) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.trips)
}

// Statements is the number of statements so far (a batch's each count).
func (r *RoundTrips) Statements() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, t := range r.trips {
		n += len(t)
	}
	return n
}

// List is the round trips so far, one a line, a batch's statements
// joined by " + ".
func (r *RoundTrips) List() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	for _, t := range r.trips {
		b.WriteString(strings.Join(t, " + "))
		b.WriteByte('\n')
	}
	return b.String()
}

// head is a statement's first words, enough to tell it: the verb and the
// table (or function) it is about.
func head(sql string) string {
	f := strings.Fields(sql)
	if len(f) > 0 && strings.EqualFold(f[0], "SELECT") {
		// A SELECT is told by its FROM (or, without one, by what it calls).
		for i, w := range f {
			if strings.EqualFold(w, "FROM") && i+1 < len(f) {
				return "SELECT … FROM " + strings.Trim(f[i+1], "(),")
			}
		}
	}
	return strings.Join(f[:min(len(f), 3)], " ")
}

// TraceQueryStart implements pgx.QueryTracer.
func (r *RoundTrips) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	r.mu.Lock()
	r.trips = append(r.trips, []string{head(d.SQL)})
	r.mu.Unlock()
	return ctx
}

// TraceQueryEnd implements pgx.QueryTracer.
func (r *RoundTrips) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TraceBatchStart implements pgx.BatchTracer.
func (r *RoundTrips) TraceBatchStart(ctx context.Context, c *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	r.mu.Lock()
	if r.batch == nil {
		r.batch = map[*pgx.Conn]int{}
	}
	r.batch[c] = len(r.trips)
	r.trips = append(r.trips, nil)
	r.mu.Unlock()
	return ctx
}

// TraceBatchQuery implements pgx.BatchTracer.
func (r *RoundTrips) TraceBatchQuery(_ context.Context, c *pgx.Conn, d pgx.TraceBatchQueryData) {
	r.mu.Lock()
	if i, ok := r.batch[c]; ok && i < len(r.trips) {
		r.trips[i] = append(r.trips[i], head(d.SQL))
	}
	r.mu.Unlock()
}

// TraceBatchEnd implements pgx.BatchTracer.
func (r *RoundTrips) TraceBatchEnd(_ context.Context, c *pgx.Conn, _ pgx.TraceBatchEndData) {
	r.mu.Lock()
	delete(r.batch, c)
	r.mu.Unlock()
}

// tracers tells every tracer of the list.
type tracers []interface {
	pgx.QueryTracer
	pgx.BatchTracer
}

func (ts tracers) TraceQueryStart(ctx context.Context, c *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	for _, t := range ts {
		ctx = t.TraceQueryStart(ctx, c, d)
	}
	return ctx
}

func (ts tracers) TraceQueryEnd(ctx context.Context, c *pgx.Conn, d pgx.TraceQueryEndData) {
	for _, t := range ts {
		t.TraceQueryEnd(ctx, c, d)
	}
}

func (ts tracers) TraceBatchStart(ctx context.Context, c *pgx.Conn, d pgx.TraceBatchStartData) context.Context {
	for _, t := range ts {
		ctx = t.TraceBatchStart(ctx, c, d)
	}
	return ctx
}

func (ts tracers) TraceBatchQuery(ctx context.Context, c *pgx.Conn, d pgx.TraceBatchQueryData) {
	for _, t := range ts {
		t.TraceBatchQuery(ctx, c, d)
	}
}

func (ts tracers) TraceBatchEnd(ctx context.Context, c *pgx.Conn, d pgx.TraceBatchEndData) {
	for _, t := range ts {
		t.TraceBatchEnd(ctx, c, d)
	}
}

// NewPostgresRoundTrips is NewPostgres with the store's round trips
// recorded as well as its statements counted.
func NewPostgresRoundTrips(t *testing.T) (*Harness, *RoundTrips) {
	t.Helper()
	ctx := context.Background()
	sql, trips := &Statements{}, &RoundTrips{}
	store, err := postgres.Open(ctx, postgres.Options{URL: PostgresURL(t), Tracer: tracers{sql, trips}})
	require.NoError(t, err)
	t.Cleanup(store.Close)
	clock := domain.FixedClock(Now)
	require.NoError(t, demo.Seed(ctx, store, clock))
	require.NoError(t, demo.SeedNeighbour(ctx, store, clock))
	ta := build(t, store)
	ta.SQL = sql
	return ta, trips
}
