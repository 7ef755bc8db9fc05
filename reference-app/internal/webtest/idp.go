package webtest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/oidc"
)

// TestIDP is a small OpenID Connect provider playing ID-porten or Feide:
// discovery, authorize (which logs the configured person in at once, and
// keeps a single sign-on session in a cookie of its own), token (which
// checks the PKCE verifier and the client), userinfo (with the access
// token), JWKS and end_session (RP-Initiated Logout: it checks the
// id_token_hint and the registered post_logout_redirect_uri, ends the
// single sign-on session and sends the browser back with the state).
//
// Like Feide, it can issue a minimal ID token and the person's claims from
// userinfo only, under Feide's claim names. It may start after the app
// (NewLateIDP), and rotate its signing key under the same kid (rotate).
// Knobs make it misbehave.
type TestIDP struct {
	Url          string // known before it starts
	addr         string
	srv          *httptest.Server
	ClientID     string
	ClientSecret string
	// PostLogout is the registered post_logout_redirect_uri.
	PostLogout string

	Mu         sync.Mutex
	Key, rogue *rsa.PrivateKey
	Kid        string
	codes      map[string]issued
	access     map[string]string // access token → sub
	IdTokens   map[string]bool   // every ID token issued
	Claims     map[string]any    // claims of the ID token, over the standard ones: pid, acr, ...
	Userinfo   map[string]any    // claims from userinfo; its sub is the ID token's unless set here
	SignRogue  bool              // sign with a key not in the JWKS
	WrongNonce bool
	Audience   any // replaces aud: a string or a list
	Expired    bool
	NotBefore  time.Duration // nbf = now + this, when not zero
	sso        map[string]bool
	// What it was asked: logins that needed the person (no single sign-on
	// session) and logins the session answered without asking.
	interactive, silent                 int
	tokenCalls, jwksCalls, userinfoSeen int
	Logouts                             []url.Values
}

type issued struct {
	challenge, nonce, redirect string
}

var (
	idpKeyOnce  sync.Once
	IdpKeys     [3]*rsa.PrivateKey
	idpKeyError error
)

const idpSSOCookie = "testidp_sso"

// NewTestIDP starts a provider.
func NewTestIDP(t *testing.T) *TestIDP {
	p := NewLateIDP(t)
	p.Start(t)
	return p
}

// NewLateIDP is a provider whose address is known but which does not
// listen until start: a provider that is down.
func NewLateIDP(t *testing.T) *TestIDP {
	t.Helper()
	idpKeyOnce.Do(func() {
		for i := range IdpKeys {
			if IdpKeys[i], idpKeyError = rsa.GenerateKey(rand.Reader, 2048); idpKeyError != nil {
				return
			}
		}
	})
	require.NoError(t, idpKeyError)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return &TestIDP{Url: "http://" + addr, addr: addr, Key: IdpKeys[0], rogue: IdpKeys[1], Kid: "k1",
		ClientID: "oppvekst-test", ClientSecret: "hemmelig",
		codes: map[string]issued{}, access: map[string]string{}, IdTokens: map[string]bool{},
		Claims: map[string]any{}, sso: map[string]bool{}}
}

// Set changes the provider's knobs between requests.
func (p *TestIDP) Set(f func(p *TestIDP)) {
	p.Mu.Lock()
	defer p.Mu.Unlock()
	f(p)
}

// Rotate replaces the signing key, keeping the kid.
func (p *TestIDP) Rotate() {
	p.Set(func(p *TestIDP) { p.Key = IdpKeys[2] })
}

func (p *TestIDP) Counts() (interactive, silent, jwks, userinfo int) {
	p.Mu.Lock()
	defer p.Mu.Unlock()
	return p.interactive, p.silent, p.jwksCalls, p.userinfoSeen
}

