package main

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// identityProvider is one way to log in. The app sends the browser to
// AuthCodeURL and, on the callback, trades the code for a verified identity
// with Exchange. ID-porten and Feide are both oidcProvider values; a test
// may plug in its own.
type identityProvider interface {
	AuthCodeURL(state, nonce, verifier string) string
	Exchange(ctx context.Context, code, verifier, nonce string) (identity, error)
}

// identity is what a provider vouches for.
type identity struct {
	Subject    string // the provider's subject (sub)
	NationalID string // ID-porten: the pid claim
	Principal  string // Feide: eduPersonPrincipalName, or the e-mail
	ACR        string // the level of assurance
	Name       string // the name claim, if any: the person's display name
}

// oidcConfig configures one OpenID Connect provider.
type oidcConfig struct {
	Issuer       string // https://idporten.no
	ClientID     string
	ClientSecret string
	RedirectURL  string // https://oppvekst.kommune.no/login/idporten/callback
	Scopes       []string
	// ACRValues is asked for at login (acr_values); AcceptACR lists the acr
	// claims accepted in the ID token. Empty accepts any.
	ACRValues string
	AcceptACR []string
	// Claim is the claim that identifies the person: "pid" for ID-porten,
	// "eduPersonPrincipalName" (or "email") for Feide.
	Claim string
}

// oidcProvider is an OpenID Connect client with the authorization code
// flow and PKCE (S256), verifying RS256 ID tokens against the provider's
// JWKS. Only the standard library is used.
type oidcProvider struct {
	cfg    oidcConfig
	client *http.Client
	now    func() time.Time

	authURL, tokenURL, jwksURL string

	mu   sync.Mutex
	keys map[string]*rsa.PublicKey // by kid
}

// discoverOIDC reads the provider's discovery document.
func discoverOIDC(ctx context.Context, cfg oidcConfig, client *http.Client, now func() time.Time) (*oidcProvider, error) {
	var doc struct {
		Issuer                string `json:"issuer"`
		AuthorizationEndpoint string `json:"authorization_endpoint"`
		TokenEndpoint         string `json:"token_endpoint"`
		JWKSURI               string `json:"jwks_uri"`
	}
	if err := getJSON(ctx, client, strings.TrimSuffix(cfg.Issuer, "/")+"/.well-known/openid-configuration", &doc); err != nil {
		return nil, fmt.Errorf("oidc discovery for %s: %w", cfg.Issuer, err)
	}
	if doc.Issuer != cfg.Issuer {
		return nil, fmt.Errorf("oidc discovery: issuer %q, want %q", doc.Issuer, cfg.Issuer)
	}
	if doc.AuthorizationEndpoint == "" || doc.TokenEndpoint == "" || doc.JWKSURI == "" {
		return nil, errors.New("oidc discovery: an endpoint is missing")
	}
	return &oidcProvider{cfg: cfg, client: client, now: now, authURL: doc.AuthorizationEndpoint,
		tokenURL: doc.TokenEndpoint, jwksURL: doc.JWKSURI, keys: map[string]*rsa.PublicKey{}}, nil
}

func getJSON(ctx context.Context, client *http.Client, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(v)
}

// pkceChallenge is the S256 code challenge of a verifier.
func pkceChallenge(verifier string) string {
	h := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// AuthCodeURL implements identityProvider.
func (p *oidcProvider) AuthCodeURL(state, nonce, verifier string) string {
	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {p.cfg.ClientID},
		"redirect_uri":          {p.cfg.RedirectURL},
		"scope":                 {strings.Join(append([]string{"openid"}, p.cfg.Scopes...), " ")},
		"state":                 {state},
		"nonce":                 {nonce},
		"code_challenge":        {pkceChallenge(verifier)},
		"code_challenge_method": {"S256"},
	}
	if p.cfg.ACRValues != "" {
		q.Set("acr_values", p.cfg.ACRValues)
	}
	sep := "?"
	if strings.Contains(p.authURL, "?") {
		sep = "&"
	}
	return p.authURL + sep + q.Encode()
}

