package billingweb_test

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// TestFamiliesTimes measures the families API and page (minimum of five)
// at 2,000 families and at OPPVEKST_BIG_FAMILIES (when set, e.g. 20000),
// with the statements and rows each reads: for the capacity notes, not a
// check (it runs only when asked).
func TestFamiliesTimes(t *testing.T) {
	big, _ := strconv.Atoi(os.Getenv("OPPVEKST_BIG_FAMILIES"))
	if big <= 2000 {
		t.Skip("set OPPVEKST_BIG_FAMILIES to measure")
	}
	ta := webtest.NewPostgres(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	paths := []string{"/api/v1/families?limit=50", "/api/v1/families?limit=50&q=storeng", "/api/v1/families?limit=50&q=betaler0042+storeng",
		"/billing/families", "/billing/families?q=betaler0042+storeng"}
	had := 0
	for _, n := range []int{2000, big} {
		require.NoError(t, webtest.BigFamilies(t.Context(), ta, n-had))
		had = n
		for _, p := range paths {
			require.Equal(t, 200, ta.Do(t, cw, "GET", p, "", "").Status, "warm")
			var best time.Duration
			var stmts, rows int64
			for range 5 {
				s, r, start := ta.SQL.Count(), ta.SQL.Rows(), time.Now()
				resp := ta.Do(t, cw, "GET", p, "", "")
				took := time.Since(start)
				require.Equal(t, 200, resp.Status)
				stmts, rows = ta.SQL.Count()-s, ta.SQL.Rows()-r
				if best == 0 || took < best {
					best = took
				}
			}
			t.Logf("%d families: %s: %d statements, %d rows, min %v", n, p, stmts, rows, best)
		}
	}
}