func (p *TestIDP) Start(t *testing.T) {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{
			"issuer": p.Url, "authorization_endpoint": p.Url + "/authorize",
			"token_endpoint": p.Url + "/token", "jwks_uri": p.Url + "/jwks",
			"userinfo_endpoint": p.Url + "/userinfo", "end_session_endpoint": p.Url + "/logout",
		})
	})
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("response_type") != "code" || q.Get("client_id") != p.ClientID || q.Get("code_challenge_method") != "S256" ||
			q.Get("code_challenge") == "" || q.Get("state") == "" || q.Get("nonce") == "" || !strings.Contains(q.Get("scope"), "openid") {
			http.Error(w, "bad authorization request", http.StatusBadRequest)
			return
		}
		code := web.RandomToken()
		p.Mu.Lock()
		if c, err := r.Cookie(idpSSOCookie); err == nil && p.sso[c.Value] {
			p.silent++
		} else {
			// The person logs in (in this provider: at once), and a
			// single sign-on session starts.
			p.interactive++
			id := web.RandomToken()
			p.sso[id] = true
			http.SetCookie(w, &http.Cookie{Name: idpSSOCookie, Value: id, Path: "/", HttpOnly: true})
		}
		p.codes[code] = issued{challenge: q.Get("code_challenge"), nonce: q.Get("nonce"), redirect: q.Get("redirect_uri")}
		p.Mu.Unlock()
		http.Redirect(w, r, q.Get("redirect_uri")+"?code="+code+"&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		p.Mu.Lock()
		defer p.Mu.Unlock()
		p.tokenCalls++
		iss, ok := p.codes[r.PostForm.Get("code")]
		delete(p.codes, r.PostForm.Get("code"))
		if !ok || r.PostForm.Get("grant_type") != "authorization_code" || r.PostForm.Get("redirect_uri") != iss.redirect ||
			r.PostForm.Get("client_id") != p.ClientID || r.PostForm.Get("client_secret") != p.ClientSecret ||
			oidc.PKCEChallenge(r.PostForm.Get("code_verifier")) != iss.challenge {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"error":"invalid_grant"}`)
			return
		}
		now := time.Now()
		claims := map[string]any{"iss": p.Url, "sub": "subject-1", "aud": p.ClientID,
			"iat": now.Unix(), "exp": now.Add(2 * time.Minute).Unix(), "nonce": iss.nonce}
		if p.Audience != nil {
			claims["aud"] = p.Audience
		}
		if p.Expired {
			claims["exp"] = now.Add(-time.Hour).Unix()
		}
		if p.NotBefore != 0 {
			claims["nbf"] = now.Add(p.NotBefore).Unix()
		}
		if p.WrongNonce {
			claims["nonce"] = "another"
		}
		for k, v := range p.Claims {
			claims[k] = v
		}
		key := p.Key
		if p.SignRogue {
			key = p.rogue
		}
		idToken := signJWT(t, key, p.Kid, claims)
		p.IdTokens[idToken] = true
		accessToken := web.RandomToken()
		p.access[accessToken] = claims["sub"].(string)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"id_token": idToken, "token_type": "Bearer", "access_token": accessToken})
	})
	mux.HandleFunc("GET /userinfo", func(w http.ResponseWriter, r *http.Request) {
		p.Mu.Lock()
		defer p.Mu.Unlock()
		sub, ok := p.access[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		p.userinfoSeen++
		info := map[string]any{"sub": sub}
		for k, v := range p.Userinfo {
			info[k] = v
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_ = json.NewEncoder(w).Encode(info)
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		p.Mu.Lock()
		defer p.Mu.Unlock()
		p.jwksCalls++
		pub := p.Key.PublicKey
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{{
			"kty": "RSA", "kid": p.Kid, "use": "sig", "alg": "RS256",
			"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
			"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
		}}})
	})
	mux.HandleFunc("GET /logout", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		p.Mu.Lock()
		defer p.Mu.Unlock()
		p.Logouts = append(p.Logouts, q)
		if !p.IdTokens[q.Get("id_token_hint")] || q.Get("post_logout_redirect_uri") != p.PostLogout {
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
