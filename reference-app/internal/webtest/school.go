package webtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
)

// NinthGrader adds a pupil in 9th grade at Nordby skole (the school of the
// staff persona) with Hilde Berg as guardian with parental responsibility,
// for the leaving certificate's absence summary (grades 8 to 10, which the
// demo's primary schools do not have). Each call adds a new pupil.
func (ta *Harness) NinthGrader(t testing.TB) domain.ChildID {
	t.Helper()
	ctx := context.Background()
	m := demo.Municipality
	today := date.NewAt(Now.In(domain.Oslo()))
	year := domain.SchoolYearOf(today)
	units, err := ta.Store.Units(ctx, m)
	require.NoError(t, err)
	var school domain.UnitID
	for _, u := range units {
		if u.Name == "Nordby skole" {
			school = u.ID
		}
	}
	require.False(t, school.IsZero(), "the demo has Nordby skole")
	hilde := ta.Personas[demo.PersonaGuardian].Actor.Guardian
	n := 0
	kids, err := ta.Store.Children(ctx, m)
	require.NoError(t, err)
	n = len(kids)
	child := domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: fmt.Sprintf("Nora%d", n), FamilyName: "Berg",
		BirthDate: date.New(int(year)-14, time.March, 3), AddressProtection: domain.ProtectionNone}
	require.NoError(t, ta.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := ta.Store.CreateChild(ctx, child); err != nil {
			return err
		}
		if err := ta.Store.PutGuardianship(ctx, domain.Guardianship{Municipality: m, ChildID: child.ID, GuardianID: hilde, ParentalResponsibility: true, LivesWithChild: true}); err != nil {
			return err
		}
		return ta.Store.CreatePlacement(ctx, domain.Placement{ID: domain.NewID[domain.Placement](), Municipality: m, ChildID: child.ID, UnitID: school,
			Kind: domain.School, Period: year.Period()})
	}))
	return child.ID
}
