package main

import (
	"context"
	"fmt"
	"net/url"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
)

// admissionFixture is what the admission tests refer to: the seeded
// intakes, Emil and Nora Berg (Hilde Berg has parental responsibility, Tor
// Ødegård has asked for information under § 47), and four test intakes
// with runs and offers made for the two children.
type admissionFixture struct {
	main, extra  admission.IntakeID
	emil, nora   domain.ChildID
	application  admission.ApplicationID // Emil's in an approved intake
	offers       [4]admission.OfferID    // Emil, Nora (intake 1); Emil, Nora (intake 2)
	draft1       admission.RunID         // drafts of intakes 3 and 4
	draft2       admission.RunID
	guardian     domain.Actor
	caseworker   domain.Actor
	bjorkeliaStr string
}

func newAdmissionFixture(ta *testApp) admissionFixture {
	must := func(err error) {
		if err != nil {
			panic("admission fixture: " + err.Error())
		}
	}
	ctx := context.Background()
	m := demoMunicipality
	f := admissionFixture{guardian: ta.personas[personaGuardian].Actor, caseworker: ta.personas[personaCaseworker].Actor, bjorkeliaStr: ta.bjorkelia.String()}
	intakes, err := ta.store.Intakes(ctx, m)
	must(err)
	if len(intakes) != 2 {
		panic("admission fixture: two seeded intakes")
	}
	f.main, f.extra = intakes[0].ID, intakes[1].ID
	children, err := ta.store.Children(ctx, m)
	must(err)
	for _, c := range children {
		switch c.GivenName + " " + c.FamilyName {
		case "Emil Berg":
			f.emil = c.ID
		case "Nora Berg":
			f.nora = c.ID
		}
	}
	if f.emil.IsZero() || f.nora.IsZero() {
		panic("admission fixture: Emil and Nora Berg are seeded")
	}
	svc := ta.a.admission()
	main := intakes[0]
	for i := range 4 {
		in := main
		in.ID, in.Main, in.Name = domain.NewID[admission.Intake](), false, fmt.Sprintf("Test %d", i+1)
		in.Seats = []admission.UnitSeats{{Unit: ta.bjorkelia, Places: 10, Small: 4}}
		must(svc.CreateIntake(ctx, f.caseworker, in))
		var apps []admission.ApplicationID
		for _, child := range []domain.ChildID{f.emil, f.nora} {
			ap, err := svc.Apply(ctx, f.guardian, admission.Application{Intake: in.ID, Child: child, Preferences: []domain.UnitID{ta.bjorkelia}, Hours: 41})
			must(err)
			apps = append(apps, ap.ID)
		}
		run, err := svc.Run(ctx, f.caseworker, in.ID, 7)
		must(err)
		switch i {
		case 0, 1:
			offers, err := svc.Approve(ctx, f.caseworker, run.ID)
			must(err)
			if len(offers) != 2 {
				panic("admission fixture: two offers")
			}
			for _, o := range offers {
				k := 2 * i
				if o.Child == f.nora {
					k++
				}
				f.offers[k] = o.ID
			}
			if i == 0 {
				f.application = apps[0]
			}
		case 2:
			f.draft1 = run.ID
		case 3:
			f.draft2 = run.ID
		}
	}
	return f
}

