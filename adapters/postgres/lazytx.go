package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// beginSQL starts Atomic's transactions.
const beginSQL = "BEGIN ISOLATION LEVEL READ COMMITTED"

// lazyTx is Atomic's transaction. Its BEGIN is not a round trip of its own:
// it goes in one batch with the transaction's first statement (or batch),
// and a transaction that sends nothing sends no BEGIN and no COMMIT. A
// check-in at 500 a second is a handful of round trips, each a wake-up of a
// PostgreSQL backend and of the app (issue 22); this is one of them fewer,
// for every transaction. CopyFrom, which cannot go in a batch, sends the
// BEGIN before it.
type lazyTx struct {
	conn  *pgxpool.Conn
	begun bool
}

var _ pgx.Tx = (*lazyTx)(nil)

// withBegin returns b with the BEGIN in front, if it is still to be sent.
func (t *lazyTx) withBegin(b *pgx.Batch) (*pgx.Batch, bool) {
	if t.begun {
		return b, false
	}
	t.begun = true
	qs := make([]*pgx.QueuedQuery, 0, len(b.QueuedQueries)+1)
	qs = append(qs, &pgx.QueuedQuery{SQL: beginSQL})
	return &pgx.Batch{QueuedQueries: append(qs, b.QueuedQueries...)}, true
}

// SendBatch sends b, behind the BEGIN if it is the transaction's first.
func (t *lazyTx) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	b, begin := t.withBegin(b)
	br := t.conn.SendBatch(ctx, b)
	if begin {
		if _, err := br.Exec(); err != nil {
			return failedBatch{br: br, err: err}
		}
	}
	return br
}

// single sends one statement behind the BEGIN, as a batch.
func (t *lazyTx) single(ctx context.Context, sql string, args []any) pgx.BatchResults {
	var b pgx.Batch
	b.Queue(sql, args...)
	return t.SendBatch(ctx, &b)
}

// Exec runs one statement, with the BEGIN if it is the first.
func (t *lazyTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if t.begun {
		return t.conn.Exec(ctx, sql, args...)
	}
	br := t.single(ctx, sql, args)
	tag, err := br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return tag, err
}

// Query runs one query, with the BEGIN if it is the first; closing the
// rows (or reading past the last) ends the batch.
func (t *lazyTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if t.begun {
		return t.conn.Query(ctx, sql, args...)
	}
	br := t.single(ctx, sql, args)
	rows, err := br.Query()
	if err != nil {
		_ = br.Close()
		return rows, err
	}
	return &batchRows{Rows: rows, br: br}, nil
}

// QueryRow is Query for at most one row, as pgx's.
func (t *lazyTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if t.begun {
		return t.conn.QueryRow(ctx, sql, args...)
	}
	rows, err := t.Query(ctx, sql, args...)
	return batchRow{rows: rows, err: err}
}

// CopyFrom copies rows in, after sending the BEGIN if it is still due.
func (t *lazyTx) CopyFrom(ctx context.Context, table pgx.Identifier, cols []string, src pgx.CopyFromSource) (int64, error) {
	if !t.begun {
		t.begun = true
		if _, err := t.conn.Exec(ctx, beginSQL); err != nil {
			return 0, err
		}
	}
	return t.conn.CopyFrom(ctx, table, cols, src)
}

// Commit commits what was sent; a transaction that sent nothing has
// nothing to commit. A transaction that had failed answers the COMMIT
// with ROLLBACK: pgx.ErrTxCommitRollback, as pgx's own.
func (t *lazyTx) Commit(ctx context.Context) error {
	if !t.begun {
		return nil
	}
	tag, err := t.conn.Exec(ctx, "COMMIT")
	if err != nil {
		return err
	}
	if tag.String() == "ROLLBACK" {
		return pgx.ErrTxCommitRollback
	}
	return nil
}

// Rollback rolls back what was sent.
func (t *lazyTx) Rollback(ctx context.Context) error {
	if !t.begun {
		return nil
	}
	_, err := t.conn.Exec(ctx, "ROLLBACK")
	return err
}

// errNested: Atomic nests by reusing its transaction, never by a savepoint.
var errNested = errors.New("postgres: a nested transaction (savepoint) is not supported in Atomic")

// Begin is not used: Atomic nests by reusing the transaction.
func (t *lazyTx) Begin(context.Context) (pgx.Tx, error) { return nil, errNested }

// LargeObjects is not used by the store.
func (t *lazyTx) LargeObjects() pgx.LargeObjects { return pgx.LargeObjects{} }

// Prepare prepares on the transaction's connection.
func (t *lazyTx) Prepare(ctx context.Context, name, sql string) (*pgconn.StatementDescription, error) {
	return t.conn.Conn().Prepare(ctx, name, sql)
}

// Conn is the transaction's connection.
func (t *lazyTx) Conn() *pgx.Conn { return t.conn.Conn() }

// batchRows are the rows of a query sent in a batch behind the BEGIN: the
// batch ends when the rows are closed, or read to their end, so that the
// connection is free for the next statement either way.
type batchRows struct {
	pgx.Rows
	br  pgx.BatchResults
	err error
}

func (r *batchRows) Next() bool {
	if r.Rows.Next() {
		return true
	}
	r.Close()
	return false
}

func (r *batchRows) Close() {
	r.Rows.Close()
	if r.br != nil {
		r.err = r.br.Close()
		r.br = nil
	}
}

func (r *batchRows) Err() error {
	if err := r.Rows.Err(); err != nil {
		return err
	}
	return r.err
}

// batchRow is QueryRow's row from a batchRows, with pgx's meaning: no row
// is pgx.ErrNoRows.
type batchRow struct {
	rows pgx.Rows
	err  error
}

func (r batchRow) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	defer r.rows.Close()
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	if err := r.rows.Scan(dest...); err != nil {
		return err
	}
	r.rows.Close()
	return r.rows.Err()
}

// failedBatch answers every result of a batch whose BEGIN failed with that
// failure, and closes the batch.
type failedBatch struct {
	br  pgx.BatchResults
	err error
}

func (b failedBatch) Exec() (pgconn.CommandTag, error) { return pgconn.CommandTag{}, b.err }
func (b failedBatch) Query() (pgx.Rows, error)         { return nil, b.err }
func (b failedBatch) QueryRow() pgx.Row                { return batchRow{err: b.err} }
func (b failedBatch) Close() error {
	_ = b.br.Close()
	return b.err
}
func (b failedBatch) Tx() pgx.Tx { return nil }
