package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/postgres"
	"github.com/oppvekst/oppvekst/adapters/postgres/pgtest"
	"github.com/oppvekst/oppvekst/adapters/storetest"
	"github.com/oppvekst/oppvekst/domain"
)

// testURL returns the database of the tests, from OPPVEKST_TEST_POSTGRES.
// Without it the test is skipped, except in CI.
func testURL(tb testing.TB) string { return pgtest.URL(tb) }

// newTestSchema creates a schema of its own for the test and drops it
// when the test ends.
func newTestSchema(tb testing.TB) (url, schema string) { return pgtest.Schema(tb, "t_") }

// newTestStore opens a store on a fresh schema of its own; the store is
// closed and the schema dropped when the test ends.
func newTestStore(tb testing.TB) *postgres.Store {
	tb.Helper()
	url, schema := newTestSchema(tb)
	return openTestStore(tb, url, schema)
}

func openTestStore(tb testing.TB, url, schema string) *postgres.Store {
	tb.Helper()
	s, err := postgres.Open(context.Background(), postgres.Options{URL: url, Schema: schema})
	require.NoError(tb, err)
	tb.Cleanup(s.Close) // runs before the schema is dropped
	return s
}

// rawConn connects to the test's schema, bypassing the store.
func rawConn(tb testing.TB, url, schema string) *pgx.Conn {
	tb.Helper()
	cfg, err := pgx.ParseConfig(url)
	require.NoError(tb, err)
	cfg.RuntimeParams["search_path"] = pgx.Identifier{schema}.Sanitize() + ", public"
	conn, err := pgx.ConnectConfig(context.Background(), cfg)
	require.NoError(tb, err)
	tb.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

const (
	oslo   = domain.Municipality("0301")
	bergen = domain.Municipality("4601")
)

// syntheticNationalID returns a valid synthetic fødselsnummer for a birth
// date in 2000–2039, trying individual numbers from start.
func syntheticNationalID(t testing.TB, birth date.Date, start int) domain.NationalID {
	t.Helper()
	y, m, d := birth.Date()
	w1 := []int{3, 7, 6, 1, 8, 9, 4, 5, 2}
	w2 := []int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2}
	control := func(ds []int, ws []int) int {
		sum := 0
		for i, w := range ws {
			sum += ds[i] * w
		}
		k := 11 - sum%11
		if k == 11 {
			k = 0
		}
		return k
	}
	for ind := start; ind < 1000; ind++ {
		s := fmt.Sprintf("%02d%02d%02d%03d", d, int(m)+80, y%100, ind)
		ds := make([]int, 0, 11)
		for _, c := range s {
			ds = append(ds, int(c-'0'))
		}
		k1 := control(ds, w1)
		if k1 == 10 {
			continue
		}
		ds = append(ds, k1)
		k2 := control(ds, w2)
		if k2 == 10 {
			continue
		}
		n, err := domain.ParseNationalID(fmt.Sprintf("%s%d%d", s, k1, k2))
		if err != nil {
			continue
		}
		return n
	}
	t.Fatalf("no synthetic national ID for %s", birth)
	return domain.NationalID{}
}

type fixture struct {
	kindergarten domain.Unit
	group        domain.Group
	child        domain.Child
	guardian     domain.Guardian
}

