// Command admission shows how a vendor runs a kindergarten admission round
// with package admission on a store (a temporary SQLite database here; a
// database file or adapters/postgres work the same): a caseworker sets up the round,
// guardians apply (twins together), the caseworker runs the allocation and
// approves it, one family accepts (a placement is made), one declines (the
// next child on the waiting list gets the seat) and one lets the offer
// lapse. It prints the measures of the run, the offers and a decision
// letter in bokmål.
//
//	go run ./examples/admission
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// clock is a clock the program moves through the round.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

func at(m time.Month, d int) time.Time { return time.Date(2025, m, d, 9, 0, 0, 0, domain.Oslo()) }

func run(ctx context.Context, out io.Writer) error {
	store, err := sqlite.Open(ctx, sqlite.Options{Temp: true})
	if err != nil {
		return err
	}
	defer store.Close()
	m := domain.MustMunicipality("9999")
	clk := &clock{t: at(time.February, 10)}
	svc := &admission.Service{Store: store, Clock: clk,
		Notifier: domain.NotifierFunc(func(_ context.Context, n domain.Notice) error {
			fmt.Fprintf(out, "  notice %s: %s, svar innen %s\n", n.Kind, n.Data["unit"], n.Data["deadline"])
			return nil
		})}
	caseworker := domain.CaseworkerActor(m, "saksbehandler")

	// The directory: three kindergartens, six children with a guardian each
	// (the twins share theirs).
	units := map[string]domain.Unit{}
	for _, name := range []string{"Solsikken", "Løvetann", "Blåklokka"} {
		u := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: name, Kind: domain.Kindergarten, Owner: domain.Municipal}
		if err := store.CreateUnit(ctx, u); err != nil {
			return err
		}
		units[name] = u
	}
	born := date.New(2021, time.May, 1)
	children := map[string]domain.Child{}
	parent := map[string]domain.Actor{}
	var twinsGuardian domain.GuardianID
	for _, name := range []string{"Emma", "Jonas", "Sara", "Nora", "Ola", "Kari"} {
		c := domain.Child{ID: domain.NewID[domain.Child](), Municipality: m, GivenName: name, FamilyName: "Nordmann",
			BirthDate: born, AddressProtection: domain.ProtectionNone}
		if err := store.CreateChild(ctx, c); err != nil {
			return err
		}
		g := twinsGuardian
		if name != "Kari" {
			guardian := domain.Guardian{ID: domain.NewID[domain.Guardian](), Municipality: m, GivenName: "Forelder", FamilyName: name}
			if err := store.CreateGuardian(ctx, guardian); err != nil {
				return err
			}
			g = guardian.ID
			twinsGuardian = g
		}
		if err := store.PutGuardianship(ctx, domain.Guardianship{Municipality: m, ChildID: c.ID, GuardianID: g,
			ParentalResponsibility: true, LivesWithChild: true}); err != nil {
			return err
		}
		children[name], parent[name] = c, domain.GuardianActor(m, g)
	}

	// The municipality's admission settings name its local criterion (in
	// nb, nn and en, with where it was decided); then the caseworker sets
	// up the main round, ranking by it.
	set := admission.DefaultSettings(m)
	set.LocalCriteria = []admission.LocalCriterion{{Key: "single-provider",
		Name:   admission.LocalNames{NB: "Eneforsørger", NN: "Einsleg forsørgjar", EN: "Single provider"},
		Source: "lokal opptaksforskrift § 4"}}
	if _, err := svc.SaveSettings(ctx, caseworker, set); err != nil {
		return err
	}
	in := admission.Intake{ID: domain.NewID[admission.Intake](), Municipality: m, Name: "Hovedopptak 2025",
		Kind: domain.Kindergarten, Main: true, AdmissionYear: 2025, Deadline: date.New(2025, time.March, 1),
		Start:       date.New(2025, time.August, 1),
		Criteria:    []admission.Criterion{admission.Statutory, "local:single-provider", admission.Sibling, admission.Tiebreak},
		SmallWeight: 2, AnswerDays: 8, MaxPreferences: 3,
		Seats: []admission.UnitSeats{
			{Unit: units["Solsikken"].ID, Places: 1}, {Unit: units["Løvetann"].ID, Places: 1}, {Unit: units["Blåklokka"].ID, Places: 3},
		}}
	if err := svc.CreateIntake(ctx, caseworker, in); err != nil {
		return err
	}

	// Guardians apply; the application starts pre-filled from the directory.
	apps := map[string]admission.Application{}
	apply := func(name string, prefs []string, edit func(*admission.Application)) error {
		a, err := svc.Prefill(ctx, parent[name], in.ID, children[name].ID)
		if err != nil {
			return err
		}
		for _, p := range prefs {
			a.Preferences = append(a.Preferences, units[p].ID)
		}
		a.Hours = 41
		if edit != nil {
			edit(&a)
		}
		apps[name], err = svc.Apply(ctx, parent[name], a)
		return err
	}
	all := []string{"Solsikken", "Løvetann", "Blåklokka"}
	steps := []error{
		// Emma's family claims statutory priority (barnehageloven § 18),
		// Jonas's a local criterion, each with the documentation sent in.
		apply("Emma", all, func(a *admission.Application) {
			a.Statutory = admission.Claim{Claimed: true, Documented: admission.DocReceived}
		}),
		apply("Jonas", []string{"Løvetann", "Solsikken", "Blåklokka"}, func(a *admission.Application) {
			a.Local = map[string]admission.Claim{"single-provider": {Claimed: true, Documented: admission.DocReceived}}
		}),
		apply("Sara", all, nil),
		apply("Nora", []string{"Løvetann"}, nil),
		apply("Ola", []string{"Blåklokka"}, func(a *admission.Application) { a.Together = []domain.ChildID{children["Kari"].ID} }),
		apply("Kari", []string{"Blåklokka"}, func(a *admission.Application) { a.Together = []domain.ChildID{children["Ola"].ID} }),
	}
	for _, err := range steps {
		if err != nil {
			return err
		}
	}

	// The caseworker verifies the documentation (only verified claims
	// count), runs the allocation (a draft) and approves it.
	clk.t = at(time.March, 10)
	if _, err := svc.VerifyClaim(ctx, caseworker, apps["Emma"].ID, "statutory", admission.DocVerified); err != nil {
		return err
	}
	if _, err := svc.VerifyClaim(ctx, caseworker, apps["Jonas"].ID, "local:single-provider", admission.DocVerified); err != nil {
		return err
	}
	r, err := svc.Run(ctx, caseworker, in.ID, 2025)
	if err != nil {
		return err
	}
	st := r.Stats
	fmt.Fprintf(out, "Kjøring: %d barn, %d fikk plass, %d fikk 1. valg, rangfordeling %v, berettiget misunnelse %d, søsken sammen %d av %d, ledige plasser %d\n",
		st.Children, st.Placed, st.FirstChoice, st.RankDistribution, st.JustifiedEnvy, st.Families.Together, st.Families.Families,
		st.UnusedSeats.Small+st.UnusedSeats.Large)
	clk.t = at(time.March, 12)
	fmt.Fprintln(out, "Godkjent, tilbud sendt:")
	offers, err := svc.Approve(ctx, caseworker, r.ID)
	if err != nil {
		return err
	}
	offerOf := map[string]admission.Offer{}
	for _, o := range offers {
		for name, c := range children {
			if c.ID == o.Child {
				offerOf[name] = o
			}
		}
	}

	// Emma's family accepts: she gets a placement from 1 August.
	clk.t = at(time.March, 13)
	pl, err := svc.Accept(ctx, parent["Emma"], offerOf["Emma"].ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Emma takket ja: plass i %s fra %s, %d timer\n", unitName(units, pl.UnitID), pl.Period.Start, pl.HoursPerWeek)

	// The twins' guardian accepts both places at Blåklokka.
	for _, name := range []string{"Ola", "Kari"} {
		if _, err := svc.Accept(ctx, parent[name], offerOf[name].ID); err != nil {
			return err
		}
	}

	// Jonas's family declines: the seat goes to the first child waiting.
	clk.t = at(time.March, 14)
	fmt.Fprintln(out, "Jonas takket nei; plassen går videre:")
	if err := svc.Decline(ctx, parent["Jonas"], offerOf["Jonas"].ID); err != nil {
		return err
	}

	// Sara's family does not answer: the nightly job lets the offer lapse.
	n, err := svc.LapseOffers(ctx, domain.SystemActor(m, "frist-jobb"), at(time.March, 21))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Utløpt: %d tilbud\n", n)

	for _, name := range []string{"Emma", "Jonas", "Sara", "Nora", "Ola", "Kari"} {
		v, err := svc.View(ctx, caseworker, apps[name].ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%s: %s\n", name, v.Status.Render(admission.Bokmal))
	}

	// Sara got neither her first nor her second choice: the decision
	// letter (enkeltvedtak) gives the legal basis, the reasons, the right
	// to appeal with its deadline and the right to see the case documents;
	// the municipality's letter template adds its letterhead and appeal
	// body. A renderer (adapters/pdf, a page) lays the Document out.
	dec, err := svc.Decision(ctx, parent["Sara"], apps["Sara"].ID)
	if err != nil {
		return err
	}
	tmpl := domain.LetterTemplate{Municipality: m, SenderName: "Eksempel kommune, oppvekst", AppealBody: "Statsforvalteren"}
	letter := dec.Letter(admission.Bokmal, tmpl, domain.Party{Name: "Saras foresatte", DigitalMailbox: true})
	fmt.Fprintln(out)
	fmt.Fprint(out, letter.Text())
	return nil
}

func unitName(units map[string]domain.Unit, id domain.UnitID) string {
	for name, u := range units {
		if u.ID == id {
			return name
		}
	}
	return ""
}
