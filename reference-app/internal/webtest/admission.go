package webtest

import (
	"context"
	"fmt"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
)

// AdmissionFixture is what the admission tests refer to: the seeded
// intakes, Emil and Nora Berg (Hilde Berg has parental responsibility, Tor
// Ødegård has asked for information under § 47), and four test intakes
// with runs and offers made for the two children.
type AdmissionFixture struct {
	Main, Extra  admission.IntakeID
	Emil, Nora   domain.ChildID
	Application  admission.ApplicationID // Emil's in an approved intake
	Offers       [4]admission.OfferID    // Emil, Nora (intake 1); Emil, Nora (intake 2)
	Draft1       admission.RunID         // drafts of intakes 3 and 4
	Draft2       admission.RunID
	Guardian     domain.Actor
	Caseworker   domain.Actor
	BjorkeliaStr string
}

func NewAdmissionFixture(ta *Harness) AdmissionFixture {
	must := func(err error) {
		if err != nil {
			panic("admission fixture: " + err.Error())
		}
	}
	ctx := context.Background()
	m := demo.Municipality
	f := AdmissionFixture{Guardian: ta.Personas[demo.PersonaGuardian].Actor, Caseworker: ta.Personas[demo.PersonaCaseworker].Actor, BjorkeliaStr: ta.Bjorkelia.String()}
	intakes, err := ta.Store.Intakes(ctx, m)
	must(err)
	if len(intakes) != 5 {
		panic("admission fixture: five seeded intakes")
	}
	f.Main, f.Extra = intakes[0].ID, intakes[1].ID
	children, err := ta.Store.Children(ctx, m)
	must(err)
	for _, c := range children {
		switch c.GivenName + " " + c.FamilyName {
		case "Emil Berg":
			f.Emil = c.ID
		case "Nora Berg":
			f.Nora = c.ID
		}
	}
	if f.Emil.IsZero() || f.Nora.IsZero() {
		panic("admission fixture: Emil and Nora Berg are seeded")
	}
	svc := ta.App.Admission()
	main := intakes[0]
	for i := range 4 {
		in := main
		in.ID, in.Main, in.Name = domain.NewID[admission.Intake](), false, fmt.Sprintf("Test %d", i+1)
		in.Seats = []admission.UnitSeats{{Unit: ta.Bjorkelia, Places: 10, Small: 4}}
		must(svc.CreateIntake(ctx, f.Caseworker, in))
		var apps []admission.ApplicationID
		for _, child := range []domain.ChildID{f.Emil, f.Nora} {
			ap, err := svc.Apply(ctx, f.Guardian, admission.Application{Intake: in.ID, Child: child, Preferences: []domain.UnitID{ta.Bjorkelia}, Hours: 41})
			must(err)
			apps = append(apps, ap.ID)
		}
		run, err := svc.RunWithReason(ctx, f.Caseworker, in.ID, 7, "fixture: a run before the deadline")
		must(err)
		switch i {
		case 0, 1:
			offers, err := svc.ApproveWithReason(ctx, f.Caseworker, run.ID, "fixture: offers before the deadline")
			must(err)
			if len(offers) != 2 {
				panic("admission fixture: two offers")
			}
			for _, o := range offers {
				k := 2 * i
				if o.Child == f.Nora {
					k++
				}
				f.Offers[k] = o.ID
			}
			if i == 0 {
				f.Application = apps[0]
			}
		case 2:
			f.Draft1 = run.ID
		case 3:
			f.Draft2 = run.ID
		}
	}
	return f
}
