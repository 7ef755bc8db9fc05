// Package postgres is the production store of Oppvekst: every store port of
// package domain on PostgreSQL, through a pgx v5 connection pool.
//
// The schema is created and upgraded by migrations embedded in the package
// (goose, with its own version table oppvekst_schema_version); Open runs them.
// The database enforces what it can by itself: every primary key, unique
// constraint and foreign key includes the municipality, and an exclusion
// constraint refuses overlapping placements of the same kind for one child.
//
// # Opening
//
//	store, err := postgres.Open(ctx, postgres.Options{
//		URL: "postgres://oppvekst@db.example.no:5432/oppvekst?sslmode=verify-full",
//	})
//	if err != nil {
//		return err
//	}
//	defer store.Close()
//
// Set Options.Schema to keep the tables in a schema of their own (every
// pooled connection then gets search_path "<schema>, public"); the schema
// must exist.
//
// # Requirements
//
// PostgreSQL 13 or later. The exclusion constraint needs the btree_gist
// extension. The first migration runs CREATE EXTENSION IF NOT EXISTS
// btree_gist; btree_gist is a trusted extension, so a role with CREATE on
// the database (a database owner) may create it. Otherwise, or when several
// schemas of one database are migrated at the same time, create it once
// beforehand as a privileged role:
//
//	CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;
//
// The role that opens the store needs CONNECT on the database and USAGE and
// CREATE on the schema the tables go to (migrations create tables, indexes
// and the version table). A role that only runs an already migrated schema
// needs USAGE on the schema and SELECT, INSERT, UPDATE and DELETE on its
// tables, including oppvekst_schema_version (Open reads it).
//
// Migrations take a session-level advisory lock (one per schema), so several
// processes may call Open at once: one migrates, the others wait.
//
// # Several instances and row-level security
//
// Several processes may share one database. CountAttempt counts a client's
// attempts in one statement; RunLocked runs a periodic job under a
// session-level advisory lock (pg_try_advisory_lock) keyed by the schema,
// the job and the municipality, so one process at a time runs it;
// LockIdempotent takes a transaction-level advisory lock of an idempotency
// key; Claim takes the outbox's due deliveries with FOR UPDATE SKIP LOCKED.
// The outbox is written and settled in bulk: Enqueue copies a bulletin's
// deliveries with COPY (under a savepoint; an existing key sends them by
// INSERT … ON CONFLICT DO NOTHING instead), Claim leases a batch and Settle
// records a batch's outcomes in one statement each.
//
// Migration 36 puts the policy municipality_wall on every table with a
// municipality column: a role subject to it sees and writes only the rows
// of the municipality in the setting oppvekst.municipality, or every row
// when it is '*', none when it is unset. It also creates the NOLOGIN role
// oppvekst_app with the rights on the schema's tables. With Options.Role
// the store migrates as the login role and then runs as that role (SET
// ROLE), setting oppvekst.municipality on each connection taken from the
// pool from the call's context (domain.WithMunicipality, or '*' for
// domain.AcrossMunicipalities). Table owners and superusers are not
// subject to row-level security, so without Options.Role nothing changes.
// PostgreSQL refuses COPY FROM into a table under row-level security; a
// walled store's bulk writes copy into a temporary table and insert from
// it, the policy checking each row.
//
// # Errors
//
// Constraint violations become the domain's typed errors. A database that
// cannot be reached — no connection to be had, a connection lost, the
// server shutting down or refusing more connections — is an error that is
// domain.ErrUnavailable (with pgx's error still in the chain), so that an
// application can answer "try again later"; the pool connects again by
// itself once the database is back. A cancelled context stays the caller's
// context.Canceled.
//
// # Transactions
//
// Atomic runs a function in one READ COMMITTED transaction; every method
// called with the ctx it passes joins that transaction. A write called
// outside Atomic runs in a transaction of its own. Writes check their input
// and the stored data before they write, so a refused write leaves a running
// transaction usable; only a write that loses a race to a concurrent
// transaction is refused by a constraint, which aborts the running
// transaction. The ctx given to Atomic's function must not be used from
// several goroutines at once.
//
// An audit entry (AppendAudit) or a kept idempotent response
// (SaveIdempotent) written in Atomic with a ctx from domain.AtCommit is
// held back and sent in one batch with the COMMIT, a round trip for them
// all; sent that way, a duplicate is refused by the constraint, which
// stops the batch before the COMMIT, so the transaction rolls back and
// Atomic returns the conflict. LockedIdempotent sends the key's lock and
// the read of its kept response in one batch. The BEGIN is not a round trip
// of its own either: it goes with the transaction's first statement or
// batch, and a transaction that sends nothing sends neither BEGIN nor
// COMMIT.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/oppvekst/oppvekst/domain"
)

