package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/maskinporten"
)

// The register is off unless -registry is given; with it, a token is
// required, from a file read at every call or from the environment.
func TestParseConfigRegistry(t *testing.T) {
	none := func(string) string { return "" }
	c, err := parseConfig(nil, none, io.Discard)
	require.NoError(t, err)
	assert.Empty(t, c.RegistryURL)
	assert.Nil(t, c.RegistryToken)

	const url = "https://folkeregisteret.example/folkeregisteret/offentlig-med-hjemmel/api/v1/"
	_, err = parseConfig([]string{"-registry", url}, none, io.Discard)
	assert.ErrorContains(t, err, "needs a Maskinporten token")

	env := map[string]string{"OPPVEKST_REGISTRY_URL": url, "OPPVEKST_REGISTRY_TOKEN": " static-token\n"}
	c, err = parseConfig(nil, func(k string) string { return env[k] }, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, url, c.RegistryURL)
	tok, err := c.RegistryToken(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "static-token", tok)

	file := filepath.Join(t.TempDir(), "token")
	_, err = parseConfig([]string{"-registry", url, "-registry-token-file", file}, none, io.Discard)
	assert.ErrorContains(t, err, "-registry-token-file", "a missing file is refused at start")
	require.NoError(t, os.WriteFile(file, []byte("first\n"), 0o600))
	c, err = parseConfig([]string{"-registry", url, "-registry-token-file", file}, func(k string) string { return env[k] }, io.Discard)
	require.NoError(t, err)
	tok, err = c.RegistryToken(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "first", tok, "the file wins over the environment")
	require.NoError(t, os.WriteFile(file, []byte("renewed"), 0o600))
	tok, err = c.RegistryToken(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "renewed", tok, "read again at every call")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	_, err = c.RegistryToken(t.Context())
	assert.Error(t, err, "an empty file is no token")
}

// With a Maskinporten client instead of a token, the app fetches its
// tokens itself: a grant signed with the key file, at the token URL.
func TestParseConfigRegistryMaskinporten(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	keyFile := filepath.Join(t.TempDir(), "key.pem")
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600))
	var grants int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.PostFormValue("grant_type") != maskinporten.GrantType || r.PostFormValue("assertion") == "" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		grants++
		_, _ = w.Write([]byte(`{"access_token":"from-maskinporten","expires_in":120}`))
	}))
	t.Cleanup(srv.Close)
	env := map[string]string{"OPPVEKST_REGISTRY_URL": "https://folkeregisteret.example/api/v1/",
		"OPPVEKST_MASKINPORTEN_CLIENT_ID": "client-1", "OPPVEKST_MASKINPORTEN_KEY_ID": "key-1",
		"OPPVEKST_MASKINPORTEN_TOKEN_URL": srv.URL + "/token"}
	getenv := func(k string) string { return env[k] }
	_, err = parseConfig(nil, getenv, io.Discard)
	assert.ErrorContains(t, err, "OPPVEKST_MASKINPORTEN_KEY_FILE")
	env["OPPVEKST_MASKINPORTEN_KEY_FILE"] = keyFile
	c, err := parseConfig(nil, getenv, io.Discard)
	require.NoError(t, err)
	tok, err := c.RegistryToken(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "from-maskinporten", tok)
	assert.Equal(t, 1, grants)
}
