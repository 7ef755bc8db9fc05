package web_test

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/oidc"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// browser is a client with a cookie jar that follows redirects.
func browser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &http.Client{Jar: jar, Timeout: 10 * time.Second}
}

// visit gets the URL with the client and reads the answer.
func visit(t *testing.T, b *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := b.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(body)
}

// testClock is the wall clock a provider checks tokens and paces fetches
// by, moved forward by the test.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

func (c *testClock) advance(d time.Duration) { c.offset.Add(int64(d)) }

// withClock makes the app's provider name check tokens by the clock.
func withClock(t *testing.T, ta *webtest.Harness, name string) *testClock {
	t.Helper()
	p, ok := ta.App.Providers[name].IDP.(*oidc.Provider)
	require.True(t, ok, name)
	c := &testClock{}
	p.Now = c.now
	return c
}

// idportenConfig is the app's configuration of the provider as ID-porten.
func idportenConfig(ta *webtest.Harness, idp *webtest.TestIDP) *oidc.Config {
	return &oidc.Config{Issuer: idp.Url, ClientID: idp.ClientID, ClientSecret: idp.ClientSecret,
		RedirectURL: ta.Srv.URL + "/login/idporten/callback", PostLogoutURL: ta.Srv.URL + "/logout/callback",
		Scopes: []string{"profile"}, ACRValues: "idporten-loa-substantial", AcceptACR: web.IDPortenACR, Claims: []string{"pid"}}
}

// feideConfig is the app's configuration of the provider as Feide, with a
// staff list holding Kari Lærer (kari@nordby.example) at the staff
// persona's units.
func feideConfig(t *testing.T, ta *webtest.Harness, idp *webtest.TestIDP) (*oidc.Config, string) {
	staff := ta.Personas[demo.PersonaStaff].Actor
	list, err := json.Marshal([]web.StaffEntry{{Principal: "kari@nordby.example", Municipality: demo.Municipality, Role: domain.RoleStaff, Name: "Kari Lærer", Units: staff.Units}})
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "staff.json")
	require.NoError(t, os.WriteFile(file, list, 0o600))
	return &oidc.Config{Issuer: idp.Url, ClientID: idp.ClientID, ClientSecret: idp.ClientSecret,
		RedirectURL: ta.Srv.URL + "/login/feide/callback", PostLogoutURL: ta.Srv.URL + "/logout/callback",
		Scopes: []string{"userid-feide", "email"}, Claims: oidc.FeideClaims}, file
}

