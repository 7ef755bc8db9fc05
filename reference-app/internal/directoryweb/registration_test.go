package directoryweb_test

import (
	"encoding/json"
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

const formType = "application/x-www-form-urlencoded"

// counts is how much the demo municipality holds, to prove a refused form
// wrote nothing.
func counts(t *testing.T, ta *webtest.Harness) [4]int {
	t.Helper()
	ctx := t.Context()
	children, err := ta.Store.Children(ctx, demo.Municipality)
	require.NoError(t, err)
	var out [4]int
	out[0] = len(children)
	for _, c := range children {
		rec, err := ta.Store.ChildRecord(ctx, demo.Municipality, c.ID)
		require.NoError(t, err)
		out[1] += len(rec.Guardians)
		out[2] += len(rec.Placements)
	}
	units, err := ta.Store.Units(ctx, demo.Municipality)
	require.NoError(t, err)
	out[3] = len(units)
	return out
}

// fieldError is the error shown next to the field with the HTML id.
func fieldError(body, id string) string {
	i := strings.Index(body, `id="`+id+`-error"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	rest = rest[strings.Index(rest, ">")+1:]
	return html.UnescapeString(rest[:strings.Index(rest, "<")])
}

// A caseworker registers a child, a guardian with parental responsibility
// and a placement by clicking through the pages and posting their forms.
func TestCaseworkerRegistersByHand(t *testing.T) {
	ta := webtest.New(t)
	cookie := ta.CookieFor(t, demo.PersonaCaseworker)
	start := ta.Do(t, cookie, "GET", "/caseworker", "", "")
	require.Equal(t, 200, start.Status)
	require.Contains(t, start.Body, `href="/caseworker/children/new"`, "reachable from the start page")
	require.Equal(t, 200, ta.Do(t, cookie, "GET", "/caseworker/children/new", "", "").Status)

	resp := ta.Do(t, cookie, "POST", "/caseworker/children", formType,
		url.Values{"givenName": {"Ingrid"}, "familyName": {"Hånd"}, "birthDate": {"2022-05-17"}, "addressProtection": {"none"}}.Encode())
	require.Equal(t, 303, resp.Status, resp.Body)
	childPath := resp.Header.Get("Location")
	require.True(t, strings.HasPrefix(childPath, "/children/"), childPath)
	child, err := domain.ParseID[domain.Child](strings.TrimPrefix(childPath, "/children/"))
	require.NoError(t, err)

	page := ta.Do(t, cookie, "GET", childPath, "", "")
	require.Equal(t, 200, page.Status)
	assert.Contains(t, page.Body, "Ingrid Hånd")
	assert.Contains(t, page.Body, `href="`+childPath+`/guardians/new"`)
	assert.Contains(t, page.Body, `href="`+childPath+`/placements/new"`)

	resp = ta.Do(t, cookie, "POST", childPath+"/guardians", formType, url.Values{"givenName": {"Per"}, "familyName": {"Hånd"},
		"phone": {"+47 912 34 567"}, "email": {"per@example.no"}, "addressProtection": {"none"},
		"parentalResponsibility": {"1"}, "livesWithChild": {"1"}}.Encode())
	require.Equal(t, 303, resp.Status, resp.Body)
	resp = ta.Do(t, cookie, "POST", childPath+"/placements", formType, url.Values{"unitId": {ta.Bjorkelia.String()},
		"hoursPerWeek": {"41"}, "start": {"2026-08-01"}}.Encode())
	require.Equal(t, 303, resp.Status, resp.Body)

	rec, err := ta.Store.ChildRecord(t.Context(), demo.Municipality, child)
	require.NoError(t, err)
	require.Len(t, rec.Guardians, 1)
	g := rec.Guardians[0]
	assert.Equal(t, "Per", g.Guardian.GivenName)
	assert.Equal(t, "+47 912 34 567", g.Guardian.Phone)
	assert.True(t, g.Guardianship.ParentalResponsibility)
	assert.True(t, g.Guardianship.LivesWithChild)
	assert.False(t, g.Guardianship.InformationRequested)
	require.Len(t, rec.Placements, 1)
	p := rec.Placements[0]
	assert.Equal(t, ta.Bjorkelia, p.UnitID)
	assert.Equal(t, domain.Kindergarten, p.Kind)
	assert.Equal(t, 41, p.HoursPerWeek)
	assert.True(t, p.Period.Open())

	// The placement ends: the edit form with a last day.
	edit := ta.Do(t, cookie, "GET", childPath+"/placements/"+p.ID.String()+"/edit", "", "")
	require.Equal(t, 200, edit.Status)
	assert.Contains(t, edit.Body, `value="2026-08-01"`, "the form shows what is stored")
	resp = ta.Do(t, cookie, "POST", childPath+"/placements/"+p.ID.String(), formType, url.Values{"unitId": {ta.Bjorkelia.String()},
		"hoursPerWeek": {"41"}, "start": {"2026-08-01"}, "end": {"2027-06-30"}}.Encode())
	require.Equal(t, 303, resp.Status, resp.Body)
	got, err := ta.Store.Placement(t.Context(), demo.Municipality, p.ID)
	require.NoError(t, err)
	assert.Equal(t, "2027-06-30", got.Period.End.String())

	// Every change is in the audit log, for the child.
	entries, err := ta.Store.AuditEntries(t.Context(), demo.Municipality, child, domain.AuditID{}, 20)
	require.NoError(t, err)
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
	}
	for _, want := range []string{"child.create", "guardianship.put", "placement.create", "placement.update"} {
		assert.Contains(t, actions, want)
	}
}

// A wrong date, a control character or a missing field shows the form
// again, with what was typed and the error next to the field, and writes
// nothing; the API refuses the same input naming the same field with the
// same reason.
func TestRegistrationRefusalsMatchTheAPI(t *testing.T) {
	ta := webtest.New(t)
	cookie := ta.CookieFor(t, demo.PersonaCaseworker)
	before := counts(t, ta)
	for _, tc := range []struct {
		name           string
		form           url.Values
		json           string
		field, reason  string
		id, typed, msg string
	}{
		{"impossible date", url.Values{"givenName": {"Ola"}, "familyName": {"Dato"}, "birthDate": {"2022-02-30"}},
			`{"givenName":"Ola","familyName":"Dato","birthDate":"2022-02-30"}`, "birthDate", domain.ReasonDate,
			"f-birthDate", `value="2022-02-30"`, "er ikke en dato som finnes"},
		{"line break in a name", url.Values{"givenName": {"Ola\nNordmann"}, "familyName": {"Kontroll"}, "birthDate": {"2022-02-03"}},
			`{"givenName":"Ola\nNordmann","familyName":"Kontroll","birthDate":"2022-02-03"}`, "givenName", domain.ReasonControl,
			"f-givenName", `value="Kontroll"`, "kontrolltegn"},
		{"missing family name", url.Values{"givenName": {"Ola"}, "familyName": {""}, "birthDate": {"2022-02-03"}},
			`{"givenName":"Ola","familyName":"","birthDate":"2022-02-03"}`, "familyName", "required",
			"f-familyName", `value="Ola"`, "må fylles ut"},
		{"birth date in the future", url.Values{"givenName": {"Ola"}, "familyName": {"Fremtid"}, "birthDate": {"2099-01-01"}},
			`{"givenName":"Ola","familyName":"Fremtid","birthDate":"2099-01-01"}`, "birthDate", domain.ReasonFuture,
			"f-birthDate", `value="2099-01-01"`, "etter i dag"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := ta.Do(t, cookie, "POST", "/caseworker/children", formType, tc.form.Encode())
			require.Equal(t, 422, resp.Status)
			errText := fieldError(resp.Body, tc.id)
			assert.NotEmpty(t, errText, "an error next to %s", tc.id)
			assert.Contains(t, strings.ToLower(resp.Body), strings.ToLower(tc.msg))
			assert.Contains(t, resp.Body, tc.typed, "what was typed is kept")
			assert.Contains(t, resp.Body, `aria-describedby="`+tc.id+`-error`)
			assert.Contains(t, resp.Body, `role="alert"`)

			api := ta.Do(t, cookie, "POST", "/api/v1/children", "application/json", tc.json)
			require.Equal(t, 422, api.Status, api.Body)
			assert.Contains(t, problemFields(t, api.Body), domain.FieldError{Field: tc.field, Reason: tc.reason})
		})
	}

	// A placement: an impossible end date, hours out of range.
	sofie := "/children/" + ta.Sofie.String()
	resp := ta.Do(t, cookie, "POST", sofie+"/placements", formType, url.Values{"unitId": {ta.Bjorkelia.String()},
		"hoursPerWeek": {"20"}, "start": {"2031-01-01"}, "end": {"2031-04-31"}}.Encode())
	require.Equal(t, 422, resp.Status)
	assert.NotEmpty(t, fieldError(resp.Body, "f-end"))
	assert.Contains(t, resp.Body, `value="2031-04-31"`)
	resp = ta.Do(t, cookie, "POST", sofie+"/placements", formType, url.Values{"unitId": {ta.Bjorkelia.String()},
		"hoursPerWeek": {"61"}, "start": {"2031-01-01"}}.Encode())
	require.Equal(t, 422, resp.Status)
	assert.Equal(t, "må være fra 1 til 60", fieldError(resp.Body, "f-hoursPerWeek"))
	apiResp := ta.Do(t, cookie, "POST", "/api/v1"+sofie+"/placements", "application/json",
		`{"unitId":"`+ta.Bjorkelia.String()+`","hoursPerWeek":61,"start":"2031-01-01"}`)
	require.Equal(t, 422, apiResp.Status)
	assert.Contains(t, problemFields(t, apiResp.Body), domain.FieldError{Field: "hoursPerWeek", Reason: "out-of-range", Params: map[string]string{"min": "1", "max": "60"}})

	// A guardian: a phone that is no phone number, in the form and the API.
	resp = ta.Do(t, cookie, "POST", sofie+"/guardians", formType, url.Values{"givenName": {"Ny"}, "familyName": {"Foresatt"},
		"phone": {"ring meg"}}.Encode())
	require.Equal(t, 422, resp.Status)
	assert.Equal(t, "må være 8 til 15 siffer, gjerne med + først", fieldError(resp.Body, "f-phone"))
	apiResp = ta.Do(t, cookie, "POST", "/api/v1/guardians", "application/json", `{"givenName":"Ny","familyName":"Foresatt","phone":"ring meg"}`)
	require.Equal(t, 422, apiResp.Status)
	assert.Contains(t, problemFields(t, apiResp.Body), domain.FieldError{Field: "phone", Reason: domain.ReasonPhone})

	assert.Equal(t, before, counts(t, ta), "nothing was written")
}

