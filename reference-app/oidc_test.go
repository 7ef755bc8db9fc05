package main

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

// testIDP is a small OpenID Connect provider playing ID-porten or Feide:
// discovery, authorize (which logs the configured person in at once, and
// keeps a single sign-on session in a cookie of its own), token (which
// checks the PKCE verifier and the client), userinfo (with the access
// token), JWKS and end_session (RP-Initiated Logout: it checks the
// id_token_hint and the registered post_logout_redirect_uri, ends the
// single sign-on session and sends the browser back with the state).
//
// Like Feide, it can issue a minimal ID token and the person's claims from
// userinfo only, under Feide's claim names. It may start after the app
// (newLateIDP), and rotate its signing key under the same kid (rotate).
// Knobs make it misbehave.
type testIDP struct {
	url          string // known before it starts
	addr         string
	srv          *httptest.Server
	clientID     string
	clientSecret string
	// postLogout is the registered post_logout_redirect_uri.
	postLogout string

	mu         sync.Mutex
	key, rogue *rsa.PrivateKey
	kid        string
	codes      map[string]issued
	access     map[string]string // access token → sub
	idTokens   map[string]bool   // every ID token issued
	claims     map[string]any    // claims of the ID token, over the standard ones: pid, acr, ...
	userinfo   map[string]any    // claims from userinfo; its sub is the ID token's unless set here
	signRogue  bool              // sign with a key not in the JWKS
	wrongNonce bool
	audience   any // replaces aud: a string or a list
	expired    bool
	notBefore  time.Duration // nbf = now + this, when not zero
	sso        map[string]bool
	// What it was asked: logins that needed the person (no single sign-on
	// session) and logins the session answered without asking.
	interactive, silent                 int
	tokenCalls, jwksCalls, userinfoSeen int
	logouts                             []url.Values
}

type issued struct {
	challenge, nonce, redirect string
}

var (
	idpKeyOnce  sync.Once
	idpKeys     [3]*rsa.PrivateKey
	idpKeyError error
)

const idpSSOCookie = "testidp_sso"

// newTestIDP starts a provider.
func newTestIDP(t *testing.T) *testIDP {
	p := newLateIDP(t)
	p.start(t)
	return p
}

// newLateIDP is a provider whose address is known but which does not
// listen until start: a provider that is down.
func newLateIDP(t *testing.T) *testIDP {
	t.Helper()
	idpKeyOnce.Do(func() {
		for i := range idpKeys {
			if idpKeys[i], idpKeyError = rsa.GenerateKey(rand.Reader, 2048); idpKeyError != nil {
				return
			}
		}
	})
	require.NoError(t, idpKeyError)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return &testIDP{url: "http://" + addr, addr: addr, key: idpKeys[0], rogue: idpKeys[1], kid: "k1",
		clientID: "oppvekst-test", clientSecret: "hemmelig",
		codes: map[string]issued{}, access: map[string]string{}, idTokens: map[string]bool{},
		claims: map[string]any{}, sso: map[string]bool{}}
}

// set changes the provider's knobs between requests.
func (p *testIDP) set(f func(p *testIDP)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f(p)
}

// rotate replaces the signing key, keeping the kid.
func (p *testIDP) rotate() {
	p.set(func(p *testIDP) { p.key = idpKeys[2] })
}

func (p *testIDP) counts() (interactive, silent, jwks, userinfo int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.interactive, p.silent, p.jwksCalls, p.userinfoSeen
}

