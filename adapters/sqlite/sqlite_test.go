package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	msqlite "modernc.org/sqlite"

	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/adapters/storetest"
	"github.com/oppvekst/oppvekst/domain"
)

var oslo = domain.MustMunicipality("0301")

// openAt opens a store on path, closed when the test ends.
func openAt(t testing.TB, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), sqlite.Options{Path: path})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

// open opens a fresh temporary store, as a vendor's unit tests would.
func open(t testing.TB) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), sqlite.Options{Temp: true})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

// openFile opens a store on a fresh file, synced as in production: the
// store the benchmarks measure.
func openFile(b testing.TB) *sqlite.Store {
	b.Helper()
	return openAt(b, filepath.Join(b.TempDir(), "oppvekst.db"))
}

// rawDB opens the file with plain database/sql, bypassing the store.
func rawDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	c, err := msqlite.NewConnector(path + "?_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)")
	require.NoError(t, err)
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	return db
}

func TestSQLiteStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) domain.Store { return open(t) })
}

func BenchmarkSQLiteStore(b *testing.B) {
	storetest.RunBenchmarks(b, func(b *testing.B) domain.Store { return openFile(b) })
}

// BenchmarkCreateChild measures a single write outside Atomic: its own
// IMMEDIATE transaction and commit.
func BenchmarkCreateChild(b *testing.B) {
	s := openFile(b)
	ctx := context.Background()
	for b.Loop() {
		require.NoError(b, s.CreateChild(ctx, domain.Child{ID: domain.NewID[domain.Child](), Municipality: oslo, GivenName: "A", FamilyName: "B",
			BirthDate: date.New(2021, 1, 1), AddressProtection: domain.ProtectionNone}))
	}
}

// seed stores a child and a kindergarten.
func seed(t *testing.T, s *sqlite.Store) (domain.Child, domain.Unit) {
	t.Helper()
	ctx := context.Background()
	c := domain.Child{ID: domain.NewID[domain.Child](), Municipality: oslo, GivenName: "Kari", FamilyName: "Nordmann",
		BirthDate: date.New(2021, 3, 4), AddressProtection: domain.ProtectionNone}
	u := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: oslo, Name: "Solsikken barnehage",
		Kind: domain.Kindergarten, Owner: domain.Municipal}
	require.NoError(t, s.CreateChild(ctx, c))
	require.NoError(t, s.CreateUnit(ctx, u))
	return c, u
}

func TestOverlapTriggerRefusesRawSQL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "oppvekst.db")
	s := openAt(t, path)
	c, u := seed(t, s)
	db := rawDB(t, path)
	ctx := context.Background()

	const insert = `INSERT INTO placements (municipality, id, child_id, unit_id, kind, hours_per_week, start_date, end_date)
		VALUES (?, ?, ?, ?, 'kindergarten', 40, ?, ?)`
	first := domain.NewID[domain.Placement]()
	_, err := db.ExecContext(ctx, insert, oslo, first, c.ID, u.ID, "2024-08-01", "2025-07-31")
	require.NoError(t, err)

	for _, period := range [][2]any{
		{"2025-07-31", nil},          // open end, starts on the last day
		{"2024-01-01", "2024-08-01"}, // ends on the first day
		{"2024-09-01", "2024-09-30"}, // inside
	} {
		_, err = db.ExecContext(ctx, insert, oslo, domain.NewID[domain.Placement](), c.ID, u.ID, period[0], period[1])
		require.Error(t, err, "period %v", period)
		assert.Contains(t, err.Error(), "placement_overlap")
	}

	// Adjacent is fine; moving it into the first by UPDATE is refused too.
	second := domain.NewID[domain.Placement]()
	_, err = db.ExecContext(ctx, insert, oslo, second, c.ID, u.ID, "2025-08-01", nil)
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, `UPDATE placements SET start_date = '2025-07-01' WHERE id = ?`, second)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "placement_overlap")
	// Updating a row over its own period is fine.
	_, err = db.ExecContext(ctx, `UPDATE placements SET start_date = '2024-08-02' WHERE id = ?`, first)
	require.NoError(t, err)

	// The store sees the rows written behind its back.
	ps, err := s.Placements(ctx, oslo, c.ID)
	require.NoError(t, err)
	require.Len(t, ps, 2)
	assert.Equal(t, first, ps[0].ID)
	assert.Equal(t, date.New(2024, 8, 2), ps[0].Period.Start)
	assert.True(t, ps[1].Period.Open())
}

