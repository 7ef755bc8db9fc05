// Package sqlite is the embedded store of Oppvekst: one SQLite file, no
// server and no cgo (modernc.org/sqlite). It implements domain.Store and is
// the default store of the reference app.
//
// The database runs in WAL mode with two handles: one writer connection whose
// transactions begin IMMEDIATE, so concurrent writers queue instead of failing
// with SQLITE_BUSY, and a pool of read-only connections for reads outside a
// transaction. Every write runs in a transaction on the writer; reads made
// with the ctx of Store.Atomic go through that transaction.
//
// The schema is embedded and migrated by Open (goose, version table
// oppvekst_schema_version). It enforces what the domain promises on its own:
// composite keys and foreign keys scoped by municipality, unique national IDs
// per municipality, and triggers that refuse overlapping placements of the
// same kind for a child.
//
// # A fast store for tests and examples
//
// Options.Temp opens a private, empty database that Close deletes: the
// store of unit tests, examples and a first try of the library, with the
// same schema, constraints and transactions as a database file in
// production:
//
//	store, err := sqlite.Open(ctx, sqlite.Options{Temp: true})
//	if err != nil {
//		return err
//	}
//	defer store.Close()
//
// It lives in a temporary file rather than in SQLite's memory databases,
// because the writer and the pool of readers must share one database in WAL
// mode; it is as fast, since nothing is synced to disk and the schema is
// migrated once per process and copied into each new store.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/oppvekst/oppvekst/domain"
)

// VersionTable is the table in which goose records the applied migrations.
const VersionTable = "oppvekst_schema_version"

// queries are the statements Open prepares, one list per store port.
var queries = slices.Concat(directoryQueries, admissionQueries, billingQueries, billingPageQueries, attendanceQueries, messagingQueries, appQueries, staffQueries, registryQueries, catchmentQueries, instanceQueries)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Options configure Open.
type Options struct {
	// Path is the database file. Its folder is created when missing.
	Path string
	// Temp opens a new, empty database in a temporary file (in
	// os.TempDir) instead of Path, which must then be empty; Close
	// removes it. Nothing is synced to disk (PRAGMA synchronous OFF):
	// the database does not outlive the store. Each store is a copy of
	// the schema migrated once per process.
	Temp bool
	// BusyTimeout is how long a connection waits for a lock held by another
	// connection (or process) before giving up; 5 seconds when zero.
	BusyTimeout time.Duration
	// ReadConns is the size of the read-only connection pool; 4 when zero.
	ReadConns int
}

// Store is the SQLite store. It is safe for concurrent use; Close it when
// done.
type Store struct {
	path   string
	temp   bool    // Close removes the files at path
	writer *sql.DB // one connection, BEGIN IMMEDIATE
	reader *sql.DB // query_only connections

	// Statements of the queries listed in queries, prepared by Open on
	// each handle; read-only after Open.
	writerStmts, readerStmts map[string]*sql.Stmt

	jobs sync.Map // job and municipality → *sync.Mutex (RunLocked)

	// checkpointer copies the WAL into the database file (the writer
	// does not: wal_autocheckpoint 0), every CheckpointEvery, beside
	// the writer and the readers (PASSIVE: it waits for neither).
	checkpointer    *sql.DB
	stopCheckpoints context.CancelFunc
	checkpoints     sync.WaitGroup
}

// CheckpointEvery is how often the WAL of a store on a file is
// checkpointed into the database file.
const CheckpointEvery = 250 * time.Millisecond

// checkpoint checkpoints the WAL every CheckpointEvery until ctx ends. A
// checkpoint that fails (the disk) is tried again at the next tick; the
// WAL grows meanwhile, and the database stays whole.
func (s *Store) checkpoint(ctx context.Context) {
	defer s.checkpoints.Done()
	t := time.NewTicker(CheckpointEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		_, _ = s.checkpointer.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)")
	}
}

var _ domain.Store = (*Store)(nil)

// Open opens (creating if needed) the database file at opts.Path, migrates
// it to the current schema and returns the store; with opts.Temp it opens a
// new temporary database instead. The path must name a file: ":memory:" and
// "file:" URIs are refused, since the writer and the readers must share one
// database.
func Open(ctx context.Context, opts Options) (*Store, error) {
	if opts.Temp {
		if opts.Path != "" {
			return nil, fmt.Errorf("sqlite: Path %q and Temp: a temporary database has no path of its own", opts.Path)
		}
		path, err := tempCopy(ctx)
		if err != nil {
			return nil, err
		}
		opts.Path = path
	} else if opts.Path == "" || opts.Path == ":memory:" || strings.HasPrefix(opts.Path, "file:") || strings.Contains(opts.Path, "?") {
		return nil, fmt.Errorf("sqlite: Path %q must name a file (or set Temp for a temporary database)", opts.Path)
	}
	s, err := open(ctx, opts)
	if err != nil && opts.Temp {
		removeFiles(opts.Path)
	}
	return s, err
}

