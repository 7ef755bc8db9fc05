package main

import (
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The contact register is off unless -krr is given; with it, a token is
// required, and the register's own token variables are read (not the
// population register's).
func TestParseConfigKRR(t *testing.T) {
	none := func(string) string { return "" }
	c, err := parseConfig(nil, none, io.Discard)
	require.NoError(t, err)
	assert.Empty(t, c.KRRURL)
	assert.Nil(t, c.KRRToken)

	const url = "https://krr.example/rest/v1/"
	_, err = parseConfig([]string{"-krr", url}, none, io.Discard)
	assert.ErrorContains(t, err, "-krr needs a Maskinporten token: -krr-token-file, OPPVEKST_KRR_TOKEN")

	env := map[string]string{"OPPVEKST_KRR_URL": url, "OPPVEKST_KRR_TOKEN": " krr-token\n", "OPPVEKST_REGISTRY_TOKEN": "registry-token"}
	c, err = parseConfig(nil, func(k string) string { return env[k] }, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, url, c.KRRURL)
	tok, err := c.KRRToken(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "krr-token", tok)
	assert.Empty(t, c.RegistryURL, "the population register stays off")

	_, err = parseConfig([]string{"-krr", url, "-krr-token-file", t.TempDir() + "/missing"}, none, io.Discard)
	assert.ErrorContains(t, err, "-krr-token-file", "a missing file is refused at start")
}