func TestSchemaConstraints(t *testing.T) {
	path := filepath.Join(t.TempDir(), "oppvekst.db")
	s := openAt(t, path)
	c, u := seed(t, s)
	db := rawDB(t, path)
	ctx := context.Background()

	pid := func() string { return "'" + domain.NewID[domain.Placement]().String() + "'" }
	child, unit := "'"+c.ID.String()+"'", "'"+u.ID.String()+"'"
	const cols = `INSERT INTO placements (municipality, id, child_id, unit_id, kind, hours_per_week, start_date, end_date) VALUES `
	for name, tc := range map[string]struct{ stmt, want string }{
		"a missing child": {cols + `('0301', ` + pid() + `, '` + domain.NewID[domain.Child]().String() + `', ` + unit + `, 'kindergarten', 40, '2024-08-01', NULL)`,
			"FOREIGN KEY"},
		"a child of another municipality": {cols + `('4601', ` + pid() + `, ` + child + `, ` + unit + `, 'kindergarten', 40, '2024-08-01', NULL)`,
			"FOREIGN KEY"},
		"end before start": {cols + `('0301', ` + pid() + `, ` + child + `, ` + unit + `, 'kindergarten', 40, '2024-08-01', '2024-07-31')`,
			"end_date >= start_date"},
		"too many hours": {cols + `('0301', ` + pid() + `, ` + child + `, ` + unit + `, 'kindergarten', 61, '2024-08-01', NULL)`,
			"hours_per_week"},
		"no hours outside school": {cols + `('0301', ` + pid() + `, ` + child + `, ` + unit + `, 'kindergarten', 0, '2024-08-01', NULL)`,
			"hours_per_week"},
		"a date that is not YYYY-MM-DD": {cols + `('0301', ` + pid() + `, ` + child + `, ` + unit + `, 'kindergarten', 40, '1.8.2024', NULL)`,
			"start_date GLOB"},
		"unknown kind":                   {`UPDATE units SET kind = 'nursery'`, "kind IN"},
		"a parent on a kindergarten":     {`UPDATE units SET parent_id = '` + domain.NewID[domain.Unit]().String() + `'`, "parent_id"},
		"a blob in a STRICT text column": {`UPDATE children SET birth_date = x'01'`, "cannot store BLOB value in TEXT column"},
		"unknown protection":             {`UPDATE children SET address_protection = 'hemmelig'`, "address_protection IN"},
		"malformed kommunenummer":        {`UPDATE units SET municipality = '03A1'`, "municipality GLOB"},
	} {
		_, err := db.ExecContext(ctx, tc.stmt)
		if assert.Error(t, err, name) {
			assert.Contains(t, err.Error(), tc.want, name)
		}
	}

	g := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: oslo, GivenName: "Ola", FamilyName: "Nordmann"}
	require.NoError(t, s.CreateGuardian(ctx, g))
	require.NoError(t, s.PutGuardianship(ctx, domain.Guardianship{Municipality: oslo, ChildID: c.ID, GuardianID: g.ID}))
	_, err := db.ExecContext(ctx, `UPDATE guardianships SET parental_responsibility = 2`)
	if assert.Error(t, err) {
		assert.Contains(t, err.Error(), "parental_responsibility IN (0, 1)")
	}
	_, err = db.ExecContext(ctx, `INSERT INTO children (municipality, id, national_id, given_name, family_name, birth_date, address_protection)
		VALUES ('0301', ?, NULL, 'Per', 'Hansen', '2021-01-01', 'none'), ('0301', ?, NULL, 'Pål', 'Hansen', '2021-01-01', 'none')`,
		domain.NewID[domain.Child](), domain.NewID[domain.Child]())
	assert.NoError(t, err, "any number of children without a national ID")
}

func TestReopenKeepsDataAndMigrationsAreIdempotent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "dir", "oppvekst.db") // folders are created
	ctx := context.Background()
	s, err := sqlite.Open(ctx, sqlite.Options{Path: path})
	require.NoError(t, err)
	assert.Equal(t, path, s.Path())
	c, u := seed(t, s)
	require.NoError(t, s.Close())

	for range 2 {
		s, err = sqlite.Open(ctx, sqlite.Options{Path: path, BusyTimeout: time.Second, ReadConns: 2})
		require.NoError(t, err)
		got, err := s.Child(ctx, oslo, c.ID)
		require.NoError(t, err)
		assert.Equal(t, c, got)
		units, err := s.Units(ctx, oslo)
		require.NoError(t, err)
		assert.Equal(t, []domain.Unit{u}, units)
		require.NoError(t, s.Close())
	}

	db := rawDB(t, path)
	var versions, applied int
	require.NoError(t, db.QueryRowContext(ctx,
		`SELECT count(*), count(DISTINCT version_id) FROM `+sqlite.VersionTable+` WHERE version_id > 0`).Scan(&applied, &versions))
	migrations, err := os.ReadDir("migrations")
	require.NoError(t, err)
	assert.Equal(t, len(migrations), versions)
	assert.Equal(t, len(migrations), applied, "each migration ran once")
}