func open(ctx context.Context, opts Options) (*Store, error) {
	if opts.BusyTimeout <= 0 {
		opts.BusyTimeout = 5 * time.Second
	}
	if opts.ReadConns <= 0 {
		opts.ReadConns = 4
	}
	if dir := filepath.Dir(opts.Path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("sqlite: %w", err)
		}
	}

	synchronous := "synchronous(NORMAL)"
	if opts.Temp {
		synchronous = "synchronous(OFF)"
	}
	// The driver runs the _pragma list on every new connection of the pool.
	pragmas := []string{
		"busy_timeout(" + strconv.FormatInt(opts.BusyTimeout.Milliseconds(), 10) + ")",
		"journal_mode(WAL)",
		"foreign_keys(ON)",
		synchronous,
		// Statement journals (every INSERT that fires a trigger or checks
		// a foreign key) stay in memory instead of a temporary file.
		"temp_store(MEMORY)",
	}
	// The writer gets a larger page cache (8 MiB) than the readers (the
	// default 2 MiB), so that a transaction of a few thousand rows does not
	// spill pages to the WAL before it commits. Not more: the cache is
	// resident memory of its own (the driver's allocator, outside the Go
	// heap), and a large transaction fills it. With 32 MiB the invoice run
	// of 50,000 children peaked at 181 MiB resident (BenchmarkSQLiteInvoiceRunMemory,
	// issue 22: at most 150), with 8 MiB at 129 MiB, in the same time; a
	// larger transaction spills to the WAL, which is correct and cheap.
	writerPragmas := append(slices.Clone(pragmas), "cache_size(-8192)")
	if !opts.Temp {
		// The writer never checkpoints the WAL into the database file
		// itself: the checkpointer does, on a connection of its own, so
		// that the checkpoint's fsyncs are not waited for by the commit
		// that happens to cross the WAL's threshold (a check-in's p99).
		writerPragmas = append(writerPragmas, "wal_autocheckpoint(0)")
	}
	writer, err := openDB(opts.Path, url.Values{"_pragma": writerPragmas, "_txlock": {"immediate"}})
	if err != nil {
		return nil, err
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	writer.SetConnMaxIdleTime(0)
	// A temporary database is a copy of the migrated schema.
	if !opts.Temp {
		if err := migrate(ctx, writer); err != nil {
			writer.Close()
			return nil, err
		}
	}

	// query_only is applied by the driver after the _pragma list.
	reader, err := openDB(opts.Path, url.Values{"_pragma": pragmas, "_query_only": {"1"}})
	if err != nil {
		writer.Close()
		return nil, err
	}
	reader.SetMaxOpenConns(opts.ReadConns)
	reader.SetMaxIdleConns(opts.ReadConns)
	reader.SetConnMaxLifetime(0)
	reader.SetConnMaxIdleTime(0)
	if err := reader.PingContext(ctx); err != nil {
		reader.Close()
		writer.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", opts.Path, err)
	}
	s := &Store{path: opts.Path, temp: opts.Temp, writer: writer, reader: reader}
	if !opts.Temp {
		if s.checkpointer, err = openDB(opts.Path, url.Values{"_pragma": pragmas}); err != nil {
			s.Close()
			return nil, err
		}
		s.checkpointer.SetMaxOpenConns(1)
		ctx, stop := context.WithCancel(context.Background())
		s.stopCheckpoints = stop
		s.checkpoints.Add(1)
		go s.checkpoint(ctx)
	}
	if s.writerStmts, err = prepare(ctx, writer); err == nil {
		s.readerStmts, err = prepare(ctx, reader)
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", opts.Path, err)
	}
	return s, nil
}

// prepare prepares every query on db. The writer has a single connection,
// so its statements are prepared on the connection every write transaction
// uses and tx.StmtContext reuses them without preparing again.
func prepare(ctx context.Context, db *sql.DB) (map[string]*sql.Stmt, error) {
	stmts := make(map[string]*sql.Stmt, len(queries))
	for _, q := range queries {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			for _, st := range stmts {
				st.Close()
			}
			return nil, fmt.Errorf("prepare %q: %w", q, err)
		}
		stmts[q] = st
	}
	return stmts, nil
}