// VersionTable is the table in which the migrations record the schema
// version.
const VersionTable = "oppvekst_schema_version"

//go:embed migrations/*.sql
var migrations embed.FS

// Options configure Open.
type Options struct {
	// URL is the connection string, as a URL
	// (postgres://user@host:5432/db?sslmode=verify-full) or in key=value form.
	URL string
	// Schema, when set, is the schema the tables live in: every pooled
	// connection gets search_path "<Schema>, public". The schema must exist.
	// Empty keeps the search_path of the URL or the server.
	Schema string
	// MaxConns is the largest number of pooled connections; 0 is the pgx
	// default.
	MaxConns int32
	// Role, when set (normally "oppvekst_app", the role the migrations
	// create), is the role the store's connections take on by SET ROLE
	// after migrating as the login role: a role that does not own the
	// tables, so the row-level security of the municipalities holds for it.
	// Each connection, when taken from the pool, is then set to the
	// municipality of the call's context (domain.WithMunicipality) and sees
	// and changes that municipality's rows only; a context without one sees
	// none, one made by domain.AcrossMunicipalities sees every
	// municipality's. Empty runs as the login role, which (owning the
	// tables) is not walled.
	Role string
	// Tracer, when set, is told of every statement the store sends (pgx's
	// tracing hooks; a pgx.BatchTracer hears a batch's statements too): to
	// log or count them.
	Tracer pgx.QueryTracer
}

// Store is the PostgreSQL store. It implements domain.Store and is safe for
// concurrent use.
type Store struct {
	pool   *pgxpool.Pool
	walled bool // connections run as Options.Role, under row-level security
}

var _ domain.Store = (*Store)(nil)

// Open connects to the database, brings its schema up to date and returns
// the store. Close it when done. A database that cannot be reached is an
// error that is domain.ErrUnavailable, at Open as at every call after it.
func Open(ctx context.Context, opts Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(opts.URL)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse URL: %w", err)
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	if opts.Tracer != nil {
		cfg.ConnConfig.Tracer = opts.Tracer
	}
	if opts.Schema != "" {
		cfg.ConnConfig.RuntimeParams["search_path"] = pgx.Identifier{opts.Schema}.Sanitize() + ", public"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	s := &Store{pool: pool}
	if opts.Schema != "" {
		// An unknown schema in search_path is skipped silently: the tables
		// would land in public.
		var current *string
		if err := pool.QueryRow(ctx, "SELECT current_schema()").Scan(&current); err != nil {
			pool.Close()
			return nil, unavailable(fmt.Errorf("postgres: connect: %w", err))
		}
		if current == nil || *current != opts.Schema {
			pool.Close()
			return nil, fmt.Errorf("postgres: schema %q does not exist", opts.Schema)
		}
	}
	if err := migrate(ctx, pool, opts.Schema); err != nil {
		pool.Close()
		return nil, unavailable(err)
	}
	if opts.Role != "" {
		// Migrated as the login role; from here on the walled role.
		pool.Close()
		if pool, err = pgxpool.NewWithConfig(ctx, walled(cfg, opts.Role)); err != nil {
			return nil, fmt.Errorf("postgres: connect: %w", err)
		}
		s = &Store{pool: pool, walled: true}
		if err := pool.Ping(ctx); err != nil {
			pool.Close()
			return nil, unavailable(fmt.Errorf("postgres: role %s: %w", opts.Role, err))
		}
	}
	return s, nil
}

// migrate applies the embedded migrations that are not yet applied.
//
// It holds a session-level advisory lock, one per schema, on a connection
// of its own for the whole run, so that concurrent Opens wait for each other
// (goose's own session locker does not cover its first look at the version
// table, and polls). Closing that connection releases the lock whatever
// happens.
func migrate(ctx context.Context, pool *pgxpool.Pool, schema string) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	lockConn, err := pgx.ConnectConfig(ctx, pool.Config().ConnConfig.Copy())
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	defer lockConn.Close(context.WithoutCancel(ctx))
	h := fnv.New64a()
	h.Write([]byte("oppvekst migrations\x00" + schema))
	if _, err := lockConn.Exec(ctx, "SELECT pg_advisory_lock($1)", int64(h.Sum64()>>1)); err != nil {
		return fmt.Errorf("postgres: migrate: lock: %w", err)
	}

	db := stdlib.OpenDBFromPool(pool)
	defer db.Close() // hands its connections back to the pool
	provider, err := goose.NewProvider(goose.DialectPostgres, db, fsys,
		goose.WithTableName(VersionTable),
		goose.WithDisableGlobalRegistry(true),
	)
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	if _, err := provider.Up(ctx); err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	return nil
}