func seed(t *testing.T, ctx context.Context, s domain.Store, m domain.Municipality) fixture {
	t.Helper()
	birth := date.New(2021, time.March, 4)
	f := fixture{
		kindergarten: domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Solsikken barnehage",
			Kind: domain.Kindergarten, Owner: domain.Municipal},
		child: domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: "Åse", FamilyName: "Ødegård",
			BirthDate: birth, NationalID: syntheticNationalID(t, birth, 500), AddressProtection: domain.ProtectionNone},
		guardian: domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, GivenName: "Kari",
			FamilyName: "Ødegård", Email: "kari@example.no", Phone: "+47 99999999", AddressProtection: domain.ProtectionFortrolig},
	}
	f.group = domain.Group{ID: domain.NewID[domain.Group](), Municipality: m, UnitID: f.kindergarten.ID, Name: "Blåbær"}
	require.NoError(t, s.CreateUnit(ctx, f.kindergarten))
	require.NoError(t, s.CreateGroup(ctx, f.group))
	require.NoError(t, s.CreateChild(ctx, f.child))
	require.NoError(t, s.CreateGuardian(ctx, f.guardian))
	require.NoError(t, s.PutGuardianship(ctx, domain.Guardianship{Municipality: m, ChildID: f.child.ID,
		GuardianID: f.guardian.ID, ParentalResponsibility: true, LivesWithChild: true}))
	return f
}

func placement(f fixture, start, end date.Date) domain.Placement {
	return domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: f.child.Municipality,
		ChildID: f.child.ID, UnitID: f.kindergarten.ID, GroupID: f.group.ID, Kind: domain.Kindergarten,
		HoursPerWeek: 41, Period: domain.Period{Start: start, End: end}}
}

// TestSmoke covers the directory round trip; the conformance suite
// (storetest) covers the semantics in depth.
func TestSmoke(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := context.Background()
	f := seed(t, ctx, s, oslo)

	got, err := s.Child(ctx, oslo, f.child.ID)
	require.NoError(t, err)
	assert.Equal(t, f.child, got)
	got, err = s.ChildByNationalID(ctx, oslo, f.child.NationalID)
	require.NoError(t, err)
	assert.Equal(t, f.child, got)
	g, err := s.Guardian(ctx, oslo, f.guardian.ID)
	require.NoError(t, err)
	assert.Equal(t, f.guardian, g)
	u, err := s.Unit(ctx, oslo, f.kindergarten.ID)
	require.NoError(t, err)
	assert.Equal(t, f.kindergarten, u)

	p1 := placement(f, date.New(2022, time.August, 1), date.New(2023, time.July, 31))
	p2 := placement(f, date.New(2023, time.August, 1), date.Zero)
	require.NoError(t, s.CreatePlacement(ctx, p2))
	require.NoError(t, s.CreatePlacement(ctx, p1))

	rec, err := s.ChildRecord(ctx, oslo, f.child.ID)
	require.NoError(t, err)
	assert.Equal(t, f.child, rec.Child)
	require.Len(t, rec.Guardians, 1)
	assert.Equal(t, f.guardian, rec.Guardians[0].Guardian)
	assert.True(t, rec.Guardians[0].Guardianship.ParentalResponsibility)
	assert.Equal(t, []domain.Placement{p1, p2}, rec.Placements)

	within := domain.Period{Start: date.New(2023, time.July, 31), End: date.New(2023, time.July, 31)}
	ps, err := s.UnitPlacements(ctx, oslo, f.kindergarten.ID, within)
	require.NoError(t, err)
	assert.Equal(t, []domain.Placement{p1}, ps)
	ps, err = s.UnitPlacements(ctx, oslo, f.kindergarten.ID, domain.Period{Start: date.New(2030, 1, 1)})
	require.NoError(t, err)
	assert.Equal(t, []domain.Placement{p2}, ps)
	_, err = s.UnitPlacements(ctx, oslo, f.kindergarten.ID, domain.Period{})
	assert.Equal(t, "start", domain.FieldOf(err), "a period needs a start")
	_, err = s.UnitPlacements(ctx, oslo, f.kindergarten.ID, domain.Period{Start: date.New(2023, 8, 2), End: date.New(2023, 8, 1)})
	assert.Equal(t, "end", domain.FieldOf(err), "a period ending before it starts is refused")

	// Overlap, duplicate ID, duplicate national ID, missing records.
	err = s.CreatePlacement(ctx, placement(f, date.New(2023, time.July, 31), date.New(2023, time.August, 1)))
	assert.Equal(t, "period", domain.FieldOf(err))
	assert.ErrorIs(t, err, domain.ErrConflict)
	dup := p1
	dup.Period = domain.Period{Start: date.New(2010, 1, 1), End: date.New(2010, 2, 1)}
	err = s.CreatePlacement(ctx, dup)
	assert.Equal(t, "id", domain.FieldOf(err))
	twin := f.child
	twin.ID = domain.NewID[domain.Child]()
	err = s.CreateChild(ctx, twin)
	assert.Equal(t, "nationalId", domain.FieldOf(err))
	assert.ErrorIs(t, err, domain.ErrConflict)
	_, err = s.Child(ctx, bergen, f.child.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	assert.ErrorIs(t, s.DeletePlacement(ctx, bergen, p1.ID), domain.ErrNotFound)
	ghost := p1
	ghost.ID = domain.NewID[domain.Placement]()
	assert.ErrorIs(t, s.UpdatePlacement(ctx, ghost), domain.ErrNotFound)

	// Shortening p2 is fine; moving p1 onto p2 is not.
	p2.Period.End = date.New(2024, time.July, 31)
	require.NoError(t, s.UpdatePlacement(ctx, p2))
	moved := p1
	moved.Period.End = date.New(2023, time.August, 1)
	err = s.UpdatePlacement(ctx, moved)
	assert.Equal(t, "period", domain.FieldOf(err))

	// A group of another unit.
	school := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: oslo, Name: "Bakken skole",
		Kind: domain.School, Owner: domain.Municipal}
	require.NoError(t, s.CreateUnit(ctx, school))
	class := domain.Group{ID: domain.NewID[domain.Group](), Municipality: oslo, UnitID: school.ID, Name: "1A"}
	require.NoError(t, s.CreateGroup(ctx, class))
	wrong := placement(f, date.New(2030, 1, 1), date.Zero)
	wrong.GroupID = class.ID
	err = s.CreatePlacement(ctx, wrong)
	assert.ErrorIs(t, err, domain.ErrInvalid)
	assert.Equal(t, "groupId", domain.FieldOf(err))
}