func (p *testIDP) start(t *testing.T) {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{
			"issuer": p.url, "authorization_endpoint": p.url + "/authorize",
			"token_endpoint": p.url + "/token", "jwks_uri": p.url + "/jwks",
			"userinfo_endpoint": p.url + "/userinfo", "end_session_endpoint": p.url + "/logout",
		})
	})
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("response_type") != "code" || q.Get("client_id") != p.clientID || q.Get("code_challenge_method") != "S256" ||
			q.Get("code_challenge") == "" || q.Get("state") == "" || q.Get("nonce") == "" || !strings.Contains(q.Get("scope"), "openid") {
			http.Error(w, "bad authorization request", http.StatusBadRequest)
			return
		}
		code := randomToken()
		p.mu.Lock()
		if c, err := r.Cookie(idpSSOCookie); err == nil && p.sso[c.Value] {
			p.silent++
		} else {
			// The person logs in (in this provider: at once), and a
			// single sign-on session starts.
			p.interactive++
			id := randomToken()
			p.sso[id] = true
			http.SetCookie(w, &http.Cookie{Name: idpSSOCookie, Value: id, Path: "/", HttpOnly: true})
		}
		p.codes[code] = issued{challenge: q.Get("code_challenge"), nonce: q.Get("nonce"), redirect: q.Get("redirect_uri")}
		p.mu.Unlock()
		http.Redirect(w, r, q.Get("redirect_uri")+"?code="+code+"&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		p.mu.Lock()
		defer p.mu.Unlock()
		p.tokenCalls++
		iss, ok := p.codes[r.PostForm.Get("code")]
		delete(p.codes, r.PostForm.Get("code"))
		if !ok || r.PostForm.Get("grant_type") != "authorization_code" || r.PostForm.Get("redirect_uri") != iss.redirect ||
			r.PostForm.Get("client_id") != p.clientID || r.PostForm.Get("client_secret") != p.clientSecret ||
			pkceChallenge(r.PostForm.Get("code_verifier")) != iss.challenge {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"error":"invalid_grant"}`)
			return
		}
		now := time.Now()
		claims := map[string]any{"iss": p.url, "sub": "subject-1", "aud": p.clientID,
			"iat": now.Unix(), "exp": now.Add(2 * time.Minute).Unix(), "nonce": iss.nonce}
		if p.audience != nil {
			claims["aud"] = p.audience
		}
		if p.expired {
			claims["exp"] = now.Add(-time.Hour).Unix()
		}
		if p.notBefore != 0 {
			claims["nbf"] = now.Add(p.notBefore).Unix()
		}
		if p.wrongNonce {
			claims["nonce"] = "another"
		}
		for k, v := range p.claims {
			claims[k] = v
		}
		key := p.key
		if p.signRogue {
			key = p.rogue
		}
		idToken := signJWT(t, key, p.kid, claims)
		p.idTokens[idToken] = true
		accessToken := randomToken()
		p.access[accessToken] = claims["sub"].(string)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"id_token": idToken, "token_type": "Bearer", "access_token": accessToken})
	})
	mux.HandleFunc("GET /userinfo", func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		sub, ok := p.access[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		p.userinfoSeen++
		info := map[string]any{"sub": sub}
		for k, v := range p.userinfo {
			info[k] = v
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_ = json.NewEncoder(w).Encode(info)
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.jwksCalls++
		pub := p.key.PublicKey
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{{
			"kty": "RSA", "kid": p.kid, "use": "sig", "alg": "RS256",
			"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
			"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
		}}})
	})
	mux.HandleFunc("GET /logout", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		p.mu.Lock()
		defer p.mu.Unlock()
		p.logouts = append(p.logouts, q)
		if !p.idTokens[q.Get("id_token_hint")] || q.Get("post_logout_redirect_uri") != p.postLogout {
			http.Error(w, "unknown id_token_hint or post_logout_redirect_uri", http.StatusBadRequest)
			return
		}
		if c, err := r.Cookie(idpSSOCookie); err == nil {
			delete(p.sso, c.Value)
		}
		http.SetCookie(w, &http.Cookie{Name: idpSSOCookie, Value: "", Path: "/", MaxAge: -1})
		http.Redirect(w, r, q.Get("post_logout_redirect_uri")+"?state="+url.QueryEscape(q.Get("state")), http.StatusFound)
	})
	srv := httptest.NewUnstartedServer(mux)
	var err error
	for range 50 { // the port was free a moment ago; it may take a moment to be free again
		if srv.Listener, err = net.Listen("tcp", p.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	require.NoError(t, err)
	srv.Start()
	p.srv = srv
	t.Cleanup(srv.Close)
}

func signJWT(t *testing.T, key *rsa.PrivateKey, kid string, claims map[string]any) string {
	h, _ := json.Marshal(map[string]string{"alg": "RS256", "kid": kid, "typ": "JWT"})
	c, _ := json.Marshal(claims)
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	require.NoError(t, err)
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

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

func (c *testClock) now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *testClock) advance(d time.Duration) { c.offset.Add(int64(d)) }

// withClock makes the app's provider name check tokens by the clock.
func withClock(t *testing.T, ta *testApp, name string) *testClock {
	t.Helper()
	p, ok := ta.a.providers[name].idp.(*oidcProvider)
	require.True(t, ok, name)
	c := &testClock{}
	p.now = c.now
	return c
}

// idportenConfig is the app's configuration of the provider as ID-porten.
func idportenConfig(ta *testApp, idp *testIDP) *oidcConfig {
	return &oidcConfig{Issuer: idp.url, ClientID: idp.clientID, ClientSecret: idp.clientSecret,
		RedirectURL: ta.srv.URL + "/login/idporten/callback", PostLogoutURL: ta.srv.URL + "/logout/callback",
		Scopes: []string{"profile"}, ACRValues: "idporten-loa-substantial", AcceptACR: idportenACR, Claims: []string{"pid"}}
}

// feideConfig is the app's configuration of the provider as Feide, with a
// staff list holding Kari Lærer (kari@nordby.example) at the staff
// persona's units.
func feideConfig(t *testing.T, ta *testApp, idp *testIDP) (*oidcConfig, string) {
	staff := ta.personas[personaStaff].Actor
	list, err := json.Marshal([]staffEntry{{Principal: "kari@nordby.example", Municipality: demoMunicipality, Role: domain.RoleStaff, Name: "Kari Lærer", Units: staff.Units}})
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "staff.json")
	require.NoError(t, os.WriteFile(file, list, 0o600))
	return &oidcConfig{Issuer: idp.url, ClientID: idp.clientID, ClientSecret: idp.clientSecret,
		RedirectURL: ta.srv.URL + "/login/feide/callback", PostLogoutURL: ta.srv.URL + "/logout/callback",
		Scopes: []string{"userid-feide", "email"}, Claims: feideClaims}, file
}

func TestIDPortenLogin(t *testing.T) {
	ta := newTestApp(t)
	idp := newTestIDP(t)
	ctx := context.Background()
	require.NoError(t, ta.a.configureLogin(ctx, loginConfig{
		municipalities: []domain.Municipality{neighbourMunicipality, demoMunicipality},
		idporten:       idportenConfig(ta, idp),
	}))
	guardian, err := ta.store.Guardian(ctx, demoMunicipality, ta.personas[personaGuardian].Actor.Guardian)
	require.NoError(t, err)

	login := func() (*http.Response, string) { return visit(t, browser(t), ta.srv.URL+"/login/idporten") }
	reset := func(p *testIDP) {
		p.claims = map[string]any{"pid": guardian.NationalID.String(), "acr": "idporten-loa-high"}
		p.signRogue, p.wrongNonce, p.audience, p.expired, p.notBefore = false, false, nil, false, 0
	}

	for _, acr := range idportenACR {
		idp.set(func(p *testIDP) { reset(p); p.claims["acr"] = acr })
		resp, body := login()
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		assert.Equal(t, "/guardian", resp.Request.URL.Path, acr)
		assert.Contains(t, body, "Logget inn som Hilde Berg")
		assert.Contains(t, body, "Sofie Berg")
		assert.NotContains(t, body, "demo-banner", "a real login is not labelled demo")
	}

	accepted := map[string]func(p *testIDP){
		"several audiences, we are the authorized party": func(p *testIDP) {
			p.audience = []string{"another-api", p.clientID}
			p.claims["azp"] = p.clientID
		},
		"one audience, we are the authorized party": func(p *testIDP) { p.claims["azp"] = p.clientID },
		"valid from within the clock skew":          func(p *testIDP) { p.notBefore = 30 * time.Second },
		"valid from before now":                     func(p *testIDP) { p.notBefore = -time.Minute },
	}
	for name, change := range accepted {
		idp.set(func(p *testIDP) { reset(p); change(p) })
		resp, body := login()
		assert.Equal(t, http.StatusOK, resp.StatusCode, name)
		assert.Contains(t, body, "Sofie Berg", name)
	}

	refused := map[string]func(p *testIDP){
		"low level of assurance": func(p *testIDP) { p.claims["acr"] = "idporten-loa-low" },
		"no acr":                 func(p *testIDP) { delete(p.claims, "acr") },
		"rogue signature":        func(p *testIDP) { p.signRogue = true },
		"wrong nonce":            func(p *testIDP) { p.wrongNonce = true },
		"other audience":         func(p *testIDP) { p.audience = "someone-else" },
		"expired":                func(p *testIDP) { p.expired = true },
		"no pid":                 func(p *testIDP) { delete(p.claims, "pid") },
		// Several audiences: the token must say it was issued for us.
		"several audiences, no azp": func(p *testIDP) { p.audience = []string{p.clientID, "another-client"} },
		"several audiences, azp is the other client": func(p *testIDP) {
			p.audience = []string{p.clientID, "another-client"}
			p.claims["azp"] = "another-client"
		},
		"azp is another client": func(p *testIDP) { p.claims["azp"] = "another-client" },
		"not valid yet (nbf)":   func(p *testIDP) { p.notBefore = 5 * time.Minute },
	}
	for name, breakIt := range refused {
		idp.set(func(p *testIDP) { reset(p); breakIt(p) })
		resp, body := login()
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, name)
		assert.NotContains(t, body, "Sofie", name)
	}

	// A person the municipality does not know.
	idp.set(func(p *testIDP) { reset(p); p.claims["pid"] = "15897000011" })
	stranger, err := domain.SyntheticNationalID(guardian.NationalID.BirthDate(), 990)
	if err == nil {
		idp.set(func(p *testIDP) { p.claims["pid"] = stranger.String() })
	}
	resp, _ := login()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)

	// A callback whose state was not started in this browser.
	resp2 := ta.do(t, "", "GET", "/login/idporten/callback?code=x&state=forged", "", "")
	assert.Equal(t, http.StatusBadRequest, resp2.status)
}

// The PKCE verifier is what redeems the code: another verifier is refused
// by the provider.
func TestOIDCExchangeNeedsTheVerifier(t *testing.T) {
	idp := newTestIDP(t)
	ctx := context.Background()
	p := newOIDCProvider(oidcConfig{Issuer: idp.url, ClientID: idp.clientID, ClientSecret: idp.clientSecret,
		RedirectURL: "http://127.0.0.1/cb", Claims: []string{"pid"}}, http.DefaultClient, time.Now)
	to, err := p.AuthCodeURL(ctx, "s", "n", "the-verifier")
	require.NoError(t, err)
	u, err := url.Parse(to)
	require.NoError(t, err)
	assert.Equal(t, pkceChallenge("the-verifier"), u.Query().Get("code_challenge"))
	assert.Equal(t, "S256", u.Query().Get("code_challenge_method"))
	resp, err := noRedirect.Get(u.String())
	require.NoError(t, err)
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	idp.set(func(p *testIDP) { p.claims = map[string]any{"pid": "x"} })
	_, err = p.Exchange(ctx, loc.Query().Get("code"), "another-verifier", "n")
	assert.ErrorContains(t, err, "400")
	assert.NotErrorIs(t, err, errUnavailable, "a refused code is no outage")

	other := newOIDCProvider(oidcConfig{Issuer: idp.url + "/"}, http.DefaultClient, time.Now)
	_, err = other.AuthCodeURL(ctx, "s", "n", "v")
	assert.ErrorContains(t, err, "issuer", "discovery of an issuer that does not match")

	// Endpoints end up in redirects and a Refresh header: http(s) only.
	var odd *httptest.Server
	odd = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{"issuer": odd.URL, "authorization_endpoint": odd.URL + "/a",
			"token_endpoint": odd.URL + "/t", "jwks_uri": odd.URL + "/j", "end_session_endpoint": "javascript:alert(1)"})
	}))
	defer odd.Close()
	_, err = newOIDCProvider(oidcConfig{Issuer: odd.URL}, http.DefaultClient, time.Now).AuthCodeURL(ctx, "s", "n", "v")
	assert.ErrorContains(t, err, "is not an http(s) URL")
}

// Feide issues the principal name as
// https://n.feide.no/claims/eduPersonPrincipalName, and its ID token holds
// only the minimum: the name comes from userinfo.
func TestFeideLogin(t *testing.T) {
	ta := newTestApp(t)
	idp := newTestIDP(t)
	feide, staffFile := feideConfig(t, ta, idp)
	require.NoError(t, ta.a.configureLogin(context.Background(), loginConfig{
		municipalities: []domain.Municipality{demoMunicipality}, feideStaff: staffFile, feide: feide}))
	login := func(idToken, userinfo map[string]any) (*http.Response, string) {
		idp.set(func(p *testIDP) { p.claims, p.userinfo = idToken, userinfo })
		return visit(t, browser(t), ta.srv.URL+"/login/feide")
	}
	asKari := func(name string, resp *http.Response, body string) {
		t.Helper()
		require.Equal(t, http.StatusOK, resp.StatusCode, name+": "+body)
		assert.Equal(t, "/staff", resp.Request.URL.Path, name)
		assert.Contains(t, body, "Logget inn som Kari Lærer", name)
		assert.Contains(t, body, "Sofie Berg", name+": Sofie is on the Nordby rosters")
	}

	// As Feide does it: a minimal ID token, the Feide name from userinfo.
	_, _, _, before := idp.counts()
	resp, body := login(nil, map[string]any{feidePrincipal: "kari@nordby.example", "name": "Kari Lærer",
		"email": "kari.laerer@nordby.example", "email_verified": false})
	asKari("Feide name from userinfo", resp, body)
	_, _, _, after := idp.counts()
	assert.Equal(t, before+1, after, "userinfo was asked")

	// The Feide name in the ID token: userinfo is not needed.
	resp, body = login(map[string]any{feidePrincipal: "kari@nordby.example"}, nil)
	asKari("Feide name in the ID token", resp, body)
	_, _, _, again := idp.counts()
	assert.Equal(t, after, again, "userinfo was not asked")

	// The bare name, as the code has always read, still counts.
	resp, body = login(map[string]any{"eduPersonPrincipalName": "kari@nordby.example"}, nil)
	asKari("bare eduPersonPrincipalName", resp, body)

	refused := map[string][2]map[string]any{
		// Userinfo about someone else is not about this login.
		"userinfo of another subject": {nil, {"sub": "subject-2", feidePrincipal: "kari@nordby.example"}},
		// Feide does not verify e-mail addresses: an address is no identity.
		"an unverified e-mail only": {nil, {"email": "kari@nordby.example", "email_verified": false}},
		"no principal at all":       {nil, {"name": "Kari Lærer"}},
	}
	for name, claims := range refused {
		resp, body := login(claims[0], claims[1])
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, name)
		assert.NotContains(t, body, "Sofie", name)
	}

	resp, _ = login(nil, map[string]any{feidePrincipal: "ukjent@nordby.example"})
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

var logoutLink = regexp.MustCompile(`<a id="logout-at-provider" href="([^"]+)"`)

