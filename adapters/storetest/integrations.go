package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

// IntegrationStore is a store with the municipalities' integration
// settings.
type IntegrationStore interface {
	domain.Transactor
	domain.IntegrationStore
}

// RunIntegrations runs the integration settings' suite against stores
// made by newStore: none saved lists nothing, versions are saved in turn
// and a stale or repeated version is a conflict, an invalid setting is
// refused with field and reason and nothing written, the current settings
// come in the order of domain.Integrations, each municipality has its
// own, the history keeps every version newest first, a rolled back save
// is not kept, and (when the store is a domain.RetentionStore) retention
// deletes superseded versions only.
func RunIntegrations(t *testing.T, newStore func(t *testing.T) IntegrationStore) {
	t.Run("Settings", func(t *testing.T) { testIntegrationSettings(t, newStore(t)) })
	t.Run("Retention", func(t *testing.T) { testIntegrationRetention(t, newStore(t)) })
}

func testIntegrationSettings(t *testing.T, s IntegrationStore) {
	ctx := ctxFor(t)
	got, err := s.IntegrationSettings(ctx, Oslo)
	require.NoError(t, err)
	assert.Empty(t, got, "none saved: every integration follows the deployment")

	email := domain.IntegrationSetting{Municipality: Oslo, Integration: domain.IntegrationEmail, State: domain.IntegrationOn,
		Endpoint: "smtps://smtp.oslo.kommune.no:465", Values: map[string]string{"from": "oppvekst@oslo.kommune.no", "passwordRef": "oslo/smtp-password"},
		Version: 1, ChangedAt: oslo(2026, 3, 1, 9).UTC(), ChangedBy: "Ada Admin"}
	bad := email
	bad.Endpoint = "http://smtp.oslo.kommune.no"
	bad.Values = map[string]string{"passwordRef": "-----BEGIN PRIVATE KEY-----"}
	var ve *domain.ValidationError
	require.ErrorAs(t, s.PutIntegrationSetting(ctx, bad), &ve)
	assert.ElementsMatch(t, []string{"endpoint", "values.passwordRef"}, fieldsOf(ve))
	got, err = s.IntegrationSettings(ctx, Oslo)
	require.NoError(t, err)
	assert.Empty(t, got, "a refused save stores nothing")

	require.NoError(t, s.PutIntegrationSetting(ctx, email))
	var ce *domain.ConflictError
	require.ErrorAs(t, s.PutIntegrationSetting(ctx, email), &ce, "version 1 twice")
	assert.Equal(t, "integration-changed-since-read", ce.Reason)

	krr := domain.IntegrationSetting{Municipality: Oslo, Integration: domain.IntegrationKRR, State: domain.IntegrationOff,
		Version: 1, ChangedAt: oslo(2026, 3, 1, 10).UTC(), ChangedBy: "Ada Admin"}
	require.NoError(t, s.PutIntegrationSetting(ctx, krr))
	fiks := domain.IntegrationSetting{Municipality: Oslo, Integration: domain.IntegrationFiksIO, State: domain.IntegrationDefault,
		Values: map[string]string{"senderAccount": "5b1f0b9e-2f7c-4c55-9a51-7e1b1a0c9d11"}, Version: 1, ChangedAt: oslo(2026, 3, 1, 11).UTC(), ChangedBy: "Bo Admin"}
	require.NoError(t, s.PutIntegrationSetting(ctx, fiks))
	got, err = s.IntegrationSettings(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, []domain.IntegrationSetting{fiks, krr, email}, got, "in the order of domain.Integrations")

	email2 := email
	email2.State, email2.Version, email2.ChangedAt, email2.ChangedBy = domain.IntegrationOff, 2, oslo(2026, 3, 2, 9).UTC(), "Bo Admin"
	stale := email2
	stale.Version = 3
	require.ErrorAs(t, s.PutIntegrationSetting(ctx, stale), &ce, "a version skipped")
	require.NoError(t, s.PutIntegrationSetting(ctx, email2))
	got, err = s.IntegrationSettings(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, []domain.IntegrationSetting{fiks, krr, email2}, got, "the latest version is current")
	hist, err := s.IntegrationHistory(ctx, Oslo, domain.IntegrationEmail)
	require.NoError(t, err)
	assert.Equal(t, []domain.IntegrationSetting{email2, email}, hist, "every version, newest first")

	got, err = s.IntegrationSettings(ctx, Bergen)
	require.NoError(t, err)
	assert.Empty(t, got, "scoped by municipality")
	hist, err = s.IntegrationHistory(ctx, Bergen, domain.IntegrationEmail)
	require.NoError(t, err)
	assert.Empty(t, hist)
	bergen := email
	bergen.Municipality = Bergen
	require.NoError(t, s.PutIntegrationSetting(ctx, bergen), "Bergen's version 1 is its own")

	boom := errors.New("boom")
	err = s.Atomic(ctx, func(ctx context.Context) error {
		next := email2
		next.State, next.Version = domain.IntegrationOn, 3
		if err := s.PutIntegrationSetting(ctx, next); err != nil {
			return err
		}
		return boom
	})
	require.ErrorIs(t, err, boom)
	got, err = s.IntegrationSettings(ctx, Oslo)
	require.NoError(t, err)
	assert.Equal(t, []domain.IntegrationSetting{fiks, krr, email2}, got, "rolled back")
}

func testIntegrationRetention(t *testing.T, s IntegrationStore) {
	rs, ok := s.(domain.RetentionStore)
	if !ok {
		t.Log("the store has no retention port")
		return
	}
	ctx := ctxFor(t)
	v := domain.IntegrationSetting{Municipality: Oslo, Integration: domain.IntegrationSMS, State: domain.IntegrationOn, ChangedBy: "Ada Admin"}
	for i, at := range []int{2020, 2021, 2026} {
		v.Version, v.ChangedAt = i+1, oslo(at, 1, 10, 9).UTC()
		require.NoError(t, s.PutIntegrationSetting(ctx, v))
	}
	n, err := rs.ExpireRecords(ctx, Bergen, domain.RecordIntegrationHistory, d(2040, 1, 1), 10)
	require.NoError(t, err)
	assert.Zero(t, n, "another municipality's job touches nothing here")
	n, err = rs.ExpireRecords(ctx, Oslo, domain.RecordIntegrationHistory, d(2021, 1, 10), 10)
	require.NoError(t, err)
	assert.Zero(t, n, "version 1 was superseded on the cutoff day: kept")
	n, err = rs.ExpireRecords(ctx, Oslo, domain.RecordIntegrationHistory, d(2040, 1, 1), 10)
	require.NoError(t, err)
	assert.Equal(t, 2, n, "the superseded versions")
	hist, err := s.IntegrationHistory(ctx, Oslo, domain.IntegrationSMS)
	require.NoError(t, err)
	require.Len(t, hist, 1)
	assert.Equal(t, 3, hist[0].Version, "the current version never expires")
	n, err = rs.ExpireRecords(ctx, Oslo, domain.RecordIntegrationHistory, d(2040, 1, 1), 10)
	require.NoError(t, err)
	assert.Zero(t, n, "done")
}

func fieldsOf(ve *domain.ValidationError) []string {
	out := make([]string, len(ve.Fields))
	for i, f := range ve.Fields {
		out[i] = f.Field
	}
	return out
}
