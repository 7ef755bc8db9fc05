package oidc

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
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// ErrUnavailable marks a provider that does not answer (or answers 5xx):
// its discovery document, token, JWKS or userinfo endpoint.
var ErrUnavailable = errors.New("the login provider is unavailable")

// Identity is what a provider vouches for.
type Identity struct {
	Subject    string // the provider's subject (sub)
	NationalID string // ID-porten: the pid claim
	Principal  string // Feide: the eduPersonPrincipalName
	ACR        string // the level of assurance
	// IDToken is the ID token as issued; the session keeps it for the
	// logout at the provider (id_token_hint).
	IDToken string
	Name    string // the name claim, if any: the person's display name
}

// Config configures one OpenID Connect provider.
type Config struct {
	Issuer       string // https://idporten.no
	ClientID     string
	ClientSecret string
	RedirectURL  string // https://oppvekst.kommune.no/login/idporten/callback
	// PostLogoutURL is where the provider sends the browser back after a
	// logout (post_logout_redirect_uri); it must be registered with the
	// provider like RedirectURL.
	PostLogoutURL string // https://oppvekst.kommune.no/logout/callback
	Scopes        []string
	// ACRValues is asked for at login (acr_values); AcceptACR lists the acr
	// claims accepted in the ID token. Empty accepts any.
	ACRValues string
	AcceptACR []string
	// Claims name the claim that identifies the person; the first one
	// present is read, from the ID token or else from the userinfo
	// endpoint. "pid" gives a national ID (ID-porten), any other claim a
	// principal name (Feide: FeideClaims). "email" counts only with
	// "email_verified": true.
	Claims []string
}

// FeidePrincipal is the claim in which Feide issues the eduPersonPrincipalName
// ("Feide name"), in the ID token and from userinfo, when the client is
// granted the userid-feide attribute group. See Feide's reference:
// https://docs.feide.no/reference/oauth_oidc/userids.html (Feide identifier)
// and https://docs.feide.no/reference/apis/userinfo.html.
const FeidePrincipal = "https://n.feide.no/claims/eduPersonPrincipalName"

// FeideClaims are the claims a Feide principal is read from, in order: the
// name Feide documents, then the bare eduPersonPrincipalName that older
// Feide clients and other eduGAIN-style providers issue, then a verified
// e-mail. Feide itself always says "email_verified": false (it does not
// verify the addresses in its users' home directories), so with Feide the
// e-mail never identifies anyone.
var FeideClaims = []string{FeidePrincipal, "eduPersonPrincipalName", "email"}

// Timings of a provider.
const (
	// clockSkew is how far the provider's clock may be off ours when exp,
	// nbf and iat are checked.
	clockSkew = time.Minute
	// DiscoveryRetry is how long a failed discovery is remembered before
	// a login tries again (so an outage costs each login one quick 503,
	// not a timeout each); it is also the Retry-After of that 503.
	DiscoveryRetry = 10 * time.Second
	// discoveryTimeout bounds one discovery attempt.
	discoveryTimeout = 5 * time.Second
	// JwksRefetch is the least time between two fetches of the provider's
	// keys: a token signed with an unknown kid, or whose signature does
	// not verify with the cached key, fetches them again at most this
	// often.
	JwksRefetch = 10 * time.Second
)

// Provider is an OpenID Connect client with the authorization code
// flow and PKCE (S256), verifying RS256 ID tokens against the provider's
// JWKS. Only the standard library is used.
//
// Nothing is fetched when it is made: the discovery document is read at
// the first login (and retried after DiscoveryRetry while it fails), so a
// provider that is down when the app starts takes down only its own login,
// and only until it is back. Signing keys are cached by kid and fetched
// again, at most every JwksRefetch, when a token has an unknown kid or a
// signature that does not verify, so a provider may rotate its key under a
// new kid or the same one.
type Provider struct {
	cfg    Config
	client *http.Client
	Now    func() time.Time

	dmu       sync.Mutex // held during a discovery, so one runs at a time
	endpoints *oidcEndpoints
	failedAt  time.Time // the last failed discovery
	failure   error

	kmu     sync.Mutex // held during a JWKS fetch
	keys    map[string]*rsa.PublicKey
	keysAt  time.Time // the last JWKS fetch, successful or not
	keysErr error     // how the last fetch failed
}

// oidcEndpoints are the endpoints of the discovery document.
type oidcEndpoints struct {
	auth, token, jwks, userinfo, endSession string
}

// NewOIDCProvider makes the client of one provider; it fetches nothing yet.
func NewOIDCProvider(cfg Config, client *http.Client, now func() time.Time) *Provider {
	return &Provider{cfg: cfg, client: client, Now: now, keys: map[string]*rsa.PublicKey{}}
}

