package folkeregister_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/folkeregister"
	"github.com/oppvekst/oppvekst/adapters/folkeregister/folkeregistertest"
	"github.com/oppvekst/oppvekst/domain"
)

const token = "eyJraWQiOiJtYXNraW5wb3J0ZW4iLCJhbGciOiJSUzI1NiJ9.opaque.signature"

func client(t *testing.T) (*folkeregister.Client, *folkeregistertest.Register) {
	t.Helper()
	reg, srv := folkeregistertest.Start(t)
	c, err := folkeregister.New(folkeregister.Options{
		BaseURL: srv.URL + folkeregistertest.Prefix,
		Token:   func(context.Context) (string, error) { return token, nil },
	})
	require.NoError(t, err)
	return c, reg
}

func nid(t *testing.T, s string) domain.NationalID {
	t.Helper()
	n, err := domain.ParseNationalID(s)
	require.NoError(t, err)
	return n
}

func person(t *testing.T, c *folkeregister.Client, id string) domain.RegisterPerson {
	t.Helper()
	p, err := c.Person(context.Background(), nid(t, id))
	require.NoError(t, err)
	return p
}

func TestPersonSharedResponsibility(t *testing.T) {
	c, reg := client(t)
	emma := person(t, c, "14832050033")
	assert.Equal(t, "Emma", emma.GivenName)
	assert.Equal(t, "Fjellheim", emma.FamilyName)
	assert.Equal(t, date.New(2020, time.March, 14), emma.BirthDate)
	assert.Equal(t, domain.ProtectionNone, emma.Protection)
	assert.Equal(t, domain.Address{Street: "Fjellveien 12", Postcode: "0485", PostTown: "OSLO", Municipality: "0301"}, emma.Address)
	require.NoError(t, emma.Address.Validate())
	assert.False(t, emma.Dead())
	assert.Equal(t, []domain.RegisterParent{
		{NationalID: nid(t, "02868810281"), Role: domain.RoleMother, Responsibility: domain.ResponsibilityShared, LivesWith: true},
		{NationalID: nid(t, "23918610057"), Role: domain.RoleFather, Responsibility: domain.ResponsibilityShared, LivesWith: true},
	}, emma.Parents)

	// Every request carried the Maskinporten token as a bearer token and
	// asked for JSON: the child's document and both parents'.
	reqs := reg.Requests()
	require.Len(t, reqs, 3)
	for _, r := range reqs {
		assert.Equal(t, "Bearer "+token, r.Header.Get("Authorization"))
		assert.Equal(t, "application/json", r.Header.Get("Accept"))
		assert.Equal(t, http.MethodGet, r.Method)
	}
	assert.Equal(t, folkeregistertest.Prefix+"personer/14832050033", reqs[0].URL.Path)

	// A parent's own document names the child as ansvarssubjekt: it gives
	// the parent no parents.
	ingrid := person(t, c, "02868810281")
	assert.Equal(t, "Marie", ingrid.MiddleName)
	assert.Empty(t, ingrid.Parents)
}

func TestPersonSplitResponsibility(t *testing.T) {
	c, _ := client(t)
	noah := person(t, c, "05892150062")
	assert.Equal(t, []domain.RegisterParent{
		{NationalID: nid(t, "17819020140"), Role: domain.RoleMother, Responsibility: domain.ResponsibilitySole, LivesWith: true},
		// No parental responsibility, but Noah's shared residence
		// (deltBosted) is the father's address.
		{NationalID: nid(t, "30848920068"), Role: domain.RoleFather, Responsibility: domain.ResponsibilityNone, LivesWith: true},
	}, noah.Parents)
	// Noah lives at his mother's address, graded fortrolig: the grading
	// follows the address to him.
	assert.Equal(t, domain.ProtectionFortrolig, noah.Protection)
	assert.Equal(t, "Bergtoraveien 3B", noah.Address.Street)
}

func TestPersonProtectionLevels(t *testing.T) {
	c, _ := client(t)
	for _, tc := range []struct {
		id          string
		level       domain.AddressProtection
		withAddress bool
	}{
		{"14832050033", domain.ProtectionNone, true},
		{"17819020140", domain.ProtectionFortrolig, true},
		{"01921950043", domain.ProtectionStrengtFortrolig, false},
		{"49871850010", domain.ProtectionStrengtFortroligUtland, false},
	} {
		p := person(t, c, tc.id)
		assert.Equal(t, tc.level, p.Protection, tc.id)
		assert.Equal(t, tc.withAddress, !p.Address.IsZero(), tc.id)
	}
}

func TestPersonDNumber(t *testing.T) {
	c, _ := client(t)
	mia := person(t, c, "49871850010")
	assert.Equal(t, domain.DNR, mia.NationalID.Type())
	assert.Equal(t, date.New(2018, time.July, 9), mia.BirthDate)
	assert.Equal(t, "Haugen", mia.FamilyName)
}

func TestPersonDeathAndCadastralAddress(t *testing.T) {
	c, _ := client(t)
	olav := person(t, c, "29822050180")
	assert.True(t, olav.Dead())
	assert.Equal(t, date.New(2026, time.October, 30), olav.DeathDate)
	assert.Equal(t, domain.Address{Cadastral: "Dahlstua, gnr. 12 bnr. 34", Postcode: "0890", PostTown: "OSLO", Municipality: "0301"}, olav.Address)
	require.NoError(t, olav.Address.Validate())
}

