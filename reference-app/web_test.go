package main

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

var hrefRE = regexp.MustCompile(`href="(/[^"#]*)`)

// crawl fetches every page and API response a persona can reach from its
// start page and the API lists, and returns the bodies by path.
func crawl(t *testing.T, ta *testApp, key string) map[string]string {
	t.Helper()
	cookie := ta.cookieFor(t, key)
	bodies := map[string]string{}
	queue := []string{"/", "/login", "/guardian", "/staff", "/caseworker", "/admin/audit",
		"/api/v1/me", "/api/v1/children?limit=200", "/api/v1/units?limit=200", "/api/v1/audit?limit=200", "/api/v1/threads?limit=200",
		"/children/" + ta.aurora.String(), "/api/v1/children/" + ta.aurora.String(),
		"/api/v1/units/" + ta.bjorkelia.String() + "/roster", "/api/v1/units/" + ta.nordbySFO.String() + "/roster"}
	idRE := regexp.MustCompile(`"id":"([0-9a-f-]{36})"`)
	for len(queue) > 0 && len(bodies) < 400 {
		path := queue[0]
		queue = queue[1:]
		if _, done := bodies[path]; done || strings.HasPrefix(path, "/login/") {
			continue
		}
		resp := ta.do(t, cookie, "GET", path, "", "")
		assert.Less(t, resp.status, 500, "%s as %s", path, key)
		bodies[path] = resp.body
		for _, m := range hrefRE.FindAllStringSubmatch(resp.body, -1) {
			queue = append(queue, strings.ReplaceAll(m[1], "&amp;", "&"))
		}
		if path == "/api/v1/children?limit=200" {
			for _, m := range idRE.FindAllStringSubmatch(resp.body, -1) {
				queue = append(queue, "/api/v1/children/"+m[1])
			}
		}
		if path == "/api/v1/threads?limit=200" {
			for _, m := range idRE.FindAllStringSubmatch(resp.body, -1) {
				queue = append(queue, "/api/v1/threads/"+m[1])
			}
		}
	}
	return bodies
}

