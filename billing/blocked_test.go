package billing

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// freeCoreBirths names exactly the birth years inFreeCoreWindow takes, in
// every month of twelve years.
func TestFreeCoreBirths(t *testing.T) {
	tb, err := NationalTables()
	require.NoError(t, err)
	k := tb.Constants
	for y := 2020; y < 2032; y++ {
		for mo := time.January; mo <= time.December; mo++ {
			m := Month{Year: y, Month: mo}
			born, ok := freeCoreBirths(k, m)
			require.True(t, ok, m.String())
			for by := y - 10; by <= y+1; by++ {
				in := by >= born.Start.Year() && by <= born.End.Year()
				assert.Equal(t, k.inFreeCoreWindow(by, m), in, "%s born %d", m, by)
			}
		}
	}
	m := Month{Year: 2025, Month: time.November}
	born, _ := freeCoreBirths(k, m)
	assert.Equal(t, "2020-01-01", born.Start.String())
	assert.Equal(t, "2023-12-31", born.End.String())
	_, ok := freeCoreBirths(KindergartenConstants{FreeCoreFromAge: 6, FreeCoreUntilAge: 2, YearStartMonth: time.August}, m)
	assert.False(t, ok, "an empty window")
}