func openDB(path string, params url.Values) (*sql.DB, error) {
	c, err := sqlite.NewConnector(path + "?" + params.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return sql.OpenDB(c), nil
}

// migrations returns the goose provider of the embedded migrations on db.
func migrations(db *sql.DB) (*goose.Provider, error) {
	fsys, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("sqlite: migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys,
		goose.WithTableName(VersionTable),
		goose.WithDisableGlobalRegistry(true),
	)
	if err != nil {
		return nil, fmt.Errorf("sqlite: migrations: %w", err)
	}
	return p, nil
}

// migrate brings the database behind db to the current schema.
func migrate(ctx context.Context, db *sql.DB) error {
	p, err := migrations(db)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	return nil
}

// Path returns the database file.
func (s *Store) Path() string { return s.path }

// Close closes the connections (a transaction still running fails) and
// removes a temporary database.
func (s *Store) Close() error {
	var err error
	if s.checkpointer != nil {
		s.stopCheckpoints()
		s.checkpoints.Wait()
		err = s.checkpointer.Close()
	}
	for _, st := range s.writerStmts {
		st.Close()
	}
	for _, st := range s.readerStmts {
		st.Close()
	}
	err = errors.Join(err, s.reader.Close(), s.writer.Close())
	if s.temp {
		err = errors.Join(err, removeFiles(s.path))
	}
	return err
}

// schema is the database file of the current schema, migrated once per
// process and copied into every temporary database.
var schema struct {
	mu   sync.Mutex
	file []byte
}

// tempCopy writes the migrated schema into a new temporary file and returns
// its path.
func tempCopy(ctx context.Context) (string, error) {
	file, err := schemaFile(ctx)
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp("", "oppvekst-*.db")
	if err != nil {
		return "", fmt.Errorf("sqlite: temporary database: %w", err)
	}
	_, err = f.Write(file)
	if err = errors.Join(err, f.Close()); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("sqlite: temporary database: %w", err)
	}
	return f.Name(), nil
}

// schemaFile returns the file of an empty database at the current schema,
// migrating one the first time.
func schemaFile(ctx context.Context) ([]byte, error) {
	schema.mu.Lock()
	defer schema.mu.Unlock()
	if schema.file != nil {
		return schema.file, nil
	}
	dir, err := os.MkdirTemp("", "oppvekst-schema-")
	if err != nil {
		return nil, fmt.Errorf("sqlite: schema: %w", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "schema.db")
	db, err := openDB(path, url.Values{"_pragma": {"journal_mode(WAL)", "foreign_keys(ON)"}})
	if err != nil {
		return nil, err
	}
	err = migrate(ctx, db)
	// Closing the last connection checkpoints the WAL into the file.
	if err = errors.Join(err, db.Close()); err != nil {
		return nil, err
	}
	file, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: schema: %w", err)
	}
	schema.file = file
	return file, nil
}

// removeFiles removes a database file with its WAL and shared-memory files.
func removeFiles(path string) error {
	var errs []error
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// txKey is the context key of the running transaction.
type txKey struct{}

// txn is a transaction carried by a ctx, with the statements it prepared.
type txn struct {
	store    *Store
	tx       *sql.Tx
	readOnly bool

	prepared map[string]*sql.Stmt // the store's statements for the handle of tx

	mu    sync.Mutex
	stmts map[string]*sql.Stmt // statements bound to tx
}

// stmt returns the statement for query bound to the transaction, binding
// (or preparing) it on first use.
func (t *txn) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if st, ok := t.stmts[query]; ok {
		return st, nil
	}
	var st *sql.Stmt
	if base, ok := t.prepared[query]; ok {
		st = t.tx.StmtContext(ctx, base)
	} else {
		var err error
		if st, err = t.tx.PrepareContext(ctx, query); err != nil {
			return nil, err
		}
	}
	if t.stmts == nil {
		t.stmts = make(map[string]*sql.Stmt)
	}
	t.stmts[query] = st
	return st, nil
}

// txFrom returns this store's transaction carried by ctx, or nil.
func (s *Store) txFrom(ctx context.Context) *txn {
	t, _ := ctx.Value(txKey{}).(*txn)
	if t == nil || t.store != s {
		return nil
	}
	return t
}

