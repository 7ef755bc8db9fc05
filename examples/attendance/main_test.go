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
		"Sendt to ganger, lagret én gang: true",
		"Avvist: invalid input: kind: the-child-has-not-been-checked-in-on (day=2025-09-10)",
		"Henting: Hentet av en som ikke står på hentelisten.",
		"  Emma Berg: ikke kommet",
		"  Jonas Berg: borte (syk)",
		"  Sara Berg: hentet",
		"  Liv Berg: til stede",
		// Still present at 17:00, when nobody is on duty: Nora (born 2023,
		// under three), Liv, Ali (2021) and Per (2022, over three from
		// August 2025): 1/3 + 3/6 = 0.83, one adult.
		"Verst: Kl. 17:00: 1 barn under tre og 3 over tre krever 1 voksne",
		"0 på vakt, det mangler 1.",
		"Varsel absence.undocumented til foresatte: map[child:Ida date:2025-09-10 hours:2 unit:Bakken skole wholeDay:false]",
		"2025/26, 9. trinn: 0 dager og 2 timer fravær",
	} {
		assert.Contains(t, out.String(), want)
	}
}
