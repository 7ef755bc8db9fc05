package storetest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

// InstanceStore is what several instances of an app sharing one store need
// of it beyond AppStore: the login attempts, the job locks and the lock of
// an idempotency key.
type InstanceStore interface {
	AppStore
	domain.AttemptStore
	domain.JobLocker
	domain.IdempotencyLocker
}

// RunInstances runs the suite of the ports that let several instances of
// an app share a store, against stores made by newStore.
func RunInstances(t *testing.T, newStore func(t *testing.T) InstanceStore) {
	t.Run("Attempts", func(t *testing.T) { testAttempts(t, newStore(t)) })
	t.Run("JobLocks", func(t *testing.T) { testJobLocks(t, newStore(t)) })
	t.Run("IdempotencyLock", func(t *testing.T) { testIdempotencyLock(t, newStore(t)) })
	t.Run("LockedIdempotent", func(t *testing.T) { testLockedIdempotent(t, newStore(t)) })
}

func testAttempts(t *testing.T, s InstanceStore) {
	ctx := ctxFor(t)
	w1 := time.Date(2026, 3, 2, 8, 0, 0, 0, domain.Oslo())
	w2 := w1.Add(time.Minute)
	for i := 1; i <= 3; i++ {
		n, err := s.CountAttempt(ctx, "login:a", w1)
		require.NoError(t, err)
		assert.Equal(t, i, n)
	}
	n, err := s.CountAttempt(ctx, "login:b", w1)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "another client has its own count")
	n, err = s.CountAttempt(ctx, "login:a", w2)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "a new window starts from one")

	// Concurrent attempts are all counted.
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			_, err := s.CountAttempt(ctx, "login:c", w1)
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	n, err = s.CountAttempt(ctx, "login:c", w1)
	require.NoError(t, err)
	assert.Equal(t, 17, n)

	_, err = s.CountAttempt(ctx, "", w1)
	assert.Equal(t, "key", domain.FieldOf(err))

	gone, err := s.DeleteAttemptsBefore(ctx, w2)
	require.NoError(t, err)
	assert.Equal(t, 3, gone, "the first window of a, b and c")
	n, err = s.CountAttempt(ctx, "login:a", w1)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "the deleted window counts from one again")
	n, err = s.CountAttempt(ctx, "login:a", w2)
	require.NoError(t, err)
	assert.Equal(t, 2, n, "the later window is kept")
}

func testJobLocks(t *testing.T, s InstanceStore) {
	ctx := ctxFor(t)
	ran, err := s.RunLocked(ctx, "lapse", Oslo, func(ctx context.Context) error {
		inner, err := s.RunLocked(ctx, "lapse", Oslo, func(context.Context) error {
			t.Error("the job ran while it was locked")
			return nil
		})
		require.NoError(t, err)
		assert.False(t, inner, "the same job of the same municipality is locked")
		other, err := s.RunLocked(ctx, "lapse", Bergen, func(context.Context) error { return nil })
		require.NoError(t, err)
		assert.True(t, other, "another municipality's job is not")
		other, err = s.RunLocked(ctx, "remind", Oslo, func(context.Context) error { return nil })
		require.NoError(t, err)
		assert.True(t, other, "another job is not")
		return nil
	})
	require.NoError(t, err)
	assert.True(t, ran)

	boom := errors.New("boom")
	ran, err = s.RunLocked(ctx, "lapse", Oslo, func(context.Context) error { return boom })
	assert.True(t, ran, "the lock was released")
	assert.ErrorIs(t, err, boom)
	ran, err = s.RunLocked(ctx, "lapse", Oslo, func(context.Context) error { return nil })
	require.NoError(t, err)
	assert.True(t, ran, "released after an error too")

	// Many runners at once: never two in the job.
	var in, most, runs atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 5 {
				ran, err := s.RunLocked(ctx, "sweep", "", func(context.Context) error {
					n := in.Add(1)
					for {
						m := most.Load()
						if n <= m || most.CompareAndSwap(m, n) {
							break
						}
					}
					time.Sleep(2 * time.Millisecond)
					in.Add(-1)
					return nil
				})
				assert.NoError(t, err)
				if ran {
					runs.Add(1)
				}
			}
		})
	}
	wg.Wait()
	assert.EqualValues(t, 1, most.Load(), "one runner at a time")
	assert.Positive(t, runs.Load())
}

func testIdempotencyLock(t *testing.T, s InstanceStore) {
	ctx := ctxFor(t)
	assert.Error(t, s.LockIdempotent(ctx, Oslo, "guardian-1", "k"), "outside Atomic")

	at := time.Date(2026, 3, 2, 8, 0, 0, 0, domain.Oslo())
	resp := domain.IdempotentResponse{Municipality: Oslo, Subject: "guardian-1", Key: "k", Fingerprint: "POST /x 00",
		Status: 201, ContentType: "application/json", Body: []byte(`{}`), Created: at}
	locked := make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- s.Atomic(ctx, func(ctx context.Context) error {
			if err := s.LockIdempotent(ctx, Oslo, "guardian-1", "k"); err != nil {
				close(locked)
				return err
			}
			close(locked)
			time.Sleep(100 * time.Millisecond) // the work
			return s.SaveIdempotent(ctx, resp)
		})
	}()
	<-locked
	err := s.Atomic(ctx, func(ctx context.Context) error {
		if err := s.LockIdempotent(ctx, Oslo, "guardian-1", "k"); err != nil {
			return err
		}
		got, err := s.Idempotent(ctx, Oslo, "guardian-1", "k")
		if err != nil {
			return err
		}
		assert.Equal(t, 201, got.Status, "the second waits for the first and finds its response")
		return nil
	})
	require.NoError(t, err)
	require.NoError(t, <-first)

	// Another key is not held up by a held one.
	require.NoError(t, s.Atomic(ctx, func(ctx context.Context) error {
		if err := s.LockIdempotent(ctx, Oslo, "guardian-1", "k2"); err != nil {
			return err
		}
		return s.LockIdempotent(ctx, Bergen, "guardian-1", "k2")
	}))
}

// LockedIdempotent takes the key's lock and reads its kept response in one
// call: not found before the response is kept, the response after.
func testLockedIdempotent(t *testing.T, s InstanceStore) {
	ctx := ctxFor(t)
	_, err := s.LockedIdempotent(ctx, Oslo, "guardian-1", "k")
	assert.Error(t, err, "outside Atomic")
	resp := domain.IdempotentResponse{Municipality: Oslo, Subject: "guardian-1", Key: "k", Fingerprint: "POST /x 00",
		Status: 201, ContentType: "application/json", Body: []byte(`{"a":1}`), Created: time.Date(2026, 3, 2, 8, 0, 0, 0, domain.Oslo())}
	require.NoError(t, s.Atomic(ctx, func(ctx context.Context) error {
		_, err := s.LockedIdempotent(ctx, Oslo, "guardian-1", "k")
		assert.ErrorIs(t, err, domain.ErrNotFound)
		return s.SaveIdempotent(ctx, resp)
	}))
	require.NoError(t, s.Atomic(ctx, func(ctx context.Context) error {
		got, err := s.LockedIdempotent(ctx, Oslo, "guardian-1", "k")
		require.NoError(t, err)
		assert.Equal(t, resp.Fingerprint, got.Fingerprint)
		assert.Equal(t, 201, got.Status)
		assert.Equal(t, `{"a":1}`, string(got.Body))
		_, err = s.LockedIdempotent(ctx, Bergen, "guardian-1", "k")
		assert.ErrorIs(t, err, domain.ErrNotFound, "another municipality's key")
		return nil
	}))
}
