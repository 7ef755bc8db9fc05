package directoryweb_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// A caseworker registers a child and a guardian with their registered
// addresses, through the forms and the API; a bad address is refused at
// its fields (translated) and nothing is written; the address is shown
// to whom it may be — a guardian with parental responsibility sees the
// child's, not the other parent's; the municipality sees both — and a
// protected address to nobody, while an empty field keeps it.
func TestRegisteredAddresses(t *testing.T) {
	ta := webtest.New(t)
	ctx := t.Context()
	cw := ta.CookieFor(t, demo.PersonaCaseworker)

	// The form: refused at the fields, in Norwegian, nothing written.
	before := counts(t, ta)
	resp := ta.Do(t, cw, "POST", "/caseworker/children", formType, url.Values{"givenName": {"Adrian"}, "familyName": {"Adresse"},
		"birthDate": {"2022-05-17"}, "addressProtection": {"none"}, "address.postcode": {"99"}, "address.postTown": {"DEMOBY"}}.Encode())
	require.Equal(t, 422, resp.Status, resp.Body)
	assert.Equal(t, "fyll inn gateadresse eller matrikkeladresse", fieldError(resp.Body, "f-address-street"))
	assert.NotEmpty(t, fieldError(resp.Body, "f-address-postcode"))
	assert.NotContains(t, fieldError(resp.Body, "f-address-postcode"), "not-a-postcode", "translated, not the code")
	assert.Contains(t, resp.Body, `value="DEMOBY"`, "what was typed is shown again")
	assert.Equal(t, before, counts(t, ta))

	// The form: accepted; the address lies in the caseworker's municipality.
	resp = ta.Do(t, cw, "POST", "/caseworker/children", formType, url.Values{"givenName": {"Adrian"}, "familyName": {"Adresse"},
		"birthDate": {"2022-05-17"}, "addressProtection": {"none"}, "address.street": {"Fjellveien 12"},
		"address.postcode": {"9903"}, "address.postTown": {"DEMOBY"}}.Encode())
	require.Equal(t, 303, resp.Status, resp.Body)
	childPath := resp.Header.Get("Location")
	child, err := domain.ParseID[domain.Child](strings.TrimPrefix(childPath, "/children/"))
	require.NoError(t, err)
	stored, err := ta.Store.Child(ctx, demo.Municipality, child)
	require.NoError(t, err)
	home := domain.Address{Street: "Fjellveien 12", Postcode: "9903", PostTown: "DEMOBY", Municipality: demo.Municipality}
	assert.Equal(t, home, stored.Address)
	assert.Contains(t, ta.Do(t, cw, "GET", childPath, "", "").Body, "Fjellveien 12, 9903 DEMOBY")

	// The API: the same refusal names the same field.
	api := ta.Do(t, cw, "POST", "/api/v1/children", "application/json",
		`{"givenName":"Ada","familyName":"Adresse","birthDate":"2022-05-17","address":{"street":"Fjellveien 14","postcode":"12345","postTown":"DEMOBY"}}`)
	require.Equal(t, 422, api.Status, api.Body)
	assert.Equal(t, []domain.FieldError{{Field: "address.postcode", Reason: domain.ReasonPostcode}}, problemFields(t, api.Body))
	assert.Equal(t, before[0]+1, counts(t, ta)[0])

	// Guardians: one with the child's address, one who lives elsewhere.
	resp = ta.Do(t, cw, "POST", childPath+"/guardians", formType, url.Values{"givenName": {"Anne"}, "familyName": {"Adresse"},
		"addressProtection": {"none"}, "address.street": {"Fjellveien 12"}, "address.postcode": {"9903"}, "address.postTown": {"DEMOBY"},
		"parentalResponsibility": {"1"}, "livesWithChild": {"1"}}.Encode())
	require.Equal(t, 303, resp.Status, resp.Body)
	api = ta.Do(t, cw, "POST", "/api/v1/guardians", "application/json",
		`{"givenName":"Arne","familyName":"Borte","address":{"street":"Havnegata 33","postcode":"9904","postTown":"DEMOBY"}}`)
	require.Equal(t, 201, api.Status, api.Body)
	var arne struct {
		ID      domain.GuardianID `json:"id"`
		Address domain.Address    `json:"address"`
	}
	require.NoError(t, json.Unmarshal([]byte(api.Body), &arne))
	assert.Equal(t, "Havnegata 33", arne.Address.Street, "the caseworker sees an unprotected address")
	resp = ta.Do(t, cw, "PUT", "/api/v1"+childPath+"/guardians/"+arne.ID.String(), "application/json",
		`{"parentalResponsibility":true,"livesWithChild":false}`)
	require.Equal(t, 200, resp.Status, resp.Body)

	var view web.ChildView
	resp = ta.Do(t, cw, "GET", "/api/v1"+childPath, "", "")
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &view))
	assert.Equal(t, home, view.Address)
	require.Len(t, view.Guardians, 2)
	page := ta.Do(t, cw, "GET", childPath, "", "").Body
	assert.Contains(t, page, "Havnegata 33", "the municipality sees the guardians' addresses")

	// Arne's address becomes strengt fortrolig: an empty address keeps it,
	// and it is never shown again — to the caseworker, in the API, on the
	// child's page or in his form.
	resp = ta.Do(t, cw, "PUT", "/api/v1/guardians/"+arne.ID.String(), "application/json",
		`{"givenName":"Arne","familyName":"Borte","addressProtection":"strengt-fortrolig"}`)
	require.Equal(t, 200, resp.Status, resp.Body)
	assert.NotContains(t, resp.Body, "Havnegata")
	g, err := ta.Store.Guardian(ctx, demo.Municipality, arne.ID)
	require.NoError(t, err)
	assert.Equal(t, "Havnegata 33", g.Address.Street, "kept")
	for _, path := range []string{"/api/v1/guardians/" + arne.ID.String(), "/api/v1" + childPath, childPath,
		childPath + "/guardians/" + arne.ID.String() + "/edit"} {
		r := ta.Do(t, cw, "GET", path, "", "")
		require.Equal(t, 200, r.Status, path)
		assert.NotContains(t, r.Body, "Havnegata", path)
	}
	edit := ta.Do(t, cw, "GET", childPath+"/guardians/"+arne.ID.String()+"/edit", "", "").Body
	assert.Contains(t, edit, "Adressen er beskyttet: den lagrede adressen vises ikke")
	// Saving his form with the address fields empty keeps the address.
	resp = ta.Do(t, cw, "POST", childPath+"/guardians/"+arne.ID.String(), formType, url.Values{"givenName": {"Arne"}, "familyName": {"Borte"},
		"addressProtection": {"strengt-fortrolig"}, "parentalResponsibility": {"1"}}.Encode())
	require.Equal(t, 303, resp.Status, resp.Body)
	g, err = ta.Store.Guardian(ctx, demo.Municipality, arne.ID)
	require.NoError(t, err)
	assert.Equal(t, "Havnegata 33", g.Address.Street, "an empty field keeps the protected address")
}

