package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	for _, want := range []string{
		"Emma Nordmann, født 2021-04-02 (028421*****)",
		"foresatt Ola Hansen: foreldreansvar=false, får informasjon=true",
		"overlapping placement: conflict=true field=period",
		"kommunenummer 12A4: invalid=true field=municipality",
		"not found=true",
	} {
		assert.Contains(t, out.String(), want)
	}
}
