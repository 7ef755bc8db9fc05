package krr_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/krr"
	"github.com/oppvekst/oppvekst/adapters/krr/krrtest"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

func nid(t *testing.T, s string) domain.NationalID {
	t.Helper()
	n, err := domain.ParseNationalID(s)
	require.NoError(t, err)
	return n
}

func client(t *testing.T, opts krr.Options) (*krr.Client, *krrtest.Register) {
	t.Helper()
	reg, srv := krrtest.Start(t, os.DirFS("testdata"))
	opts.BaseURL = srv.URL + "/rest/v1/"
	if opts.Token == nil {
		opts.Token = func(context.Context) (string, error) { return "maskinporten-token", nil }
	}
	c, err := krr.New(opts)
	require.NoError(t, err)
	return c, reg
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestLookupRecorded looks up every recorded person, and one the register
// has never seen, in one call, and checks the request and each answer.
func TestLookupRecorded(t *testing.T) {
	c, reg := client(t, krr.Options{})
	ids := []string{"10848810032", "10848811845", "10848813694", "10848815433", "10848817282", "10848819021", "12868810090", "12868811984"}
	var asked []domain.NationalID
	for _, s := range ids {
		asked = append(asked, nid(t, s))
	}
	got, err := c.Lookup(t.Context(), asked)
	require.NoError(t, err)

	reqs := reg.Requests()
	require.Len(t, reqs, 1, "eight IDs are one request")
	assert.Equal(t, krrtest.Request{Method: http.MethodPost, Path: "/rest/v1/personer", ContentType: "application/json",
		Token: "maskinporten-token", IDs: ids}, reqs[0])

	oslo := time.FixedZone("", 2*3600)
	winter := time.FixedZone("", 3600)
	assert.Equal(t, messaging.RegisterEntry{NationalID: asked[0], Status: messaging.RegisterActive, CanNotify: true,
		Email: "kari.nordmann@eksempel.no", Mobile: "+4741000001",
		EmailUpdated: at("2025-09-01T08:30:00Z"), EmailVerified: at("2026-06-01T10:00:00Z"),
		MobileUpdated: at("2025-09-01T08:30:00Z"), MobileVerified: at("2026-06-01T10:00:00Z")}, got[asked[0]], "active")
	assert.Equal(t, messaging.RegisterEntry{NationalID: asked[1], Status: messaging.RegisterActive, Reserved: true,
		Email: "reservert@eksempel.no", Mobile: "+4741000002",
		EmailUpdated: time.Date(2024, 3, 14, 12, 0, 0, 0, winter), EmailVerified: time.Date(2026, 5, 2, 9, 15, 0, 0, oslo),
		MobileUpdated: time.Date(2024, 3, 14, 12, 0, 0, 0, winter), MobileVerified: time.Date(2026, 5, 2, 9, 15, 0, 0, oslo)},
		got[asked[1]], "reserved: the details are there, the person cannot be notified")
	assert.Equal(t, messaging.RegisterEntry{NationalID: asked[2], Status: messaging.RegisterActive, CanNotify: true}, got[asked[2]], "no contact details")
	assert.Equal(t, "ny.adresse@eksempel.no", got[asked[3]].Email, "changed contact details")
	assert.Equal(t, at("2026-11-28T19:02:11.412Z"), got[asked[3]].EmailUpdated)
	assert.Equal(t, messaging.RegisterEntry{NationalID: asked[4], Status: messaging.RegisterDeleted}, got[asked[4]], "deleted")
	assert.Equal(t, messaging.RegisterEntry{NationalID: asked[5], Status: messaging.RegisterNotRegistered}, got[asked[5]], "not registered")
	cannot := got[asked[6]]
	assert.False(t, cannot.CanNotify, "KAN_IKKE_VARSLES")
	assert.False(t, cannot.Reserved)
	assert.Equal(t, messaging.RegisterNotRegistered, got[asked[7]].Status, "an ID no file has")
	assert.Len(t, got, 8)
}

// TestLookupBatches splits a list into requests of at most Batch IDs and
// asks for a repeated ID once.
func TestLookupBatches(t *testing.T) {
	c, reg := client(t, krr.Options{Batch: 2})
	ids := []domain.NationalID{nid(t, "10848810032"), nid(t, "10848811845"), nid(t, "10848810032"),
		nid(t, "10848813694"), nid(t, "10848815433"), nid(t, "10848817282")}
	got, err := c.Lookup(t.Context(), ids)
	require.NoError(t, err)
	assert.Len(t, got, 5)
	var sizes []int
	for _, r := range reg.Requests() {
		sizes = append(sizes, len(r.IDs))
	}
	assert.Equal(t, []int{2, 2, 1}, sizes)

	none, err := c.Lookup(t.Context(), nil)
	require.NoError(t, err)
	assert.Empty(t, none)
	assert.Len(t, reg.Requests(), 3, "nothing to ask, no request")
}

func TestLookupErrors(t *testing.T) {
	ids := []domain.NationalID{nid(t, "10848810032")}

	t.Run("unavailable", func(t *testing.T) {
		c, reg := client(t, krr.Options{})
		reg.Fail(http.StatusServiceUnavailable)
		_, err := c.Lookup(t.Context(), ids)
		assert.ErrorIs(t, err, domain.ErrUnavailable)
		var api *krr.APIError
		require.ErrorAs(t, err, &api)
		assert.Equal(t, 503, api.Status)
		assert.Equal(t, "unavailable", api.Message)
		reg.Fail(0)
		_, err = c.Lookup(t.Context(), ids)
		assert.NoError(t, err, "the same call succeeds later")
	})
	t.Run("no token", func(t *testing.T) {
		c, _ := client(t, krr.Options{Token: func(context.Context) (string, error) { return "", nil }})
		_, err := c.Lookup(t.Context(), ids)
		assert.ErrorIs(t, err, domain.ErrForbidden)
	})
	t.Run("token source fails", func(t *testing.T) {
		boom := errors.New("maskinporten down")
		c, reg := client(t, krr.Options{Token: func(context.Context) (string, error) { return "", boom }})
		_, err := c.Lookup(t.Context(), ids)
		assert.ErrorIs(t, err, boom)
		assert.Empty(t, reg.Requests())
	})
	t.Run("zero ID", func(t *testing.T) {
		c, _ := client(t, krr.Options{})
		_, err := c.Lookup(t.Context(), []domain.NationalID{{}})
		var v *domain.ValidationError
		require.ErrorAs(t, err, &v)
		assert.Equal(t, "ids[0]", v.Fields[0].Field)
	})
	t.Run("timeout", func(t *testing.T) {
		slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(2 * time.Second):
			}
		}))
		t.Cleanup(slow.Close)
		c, err := krr.New(krr.Options{BaseURL: slow.URL + "/rest/v1/", HTTPClient: &http.Client{Timeout: 50 * time.Millisecond},
			Token: func(context.Context) (string, error) { return "t", nil }})
		require.NoError(t, err)
		start := time.Now()
		_, err = c.Lookup(t.Context(), ids)
		assert.ErrorIs(t, err, domain.ErrUnavailable)
		assert.Less(t, time.Since(start), time.Second)
	})
	for name, body := range map[string]string{
		"not JSON":        `<html>`,
		"no personer":     `{}`,
		"unknown status":  `{"personer":[{"personidentifikator":"10848810032","status":"UKJENT"}]}`,
		"bad reservasjon": `{"personer":[{"personidentifikator":"10848810032","status":"AKTIV","reservasjon":"KANSKJE"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(body)) }))
			t.Cleanup(srv.Close)
			c, err := krr.New(krr.Options{BaseURL: srv.URL + "/rest/v1", Token: func(context.Context) (string, error) { return "t", nil }})
			require.NoError(t, err)
			_, err = c.Lookup(t.Context(), ids)
			assert.ErrorIs(t, err, krr.ErrFormat)
			assert.NotContains(t, err.Error(), "10848810032", "no national ID in an error")
		})
	}
}

func TestNew(t *testing.T) {
	tok := func(context.Context) (string, error) { return "t", nil }
	for name, o := range map[string]krr.Options{
		"not a URL":   {BaseURL: "ftp://krr.example/", Token: tok},
		"no token":    {},
		"batch above": {Token: tok, Batch: krr.MaxBatch + 1},
		"batch below": {Token: tok, Batch: -1},
	} {
		_, err := krr.New(o)
		assert.Error(t, err, name)
	}
	_, err := krr.New(krr.Options{Token: tok})
	assert.NoError(t, err, "the production URL by default")
}