// Discover returns the provider's endpoints, reading its discovery document
// the first time, and again after DiscoveryRetry while that fails.
func (p *Provider) Discover(ctx context.Context) (oidcEndpoints, error) {
	p.dmu.Lock()
	defer p.dmu.Unlock()
	if p.endpoints != nil {
		return *p.endpoints, nil
	}
	if p.failure != nil && p.Now().Sub(p.failedAt) < DiscoveryRetry {
		return oidcEndpoints{}, p.failure
	}
	dctx, cancel := context.WithTimeout(ctx, discoveryTimeout)
	defer cancel()
	ep, err := p.fetchDiscovery(dctx)
	if err != nil {
		if ctx.Err() == nil { // not the caller giving up
			p.failedAt, p.failure = p.Now(), err
		}
		return oidcEndpoints{}, err
	}
	p.endpoints, p.failure = &ep, nil
	return ep, nil
}

func (p *Provider) fetchDiscovery(ctx context.Context) (oidcEndpoints, error) {
	var doc struct {
		Issuer                string `json:"issuer"`
		AuthorizationEndpoint string `json:"authorization_endpoint"`
		TokenEndpoint         string `json:"token_endpoint"`
		JWKSURI               string `json:"jwks_uri"`
		UserinfoEndpoint      string `json:"userinfo_endpoint"`
		EndSessionEndpoint    string `json:"end_session_endpoint"`
	}
	if err := getJSON(ctx, p.client, strings.TrimSuffix(p.cfg.Issuer, "/")+"/.well-known/openid-configuration", &doc); err != nil {
		return oidcEndpoints{}, fmt.Errorf("%w: oidc discovery for %s: %v", ErrUnavailable, p.cfg.Issuer, err)
	}
	if doc.Issuer != p.cfg.Issuer {
		return oidcEndpoints{}, fmt.Errorf("%w: oidc discovery: issuer %q, want %q", ErrUnavailable, doc.Issuer, p.cfg.Issuer)
	}
	if doc.AuthorizationEndpoint == "" || doc.TokenEndpoint == "" || doc.JWKSURI == "" {
		return oidcEndpoints{}, fmt.Errorf("%w: oidc discovery for %s: an endpoint is missing", ErrUnavailable, p.cfg.Issuer)
	}
	// The endpoints end up in redirects and a Refresh header: only
	// absolute http(s) URLs (url.Parse refuses control characters).
	for _, e := range []string{doc.AuthorizationEndpoint, doc.TokenEndpoint, doc.JWKSURI, doc.UserinfoEndpoint, doc.EndSessionEndpoint} {
		if u, err := url.Parse(e); e != "" && (err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "") {
			return oidcEndpoints{}, fmt.Errorf("%w: oidc discovery for %s: %q is not an http(s) URL", ErrUnavailable, p.cfg.Issuer, e)
		}
	}
	return oidcEndpoints{auth: doc.AuthorizationEndpoint, token: doc.TokenEndpoint, jwks: doc.JWKSURI,
		userinfo: doc.UserinfoEndpoint, endSession: doc.EndSessionEndpoint}, nil
}

