package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/oppvekst/oppvekst/domain"
)

var (
	_ domain.AttemptStore      = (*Store)(nil)
	_ domain.JobLocker         = (*Store)(nil)
	_ domain.IdempotencyLocker = (*Store)(nil)
)

// CountAttempt implements domain.AttemptStore: one statement, so that
// concurrent attempts on several instances are all counted.
func (s *Store) CountAttempt(ctx context.Context, key string, window time.Time) (int, error) {
	if key == "" || len(key) > 200 {
		return 0, domain.Invalid("key", "must-be-1-to-200-characters")
	}
	var n int
	err := s.q(ctx).QueryRow(ctx, `INSERT INTO attempts (key, window_start, n) VALUES ($1, $2, 1)
		ON CONFLICT (key, window_start) DO UPDATE SET n = attempts.n + 1 RETURNING n`, key, window).Scan(&n)
	if err != nil {
		return 0, dbError("count attempt", err)
	}
	return n, nil
}

// DeleteAttemptsBefore implements domain.AttemptStore.
func (s *Store) DeleteAttemptsBefore(ctx context.Context, before time.Time) (int, error) {
	tag, err := s.q(ctx).Exec(ctx, `DELETE FROM attempts WHERE window_start < $1`, before)
	if err != nil {
		return 0, dbError("delete attempts", err)
	}
	return int(tag.RowsAffected()), nil
}

// lockKey is the advisory lock's key of a name in the schema of the
// connection: stores of different schemas in one database do not share
// locks.
const lockKey = `hashtextextended(current_schema() || ':' || $1, 0)`

// RunLocked implements domain.JobLocker with a session-level advisory lock
// (pg_try_advisory_lock) keyed by the schema, the job and the municipality,
// held on a pooled connection of its own while fn runs, so that the job's
// own transactions (and any call to another service it makes) run as
// usual. A connection lost on the way releases the lock with it; a
// connection whose unlock failed is closed rather than returned to the
// pool.
func (s *Store) RunLocked(ctx context.Context, job string, m domain.Municipality, fn func(ctx context.Context) error) (bool, error) {
	if job == "" {
		return false, domain.Invalid("job", "required")
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return false, unavailable(err)
	}
	name := "job:" + job + ":" + string(m)
	var got bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(`+lockKey+`)`, name).Scan(&got); err != nil {
		conn.Release()
		return false, dbError("lock job", err)
	}
	if !got {
		conn.Release()
		return false, nil
	}
	defer func() {
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		var ok bool
		if err := conn.QueryRow(uctx, `SELECT pg_advisory_unlock(`+lockKey+`)`, name).Scan(&ok); err != nil || !ok {
			_ = conn.Hijack().Close(uctx) // the lock ends with the session
			return
		}
		conn.Release()
	}()
	return true, fn(ctx)
}

// LockIdempotent implements domain.IdempotencyLocker with a
// transaction-level advisory lock (pg_advisory_xact_lock) keyed by the
// schema, the municipality, the subject and the key.
func (s *Store) LockIdempotent(ctx context.Context, m domain.Municipality, subject, key string) error {
	tx := s.tx(ctx)
	if tx == nil {
		return errors.New("postgres: LockIdempotent outside Atomic")
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(`+lockKey+`)`, "idempotency:"+string(m)+"\x1f"+subject+"\x1f"+key); err != nil {
		return dbError("lock idempotency key", err)
	}
	return nil
}

// LockedIdempotent implements domain.IdempotencyLocker: the key's lock
// (as LockIdempotent) and the read of its kept response in one batch, one
// round trip.
func (s *Store) LockedIdempotent(ctx context.Context, m domain.Municipality, subject, key string) (domain.IdempotentResponse, error) {
	tx := s.tx(ctx)
	if tx == nil {
		return domain.IdempotentResponse{}, errors.New("postgres: LockedIdempotent outside Atomic")
	}
	b := &pgx.Batch{}
	b.Queue(`SELECT pg_advisory_xact_lock(`+lockKey+`)`, "idempotency:"+string(m)+"\x1f"+subject+"\x1f"+key)
	b.Queue(pgIdempotent, string(m), subject, key)
	br := tx.SendBatch(ctx, b)
	defer br.Close()
	if _, err := br.Exec(); err != nil {
		return domain.IdempotentResponse{}, dbError("lock idempotency key", err)
	}
	return scanIdempotent(br.QueryRow(), m, key)
}

// walled is the pool configuration of Options.Role: each new connection
// takes on the role, and each connection taken from the pool is set to the
// municipality of the call's context (one round trip, saved when the
// connection is set to that municipality already).
func walled(cfg *pgxpool.Config, role string) *pgxpool.Config {
	cfg = cfg.Copy()
	var set sync.Map // *pgx.Conn → the municipality it is set to
	cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
		_, err := c.Exec(ctx, `SET ROLE `+pgx.Identifier{role}.Sanitize())
		return err
	}
	cfg.PrepareConn = func(ctx context.Context, c *pgx.Conn) (bool, error) {
		m, all, _ := domain.MunicipalityOf(ctx)
		v := string(m)
		if all {
			v = "*"
		}
		if was, ok := set.Load(c); ok && was.(string) == v {
			return true, nil
		}
		set.Delete(c)
		if _, err := c.Exec(ctx, `SELECT set_config('oppvekst.municipality', $1, false)`, v); err != nil {
			return false, err
		}
		set.Store(c, v)
		return true, nil
	}
	cfg.BeforeClose = func(c *pgx.Conn) { set.Delete(c) }
	return cfg
}

// walledTx is a transaction of a walled store. PostgreSQL refuses COPY FROM
// into a table under row-level security, so CopyFrom copies into a
// temporary table of the columns (no policy there) and inserts from it,
// where the policy checks every row.
type walledTx struct {
	pgx.Tx
	copies *int
}

func (t walledTx) CopyFrom(ctx context.Context, table pgx.Identifier, cols []string, src pgx.CopyFromSource) (int64, error) {
	*t.copies++
	tmp := pgx.Identifier{fmt.Sprintf("oppvekst_copy_%d", *t.copies)}.Sanitize()
	list := make([]string, len(cols))
	for i, c := range cols {
		list[i] = pgx.Identifier{c}.Sanitize()
	}
	names := strings.Join(list, ", ")
	if _, err := t.Exec(ctx, `CREATE TEMP TABLE `+tmp+` ON COMMIT DROP AS SELECT `+names+` FROM `+table.Sanitize()+` WITH NO DATA`); err != nil {
		return 0, err
	}
	if _, err := t.Tx.CopyFrom(ctx, pgx.Identifier{"pg_temp", tmp[1 : len(tmp)-1]}, cols, src); err != nil {
		return 0, err
	}
	tag, err := t.Exec(ctx, `INSERT INTO `+table.Sanitize()+` (`+names+`) SELECT `+names+` FROM `+tmp)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}
