package domain

import (
	"context"
	"time"
)

// Several instances of an application may serve one store (several app
// processes on one PostgreSQL). What they must share goes through the
// store: sessions (SessionStore), kept responses (IdempotencyStore), the
// count of login attempts (AttemptStore), and who runs a periodic job now
// (JobLocker).

// AttemptStore counts attempts (such as logins) by a client in fixed
// windows of time, so that a limit holds across every instance of an
// application. The key names the client and what it attempts; it is not
// the municipality's data (an attempt comes before anyone is known), so it
// is kept for the deployment.
type AttemptStore interface {
	// CountAttempt counts one attempt by key in the window that starts at
	// window and returns how many attempts the window holds now, this one
	// included. The key is 1 to 200 characters.
	CountAttempt(ctx context.Context, key string, window time.Time) (int, error)
	// DeleteAttemptsBefore removes the windows that started before the time
	// and returns how many.
	DeleteAttemptsBefore(ctx context.Context, before time.Time) (int, error)
}

// JobLocker lets every instance of an application run the same periodic
// jobs, each job of a municipality being run by one instance at a time.
// A job that does its work once however often it runs (lapses the offers
// past their deadline, reminds each person once) is then done once.
type JobLocker interface {
	// RunLocked runs fn while it holds the lock of the job in municipality
	// m (m is empty for a job of the whole deployment) and reports true.
	// When another caller, of this process or of another instance, holds
	// that lock, it returns false at once without running fn. fn's error is
	// returned.
	RunLocked(ctx context.Context, job string, m Municipality, fn func(ctx context.Context) error) (bool, error)
}

// IdempotencyLocker serialises the requests that carry one idempotency key
// across every instance of an application.
type IdempotencyLocker interface {
	// LockIdempotent, called inside Atomic, waits until no other
	// transaction holds the lock of the municipality's subject and key, and
	// holds it until the transaction ends; the caller then reads the kept
	// response again before doing the work.
	LockIdempotent(ctx context.Context, m Municipality, subject, key string) error
	// LockedIdempotent is LockIdempotent followed by reading the response
	// kept under the key (IdempotencyStore.Idempotent; ErrNotFound when
	// there is none), in one round trip where the store can: what a
	// request with a key does first.
	LockedIdempotent(ctx context.Context, m Municipality, subject, key string) (IdempotentResponse, error)
}

// municipalityKey is the context key of the municipality a call is made
// for.
type municipalityKey struct{}

// acrossKey marks a context whose calls may reach every municipality.
type acrossKey struct{}

// WithMunicipality returns a ctx whose store calls are made for
// municipality m. A store that walls the municipalities off from each other
// in the database as well (PostgreSQL's row-level security, see package
// postgres) lets such a call see and change the rows of m only, whatever
// its query asks for.
func WithMunicipality(ctx context.Context, m Municipality) context.Context {
	if _, ok := ctx.Value(acrossKey{}).(string); ok {
		ctx = context.WithValue(ctx, acrossKey{}, nil) // narrowed to m
	}
	return context.WithValue(ctx, municipalityKey{}, m)
}

// AcrossMunicipalities returns a ctx whose store calls may reach every
// municipality: the explicit path of a job of the whole deployment (the
// outbox's dispatcher). why says which job; the caller logs it.
func AcrossMunicipalities(ctx context.Context, why string) context.Context {
	return context.WithValue(ctx, acrossKey{}, why)
}

// MunicipalityOf returns the municipality a ctx's calls are made for; all
// is true (and why names the job) when they may reach every municipality.
// Without either, m is empty and all false.
func MunicipalityOf(ctx context.Context) (m Municipality, all bool, why string) {
	if v, ok := ctx.Value(acrossKey{}).(string); ok {
		return "", true, v
	}
	m, _ = ctx.Value(municipalityKey{}).(Municipality)
	return m, false, ""
}
