package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	s := out.String()
	for _, want := range []string{
		`bulletin as Kari sees it: "Vi går på tur fredag. Husk &lt;b&gt;matpakke&lt;/b&gt;!", other recipients shown: 0`,
		`refused: invalid input: attachments[0].contentType: is-not-an-allowed-type (contentType=application/x-msdownload, join=`,
		"dispatched 4 deliveries",
		"e-mail to kari@example.no",
		`msg="digital mailbox delivery (logged, not sent)"`,
		"sent     email           en     Offer of a place at Solsikken barnehage",
		"sent     digital-mailbox nb     Tilbud om plass i Solsikken barnehage",
	} {
		assert.Contains(t, s, want)
	}
	assert.NotContains(t, s, "per@example.no", "no parental responsibility, no § 47 request: nothing")
	assert.NotContains(t, s, "ola@example.no", "strengt fortrolig: never by e-mail")
	assert.Equal(t, 2, strings.Count(s, "e-mail to kari@example.no"))
}