func TestAtomic(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := context.Background()
	f := seed(t, ctx, s, oslo)
	boom := errors.New("boom")

	// An error rolls everything back, nested Atomic included.
	p := placement(f, date.New(2022, time.August, 1), date.Zero)
	err := s.Atomic(ctx, func(ctx context.Context) error {
		require.NoError(t, s.CreatePlacement(ctx, p))
		return s.Atomic(ctx, func(ctx context.Context) error {
			got, err := s.Placement(ctx, oslo, p.ID)
			require.NoError(t, err)
			assert.Equal(t, p, got)
			return boom
		})
	})
	assert.ErrorIs(t, err, boom)
	_, err = s.Placement(ctx, oslo, p.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)

	// A panic rolls back too.
	assert.Panics(t, func() {
		_ = s.Atomic(ctx, func(ctx context.Context) error {
			require.NoError(t, s.CreatePlacement(ctx, p))
			panic("boom")
		})
	})
	_, err = s.Placement(ctx, oslo, p.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)

	// A refused write leaves the transaction usable.
	err = s.Atomic(ctx, func(ctx context.Context) error {
		require.NoError(t, s.CreatePlacement(ctx, p))
		err := s.CreatePlacement(ctx, placement(f, date.New(2024, 1, 1), date.Zero))
		assert.Equal(t, "period", domain.FieldOf(err))
		err = s.CreateChild(ctx, f.child)
		assert.Equal(t, "id", domain.FieldOf(err))
		return nil
	})
	require.NoError(t, err)
	_, err = s.Placement(ctx, oslo, p.ID)
	assert.NoError(t, err)

	// Another store never joins this store's transaction.
	other := newTestStore(t)
	err = s.Atomic(ctx, func(ctx context.Context) error {
		return other.CreateUnit(ctx, f.kindergarten)
	})
	require.NoError(t, err)
	_, err = other.Unit(ctx, oslo, f.kindergarten.ID)
	assert.NoError(t, err)
}

