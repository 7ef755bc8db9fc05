package postgres_test

import (
	"context"
	"errors"
	"net"
	"net/url"
	"testing"
	"time"

	"github.com/oppvekst/oppvekst/adapters/postgres/pgtest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/postgres"
	"github.com/oppvekst/oppvekst/domain"
)

// While the database cannot be reached, every kind of call fails with an
// error that is domain.ErrUnavailable (and still the driver's error), so
// that an application can answer "try again later"; when it is back, the
// same store works again. Errors of the input stay what they were.
func TestUnreachableDatabaseIsErrUnavailable(t *testing.T) {
	dbURL, schema := newTestSchema(t)
	u, err := url.Parse(dbURL)
	require.NoError(t, err)
	proxy := pgtest.StartProxy(t, u.Host)
	u.Host = proxy.Addr
	q := u.Query()
	q.Set("connect_timeout", "5")
	u.RawQuery = q.Encode()
	s := openTestStore(t, u.String(), schema)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	unit := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: oslo, Name: "Solsikken barnehage", Kind: domain.Kindergarten, Owner: domain.Municipal}
	require.NoError(t, s.CreateUnit(ctx, unit))
	_, err = s.Unit(ctx, oslo, domain.NewID[domain.Unit]())
	assert.ErrorIs(t, err, domain.ErrNotFound)
	assert.NotErrorIs(t, err, domain.ErrUnavailable)

	proxy.Stop()
	calls := map[string]func() error{
		"read one (QueryRow)": func() error { _, err := s.Unit(ctx, oslo, unit.ID); return err },
		"read a list (Query)": func() error { _, err := s.Units(ctx, oslo); return err },
		"read a batch": func() error {
			_, err := s.CheckContext(ctx, oslo, domain.NewID[domain.Child](), domain.Today(domain.SystemClock{}), "k")
			return err
		},
		"write": func() error {
			return s.CreateUnit(ctx, domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: oslo, Name: "Ny", Kind: domain.Kindergarten, Owner: domain.Municipal})
		},
		"transaction": func() error {
			return s.Atomic(ctx, func(ctx context.Context) error { _, err := s.Units(ctx, oslo); return err })
		},
		"session": func() error {
			_, err := s.Session(ctx, oslo, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
			return err
		},
	}
	for name, call := range calls {
		err := call()
		require.Error(t, err, name)
		assert.ErrorIs(t, err, domain.ErrUnavailable, "%s: %v", name, err)
		assert.NotErrorIs(t, err, domain.ErrNotFound, name)
	}
	// A call the caller gave up on is the caller's, not the database's.
	gone, stop := context.WithCancel(ctx)
	stop()
	_, err = s.Units(gone, oslo)
	require.Error(t, err)
	assert.NotErrorIs(t, err, domain.ErrUnavailable)
	assert.True(t, errors.Is(err, context.Canceled), "%v", err)

	proxy.Restart(t)
	require.Eventually(t, func() bool { _, err := s.Units(ctx, oslo); return err == nil }, 20*time.Second, 50*time.Millisecond,
		"the store works again once the database is back")
	got, err := s.Unit(ctx, oslo, unit.ID)
	require.NoError(t, err)
	assert.Equal(t, unit.Name, got.Name)
}

// A store opened on a port where nothing listens fails at Open with
// domain.ErrUnavailable.
func TestOpenWithoutDatabaseIsErrUnavailable(t *testing.T) {
	testURL(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close() // nothing listens here now
	_, err = postgres.Open(context.Background(), postgres.Options{URL: "postgres://postgres@" + addr + "/postgres?sslmode=disable&connect_timeout=5"})
	require.Error(t, err)
	assert.ErrorIs(t, err, domain.ErrUnavailable, "%v", err)
}
