package domain_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

func validSetting() domain.IntegrationSetting {
	return domain.IntegrationSetting{Municipality: "0301", Integration: domain.IntegrationFiksIO, State: domain.IntegrationOn,
		Endpoint: "amqps://io.fiks.ks.no:5671/", Values: map[string]string{
			"senderAccount": "5b1f0b9e-2f7c-4c55-9a51-7e1b1a0c9d11", "queuePrefix": "io.fiks.",
			"certificateRef": "oslo/fiks-io/virksomhetssertifikat.p12"},
		Version: 1, ChangedAt: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), ChangedBy: "Ada Admin"}
}

func TestIntegrationSettingValidate(t *testing.T) {
	require.NoError(t, validSetting().Validate())
	cases := []struct {
		name   string
		change func(*domain.IntegrationSetting)
		field  string
		reason string
	}{
		{"unknown integration", func(s *domain.IntegrationSetting) { s.Integration = "fax"; s.Values = nil }, "integration", "is-not-an-integration"},
		{"unknown state", func(s *domain.IntegrationSetting) { s.State = "maybe" }, "state", "must-be-default-on-or-off"},
		{"plain AMQP to a host", func(s *domain.IntegrationSetting) { s.Endpoint = "amqp://io.fiks.ks.no:5672/" }, "endpoint", "must-use-the-secure-scheme"},
		{"https for AMQP", func(s *domain.IntegrationSetting) { s.Endpoint = "https://io.fiks.ks.no/" }, "endpoint", "must-use-the-secure-scheme"},
		{"password in the URL", func(s *domain.IntegrationSetting) { s.Endpoint = "amqps://user:secret@io.fiks.ks.no/" }, "endpoint", "no-credentials-in-the-url"},
		{"relative URL", func(s *domain.IntegrationSetting) { s.Endpoint = "io.fiks.ks.no" }, "endpoint", "not-an-absolute-url"},
		{"control character", func(s *domain.IntegrationSetting) { s.Endpoint = "amqps://io.fiks.ks.no/\n" }, "endpoint", domain.ReasonControl},
		{"too long", func(s *domain.IntegrationSetting) { s.Endpoint = "amqps://h/" + strings.Repeat("a", 500) }, "endpoint", "too-long"},
		{"account not a UUID", func(s *domain.IntegrationSetting) { s.Values["senderAccount"] = "12345" }, "values.senderAccount", "must-be-a-uuid"},
		{"UUID without dashes", func(s *domain.IntegrationSetting) { s.Values["senderAccount"] = "5b1f0b9e2f7c4c559a517e1b1a0c9d11" }, "values.senderAccount", "must-be-a-uuid"},
		{"a PEM key instead of a reference", func(s *domain.IntegrationSetting) {
			s.Values["certificateRef"] = "-----BEGIN PRIVATE KEY-----"
		}, "values.certificateRef", "must-be-a-reference-not-a-secret"},
		{"reference climbing out", func(s *domain.IntegrationSetting) { s.Values["certificateRef"] = "oslo/../../etc/passwd" }, "values.certificateRef", "must-be-a-reference"},
		{"reference from the root", func(s *domain.IntegrationSetting) { s.Values["certificateRef"] = "/etc/ssl/key.pem" }, "values.certificateRef", "must-be-a-reference"},
		{"field of another integration", func(s *domain.IntegrationSetting) { s.Values["tokenRef"] = "sms-token" }, "values.tokenRef", "is-not-a-field-of-the-integration"},
		{"name with a space", func(s *domain.IntegrationSetting) { s.Values["queuePrefix"] = "io fiks" }, "values.queuePrefix", "must-be-a-name"},
		{"field too long", func(s *domain.IntegrationSetting) { s.Values["queuePrefix"] = strings.Repeat("q", 201) }, "values.queuePrefix", "too-long"},
		{"no version", func(s *domain.IntegrationSetting) { s.Version = 0 }, "version", "not-positive"},
		{"no time", func(s *domain.IntegrationSetting) { s.ChangedAt = time.Time{} }, "changedAt", "required"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := validSetting()
			tc.change(&s)
			var ve *domain.ValidationError
			require.ErrorAs(t, s.Validate(), &ve)
			require.Len(t, ve.Fields, 1, "%v", ve.Fields)
			assert.Equal(t, tc.field, ve.Fields[0].Field)
			assert.Equal(t, tc.reason, ve.Fields[0].Reason)
		})
	}
}

