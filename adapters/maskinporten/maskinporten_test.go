package maskinporten_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/maskinporten"
	"github.com/oppvekst/oppvekst/domain"
)

// fakeMaskinporten plays the token endpoint: it checks the grant's form,
// header, claims and signature as Digdir documents them, and answers a
// token, or the documented error body.
type fakeMaskinporten struct {
	t      *testing.T
	key    *rsa.PublicKey
	now    func() time.Time
	mu     sync.Mutex
	grants []map[string]any
	status int // when set, every answer fails with it
}

func (f *fakeMaskinporten) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fail := func(status int, code, desc string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
	}
	f.mu.Lock()
	status, key := f.status, f.key
	f.mu.Unlock()
	if status != 0 {
		fail(status, "server_error", "try again")
		return
	}
	if r.Method != http.MethodPost || r.URL.Path != "/token" || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		fail(http.StatusBadRequest, "invalid_request", "POST a form to /token")
		return
	}
	if r.PostFormValue("grant_type") != maskinporten.GrantType {
		fail(http.StatusBadRequest, "unsupported_grant_type", r.PostFormValue("grant_type"))
		return
	}
	parts := strings.Split(r.PostFormValue("assertion"), ".")
	if len(parts) != 3 {
		fail(http.StatusBadRequest, "invalid_grant", "Invalid assertion")
		return
	}
	enc := base64.RawURLEncoding
	var header map[string]string
	var claims map[string]any
	hb, _ := enc.DecodeString(parts[0])
	cb, _ := enc.DecodeString(parts[1])
	sig, _ := enc.DecodeString(parts[2])
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if json.Unmarshal(hb, &header) != nil || json.Unmarshal(cb, &claims) != nil ||
		rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig) != nil {
		fail(http.StatusBadRequest, "invalid_grant", "Invalid assertion. Client authentication failed.")
		return
	}
	if header["alg"] != "RS256" || header["kid"] != "key-1" || claims["aud"] != "https://test.maskinporten.no/" {
		fail(http.StatusBadRequest, "invalid_grant", "Invalid assertion. Client authentication failed. Invalid JWT claim aud")
		return
	}
	for k := range claims {
		switch k {
		case "aud", "iss", "scope", "iat", "exp", "jti":
		default:
			fail(http.StatusBadRequest, "invalid_grant", "Invalid assertion: claim "+k)
			return
		}
	}
	iat, exp := int64(claims["iat"].(float64)), int64(claims["exp"].(float64))
	if now := f.now().Unix(); iat > now+10 || exp < now || exp-iat > 120 {
		fail(http.StatusBadRequest, "invalid_grant", "Invalid assertion: iat/exp")
		return
	}
	f.mu.Lock()
	f.grants = append(f.grants, claims)
	n := len(f.grants)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "token-" + string(rune('0'+n)), "token_type": "Bearer", "expires_in": 120, "scope": claims["scope"]})
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func setup(t *testing.T) (*maskinporten.Source, *fakeMaskinporten, *clock, *rsa.PrivateKey) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	clk := &clock{t: time.Now()}
	fake := &fakeMaskinporten{t: t, key: &key.PublicKey, now: clk.Now}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	src, err := maskinporten.New(maskinporten.Options{TokenURL: srv.URL + "/token", Audience: "https://test.maskinporten.no/",
		ClientID: "client-1", KeyID: "key-1", Key: key, Scopes: []string{"skatteetaten:medhjemmel"}, Clock: clk})
	require.NoError(t, err)
	return src, fake, clk, key
}

// A token is fetched with a documented grant, reused while it has more
// than a minute left, and fetched again after.
func TestToken(t *testing.T) {
	src, fake, clk, _ := setup(t)
	tok, err := src.Token(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "token-1", tok)
	require.Len(t, fake.grants, 1)
	g := fake.grants[0]
	assert.Equal(t, "client-1", g["iss"])
	assert.Equal(t, "skatteetaten:medhjemmel", g["scope"])
	assert.NotEmpty(t, g["jti"])

	clk.add(59 * time.Second)
	tok, err = src.Token(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "token-1", tok, "reused with 61 s left")
	clk.add(2 * time.Second)
	tok, err = src.Token(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "token-2", tok, "renewed with less than a minute left")
	assert.NotEqual(t, fake.grants[0]["jti"], fake.grants[1]["jti"], "each grant has its own jti")
}

// Refusals: a grant signed by another key is a plain error with the
// service's description; 5xx is unavailable.
func TestTokenRefused(t *testing.T) {
	src, fake, _, _ := setup(t)
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	fake.mu.Lock()
	fake.key = &other.PublicKey
	fake.mu.Unlock()
	_, err = src.Token(t.Context())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "invalid_grant")
	assert.NotErrorIs(t, err, domain.ErrUnavailable)

	fake.mu.Lock()
	fake.status = http.StatusServiceUnavailable
	fake.mu.Unlock()
	_, err = src.Token(t.Context())
	assert.ErrorIs(t, err, domain.ErrUnavailable)
}

func TestNewAndParseKey(t *testing.T) {
	_, err := maskinporten.New(maskinporten.Options{})
	assert.ErrorContains(t, err, "missing")
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	for _, block := range []*pem.Block{{Type: "PRIVATE KEY", Bytes: pkcs8}, {Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}} {
		got, err := maskinporten.ParseKey(pem.EncodeToMemory(block))
		require.NoError(t, err)
		assert.True(t, key.Equal(got))
	}
	_, err = maskinporten.ParseKey([]byte("not a key"))
	assert.Error(t, err)
}
