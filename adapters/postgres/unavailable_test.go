package postgres_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/postgres"
	"github.com/oppvekst/oppvekst/domain"
)

// tcpProxy forwards connections to the database until it is stopped; then
// nothing listens on its address and every connection through it is cut,
// as when the database server goes away. It can be started again on the
// same address.
type tcpProxy struct {
	addr, target string
	mu           sync.Mutex
	ln           net.Listener
	conns        []net.Conn
}

func startProxy(t *testing.T, target string) *tcpProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &tcpProxy{addr: ln.Addr().String(), target: target}
	p.serve(ln)
	t.Cleanup(p.stop)
	return p
}

func (p *tcpProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			d, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, d)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(d, c); d.Close() }()
			go func() { _, _ = io.Copy(c, d); c.Close() }()
		}
	}()
}

// stop closes the listener and cuts every connection.
func (p *tcpProxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// restart listens on the same address again.
func (p *tcpProxy) restart(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	require.NoError(t, err)
	p.serve(ln)
}

// While the database cannot be reached, every kind of call fails with an
// error that is domain.ErrUnavailable (and still the driver's error), so
// that an application can answer "try again later"; when it is back, the
// same store works again. Errors of the input stay what they were.
func TestUnreachableDatabaseIsErrUnavailable(t *testing.T) {
	dbURL, schema := newTestSchema(t)
	u, err := url.Parse(dbURL)
	require.NoError(t, err)
	proxy := startProxy(t, u.Host)
	u.Host = proxy.addr
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

	proxy.stop()
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

	proxy.restart(t)
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