// Logging out of a session from ID-porten ends the session at ID-porten
// too (RP-Initiated Logout), so the next login on a shared computer asks
// who is there; a demo session ends here only.
func TestOIDCLogoutAtProvider(t *testing.T) {
	ta := newTestApp(t)
	idp := newTestIDP(t)
	idp.postLogout = ta.srv.URL + "/logout/callback"
	ctx := context.Background()
	require.NoError(t, ta.a.configureLogin(ctx, loginConfig{
		municipalities: []domain.Municipality{demoMunicipality}, idporten: idportenConfig(ta, idp)}))
	guardian, err := ta.store.Guardian(ctx, demoMunicipality, ta.personas[personaGuardian].Actor.Guardian)
	require.NoError(t, err)
	idp.set(func(p *testIDP) {
		p.claims = map[string]any{"pid": guardian.NationalID.String(), "acr": "idporten-loa-high"}
	})

	// The family computer: one browser.
	b := browser(t)
	resp, body := visit(t, b, ta.srv.URL+"/login/idporten")
	require.Equal(t, "/guardian", resp.Request.URL.Path, body)
	interactive, silent, _, _ := idp.counts()
	require.Equal(t, [2]int{1, 0}, [2]int{interactive, silent})
	var issuedToken string
	idp.set(func(p *testIDP) {
		for tok := range p.idTokens {
			issuedToken = tok
		}
	})

	// Log out with the header's form: POST /logout, answered by a page of
	// this app (form-action 'self' holds) that sends the browser on.
	out, err := (&http.Client{Jar: b.Jar, CheckRedirect: noRedirect.CheckRedirect}).PostForm(ta.srv.URL+"/logout", nil)
	require.NoError(t, err)
	page, _ := io.ReadAll(out.Body)
	out.Body.Close()
	require.Equal(t, http.StatusOK, out.StatusCode, "a page of this app, not a cross-origin redirect: %s", page)
	assert.Contains(t, out.Header.Get("Content-Security-Policy"), "form-action 'self'", "the CSP is not loosened")
	to := refreshURL(t, out.Header)
	assert.True(t, strings.HasPrefix(to, idp.url+"/logout?"), to)
	link := logoutLink.FindStringSubmatch(string(page))
	require.NotNil(t, link, "a link for a browser that does not follow Refresh: %s", page)
	assert.Equal(t, to, html.UnescapeString(link[1]))
	assert.Contains(t, string(page), "Du er logget ut av Oppvekst. Nå logger vi deg ut av ID-porten også.")
	assert.NotContains(t, string(page), "Hilde Berg", "the page is logged out")
	me, err := b.Get(ta.srv.URL + "/api/v1/me")
	require.NoError(t, err)
	me.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, me.StatusCode, "the session here is gone")

	// The provider: id_token_hint, post_logout_redirect_uri, state.
	resp, body = visit(t, b, to)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "/logout/callback", resp.Request.URL.Path)
	assert.Contains(t, body, "Du er logget ut av Oppvekst og ID-porten.")
	idp.mu.Lock()
	require.Len(t, idp.logouts, 1)
	asked := idp.logouts[0]
	idp.mu.Unlock()
	assert.Equal(t, issuedToken, asked.Get("id_token_hint"), "the ID token of the login")
	assert.Equal(t, ta.srv.URL+"/logout/callback", asked.Get("post_logout_redirect_uri"))
	assert.Equal(t, idp.clientID, asked.Get("client_id"))
	assert.Equal(t, "nb", asked.Get("ui_locales"))
	assert.NotEmpty(t, asked.Get("state"))

	// The next person at the computer is asked who they are.
	resp, _ = visit(t, b, ta.srv.URL+"/login/idporten")
	assert.Equal(t, "/guardian", resp.Request.URL.Path)
	interactive, silent, _, _ = idp.counts()
	assert.Equal(t, [2]int{2, 0}, [2]int{interactive, silent}, "logged in again only by asking, not by the provider's old session")

	// A callback this browser did not start claims no logout.
	for _, cookie := range []string{"", logoutCookie + "=idporten.the-state"} {
		forged := ta.do(t, cookie, "GET", "/logout/callback?state=another", "", "")
		assert.Equal(t, http.StatusSeeOther, forged.status, cookie)
		assert.Equal(t, "/", forged.header.Get("Location"))
	}

	// A demo session ends here only.
	demo := ta.do(t, ta.cookieFor(t, personaGuardian), "POST", "/logout", "application/x-www-form-urlencoded", "")
	assert.Equal(t, http.StatusSeeOther, demo.status)
	assert.Equal(t, "/", demo.header.Get("Location"))
	assert.Empty(t, demo.header.Get("Refresh"))
}

