// Package memory is the in-memory store: the reference semantics of every
// store port, used by fast tests, examples and vendors who want to try the
// library without a database.
//
// A Store is safe for concurrent use. Atomic serialises transactions with a
// mutex and undoes every change of a failed transaction, so its behaviour
// matches the SQL stores (adapters/sqlite, adapters/postgres): all three pass
// adapters/storetest.
//
// Inside Atomic, call the store only with the ctx given to fn: a call with
// another context from inside fn waits for the transaction and deadlocks.
package memory

import (
	"context"
	"fmt"
	"sync"

	"github.com/oppvekst/oppvekst/domain"
)

type key[T any] struct {
	m  domain.Municipality
	id domain.ID[T]
}

type nidKey struct {
	m   domain.Municipality
	nid string
}

type state struct {
	children      map[key[domain.Child]]domain.Child
	childByNID    map[nidKey]domain.ChildID
	guardians     map[key[domain.Guardian]]domain.Guardian
	guardianByNID map[nidKey]domain.GuardianID
	// guardianships by child, then guardian; wards indexes them by guardian.
	guardianships map[key[domain.Child]]map[domain.GuardianID]domain.Guardianship
	wards         map[key[domain.Guardian]]map[domain.ChildID]struct{}
	units         map[key[domain.Unit]]domain.Unit
	groups        map[key[domain.Group]]domain.Group
	placements    map[key[domain.Placement]]domain.Placement
	// byChild indexes placements by child for overlap checks and listing.
	byChild map[key[domain.Child]]map[domain.PlacementID]struct{}

	// One part per capability, each in its own file.
	admission  admissionState
	billing    billingState
	attendance attendanceState
	messaging  messagingState
	app        appState // the reference app's records: audit log, idempotency keys
}

// Store is the in-memory implementation of domain.Store.
type Store struct {
	mu sync.RWMutex
	s  state
}

var _ domain.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	return &Store{s: state{
		children:      map[key[domain.Child]]domain.Child{},
		childByNID:    map[nidKey]domain.ChildID{},
		guardians:     map[key[domain.Guardian]]domain.Guardian{},
		guardianByNID: map[nidKey]domain.GuardianID{},
		guardianships: map[key[domain.Child]]map[domain.GuardianID]domain.Guardianship{},
		wards:         map[key[domain.Guardian]]map[domain.ChildID]struct{}{},
		units:         map[key[domain.Unit]]domain.Unit{},
		groups:        map[key[domain.Group]]domain.Group{},
		placements:    map[key[domain.Placement]]domain.Placement{},
		byChild:       map[key[domain.Child]]map[domain.PlacementID]struct{}{},
		admission:     newAdmissionState(),
		billing:       newBillingState(),
		attendance:    newAttendanceState(),
		messaging:     newMessagingState(),
		app:           newAppState(),
	}}
}

// tx is the running transaction: the undo log of its changes.
type tx struct {
	undo []func()
}

type txKey struct{}

func txFrom(ctx context.Context) *tx {
	t, _ := ctx.Value(txKey{}).(*tx)
	return t
}

// Atomic runs fn in a transaction. When fn returns an error or panics,
// every change made through the store with fn's ctx is undone.
func (s *Store) Atomic(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	if txFrom(ctx) != nil {
		return fn(ctx)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := &tx{}
	committed := false
	defer func() {
		if !committed {
			for i := len(t.undo) - 1; i >= 0; i-- {
				t.undo[i]()
			}
		}
	}()
	if err := fn(context.WithValue(ctx, txKey{}, t)); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	committed = true
	return nil
}

// read runs f under the read lock, or directly inside a transaction (which
// already holds the write lock).
func (s *Store) read(ctx context.Context, f func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if txFrom(ctx) != nil {
		return f()
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return f()
}

// write runs f inside the ctx's transaction, or in one of its own.
func (s *Store) write(ctx context.Context, f func(ctx context.Context, t *tx) error) error {
	return s.Atomic(ctx, func(ctx context.Context) error { return f(ctx, txFrom(ctx)) })
}

// put sets m[k] = v and records how to undo it.
func put[K comparable, V any](t *tx, m map[K]V, k K, v V) {
	old, had := m[k]
	m[k] = v
	t.undo = append(t.undo, func() {
		if had {
			m[k] = old
		} else {
			delete(m, k)
		}
	})
}

// del deletes m[k] and records how to undo it.
func del[K comparable, V any](t *tx, m map[K]V, k K) {
	old, had := m[k]
	if !had {
		return
	}
	delete(m, k)
	t.undo = append(t.undo, func() { m[k] = old })
}

func notFound(what string, id fmt.Stringer) error {
	return fmt.Errorf("%s %s: %w", what, id, domain.ErrNotFound)
}

func get[T any](m map[key[T]]T, mu domain.Municipality, id domain.ID[T], what string) (T, error) {
	v, ok := m[key[T]{mu, id}]
	if !ok {
		var zero T
		return zero, notFound(what, id)
	}
	return v, nil
}

// inner returns outer[k], creating (and recording the creation of) an empty
// map when there is none.
func inner[K comparable, K2 comparable, V any](t *tx, outer map[K]map[K2]V, k K) map[K2]V {
	m := outer[k]
	if m == nil {
		m = map[K2]V{}
		put(t, outer, k, m)
	}
	return m
}
