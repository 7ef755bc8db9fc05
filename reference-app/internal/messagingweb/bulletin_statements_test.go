package messagingweb_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// A bulletin to the whole municipality costs the same number of SQL
// statements however many units and recipients the municipality has: the
// children placed that day are one read, not a read per unit (issue 22
// part 2, the bulletin's recipient resolution), and the thread shown back
// names its recipients from one read, not a read per guardian.
func TestMunicipalityBulletinStatementsDoNotGrowWithUnits(t *testing.T) {
	ta := webtest.NewPostgres(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	post := func(subject string) (int64, string) {
		before := ta.SQL.Count()
		resp := ta.Do(t, cw, "POST", "/api/v1/threads", "application/json",
			fmt.Sprintf(`{"scope":"municipality","subject":%q,"body":"Alle barnehager og skoler er stengt.","bulletin":true}`, subject))
		require.Equal(t, 201, resp.Status, resp.Body)
		return ta.SQL.Count() - before, resp.Body
	}
	post("Oppvarming") // the first post of a session prepares its statements
	few, _ := post("Planleggingsdag")

	ctx := context.Background()
	require.NoError(t, ta.DB.Atomic(ctx, func(ctx context.Context) error {
		for i := range 60 {
			u := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: demo.Municipality,
				Name: fmt.Sprintf("Ekstra barnehage %02d", i), Kind: domain.Kindergarten, Owner: domain.Municipal}
			if err := ta.DB.CreateUnit(ctx, u); err != nil {
				return err
			}
		}
		return nil
	}))
	_, err := webtest.BigUnit(ctx, ta, ta.Bjorkelia, "Flere", 200)
	require.NoError(t, err)
	many, body := post("Stengt")
	t.Logf("a municipality bulletin: %d statements with the demo's units, %d with 60 more units and 200 more children", few, many)
	assert.Equal(t, few, many, "statements grew with the units or the recipients")
	assert.Contains(t, body, `"Stengt"`)
	assert.Contains(t, body, "ForelderFlere0200 Storeng", "the new families are among its recipients")
}