func getJSON(ctx context.Context, client *http.Client, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
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

// PKCEChallenge is the S256 code challenge of a verifier.
func PKCEChallenge(verifier string) string {
	h := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// withQuery adds q to the endpoint u, which may have a query of its own.
func withQuery(u string, q url.Values) string {
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + q.Encode()
}

// AuthCodeURL implements web.IdentityProvider.
func (p *Provider) AuthCodeURL(ctx context.Context, state, nonce, verifier string) (string, error) {
	ep, err := p.Discover(ctx)
	if err != nil {
		return "", err
	}
	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {p.cfg.ClientID},
		"redirect_uri":          {p.cfg.RedirectURL},
		"scope":                 {strings.Join(append([]string{"openid"}, p.cfg.Scopes...), " ")},
		"state":                 {state},
		"nonce":                 {nonce},
		"code_challenge":        {PKCEChallenge(verifier)},
		"code_challenge_method": {"S256"},
	}
	if p.cfg.ACRValues != "" {
		q.Set("acr_values", p.cfg.ACRValues)
	}
	return withQuery(ep.auth, q), nil
}

// LogoutURL implements web.IdentityProvider with OpenID Connect RP-Initiated
// Logout 1.0: the end_session_endpoint of the discovery document with the
// ID token as id_token_hint, the post_logout_redirect_uri, the state the
// provider sends back there, and the language (ui_locales). ID-porten and
// Feide both want the hint:
// https://docs.digdir.no/docs/idporten/oidc/oidc_protocol_logout.html,
// https://docs.feide.no/service_providers/manage/openid_connect/redir_etter_logout.html.
func (p *Provider) LogoutURL(ctx context.Context, idToken, state, lang string) (string, error) {
	ep, err := p.Discover(ctx)
	if err != nil {
		return "", err
	}
	if ep.endSession == "" {
		return "", nil
	}
	q := url.Values{"client_id": {p.cfg.ClientID}}
	if idToken != "" {
		q.Set("id_token_hint", idToken)
	}
	if p.cfg.PostLogoutURL != "" {
		q.Set("post_logout_redirect_uri", p.cfg.PostLogoutURL)
		q.Set("state", state)
	}
	if lang != "" {
		q.Set("ui_locales", lang)
	}
	return withQuery(ep.endSession, q), nil
}

// tokenResponse is the token endpoint's answer.
type tokenResponse struct {
	IDToken     string `json:"id_token"`
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
}

// Exchange implements web.IdentityProvider: it redeems the code with the
// verifier, verifies the ID token (signature, issuer, audience and
// authorized party, expiry, not-before, nonce, acr) and reads the claim
// that identifies the person, from the userinfo endpoint when the ID token
// does not carry it (Feide's ID token holds only the minimum the standard
// requires).
func (p *Provider) Exchange(ctx context.Context, code, verifier, nonce string) (Identity, error) {
	ep, err := p.Discover(ctx)
	if err != nil {
		return Identity{}, err
	}
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
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.token, strings.NewReader(form.Encode()))
	if err != nil {
		return Identity{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		return Identity{}, fmt.Errorf("%w: oidc token: %v", ErrUnavailable, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode >= 500:
		return Identity{}, fmt.Errorf("%w: oidc token: %s", ErrUnavailable, resp.Status)
	case resp.StatusCode != http.StatusOK:
		return Identity{}, fmt.Errorf("oidc token: %s", resp.Status)
	}
	var tok tokenResponse
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&tok); err != nil || tok.IDToken == "" {
		return Identity{}, errors.New("oidc token: no id_token in the answer")
	}
	claims, err := p.verify(ctx, ep, tok.IDToken)
	if err != nil {
		return Identity{}, err
	}
	if err := p.check(claims, nonce); err != nil {
		return Identity{}, err
	}
	all := claims.raw
	if _, _, ok := p.identifying(all); !ok && ep.userinfo != "" && tok.AccessToken != "" {
		info, err := p.userinfo(ctx, ep.userinfo, tok.AccessToken, claims.Subject)
		if err != nil {
			return Identity{}, err
		}
		// The ID token's claims win; userinfo fills in what it lacks.
		all = make(map[string]any, len(info)+len(claims.raw))
		for k, v := range info {
			all[k] = v
		}
		for k, v := range claims.raw {
			all[k] = v
		}
	}
	id := Identity{Subject: claims.Subject, ACR: claims.ACR, IDToken: tok.IDToken}
	id.Name, _ = all["name"].(string)
	name, value, ok := p.identifying(all)
	switch {
	case !ok:
		return Identity{}, fmt.Errorf("id token: none of the claims %q, nor from userinfo", p.cfg.Claims)
	case name == "pid":
		id.NationalID = value
	default:
		id.Principal = value
	}
	return id, nil
}

// identifying returns the first of cfg.Claims present in claims, and its
// value; an e-mail counts only when it is verified.
func (p *Provider) identifying(claims map[string]any) (name, value string, ok bool) {
	for _, name := range p.cfg.Claims {
		v, _ := claims[name].(string)
		if v == "" {
			continue
		}
		if name == "email" && claims["email_verified"] != true {
			continue
		}
		return name, v, true
	}
	return "", "", false
}

// userinfo reads the userinfo endpoint with the access token. Its sub must
// be the ID token's: otherwise the answer is about someone else (OpenID
// Connect Core 1.0, 5.3.2). Only a JSON answer is read, not a signed one.
func (p *Provider) userinfo(ctx context.Context, endpoint, accessToken, subject string) (map[string]any, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Accept", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: userinfo: %v", ErrUnavailable, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode >= 500:
		return nil, fmt.Errorf("%w: userinfo: %s", ErrUnavailable, resp.Status)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("userinfo: %s", resp.Status)
	}
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return nil, fmt.Errorf("userinfo: content type %q is not application/json", resp.Header.Get("Content-Type"))
	}
	var info map[string]any
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&info); err != nil {
		return nil, fmt.Errorf("userinfo: %w", err)
	}
	if sub, _ := info["sub"].(string); sub != subject {
		return nil, fmt.Errorf("userinfo: sub %q is not the ID token's", sub)
	}
	return info, nil
}