func TestIntegrationEndpointSchemes(t *testing.T) {
	for _, tc := range []struct {
		i        domain.Integration
		endpoint string
		ok       bool
	}{
		{domain.IntegrationKRR, "https://kontaktregisteret.no/rest/v1/", true},
		{domain.IntegrationKRR, "http://kontaktregisteret.no/rest/v1/", false},
		{domain.IntegrationKRR, "http://127.0.0.1:8089/rest/v1/", true},
		{domain.IntegrationKRR, "http://[::1]:8089/", true},
		{domain.IntegrationSMS, "http://localhost:9000/send", true},
		{domain.IntegrationWebhook, "http://10.0.0.1/hook", false},
		{domain.IntegrationEmail, "smtps://smtp.example.no:465", true},
		{domain.IntegrationEmail, "smtp://smtp.example.no:587", false},
		{domain.IntegrationEmail, "smtp://localhost:1025", true},
		{domain.IntegrationFiksIO, "amqp://guest@localhost:5672/", false}, // a user in the URL
	} {
		s := domain.IntegrationSetting{Municipality: "0301", Integration: tc.i, State: domain.IntegrationOn, Endpoint: tc.endpoint,
			Version: 1, ChangedAt: time.Unix(1, 0)}
		assert.Equal(t, tc.ok, s.Validate() == nil, "%s %s: %v", tc.i, tc.endpoint, s.Validate())
	}
}

func TestIntegrationSettingSameAndNormalize(t *testing.T) {
	a := validSetting()
	b := a
	b.Version, b.ChangedBy = 2, "Someone Else"
	b.Values = map[string]string{"senderAccount": " 5b1f0b9e-2f7c-4c55-9a51-7e1b1a0c9d11", "queuePrefix": "io.fiks.",
		"certificateRef": "oslo/fiks-io/virksomhetssertifikat.p12", "archiveAccount": "  "}
	assert.False(t, a.Same(b))
	assert.True(t, a.Same(b.Normalize()), "blank fields dropped, text trimmed; version and author do not count")
	b.State = domain.IntegrationOff
	assert.False(t, a.Same(b.Normalize()))
}

type settingsOnly []domain.IntegrationSetting

func (s settingsOnly) IntegrationSettings(context.Context, domain.Municipality) ([]domain.IntegrationSetting, error) {
	return s, nil
}

func TestIntegrationGate(t *testing.T) {
	g := domain.IntegrationGate{Store: settingsOnly{
		{Integration: domain.IntegrationEmail, State: domain.IntegrationOff},
		{Integration: domain.IntegrationSMS, State: domain.IntegrationOn},
		{Integration: domain.IntegrationKRR, State: domain.IntegrationDefault},
	}}
	for i, want := range map[domain.Integration]bool{domain.IntegrationEmail: false, domain.IntegrationSMS: true,
		domain.IntegrationKRR: true, domain.IntegrationWebhook: true} {
		open, err := g.Open(context.Background(), "0301", i)
		require.NoError(t, err)
		assert.Equal(t, want, open, i)
	}
}

// A municipality's Fiks IO setting: identifiers and references, never a
// secret; a wrong value is refused with its field and reason.
func ExampleIntegrationSetting_Validate() {
	s := domain.IntegrationSetting{
		Municipality: "0301",
		Integration:  domain.IntegrationFiksIO,
		State:        domain.IntegrationOn,
		Endpoint:     "amqps://io.fiks.ks.no:5671/",
		Values: map[string]string{
			"senderAccount":  "5b1f0b9e-2f7c-4c55-9a51-7e1b1a0c9d11",
			"certificateRef": "oslo/fiks-io/virksomhetssertifikat.p12",
		},
		Version:   1,
		ChangedAt: time.Date(2026, 3, 1, 10, 0, 0, 0, domain.Oslo()),
		ChangedBy: "Ada Admin",
	}
	fmt.Println(s.Validate())
	s.Endpoint = "amqp://io.fiks.ks.no:5672/"
	s.Values["senderAccount"] = "oslo"
	var ve *domain.ValidationError
	if errors.As(s.Validate(), &ve) {
		for _, f := range ve.Fields {
			fmt.Println(f.Field, f.Reason)
		}
	}
	// Output:
	// <nil>
	// endpoint must-use-the-secure-scheme
	// values.senderAccount must-be-a-uuid
}
