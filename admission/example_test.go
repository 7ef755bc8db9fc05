package admission_test

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
)

func ExampleRightToPlace() {
	r, err := admission.RightToPlace(admission.RightApplication{
		BirthDate:              date.New(2024, time.October, 14),
		ApplicationYear:        2025,
		AppliedByDeadline:      true,
		ResidentInMunicipality: true,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.HasRight, r.From)
	fmt.Println(r.Render(admission.Bokmal))
	fmt.Println(r.Render(admission.English))
	// Output:
	// true 2025-10
	// Barnet fyller 1 år i oktober 2025 og har rett til plass innen utgangen av oktober 2025 (barnehageloven § 16).
	// The child turns 1 in October 2025 and has a right to a place by the end of October 2025 (Kindergarten Act § 16).
}

func ExampleRightToPlace_noRight() {
	r, _ := admission.RightToPlace(admission.RightApplication{
		BirthDate:              date.New(2024, time.December, 1),
		ApplicationYear:        2025,
		AppliedByDeadline:      false,
		ResidentInMunicipality: true,
	})
	fmt.Println(r.HasRight, r.Reason)
	fmt.Println(r.Render(admission.Nynorsk))
	// Output:
	// false too-young
	// Barnet fyller 1 år i desember 2025, etter utgangen av november, og har ikkje rett til plass i opptaket for 2025 (barnehagelova § 16).
}

func ExampleAllocate() {
	born := date.New(2021, time.May, 1)
	round := &admission.Round{
		AdmissionYear: 2025,
		Criteria:      []admission.Criterion{admission.Statutory, admission.Sibling, admission.Tiebreak},
		Units: []admission.Unit{
			{ID: "Solsikken", Capacity: admission.Capacity{Large: 1}},
			{ID: "Løvetann", Capacity: admission.Capacity{Large: 1}},
		},
		Children: []admission.Applicant{
			{ID: "Ada", BirthDate: born, Preferences: []string{"Solsikken", "Løvetann"}, Tiebreak: 1},
			{ID: "Bo", BirthDate: born, Preferences: []string{"Solsikken"}, SiblingAt: []string{"Solsikken"}, Tiebreak: 2},
			{ID: "Cato", BirthDate: born, Preferences: []string{"Løvetann"}, Tiebreak: 3},
		},
	}
	a, err := admission.Allocate(round)
	if err != nil {
		panic(err)
	}
	for _, as := range a.Assignments {
		fmt.Printf("%s: %q (choice %d)\n", as.Child, as.Unit, as.Rank)
	}
	fmt.Printf("placed %d, first choice %d, justified envy %d\n", a.Stats.Placed, a.Stats.FirstChoice, a.Stats.JustifiedEnvy)
	fmt.Println(a.Explain(0).Render(admission.English))
	// Output:
	// Ada: "Løvetann" (choice 2)
	// Bo: "Solsikken" (choice 1)
	// Cato: "" (choice 0)
	// placed 2, first choice 1, justified envy 0
	// Ada was offered Løvetann (choice 2).
	// Choice 1 Solsikken: the last child admitted among children aged three and over had statutory priority: no, sibling at the unit: yes, lottery number 2; your child has statutory priority: no, sibling at the unit: no, lottery number 1. Decided by: sibling at the unit.
}

func ExampleChildExplanation_Render() {
	born := date.New(2024, time.January, 10) // under three in the 2025 year
	a, _ := admission.Allocate(&admission.Round{
		AdmissionYear: 2025,
		Units:         []admission.Unit{{ID: "Tusenfryd", Capacity: admission.Capacity{Small: 1}}},
		Children: []admission.Applicant{
			{ID: "Eli", BirthDate: born, Preferences: []string{"Tusenfryd"}, StatutoryPriority: true, Tiebreak: 9},
			{ID: "Frank", BirthDate: born, Preferences: []string{"Tusenfryd"}, Tiebreak: 4},
		},
		Criteria: []admission.Criterion{admission.Statutory},
	})
	fmt.Println(a.Explain(1).Render(admission.Bokmal))
	// Output:
	// Frank fikk ikke plass i noen av de ønskede barnehagene.
	// 1. valg Tusenfryd: det siste barnet som fikk plass blant barn under tre år hadde lovfestet prioritet: ja, loddnummer 9; ditt barn har lovfestet prioritet: nei, loddnummer 4. Avgjort av: lovfestet prioritet.
}

func ExampleAllocateFamilies() {
	born := date.New(2021, time.March, 1)
	round := &admission.Round{
		AdmissionYear: 2025,
		Criteria:      []admission.Criterion{admission.Tiebreak},
		Units: []admission.Unit{
			{ID: "Solsikken", Capacity: admission.Capacity{Large: 2}},
			{ID: "Løvetann", Capacity: admission.Capacity{Large: 2}},
		},
		Children: []admission.Applicant{
			{ID: "Ola", BirthDate: born, Preferences: []string{"Solsikken", "Løvetann"}, Tiebreak: 1},
			{ID: "Kari", BirthDate: born, Preferences: []string{"Solsikken", "Løvetann"}, Tiebreak: 4},
			{ID: "Per", BirthDate: born, Preferences: []string{"Solsikken", "Løvetann"}, Tiebreak: 2},
			{ID: "Siri", BirthDate: born, Preferences: []string{"Solsikken"}, Tiebreak: 3},
		},
	}
	// Ola and Kari are twins who want to be placed together.
	a, err := admission.AllocateFamilies(round, []admission.Family{{ID: "twins", Members: []string{"Ola", "Kari"}}})
	if err != nil {
		panic(err)
	}
	for _, as := range a.Assignments {
		fmt.Printf("%s: %s\n", as.Child, as.Unit)
	}
	f := a.Stats.Families
	fmt.Printf("families %d, together %d, justified envy %d\n", f.Families, f.Together, a.Stats.JustifiedEnvy)
	// Output:
	// Ola: Løvetann
	// Kari: Løvetann
	// Per: Solsikken
	// Siri: Solsikken
	// families 1, together 1, justified envy 0
}

// A municipality's settings start a new intake: the criteria order with
// its local criteria, the days to answer an offer; CheckIntake then says,
// field by field, what is wrong with what the caseworker filled in.
func ExampleCheckIntake() {
	m := domain.MustMunicipality("0301")
	set := admission.DefaultSettings(m)
	set.LocalCriteria = []admission.LocalCriterion{{Key: "single-provider",
		Name: admission.LocalNames{NB: "Eneforsørger", NN: "Einsleg forsørgjar", EN: "Single provider"}}}
	kg := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Solsikken", Kind: domain.Kindergarten, Owner: domain.Municipal}

	in := set.NewIntake(domain.Kindergarten, 2026)
	in.ID, in.Name = domain.NewID[admission.Intake](), "Hovedopptak 2026"
	in.Deadline, in.Start = date.New(2026, time.September, 1), date.New(2026, time.August, 1)
	in.Seats = []admission.UnitSeats{{Unit: kg.ID, Places: 20, Small: 4}}
	fmt.Println(in.Criteria, in.AnswerDays)
	err := admission.CheckIntake(in, set, admission.Directory{Units: []domain.Unit{kg}, Capacity: map[domain.UnitID]int{kg.ID: 18}})
	for _, f := range err.(*domain.ValidationError).Fields {
		fmt.Println(f.Field, f.Reason)
	}
	// Output:
	// [statutory sibling local:single-provider tiebreak] 14
	// deadline intake-deadline-not-before-start
	// seats[0].places intake-seats-above-capacity
}

func ExampleParseCatchmentCSV() {
	m := domain.MustMunicipality("0301")
	nordby := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Nordby skole", Kind: domain.School}
	sjosiden := domain.Unit{ID: domain.NewID[domain.Unit](), Municipality: m, Name: "Sjøsiden skole", Kind: domain.School}
	file := "gatenavn;fra_nr;til_nr;side;skole\n" +
		"Strandgata;1;69;oddetall;Nordby skole\n" +
		"Strandgata;2;70;partall;Sjøsiden skole\n"
	c, err := admission.ParseCatchmentCSV(strings.NewReader(file), m, []domain.Unit{nordby, sjosiden})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, street := range []string{"Strandgata 7", "strandgata 8 B", "Strandgata 71"} {
		match := c.Lookup(domain.Address{Street: street, Municipality: m})
		switch match.Unit {
		case nordby.ID:
			fmt.Println(street, "→", nordby.Name)
		case sjosiden.ID:
			fmt.Println(street, "→", sjosiden.Name)
		default:
			fmt.Println(street, "→", match.Reason)
		}
	}
	_, err = admission.ParseCatchmentCSV(strings.NewReader(file+"Strandgata;5;9;begge;Nordby skole\n"), m, []domain.Unit{nordby, sjosiden})
	fmt.Println(err)
	// The English text of a refusal's code, for developers: the tables of
	// the packages the application uses.
	var v *domain.ValidationError
	if errors.As(err, &v) {
		f := v.Fields[0]
		fmt.Println(f.Field+":", domain.ReasonTables{admission.ReasonTexts, domain.ReasonTexts}.Text(f.Reason, domain.Pairs(f.Params)...))
	}
	// Output:
	// Strandgata 7 → Nordby skole
	// strandgata 8 B → Sjøsiden skole
	// Strandgata 71 → catchment-no-match
	// invalid input: lines[4].fra_nr: catchment-overlap
	// lines[4].fra_nr: the row covers house numbers an earlier row for the same street and side already covers
}