func TestIDPortenLogin(t *testing.T) {
	ta := webtest.New(t)
	idp := webtest.NewTestIDP(t)
	ctx := context.Background()
	require.NoError(t, ta.App.ConfigureLogin(ctx, web.LoginConfig{
		Municipalities: []domain.Municipality{demo.Neighbour, demo.Municipality},
		IDPorten:       idportenConfig(ta, idp),
	}))
	guardian, err := ta.Store.Guardian(ctx, demo.Municipality, ta.Personas[demo.PersonaGuardian].Actor.Guardian)
	require.NoError(t, err)

	login := func() (*http.Response, string) { return visit(t, browser(t), ta.Srv.URL+"/login/idporten") }
	reset := func(p *webtest.TestIDP) {
		p.Claims = map[string]any{"pid": guardian.NationalID.String(), "acr": "idporten-loa-high"}
		p.SignRogue, p.WrongNonce, p.Audience, p.Expired, p.NotBefore = false, false, nil, false, 0
	}

	for _, acr := range web.IDPortenACR {
		idp.Set(func(p *webtest.TestIDP) { reset(p); p.Claims["acr"] = acr })
		resp, body := login()
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		assert.Equal(t, "/guardian", resp.Request.URL.Path, acr)
		assert.Contains(t, body, "Logget inn som Hilde Berg")
		assert.Contains(t, body, "Sofie Berg")
		assert.NotContains(t, body, "demo-banner", "a real login is not labelled demo")
	}

	accepted := map[string]func(p *webtest.TestIDP){
		"several audiences, we are the authorized party": func(p *webtest.TestIDP) {
			p.Audience = []string{"another-api", p.ClientID}
			p.Claims["azp"] = p.ClientID
		},
		"one audience, we are the authorized party": func(p *webtest.TestIDP) { p.Claims["azp"] = p.ClientID },
		"valid from within the clock skew":          func(p *webtest.TestIDP) { p.NotBefore = 30 * time.Second },
		"valid from before now":                     func(p *webtest.TestIDP) { p.NotBefore = -time.Minute },
	}
	for name, change := range accepted {
		idp.Set(func(p *webtest.TestIDP) { reset(p); change(p) })
		resp, body := login()
		assert.Equal(t, http.StatusOK, resp.StatusCode, name)
		assert.Contains(t, body, "Sofie Berg", name)
	}

	refused := map[string]func(p *webtest.TestIDP){
		"low level of assurance": func(p *webtest.TestIDP) { p.Claims["acr"] = "idporten-loa-low" },
		"no acr":                 func(p *webtest.TestIDP) { delete(p.Claims, "acr") },
		"rogue signature":        func(p *webtest.TestIDP) { p.SignRogue = true },
		"wrong nonce":            func(p *webtest.TestIDP) { p.WrongNonce = true },
		"other audience":         func(p *webtest.TestIDP) { p.Audience = "someone-else" },
		"expired":                func(p *webtest.TestIDP) { p.Expired = true },
		"no pid":                 func(p *webtest.TestIDP) { delete(p.Claims, "pid") },
		// Several audiences: the token must say it was issued for us.
		"several audiences, no azp": func(p *webtest.TestIDP) { p.Audience = []string{p.ClientID, "another-client"} },
		"several audiences, azp is the other client": func(p *webtest.TestIDP) {
			p.Audience = []string{p.ClientID, "another-client"}
			p.Claims["azp"] = "another-client"
		},
		"azp is another client": func(p *webtest.TestIDP) { p.Claims["azp"] = "another-client" },
		"not valid yet (nbf)":   func(p *webtest.TestIDP) { p.NotBefore = 5 * time.Minute },
	}
	for name, breakIt := range refused {
		idp.Set(func(p *webtest.TestIDP) { reset(p); breakIt(p) })
		resp, body := login()
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, name)
		assert.NotContains(t, body, "Sofie", name)
	}

	// A person the municipality does not know.
	idp.Set(func(p *webtest.TestIDP) { reset(p); p.Claims["pid"] = "15897000011" })
	stranger, err := domain.SyntheticNationalID(guardian.NationalID.BirthDate(), 990)
	if err == nil {
		idp.Set(func(p *webtest.TestIDP) { p.Claims["pid"] = stranger.String() })
	}
	resp, _ := login()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)

	// A callback whose state was not started in this browser.
	resp2 := ta.Do(t, "", "GET", "/login/idporten/callback?code=x&state=forged", "", "")
	assert.Equal(t, http.StatusBadRequest, resp2.Status)
}

