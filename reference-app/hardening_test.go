package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

const hstsHeader = "Strict-Transport-Security"

// Strict-Transport-Security goes with every response that reaches the
// browser over HTTPS: over TLS, or from a trusted proxy that says
// X-Forwarded-Proto: https. The header from anyone else is not believed,
// and by default no proxy is trusted.
func TestHSTS(t *testing.T) {
	ta := webtest.New(t)
	h := ta.App.Routes()
	serve := func(remote string, header ...string) http.Header {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.RemoteAddr = remote
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Add(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		require.Equal(t, http.StatusOK, rec.Code)
		return rec.Header()
	}
	const proxy, other = "10.0.0.5:40000", "192.0.2.7:40000"
	https := []string{"X-Forwarded-Proto", "https"}

	// Nobody is trusted by default.
	assert.Empty(t, serve(proxy, https...).Get(hstsHeader))
	assert.Empty(t, serve(other).Get(hstsHeader), "plain HTTP")

	var err error
	ta.App.TrustedProxies, err = parseProxies("10.0.0.0/24, 2001:db8::1")
	require.NoError(t, err)
	assert.Equal(t, "max-age=31536000", serve(proxy, https...).Get(hstsHeader))
	assert.Equal(t, "max-age=31536000", serve("[::ffff:10.0.0.9]:1", https...).Get(hstsHeader), "IPv4 in IPv6")
	assert.Equal(t, "max-age=31536000", serve("[2001:db8::1]:443", "X-Forwarded-Proto", "HTTPS").Get(hstsHeader))
	assert.Empty(t, serve(other, https...).Get(hstsHeader), "the header from a client is not believed")
	assert.Empty(t, serve(proxy).Get(hstsHeader), "the proxy says nothing")
	assert.Empty(t, serve(proxy, "X-Forwarded-Proto", "http").Get(hstsHeader), "the proxy was reached over HTTP")
	assert.Empty(t, serve(proxy, "X-Forwarded-Proto", "http", "X-Forwarded-Proto", "https", "X-Forwarded-Proto", "http").Get(hstsHeader),
		"the last value is the proxy's own")
	assert.Empty(t, serve(proxy, "X-Forwarded-Proto", "https, http").Get(hstsHeader))

	// Served over TLS itself.
	srv := httptest.NewTLSServer(h)
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "/")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, "max-age=31536000", resp.Header.Get(hstsHeader))
	// Also on an error.
	resp, err = srv.Client().Get(srv.URL + "/api/v1/me")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Equal(t, "max-age=31536000", resp.Header.Get(hstsHeader))
}

func TestTrustedProxiesConfig(t *testing.T) {
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	c, err := parseConfig(nil, getenv, io.Discard)
	require.NoError(t, err)
	assert.Empty(t, c.TrustedProxies, "none by default")

	env["OPPVEKST_TRUSTED_PROXIES"] = "10.1.2.3, 10.0.0.0/8,fd00::/8"
	c, err = parseConfig(nil, getenv, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, []netip.Prefix{netip.MustParsePrefix("10.1.2.3/32"), netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}, c.TrustedProxies)
	c, err = parseConfig([]string{"-trusted-proxies", "127.0.0.1"}, getenv, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, c.TrustedProxies, "the flag wins")

	for _, bad := range []string{"proxy.example", "10.0.0.0/33", "10.0.0.1:80"} {
		_, err = parseConfig([]string{"-trusted-proxies", bad}, getenv, io.Discard)
		assert.Error(t, err, bad)
	}
}

// A session used all day long still ends at its lifetime (12 hours by
// default) after the login; before, using it kept it alive for ever. The
// cookie lives as long, and a shortened lifetime ends older sessions at
// once.
func TestSessionAbsoluteLifetime(t *testing.T) {
	ta := webtest.New(t)
	ctx := t.Context()
	require.Equal(t, 12*time.Hour, ta.App.Sessions.Lifetime, "the default")
	p := ta.Personas[demo.PersonaStaff]
	start := time.Now()
	value, err := ta.App.Sessions.Create(ctx, web.Session{Actor: p.Actor, Name: p.Name}, start)
	require.NoError(t, err)
	for h := time.Duration(1); h < 12; h++ {
		s, ok, err := ta.App.Sessions.Get(ctx, value, start.Add(h*time.Hour))
		require.NoError(t, err)
		require.True(t, ok, "used after %d hours", h)
		assert.False(t, s.Expires.After(start.Add(12*time.Hour)), "never extended past its lifetime: %s", s.Expires)
		assert.True(t, s.Created.Equal(start.Truncate(time.Microsecond)) || s.Created.Equal(start), "created %s", s.Created)
	}
	_, ok, err := ta.App.Sessions.Get(ctx, value, start.Add(12*time.Hour-time.Second))
	require.NoError(t, err)
	assert.True(t, ok)
	_, ok, err = ta.App.Sessions.Get(ctx, value, start.Add(12*time.Hour))
	require.NoError(t, err)
	assert.False(t, ok, "over at its lifetime, though used an hour ago")

	// A shorter lifetime (a new configuration) ends older sessions.
	value, err = ta.App.Sessions.Create(ctx, web.Session{Actor: p.Actor, Name: p.Name}, start)
	require.NoError(t, err)
	ta.App.Sessions.Lifetime = time.Hour
	_, ok, err = ta.App.Sessions.Get(ctx, value, start.Add(time.Hour+time.Second))
	require.NoError(t, err)
	assert.False(t, ok)

	// The login's cookie lives as long as the session may.
	ta.App.Sessions.Lifetime = 12 * time.Hour
	resp := ta.Do(t, "", "POST", "/login/demo", "application/x-www-form-urlencoded", "persona="+demo.PersonaStaff)
	require.Equal(t, http.StatusSeeOther, resp.Status, resp.Body)
	assert.Contains(t, resp.Header.Get("Set-Cookie"), "Max-Age=43200")
}

func TestSessionLifetimeConfig(t *testing.T) {
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	c, err := parseConfig(nil, getenv, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 12*time.Hour, c.SessionLifetime)
	env["OPPVEKST_SESSION_LIFETIME"] = "9h30m"
	c, err = parseConfig(nil, getenv, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 9*time.Hour+30*time.Minute, c.SessionLifetime)
	c, err = parseConfig([]string{"-session-lifetime", "4h"}, getenv, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 4*time.Hour, c.SessionLifetime, "the flag wins")
	for _, bad := range []string{"12", "soon", "30s", "-1h"} {
		env["OPPVEKST_SESSION_LIFETIME"] = bad
		_, err = parseConfig(nil, getenv, io.Discard)
		assert.Error(t, err, bad)
	}
}