// A session from a provider that cannot be reached at logout still ends
// here, and the page tells the user to close the browser.
func TestOIDCLogoutWhileProviderIsDown(t *testing.T) {
	ta := newTestApp(t)
	down := newLateIDP(t)
	require.NoError(t, ta.a.configureLogin(context.Background(), loginConfig{
		municipalities: []domain.Municipality{demoMunicipality}, idporten: idportenConfig(ta, down)}))
	p := ta.personas[personaGuardian]
	for lang, want := range map[string]string{
		"nb": "men vi fikk ikke logget deg ut av ID-porten. Lukk nettleseren",
		"nn": "men vi fekk ikkje logga deg ut av ID-porten. Lukk nettlesaren",
		"en": "but we could not log you out of ID-porten. Close the browser",
	} {
		value, err := ta.a.sessions.create(t.Context(), session{actor: p.Actor, name: p.Name, provider: "idporten", idToken: "a.b.c"}, time.Now())
		require.NoError(t, err)
		cookie := sessionCookie + "=" + value
		resp := ta.do(t, cookie+"; "+langCookie+"="+lang, "POST", "/logout", "application/x-www-form-urlencoded", "")
		assert.Equal(t, http.StatusOK, resp.status, lang)
		assert.Contains(t, resp.body, want, lang)
		assert.Empty(t, resp.header.Get("Refresh"), lang)
		assert.Equal(t, http.StatusUnauthorized, ta.do(t, cookie, "GET", "/api/v1/me", "", "").status, "the session here is gone")
	}
}

