package directoryweb_test

import (
	"encoding/json"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// GET /api/v1/children reads one page in SQL, its search too: the same
// number of statements with 100 and with 2,000 children more, and never
// more rows than a page (OPPVEKST_BIG_CHILDREN=20000 measures a larger step as well).
func TestChildrenAPIStatementsAndRowsDoNotGrow(t *testing.T) {
	ta := webtest.NewPostgres(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	paths := []string{"/api/v1/children?limit=50", "/api/v1/children?limit=50&q=storeng", "/api/v1/children?limit=50&q=barn0042+STORENG"}
	type work struct{ stmts, rows int64 }
	measure := func(n int) []work {
		require.NoError(t, moreKindergartens(t.Context(), ta, n))
		var out []work
		for _, p := range paths {
			require.Equal(t, 200, ta.Do(t, cw, "GET", p, "", "").Status, "warm")
			var best time.Duration
			var w work
			for range 3 {
				stmts, rows, start := ta.SQL.Count(), ta.SQL.Rows(), time.Now()
				resp := ta.Do(t, cw, "GET", p, "", "")
				took := time.Since(start)
				require.Equal(t, 200, resp.Status, resp.Body)
				w = work{ta.SQL.Count() - stmts, ta.SQL.Rows() - rows}
				if best == 0 || took < best {
					best = took
				}
				var pg api.Page[web.ChildSummary]
				require.NoError(t, json.Unmarshal([]byte(resp.Body), &pg))
				assert.NotEmpty(t, pg.Items, p)
			}
			t.Logf("%s with %d children more: %d statements, %d rows, min %v", p, n, w.stmts, w.rows, best)
			out = append(out, w)
		}
		return out
	}
	small := measure(100)
	large := measure(1900)
	for i, p := range paths {
		assert.Positive(t, small[i].stmts, p)
		assert.Equal(t, small[i].stmts, large[i].stmts, "%s: the statements do not grow with the children", p)
		assert.LessOrEqual(t, large[i].rows, int64(60), "%s: a page's rows (51) and the session's, not the children", p)
	}
	if n, _ := strconv.Atoi(os.Getenv("OPPVEKST_BIG_CHILDREN")); n > 2000 {
		measure(n - 2000)
	}
}