// The PKCE verifier is what redeems the code: another verifier is refused
// by the provider.
func TestOIDCExchangeNeedsTheVerifier(t *testing.T) {
	idp := webtest.NewTestIDP(t)
	ctx := context.Background()
	p := oidc.NewOIDCProvider(oidc.Config{Issuer: idp.Url, ClientID: idp.ClientID, ClientSecret: idp.ClientSecret,
		RedirectURL: "http://127.0.0.1/cb", Claims: []string{"pid"}}, http.DefaultClient, time.Now)
	to, err := p.AuthCodeURL(ctx, "s", "n", "the-verifier")
	require.NoError(t, err)
	u, err := url.Parse(to)
	require.NoError(t, err)
	assert.Equal(t, oidc.PKCEChallenge("the-verifier"), u.Query().Get("code_challenge"))
	assert.Equal(t, "S256", u.Query().Get("code_challenge_method"))
	resp, err := webtest.NoRedirect.Get(u.String())
	require.NoError(t, err)
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	idp.Set(func(p *webtest.TestIDP) { p.Claims = map[string]any{"pid": "x"} })
	_, err = p.Exchange(ctx, loc.Query().Get("code"), "another-verifier", "n")
	assert.ErrorContains(t, err, "400")
	assert.NotErrorIs(t, err, oidc.ErrUnavailable, "a refused code is no outage")

	other := oidc.NewOIDCProvider(oidc.Config{Issuer: idp.Url + "/"}, http.DefaultClient, time.Now)
	_, err = other.AuthCodeURL(ctx, "s", "n", "v")
	assert.ErrorContains(t, err, "issuer", "discovery of an issuer that does not match")

	// Endpoints end up in redirects and a Refresh header: http(s) only.
	var odd *httptest.Server
	odd = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{"issuer": odd.URL, "authorization_endpoint": odd.URL + "/a",
			"token_endpoint": odd.URL + "/t", "jwks_uri": odd.URL + "/j", "end_session_endpoint": "javascript:alert(1)"})
	}))
	defer odd.Close()
	_, err = oidc.NewOIDCProvider(oidc.Config{Issuer: odd.URL}, http.DefaultClient, time.Now).AuthCodeURL(ctx, "s", "n", "v")
	assert.ErrorContains(t, err, "is not an http(s) URL")
}

// Feide issues the principal name as
// https://n.feide.no/claims/eduPersonPrincipalName, and its ID token holds
// only the minimum: the name comes from userinfo.
func TestFeideLogin(t *testing.T) {
	ta := webtest.New(t)
	idp := webtest.NewTestIDP(t)
	feide, staffFile := feideConfig(t, ta, idp)
	require.NoError(t, ta.App.ConfigureLogin(context.Background(), web.LoginConfig{
		Municipalities: []domain.Municipality{demo.Municipality}, FeideStaff: staffFile, Feide: feide}))
	login := func(idToken, userinfo map[string]any) (*http.Response, string) {
		idp.Set(func(p *webtest.TestIDP) { p.Claims, p.Userinfo = idToken, userinfo })
		return visit(t, browser(t), ta.Srv.URL+"/login/feide")
	}
	asKari := func(name string, resp *http.Response, body string) {
		t.Helper()
		require.Equal(t, http.StatusOK, resp.StatusCode, name+": "+body)
		assert.Equal(t, "/staff", resp.Request.URL.Path, name)
		assert.Contains(t, body, "Logget inn som Kari Lærer", name)
		assert.Contains(t, body, "Sofie Berg", name+": Sofie is on the Nordby rosters")
	}

	// As Feide does it: a minimal ID token, the Feide name from userinfo.
	_, _, _, before := idp.Counts()
	resp, body := login(nil, map[string]any{oidc.FeidePrincipal: "kari@nordby.example", "name": "Kari Lærer",
		"email": "kari.laerer@nordby.example", "email_verified": false})
	asKari("Feide name from userinfo", resp, body)
	_, _, _, after := idp.Counts()
	assert.Equal(t, before+1, after, "userinfo was asked")

	// The Feide name in the ID token: userinfo is not needed.
	resp, body = login(map[string]any{oidc.FeidePrincipal: "kari@nordby.example"}, nil)
	asKari("Feide name in the ID token", resp, body)
	_, _, _, again := idp.Counts()
	assert.Equal(t, after, again, "userinfo was not asked")

	// The bare name, as the code has always read, still counts.
	resp, body = login(map[string]any{"eduPersonPrincipalName": "kari@nordby.example"}, nil)
	asKari("bare eduPersonPrincipalName", resp, body)

	refused := map[string][2]map[string]any{
		// Userinfo about someone else is not about this login.
		"userinfo of another subject": {nil, {"sub": "subject-2", oidc.FeidePrincipal: "kari@nordby.example"}},
		// Feide does not verify e-mail addresses: an address is no identity.
		"an unverified e-mail only": {nil, {"email": "kari@nordby.example", "email_verified": false}},
		"no principal at all":       {nil, {"name": "Kari Lærer"}},
	}
	for name, claims := range refused {
		resp, body := login(claims[0], claims[1])
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, name)
		assert.NotContains(t, body, "Sofie", name)
	}

	resp, _ = login(nil, map[string]any{oidc.FeidePrincipal: "ukjent@nordby.example"})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "not on the staff list")
}