// idClaims are the ID token claims the app checks.
type idClaims struct {
	Issuer    string          `json:"iss"`
	Subject   string          `json:"sub"`
	Audience  json.RawMessage `json:"aud"`
	AZP       string          `json:"azp"`
	Expiry    int64           `json:"exp"`
	NotBefore int64           `json:"nbf"`
	IssuedAt  int64           `json:"iat"`
	Nonce     string          `json:"nonce"`
	ACR       string          `json:"acr"`
	raw       map[string]any
	audiences []string
}

// verify checks the JWS signature (RS256 only) and decodes the claims.
func (p *Provider) verify(ctx context.Context, ep oidcEndpoints, token string) (idClaims, error) {
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
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	verified := func(key *rsa.PublicKey) error {
		if rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], sig) != nil {
			return errors.New("id token: the signature does not verify")
		}
		return nil
	}
	key, err := p.key(ctx, ep.jwks, header.Kid, false)
	if err == nil {
		err = verified(key)
	}
	if err != nil && !errors.Is(err, ErrUnavailable) {
		// The provider may have rotated its key, under a new kid or the
		// same one: fetch the keys again (rate-limited) and try once more.
		fresh, ferr := p.key(ctx, ep.jwks, header.Kid, true)
		if ferr != nil {
			return idClaims{}, fmt.Errorf("%w (%v)", err, ferr)
		}
		err = verified(fresh)
	}
	if err != nil {
		return idClaims{}, err
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

// check validates the claims of a verified token (OpenID Connect Core 1.0,
// 3.1.3.7).
func (p *Provider) check(c idClaims, nonce string) error {
	now := p.Now()
	switch {
	case c.Issuer != p.cfg.Issuer:
		return fmt.Errorf("id token: issuer %q", c.Issuer)
	case !slices.Contains(c.audiences, p.cfg.ClientID):
		return errors.New("id token: not issued to this client")
	case len(c.audiences) > 1 && c.AZP == "":
		return errors.New("id token: several audiences and no authorized party (azp)")
	case c.AZP != "" && c.AZP != p.cfg.ClientID:
		return fmt.Errorf("id token: issued for another party (azp %q)", c.AZP)
	case c.Expiry == 0 || now.After(time.Unix(c.Expiry, 0).Add(clockSkew)):
		return errors.New("id token: expired")
	case c.NotBefore != 0 && now.Add(clockSkew).Before(time.Unix(c.NotBefore, 0)):
		return errors.New("id token: not valid yet (nbf)")
	case c.IssuedAt > now.Add(clockSkew).Unix():
		return errors.New("id token: issued in the future")
	case nonce == "" || c.Nonce != nonce:
		return errors.New("id token: nonce does not match")
	case len(p.cfg.AcceptACR) > 0 && !slices.Contains(p.cfg.AcceptACR, c.ACR):
		return fmt.Errorf("id token: level of assurance %q is too low", c.ACR)
	case c.Subject == "":
		return errors.New("id token: no subject")
	}
	return nil
}

func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// key returns the signing key kid. The keys are fetched when kid is not
// cached, or when refresh asks for it (a signature did not verify with the
// cached key), but never twice within JwksRefetch.
func (p *Provider) key(ctx context.Context, jwksURL, kid string, refresh bool) (*rsa.PublicKey, error) {
	p.kmu.Lock()
	defer p.kmu.Unlock()
	if k, ok := p.keys[kid]; ok && !refresh {
		return k, nil
	}
	if since := p.Now().Sub(p.keysAt); !p.keysAt.IsZero() && since < JwksRefetch {
		if p.keysErr != nil {
			return nil, p.keysErr
		}
		return nil, fmt.Errorf("jwks: no new key %q (the keys were fetched %s ago)", kid, since.Round(time.Millisecond))
	}
	p.keysAt = p.Now()
	keys, err := fetchJWKS(ctx, p.client, jwksURL)
	if err != nil {
		p.keysErr = fmt.Errorf("%w: jwks: %v", ErrUnavailable, err)
		return nil, p.keysErr
	}
	p.keys, p.keysErr = keys, nil
	if k, ok := keys[kid]; ok {
		return k, nil
	}
	return nil, fmt.Errorf("jwks: no RSA key %q", kid)
}

// fetchJWKS reads the RSA signing keys of a JWKS, by kid.
func fetchJWKS(ctx context.Context, client *http.Client, jwksURL string) (map[string]*rsa.PublicKey, error) {
	var set struct {
		Keys []struct {
			Kty string `json:"kty"`
			Kid string `json:"kid"`
			Use string `json:"use"`
			N   string `json:"n"`
			E   string `json:"e"`
		} `json:"keys"`
	}
	if err := getJSON(ctx, client, jwksURL, &set); err != nil {
		return nil, err
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
	return keys, nil
}
