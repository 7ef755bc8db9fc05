package billing_test

import (
	"errors"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// DemoInvoice is an invoice like the demo family's for December 2026: two
// children in kindergarten, one with the sibling discount and a partial
// month, food, and a correction of October after a backdated income
// decision. The total is 1 344,39 kr.
func DemoInvoice() (billing.InvoiceLetter, domain.ChildID, domain.ChildID) {
	m := domain.MustMunicipality("5601")
	emma, noah := domain.NewID[domain.Child](), domain.NewID[domain.Child]()
	dec26 := billing.Month{Year: 2026, Month: time.December}
	oct26 := billing.Month{Year: 2026, Month: time.October}
	inv := billing.Invoice{ID: domain.NewID[billing.Invoice](), Municipality: m, Month: dec26, Number: 4711, KID: "0000047110",
		Payer: domain.NewID[domain.Guardian](), Issued: date.New(2026, 12, 6), Due: date.New(2026, 12, 20), Lines: []billing.Line{
			{Child: emma, Kind: domain.Kindergarten, Item: billing.ItemFee, Month: dec26, Days: 31, DaysInMonth: 31,
				Gross: dec("1200.00"), Full: dec("1200.00"), Amount: dec("1200.00")},
			{Child: emma, Kind: domain.Kindergarten, Item: billing.ItemFood, Month: dec26, Days: 31, DaysInMonth: 31,
				Gross: dec("250.00"), Full: dec("250.00"), Amount: dec("250.00")},
			{Child: noah, Kind: domain.Kindergarten, Item: billing.ItemFee, Month: dec26, Days: 10, DaysInMonth: 31,
				Gross: dec("1200.00"), Reductions: []billing.Reduction{{Code: billing.StepSibling, Amount: dec("360.00")}},
				Full: dec("840.00"), Amount: dec("270.97")},
			{Child: emma, Kind: domain.Kindergarten, Item: billing.ItemFee, Month: oct26, Correction: true, Days: 31, DaysInMonth: 31,
				Gross: dec("-376.58"), Full: dec("-376.58"), Amount: dec("-376.58")},
		}}
	for _, l := range inv.Lines {
		inv.Total = inv.Total.Add(l.Amount)
	}
	return billing.InvoiceLetter{
		Invoice:  inv,
		Payer:    billing.Payer{Name: "Ingrid Hansen", Address: domain.Address{Street: "Storgata 12", Postcode: "9900", PostTown: "KIRKENES", Municipality: m}, Protection: domain.ProtectionNone},
		Settings: billing.Settings{Municipality: m, BankAccount: "32074068323", DueDay: 20},
		Template: domain.LetterTemplate{Municipality: m, SenderName: "Eksempel kommune, oppvekst", SenderLines: []string{"Postboks 1", "9900 KIRKENES"}, OrgNumber: "964 830 533"},
		Children: map[domain.ChildID]string{emma: "Emma Hansen", noah: "Noah Hansen"},
		Decisions: []billing.FeeDecision{{Child: emma, Kind: domain.Kindergarten, From: oct26, Made: date.New(2026, 11, 5),
			Reasons: []billing.Reason{billing.ReasonIncome}}},
	}, emma, noah
}

func TestInvoiceDocumentHasEveryMandatoryPart(t *testing.T) {
	l, _, _ := DemoInvoice()
	assert.Equal(t, "1344.39", l.Invoice.Total.StringFixed(2))
	for _, tc := range []struct {
		lang billing.Lang
		want []string
	}{
		{billing.Bokmal, []string{"Ingrid Hansen", "Storgata 12", "9900 KIRKENES", "Kontonummer: 3207 40 68323", "KID: 0000047110",
			"Fakturanummer: 4711", "Fakturadato: 6. desember 2026", "Forfallsdato: 20. desember 2026", "Periode: desember 2026",
			"Emma Hansen | Barnehage, foreldrebetaling | desember 2026", "Noah Hansen | Barnehage, foreldrebetaling | desember 2026",
			"Søskenmoderasjon −360,00 kr", "10 av 31 dager", "270,97 kr", "Barnehage, kost",
			"Korrigering av oktober 2026: nytt vedtak om foreldrebetaling: vedtak om inntektsgradert betaling", "-376,58 kr",
			"Sum |  |  |  | 1 344,39 kr", "Å betale: 1 344,39 kr", "innen 20. desember 2026", "Eksempel kommune, oppvekst", "Org.nr. 964 830 533"}},
		{billing.Nynorsk, []string{"Ingrid Hansen", "Storgata 12", "9900 KIRKENES", "Kontonummer: 3207 40 68323", "KID: 0000047110",
			"Fakturanummer: 4711", "Forfallsdato: 20. desember 2026", "Periode: desember 2026", "Teneste", "Månad",
			"Emma Hansen | Barnehage, foreldrebetaling | desember 2026", "Syskenmoderasjon −360,00 kr", "10 av 31 dagar",
			"Korrigering av oktober 2026: nytt vedtak om foreldrebetaling", "Korrigeringar av tidlegare månader",
			"Sum |  |  |  | 1 344,39 kr", "innan 20. desember 2026"}},
		{billing.English, []string{"Ingrid Hansen", "Storgata 12", "Account number: 3207 40 68323", "KID: 0000047110",
			"Due date: 20 December 2026", "Period: December 2026", "Correction of October 2026", "NOK 1344.39"}},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			doc := billing.InvoiceDocument(l, tc.lang)
			assert.Equal(t, "invoice", doc.Kind)
			assert.Equal(t, string(tc.lang), doc.Lang)
			assert.False(t, doc.Recipient.DigitalMailbox)
			text := doc.Text()
			for _, w := range tc.want {
				assert.Contains(t, text, w)
			}
			require.Len(t, doc.Sections[0].Table.Rows, 4, "a line per child and service, and the correction")
		})
	}
}