// TestExclusionConstraint shows that the database itself refuses
// overlapping placements, whatever the Go code does.
func TestExclusionConstraint(t *testing.T) {
	t.Parallel()
	url, schema := newTestSchema(t)
	s := openTestStore(t, url, schema)
	ctx := context.Background()
	f := seed(t, ctx, s, oslo)
	require.NoError(t, s.CreatePlacement(ctx, placement(f, date.New(2022, time.August, 1), date.New(2023, time.July, 31))))

	conn := rawConn(t, url, schema)
	insert := `INSERT INTO placements (municipality, id, child_id, unit_id, kind, hours_per_week, start_date, end_date)
		VALUES ($1, $2, $3, $4, 'kindergarten', 20, $5, $6)`
	_, err := conn.Exec(ctx, insert, "0301", domain.NewID[domain.Placement]().String(), f.child.ID.String(),
		f.kindergarten.ID.String(), "2023-07-31", nil) // shares the last day, open-ended
	var pe *pgconn.PgError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "23P01", pe.Code)
	assert.Equal(t, "placements_no_overlap", pe.ConstraintName)

	// The day after is fine.
	_, err = conn.Exec(ctx, insert, "0301", domain.NewID[domain.Placement]().String(), f.child.ID.String(),
		f.kindergarten.ID.String(), "2023-08-01", nil)
	require.NoError(t, err)
}

