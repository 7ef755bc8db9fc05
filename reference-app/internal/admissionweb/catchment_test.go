package admissionweb_test

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// multipartFile is a form with one file field "file".
func multipartFile(file string) (contentType, body string) {
	const boundary = "test-boundary"
	return "multipart/form-data; boundary=" + boundary,
		"--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"kretser.csv\"\r\nContent-Type: text/csv\r\n\r\n" +
			file + "\r\n--" + boundary + "--\r\n"
}

// The catchment page shows the seeded table; a bad file is refused line
// by line in the page's language and keeps nothing; a good one replaces
// the table.
func TestCatchmentPage(t *testing.T) {
	ta := webtest.New(t)
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	resp := ta.Do(t, cw, "GET", "/admission/catchment", "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	assert.Contains(t, resp.Body, "Skolekretser")
	assert.Contains(t, resp.Body, "Kirkebakken")
	assert.Contains(t, resp.Body, "oddetall")

	bad := "gatenavn;fra_nr;til_nr;side;skole\n" +
		"Nordbyveien;1;80;begge;Nordby skole\n" +
		"Nordbyveien;70;90;begge;Sjøsiden skole\n" +
		"Havnegata;1;x;begge;Sjøsiden skole\n" +
		"Havnegata;1;9;venstre;Ukjent skole\n"
	ct, body := multipartFile(bad)
	for _, tc := range []struct{ lang, line, reason string }{
		{"nb", "Linje 3, fra_nr", "overlapper en tidligere linje"},
		{"nn", "Linje 4, til_nr", "må vere eit heilt tal"},
		{"en", "Line 5, skole", "no such school in the municipality"},
	} {
		resp = ta.Do(t, cw+"; "+web.LangCookie+"="+tc.lang, "POST", "/admission/catchment", ct, body)
		require.Equal(t, 422, resp.Status, resp.Body)
		assert.Contains(t, resp.Body, tc.line, tc.lang)
		assert.Contains(t, resp.Body, tc.reason, tc.lang)
	}
	c, err := ta.Store.Catchment(t.Context(), demo.Municipality)
	require.NoError(t, err)
	assert.Len(t, c.Rows, 12, "the refused file kept nothing")

	ct, body = multipartFile("gatenavn;fra_nr;til_nr;side;skole\nNordbyveien;;;;Nordby skole\n")
	resp = ta.Do(t, cw, "POST", "/admission/catchment", ct, body)
	require.Equal(t, 303, resp.Status, resp.Body)
	c, err = ta.Store.Catchment(t.Context(), demo.Municipality)
	require.NoError(t, err)
	assert.Len(t, c.Rows, 1)
	assert.NotEmpty(t, ta.AuditedAs(t, "admission.catchment.replace"))
}

// School start through the pages: the caseworker registers the school
// starters (a protected address never shown), a guardian asks for
// another school, the caseworker refuses with a reason, and the guardian
// reads the decision.
func TestSchoolStartPages(t *testing.T) {
	ta := webtest.New(t)
	ctx := t.Context()
	m := demo.Municipality
	cw := ta.CookieFor(t, demo.PersonaCaseworker)
	intakes, err := ta.Store.Intakes(ctx, m)
	require.NoError(t, err)
	var school admission.Intake
	for _, in := range intakes {
		if in.Kind == domain.School {
			school = in
		}
	}
	require.Equal(t, domain.School, school.Kind)
	// One school starter's address is made strengt fortrolig.
	children, err := ta.Store.Children(ctx, m)
	require.NoError(t, err)
	var hidden, open domain.Child
	for _, ch := range children {
		if ch.BirthDate.Year() != school.AdmissionYear-6 || ch.Address.Street == "" {
			continue
		}
		if hidden.ID.IsZero() {
			hidden = ch
		} else if open.ID.IsZero() && ch.Address.Street != hidden.Address.Street {
			open = ch
		}
	}
	require.False(t, open.ID.IsZero(), "the demo has two school starters")
	hidden.AddressProtection = domain.ProtectionStrengtFortrolig
	require.NoError(t, ta.Store.UpdateChild(ctx, hidden))

	page := "/admission/intakes/" + school.ID.String() + "/school-starters"
	resp := ta.Do(t, cw, "GET", page, "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	assert.Contains(t, resp.Body, "Ingen barn er registrert ennå.")
	resp = ta.Do(t, cw, "POST", page, "application/x-www-form-urlencoded", "")
	require.Equal(t, 303, resp.Status, resp.Body)
	resp = ta.Do(t, cw, "GET", page, "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	assert.Contains(t, resp.Body, open.GivenName+" "+open.FamilyName)
	assert.Contains(t, resp.Body, open.Address.Street)
	assert.Contains(t, resp.Body, hidden.GivenName+" "+hidden.FamilyName)
	assert.Contains(t, resp.Body, "Skjermet adresse")
	assert.NotContains(t, resp.Body, hidden.Address.Street, "a protected address is never shown")
	api := ta.Do(t, cw, "GET", "/api/v1/intakes/"+school.ID.String()+"/school-starters", "", "")
	require.Equal(t, 200, api.Status, api.Body)
	assert.NotContains(t, api.Body, hidden.Address.Street)
	assert.NotEmpty(t, ta.AuditedAs(t, "admission.school-starters.read"))

	// The open child's guardian asks for the other school.
	gs, err := ta.Store.Guardianships(ctx, m, open.ID)
	require.NoError(t, err)
	var guardian domain.GuardianID
	for _, g := range gs {
		if g.ParentalResponsibility {
			guardian = g.GuardianID
		}
	}
	value, err := ta.App.Sessions.Create(ctx, web.Session{Actor: domain.GuardianActor(m, guardian), Name: "Forelder"}, time.Now())
	require.NoError(t, err)
	parent := web.SessionCookie + "=" + value
	start := "/children/" + open.ID.String() + "/school-start"
	resp = ta.Do(t, parent, "GET", start, "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	assert.Contains(t, resp.Body, "Barnet skal begynne på ")
	// The decision on the school place is linked from the page, and the
	// link opens it.
	letter := start + "/" + school.ID.String() + "/letter"
	assert.Contains(t, resp.Body, `href="`+letter+`">Les vedtaket om skoleplass</a>`)
	assert.Equal(t, 200, ta.Do(t, parent, "GET", letter, "", "").Status)
	units, err := ta.Store.Units(ctx, m)
	require.NoError(t, err)
	sts, err := ta.Store.ChildSchoolStarters(ctx, m, open.ID)
	require.NoError(t, err)
	require.Len(t, sts, 1)
	var other domain.Unit
	for _, u := range units {
		if u.Kind == domain.School && u.ID != sts[0].Unit {
			other = u
		}
	}
	// Applying to the school intake: the catchment school is the first
	// choice already.
	resp = ta.Do(t, parent, "GET", "/children/"+open.ID.String()+"/apply?intake="+school.ID.String(), "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	first, _, _ := strings.Cut(resp.Body[strings.Index(resp.Body, `id="choice1"`):], "</select>")
	assert.Contains(t, first, `value="`+sts[0].Unit.String()+`" selected`)
	form := func(reason string) string {
		return url.Values{"intake": {school.ID.String()}, "unit": {other.ID.String()}, "reason": {reason}}.Encode()
	}
	resp = ta.Do(t, parent+"; "+web.LangCookie+"=en", "POST", "/children/"+open.ID.String()+"/school-requests", "application/x-www-form-urlencoded", form(" "))
	require.Equal(t, 422, resp.Status, resp.Body)
	assert.Contains(t, resp.Body, "aria-invalid")
	resp = ta.Do(t, parent, "POST", "/children/"+open.ID.String()+"/school-requests", "application/x-www-form-urlencoded", form("Storebror går der."))
	require.Equal(t, 303, resp.Status, resp.Body)
	resp = ta.Do(t, parent, "GET", start, "", "")
	assert.Contains(t, resp.Body, "Kommunen har ikke behandlet søknaden ennå.")

	rs, err := ta.Store.ChildSchoolRequests(ctx, m, open.ID)
	require.NoError(t, err)
	require.Len(t, rs, 1)
	resp = ta.Do(t, cw, "GET", page, "", "")
	assert.Contains(t, resp.Body, "Storebror går der.")
	decide := "/admission/school-requests/" + rs[0].ID.String() + "/decision"
	resp = ta.Do(t, cw, "POST", decide, "application/x-www-form-urlencoded", url.Values{"decision": {"refused"}}.Encode())
	assert.Equal(t, 422, resp.Status, "a refusal needs a reason")
	resp = ta.Do(t, cw, "POST", decide, "application/x-www-form-urlencoded", url.Values{"decision": {"refused"}, "reason": {"Klassen er full."}}.Encode())
	require.Equal(t, 303, resp.Status, resp.Body)
	resp = ta.Do(t, parent+"; "+web.LangCookie+"=nn", "GET", start, "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	assert.Contains(t, resp.Body, "Avslått")
	assert.Contains(t, resp.Body, "Klassen er full.")
	assert.True(t, strings.Contains(resp.Body, "Skulestart"), "in nynorsk")
	// The refusal's letter is linked beside it, and opens.
	assert.Contains(t, resp.Body, `href="`+start+"/"+school.ID.String()+`/letter?kind=change">Les vedtaket om søknaden om ein annan skule</a>`)
	assert.Equal(t, 200, ta.Do(t, parent, "GET", start+"/"+school.ID.String()+"/letter?kind=change", "", "").Status)
	assert.NotEmpty(t, ta.AuditedAs(t, "admission.school-request.refused"))
	assert.NotEmpty(t, ta.AuditedAs(t, "admission.school-request.ask"))
}

// Catchment and school start through the API: the table read and
// replaced (a bad file is a 422 naming lines and columns), the starters
// registered, a guardian's request and the caseworker's decision.
func TestSchoolStartThroughTheAPI(t *testing.T) {
	ta := webtest.New(t)
	ctx := t.Context()
	m := demo.Municipality
	cw := ta.CookieFor(t, demo.PersonaCaseworker)

	resp := ta.Do(t, cw, "GET", "/api/v1/catchment", "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	var c admission.Catchment
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &c))
	assert.Len(t, c.Rows, 12)

	resp = ta.Do(t, cw, "PUT", "/api/v1/catchment", "text/csv", "gatenavn;fra_nr;til_nr;side;skole\nHavnegata;1;9;begge;Nordby skole\nHavnegata;9;19;oddetall;Nordby skole\n")
	require.Equal(t, 422, resp.Status, resp.Body)
	assert.Contains(t, resp.Body, `"field":"lines[3].fra_nr"`)
	assert.Contains(t, resp.Body, `"reason":"catchment-overlap"`)
	resp = ta.Do(t, cw, "PUT", "/api/v1/catchment", "application/json", `{}`)
	assert.Equal(t, 415, resp.Status, resp.Body)
	resp = ta.Do(t, cw, "PUT", "/api/v1/catchment", "text/csv", string(demo.CatchmentCSV))
	require.Equal(t, 200, resp.Status, resp.Body)

	intakes, err := ta.Store.Intakes(ctx, m)
	require.NoError(t, err)
	var school admission.Intake
	for _, in := range intakes {
		if in.Kind == domain.School {
			school = in
		}
	}
	for _, in := range intakes {
		if in.Kind != domain.School {
			resp = ta.Do(t, cw, "POST", "/api/v1/school-starters", "application/json", `{"intakeId":"`+in.ID.String()+`"}`)
			require.Equal(t, 422, resp.Status, resp.Body)
			assert.Contains(t, resp.Body, admission.ReasonNotSchoolIntake)
			break
		}
	}
	assert.Empty(t, ta.Archived(t, "school-start-decision"), "a refused registration archives nothing")
	resp = ta.Do(t, cw, "POST", "/api/v1/school-starters", "application/json", `{"intakeId":"`+school.ID.String()+`"}`)
	require.Equal(t, 200, resp.Status, resp.Body)
	var started struct {
		Added    int `json:"added"`
		Starters []struct {
			Child     domain.ChildID `json:"child"`
			Unit      domain.UnitID  `json:"unit"`
			UnitName  string         `json:"unitName"`
			ChildName string         `json:"childName"`
		} `json:"starters"`
	}
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &started))
	require.NotEmpty(t, started.Starters)
	assert.Equal(t, len(started.Starters), started.Added)
	// One school start decision archived per child given a school, with
	// the letter and its case metadata; registering again archives
	// nobody twice.
	placed := 0
	for _, st := range started.Starters {
		if !st.Unit.IsZero() {
			placed++
		}
	}
	require.NotZero(t, placed)
	starts := ta.Archived(t, "school-start-decision")
	assert.Len(t, starts, placed, "one archive copy per school start decision")
	var cp web.ArchiveCopy
	require.NoError(t, json.Unmarshal([]byte(starts[0].Body), &cp))
	assert.Equal(t, "Vedtak om skoleplass ved skolestart", cp.Document.Title)
	assert.Equal(t, strings.TrimPrefix(starts[0].Key, "archive/"), cp.Archive.Record.ExternalKey)
	assert.True(t, strings.HasPrefix(cp.Archive.Record.ExternalKey, "school-start-decision/"+school.ID.String()+"/"), cp.Archive.Record.ExternalKey)
	assert.Equal(t, "school-start-decision.pdf", cp.Archive.Record.FileName)
	resp = ta.Do(t, cw, "POST", "/api/v1/school-starters", "application/json", `{"intakeId":"`+school.ID.String()+`"}`)
	require.Equal(t, 200, resp.Status, resp.Body)
	assert.Contains(t, resp.Body, `"added":0`)
	assert.Len(t, ta.Archived(t, "school-start-decision"), placed, "registering again archives nothing")

	st := started.Starters[0]
	gs, err := ta.Store.Guardianships(ctx, m, st.Child)
	require.NoError(t, err)
	var guardian domain.GuardianID
	for _, g := range gs {
		if g.ParentalResponsibility {
			guardian = g.GuardianID
		}
	}
	value, err := ta.App.Sessions.Create(ctx, web.Session{Actor: domain.GuardianActor(m, guardian), Name: "Forelder"}, time.Now())
	require.NoError(t, err)
	parent := web.SessionCookie + "=" + value
	units, err := ta.Store.Units(ctx, m)
	require.NoError(t, err)
	var other domain.UnitID
	for _, u := range units {
		if u.Kind == domain.School && u.ID != st.Unit {
			other = u.ID
		}
	}
	base := "/api/v1/children/" + st.Child.String()
	resp = ta.Do(t, parent, "POST", base+"/school-requests", "application/json", `{"intakeId":"`+school.ID.String()+`","unitId":"`+st.Unit.String()+`","reason":"x"}`)
	require.Equal(t, 422, resp.Status, resp.Body)
	assert.Contains(t, resp.Body, `"reason":"school-request-same-school"`)
	resp = ta.Do(t, parent, "POST", base+"/school-requests", "application/json", `{"intakeId":"`+school.ID.String()+`","unitId":"`+other.String()+`","reason":"Søsken går der."}`)
	require.Equal(t, 201, resp.Status, resp.Body)
	var req admission.SchoolRequest
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &req))
	assert.Equal(t, guardian, req.AskedBy)

	// A refusal without reasons is refused and archives nothing; the
	// decision is archived once, a second decision is a conflict.
	resp = ta.Do(t, cw, "POST", "/api/v1/school-request-decisions", "application/json", `{"requestId":"`+req.ID.String()+`","granted":false}`)
	require.Equal(t, 422, resp.Status, resp.Body)
	assert.Empty(t, ta.Archived(t, "school-change-decision"))
	decide := `{"requestId":"` + req.ID.String() + `","granted":true}`
	resp = ta.Do(t, cw, "POST", "/api/v1/school-request-decisions", "application/json", decide)
	require.Equal(t, 200, resp.Status, resp.Body)
	resp = ta.Do(t, cw, "POST", "/api/v1/school-request-decisions", "application/json", decide)
	assert.Equal(t, 409, resp.Status, resp.Body)
	changes := ta.Archived(t, "school-change-decision")
	require.Len(t, changes, 1, "the decision on the request, archived once")
	assert.Equal(t, "archive/school-change-decision/"+req.ID.String(), changes[0].Key)
	assert.True(t, slices.ContainsFunc(gs, func(g domain.Guardianship) bool {
		return g.ParentalResponsibility && g.GuardianID == changes[0].Guardian
	}), "addressed to a guardian with parental responsibility")
	require.NoError(t, json.Unmarshal([]byte(changes[0].Body), &cp))
	assert.Contains(t, cp.Document.Title, "skolebytte")
	assert.Len(t, ta.Archived(t, "school-start-decision"), placed)

	resp = ta.Do(t, parent, "GET", base+"/school-start", "", "")
	require.Equal(t, 200, resp.Status, resp.Body)
	var view admission.ChildSchoolStart
	require.NoError(t, json.Unmarshal([]byte(resp.Body), &view))
	require.Len(t, view.Starters, 1)
	assert.Equal(t, other, view.Starters[0].Unit, "granted: the school asked for")
	assert.Equal(t, st.Unit, view.Starters[0].Catchment)
	require.Len(t, view.Requests, 1)
	assert.Equal(t, admission.RequestGranted, view.Requests[0].Decision)
	assert.NotEmpty(t, ta.AuditedAs(t, "admission.school-request.granted"))
	assert.NotEmpty(t, ta.AuditedAs(t, "admission.school-start.read"))
}
