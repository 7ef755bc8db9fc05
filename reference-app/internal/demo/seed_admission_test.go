package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// withoutApplicants leaves out the children the admission seed adds: no
// placement yet, an application in an intake, or Sofie's younger siblings.
// checkDemo's rules (every child placed today) hold for the rest.
func withoutApplicants(t testing.TB, s domain.Store, d webtest.DemoData) webtest.DemoData {
	t.Helper()
	as, ok := s.(admission.Store)
	if !ok {
		return d
	}
	var out []domain.Child
	for _, c := range d.Children {
		apps, err := as.ChildApplications(context.Background(), c.Municipality, c.ID)
		require.NoError(t, err)
		if len(d.Placements[c.ID]) == 0 && (len(apps) > 0 || c.FamilyName == "Berg") {
			continue
		}
		out = append(out, c)
	}
	d.Children = out
	return d
}

// The demo holds an open main intake with seats in both age groups, the
// Berg children without a place, and enough applications that a run
// places children at other than their first choice.
func TestSeedAdmission(t *testing.T) {
	ctx := context.Background()
	for _, clock := range []domain.Clock{at(2025, time.November, 22), at(2026, time.July, 31), at(2026, time.November, 30)} {
		s := tempStore(t)
		require.NoError(t, demo.Seed(ctx, s, clock))
		m := demo.Municipality
		intakes, err := s.Intakes(ctx, m)
		require.NoError(t, err)
		require.Len(t, intakes, 5, "kindergarten main, supplementary and continuous, SFO, school start")
		today := domain.Today(clock)
		for _, in := range intakes {
			assert.Greater(t, in.Deadline, today, "%s is open", in.Name)
		}
		apps, err := s.Applications(ctx, m, intakes[0].ID)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, len(apps), 7)
		svc := &admission.Service{Store: s, Clock: clock}
		run, err := svc.RunWithReason(ctx, domain.CaseworkerActor(m, "cw"), intakes[0].ID, 1, "a test run before the deadline")
		require.NoError(t, err)
		assert.Equal(t, len(apps), run.Stats.Children)
		assert.Less(t, run.Stats.FirstChoice, run.Stats.Placed, "some children get a lower choice")
		require.NotNil(t, run.Stats.Families)
		assert.Equal(t, 1, run.Stats.Families.Families)
		var berg int
		children, err := s.Children(ctx, m)
		require.NoError(t, err)
		for _, c := range children {
			if c.FamilyName == "Berg" && (c.GivenName == "Emil" || c.GivenName == "Nora" || c.GivenName == "Live") {
				berg++
				ps, err := s.Placements(ctx, m, c.ID)
				require.NoError(t, err)
				assert.Empty(t, ps)
			}
		}
		assert.Equal(t, 3, berg)
	}
}
