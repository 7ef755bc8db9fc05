package demo_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// TestDemoAddresses: every demo child and guardian has a valid registered
// address in the demo municipality on one of its streets; a child shares
// the address of every guardian it lives with, and a guardian who lives
// elsewhere has another; the protected street belongs to the strictly
// protected family alone; and the streets are used with odd and even
// house numbers (for catchment areas by number range).
func TestDemoAddresses(t *testing.T) {
	s := tempStore(t)
	require.NoError(t, demo.Seed(context.Background(), s, at(2025, time.November, 22)))
	d := webtest.ReadDemo(t, s)
	postcodes := map[string]string{}
	for _, st := range demo.Streets {
		postcodes[st.Name] = st.Postcode
	}
	check := func(who string, a domain.Address, p domain.AddressProtection) {
		t.Helper()
		require.NoError(t, a.Validate(), who)
		assert.Equal(t, demo.Municipality, a.Municipality, who)
		assert.Equal(t, demo.PostTown, a.PostTown, who)
		if a.Street == demo.ProtectedStreet {
			assert.True(t, p.Strict(), "%s lives in the protected street without protection", who)
			return
		}
		assert.False(t, p.Protected(), "%s is protected but not at the protected address", who)
		name, number, ok := splitStreet(a.Street)
		require.True(t, ok, "%s: street address %q", who, a.Street)
		assert.Equal(t, postcodes[name], a.Postcode, "%s: %s", who, a.Street)
		assert.Positive(t, number, who)
	}
	streets := map[string]map[bool]int{} // street name → odd? → households
	seen := map[string]bool{}
	for _, c := range d.Children {
		who := c.GivenName + " " + c.FamilyName
		check(who, c.Address, c.AddressProtection)
		for _, gs := range d.Guardianships[c.ID] {
			g := d.Guardians[gs.GuardianID]
			if gs.LivesWithChild {
				assert.Equal(t, c.Address, g.Address, "%s lives with %s %s", who, g.GivenName, g.FamilyName)
			} else {
				assert.NotEqual(t, c.Address, g.Address, "%s lives apart from %s %s", who, g.GivenName, g.FamilyName)
			}
		}
		if name, number, ok := splitStreet(c.Address.Street); ok && !seen[c.Address.Street] {
			seen[c.Address.Street] = true
			if streets[name] == nil {
				streets[name] = map[bool]int{}
			}
			streets[name][number%2 == 1]++
		}
	}
	for _, g := range d.Guardians {
		check(g.GivenName+" "+g.FamilyName, g.Address, g.AddressProtection)
	}
	assert.GreaterOrEqual(t, len(streets), 8, "households on most streets: %v", streets)
	both := 0
	for _, n := range streets {
		if n[true] > 0 && n[false] > 0 {
			both++
		}
	}
	assert.GreaterOrEqual(t, both, 5, "streets with odd and even numbers: %v", streets)
	var solheims int
	for _, c := range d.Children {
		if c.Address.Street == demo.ProtectedStreet {
			solheims++
			assert.Equal(t, "Solheim", c.FamilyName)
		}
	}
	assert.Equal(t, 1, solheims, "Aurora Solheim lives in the protected street")
}

// splitStreet splits "Strandgata 12 B" into the street name and the house
// number.
func splitStreet(s string) (string, int, bool) {
	fields := strings.Fields(s)
	for i := len(fields) - 1; i > 0; i-- {
		if n, err := strconv.Atoi(fields[i]); err == nil {
			return strings.Join(fields[:i], " "), n, true
		}
	}
	return "", 0, false
}
