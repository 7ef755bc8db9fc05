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
	// In nynorsk and English too.
	for lang, want := range map[string]string{"nn": "fyll inn gateadresse eller matrikkeladresse", "en": "give a street address or a cadastral address"} {
		other := ta.CookieFor(t, demo.PersonaCaseworker)
		set := ta.Do(t, other, "POST", "/language", formType, "lang="+lang+"&return=/caseworker")
		require.Equal(t, 303, set.Status)
		for _, c := range set.Header.Values("Set-Cookie") {
			other += "; " + strings.SplitN(c, ";", 2)[0]
		}
		resp := ta.Do(t, other, "POST", "/caseworker/children", formType, url.Values{"givenName": {"Adrian"}, "familyName": {"Adresse"},
			"birthDate": {"2022-05-17"}, "addressProtection": {"none"}, "address.postcode": {"99"}, "address.postTown": {"DEMOBY"}}.Encode())
		require.Equal(t, 422, resp.Status, resp.Body)
		assert.Equal(t, want, fieldError(resp.Body, "f-address-street"), lang)
	}

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

// A fortrolig address is not shown either: when Sofie's address becomes
// fortrolig, neither her mother nor the caseworker sees it any more — not
// as Sofie's, nor as the address of her mother, who lives with her (her
// guardian record, her form, her invoices, the finance file, which marks
// her rows protected); her father, who lives elsewhere, keeps his.
func TestFortroligAddressIsNotShown(t *testing.T) {
	ta := webtest.New(t)
	ctx := t.Context()
	c, err := ta.Store.Child(ctx, demo.Municipality, ta.Sofie)
	require.NoError(t, err)
	street := c.Address.Street
	require.NotEmpty(t, street)
	c.AddressProtection = domain.ProtectionFortrolig
	require.NoError(t, ta.Store.UpdateChild(ctx, c))
	for _, persona := range []string{demo.PersonaGuardian, demo.PersonaCaseworker, demo.PersonaAdmin} {
		cookie := ta.CookieFor(t, persona)
		for _, path := range []string{"/api/v1/children/" + ta.Sofie.String(), "/children/" + ta.Sofie.String()} {
			r := ta.Do(t, cookie, "GET", path, "", "")
			require.Equal(t, 200, r.Status, "%s as %s", path, persona)
			assert.NotContains(t, r.Body, street, "%s as %s", path, persona)
		}
	}
	rec, err := ta.Store.ChildRecord(ctx, demo.Municipality, ta.Sofie)
	require.NoError(t, err)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	var hilde domain.GuardianID
	for _, l := range rec.Guardians {
		g := l.Guardian
		r := ta.Do(t, cw, "GET", "/api/v1/guardians/"+g.ID.String(), "", "")
		require.Equal(t, 200, r.Status, r.Body)
		if l.Guardianship.LivesWithChild {
			hilde = g.ID
			assert.NotContains(t, r.Body, street, "the mother lives with Sofie")
			edit := ta.Do(t, cw, "GET", "/children/"+ta.Sofie.String()+"/guardians/"+g.ID.String()+"/edit", "", "")
			require.Equal(t, 200, edit.Status)
			assert.NotContains(t, edit.Body, street)
			assert.Contains(t, edit.Body, "Adressen er beskyttet: den lagrede adressen vises ikke")
		} else {
			assert.Contains(t, r.Body, g.Address.Street, "%s %s lives elsewhere", g.GivenName, g.FamilyName)
		}
	}
	require.False(t, hilde.IsZero())
	require.Equal(t, 201, ta.RunInvoices(t, cw, "2025-11").Status)
	inv := ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", "/api/v1/invoices?month=2025-11", "", "")
	require.Equal(t, 200, inv.Status, inv.Body)
	require.Contains(t, inv.Body, `"kid"`, "Hilde is invoiced")
	assert.NotContains(t, inv.Body, street)
	assert.NotContains(t, ta.Do(t, ta.CookieFor(t, demo.PersonaGuardian), "GET", "/invoices", "", "").Body, street)
	file := ta.Do(t, cw, "GET", "/api/v1/exports/finance.csv?month=2025-11", "", "")
	require.Equal(t, 200, file.Status, file.Body)
	assert.NotContains(t, file.Body, street)
	var rows int
	for _, line := range strings.Split(file.Body, "\r\n") {
		if strings.Contains(line, hilde.String()) {
			rows++
			assert.Contains(t, line, ";fortrolig;", "her rows are marked protected")
		}
	}
	assert.Positive(t, rows)

	// Saving her form with the address fields empty keeps the address.
	resp := ta.Do(t, cw, "POST", "/children/"+ta.Sofie.String()+"/guardians/"+hilde.String(), formType, url.Values{"givenName": {"Hilde"},
		"familyName": {"Berg"}, "addressProtection": {"none"}, "parentalResponsibility": {"1"}, "livesWithChild": {"1"}}.Encode())
	require.Equal(t, 303, resp.Status, resp.Body)
	g, err := ta.Store.Guardian(ctx, demo.Municipality, hilde)
	require.NoError(t, err)
	assert.Equal(t, street, g.Address.Street)
}
