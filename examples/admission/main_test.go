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
		"Sara Nordmann har fått tilbud om plass i Blåklokka fra 1. august 2025. Det var 3. valg i søknaden.",
		"Avgjort av: lovfestet prioritet.",
		"Vedtaket er gjort etter barnehageloven §§ 16–18",
		"Klagefristen er tre uker fra den dagen du mottok dette brevet. Regnet fra datoen på brevet er siste dag for å klage 2. april 2025.",
		"Statsforvalteren",
		"forvaltningsloven § 18, med unntakene i § 19",
	} {
		assert.Contains(t, out.String(), want)
	}
}