// Atomic runs fn in one transaction on the writer. Every method of s called
// with the ctx given to fn joins it; a nested Atomic joins the running
// transaction. When fn returns an error or panics, the transaction is rolled
// back (and the panic continues). fn must not call s with another ctx for a
// write: the writer is busy with fn's transaction until it returns.
func (s *Store) Atomic(ctx context.Context, fn func(ctx context.Context) error) error {
	if t := s.txFrom(ctx); t != nil {
		if t.readOnly {
			return errors.New("sqlite: write inside a read-only transaction")
		}
		return fn(ctx)
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	// Rolling back after a commit is a no-op; the deferred call also covers
	// panics and runtime.Goexit.
	defer tx.Rollback()
	if err := fn(context.WithValue(ctx, txKey{}, &txn{store: s, tx: tx, prepared: s.writerStmts})); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

// read runs fn in a transaction, joining the running one or starting a
// read-only one on the reader pool, so several queries see one snapshot.
func (s *Store) read(ctx context.Context, fn func(ctx context.Context) error) error {
	if s.txFrom(ctx) != nil {
		return fn(ctx)
	}
	tx, err := s.reader.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(context.WithValue(ctx, txKey{}, &txn{store: s, tx: tx, readOnly: true, prepared: s.readerStmts})); err != nil {
		return err
	}
	return tx.Commit()
}

// query runs a read in the ctx's transaction, or on the reader pool.
func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if t := s.txFrom(ctx); t != nil {
		st, err := t.stmt(ctx, query)
		if err != nil {
			return nil, err
		}
		return st.QueryContext(ctx, args...)
	}
	if st, ok := s.readerStmts[query]; ok {
		return st.QueryContext(ctx, args...)
	}
	return s.reader.QueryContext(ctx, query, args...)
}

// exec runs a write in the ctx's transaction, which must exist (the write
// methods open one with Atomic).
func (s *Store) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	t := s.txFrom(ctx)
	if t == nil || t.readOnly {
		return nil, errors.New("sqlite: write outside a write transaction")
	}
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// scanner is *sql.Rows or *sql.Row.
type scanner interface {
	Scan(dest ...any) error
}

// queryAll runs a read and scans every row.
func queryAll[T any](ctx context.Context, s *Store, query string, scan func(scanner) (T, error), args ...any) ([]T, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	defer rows.Close()
	out := make([]T, 0)
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: %w", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	return out, nil
}

// queryEach runs a read handing each row, scanned, to each (not
// collected: for a read of many rows the caller files at once).
func queryEach[T any](ctx context.Context, s *Store, query string, scan func(scanner) (T, error), each func(T), args ...any) error {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return fmt.Errorf("sqlite: %w", err)
		}
		each(v)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	return nil
}

// queryOne runs a read of at most one row; no row is ErrNotFound.
func queryOne[T any](ctx context.Context, s *Store, what string, query string, scan func(scanner) (T, error), args ...any) (T, error) {
	vs, err := queryAll(ctx, s, query, scan, args...)
	if err != nil {
		var zero T
		return zero, err
	}
	if len(vs) == 0 {
		var zero T
		return zero, fmt.Errorf("sqlite: %s: %w", what, domain.ErrNotFound)
	}
	return vs[0], nil
}

// writeErr translates a constraint violation into the domain's errors:
// a duplicate key is a *ConflictError on "id" or "nationalId", the overlap
// trigger is domain.OverlapConflict. what names the record ("child").
func writeErr(err error, what string) error {
	if err == nil {
		return nil
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return fmt.Errorf("sqlite: %s: %w", what, err)
	}
	msg := se.Error()
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		if strings.Contains(msg, ".national_id") {
			return &domain.ConflictError{Field: "nationalId", Reason: "national-id-taken", Params: map[string]string{"what": fmt.Sprint(what)}}
		}
		return idConflict(what)
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return fmt.Errorf("sqlite: %s refers to a record that does not exist: %w", what, domain.ErrConflict)
	}
	if se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT && strings.Contains(msg, "placement_overlap") {
		return domain.OverlapConflict()
	}
	return fmt.Errorf("sqlite: %s: %w", what, err)
}

// isForeignKey reports whether err is a foreign key violation.
func isForeignKey(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// isUnique reports whether err is a unique constraint violation on
// column ("table.column").
func isUnique(err error, column string) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE && strings.Contains(se.Error(), column)
}

func idConflict(what string) error {
	return &domain.ConflictError{Field: "id", Reason: "id-exists", Params: map[string]string{"what": fmt.Sprint(what)}}
}

// affected turns an UPDATE or DELETE that matched no row into ErrNotFound.
func affected(res sql.Result, err error, what string) error {
	if err != nil {
		return writeErr(err, what)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlite: %s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("sqlite: %s: %w", what, domain.ErrNotFound)
	}
	return nil
}
