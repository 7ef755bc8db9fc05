package directoryweb_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// The staff's start page (the unit's groups today) reads the unit's
// children in one read: the same number of SQL statements, but for the
// audit log's, at 100 and at 2,000 children in the unit.
func TestStaffPageStatementsDoNotGrowWithRows(t *testing.T) {
	ta := webtest.NewPostgres(t)
	staff := ta.CookieFor(t, demo.PersonaOtherStaff)
	count := func(prefix string, n int) webtest.Count {
		_, err := webtest.BigUnit(t.Context(), ta, ta.Bjorkelia, prefix, n)
		require.NoError(t, err)
		c := ta.Counted(t, staff, "/staff")
		require.Contains(t, c.Body, prefix+"0001")
		require.Equal(t, n, strings.Count(c.Body, ">"+prefix), "every child of the unit is listed")
		t.Logf("/staff, %s (%d more children): %v", prefix, n, c)
		return c
	}
	small := count("Liten", 100)
	large := count("Stor", 1900)
	assert.Positive(t, small.Reads())
	assert.Equal(t, small.Reads(), large.Reads(), "the reads of the page do not grow with the children")
}

// A unit's page counts the children placed by group and, in a
// kindergarten, by age group, from one read of the children: the same
// number of SQL statements at 100 and at 2,000 children in the unit.
func TestUnitPageStatementsDoNotGrowWithRows(t *testing.T) {
	ta := webtest.NewPostgres(t)
	staff := ta.CookieFor(t, demo.PersonaOtherStaff)
	path := "/units/" + ta.Bjorkelia.String()
	count := func(prefix string, n int) webtest.Count {
		_, err := webtest.BigUnit(t.Context(), ta, ta.Bjorkelia, prefix, n)
		require.NoError(t, err)
		c := ta.Counted(t, staff, path)
		t.Logf("%s, %s (%d more children): %v", path, prefix, n, c)
		return c
	}
	small := count("Liten", 100)
	large := count("Stor", 1900)
	assert.Positive(t, small.Reads())
	assert.Equal(t, small.Reads(), large.Reads(), "the reads of the page do not grow with the children")
}
