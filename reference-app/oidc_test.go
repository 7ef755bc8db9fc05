package main

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

// testIDP is a small OpenID Connect provider: discovery, authorize (which
// logs the configured person in at once), token (which checks the PKCE
// verifier and the client) and JWKS. Knobs make it misbehave.
type testIDP struct {
	srv          *httptest.Server
	key, rogue   *rsa.PrivateKey
	clientID     string
	clientSecret string

	mu         sync.Mutex
	codes      map[string]issued
	claims     map[string]any // extra claims: pid, acr, eduPersonPrincipalName
	signRogue  bool           // sign with a key not in the JWKS
	wrongNonce bool
	audience   string
	expired    bool
	tokenCalls int
}

type issued struct {
	challenge, nonce, redirect string
}

var (
	idpKeyOnce  sync.Once
	idpKeys     [2]*rsa.PrivateKey
	idpKeyError error
)

func newTestIDP(t *testing.T) *testIDP {
	t.Helper()
	idpKeyOnce.Do(func() {
		for i := range idpKeys {
			if idpKeys[i], idpKeyError = rsa.GenerateKey(rand.Reader, 2048); idpKeyError != nil {
				return
			}
		}
	})
	require.NoError(t, idpKeyError)
	p := &testIDP{key: idpKeys[0], rogue: idpKeys[1], clientID: "oppvekst-test", clientSecret: "hemmelig",
		codes: map[string]issued{}, claims: map[string]any{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{
			"issuer": p.srv.URL, "authorization_endpoint": p.srv.URL + "/authorize",
			"token_endpoint": p.srv.URL + "/token", "jwks_uri": p.srv.URL + "/jwks",
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
		claims := map[string]any{"iss": p.srv.URL, "sub": "subject-1", "aud": p.clientID,
			"iat": now.Unix(), "exp": now.Add(2 * time.Minute).Unix(), "nonce": iss.nonce}
		if p.audience != "" {
			claims["aud"] = []string{p.audience}
		}
		if p.expired {
			claims["exp"] = now.Add(-time.Hour).Unix()
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
		_ = json.NewEncoder(w).Encode(map[string]string{"id_token": signJWT(t, key, claims), "token_type": "Bearer", "access_token": "x"})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		pub := p.key.PublicKey
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{{
			"kty": "RSA", "kid": "k1", "use": "sig", "alg": "RS256",
			"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
			"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
		}}})
	})
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func signJWT(t *testing.T, key *rsa.PrivateKey, claims map[string]any) string {
	h, _ := json.Marshal(map[string]string{"alg": "RS256", "kid": "k1", "typ": "JWT"})
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

func TestIDPortenLogin(t *testing.T) {
	ta := newTestApp(t)
	idp := newTestIDP(t)
	ctx := context.Background()
	require.NoError(t, ta.a.configureLogin(ctx, loginConfig{
		municipalities: []domain.Municipality{neighbourMunicipality, demoMunicipality},
		idporten: &oidcConfig{Issuer: idp.srv.URL, ClientID: idp.clientID, ClientSecret: idp.clientSecret,
			RedirectURL: ta.srv.URL + "/login/idporten/callback", Scopes: []string{"profile"},
			ACRValues: "idporten-loa-substantial", AcceptACR: idportenACR, Claim: "pid"},
	}))
	guardian, err := ta.store.Guardian(ctx, demoMunicipality, ta.personas[personaGuardian].Actor.Guardian)
	require.NoError(t, err)

	login := func() (*http.Response, string) {
		b := browser(t)
		resp, err := b.Get(ta.srv.URL + "/login/idporten")
		require.NoError(t, err)
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body)
	}

	for _, acr := range idportenACR {
		idp.claims = map[string]any{"pid": guardian.NationalID.String(), "acr": acr}
		resp, body := login()
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		assert.Equal(t, "/guardian", resp.Request.URL.Path, acr)
		assert.Contains(t, body, "Logget inn som Hilde Berg")
		assert.Contains(t, body, "Sofie Berg")
		assert.NotContains(t, body, "demo-banner", "a real login is not labelled demo")
	}

	refused := map[string]func(){
		"low level of assurance": func() { idp.claims["acr"] = "idporten-loa-low" },
		"no acr":                 func() { delete(idp.claims, "acr") },
		"rogue signature":        func() { idp.signRogue = true },
		"wrong nonce":            func() { idp.wrongNonce = true },
		"other audience":         func() { idp.audience = "someone-else" },
		"expired":                func() { idp.expired = true },
		"no pid":                 func() { delete(idp.claims, "pid") },
	}
	for name, breakIt := range refused {
		idp.claims = map[string]any{"pid": guardian.NationalID.String(), "acr": "idporten-loa-high"}
		idp.signRogue, idp.wrongNonce, idp.audience, idp.expired = false, false, "", false
		breakIt()
		resp, body := login()
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, name)
		assert.NotContains(t, body, "Sofie", name)
	}

	// A person the municipality does not know.
	idp.signRogue, idp.wrongNonce, idp.audience, idp.expired = false, false, "", false
	idp.claims = map[string]any{"pid": "15897000011", "acr": "high"}
	stranger, err := domain.SyntheticNationalID(guardian.NationalID.BirthDate(), 990)
	if err == nil {
		idp.claims["pid"] = stranger.String()
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
	p, err := discoverOIDC(context.Background(), oidcConfig{Issuer: idp.srv.URL, ClientID: idp.clientID, ClientSecret: idp.clientSecret,
		RedirectURL: "http://127.0.0.1/cb", Claim: "pid"}, http.DefaultClient, time.Now)
	require.NoError(t, err)
	u, err := url.Parse(p.AuthCodeURL("s", "n", "the-verifier"))
	require.NoError(t, err)
	assert.Equal(t, pkceChallenge("the-verifier"), u.Query().Get("code_challenge"))
	assert.Equal(t, "S256", u.Query().Get("code_challenge_method"))
	resp, err := noRedirect.Get(u.String())
	require.NoError(t, err)
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	idp.claims = map[string]any{"pid": "x"}
	_, err = p.Exchange(context.Background(), loc.Query().Get("code"), "another-verifier", "n")
	assert.ErrorContains(t, err, "400")

	_, err = discoverOIDC(context.Background(), oidcConfig{Issuer: idp.srv.URL + "/other"}, http.DefaultClient, time.Now)
	assert.Error(t, err, "discovery of an issuer that does not match")
}

func TestFeideLogin(t *testing.T) {
	ta := newTestApp(t)
	idp := newTestIDP(t)
	staff := ta.personas[personaStaff].Actor
	list, err := json.Marshal([]staffEntry{{Principal: "kari@nordby.example", Municipality: demoMunicipality, Role: domain.RoleStaff, Name: "Kari Lærer", Units: staff.Units}})
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "staff.json")
	require.NoError(t, os.WriteFile(file, list, 0o600))
	require.NoError(t, ta.a.configureLogin(context.Background(), loginConfig{
		municipalities: []domain.Municipality{demoMunicipality}, feideStaff: file,
		feide: &oidcConfig{Issuer: idp.srv.URL, ClientID: idp.clientID, ClientSecret: idp.clientSecret,
			RedirectURL: ta.srv.URL + "/login/feide/callback", Claim: "eduPersonPrincipalName"},
	}))
	idp.claims = map[string]any{"eduPersonPrincipalName": "kari@nordby.example"}
	resp, err := browser(t).Get(ta.srv.URL + "/login/feide")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	assert.Equal(t, "/staff", resp.Request.URL.Path)
	assert.Contains(t, string(body), "Sofie Berg", "Sofie is on the Nordby rosters")

	idp.claims = map[string]any{"eduPersonPrincipalName": "ukjent@nordby.example"}
	resp, err = browser(t).Get(ta.srv.URL + "/login/feide")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "not on the staff list")
}
