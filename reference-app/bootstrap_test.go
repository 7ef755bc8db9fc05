package main

import (
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/reference-app/internal/web/oidc"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// From an empty database: the app starts with -demo=false -seed=false,
// serving the configured municipality; the bootstrap admin logs in with
// Feide, clicks through to the staff pages and registers a colleague;
// a restart with the bootstrap still configured changes nothing, and
// someone unknown to the municipality is refused.
func TestEmptyDatabaseBootstrapAdminLogsInWithFeide(t *testing.T) {
	idp := webtest.NewTestIDP(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	base := "http://" + addr
	env := map[string]string{
		"OPPVEKST_PUBLIC_URL":          base,
		"OPPVEKST_MUNICIPALITIES":      "4601",
		"OPPVEKST_FEIDE_ISSUER":        idp.Url,
		"OPPVEKST_FEIDE_CLIENT_ID":     idp.ClientID,
		"OPPVEKST_FEIDE_CLIENT_SECRET": idp.ClientSecret,
		"OPPVEKST_BOOTSTRAP_ADMIN":     "4601,kari@bergen.kommune.example,Kari Nordmann",
	}
	dir := t.TempDir()
	getenv := func(k string) string { return env[k] }
	app := startWith(t, getenv, dir, "-demo=false", "-seed=false", "-addr", addr)
	assert.Contains(t, app.stdout.String(), "first administrator made")

	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	b := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	get := func(u string) (*http.Response, string) {
		t.Helper()
		resp, err := b.Get(u)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, string(body)
	}
	idp.Set(func(p *webtest.TestIDP) {
		p.Claims = map[string]any{oidc.FeidePrincipal: "kari@bergen.kommune.example"}
	})
	resp, body := get(base + "/login/feide")
	require.Equal(t, 200, resp.StatusCode, body)
	assert.Contains(t, body, "Kari Nordmann")
	// Clicking: the menu's link to the staff pages.
	link := regexp.MustCompile(`href="(/admin/staff)"`).FindStringSubmatch(body)
	require.NotNil(t, link, "the admin's menu links to the staff pages: %s", body)
	resp, body = get(base + link[1])
	require.Equal(t, 200, resp.StatusCode, body)
	assert.Contains(t, body, "kari@bergen.kommune.example")
	resp, err = b.PostForm(base+"/admin/staff", url.Values{"name": {"Ola Leder"}, "principal": {"ola@bergen.kommune.example"}})
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode, string(page))
	assert.Regexp(t, `/admin/staff/[0-9a-f-]{36}$`, resp.Request.URL.Path)
	assert.Contains(t, string(page), "Ola Leder")

	// Ola has no role yet: no role, no access.
	b2 := &http.Client{Timeout: 10 * time.Second}
	b2.Jar, _ = cookiejar.New(nil)
	idp.Set(func(p *webtest.TestIDP) { p.Claims = map[string]any{oidc.FeidePrincipal: "ola@bergen.kommune.example"} })
	resp, err = b2.Get(base + "/login/feide")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	require.NoError(t, app.stop())

	again := startWith(t, getenv, dir, "-demo=false", "-seed=false", "-addr", addr)
	assert.Contains(t, again.stdout.String(), "nothing done, the municipality has an administrator")
	require.NoError(t, again.stop())
}