// The administrator creates a unit and a group from the pages; closing
// the unit while children are placed past the date is refused with how
// many and who, and nothing changes; staff see the unit's page but no
// buttons.
func TestAdminUnitsPages(t *testing.T) {
	ta := webtest.New(t)
	admin := ta.CookieFor(t, demo.PersonaAdmin)
	list := ta.Do(t, admin, "GET", "/admin/units", "", "")
	require.Equal(t, 200, list.Status)
	assert.Contains(t, list.Body, `href="/admin/units/new"`)
	home := ta.Do(t, admin, "GET", "/admin/audit", "", "")
	assert.Contains(t, home.Body, `href="/admin/units"`, "in the administrator's menu")

	bad := url.Values{"name": {"Nyheim barnehage"}, "kind": {"kindergarten"}, "owner": {"municipal"}, "address.street": {"Nyveien 2"},
		"address.postcode": {"12a4"}, "address.postTown": {"NYBY"}, "openingHours.opens": {"16:30"}, "openingHours.closes": {"07:00"},
		"contact.email": {"post"}, "seats.small": {"9"}, "seats.large": {"x"}}
	resp := ta.Do(t, admin, "POST", "/admin/units", formType, bad.Encode())
	require.Equal(t, 422, resp.Status)
	assert.Equal(t, "må være et helt tall", fieldError(resp.Body, "f-seats-large"))
	assert.Contains(t, resp.Body, `value="Nyveien 2"`)
	bad.Set("seats.large", "18")
	resp = ta.Do(t, admin, "POST", "/admin/units", formType, bad.Encode())
	require.Equal(t, 422, resp.Status)
	assert.Equal(t, "må være fire siffer", fieldError(resp.Body, "f-address-postcode"))
	assert.Equal(t, "må være etter åpningstiden", fieldError(resp.Body, "f-openingHours-closes"))
	assert.Equal(t, "er ikke en e-postadresse", fieldError(resp.Body, "f-contact-email"))

	good := bad
	good.Set("address.postcode", "1234")
	good.Set("openingHours.opens", "07:00")
	good.Set("openingHours.closes", "16:30")
	good.Set("contact.email", "post@nyheim.example")
	resp = ta.Do(t, admin, "POST", "/admin/units", formType, good.Encode())
	require.Equal(t, 303, resp.Status, resp.Body)
	unitPath := resp.Header.Get("Location")
	page := ta.Do(t, admin, "GET", unitPath, "", "")
	require.Equal(t, 200, page.Status)
	for _, s := range []string{"Nyveien 2", "1234 NYBY", "07:00–16:30", "post@nyheim.example", `href="/admin` + unitPath + `/groups/new"`} {
		assert.Contains(t, page.Body, s)
	}
	resp = ta.Do(t, admin, "POST", "/admin"+unitPath+"/groups", formType, url.Values{"name": {"Maurtua"}, "ageGroup": {"small"}}.Encode())
	require.Equal(t, 303, resp.Status, resp.Body)
	assert.Contains(t, ta.Do(t, admin, "GET", unitPath, "", "").Body, "Maurtua")

	// The same unit through the API.
	var v struct {
		Seats  domain.Seats   `json:"seats"`
		Groups []domain.Group `json:"groups"`
	}
	r := ta.Do(t, admin, "GET", "/api/v1"+unitPath, "", "")
	require.Equal(t, 200, r.Status)
	require.NoError(t, json.Unmarshal([]byte(r.Body), &v))
	assert.Equal(t, domain.Seats{Small: 9, Large: 18}, v.Seats)
	require.Len(t, v.Groups, 1)
	assert.Equal(t, domain.Small, v.Groups[0].AgeGroup)

	// Closing Bjørkelia while children are placed there is refused.
	bj := "/admin/units/" + ta.Bjorkelia.String()
	before, err := ta.Store.Unit(t.Context(), demo.Municipality, ta.Bjorkelia)
	require.NoError(t, err)
	resp = ta.Do(t, admin, "POST", bj+"/close", formType, "closingDate=2026-01-31")
	require.Equal(t, 422, resp.Status)
	msg := fieldError(resp.Body, "f-closingDate")
	assert.Regexp(t, `^\d+ plasser varer lenger enn denne datoen: .+\(`, msg)
	apiResp := ta.Do(t, admin, "POST", "/api/v1/units/"+ta.Bjorkelia.String()+"/close", "application/json", `{"closingDate":"2026-01-31"}`)
	require.Equal(t, 409, apiResp.Status, apiResp.Body)
	fields := problemFields(t, apiResp.Body)
	require.Len(t, fields, 1)
	assert.Equal(t, "closingDate", fields[0].Field)
	assert.Equal(t, "placements-would-no-longer-fit", fields[0].Reason)
	after, err := ta.Store.Unit(t.Context(), demo.Municipality, ta.Bjorkelia)
	require.NoError(t, err)
	assert.Equal(t, before, after, "nothing changed")

	// Staff of Nordby see their unit, without the buttons.
	staff := ta.CookieFor(t, demo.PersonaStaff)
	sp := ta.Do(t, staff, "GET", "/units/"+ta.NordbySFO.String(), "", "")
	require.Equal(t, 200, sp.Status)
	assert.NotContains(t, sp.Body, "/admin/units/")
	assert.Equal(t, 403, ta.Do(t, staff, "POST", "/admin/units/"+ta.NordbySFO.String()+"/close", formType, "closingDate=2026-01-31").Status)
}

func problemFields(t *testing.T, body string) []domain.FieldError {
	t.Helper()
	var p api.Problem
	require.NoError(t, json.Unmarshal([]byte(body), &p), body)
	return p.Errors
}