// A provider that is down when the app starts takes down its own login
// only, with a 503 page in the user's language, and only until it is back.
func TestOIDCProviderStartsLate(t *testing.T) {
	ta := newTestApp(t)
	late := newLateIDP(t)
	feideIDP := newTestIDP(t)
	feide, staffFile := feideConfig(t, ta, feideIDP)
	require.NoError(t, ta.a.configureLogin(context.Background(), loginConfig{
		municipalities: []domain.Municipality{demoMunicipality}, feideStaff: staffFile,
		idporten: idportenConfig(ta, late), feide: feide}), "the app starts while ID-porten is down")
	clock := withClock(t, ta, "idporten")

	for lang, want := range map[string]string{
		"nb": "Innloggingen svarer ikke akkurat nå",
		"nn": "Innlogginga svarar ikkje akkurat no",
		"en": "Login is not answering right now",
	} {
		resp := ta.do(t, langCookie+"="+lang, "GET", "/login/idporten", "", "")
		assert.Equal(t, http.StatusServiceUnavailable, resp.status, lang)
		assert.Equal(t, "10", resp.header.Get("Retry-After"), lang)
		assert.Contains(t, resp.body, want, lang)
		assert.Contains(t, resp.body, `<html lang="`+lang+`">`)
	}

	// Feide works meanwhile.
	feideIDP.set(func(p *testIDP) { p.userinfo = map[string]any{feidePrincipal: "kari@nordby.example"} })
	resp, body := visit(t, browser(t), ta.srv.URL+"/login/feide")
	assert.Equal(t, "/staff", resp.Request.URL.Path, body)

	// ID-porten comes up; the next login after the retry time finds it.
	late.start(t)
	clock.advance(discoveryRetry + time.Second)
	guardian, err := ta.store.Guardian(t.Context(), demoMunicipality, ta.personas[personaGuardian].Actor.Guardian)
	require.NoError(t, err)
	late.set(func(p *testIDP) {
		p.claims = map[string]any{"pid": guardian.NationalID.String(), "acr": "idporten-loa-high"}
	})
	resp, body = visit(t, browser(t), ta.srv.URL+"/login/idporten")
	assert.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "/guardian", resp.Request.URL.Path)
	assert.Contains(t, body, "Sofie Berg")
}