// Exchange implements identityProvider: it redeems the code with the
// verifier and verifies the ID token (signature, issuer, audience, expiry,
// nonce, acr).
func (p *oidcProvider) Exchange(ctx context.Context, code, verifier, nonce string) (identity, error) {
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"redirect_uri":  {p.cfg.RedirectURL},
		"code_verifier": {verifier},
		"client_id":     {p.cfg.ClientID},
	}
	if p.cfg.ClientSecret != "" {
		form.Set("client_secret", p.cfg.ClientSecret)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return identity{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		return identity{}, fmt.Errorf("oidc token: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return identity{}, fmt.Errorf("oidc token: %s", resp.Status)
	}
	var tok struct {
		IDToken string `json:"id_token"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&tok); err != nil || tok.IDToken == "" {
		return identity{}, errors.New("oidc token: no id_token in the answer")
	}
	claims, err := p.verify(ctx, tok.IDToken)
	if err != nil {
		return identity{}, err
	}
	return p.check(claims, nonce)
}

// idClaims are the ID token claims the app reads.
type idClaims struct {
	Issuer    string          `json:"iss"`
	Subject   string          `json:"sub"`
	Audience  json.RawMessage `json:"aud"`
	Expiry    int64           `json:"exp"`
	IssuedAt  int64           `json:"iat"`
	Nonce     string          `json:"nonce"`
	ACR       string          `json:"acr"`
	raw       map[string]any
	audiences []string
}

// verify checks the JWS signature (RS256 only) and decodes the claims.
func (p *oidcProvider) verify(ctx context.Context, token string) (idClaims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return idClaims{}, errors.New("id token: not a JWS")
	}
	var header struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	if err := decodeSegment(parts[0], &header); err != nil {
		return idClaims{}, fmt.Errorf("id token header: %w", err)
	}
	if header.Alg != "RS256" {
		return idClaims{}, fmt.Errorf("id token: alg %q is not RS256", header.Alg)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return idClaims{}, errors.New("id token: bad signature encoding")
	}
	key, err := p.key(ctx, header.Kid)
	if err != nil {
		return idClaims{}, err
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], sig); err != nil {
		return idClaims{}, errors.New("id token: the signature does not verify")
	}
	var c idClaims
	if err := decodeSegment(parts[1], &c); err != nil {
		return idClaims{}, fmt.Errorf("id token claims: %w", err)
	}
	if err := decodeSegment(parts[1], &c.raw); err != nil {
		return idClaims{}, fmt.Errorf("id token claims: %w", err)
	}
	var one string
	if json.Unmarshal(c.Audience, &one) == nil {
		c.audiences = []string{one}
	} else if err := json.Unmarshal(c.Audience, &c.audiences); err != nil {
		return idClaims{}, errors.New("id token: bad aud")
	}
	return c, nil
}

// check validates the claims of a verified token.
func (p *oidcProvider) check(c idClaims, nonce string) (identity, error) {
	now := p.now()
	switch {
	case c.Issuer != p.cfg.Issuer:
		return identity{}, fmt.Errorf("id token: issuer %q", c.Issuer)
	case !slices.Contains(c.audiences, p.cfg.ClientID):
		return identity{}, errors.New("id token: not issued to this client")
	case c.Expiry == 0 || now.After(time.Unix(c.Expiry, 0).Add(time.Minute)):
		return identity{}, errors.New("id token: expired")
	case c.IssuedAt > now.Add(5*time.Minute).Unix():
		return identity{}, errors.New("id token: issued in the future")
	case nonce == "" || c.Nonce != nonce:
		return identity{}, errors.New("id token: nonce does not match")
	case len(p.cfg.AcceptACR) > 0 && !slices.Contains(p.cfg.AcceptACR, c.ACR):
		return identity{}, fmt.Errorf("id token: level of assurance %q is too low", c.ACR)
	case c.Subject == "":
		return identity{}, errors.New("id token: no subject")
	}
	id := identity{Subject: c.Subject, ACR: c.ACR}
	id.Name, _ = c.raw["name"].(string)
	claim, _ := c.raw[p.cfg.Claim].(string)
	switch p.cfg.Claim {
	case "pid":
		id.NationalID = claim
	default:
		id.Principal = claim
	}
	if claim == "" {
		return identity{}, fmt.Errorf("id token: no %s claim", p.cfg.Claim)
	}
	return id, nil
}

func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// key returns the signing key kid, fetching the JWKS when it is unknown
// (keys rotate).
func (p *oidcProvider) key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	p.mu.Lock()
	k, ok := p.keys[kid]
	p.mu.Unlock()
	if ok {
		return k, nil
	}
	var set struct {
		Keys []struct {
			Kty string `json:"kty"`
			Kid string `json:"kid"`
			Use string `json:"use"`
			N   string `json:"n"`
			E   string `json:"e"`
		} `json:"keys"`
	}
	if err := getJSON(ctx, p.client, p.jwksURL, &set); err != nil {
		return nil, fmt.Errorf("jwks: %w", err)
	}
	keys := map[string]*rsa.PublicKey{}
	for _, j := range set.Keys {
		if j.Kty != "RSA" || (j.Use != "" && j.Use != "sig") {
			continue
		}
		n, err1 := base64.RawURLEncoding.DecodeString(j.N)
		e, err2 := base64.RawURLEncoding.DecodeString(j.E)
		if err1 != nil || err2 != nil || len(e) == 0 || len(e) > 4 {
			continue
		}
		pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
		if pub.N.BitLen() < 2048 {
			continue
		}
		keys[j.Kid] = pub
	}
	p.mu.Lock()
	p.keys = keys
	p.mu.Unlock()
	if k, ok := keys[kid]; ok {
		return k, nil
	}
	return nil, fmt.Errorf("jwks: no RSA key %q", kid)
}