// TestProtectedContactNeverLeaks fetches every page and response each
// persona can reach and searches it for the contact details of the
// guardian with a strengt fortrolig address (the demo holds no postal
// addresses; her phone and e-mail are what could reveal where she lives).
func TestProtectedContactNeverLeaks(t *testing.T) {
	ta := newTestApp(t)
	secrets := []string{protectedPhone, strings.ReplaceAll(protectedPhone, " ", ""), "41 97 53 11", demoEmail("Marte", "Solheim")}
	total := 0
	keys := make([]string, 0, len(ta.personas))
	for k := range ta.personas {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range append(keys, "") {
		bodies := crawl(t, ta, key)
		total += len(bodies)
		for path, body := range bodies {
			for _, s := range secrets {
				assert.NotContains(t, body, s, "%s as %q", path, key)
			}
		}
	}
	assert.Greater(t, total, 300, "the crawl reached the pages")
	t.Logf("contact crawl: %d personas and anonymous, %d responses searched in all; terms: %q", len(keys), total, secrets)
	// The protected guardian's own page names her child, and nothing else of her.
	body := crawl(t, ta, personaProtected)["/guardian"]
	assert.Contains(t, body, "Aurora Solheim")
	assert.Contains(t, body, "Skjermet adresse")
}

// TestSecurityHeadersAndCookies: every response forbids scripts, framing
// and sniffing; the session cookie is HttpOnly, SameSite=Lax, Secure
// outside localhost, and a new one is issued at every login.
func TestSecurityHeadersAndCookies(t *testing.T) {
	ta := newTestApp(t)
	for _, path := range []string{"/", "/login", "/api/v1/me", "/healthz", "/finnes-ikke"} {
		resp := ta.do(t, "", "GET", path, "", "")
		csp := resp.header.Get("Content-Security-Policy")
		assert.Contains(t, csp, "default-src 'none'", path)
		assert.Contains(t, csp, "frame-ancestors 'none'", path)
		assert.NotContains(t, csp, "unsafe-inline", path)
		assert.NotContains(t, csp, "script-src", path)
		assert.Equal(t, "nosniff", resp.header.Get("X-Content-Type-Options"), path)
		assert.Equal(t, "no-referrer", resp.header.Get("Referrer-Policy"), path)
		assert.NotContains(t, resp.body, "<script", path)
		assert.NotContains(t, resp.body, " style=", path)
	}

	login := func(host string, cookie string) *http.Cookie {
		req, err := http.NewRequest("POST", ta.srv.URL+"/login/demo", strings.NewReader("persona=guardian"))
		require.NoError(t, err)
		req.Host = host
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		resp, err := noRedirect.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		for _, c := range resp.Cookies() {
			if c.Name == sessionCookie {
				return c
			}
		}
		t.Fatal("no session cookie")
		return nil
	}
	c := login("localhost:8080", "")
	assert.True(t, c.HttpOnly)
	assert.Equal(t, http.SameSiteLaxMode, c.SameSite)
	assert.False(t, c.Secure, "plain HTTP on localhost")
	assert.Equal(t, "/", c.Path)

	prod := login("oppvekst.kommune.example", "")
	assert.True(t, prod.Secure, "Secure outside localhost")

	// Rotation: logging in again with a session ends the old one.
	again := login("localhost:8080", sessionCookie+"="+c.Value)
	assert.NotEqual(t, c.Value, again.Value)
	old := ta.do(t, sessionCookie+"="+c.Value, "GET", "/api/v1/me", "", "")
	assert.Equal(t, http.StatusUnauthorized, old.status, "the old session is gone")
	now := ta.do(t, sessionCookie+"="+again.Value, "GET", "/api/v1/me", "", "")
	assert.Equal(t, http.StatusOK, now.status)

	// Logout ends the session.
	resp := ta.do(t, sessionCookie+"="+again.Value, "POST", "/logout", "application/x-www-form-urlencoded", "")
	assert.Equal(t, http.StatusSeeOther, resp.status)
	assert.Equal(t, http.StatusUnauthorized, ta.do(t, sessionCookie+"="+again.Value, "GET", "/api/v1/me", "", "").status)
}

// Unsafe cross-origin requests from a browser are refused.
func TestCrossOriginProtection(t *testing.T) {
	ta := newTestApp(t)
	cookie := ta.cookieFor(t, personaCaseworker)
	body := `{"givenName":"Kryss","familyName":"Opprinnelse","birthDate":"2022-02-02"}`
	resp := ta.do(t, cookie, "POST", "/api/v1/children", "application/json", body, "Sec-Fetch-Site", "cross-site")
	assert.Equal(t, http.StatusForbidden, resp.status)
	resp = ta.do(t, cookie, "POST", "/logout", "application/x-www-form-urlencoded", "", "Origin", "https://evil.example")
	assert.Equal(t, http.StatusForbidden, resp.status)
	assert.Equal(t, http.StatusOK, ta.do(t, cookie, "GET", "/api/v1/me", "", "").status, "still logged in")
	resp = ta.do(t, cookie, "POST", "/api/v1/children", "application/json", body, "Sec-Fetch-Site", "same-origin")
	assert.Equal(t, http.StatusCreated, resp.status)
	// Safe methods are always allowed.
	resp = ta.do(t, cookie, "GET", "/api/v1/me", "", "", "Sec-Fetch-Site", "cross-site")
	assert.Equal(t, http.StatusOK, resp.status)
}

// Login attempts are limited per client.
func TestLoginRateLimit(t *testing.T) {
	ta := newTestApp(t)
	ta.a.loginLimiter = newLimiter(5, 60e9)
	var statuses []int
	for range 7 {
		statuses = append(statuses, ta.do(t, "", "POST", "/login/demo", "application/x-www-form-urlencoded", "persona=nobody").status)
	}
	assert.Equal(t, []int{422, 422, 422, 422, 422, 429, 429}, statuses)
	assert.Equal(t, http.StatusTooManyRequests, ta.do(t, "", "GET", "/login/test", "", "").status, "the same limit covers OIDC")

	// Behind a proxy, each client has its own count.
	ta.a.clientIPHeader = "X-Forwarded-For"
	for range 5 {
		assert.Equal(t, 422, ta.do(t, "", "POST", "/login/demo", "application/x-www-form-urlencoded", "persona=nobody", "X-Forwarded-For", "203.0.113.9, 198.51.100.7").status)
	}
	assert.Equal(t, 429, ta.do(t, "", "POST", "/login/demo", "application/x-www-form-urlencoded", "persona=nobody", "X-Forwarded-For", "203.0.113.9, 198.51.100.7").status)
	assert.Equal(t, 422, ta.do(t, "", "POST", "/login/demo", "application/x-www-form-urlencoded", "persona=nobody", "X-Forwarded-For", "198.51.100.8").status, "another client")
}

// The demo login exists only in demo mode.
func TestDemoLoginOnlyInDemoMode(t *testing.T) {
	ta := newTestApp(t)
	page := ta.do(t, "", "GET", "/login", "", "")
	assert.Contains(t, page.body, "Demoinnlogging")
	assert.Contains(t, page.body, "Tor Ødegård")
	ta.a.demo = false
	page = ta.do(t, "", "GET", "/login", "", "")
	assert.NotContains(t, page.body, "Demoinnlogging")
	assert.NotContains(t, page.body, "persona")
	resp := ta.do(t, "", "POST", "/login/demo", "application/x-www-form-urlencoded", "persona=guardian")
	assert.Equal(t, http.StatusNotFound, resp.status)
	assert.Empty(t, resp.header.Values("Set-Cookie"))
	resp = ta.do(t, "", "GET", "/", "", "")
	assert.Equal(t, http.StatusSeeOther, resp.status, "no demo front page")
	assert.Equal(t, "/login", resp.header.Get("Location"))
}

// /readyz turns 503 as soon as shutdown begins; /healthz stays up.
func TestReadyzDuringShutdown(t *testing.T) {
	ta := newTestApp(t)
	assert.Equal(t, http.StatusOK, ta.do(t, "", "GET", "/readyz", "", "").status)
	ta.a.shuttingDown.Store(true)
	resp := ta.do(t, "", "GET", "/readyz", "", "")
	assert.Equal(t, http.StatusServiceUnavailable, resp.status)
	assert.JSONEq(t, `{"status":"shutting down"}`, resp.body)
	assert.Equal(t, http.StatusOK, ta.do(t, "", "GET", "/healthz", "", "").status)
}

// The user chooses nb, nn or en; the page follows, lang attribute
// included.
func TestLanguages(t *testing.T) {
	ta := newTestApp(t)
	cookie := ta.cookieFor(t, personaGuardian)
	want := map[string]string{"nb": "Mine barn", "nn": "Borna mine", "en": "My children"}
	for lang, heading := range want {
		resp := ta.do(t, cookie, "POST", "/language", "application/x-www-form-urlencoded", "lang="+lang+"&return=/guardian")
		require.Equal(t, http.StatusSeeOther, resp.status)
		assert.Equal(t, "/guardian", resp.header.Get("Location"))
		var langCookieValue string
		for _, c := range (&http.Response{Header: resp.header}).Cookies() {
			if c.Name == langCookie {
				langCookieValue = c.Value
			}
		}
		require.Equal(t, lang, langCookieValue)
		page := ta.do(t, cookie+"; "+langCookie+"="+lang, "GET", "/guardian", "", "")
		assert.Contains(t, page.body, `<html lang="`+lang+`">`)
		assert.Contains(t, page.body, "<h1>"+heading+"</h1>")
		assert.NotContains(t, page.body, "[", "no missing message key shows")
	}
	resp := ta.do(t, "", "POST", "/language", "application/x-www-form-urlencoded", "lang=de&return=/")
	assert.Equal(t, 422, resp.status)
	resp = ta.do(t, "", "POST", "/language", "application/x-www-form-urlencoded", "lang=en&return=//evil.example/")
	assert.Equal(t, "/", resp.header.Get("Location"), "no open redirect")
}

// Every catalog has the same keys, and every key the templates use.
func TestMessageCatalogsAreComplete(t *testing.T) {
	ta := newTestApp(t)
	catalogs := ta.a.catalogs
	for _, lang := range languages[1:] {
		for key := range catalogs["nb"] {
			assert.Contains(t, catalogs[lang], key, lang)
		}
		assert.Len(t, catalogs[lang], len(catalogs["nb"]), lang)
	}
	used := regexp.MustCompile(`\.T "([\w.-]+)"`)
	for _, fsys := range ta.a.pageFiles {
		names, err := fs.Glob(fsys, "templates/*.html")
		require.NoError(t, err)
		require.NotEmpty(t, names)
		for _, name := range names {
			b, err := fs.ReadFile(fsys, name)
			require.NoError(t, err)
			for _, m := range used.FindAllStringSubmatch(string(b), -1) {
				assert.Contains(t, catalogs["nb"], m[1], name)
			}
		}
	}
	for _, p := range []string{personaGuardian, personaOtherParent, personaProtected, personaProtected47, personaOtherGuardian, personaStaff, personaOtherStaff, personaCaseworker, personaAdmin, personaOtherMunicipality} {
		assert.Contains(t, catalogs["nb"], "persona."+p)
	}
}

// Every page has the landmarks and a skip link, in every language.
func TestPagesAreAccessibleByStructure(t *testing.T) {
	ta := newTestApp(t)
	pages := map[string]string{
		"/": "", "/login": "", "/guardian": personaGuardian, "/staff": personaStaff,
		"/caseworker": personaCaseworker, "/admin/audit": personaAdmin, "/children/" + ta.sofie.String(): personaGuardian,
	}
	for path, persona := range pages {
		for _, lang := range languages {
			cookie := langCookie + "=" + lang
			if persona != "" {
				cookie += "; " + ta.cookieFor(t, persona)
			}
			resp := ta.do(t, cookie, "GET", path, "", "")
			if path == "/" && persona == "" {
				require.Equal(t, 200, resp.status)
			}
			require.Equal(t, 200, resp.status, path)
			for _, want := range []string{`<html lang="` + lang + `">`, `class="skip" href="#innhold"`, `<main id="innhold"`, "<header>", "<footer>", `<label for="lang">`, "<h1>", "<title>"} {
				assert.Contains(t, resp.body, want, "%s in %s", path, lang)
			}
		}
	}
	var v map[string]any
	resp := ta.do(t, ta.cookieFor(t, personaGuardian), "GET", "/api/v1/me", "", "")
	require.NoError(t, json.Unmarshal([]byte(resp.body), &v))
	assert.Equal(t, true, v["demo"])
}

// Sessions live in the store: a restarted app still knows the user, and an
// expired session is over.
func TestSessionsSurviveARestart(t *testing.T) {
	dir := t.TempDir()
	app := start(t, dir)
	resp, err := noRedirect.PostForm(app.base+"/login/demo", map[string][]string{"persona": {personaGuardian}})
	require.NoError(t, err)
	resp.Body.Close()
	var cookie string
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			cookie = c.Name + "=" + c.Value
			assert.True(t, strings.HasPrefix(c.Value, string(demoMunicipality)+"."))
		}
	}
	require.NotEmpty(t, cookie)
	require.NoError(t, app.stop())

	again := start(t, dir)
	req, err := http.NewRequest("GET", again.base+"/api/v1/me", nil)
	require.NoError(t, err)
	req.Header.Set("Cookie", cookie)
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, again.stop())
}

