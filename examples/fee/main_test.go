package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(&out))
	// By hand: cap 0.06 × 300000 ÷ 11 = 1636.3636…
	// Emma (born 2019, 45 h): 2000 → 1636.36 → × 21/41 = 838.14, child 1.
	// Sara (born 2023, 45 h, not yet in the free-core window): 2000 → 1636.36, child 2: × 0.70 = 1145.45.
	// Jonas (born 2021, 30 h): 1200 → × 10/30 = 400, child 3: × 0 = 0.
	for _, want := range []string{
		"Nasjonale regler fra 2024-08-01",
		"Barn Emma: foreldrebetaling 838,14 kr, kost 400,00 kr",
		"Barn Sara: foreldrebetaling 1 145,45 kr, kost 400,00 kr",
		"Barn Jonas: foreldrebetaling 0,00 kr, kost 240,00 kr",
		"Søskenmoderasjon: barn nr. 3 (høyeste pris først), 100 %",
		"Totalt: 3 023,59 kr",
	} {
		assert.Contains(t, out.String(), want)
	}
}
