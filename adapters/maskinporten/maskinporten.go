// Package maskinporten gets access tokens from Maskinporten, Digdir's
// server-to-server authorization service, for the national APIs that
// require one (the population register: scope "skatteetaten:medhjemmel").
//
// The client sends a JWT grant (RFC 7523) to the token endpoint, as
// Digdir documents it:
//
//   - the grant's header has alg RS256 and the kid of the key registered
//     for the client;
//   - its claims are aud (Maskinporten's issuer identifier, e.g.
//     "https://maskinporten.no/"; the token endpoint's URL is not accepted),
//     iss (the client ID), scope (space-separated), iat and exp (a short-
//     lived grant: two minutes) and a unique jti — no other claims;
//   - it is POSTed as application/x-www-form-urlencoded with grant_type
//     "urn:ietf:params:oauth:grant-type:jwt-bearer" and assertion;
//   - the answer is JSON with access_token and expires_in (seconds); an
//     error is JSON with error and error_description.
//
// A token is reused until a minute before it expires. Documents followed:
// https://docs.digdir.no/docs/Maskinporten/maskinporten_protocol_jwtgrant
// and https://docs.digdir.no/docs/Maskinporten/maskinporten_protocol_token.
// Tested against a local server playing Maskinporten (maskinporten_test.go);
// never against the real service.
package maskinporten

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/oppvekst/oppvekst/domain"
)

// GrantType is the grant_type of a JWT grant.
const GrantType = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// GrantLifetime is how long a grant is valid after it is issued.
const GrantLifetime = 2 * time.Minute

// Options configure a Source.
type Options struct {
	// TokenURL is the token endpoint, e.g. https://maskinporten.no/token.
	TokenURL string
	// Audience is Maskinporten's issuer identifier, e.g.
	// https://maskinporten.no/.
	Audience string
	// ClientID is the integration's client ID (the grant's iss).
	ClientID string
	// KeyID is the kid of the key registered for the client.
	KeyID string
	// Key signs the grant (RS256).
	Key *rsa.PrivateKey
	// Scopes are the scopes asked for.
	Scopes []string
	// Clock defaults to the system clock.
	Clock domain.Clock
	// HTTPClient defaults to a client with a 30 s timeout.
	HTTPClient *http.Client
}

// Source hands out access tokens, fetching a new one when the last is
// about to expire. It is safe for concurrent use.
type Source struct {
	opts    Options
	mu      sync.Mutex
	token   string
	expires time.Time
}

// New checks the options and returns a source.
func New(opts Options) (*Source, error) {
	var missing []string
	for name, v := range map[string]string{"TokenURL": opts.TokenURL, "Audience": opts.Audience, "ClientID": opts.ClientID, "KeyID": opts.KeyID} {
		if strings.TrimSpace(v) == "" {
			missing = append(missing, name)
		}
	}
	if opts.Key == nil {
		missing = append(missing, "Key")
	}
	if len(opts.Scopes) == 0 {
		missing = append(missing, "Scopes")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("maskinporten: missing %s", strings.Join(missing, ", "))
	}
	if u, err := url.Parse(opts.TokenURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("maskinporten: token URL %q is not an http(s) URL", opts.TokenURL)
	}
	if opts.Clock == nil {
		opts.Clock = domain.SystemClock{}
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	return &Source{opts: opts}, nil
}

// ParseKey reads an RSA private key from PEM (PKCS #8 or PKCS #1).
func ParseKey(pemBytes []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("maskinporten: no PEM block in the key")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("maskinporten: key: %w", err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("maskinporten: the key is not an RSA key")
	}
	return rk, nil
}

// Token returns a valid access token: the last one while it has more than
// a minute left, a new one otherwise.
func (s *Source) Token(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Clock.Now()
	if s.token != "" && now.Add(time.Minute).Before(s.expires) {
		return s.token, nil
	}
	grant, err := s.Grant(now)
	if err != nil {
		return "", err
	}
	form := url.Values{"grant_type": {GrantType}, "assertion": {grant}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.opts.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := s.opts.HTTPClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("maskinporten: %w: %w", domain.ErrUnavailable, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("maskinporten: %w: %w", domain.ErrUnavailable, err)
	}
	var answer struct {
		AccessToken      string `json:"access_token"`
		ExpiresIn        int64  `json:"expires_in"`
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}
	_ = json.Unmarshal(body, &answer)
	if resp.StatusCode != http.StatusOK {
		err := fmt.Errorf("maskinporten: HTTP %d %s: %s", resp.StatusCode, answer.Error, answer.ErrorDescription)
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
			err = fmt.Errorf("%w: %w", domain.ErrUnavailable, err)
		}
		return "", err
	}
	if answer.AccessToken == "" || answer.ExpiresIn <= 0 {
		return "", errors.New("maskinporten: the answer has no access_token or expires_in")
	}
	s.token = answer.AccessToken
	s.expires = now.Add(time.Duration(answer.ExpiresIn) * time.Second)
	return s.token, nil
}

// Grant returns a signed JWT grant issued at now.
func (s *Source) Grant(now time.Time) (string, error) {
	jti := make([]byte, 16)
	if _, err := rand.Read(jti); err != nil {
		return "", err
	}
	header, err := json.Marshal(map[string]string{"alg": "RS256", "kid": s.opts.KeyID})
	if err != nil {
		return "", err
	}
	claims, err := json.Marshal(map[string]any{
		"aud": s.opts.Audience, "iss": s.opts.ClientID, "scope": strings.Join(s.opts.Scopes, " "),
		"iat": now.Unix(), "exp": now.Add(GrantLifetime).Unix(), "jti": hex.EncodeToString(jti),
	})
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	signing := enc.EncodeToString(header) + "." + enc.EncodeToString(claims)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, s.opts.Key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("maskinporten: sign the grant: %w", err)
	}
	return signing + "." + enc.EncodeToString(sig), nil
}