// refreshURL is where a Refresh header ("0; url=...") sends the browser.
func refreshURL(t *testing.T, h http.Header) string {
	t.Helper()
	v := h.Get("Refresh")
	delay, u, ok := strings.Cut(v, ";")
	require.True(t, ok, "Refresh: %q", v)
	assert.Equal(t, "0", strings.TrimSpace(delay))
	u = strings.TrimSpace(u)
	require.True(t, strings.HasPrefix(u, "url="), "Refresh: %q", v)
	return strings.TrimPrefix(u, "url=")
}

var logoutLink = regexp.MustCompile(`<a (?:class="[^"]*" )?id="logout-at-provider" href="([^"]+)"`)

// Logging out of a session from ID-porten ends the session at ID-porten
// too (RP-Initiated Logout), so the next login on a shared computer asks
// who is there; a demo session ends here only.
func TestOIDCLogoutAtProvider(t *testing.T) {
	ta := webtest.New(t)
	idp := webtest.NewTestIDP(t)
	idp.PostLogout = ta.Srv.URL + "/logout/callback"
	ctx := context.Background()
	require.NoError(t, ta.App.ConfigureLogin(ctx, web.LoginConfig{
		Municipalities: []domain.Municipality{demo.Municipality}, IDPorten: idportenConfig(ta, idp)}))
	guardian, err := ta.Store.Guardian(ctx, demo.Municipality, ta.Personas[demo.PersonaGuardian].Actor.Guardian)
	require.NoError(t, err)
	idp.Set(func(p *webtest.TestIDP) {
		p.Claims = map[string]any{"pid": guardian.NationalID.String(), "acr": "idporten-loa-high"}
	})

	// The family computer: one browser.
	b := browser(t)
	resp, body := visit(t, b, ta.Srv.URL+"/login/idporten")
	require.Equal(t, "/guardian", resp.Request.URL.Path, body)
	interactive, silent, _, _ := idp.Counts()
	require.Equal(t, [2]int{1, 0}, [2]int{interactive, silent})
	var issuedToken string
	idp.Set(func(p *webtest.TestIDP) {
		for tok := range p.IdTokens {
			issuedToken = tok
		}
	})

	// Log out with the header's form: POST /logout, answered by a page of
	// this app (form-action 'self' holds) that sends the browser on.
	out, err := (&http.Client{Jar: b.Jar, CheckRedirect: webtest.NoRedirect.CheckRedirect}).PostForm(ta.Srv.URL+"/logout", nil)
	require.NoError(t, err)
	page, _ := io.ReadAll(out.Body)
	out.Body.Close()
	require.Equal(t, http.StatusOK, out.StatusCode, "a page of this app, not a cross-origin redirect: %s", page)
	assert.Contains(t, out.Header.Get("Content-Security-Policy"), "form-action 'self'", "the CSP is not loosened")
	to := refreshURL(t, out.Header)
	assert.True(t, strings.HasPrefix(to, idp.Url+"/logout?"), to)
	link := logoutLink.FindStringSubmatch(string(page))
	require.NotNil(t, link, "a link for a browser that does not follow Refresh: %s", page)
	assert.Equal(t, to, html.UnescapeString(link[1]))
	assert.Contains(t, string(page), "Du er logget ut av Oppvekst. Nå logger vi deg ut av ID-porten også.")
	assert.NotContains(t, string(page), "Hilde Berg", "the page is logged out")
	me, err := b.Get(ta.Srv.URL + "/api/v1/me")
	require.NoError(t, err)
	me.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, me.StatusCode, "the session here is gone")

	// The provider: id_token_hint, post_logout_redirect_uri, state.
	resp, body = visit(t, b, to)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "/logout/callback", resp.Request.URL.Path)
	assert.Contains(t, body, "Du er logget ut av Oppvekst og ID-porten.")
	idp.Mu.Lock()
	require.Len(t, idp.Logouts, 1)
	asked := idp.Logouts[0]
	idp.Mu.Unlock()
	assert.Equal(t, issuedToken, asked.Get("id_token_hint"), "the ID token of the login")
	assert.Equal(t, ta.Srv.URL+"/logout/callback", asked.Get("post_logout_redirect_uri"))
	assert.Equal(t, idp.ClientID, asked.Get("client_id"))
	assert.Equal(t, "nb", asked.Get("ui_locales"))
	assert.NotEmpty(t, asked.Get("state"))

	// The next person at the computer is asked who they are.
	resp, _ = visit(t, b, ta.Srv.URL+"/login/idporten")
	assert.Equal(t, "/guardian", resp.Request.URL.Path)
	interactive, silent, _, _ = idp.Counts()
	assert.Equal(t, [2]int{2, 0}, [2]int{interactive, silent}, "logged in again only by asking, not by the provider's old session")

	// A callback this browser did not start claims no logout.
	for _, cookie := range []string{"", web.LogoutCookie + "=idporten.the-state"} {
		forged := ta.Do(t, cookie, "GET", "/logout/callback?state=another", "", "")
		assert.Equal(t, http.StatusSeeOther, forged.Status, cookie)
		assert.Equal(t, "/", forged.Header.Get("Location"))
	}

	// A demo session ends here only.
	demo := ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "POST", "/logout", "application/x-www-form-urlencoded", "")
	assert.Equal(t, http.StatusSeeOther, demo.Status)
	assert.Equal(t, "/", demo.Header.Get("Location"))
	assert.Empty(t, demo.Header.Get("Refresh"))
}