func TestSessionExpiry(t *testing.T) {
	ta := newTestApp(t)
	ta.a.sessions.lifetime = 100 * time.Hour // the sliding expiry alone
	ctx := t.Context()
	p := ta.personas[personaStaff]
	start := time.Now()
	value, err := ta.a.sessions.create(ctx, session{actor: p.Actor, name: p.Name}, start)
	require.NoError(t, err)
	s, ok, err := ta.a.sessions.get(ctx, value, start.Add(sessionTTL/4))
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, p.Actor, s.actor)
	assert.True(t, s.expires.Equal(start.Add(sessionTTL)), "not extended before half its time")
	s, ok, err = ta.a.sessions.get(ctx, value, start.Add(sessionTTL*3/4))
	require.NoError(t, err)
	require.True(t, ok)
	assert.True(t, s.expires.Equal(start.Add(sessionTTL*7/4)), "extended after")
	_, ok, err = ta.a.sessions.get(ctx, value, start.Add(2*sessionTTL))
	require.NoError(t, err)
	assert.False(t, ok, "expired")
	for _, bad := range []string{"", "x", "9999.", "abcd.token", value + "x"} {
		_, ok, err := ta.a.sessions.get(ctx, bad, start)
		require.NoError(t, err)
		assert.False(t, ok, bad)
	}
}

