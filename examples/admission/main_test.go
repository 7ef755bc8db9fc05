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
		// Emma (statutory) takes Solsikken, Jonas (local criterion) Løvetann,
		// Sara her third choice with the twins at Blåklokka; Nora waits.
		"Kjøring: 6 barn, 5 fikk plass, 4 fikk 1. valg, rangfordeling [4 0 1], berettiget misunnelse 0, søsken sammen 1 av 1, ledige plasser 0",
		"Emma takket ja: plass i Solsikken fra 2025-08-01, 41 timer",
		"Jonas takket nei; plassen går videre:\n  notice offer.sent: Løvetann, svar innen 2025-03-22",
		"Utløpt: 1 tilbud",
		"Sara: ikke besvart innen fristen",
		"Nora: tilbud sendt",
		"Ola: takket ja",
		"Kari: takket ja",
		"Sara Nordmann har fått tilbud om plass i Blåklokka fra 2025-08-01. Det var 3. valg i søknaden.",
		"Avgjort av: lovfestet prioritet.",
		"Klagefristen er 3 uker, til og med 2025-04-02.",
	} {
		assert.Contains(t, out.String(), want)
	}
}
