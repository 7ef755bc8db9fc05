package main

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
