package sqlite

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/oppvekst/oppvekst/domain"
)

// instanceQueries are the statements of the ports that let several
// instances of an app share a store.
var instanceQueries = []string{countAttempt, deleteOldAttempts}

const (
	countAttempt = `INSERT INTO attempts (key, window_start, n) VALUES (?, ?, 1)
		ON CONFLICT (key, window_start) DO UPDATE SET n = n + 1 RETURNING n`
	deleteOldAttempts = `DELETE FROM attempts INDEXED BY attempts_by_window WHERE window_start < ?`
)

var (
	_ domain.AttemptStore      = (*Store)(nil)
	_ domain.JobLocker         = (*Store)(nil)
	_ domain.IdempotencyLocker = (*Store)(nil)
)

// CountAttempt implements domain.AttemptStore.
func (s *Store) CountAttempt(ctx context.Context, key string, window time.Time) (int, error) {
	if key == "" || len(key) > 200 {
		return 0, domain.Invalid("key", "must-be-1-to-200-characters")
	}
	n := 0
	err := s.Atomic(ctx, func(ctx context.Context) error {
		rows, err := s.query(ctx, countAttempt, key, window.UnixMilli())
		if err != nil {
			return writeErr(err, "attempt")
		}
		defer rows.Close()
		if rows.Next() {
			if err := rows.Scan(&n); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	return n, err
}

// DeleteAttemptsBefore implements domain.AttemptStore.
func (s *Store) DeleteAttemptsBefore(ctx context.Context, before time.Time) (int, error) {
	n := 0
	err := s.Atomic(ctx, func(ctx context.Context) error {
		res, err := s.exec(ctx, deleteOldAttempts, before.UnixMilli())
		if err != nil {
			return writeErr(err, "attempts")
		}
		k, err := res.RowsAffected()
		n = int(k)
		return err
	})
	return n, err
}

// RunLocked implements domain.JobLocker. SQLite serves one process, so the
// lock is the process's own.
func (s *Store) RunLocked(ctx context.Context, job string, m domain.Municipality, fn func(ctx context.Context) error) (bool, error) {
	v, _ := s.jobs.LoadOrStore(job+"\x00"+string(m), &sync.Mutex{})
	mu := v.(*sync.Mutex)
	if !mu.TryLock() {
		return false, nil
	}
	defer mu.Unlock()
	return true, fn(ctx)
}

// LockIdempotent implements domain.IdempotencyLocker. SQLite runs one
// write transaction at a time, so a transaction holds every key already.
func (s *Store) LockIdempotent(ctx context.Context, m domain.Municipality, subject, key string) error {
	if s.txFrom(ctx) == nil {
		return errors.New("sqlite: LockIdempotent outside Atomic")
	}
	return nil
}

// LockedIdempotent implements domain.IdempotencyLocker: the response kept
// under the key, read in the write transaction that holds every key.
func (s *Store) LockedIdempotent(ctx context.Context, m domain.Municipality, subject, key string) (domain.IdempotentResponse, error) {
	if err := s.LockIdempotent(ctx, m, subject, key); err != nil {
		return domain.IdempotentResponse{}, err
	}
	return s.Idempotent(ctx, m, subject, key)
}