// A session from a provider that cannot be reached at logout still ends
// here, and the page tells the user to close the browser.
func TestOIDCLogoutWhileProviderIsDown(t *testing.T) {
	ta := webtest.New(t)
	down := webtest.NewLateIDP(t)
	require.NoError(t, ta.App.ConfigureLogin(context.Background(), web.LoginConfig{
		Municipalities: []domain.Municipality{demo.Municipality}, IDPorten: idportenConfig(ta, down)}))
	p := ta.Personas[demo.PersonaGuardian]
	for lang, want := range map[string]string{
		"nb": "men vi fikk ikke logget deg ut av ID-porten. Lukk nettleseren",
		"nn": "men vi fekk ikkje logga deg ut av ID-porten. Lukk nettlesaren",
		"en": "but we could not log you out of ID-porten. Close the browser",
	} {
		value, err := ta.App.Sessions.Create(t.Context(), web.Session{Actor: p.Actor, Name: p.Name, Provider: "idporten", IdToken: "a.b.c"}, time.Now())
		require.NoError(t, err)
		cookie := web.SessionCookie + "=" + value
		resp := ta.Do(t, cookie+"; "+web.LangCookie+"="+lang, "POST", "/logout", "application/x-www-form-urlencoded", "")
		assert.Equal(t, http.StatusOK, resp.Status, lang)
		assert.Contains(t, resp.Body, want, lang)
		assert.Empty(t, resp.Header.Get("Refresh"), lang)
		assert.Equal(t, http.StatusUnauthorized, ta.Do(t, cookie, "GET", "/api/v1/me", "", "").Status, "the session here is gone")
	}
}

