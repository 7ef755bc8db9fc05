package attendanceweb_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// The check-in board and the school absence page read the unit's children
// in one read: the same number of SQL statements, but for the audit log's,
// at 100 and at 2,000 children in the unit.
func TestStaffAttendancePagesStatementsDoNotGrowWithRows(t *testing.T) {
	ta := webtest.NewPostgres(t)
	kindergarten := ta.CookieFor(t, demo.PersonaOtherStaff)
	school := ta.CookieFor(t, demo.PersonaStaff)
	nordby := ta.UnitNamed(t, "Nordby skole")
	type page struct {
		cookie, path string
		unit         string
	}
	pages := []page{{kindergarten, "/staff/attendance", "Bjørkelia"}, {school, "/staff/school-absence", "Nordby skole"}}
	counts := map[string][]webtest.Count{}
	for _, size := range []struct {
		prefix string
		n      int
	}{{"Liten", 100}, {"Stor", 1900}} {
		_, err := webtest.BigUnit(t.Context(), ta, ta.Bjorkelia, size.prefix, size.n)
		require.NoError(t, err)
		_, err = webtest.BigUnit(t.Context(), ta, nordby, "Elev"+size.prefix, size.n)
		require.NoError(t, err)
		for _, p := range pages {
			c := ta.Counted(t, p.cookie, p.path)
			require.Contains(t, c.Body, size.prefix+"0001", p.path)
			t.Logf("%s (%s, %d more children): %v", p.path, p.unit, size.n, c)
			counts[p.path] = append(counts[p.path], c)
		}
	}
	for _, p := range pages {
		small, large := counts[p.path][0], counts[p.path][1]
		assert.Positive(t, small.Reads())
		assert.Equal(t, small.Reads(), large.Reads(), "the reads of %s do not grow with the children", p.path)
	}
}