func TestPersonMovedOut(t *testing.T) {
	c, _ := client(t)
	selma := person(t, c, "20851950088")
	// The current address, not the old one kept as history.
	assert.Equal(t, domain.Address{Street: "Nygårdsgaten 5", Postcode: "5015", PostTown: "BERGEN", Municipality: "4601"}, selma.Address)
}

func TestPersonNotFound(t *testing.T) {
	c, _ := client(t)
	_, err := c.Person(context.Background(), nid(t, "31817910036"))
	assert.ErrorIs(t, err, domain.ErrNotFound)
	var apiErr *folkeregister.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "FREG-404", apiErr.Kode)
}

func TestChanges(t *testing.T) {
	c, reg := client(t)
	ctx := context.Background()
	all, err := c.Changes(ctx, 1)
	require.NoError(t, err)
	require.Len(t, all, 8)
	want := []struct {
		id   string
		kind domain.ChangeKind
	}{
		{"01921950043", domain.ChangeProtection},
		{"20851950088", domain.ChangeMoved},
		{"29822050180", domain.ChangeDeath},
		{"05892150062", domain.ChangeParentalResponsibility},
		{"49871850010", domain.ChangeProtection},
		{"14832050033", domain.ChangeMoved},
		{"17819020140", domain.ChangeProtection},
		{"31817910036", domain.ChangeOther},
	}
	for i, w := range want {
		assert.Equal(t, int64(i+1), all[i].Sequence)
		assert.Equal(t, w.id, all[i].Person.String())
		assert.Equal(t, w.kind, all[i].Kind, w.id)
		assert.False(t, all[i].Recorded.IsZero())
	}
	assert.Equal(t, "seq=1", reg.Requests()[0].URL.RawQuery)

	// The feed continues from a sequence number.
	rest, err := c.Changes(ctx, 6)
	require.NoError(t, err)
	require.Len(t, rest, 3)
	assert.Equal(t, int64(6), rest[0].Sequence)
	none, err := c.Changes(ctx, 9)
	require.NoError(t, err)
	assert.Empty(t, none)

	// A new event appears at the end of the feed.
	seq := reg.Publish("14832050033", "endringIUtflytting", nil)
	assert.Equal(t, int64(9), seq)
	next, err := c.Changes(ctx, 9)
	require.NoError(t, err)
	require.Len(t, next, 1)
	assert.Equal(t, domain.ChangeMovedOut, next[0].Kind)
}

func TestErrors(t *testing.T) {
	reg, srv := folkeregistertest.Start(t)
	ctx := context.Background()

	// Without a token the service answers 401.
	noToken, err := folkeregister.New(folkeregister.Options{
		BaseURL: srv.URL + folkeregistertest.Prefix,
		Token:   func(context.Context) (string, error) { return "", nil },
	})
	require.NoError(t, err)
	_, err = noToken.Changes(ctx, 1)
	var apiErr *folkeregister.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusUnauthorized, apiErr.Status)
	assert.NotErrorIs(t, err, domain.ErrUnavailable)

	// A failing token source stops the request.
	broken, err := folkeregister.New(folkeregister.Options{
		BaseURL: srv.URL + folkeregistertest.Prefix,
		Token:   func(context.Context) (string, error) { return "", errors.New("maskinporten down") },
	})
	require.NoError(t, err)
	_, err = broken.Changes(ctx, 1)
	assert.ErrorContains(t, err, "maskinporten down")

	c, err := folkeregister.New(folkeregister.Options{
		BaseURL: srv.URL + folkeregistertest.Prefix,
		Token:   func(context.Context) (string, error) { return token, nil },
	})
	require.NoError(t, err)
	for _, status := range []int{http.StatusTooManyRequests, http.StatusInternalServerError} {
		reg.Fail(status)
		_, err = c.Changes(ctx, 1)
		assert.ErrorIs(t, err, domain.ErrUnavailable, status)
	}
	reg.Fail(http.StatusForbidden)
	_, err = c.Person(ctx, nid(t, "14832050033"))
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusForbidden, apiErr.Status)
	reg.Fail(0)

	_, err = folkeregister.New(folkeregister.Options{BaseURL: srv.URL})
	assert.Error(t, err, "a token source is required")
	_, err = folkeregister.New(folkeregister.Options{BaseURL: "ftp://x", Token: func(context.Context) (string, error) { return "", nil }})
	assert.Error(t, err)
}

func TestProtectionCodes(t *testing.T) {
	for code, want := range map[string]domain.AddressProtection{
		"": domain.ProtectionNone, "ugradert": domain.ProtectionNone, "fortrolig": domain.ProtectionFortrolig,
		"strengtFortrolig": domain.ProtectionStrengtFortrolig, "strengtFortroligUtland": domain.ProtectionStrengtFortroligUtland,
	} {
		got, err := folkeregister.Protection(code)
		require.NoError(t, err)
		assert.Equal(t, want, got, code)
	}
	_, err := folkeregister.Protection("hemmelig")
	assert.Error(t, err)
}