func TestVersionTable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "oppvekst.db")
	openAt(t, path)
	db := rawDB(t, path)
	var tables []string
	rows, err := db.Query(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`)
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var name string
		require.NoError(t, rows.Scan(&name))
		if !strings.HasPrefix(name, "sqlite_") {
			tables = append(tables, name)
		}
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, "oppvekst_schema_version", sqlite.VersionTable)
	// The directory's tables; later migrations add their own.
	assert.Subset(t, tables, []string{"children", "guardians", "guardianships", "oppvekst_schema_version", "placements", "unit_groups", "units"})
}

func TestWAL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "oppvekst.db")
	openAt(t, path)
	var mode string
	require.NoError(t, rawDB(t, path).QueryRow(`PRAGMA journal_mode`).Scan(&mode))
	assert.Equal(t, "wal", mode)
}

func TestOpenRefusesNonFiles(t *testing.T) {
	for _, p := range []string{"", ":memory:", "file:x.db?mode=memory"} {
		_, err := sqlite.Open(context.Background(), sqlite.Options{Path: p})
		assert.Error(t, err, p)
	}
	_, err := sqlite.Open(context.Background(), sqlite.Options{Path: filepath.Join(t.TempDir(), "x.db"), Temp: true})
	assert.Error(t, err, "a path and Temp")
}

// A temporary store starts empty at the current schema, is private to its
// store, runs in WAL mode unsynced, and is gone after Close.
func TestTemp(t *testing.T) {
	ctx := context.Background()
	a, err := sqlite.Open(ctx, sqlite.Options{Temp: true})
	require.NoError(t, err)
	b := open(t)
	require.NotEqual(t, a.Path(), b.Path())

	c, _ := seed(t, a)
	_, err = b.Child(ctx, oslo, c.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound, "each temporary store is a database of its own")
	children, err := b.Children(ctx, oslo)
	require.NoError(t, err)
	assert.Empty(t, children)

	db := rawDB(t, a.Path())
	var mode string
	var version int
	require.NoError(t, db.QueryRow(`PRAGMA journal_mode`).Scan(&mode))
	assert.Equal(t, "wal", mode)
	require.NoError(t, db.QueryRow(`SELECT max(version_id) FROM `+sqlite.VersionTable).Scan(&version))
	assert.Equal(t, migrationCount(t), version, "at the current schema")
	require.NoError(t, db.Close())

	path := a.Path()
	_, err = os.Stat(path)
	require.NoError(t, err)
	require.NoError(t, a.Close())
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		_, err = os.Stat(p)
		assert.ErrorIs(t, err, os.ErrNotExist, p)
	}
}

// migrationCount is the number of the last migration file, the version of the
// current schema.
func migrationCount(t *testing.T) int {
	t.Helper()
	files, err := filepath.Glob("migrations/*.sql")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	// The highest number: helpers working in parallel hold numbers of
	// their own, so the files of a branch need not be contiguous.
	last := 0
	for _, f := range files {
		n, err := strconv.Atoi(strings.SplitN(filepath.Base(f), "_", 2)[0])
		require.NoError(t, err, f)
		last = max(last, n)
	}
	return last
}

// Reads outside a transaction are not blocked by a running write
// transaction, and do not see its uncommitted writes.
func TestReadsDuringWriteTransaction(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	c, _ := seed(t, s)
	renamed := c
	renamed.GivenName = "Kari Marie"
	err := s.Atomic(ctx, func(tctx context.Context) error {
		require.NoError(t, s.UpdateChild(tctx, renamed))
		got, err := s.Child(tctx, oslo, c.ID)
		require.NoError(t, err)
		assert.Equal(t, renamed, got, "the transaction sees its own write")

		done := make(chan domain.Child, 1)
		go func() {
			got, err := s.Child(ctx, oslo, c.ID) // not the transaction's ctx
			assert.NoError(t, err)
			done <- got
		}()
		select {
		case got := <-done:
			assert.Equal(t, c, got, "outside the transaction the old value")
		case <-time.After(5 * time.Second):
			t.Fatal("read blocked by a write transaction")
		}
		return nil
	})
	require.NoError(t, err)
	got, err := s.Child(ctx, oslo, c.ID)
	require.NoError(t, err)
	assert.Equal(t, renamed, got)
}

// A transaction of one store in the ctx is not mistaken for another's.
func TestTransactionsOfTwoStores(t *testing.T) {
	a, b := open(t), open(t)
	ctx := context.Background()
	c, _ := seed(t, a)
	err := a.Atomic(ctx, func(ctx context.Context) error {
		require.NoError(t, b.CreateChild(ctx, c)) // commits on its own in b
		return context.Canceled
	})
	require.ErrorIs(t, err, context.Canceled)
	_, err = b.Child(ctx, oslo, c.ID)
	require.NoError(t, err)
}