// The sweep removes expired sessions and old idempotent responses.
func TestSweep(t *testing.T) {
	ta := newTestApp(t)
	ctx := t.Context()
	p := ta.personas[personaCaseworker]
	fresh := ta.cookieFor(t, personaCaseworker)
	old, err := ta.a.sessions.create(ctx, session{actor: p.Actor, name: p.Name}, time.Now().Add(-2*sessionTTL))
	require.NoError(t, err)
	m, token, _ := splitCookie(old)
	_, err = ta.store.Session(ctx, m, tokenKey(token))
	require.NoError(t, err, "kept until swept")
	require.NoError(t, ta.store.SaveIdempotent(ctx, domain.IdempotentResponse{Municipality: demoMunicipality, Subject: "s", Key: "old",
		Fingerprint: "f", Status: 201, Created: time.Now().Add(-2 * idempotencyKeep)}))
	require.NoError(t, ta.store.SaveIdempotent(ctx, domain.IdempotentResponse{Municipality: demoMunicipality, Subject: "s", Key: "new",
		Fingerprint: "f", Status: 201, Created: time.Now()}))

	ta.a.sweep(ctx)

	_, err = ta.store.Session(ctx, m, tokenKey(token))
	assert.ErrorIs(t, err, domain.ErrNotFound)
	assert.Equal(t, http.StatusOK, ta.do(t, fresh, "GET", "/api/v1/me", "", "").status)
	_, err = ta.store.Idempotent(ctx, demoMunicipality, "s", "old")
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = ta.store.Idempotent(ctx, demoMunicipality, "s", "new")
	assert.NoError(t, err)
}
