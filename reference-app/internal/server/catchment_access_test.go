package server_test

import (
	"context"
	"fmt"
	"net/url"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// catchmentAuth has the lines of catchment schools and school start. The
// school starters of the demo's school intake are registered and two of
// their guardians have asked for another school before the table runs;
// Sofie Berg (the guardian persona's child) is no school starter, so her
// guardian passes the policy and is refused by the rules (422). The other
// municipality's caseworker has no such intake, request or schools.
func catchmentAuth(ta *webtest.Harness) map[string]authCase {
	const ok, see, forbidden, missing, conflict, invalid = 200, 303, 403, 404, 409, 422
	ctx := context.Background()
	m := demo.Municipality
	must := func(err error) {
		if err != nil {
			panic("catchment fixture: " + err.Error())
		}
	}
	svc := &admission.Service{Store: ta.Store, Clock: domain.FixedClock(webtest.Now)}
	cw := domain.CaseworkerActor(m, "fixture")
	intakes, err := ta.Store.Intakes(ctx, m)
	must(err)
	var school admission.Intake
	for _, in := range intakes {
		if in.Kind == domain.School {
			school = in
		}
	}
	units, err := ta.Store.Units(ctx, m)
	must(err)
	schools := map[string]domain.UnitID{}
	for _, u := range units {
		schools[u.Name] = u.ID
	}
	res, err := svc.RegisterSchoolStarters(ctx, cw, school.ID)
	must(err)
	// Two requests, one for the API's decision and one for the page's.
	var requests []string
	for _, st := range res.All {
		if len(requests) == 2 {
			break
		}
		if st.Unit.IsZero() {
			continue
		}
		gs, err := ta.Store.Guardianships(ctx, m, st.Child)
		must(err)
		for _, g := range gs {
			if !g.ParentalResponsibility {
				continue
			}
			other := schools["Sjøsiden skole"]
			if st.Unit == other {
				other = schools["Nordby skole"]
			}
			r, err := svc.AskOtherSchool(ctx, domain.GuardianActor(m, g.GuardianID),
				admission.SchoolRequest{Intake: school.ID, Child: st.Child, Unit: other, Reason: "Søsken går der."})
			must(err)
			requests = append(requests, r.ID.String())
			break
		}
	}
	if len(requests) != 2 {
		panic("catchment fixture: two school starters with guardians")
	}
	sofie := ta.Sofie.String()
	intake := school.ID.String()
	jsonType, form := "application/json", "application/x-www-form-urlencoded"
	body := func(s string) func(string) string { return func(string) string { return s } }
	municipal := func(s, other int) [8]int {
		return [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, s, other, s}
	}
	// The guardian passes the policy; Sofie is no school starter.
	guardianOnly := [8]int{invalid, forbidden, forbidden, forbidden, forbidden, forbidden, missing, forbidden}
	parentOrMunicipal := [8]int{ok, forbidden, forbidden, forbidden, forbidden, ok, missing, ok}
	const boundary = "catchment-boundary"
	upload := "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"skolekretser.csv\"\r\nContent-Type: text/csv\r\n\r\n" +
		string(demo.CatchmentCSV) + "\r\n--" + boundary + "--\r\n"
	ask := url.Values{"intake": {intake}, "unit": {schools["Sjøsiden skole"].String()}, "reason": {"Søsken"}}.Encode()
	return map[string]authCase{
		"GET /api/v1/catchment": {path: "/api/v1/catchment", want: municipal(ok, ok)},
		// Another municipality has no schools of these names.
		"PUT /api/v1/catchment":                          {path: "/api/v1/catchment", contentType: "text/csv", body: body(string(demo.CatchmentCSV)), want: municipal(ok, invalid)},
		"GET /api/v1/intakes/{intakeId}/school-starters": {path: "/api/v1/intakes/" + intake + "/school-starters", want: municipal(ok, missing)},
		"POST /api/v1/school-starters":                   {path: "/api/v1/school-starters", contentType: jsonType, body: body(fmt.Sprintf(`{"intakeId":%q}`, intake)), want: municipal(ok, invalid)},
		"GET /api/v1/intakes/{intakeId}/school-requests": {path: "/api/v1/intakes/" + intake + "/school-requests", want: municipal(ok, missing)},
		// Decided by the caseworker; the admin finds it decided.
		"POST /api/v1/school-request-decisions": {path: "/api/v1/school-request-decisions", contentType: jsonType,
			body: body(fmt.Sprintf(`{"requestId":%q,"granted":false,"reason":"Klassen er full."}`, requests[0])), want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, ok, invalid, conflict}},
		"GET /api/v1/children/{childId}/school-start": {path: "/api/v1/children/" + sofie + "/school-start", want: parentOrMunicipal},
		"POST /api/v1/children/{childId}/school-requests": {path: "/api/v1/children/" + sofie + "/school-requests", contentType: jsonType,
			body: body(fmt.Sprintf(`{"intakeId":%q,"unitId":%q,"reason":"Søsken"}`, intake, schools["Sjøsiden skole"])), want: guardianOnly},
		"GET /admission/catchment":                           {path: "/admission/catchment", want: municipal(ok, ok)},
		"POST /admission/catchment":                          {path: "/admission/catchment", contentType: "multipart/form-data; boundary=" + boundary, body: body(upload), want: municipal(see, invalid)},
		"GET /admission/intakes/{intakeId}/school-starters":  {path: "/admission/intakes/" + intake + "/school-starters", want: municipal(ok, missing)},
		"POST /admission/intakes/{intakeId}/school-starters": {path: "/admission/intakes/" + intake + "/school-starters", contentType: form, want: municipal(see, missing)},
		"POST /admission/school-requests/{requestId}/decision": {path: "/admission/school-requests/" + requests[1] + "/decision", contentType: form,
			body: body(url.Values{"decision": {"granted"}}.Encode()), want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, see, missing, conflict}},
		"GET /children/{childId}/school-start":     {path: "/children/" + sofie + "/school-start", want: parentOrMunicipal},
		"POST /children/{childId}/school-requests": {path: "/children/" + sofie + "/school-requests", contentType: form, body: body(ask), want: guardianOnly},
	}
}