func TestMigrationsIdempotent(t *testing.T) {
	t.Parallel()
	url, schema := newTestSchema(t)
	ctx := context.Background()

	// Two processes opening a fresh schema at once: the advisory lock lets
	// one migrate, the other finds the work done.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() {
			s, err := postgres.Open(ctx, postgres.Options{URL: url, Schema: schema, MaxConns: 2})
			if err == nil {
				s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])

	s := openTestStore(t, url, schema)
	f := seed(t, ctx, s, oslo)
	s.Close()
	s = openTestStore(t, url, schema)
	_, err := s.Child(ctx, oslo, f.child.ID)
	require.NoError(t, err, "data survives reopening")

	conn := rawConn(t, url, schema)
	var applied, latest int64
	err = conn.QueryRow(ctx, `SELECT count(*), max(version_id) FROM `+postgres.VersionTable+` WHERE version_id > 0`).
		Scan(&applied, &latest)
	require.NoError(t, err)
	migrations, err := os.ReadDir("migrations")
	require.NoError(t, err)
	assert.Equal(t, int64(len(migrations)), applied, "each migration applied once")
	last, err := strconv.ParseInt(strings.SplitN(migrations[len(migrations)-1].Name(), "_", 2)[0], 10, 64)
	require.NoError(t, err)
	assert.Equal(t, last, latest, "the newest migration file is the current version")

	var tables []string
	rows, err := conn.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename`, schema)
	require.NoError(t, err)
	tables, err = pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	// The directory's tables; later migrations add their own.
	assert.Subset(t, tables, []string{"children", "guardians", "guardianships", "oppvekst_schema_version",
		"placements", "unit_groups", "units"})
}

func TestSchemasAreSeparate(t *testing.T) {
	t.Parallel()
	a, b := newTestStore(t), newTestStore(t)
	ctx := context.Background()
	f := seed(t, ctx, a, oslo)

	_, err := b.Child(ctx, oslo, f.child.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound)
	cs, err := b.Children(ctx, oslo)
	require.NoError(t, err)
	assert.Empty(t, cs)
	// The same records fit in the other schema without a clash.
	seedAgain := f.child
	require.NoError(t, b.CreateChild(ctx, seedAgain))
}

func TestOpenUnknownSchema(t *testing.T) {
	t.Parallel()
	url := testURL(t)
	_, err := postgres.Open(context.Background(), postgres.Options{URL: url, Schema: "t_does_not_exist"})
	assert.ErrorContains(t, err, "does not exist")
}

func TestPostgresStore(t *testing.T) {
	testURL(t) // skip (or fail in CI) before the suite starts its subtests
	storetest.Run(t, func(t *testing.T) domain.Store { return newTestStore(t) })
}

// TestRaceLostToConstraint: a write whose checks pass but which loses a race
// to a concurrent transaction is refused by the constraints, with the same
// domain errors as the checks give.
func TestRaceLostToConstraint(t *testing.T) {
	t.Parallel()
	url, schema := newTestSchema(t)
	s := openTestStore(t, url, schema)
	ctx := context.Background()
	f := seed(t, ctx, s, oslo)
	conn := rawConn(t, url, schema)

	// race holds a transaction open with the first write done, runs the
	// second write until it waits for that transaction, then commits.
	race := func(first func(ctx context.Context) error, second func() error) error {
		holding, commit := make(chan struct{}), make(chan struct{})
		firstErr := make(chan error, 1)
		go func() {
			firstErr <- s.Atomic(ctx, func(ctx context.Context) error {
				err := first(ctx)
				close(holding)
				<-commit
				return err
			})
		}()
		<-holding
		secondErr := make(chan error, 1)
		go func() { secondErr <- second() }()
		// Wait until the second write waits for the first transaction's
		// lock: its checks have passed, the constraint decides.
		var waiting bool
		for i := 0; i < 500 && !waiting; i++ {
			err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
				WHERE wait_event_type = 'Lock' AND datname = current_database() AND query ~ '^(UPDATE|INSERT)')`).Scan(&waiting)
			require.NoError(t, err)
			time.Sleep(5 * time.Millisecond)
		}
		assert.True(t, waiting, "the second write never waited for the first")
		close(commit)
		require.NoError(t, <-firstErr)
		return <-secondErr
	}

	// Exclusion constraint: the update's probe cannot see the uncommitted
	// placement it will overlap.
	p1 := placement(f, date.New(2022, time.August, 1), date.New(2023, time.July, 31))
	require.NoError(t, s.CreatePlacement(ctx, p1))
	p3 := placement(f, date.New(2024, time.January, 1), date.Zero)
	longer := p1
	longer.Period.End = date.Zero
	err := race(
		func(ctx context.Context) error { return s.CreatePlacement(ctx, p3) },
		func() error { return s.UpdatePlacement(ctx, longer) })
	assert.ErrorIs(t, err, domain.ErrConflict)
	assert.Equal(t, "period", domain.FieldOf(err))

	// Unique constraint on the national ID.
	birth := date.New(2022, time.June, 6)
	newcomer := domain.Child{ID: domain.NewID[domain.Child](), Municipality: oslo, GivenName: "Ny", FamilyName: "Nordmann",
		BirthDate: birth, NationalID: syntheticNationalID(t, birth, 600), AddressProtection: domain.ProtectionNone}
	renumbered := f.child
	renumbered.BirthDate, renumbered.NationalID = newcomer.BirthDate, newcomer.NationalID
	err = race(
		func(ctx context.Context) error { return s.CreateChild(ctx, newcomer) },
		func() error { return s.UpdateChild(ctx, renumbered) })
	assert.ErrorIs(t, err, domain.ErrConflict)
	assert.Equal(t, "nationalId", domain.FieldOf(err))

	// Nothing of the losing writes was kept.
	got, err := s.Placement(ctx, oslo, p1.ID)
	require.NoError(t, err)
	assert.Equal(t, p1, got)
	c, err := s.Child(ctx, oslo, f.child.ID)
	require.NoError(t, err)
	assert.Equal(t, f.child, c)
}

func BenchmarkPostgresStore(b *testing.B) {
	testURL(b)
	storetest.RunBenchmarks(b, func(b *testing.B) domain.Store { return newTestStore(b) })
}
