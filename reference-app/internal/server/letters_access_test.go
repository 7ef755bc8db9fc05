package server_test

import (
	"context"
	"net/url"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// letterAuth has the lines of the municipality's letter template
// (caseworkers handling admission and administrators, each of their own
// municipality: the other municipality's caseworker reads and saves its
// own template) and of the school start letters: a school starter of the
// demo's school intake whose guardian asked for another school, refused;
// the municipality reads its letters, the guardian personas are no
// guardians of it (403), the other municipality finds no such child.
func letterAuth(ta *webtest.Harness) map[string]authCase {
	const ok, see, forbidden, missing = 200, 303, 403, 404
	municipal := func(s int) [8]int { return [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, s, s, s} }
	body := func(s string) func(string) string { return func(string) string { return s } }
	form := url.Values{"senderName": {"Demo kommune, oppvekst"}, "appealBody": {"Statsforvalteren"}}.Encode()

	ctx := context.Background()
	m := demo.Municipality
	must := func(err error) {
		if err != nil {
			panic("letter fixture: " + err.Error())
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
	res, err := svc.RegisterSchoolStarters(ctx, cw, school.ID)
	must(err)
	units, err := ta.Store.Units(ctx, m)
	must(err)
	var child string
	for i := len(res.All) - 1; i >= 0 && child == ""; i-- {
		st := res.All[i]
		if st.Unit.IsZero() {
			continue
		}
		gs, err := ta.Store.Guardianships(ctx, m, st.Child)
		must(err)
		for _, g := range gs {
			if !g.ParentalResponsibility {
				continue
			}
			var other domain.UnitID
			for _, u := range units {
				if u.Kind == domain.School && u.ID != st.Unit {
					other = u.ID
				}
			}
			r, err := svc.AskOtherSchool(ctx, domain.GuardianActor(m, g.GuardianID),
				admission.SchoolRequest{Intake: school.ID, Child: st.Child, Unit: other, Reason: "Nærmere besteforeldre."})
			if err != nil {
				break // asked already
			}
			_, err = svc.DecideSchoolRequest(ctx, cw, r.ID, false, "Klassen er full.")
			must(err)
			child = st.Child.String()
			break
		}
	}
	if child == "" {
		panic("letter fixture: a school starter with a guardian who has not asked")
	}
	letter := "/children/" + child + "/school-start/" + school.ID.String() + "/letter"
	municipalOnly := [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, ok, missing, ok}
	return map[string]authCase{
		"GET /api/v1/letter-template": {path: "/api/v1/letter-template", want: municipal(ok)},
		"PUT /api/v1/letter-template": {path: "/api/v1/letter-template", contentType: "application/json",
			body: body(`{"senderName":"Demo kommune, oppvekst","orgNumber":"123456789"}`), want: municipal(ok)},
		"GET /admin/letter-template":  {path: "/admin/letter-template", want: municipal(ok)},
		"POST /admin/letter-template": {path: "/admin/letter-template", contentType: "application/x-www-form-urlencoded", body: body(form), want: municipal(see)},

		"GET /api/v1/children/{childId}/school-start/{intakeId}/letter":     {path: "/api/v1" + letter + "?kind=change&lang=nn", want: municipalOnly},
		"GET /api/v1/children/{childId}/school-start/{intakeId}/letter.pdf": {path: "/api/v1" + letter + ".pdf", want: municipalOnly},
		"GET /children/{childId}/school-start/{intakeId}/letter":            {path: letter + "?kind=change", want: municipalOnly},
		"GET /children/{childId}/school-start/{intakeId}/letter.pdf":        {path: letter + ".pdf?kind=change&lang=en", want: municipalOnly},
	}
}