func TestInvoiceDocumentOfAProtectedPayerHasNoAddress(t *testing.T) {
	l, _, _ := DemoInvoice()
	l.Payer.Address = domain.Address{Street: "Lønnebakken 9", Postcode: "9903", PostTown: "KIRKENES"}
	l.Payer.Protection = domain.ProtectionStrengtFortrolig
	for _, lang := range []billing.Lang{billing.Bokmal, billing.Nynorsk, billing.English} {
		doc := billing.InvoiceDocument(l, lang)
		assert.True(t, doc.Recipient.DigitalMailbox)
		assert.Empty(t, doc.Recipient.Lines)
		text := doc.Text()
		assert.NotContains(t, text, "Lønnebakken")
		assert.NotContains(t, text, "9903")
		assert.Contains(t, text, "Ingrid Hansen")
	}
	assert.Contains(t, billing.InvoiceDocument(l, billing.Bokmal).Text(), "Levering: Sendes til digital postkasse")
	assert.Contains(t, billing.InvoiceDocument(l, billing.Nynorsk).Text(), "Levering: Blir send til digital postkasse")
	// The household's protection governs (a payer living with a protected child).
	g := domain.Guardian{GivenName: "Ingrid", FamilyName: "Hansen", Address: l.Payer.Address, AddressProtection: domain.ProtectionNone}
	p := billing.PayerOf(g, domain.ProtectionFortrolig)
	assert.Equal(t, "Ingrid Hansen", p.Name)
	assert.True(t, p.Protection.Protected())
}

func TestInvoiceDocumentShowsCreditsAndWhatIsLeft(t *testing.T) {
	l, _, _ := DemoInvoice()
	l.Invoice.Lines = l.Invoice.Lines[:1]
	l.Invoice.Total = dec("1200.00")
	half, err := billing.PlanCredit(l.Invoice, nil, billing.CreditRequest{Invoice: l.Invoice.ID, Amount: dec("600.00"), Reason: "Stengt"})
	require.NoError(t, err)
	cn := billing.CreditNote{Number: 3, Invoice: l.Invoice.ID, InvoiceNumber: 4711, KID: l.Invoice.KID, Issued: date.New(2026, 12, 10),
		Reason: "Barnehagen var stengt", Amount: half}
	l.Credits = []billing.CreditNote{cn}
	text := billing.InvoiceDocument(l, billing.Bokmal).Text()
	assert.Contains(t, text, "Kreditnota K-3 |  |  | Barnehagen var stengt | -600,00 kr")
	assert.Contains(t, text, "Å betale: 600,00 kr")

	doc := billing.CreditNoteDocument(billing.CreditLetter{Note: cn, Invoice: l.Invoice, Payer: l.Payer, Settings: l.Settings, Template: l.Template}, billing.Nynorsk)
	assert.Equal(t, "credit-note", doc.Kind)
	text = doc.Text()
	for _, w := range []string{"Kreditnota K-3", "Gjeld faktura: 4711", "KID: 0000047110", "Kreditert beløp: 600,00 kr",
		"Barnehagen var stengt", "Å betale etter kreditering |  |  | 600,00 kr", "Storgata 12"} {
		assert.Contains(t, text, w)
	}
}

func TestPlanCredit(t *testing.T) {
	l, _, _ := DemoInvoice()
	inv := l.Invoice
	earlier := []billing.CreditNote{{Amount: dec("1000.00")}}
	got, err := billing.PlanCredit(inv, earlier, billing.CreditRequest{Whole: true, Reason: "Resten"})
	require.NoError(t, err)
	assert.Equal(t, "344.39", got.StringFixed(2))
	got, err = billing.PlanCredit(inv, earlier, billing.CreditRequest{Lines: []int{2}, Reason: "Noah"})
	require.NoError(t, err)
	assert.Equal(t, "270.97", got.StringFixed(2))
	_, err = billing.PlanCredit(inv, earlier, billing.CreditRequest{Lines: []int{0}, Reason: "Emma"})
	require.ErrorIs(t, err, domain.ErrInvalid)
	var ve *domain.ValidationError
	require.True(t, errors.As(err, &ve))
	assert.Equal(t, billing.ReasonCreditAboveRemaining, ve.Fields[0].Reason)
	assert.Equal(t, "344.39", ve.Fields[0].Params["remaining"])
	_, err = billing.PlanCredit(inv, earlier, billing.CreditRequest{Lines: []int{3}, Reason: "Korrigeringen"})
	require.ErrorIs(t, err, domain.ErrInvalid, "a negative line credits nothing")
	_, err = billing.PlanCredit(inv, earlier, billing.CreditRequest{Lines: []int{1, 1}, Reason: "To ganger"})
	require.ErrorIs(t, err, domain.ErrInvalid)
}
