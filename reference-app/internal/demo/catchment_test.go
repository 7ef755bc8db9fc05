package demo_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
)

// expectedSchool is the demo's catchment table written out by hand, the
// way a caseworker reads the municipality's map — not through
// admission.Catchment.Lookup: the school of a house number n in a street.
// "" is no school (a street in no area).
func expectedSchool(street string, n int) string {
	const nordby, sjosiden = "Nordby skole", "Sjøsiden skole"
	switch street {
	case "Nordbyveien", "Solsikkeveien", "Skoleveien", "Fjellveien":
		return nordby
	case "Skogstien", "Strandgata", "Havnegata", "Sjøsideveien":
		return sjosiden
	case "Kirkebakken": // odd numbers Nordby, even Sjøsiden
		if n%2 == 1 {
			return nordby
		}
		return sjosiden
	case "Bjørkeliveien": // 1–30 Nordby, 31–60 Sjøsiden
		if n <= 30 {
			return nordby
		}
		return sjosiden
	}
	return ""
}

// registeredOn20251122 is the school start of 2026 on the demo seeded on
// 22 November 2025, address by address, each school read off the demo's
// catchment.csv by hand. (It changes when the demo's households change;
// then read the new addresses off again.)
var registeredOn20251122 = map[string]string{
	"Bjørkeliveien 38":  "Sjøsiden skole", // 31–60 both sides
	"Fjellveien 22":     "Nordby skole",
	"Fjellveien 7":      "Nordby skole",
	"Havnegata 3":       "Sjøsiden skole",
	"Havnegata 9":       "Sjøsiden skole",
	"Kirkebakken 1":     "Nordby skole", // odd
	"Kirkebakken 11":    "Nordby skole", // odd
	"Kirkebakken 17":    "Nordby skole", // odd
	"Nordbyveien 18":    "Nordby skole",
	"Sjøsideveien 44":   "Sjøsiden skole",
	"Skoleveien 26":     "Nordby skole",
	"Skoleveien 27":     "Nordby skole",
	"Solsikkeveien 2 C": "Nordby skole",
	"Strandgata 67":     "Sjøsiden skole",
}

// The done-when test of catchment schools: a school-start intake on the
// demo data assigns every child who starts school in August of the
// intake's year the school the hand-written table gives for its street
// and number; the protected street lies in no area.
func TestDemoSchoolStartCatchment(t *testing.T) {
	ctx := context.Background()
	for _, clock := range []domain.Clock{at(2025, time.November, 22), at(2026, time.July, 31)} {
		s := tempStore(t)
		require.NoError(t, demo.Seed(ctx, s, clock))
		m := demo.Municipality
		svc := &admission.Service{Store: s, Clock: clock}
		cw := domain.CaseworkerActor(m, "cw")

		// Spot checks written out literally, address by address.
		c, err := svc.Catchment(ctx, cw)
		require.NoError(t, err)
		units, err := s.Units(ctx, m)
		require.NoError(t, err)
		name := map[domain.UnitID]string{}
		for _, u := range units {
			name[u.ID] = u.Name
		}
		for street, want := range map[string]string{
			"Nordbyveien 80":    "Nordby skole",
			"Kirkebakken 7":     "Nordby skole",
			"Kirkebakken 8 B":   "Sjøsiden skole",
			"Bjørkeliveien 30":  "Nordby skole",
			"Bjørkeliveien 31A": "Sjøsiden skole",
			"Strandgata 1":      "Sjøsiden skole",
			"Skogstien 20":      "Sjøsiden skole",
			"Lønnebakken 9":     "",
			"Nordbyveien 81":    "",
		} {
			assert.Equal(t, want, name[c.Lookup(domain.Address{Street: street, Municipality: m}).Unit], street)
		}

		var in admission.Intake
		intakes, err := s.Intakes(ctx, m)
		require.NoError(t, err)
		for _, x := range intakes {
			if x.Kind == domain.School {
				in = x
			}
		}
		require.Equal(t, domain.School, in.Kind)
		res, err := svc.RegisterSchoolStarters(ctx, cw, in.ID)
		require.NoError(t, err)
		children, err := s.Children(ctx, m)
		require.NoError(t, err)
		byID := map[domain.ChildID]domain.Child{}
		var starters int
		for _, ch := range children {
			byID[ch.ID] = ch
			if ch.BirthDate.Year() == in.AdmissionYear-6 && ch.Address.Municipality == m {
				starters++
			}
		}
		assert.Equal(t, starters, len(res.All), "every resident child turning six in %d", in.AdmissionYear)
		assert.GreaterOrEqual(t, len(res.All), 3, "the demo has school starters")
		schools := map[string]int{}
		for _, st := range res.All {
			ch := byID[st.Child]
			f := strings.Fields(ch.Address.Street)
			require.GreaterOrEqual(t, len(f), 2, ch.Address.Street)
			numberAt := len(f) - 1
			if len(f[numberAt]) == 1 && f[numberAt][0] >= 'A' {
				numberAt-- // "12 A": a flat
			}
			n, err := strconv.Atoi(strings.TrimRight(f[numberAt], "ABC"))
			require.NoError(t, err, ch.Address.Street)
			want := expectedSchool(strings.Join(f[:numberAt], " "), n)
			assert.Equal(t, want, name[st.Unit], "%s %s, %s", ch.GivenName, ch.FamilyName, ch.Address.Street)
			assert.Equal(t, st.Catchment, st.Unit)
			if want == "" {
				assert.NotEmpty(t, st.Reason)
			}
			schools[name[st.Unit]]++
		}
		t.Logf("%s: %d school starters: %v", in.Name, len(res.All), schools)
		if domain.Today(clock) == date.New(2025, time.November, 22) {
			got := map[string]string{}
			for _, st := range res.All {
				got[byID[st.Child].Address.Street] = name[st.Unit]
			}
			assert.Equal(t, registeredOn20251122, got, "the school starters of 2026, address by address")
		}
		// Running it again registers nobody twice.
		again, err := svc.RegisterSchoolStarters(ctx, cw, in.ID)
		require.NoError(t, err)
		assert.Empty(t, again.Added)
		assert.Len(t, again.All, len(res.All))
	}
}