// The whole app starts while ID-porten does not answer, and serves Feide.
func TestRunStartsWhileAProviderIsDown(t *testing.T) {
	down := newLateIDP(t)
	feideIDP := newTestIDP(t)
	staffFile := filepath.Join(t.TempDir(), "staff.json")
	require.NoError(t, os.WriteFile(staffFile, []byte(`[]`), 0o600))
	env := map[string]string{
		"OPPVEKST_PUBLIC_URL":         "http://127.0.0.1",
		"OPPVEKST_IDPORTEN_ISSUER":    down.url,
		"OPPVEKST_IDPORTEN_CLIENT_ID": down.clientID,
		"OPPVEKST_FEIDE_ISSUER":       feideIDP.url,
		"OPPVEKST_FEIDE_CLIENT_ID":    feideIDP.clientID,
		"OPPVEKST_FEIDE_STAFF":        staffFile,
	}
	app := startWith(t, func(k string) string { return env[k] }, t.TempDir(), "-seed=false")
	resp, _ := get(t, app.base+"/readyz")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	resp, err := noRedirect.Get(app.base + "/login/idporten")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	resp, err = noRedirect.Get(app.base + "/login/feide")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusFound, resp.StatusCode)
	assert.True(t, strings.HasPrefix(resp.Header.Get("Location"), feideIDP.url+"/authorize?"))
	require.NoError(t, app.stop())
	assert.Contains(t, app.stdout.String(), "login provider unavailable", "the outage is logged")
}

