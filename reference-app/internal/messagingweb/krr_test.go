package messagingweb_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// allReserved is a contact register in which everyone asked about has
// reserved against digital communication (and, with noMobile, keeps no
// mobile number there).
type allReserved struct {
	asked    int
	noMobile bool
}

func (r *allReserved) Lookup(_ context.Context, ids []domain.NationalID) (map[domain.NationalID]messaging.RegisterEntry, error) {
	r.asked += len(ids)
	out := map[domain.NationalID]messaging.RegisterEntry{}
	for _, n := range ids {
		e := messaging.RegisterEntry{NationalID: n, Status: messaging.RegisterActive, Reserved: true,
			Email: "krr@example.no", Mobile: "+4741000000"}
		if r.noMobile {
			e.Mobile = ""
		}
		out[n] = e
	}
	return out, nil
}

// With the app's ContactRegister set (-krr), the notices the capabilities
// raise go through it: a reserved guardian gets the digital mailbox, no
// e-mail or SMS.
func TestAppNoticesAskTheContactRegister(t *testing.T) {
	ta := webtest.New(t)
	reg := &allReserved{}
	ta.App.ContactRegister = reg
	key := "absence.undocumented/krr-test"
	require.NoError(t, ta.Store.Atomic(t.Context(), func(ctx context.Context) error {
		return ta.App.Messaging().Notify(ctx, domain.Notice{Municipality: demo.Municipality, Kind: "absence.undocumented",
			Child: ta.Sofie, Key: key, Data: map[string]string{"date": "2025-11-24"}})
	}))
	ds, err := ta.Store.Deliveries(t.Context(), demo.Municipality)
	require.NoError(t, err)
	n := 0
	for _, d := range ds {
		if len(d.Key) <= len(key) || d.Key[:len(key)] != key {
			continue
		}
		n++
		assert.Equal(t, messaging.DigitalMailbox, d.Medium, d.Guardian)
		assert.NotEqual(t, "krr@example.no", d.To)
	}
	assert.Positive(t, n, "Sofie's guardians are notified")
	assert.Positive(t, reg.asked, "the register was asked")
}

// A municipality that has switched the contact register off at
// /admin/integrations gets its notices routed without it: the register is
// not asked, the guardians' own details are used.
func TestContactRegisterSwitchedOffPerMunicipality(t *testing.T) {
	ta := webtest.New(t)
	reg := &allReserved{}
	ta.App.ContactRegister = reg
	require.NoError(t, ta.Store.PutIntegrationSetting(t.Context(), domain.IntegrationSetting{Municipality: demo.Municipality,
		Integration: domain.IntegrationKRR, State: domain.IntegrationOff, Version: 1, ChangedAt: webtest.Now, ChangedBy: "test"}))
	key := "absence.undocumented/krr-off"
	require.NoError(t, ta.Store.Atomic(t.Context(), func(ctx context.Context) error {
		return ta.App.Messaging().Notify(ctx, domain.Notice{Municipality: demo.Municipality, Kind: "absence.undocumented",
			Child: ta.Sofie, Key: key, Data: map[string]string{"date": "2025-11-24"}})
	}))
	assert.Zero(t, reg.asked, "switched off: the register is not asked")
	ds, err := ta.Store.Deliveries(t.Context(), demo.Municipality)
	require.NoError(t, err)
	n := 0
	for _, d := range ds {
		if len(d.Key) > len(key) && d.Key[:len(key)] == key {
			n++
			assert.NotEqual(t, messaging.DigitalMailbox, d.Medium, "the guardian's own medium, not the register's reservation")
		}
	}
	assert.Positive(t, n)
}
