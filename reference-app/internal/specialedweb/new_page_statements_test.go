package specialedweb_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// placePupils places n new pupils at the unit from the demo's school
// year's start, in one transaction.
func placePupils(ctx context.Context, ta *webtest.Harness, unit domain.UnitID, prefix string, n int) error {
	m := demo.Municipality
	return ta.DB.Atomic(ctx, func(ctx context.Context) error {
		for i := range n {
			c := domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: fmt.Sprintf("%s%04d", prefix, i+1), FamilyName: "Storskole",
				BirthDate: date.New(2017, time.March, 1+i%28)}
			if err := ta.DB.CreateChild(ctx, c); err != nil {
				return err
			}
			p := domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: m, ChildID: c.ID, UnitID: unit, Kind: domain.School,
				Period: domain.Period{Start: date.New(2025, time.August, 1), End: date.New(2026, time.July, 31)}}
			if err := ta.DB.CreatePlacement(ctx, p); err != nil {
				return err
			}
		}
		return nil
	})
}

// The form for a new concern lists the children placed at the staff's
// units with as many SQL statements for a school of 100 more pupils as for
// one of 2,000 more: the children are read in one batch, not one by one.
func TestNewConcernPageStatementsDoNotGrowWithPupils(t *testing.T) {
	ta := webtest.NewPostgres(t)
	units, err := ta.DB.Units(t.Context(), demo.Municipality)
	require.NoError(t, err)
	var unit domain.UnitID
	for _, u := range units {
		if u.Name == "Nordby skole" {
			unit = u.ID
		}
	}
	require.False(t, unit.IsZero(), "the demo has Nordby skole")
	staff := ta.CookieFor(t, demo.PersonaStaff)
	count := func(prefix string, n int) (int64, int) {
		require.NoError(t, placePupils(t.Context(), ta, unit, prefix, n))
		require.Equal(t, 200, ta.Do(t, staff, "GET", "/special-education/new", "", "").Status, "warm")
		before := ta.SQL.Count()
		resp := ta.Do(t, staff, "GET", "/special-education/new", "", "")
		require.Equal(t, 200, resp.Status, resp.Body)
		return ta.SQL.Count() - before, strings.Count(resp.Body, " Storskole (Nordby skole)")
	}
	small, shown := count("Liten", 100)
	assert.Equal(t, 100, shown)
	large, shown := count("Stor", 1900)
	assert.Equal(t, 2000, shown, "every pupil is a choice")
	t.Logf("new concern: %d statements with 100 pupils more, %d with 2,000", small, large)
	assert.Positive(t, small)
	assert.Equal(t, small, large, "the statements do not grow with the pupils")
}