// A provider that rotates its signing key, even under the same kid, is
// followed: the keys are fetched again when a signature does not verify,
// but not more often than every jwksRefetch.
func TestOIDCKeyRotation(t *testing.T) {
	ta := newTestApp(t)
	idp := newTestIDP(t)
	feide, staffFile := feideConfig(t, ta, idp)
	require.NoError(t, ta.a.configureLogin(context.Background(), loginConfig{
		municipalities: []domain.Municipality{demoMunicipality}, feideStaff: staffFile, feide: feide}))
	clock := withClock(t, ta, "feide")
	idp.set(func(p *testIDP) { p.claims = map[string]any{feidePrincipal: "kari@nordby.example"} })
	login := func() int {
		resp, _ := visit(t, browser(t), ta.srv.URL+"/login/feide")
		return resp.StatusCode
	}
	jwks := func() int { _, _, n, _ := idp.counts(); return n }

	require.Equal(t, http.StatusOK, login())
	require.Equal(t, 1, jwks())
	require.Equal(t, http.StatusOK, login())
	assert.Equal(t, 1, jwks(), "the key is cached")

	idp.rotate()
	clock.advance(jwksRefetch + time.Second)
	assert.Equal(t, http.StatusOK, login(), "a new key under the same kid")
	assert.Equal(t, 2, jwks())

	// Tokens that verify with no key of the provider: the keys are fetched
	// again at most every jwksRefetch.
	idp.set(func(p *testIDP) { p.signRogue = true })
	for range 5 {
		assert.Equal(t, http.StatusUnauthorized, login())
	}
	assert.Equal(t, 2, jwks(), "not again within jwksRefetch")
	clock.advance(jwksRefetch + time.Second)
	for range 5 {
		assert.Equal(t, http.StatusUnauthorized, login())
	}
	assert.Equal(t, 3, jwks(), "once more after jwksRefetch")

	// A new kid is fetched as well.
	idp.set(func(p *testIDP) { p.signRogue, p.kid, p.key = false, "k2", idpKeys[0] })
	clock.advance(jwksRefetch + time.Second)
	assert.Equal(t, http.StatusOK, login(), "a new kid")
}