// A guardian with parental responsibility sees the child's registered
// address, and no other guardian's; staff see no address.
func TestWhoSeesRegisteredAddresses(t *testing.T) {
	ta := webtest.New(t)
	ctx := t.Context()
	rec, err := ta.Store.ChildRecord(ctx, demo.Municipality, ta.Sofie)
	require.NoError(t, err)
	require.False(t, rec.Child.Address.IsZero())
	var apart string
	for _, l := range rec.Guardians {
		if !l.Guardianship.LivesWithChild {
			apart = l.Guardian.Address.Street
			require.NotEqual(t, rec.Child.Address.Street, apart)
		}
	}
	require.NotEmpty(t, apart, "Sofie has a parent who lives elsewhere")
	path := "/api/v1/children/" + ta.Sofie.String()

	body := ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", path, "", "").Body
	assert.Contains(t, body, rec.Child.Address.Street, "her mother sees Sofie's address")
	assert.NotContains(t, body, apart, "but not where Sofie's father lives")
	page := ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", "/children/"+ta.Sofie.String(), "", "").Body
	assert.Contains(t, page, rec.Child.Address.Street)

	for _, persona := range []string{demo.PersonaStaff, demo.PersonaOtherParent} {
		body := ta.Do(t, ta.CookieFor(t, persona), "GET", path, "", "").Body
		assert.NotContains(t, body, rec.Child.Address.Street, persona)
		assert.NotContains(t, body, apart, persona)
	}
	body = ta.Do(t, ta.CookieFor(t, demo.PersonaCaseworker), "GET", path, "", "").Body
	assert.Contains(t, body, rec.Child.Address.Street)
	assert.Contains(t, body, apart, "the municipality sees every guardian's address")
}