// Close closes every connection of the pool. Calls still running are
// waited for.
func (s *Store) Close() { s.pool.Close() }

// querier is what the pool and a transaction have in common.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// txKey is the context key under which Atomic keeps its transaction.
type txKey struct{}

// txState is a running transaction and the store that began it, so that
// another Store never joins it.
type txState struct {
	store *Store
	tx    pgx.Tx
	// held are the writes made with domain.AtCommit, sent in one batch
	// with the COMMIT.
	held []heldWrite
}

// heldWrite is a write that may be held back to the commit: sql, sent at
// once, and held, sent with the COMMIT, which must refuse by an error of
// the database (a constraint), not by a count of rows, since the COMMIT
// behind it runs unless a statement before it fails; check maps either's
// command tag or error to the write's error.
type heldWrite struct {
	sql, held string
	args      []any
	check     func(pgconn.CommandTag, error) error
}

// isUnique reports whether err is a unique violation.
func isUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// hold keeps a write for the commit when ctx asks for it
// (domain.AtCommit) inside Atomic, and reports whether it did; otherwise
// the caller sends it at once.
func (s *Store) hold(ctx context.Context, w heldWrite) bool {
	st, ok := ctx.Value(txKey{}).(*txState)
	if !ok || st.store != s || !domain.HeldToCommit(ctx) {
		return false
	}
	st.held = append(st.held, w)
	return true
}

// tx returns the transaction that ctx carries for this store, or nil.
func (s *Store) tx(ctx context.Context) pgx.Tx {
	if st, ok := ctx.Value(txKey{}).(*txState); ok && st.store == s {
		return st.tx
	}
	return nil
}

// q returns the running transaction, or the pool outside Atomic. The
// pool's errors of a database that cannot be reached (no connection to be
// had) are marked domain.ErrUnavailable; in a transaction, Atomic marks
// them.
func (s *Store) q(ctx context.Context) querier {
	if tx := s.tx(ctx); tx != nil {
		return tx
	}
	return poolQuerier{s.pool}
}

// Atomic runs fn in one transaction (READ COMMITTED): it commits when fn
// returns nil and rolls back when fn returns an error or panics. Every
// method of the store called with the ctx passed to fn joins the
// transaction; Atomic called with that ctx joins it too.
//
// Writes made with domain.AtCommit (AppendAudit, SaveIdempotent) are held
// back and sent in one batch with the COMMIT: one round trip for them
// all. When one of them fails, the COMMIT is not run and the whole
// transaction rolls back; Atomic returns that write's error. The BEGIN goes
// with the first statement fn sends (lazyTx).
func (s *Store) Atomic(ctx context.Context, fn func(ctx context.Context) error) error {
	if s.tx(ctx) != nil {
		return fn(ctx)
	}
	// The connection is taken and released here rather than by the pool's
	// own transaction, so that a COMMIT sent in a batch (with the held
	// writes) ends the transaction without another round trip.
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return unavailable(fmt.Errorf("postgres: begin: %w", err))
	}
	defer conn.Release() // destroyed by the pool if left in a transaction
	// The BEGIN goes with the transaction's first statement (lazyTx).
	var tx pgx.Tx = &lazyTx{conn: conn}
	done := false
	defer func() {
		if !done { // an error or a panic
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			_ = tx.Rollback(rctx)
		}
	}()
	if s.walled {
		tx = walledTx{Tx: tx, copies: new(int)}
	}
	st := &txState{store: s, tx: tx}
	if err := fn(context.WithValue(ctx, txKey{}, st)); err != nil {
		return unavailable(err)
	}
	if len(st.held) > 0 {
		if err := commitHeld(ctx, tx, st.held); err != nil {
			return err
		}
		done = true
		return nil
	}
	done = true
	if err := tx.Commit(ctx); err != nil {
		return dbError("commit", err)
	}
	return nil
}

// commitHeld sends the held writes and the COMMIT in one batch. A write
// that fails stops the batch before the COMMIT (the server skips the rest
// of it), and the caller rolls back.
func commitHeld(ctx context.Context, tx pgx.Tx, held []heldWrite) error {
	b := &pgx.Batch{}
	for _, w := range held {
		b.Queue(w.held, w.args...)
	}
	b.Queue("COMMIT")
	br := tx.SendBatch(ctx, b)
	for _, w := range held {
		tag, err := br.Exec()
		if err := w.check(tag, err); err != nil {
			_ = br.Close()
			return unavailable(err)
		}
	}
	tag, err := br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return dbError("commit", err)
	}
	if tag.String() == "ROLLBACK" { // the transaction had failed before
		return dbError("commit", pgx.ErrTxCommitRollback)
	}
	return nil
}

