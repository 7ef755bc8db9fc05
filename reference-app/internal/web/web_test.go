package web_test

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
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// TestProtectedContactNeverLeaks fetches every page and response each
// persona can reach (the protected guardian herself among them) and
// searches it for the registered address and the contact details of the
// guardian and the child with a strengt fortrolig address: the street
// (with and without the house number), the phone and the e-mail address.
func TestProtectedContactNeverLeaks(t *testing.T) {
	ta := webtest.New(t)
	secrets := []string{demo.ProtectedPhone, strings.ReplaceAll(demo.ProtectedPhone, " ", ""), "41 97 53 11", demo.Email("Marte", "Solheim"),
		demo.ProtectedStreet, "Lønnebakken", `L\u00f8nnebakken`, "L&#248;nnebakken", "L%C3%B8nnebakken"}
	total := 0
	keys := make([]string, 0, len(ta.Personas))
	for k := range ta.Personas {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range append(keys, "") {
		bodies := webtest.Crawl(t, ta, key)
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
	body := webtest.Crawl(t, ta, demo.PersonaProtected)["/guardian"]
	assert.Contains(t, body, "Aurora Solheim")
	assert.Contains(t, body, "Skjermet adresse")
}

// TestSecurityHeadersAndCookies: every response forbids scripts, framing
// and sniffing; the session cookie is HttpOnly, SameSite=Lax, Secure
// outside localhost, and a new one is issued at every login.
func TestSecurityHeadersAndCookies(t *testing.T) {
	ta := webtest.New(t)
	for _, path := range []string{"/", "/login", "/api/v1/me", "/healthz", "/finnes-ikke"} {
		resp := ta.Do(t, "", "GET", path, "", "")
		csp := resp.Header.Get("Content-Security-Policy")
		assert.Contains(t, csp, "default-src 'none'", path)
		assert.Contains(t, csp, "frame-ancestors 'none'", path)
		assert.NotContains(t, csp, "unsafe-inline", path)
		assert.NotContains(t, csp, "script-src", path)
		assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"), path)
		assert.Equal(t, "no-referrer", resp.Header.Get("Referrer-Policy"), path)
		assert.NotContains(t, resp.Body, "<script", path)
		assert.NotContains(t, resp.Body, " style=", path)
	}

	login := func(host string, cookie string) *http.Cookie {
		req, err := http.NewRequest("POST", ta.Srv.URL+"/login/demo", strings.NewReader("persona=guardian"))
		require.NoError(t, err)
		req.Host = host
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		resp, err := webtest.NoRedirect.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		for _, c := range resp.Cookies() {
			if c.Name == web.SessionCookie {
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
	again := login("localhost:8080", web.SessionCookie+"="+c.Value)
	assert.NotEqual(t, c.Value, again.Value)
	old := ta.Do(t, web.SessionCookie+"="+c.Value, "GET", "/api/v1/me", "", "")
	assert.Equal(t, http.StatusUnauthorized, old.Status, "the old session is gone")
	now := ta.Do(t, web.SessionCookie+"="+again.Value, "GET", "/api/v1/me", "", "")
	assert.Equal(t, http.StatusOK, now.Status)

	// Logout ends the session.
	resp := ta.Do(t, web.SessionCookie+"="+again.Value, "POST", "/logout", "application/x-www-form-urlencoded", "")
	assert.Equal(t, http.StatusSeeOther, resp.Status)
	assert.Equal(t, http.StatusUnauthorized, ta.Do(t, web.SessionCookie+"="+again.Value, "GET", "/api/v1/me", "", "").Status)
}

// Unsafe cross-origin requests from a browser are refused.
func TestCrossOriginProtection(t *testing.T) {
	ta := webtest.New(t)
	cookie := ta.CookieFor(t, demo.PersonaCaseworker)
	body := `{"givenName":"Kryss","familyName":"Opprinnelse","birthDate":"2022-02-02"}`
	resp := ta.Do(t, cookie, "POST", "/api/v1/children", "application/json", body, "Sec-Fetch-Site", "cross-site")
	assert.Equal(t, http.StatusForbidden, resp.Status)
	resp = ta.Do(t, cookie, "POST", "/logout", "application/x-www-form-urlencoded", "", "Origin", "https://evil.example")
	assert.Equal(t, http.StatusForbidden, resp.Status)
	assert.Equal(t, http.StatusOK, ta.Do(t, cookie, "GET", "/api/v1/me", "", "").Status, "still logged in")
	resp = ta.Do(t, cookie, "POST", "/api/v1/children", "application/json", body, "Sec-Fetch-Site", "same-origin")
	assert.Equal(t, http.StatusCreated, resp.Status)
	// Safe methods are always allowed.
	resp = ta.Do(t, cookie, "GET", "/api/v1/me", "", "", "Sec-Fetch-Site", "cross-site")
	assert.Equal(t, http.StatusOK, resp.Status)
}

// Login attempts are limited per client.
func TestLoginRateLimit(t *testing.T) {
	ta := webtest.New(t)
	ta.App.LoginLimiter = web.NewLimiter(5, 60e9)
	var statuses []int
	for range 7 {
		statuses = append(statuses, ta.Do(t, "", "POST", "/login/demo", "application/x-www-form-urlencoded", "persona=nobody").Status)
	}
	assert.Equal(t, []int{422, 422, 422, 422, 422, 429, 429}, statuses)
	assert.Equal(t, http.StatusTooManyRequests, ta.Do(t, "", "GET", "/login/test", "", "").Status, "the same limit covers OIDC")

	// Behind a proxy, each client has its own count.
	ta.App.ClientIPHeader = "X-Forwarded-For"
	for range 5 {
		assert.Equal(t, 422, ta.Do(t, "", "POST", "/login/demo", "application/x-www-form-urlencoded", "persona=nobody", "X-Forwarded-For", "203.0.113.9, 198.51.100.7").Status)
	}
	assert.Equal(t, 429, ta.Do(t, "", "POST", "/login/demo", "application/x-www-form-urlencoded", "persona=nobody", "X-Forwarded-For", "203.0.113.9, 198.51.100.7").Status)
	assert.Equal(t, 422, ta.Do(t, "", "POST", "/login/demo", "application/x-www-form-urlencoded", "persona=nobody", "X-Forwarded-For", "198.51.100.8").Status, "another client")
}

// The demo login exists only in demo mode.
func TestDemoLoginOnlyInDemoMode(t *testing.T) {
	ta := webtest.New(t)
	page := ta.Do(t, "", "GET", "/login", "", "")
	assert.Contains(t, page.Body, "Demoinnlogging")
	assert.Contains(t, page.Body, "Tor Ødegård")
	ta.App.Demo = false
	page = ta.Do(t, "", "GET", "/login", "", "")
	assert.NotContains(t, page.Body, "Demoinnlogging")
	assert.NotContains(t, page.Body, "persona")
	resp := ta.Do(t, "", "POST", "/login/demo", "application/x-www-form-urlencoded", "persona=guardian")
	assert.Equal(t, http.StatusNotFound, resp.Status)
	assert.Empty(t, resp.Header.Values("Set-Cookie"))
	resp = ta.Do(t, "", "GET", "/", "", "")
	assert.Equal(t, http.StatusSeeOther, resp.Status, "no demo front page")
	assert.Equal(t, "/login", resp.Header.Get("Location"))
}

// /readyz turns 503 as soon as shutdown begins; /healthz stays up.
func TestReadyzDuringShutdown(t *testing.T) {
	ta := webtest.New(t)
	assert.Equal(t, http.StatusOK, ta.Do(t, "", "GET", "/readyz", "", "").Status)
	ta.App.ShuttingDown.Store(true)
	resp := ta.Do(t, "", "GET", "/readyz", "", "")
	assert.Equal(t, http.StatusServiceUnavailable, resp.Status)
	assert.JSONEq(t, `{"status":"shutting down"}`, resp.Body)
	assert.Equal(t, http.StatusOK, ta.Do(t, "", "GET", "/healthz", "", "").Status)
}

// The user chooses nb, nn or en; the page follows, lang attribute
// included.
func TestLanguages(t *testing.T) {
	ta := webtest.New(t)
	cookie := ta.CookieFor(t, demo.PersonaGuardian)
	want := map[string]string{"nb": "Mine barn", "nn": "Borna mine", "en": "My children"}
	for lang, heading := range want {
		resp := ta.Do(t, cookie, "POST", "/language", "application/x-www-form-urlencoded", "lang="+lang+"&return=/guardian")
		require.Equal(t, http.StatusSeeOther, resp.Status)
		assert.Equal(t, "/guardian", resp.Header.Get("Location"))
		var langCookieValue string
		for _, c := range (&http.Response{Header: resp.Header}).Cookies() {
			if c.Name == web.LangCookie {
				langCookieValue = c.Value
			}
		}
		require.Equal(t, lang, langCookieValue)
		page := ta.Do(t, cookie+"; "+web.LangCookie+"="+lang, "GET", "/guardian", "", "")
		assert.Contains(t, page.Body, `<html lang="`+lang+`">`)
		assert.Contains(t, page.Body, "<h1>"+heading+"</h1>")
		assert.NotContains(t, page.Body, "[", "no missing message key shows")
	}
	resp := ta.Do(t, "", "POST", "/language", "application/x-www-form-urlencoded", "lang=de&return=/")
	assert.Equal(t, 422, resp.Status)
	resp = ta.Do(t, "", "POST", "/language", "application/x-www-form-urlencoded", "lang=en&return=//evil.example/")
	assert.Equal(t, "/", resp.Header.Get("Location"), "no open redirect")
}

// Every catalog has the same keys, and every key the templates use.
func TestMessageCatalogsAreComplete(t *testing.T) {
	ta := webtest.New(t)
	catalogs := ta.App.Catalogs
	for _, lang := range web.Languages[1:] {
		for key := range catalogs["nb"] {
			assert.Contains(t, catalogs[lang], key, lang)
		}
		assert.Len(t, catalogs[lang], len(catalogs["nb"]), lang)
	}
	used := regexp.MustCompile(`\.T "([\w.-]+)"`)
	for _, fsys := range ta.App.PageFiles {
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
	for _, p := range []string{demo.PersonaGuardian, demo.PersonaSecondParent, demo.PersonaOtherParent, demo.PersonaProtected, demo.PersonaProtected47, demo.PersonaOtherGuardian, demo.PersonaStaff, demo.PersonaOtherStaff, demo.PersonaCaseworker, demo.PersonaAdmin, demo.PersonaOtherMunicipality} {
		assert.Contains(t, catalogs["nb"], "persona."+p)
	}
}

// Every page has the landmarks and a skip link, in every language.
func TestPagesAreAccessibleByStructure(t *testing.T) {
	ta := webtest.New(t)
	pages := map[string]string{
		"/": "", "/login": "", "/guardian": demo.PersonaGuardian, "/staff": demo.PersonaStaff,
		"/caseworker": demo.PersonaCaseworker, "/admin/audit": demo.PersonaAdmin, "/children/" + ta.Sofie.String(): demo.PersonaGuardian,
	}
	for path, persona := range pages {
		for _, lang := range web.Languages {
			cookie := web.LangCookie + "=" + lang
			if persona != "" {
				cookie += "; " + ta.CookieFor(t, persona)
			}
			resp := ta.Do(t, cookie, "GET", path, "", "")
			if path == "/" && persona == "" {
				require.Equal(t, 200, resp.Status)
			}
			require.Equal(t, 200, resp.Status, path)
			for _, want := range []string{`<html lang="` + lang + `">`, `class="skip" href="#innhold"`, `<main id="innhold"`, "<header>", "<footer>", `<label for="lang">`, "<h1>", "<title>"} {
				assert.Contains(t, resp.Body, want, "%s in %s", path, lang)
			}
		}
	}
	var v map[string]any
	resp := ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", "/api/v1/me", "", "")
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &v))
	assert.Equal(t, true, v["demo"])
}

func TestSessionExpiry(t *testing.T) {
	ta := webtest.New(t)
	ta.App.Sessions.Lifetime = 100 * time.Hour // the sliding expiry alone
	ctx := t.Context()
	p := ta.Personas[demo.PersonaStaff]
	start := time.Now()
	value, err := ta.App.Sessions.Create(ctx, web.Session{Actor: p.Actor, Name: p.Name}, start)
	require.NoError(t, err)
	s, ok, err := ta.App.Sessions.Get(ctx, value, start.Add(web.SessionTTL/4))
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, p.Actor, s.Actor)
	assert.True(t, s.Expires.Equal(start.Add(web.SessionTTL)), "not extended before half its time")
	s, ok, err = ta.App.Sessions.Get(ctx, value, start.Add(web.SessionTTL*3/4))
	require.NoError(t, err)
	require.True(t, ok)
	assert.True(t, s.Expires.Equal(start.Add(web.SessionTTL*7/4)), "extended after")
	_, ok, err = ta.App.Sessions.Get(ctx, value, start.Add(2*web.SessionTTL))
	require.NoError(t, err)
	assert.False(t, ok, "expired")
	for _, bad := range []string{"", "x", "9999.", "abcd.token", value + "x"} {
		_, ok, err := ta.App.Sessions.Get(ctx, bad, start)
		require.NoError(t, err)
		assert.False(t, ok, bad)
	}
}

// The sweep removes expired sessions and old idempotent responses.
func TestSweep(t *testing.T) {
	ta := webtest.New(t)
	ctx := t.Context()
	p := ta.Personas[demo.PersonaCaseworker]
	fresh := ta.CookieFor(t, demo.PersonaCaseworker)
	old, err := ta.App.Sessions.Create(ctx, web.Session{Actor: p.Actor, Name: p.Name}, time.Now().Add(-2*web.SessionTTL))
	require.NoError(t, err)
	m, token, _ := web.SplitCookie(old)
	_, err = ta.Store.Session(ctx, m, web.TokenKey(token))
	require.NoError(t, err, "kept until swept")
	require.NoError(t, ta.Store.SaveIdempotent(ctx, domain.IdempotentResponse{Municipality: demo.Municipality, Subject: "s", Key: "old",
		Fingerprint: "f", Status: 201, Created: time.Now().Add(-2 * web.IdempotencyKeep)}))
	require.NoError(t, ta.Store.SaveIdempotent(ctx, domain.IdempotentResponse{Municipality: demo.Municipality, Subject: "s", Key: "new",
		Fingerprint: "f", Status: 201, Created: time.Now()}))

	ta.App.Sweep(ctx)

	_, err = ta.Store.Session(ctx, m, web.TokenKey(token))
	assert.ErrorIs(t, err, domain.ErrNotFound)
	assert.Equal(t, http.StatusOK, ta.Do(t, fresh, "GET", "/api/v1/me", "", "").Status)
	_, err = ta.Store.Idempotent(ctx, demo.Municipality, "s", "old")
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = ta.Store.Idempotent(ctx, demo.Municipality, "s", "new")
	assert.NoError(t, err)
}
