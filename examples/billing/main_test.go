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
	// By hand: September without income: 2 000 + food 400 = 2 400.
	// October, income 330 000: cap 0.06 × 330 000 ÷ 11 = 1 800; free core
	// hours (Emil born 2021, income below 642 700): 1 800 × 21/41 = 921.95.
	// Correction for September: 921.95 − 2 000 = −1 078.05.
	// October total: 921.95 + 400 − 1 078.05 = 243.90; paid 100: 143.90 short.
	for _, want := range []string{
		"price list of 2 100 kr: invalid input: kindergarten.fullTimePrice",
		"invoice 1 for 2024-09, KID 0000000018, total 2 400,00 kr",
		"invoice 2 for 2024-10, KID 0000000026, total 243,90 kr",
		"2024-09 fee correction: -1 078,05 kr",
		"Gratis kjernetid: 1 800,00 kr → 921,95 kr",
		"notice invoice.ready to the payer: invoice 2, 243,90 kr, KID 0000000026, due 2024-10-20",
		"finance CSV: 3 rows after the header",
		"payments: 2 recorded, 1 paid in full, 1 underpaid (-143.90), 0 unknown KIDs, 0 bad lines",
	} {
		assert.Contains(t, out.String(), want)
	}
}