// write runs fn in the running transaction, or in one of its own outside
// Atomic.
func (s *Store) write(ctx context.Context, fn func(ctx context.Context, tx pgx.Tx) error) error {
	if tx := s.tx(ctx); tx != nil {
		return fn(ctx, tx)
	}
	return s.Atomic(ctx, func(ctx context.Context) error { return fn(ctx, s.tx(ctx)) })
}

// constraintFields names the input field behind a constraint, for the
// errors a constraint raises when a write loses a race.
var constraintFields = map[string]string{
	"children_national_id_key":    "nationalId",
	"guardians_national_id_key":   "nationalId",
	"guardianships_child_fkey":    "childId",
	"guardianships_guardian_fkey": "guardianId",
	"units_parent_fkey":           "parent",
	"unit_groups_unit_fkey":       "unitId",
	"placements_child_fkey":       "childId",
	"placements_unit_fkey":        "unitId",
	"placements_group_fkey":       "groupId",
	"staff_members_principal_key": "principal",
	"staff_grants_staff_fkey":     "staff",
	"staff_grants_unit_fkey":      "unit",
}

// dbError maps the errors of constraints to domain errors and wraps the
// rest with what was being done.
func dbError(doing string, err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23P01": // exclusion_violation
			return domain.OverlapConflict()
		case "23505": // unique_violation
			if f := constraintFields[pe.ConstraintName]; f != "" {
				return &domain.ConflictError{Field: f, Reason: "is-already-registered"}
			}
			return &domain.ConflictError{Field: "id", Reason: "already-exists"}
		case "23503": // foreign_key_violation
			if f := constraintFields[pe.ConstraintName]; f != "" {
				return domain.Invalid(f, "no-such-record")
			}
		}
	}
	return unavailable(fmt.Errorf("postgres: %s: %w", doing, err))
}

// unavailableError is an error of a database that cannot be reached:
// errors.Is(err, domain.ErrUnavailable) reports true, and the driver's
// error stays in the chain.
type unavailableError struct{ err error }

func (e *unavailableError) Error() string   { return e.err.Error() + " (database unavailable)" }
func (e *unavailableError) Unwrap() []error { return []error{e.err, domain.ErrUnavailable} }

// unavailable marks err with domain.ErrUnavailable when it says the
// database cannot be reached or the connection to it was lost: no
// connection could be made, the server is shutting down or refuses more
// connections (SQLSTATE class 08, 57P01–57P03, 53300), or the network
// failed. A cancelled or timed-out request is not (it is the caller's).
func unavailable(err error) error {
	if err == nil || errors.Is(err, domain.ErrUnavailable) || errors.Is(err, context.Canceled) ||
		errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var (
		connect *pgconn.ConnectError
		pe      *pgconn.PgError
		ne      net.Error
	)
	switch {
	case errors.As(err, &connect), errors.As(err, &ne),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), pgconn.SafeToRetry(err):
	case errors.As(err, &pe):
		if !strings.HasPrefix(pe.Code, "08") && pe.Code != "57P01" && pe.Code != "57P02" && pe.Code != "57P03" && pe.Code != "53300" {
			return err
		}
	default:
		return err
	}
	return &unavailableError{err}
}

// poolQuerier is the pool as a querier, marking the errors of a database
// that cannot be reached.
type poolQuerier struct{ p *pgxpool.Pool }

func (q poolQuerier) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	tag, err := q.p.Exec(ctx, sql, args...)
	return tag, unavailable(err)
}

func (q poolQuerier) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	rows, err := q.p.Query(ctx, sql, args...)
	if err != nil {
		return rows, unavailable(err)
	}
	return markedRows{rows}, nil
}

func (q poolQuerier) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return markedRow{q.p.QueryRow(ctx, sql, args...)}
}

func (q poolQuerier) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	return markedBatch{q.p.SendBatch(ctx, b)}
}

type markedRow struct{ pgx.Row }

func (r markedRow) Scan(dest ...any) error { return unavailable(r.Row.Scan(dest...)) }

type markedRows struct{ pgx.Rows }

func (r markedRows) Err() error { return unavailable(r.Rows.Err()) }

type markedBatch struct{ pgx.BatchResults }

func (b markedBatch) Exec() (pgconn.CommandTag, error) {
	tag, err := b.BatchResults.Exec()
	return tag, unavailable(err)
}

func (b markedBatch) Query() (pgx.Rows, error) {
	rows, err := b.BatchResults.Query()
	if err != nil {
		return rows, unavailable(err)
	}
	return markedRows{rows}, nil
}

func (b markedBatch) QueryRow() pgx.Row { return markedRow{b.BatchResults.QueryRow()} }

func (b markedBatch) Close() error { return unavailable(b.BatchResults.Close()) }
