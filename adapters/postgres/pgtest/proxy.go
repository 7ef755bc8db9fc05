// Package pgtest helps tests that run on PostgreSQL.
//
// Schema, SchemaURL and Store give a test a schema of its own in the test
// database named by OPPVEKST_TEST_POSTGRES, created fresh and dropped with
// everything in it when the test ends, so the tests of many packages can
// share one server at the same time. Without the variable a test is
// skipped, except under CI=true, where it fails: CI never passes by
// skipping the PostgreSQL half of a test.
//
// Proxy helps test what an application does when its PostgreSQL server
// goes away: it forwards TCP connections to the server until it is
// stopped, and can be started again on the same address.
package pgtest

import (
	"io"
	"net"
	"sync"
	"testing"
)

// Proxy forwards connections to a target address until it is stopped; then
// nothing listens on its address and every connection through it is cut,
// as when the database server goes away. Restart listens on the same
// address again.
type Proxy struct {
	// Addr is the proxy's own address (host:port); point the client at it.
	Addr   string
	target string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

// StartProxy starts a proxy to target (host:port) on a free loopback port;
// it is stopped when the test ends.
func StartProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	p := &Proxy{Addr: ln.Addr().String(), target: target}
	p.serve(ln)
	t.Cleanup(p.Stop)
	return p
}

func (p *Proxy) serve(ln net.Listener) {
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

// Stop closes the listener and cuts every connection.
func (p *Proxy) Stop() {
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

// Restart listens on the same address again.
func (p *Proxy) Restart(t testing.TB) {
	t.Helper()
	ln, err := net.Listen("tcp", p.Addr)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	p.serve(ln)
}
