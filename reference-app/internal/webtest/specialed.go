package webtest

import (
	"context"
	"testing"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/specialed"
)

// NordbySkole is the ID of Sofie's school.
func (ta *Harness) NordbySkole(t testing.TB) domain.UnitID {
	t.Helper()
	units, err := ta.DB.Units(context.Background(), demo.Municipality)
	require.NoError(t, err)
	for _, u := range units {
		if u.Name == "Nordby skole" {
			return u.ID
		}
	}
	t.Fatal("no Nordby skole in the seed")
	return domain.UnitID{}
}

// SpecialEdConcern is the concern of the cases SpecialEdCase opens.
const SpecialEdConcern = "Sofie strever med å lese og skrive."

// SpecialEdCase opens a special-education case about Sofie at Nordby
// skole, given to Kari Lærer (staff-nordby), through the library; decided
// takes it through Hilde Berg's consent, the referral to the demo's PPT,
// Pia Psykolog's assessment and Siri Saksbehandler's decision (as PPT
// recommended: 4 hours a week with a special-education teacher).
func (ta *Harness) SpecialEdCase(t testing.TB, decided bool) specialed.CaseID {
	t.Helper()
	ctx := context.Background()
	s := &specialed.Service{Store: ta.DB, Clock: ta.App.Clock}
	c, err := s.Open(ctx, ta.Personas[demo.PersonaStaff].Actor, ta.Sofie, ta.NordbySkole(t), SpecialEdConcern)
	require.NoError(t, err)
	if !decided {
		return c.ID
	}
	ppts, err := ta.DB.PPTs(ctx, demo.Municipality)
	require.NoError(t, err)
	require.Len(t, ppts, 1)
	rec := specialed.Provision{Outcome: specialed.Granted, Kind: specialed.AdaptedEducation, Organisation: "I liten gruppe",
		Hours: []specialed.Hours{{Provider: specialed.Teacher, PerWeek: decimal.NewFromInt(4)}}, From: date.New(2026, 1, 5), To: date.New(2026, 6, 19)}
	for _, st := range []struct {
		who string
		e   specialed.Entry
	}{
		{demo.PersonaGuardian, specialed.Entry{Step: specialed.StepConsent}},
		{demo.PersonaStaff, specialed.Entry{Step: specialed.StepReferral, PPT: ppts[0].ID, Text: "Henvist til PPT."}},
		{demo.PersonaPPT, specialed.Entry{Step: specialed.StepAssessment, Text: "Sakkyndig vurdering.", Provision: &rec}},
		{demo.PersonaCaseworker, specialed.Entry{Step: specialed.StepDecision, Provision: &rec}},
	} {
		_, err := s.Record(ctx, ta.Personas[st.who].Actor, c.ID, st.e)
		require.NoError(t, err, st.e.Step)
	}
	return c.ID
}

// SpecialEdAttachment adds a small text file to the case as Kari Lærer
// and returns its ID.
func (ta *Harness) SpecialEdAttachment(t testing.TB, c specialed.CaseID) specialed.AttachmentID {
	t.Helper()
	s := &specialed.Service{Store: ta.DB, Clock: ta.App.Clock}
	at, err := s.AddAttachment(context.Background(), ta.Personas[demo.PersonaStaff].Actor, c, "kartlegging.txt", "text/plain", []byte("Kartlegging av lesing."))
	require.NoError(t, err)
	return at.ID
}