// A provider that is down when the app starts takes down its own login
// only, with a 503 page in the user's language, and only until it is back.
func TestOIDCProviderStartsLate(t *testing.T) {
	ta := webtest.New(t)
	late := webtest.NewLateIDP(t)
	feideIDP := webtest.NewTestIDP(t)
	feide, staffFile := feideConfig(t, ta, feideIDP)
	require.NoError(t, ta.App.ConfigureLogin(context.Background(), web.LoginConfig{
		Municipalities: []domain.Municipality{demo.Municipality}, FeideStaff: staffFile,
		IDPorten: idportenConfig(ta, late), Feide: feide}), "the app starts while ID-porten is down")
	clock := withClock(t, ta, "idporten")

	for lang, want := range map[string]string{
		"nb": "Innloggingen svarer ikke akkurat nå",
		"nn": "Innlogginga svarar ikkje akkurat no",
		"en": "Login is not answering right now",
	} {
		resp := ta.Do(t, web.LangCookie+"="+lang, "GET", "/login/idporten", "", "")
		assert.Equal(t, http.StatusServiceUnavailable, resp.Status, lang)
		assert.Equal(t, "10", resp.Header.Get("Retry-After"), lang)
		assert.Contains(t, resp.Body, want, lang)
		assert.Contains(t, resp.Body, `<html lang="`+lang+`">`)
	}

	// Feide works meanwhile.
	feideIDP.Set(func(p *webtest.TestIDP) { p.Userinfo = map[string]any{oidc.FeidePrincipal: "kari@nordby.example"} })
	resp, body := visit(t, browser(t), ta.Srv.URL+"/login/feide")
	assert.Equal(t, "/staff", resp.Request.URL.Path, body)

	// ID-porten comes up; the next login after the retry time finds it.
	late.Start(t)
	clock.advance(oidc.DiscoveryRetry + time.Second)
	guardian, err := ta.Store.Guardian(t.Context(), demo.Municipality, ta.Personas[demo.PersonaGuardian].Actor.Guardian)
	require.NoError(t, err)
	late.Set(func(p *webtest.TestIDP) {
		p.Claims = map[string]any{"pid": guardian.NationalID.String(), "acr": "idporten-loa-high"}
	})
	resp, body = visit(t, browser(t), ta.Srv.URL+"/login/idporten")
	assert.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "/guardian", resp.Request.URL.Path)
	assert.Contains(t, body, "Sofie Berg")
}

// A provider that rotates its signing key, even under the same kid, is
// followed: the keys are fetched again when a signature does not verify,
// but not more often than every oidc.JwksRefetch.
func TestOIDCKeyRotation(t *testing.T) {
	ta := webtest.New(t)
	idp := webtest.NewTestIDP(t)
	feide, staffFile := feideConfig(t, ta, idp)
	require.NoError(t, ta.App.ConfigureLogin(context.Background(), web.LoginConfig{
		Municipalities: []domain.Municipality{demo.Municipality}, FeideStaff: staffFile, Feide: feide}))
	clock := withClock(t, ta, "feide")
	idp.Set(func(p *webtest.TestIDP) { p.Claims = map[string]any{oidc.FeidePrincipal: "kari@nordby.example"} })
	login := func() int {
		resp, _ := visit(t, browser(t), ta.Srv.URL+"/login/feide")
		return resp.StatusCode
	}
	jwks := func() int { _, _, n, _ := idp.Counts(); return n }

	require.Equal(t, http.StatusOK, login())
	require.Equal(t, 1, jwks())
	require.Equal(t, http.StatusOK, login())
	assert.Equal(t, 1, jwks(), "the key is cached")

	idp.Rotate()
	clock.advance(oidc.JwksRefetch + time.Second)
	assert.Equal(t, http.StatusOK, login(), "a new key under the same kid")
	assert.Equal(t, 2, jwks())

	// Tokens that verify with no key of the provider: the keys are fetched
	// again at most every oidc.JwksRefetch.
	idp.Set(func(p *webtest.TestIDP) { p.SignRogue = true })
	for range 5 {
		assert.Equal(t, http.StatusUnauthorized, login())
	}
	assert.Equal(t, 2, jwks(), "not again within jwksRefetch")
	clock.advance(oidc.JwksRefetch + time.Second)
	for range 5 {
		assert.Equal(t, http.StatusUnauthorized, login())
	}
	assert.Equal(t, 3, jwks(), "once more after jwksRefetch")

	// A new kid is fetched as well.
	idp.Set(func(p *webtest.TestIDP) { p.SignRogue, p.Kid, p.Key = false, "k2", webtest.IdpKeys[0] })
	clock.advance(oidc.JwksRefetch + time.Second)
	assert.Equal(t, http.StatusOK, login(), "a new kid")
}
