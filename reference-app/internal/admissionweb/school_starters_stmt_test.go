package admissionweb_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	apipkg "github.com/oppvekst/oppvekst/reference-app/internal/web/api"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// The school starters page reads the starters' children in one statement
// (before, one each): at 2,000 more starters no more statements than the
// audit log's entry per child (one record per list is issue 24 part 4).
// The API pages by child ID and searches by name: the same number of
// statements at 100 and at 2,000 more.
func TestSchoolStartersStatementsDoNotGrowWithRows(t *testing.T) {
	ta := webtest.NewPostgres(t)
	ctx := t.Context()
	m := demo.Municipality
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	intakes, err := ta.DB.Intakes(ctx, m)
	require.NoError(t, err)
	var school admission.Intake
	for _, in := range intakes {
		if in.Kind == domain.School {
			school = in
		}
	}
	require.Equal(t, domain.School, school.Kind)
	page := "/admission/intakes/" + school.ID.String() + "/school-starters"
	// The new starters live at a demo child's address in the municipality.
	children, err := ta.DB.Children(ctx, m)
	require.NoError(t, err)
	var home domain.Address
	for _, ch := range children {
		if ch.Address.Municipality == m && ch.Address.Street != "" {
			home = ch.Address
			break
		}
	}
	require.NotEmpty(t, home.Street)
	starters := func(n int) {
		require.NoError(t, ta.DB.Atomic(ctx, func(ctx context.Context) error {
			for i := range n {
				c := domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: fmt.Sprintf("Skolestart%04d", i+1), FamilyName: "Storeng",
					BirthDate: date.New(school.AdmissionYear-6, time.Month(1+i%12), 1+i%28), Address: home}
				if err := ta.DB.CreateChild(ctx, c); err != nil {
					return err
				}
			}
			return nil
		}))
		resp := ta.Do(t, cw, "POST", page, "application/x-www-form-urlencoded", "")
		require.Equal(t, 303, resp.Status, resp.Body)
	}
	count := func(path string) int64 {
		require.Equal(t, 200, ta.Do(t, cw, "GET", path, "", "").Status, "warm")
		start, n := time.Now(), ta.SQL.Count()
		resp := ta.Do(t, cw, "GET", path, "", "")
		require.Equal(t, 200, resp.Status, resp.Body)
		stmts := ta.SQL.Count() - n
		t.Logf("%s: %d statements, %v, %d bytes", path, stmts, time.Since(start), len(resp.Body))
		return stmts
	}
	api := "/api/v1/intakes/" + school.ID.String() + "/school-starters"
	starters(100)
	smallPage, smallAPI, smallSearch := count(page), count(api+"?limit=50"), count(api+"?limit=50&q=skolestart")
	starters(1900)
	largePage, largeAPI, largeSearch := count(page), count(api+"?limit=50"), count(api+"?limit=50&q=skolestart")
	// The page lists each of the 1,900 new starters and logs them in one
	// record: its statements do not grow with them.
	assert.Equal(t, smallPage, largePage, "the page: no statement per starter")
	// The API pages: its statements do not grow at all.
	assert.Equal(t, smallAPI, largeAPI, "the API's page does not grow with the starters")
	assert.Equal(t, smallSearch, largeSearch, "nor its search")

	// Every starter once, in pages.
	seen := map[string]bool{}
	cursor := ""
	for range 20 {
		resp := ta.Do(t, cw, "GET", api+"?limit=200"+cursor, "", "")
		require.Equal(t, 200, resp.Status, resp.Body)
		var pg apipkg.Page[struct {
			Child string `json:"child"`
		}]
		require.NoError(t, json.Unmarshal([]byte(resp.Body), &pg))
		for _, it := range pg.Items {
			assert.False(t, seen[it.Child], "no starter twice")
			seen[it.Child] = true
		}
		if pg.NextCursor == "" {
			break
		}
		cursor = "&cursor=" + pg.NextCursor
	}
	assert.GreaterOrEqual(t, len(seen), 2000)
	refused(t, ta, cw, api)
}