// admissionAuth has a line of the authorization table (access_test.go) for every
// admission route.
func admissionAuth(ta *testApp) map[string]authCase {
	f := newAdmissionFixture(ta)
	const ok, created, see, forbidden, missing, conflict = 200, 201, 303, 403, 404, 409
	jsonType, form := "application/json", "application/x-www-form-urlencoded"
	body := func(s string) func(string) string { return func(string) string { return s } }
	main, emil, nora := f.main.String(), f.emil.String(), f.nora.String()
	// Caseworker routes: the municipality only; another municipality's
	// caseworker finds nothing.
	casework := [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, ok, missing, ok}
	// A child's application: a guardian with parental responsibility or
	// the municipality; the § 47 parent, another family and staff get 403.
	parentOrMunicipal := [8]int{ok, forbidden, forbidden, forbidden, forbidden, ok, missing, ok}
	// Only a guardian with parental responsibility may apply or answer;
	// the caseworker sees the offer but may not answer it.
	parentOnly := func(s int) [8]int {
		return [8]int{s, forbidden, forbidden, forbidden, forbidden, forbidden, missing, forbidden}
	}
	app := "/children/" + emil + "/applications/" + f.application.String()
	return map[string]authCase{
		"GET /api/v1/intakes":                                 {path: "/api/v1/intakes", want: [8]int{ok, ok, ok, ok, ok, ok, ok, ok}},
		"GET /api/v1/intakes/{intakeId}":                      {path: "/api/v1/intakes/" + main, want: [8]int{ok, ok, ok, ok, ok, ok, missing, ok}},
		"GET /api/v1/intakes/{intakeId}/applications":         {path: "/api/v1/intakes/" + main + "/applications", want: casework},
		"GET /api/v1/intakes/{intakeId}/runs":                 {path: "/api/v1/intakes/" + main + "/runs", want: casework},
		"GET /api/v1/intakes/{intakeId}/waiting-lists":        {path: "/api/v1/intakes/" + main + "/waiting-lists", want: casework},
		"GET /api/v1/intakes/{intakeId}/obligations":          {path: "/api/v1/intakes/" + main + "/obligations", want: casework},
		"POST /api/v1/admission-runs":                         {path: "/api/v1/admission-runs", contentType: jsonType, body: body(`{"intakeId":"` + main + `","seed":3}`), want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, created, missing, created}},
		"GET /api/v1/admission-runs/{runId}":                  {path: "/api/v1/admission-runs/" + f.draft1.String(), want: casework},
		"POST /api/v1/admission-approvals":                    {path: "/api/v1/admission-approvals", contentType: jsonType, body: body(`{"runId":"` + f.draft2.String() + `"}`), want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, ok, missing, conflict}},
		"GET /api/v1/children/{childId}/applications":         {path: "/api/v1/children/" + emil + "/applications", want: parentOrMunicipal},
		"GET /api/v1/children/{childId}/applications/prefill": {path: "/api/v1/children/" + emil + "/applications/prefill?intakeId=" + main, want: parentOnly(ok)},
		"POST /api/v1/children/{childId}/applications": {path: "/api/v1/children/" + emil + "/applications", contentType: jsonType,
			body: body(`{"intakeId":"` + f.extra.String() + `","preferences":["` + f.bjorkeliaStr + `"],"hours":41}`), want: parentOnly(created)},
		"GET /api/v1/children/{childId}/applications/{applicationId}":          {path: "/api/v1" + app, want: parentOrMunicipal},
		"GET /api/v1/children/{childId}/applications/{applicationId}/decision": {path: "/api/v1" + app + "/decision?lang=en", want: parentOrMunicipal},
		"POST /api/v1/children/{childId}/offers/{offer}/accept":                {path: "/api/v1/children/" + nora + "/offers/" + f.offers[1].String() + "/accept", contentType: jsonType, body: body(`{}`), want: parentOnly(ok)},
		"POST /api/v1/children/{childId}/offers/{offer}/decline":               {path: "/api/v1/children/" + nora + "/offers/" + f.offers[3].String() + "/decline", contentType: jsonType, body: body(`{}`), want: parentOnly(ok)},
		"GET /admission":                {path: "/admission", want: [8]int{ok, ok, ok, forbidden, forbidden, forbidden, forbidden, forbidden}},
		"GET /children/{childId}/apply": {path: "/children/" + emil + "/apply?intake=" + main, want: parentOnly(ok)},
		"POST /children/{childId}/applications": {path: "/children/" + emil + "/applications", contentType: form,
			body: body(url.Values{"intake": {main}, "choice1": {f.bjorkeliaStr}, "hours": {"41"}}.Encode()), want: parentOnly(see)},
		"GET /children/{childId}/applications/{applicationId}":          {path: app, want: parentOrMunicipal},
		"GET /children/{childId}/applications/{applicationId}/decision": {path: app + "/decision", want: parentOrMunicipal},
		"POST /children/{childId}/offers/{offer}/accept":                {path: "/children/" + emil + "/offers/" + f.offers[0].String() + "/accept", contentType: form, want: parentOnly(see)},
		"POST /children/{childId}/offers/{offer}/decline":               {path: "/children/" + emil + "/offers/" + f.offers[2].String() + "/decline", contentType: form, want: parentOnly(see)},
		"GET /admission/intakes":                                        {path: "/admission/intakes", want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, ok, ok, ok}},
		"GET /admission/intakes/{intakeId}":                             {path: "/admission/intakes/" + main, want: casework},
		"POST /admission/intakes/{intakeId}/runs":                       {path: "/admission/intakes/" + main + "/runs", contentType: form, want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, see, missing, see}},
		"GET /admission/intakes/{intakeId}/waiting-lists":               {path: "/admission/intakes/" + main + "/waiting-lists", want: casework},
		"GET /admission/intakes/{intakeId}/obligations":                 {path: "/admission/intakes/" + main + "/obligations", want: casework},
		"GET /admission/runs/{runId}":                                   {path: "/admission/runs/" + f.draft1.String(), want: casework},
		"POST /admission/runs/{runId}/approve":                          {path: "/admission/runs/" + f.draft1.String() + "/approve", contentType: form, want: [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, see, missing, conflict}},
	}
}
