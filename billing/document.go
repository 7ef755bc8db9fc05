package billing

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/domain"
)

// Payer is who an invoice is addressed to, as the document needs them:
// the name, the registered address and the protection that governs it
// (domain.HouseholdProtection). A protected payer's address is never
// written into a document: it goes to their digital mailbox.
type Payer struct {
	Name       string
	Address    domain.Address
	Protection domain.AddressProtection
}

// PayerOf is the payer of a guardian whose household's protection is
// household (domain.GuardianHousehold).
func PayerOf(g domain.Guardian, household domain.AddressProtection) Payer {
	return Payer{Name: strings.TrimSpace(g.GivenName + " " + g.FamilyName), Address: g.Address,
		Protection: g.AddressProtection.Stricter(household)}
}

// party is the payer as a document's recipient: the address lines only
// when the address may be shown (domain.ShownAddress), else the digital
// mailbox.
func (p Payer) party() domain.Party {
	if p.Protection.Protected() {
		return domain.Party{Name: p.Name, DigitalMailbox: true}
	}
	a := domain.ShownAddress(p.Address, p.Protection)
	var lines []string
	if a.Street != "" {
		lines = append(lines, a.Street)
	}
	if a.Cadastral != "" {
		lines = append(lines, a.Cadastral)
	}
	if pt := strings.TrimSpace(a.Postcode + " " + a.PostTown); pt != "" {
		lines = append(lines, pt)
	}
	return domain.Party{Name: p.Name, Lines: lines}
}

// InvoiceLetter is what an invoice document is made from.
type InvoiceLetter struct {
	Invoice  Invoice
	Payer    Payer
	Settings Settings
	Template domain.LetterTemplate
	// Children names the children of the lines (a child without a name
	// is written by its ID).
	Children map[domain.ChildID]string
	// Decisions are the fee decisions of the invoice's children; a
	// correction line names the reasons of the decision in force for the
	// month it corrects when that decision was made after the month began.
	Decisions []FeeDecision
	// Credits are the invoice's credit notes: what the invoice asks for
	// drops by them.
	Credits []CreditNote
}

// FormatBankAccount writes an account number in its groups, "1234 56
// 78903"; anything but 11 digits is returned as given.
func FormatBankAccount(s string) string {
	n := NormalizeBankAccount(s)
	if len(n) != 11 || !digitsOnly(n) {
		return s
	}
	return n[:4] + " " + n[4:6] + " " + n[6:]
}

// CreditNoteNumber is how a credit note's number is written: "K-7".
func CreditNoteNumber(n int64) string { return "K-" + strconv.FormatInt(n, 10) }

func (m Month) name(lang Lang) string { return domain.MonthName(m.Year, int(m.Month), string(lang)) }

func serviceName(lang Lang, kind domain.UnitKind, item Item) string {
	k := pick(lang, "Barnehage", "Barnehage", "Kindergarten")
	if kind == domain.SFO {
		k = "SFO"
	}
	if item == ItemFood {
		return k + pick(lang, ", kost", ", kost", ", food")
	}
	return k + pick(lang, ", foreldrebetaling", ", foreldrebetaling", ", parental fee")
}

// lineExplanation explains a line's amount: the full month before and
// after its reductions and the days charged.
func lineExplanation(lang Lang, l Line) string {
	var parts []string
	if l.Item == ItemFee && (len(l.Reductions) > 0 || !l.Gross.Equal(l.Full)) {
		parts = append(parts, pick(lang, "full måned ", "full månad ", "full month ")+kr(lang, l.Gross))
		for _, r := range l.Reductions {
			parts = append(parts, stepName(lang, r.Code)+" −"+kr(lang, r.Amount))
		}
		parts = append(parts, pick(lang, "etter reduksjoner ", "etter reduksjonar ", "after reductions ")+kr(lang, l.Full))
	} else {
		parts = append(parts, pick(lang, "full måned ", "full månad ", "full month ")+kr(lang, l.Full))
	}
	if l.DaysInMonth > 0 && l.Days != l.DaysInMonth {
		parts = append(parts, fmt.Sprintf(pick(lang, "%d av %d dager", "%d av %d dagar", "%d of %d days"), l.Days, l.DaysInMonth))
	}
	return strings.Join(parts, "; ")
}

// correctionReason says why a correction line corrects its month.
func correctionReason(lang Lang, l Line, ds []FeeDecision) string {
	var in *FeeDecision
	for i := range ds {
		d := &ds[i]
		if d.Child != l.Child || d.Kind != l.Kind || l.Month.Before(d.From) {
			continue
		}
		if in == nil || in.From.Before(d.From) {
			in = d
		}
	}
	if in != nil && in.Made > l.Month.First() && len(in.Reasons) > 0 {
		rs := make([]string, len(in.Reasons))
		for i, r := range in.Reasons {
			rs[i] = r.Render(lang)
		}
		return pick(lang, "nytt vedtak om foreldrebetaling: ", "nytt vedtak om foreldrebetaling: ", "a new fee decision: ") + strings.Join(rs, ", ")
	}
	return pick(lang, "beregnet på nytt med endrede opplysninger om plass, husstand eller inntekt",
		"rekna ut på nytt med endra opplysningar om plass, hushald eller inntekt",
		"computed again with changed data on the place, household or income")
}

func (l InvoiceLetter) childName(id domain.ChildID) string {
	if n := l.Children[id]; n != "" {
		return n
	}
	return id.String()
}

func sender(t domain.LetterTemplate) domain.Party {
	name := t.SenderName
	if name == "" {
		name = string(t.Municipality)
	}
	return domain.Party{Name: name, Lines: t.SenderLines}
}

func footer(lang Lang, t domain.LetterTemplate, s Settings) []string {
	var f []string
	if t.OrgNumber != "" {
		f = append(f, pick(lang, "Org.nr. ", "Org.nr. ", "Org. no. ")+t.OrgNumber)
	}
	if s.BankAccount != "" {
		f = append(f, pick(lang, "Kontonummer ", "Kontonummer ", "Account number ")+FormatBankAccount(s.BankAccount))
	}
	if t.Contact != "" {
		f = append(f, t.Contact)
	}
	return f
}

func mailboxFact(lang Lang) domain.Field {
	return domain.Field{Label: pick(lang, "Levering", "Levering", "Delivery"),
		Value: pick(lang, "Sendes til digital postkasse", "Blir send til digital postkasse", "Sent to the digital mailbox")}
}

// InvoiceDocument writes an invoice as a document in the language: the
// payer's name and address (a protected payer's goes to the digital
// mailbox, with no address), the invoice number, invoice and due date
// written out, the period, the KID and the municipality's account number;
// a table with a line per child and service with its fee explanation and
// the correction lines, each naming the month it corrects and why; the
// total, the credit notes and what is left to pay, to the øre.
func InvoiceDocument(l InvoiceLetter, lang Lang) domain.Document {
	inv := l.Invoice
	period := inv.Month.name(lang)
	credited := Credited(l.Credits)
	owed := inv.Total.Sub(credited)
	d := domain.Document{
		Kind:      "invoice",
		Lang:      string(lang),
		Title:     pick(lang, "Faktura for foreldrebetaling", "Faktura for foreldrebetaling", "Invoice for parental fees") + " – " + period,
		Date:      inv.Issued,
		Sender:    sender(l.Template),
		Recipient: l.Payer.party(),
		Footer:    footer(lang, l.Template, l.Settings),
	}
	d.Facts = []domain.Field{
		{Label: pick(lang, "Fakturanummer", "Fakturanummer", "Invoice number"), Value: strconv.FormatInt(inv.Number, 10)},
		{Label: pick(lang, "Fakturadato", "Fakturadato", "Invoice date"), Value: domain.LongDate(inv.Issued, string(lang))},
		{Label: pick(lang, "Forfallsdato", "Forfallsdato", "Due date"), Value: domain.LongDate(inv.Due, string(lang))},
		{Label: pick(lang, "Periode", "Periode", "Period"), Value: period},
		{Label: "KID", Value: inv.KID},
		{Label: pick(lang, "Kontonummer", "Kontonummer", "Account number"), Value: FormatBankAccount(l.Settings.BankAccount)},
		{Label: pick(lang, "Å betale", "Å betale", "Amount due"), Value: kr(lang, owed)},
	}
	if d.Recipient.DigitalMailbox {
		d.Facts = append(d.Facts, mailboxFact(lang))
	}
	if p := l.Template.Opening[string(lang)]; p != "" {
		d.Sections = append(d.Sections, domain.Section{Paragraphs: []string{p}})
	}
	t := &domain.Table{
		Columns: []string{pick(lang, "Barn", "Barn", "Child"), pick(lang, "Tjeneste", "Teneste", "Service"),
			pick(lang, "Måned", "Månad", "Month"), pick(lang, "Forklaring", "Forklaring", "Explanation"), pick(lang, "Beløp", "Beløp", "Amount")},
		Numeric: []bool{false, false, false, false, true},
	}
	var corrections []string
	for _, ln := range inv.Lines {
		why := lineExplanation(lang, ln)
		if ln.Correction {
			reason := correctionReason(lang, ln, l.Decisions)
			why = fmt.Sprintf(pick(lang, "Korrigering av %s: %s", "Korrigering av %s: %s", "Correction of %s: %s"), ln.Month.name(lang), reason)
			corrections = append(corrections, fmt.Sprintf("%s, %s, %s: %s (%s)", l.childName(ln.Child), strings.ToLower(serviceName(lang, ln.Kind, ln.Item)),
				ln.Month.name(lang), kr(lang, ln.Amount), reason))
		}
		t.Rows = append(t.Rows, []string{l.childName(ln.Child), serviceName(lang, ln.Kind, ln.Item), ln.Month.name(lang), why, kr(lang, ln.Amount)})
	}
	t.Totals = append(t.Totals, []string{pick(lang, "Sum", "Sum", "Total"), "", "", "", kr(lang, inv.Total)})
	for _, c := range l.Credits {
		t.Totals = append(t.Totals, []string{pick(lang, "Kreditnota ", "Kreditnota ", "Credit note ") + CreditNoteNumber(c.Number), "", "",
			c.Reason, kr(lang, c.Amount.Neg())})
	}
	if len(l.Credits) > 0 {
		t.Totals = append(t.Totals, []string{pick(lang, "Å betale", "Å betale", "Amount due"), "", "", "", kr(lang, owed)})
	}
	d.Sections = append(d.Sections, domain.Section{Heading: pick(lang, "Spesifikasjon", "Spesifikasjon", "Specification"), Table: t})
	if len(corrections) > 0 {
		d.Sections = append(d.Sections, domain.Section{
			Heading:    pick(lang, "Korrigeringer av tidligere måneder", "Korrigeringar av tidlegare månader", "Corrections of earlier months"),
			Paragraphs: []string{pick(lang, "Fakturaen retter det som ble fakturert for tidligere måneder:", "Fakturaen rettar det som vart fakturert for tidlegare månader:", "The invoice corrects what was invoiced for earlier months:")},
			Items:      corrections,
		})
	}
	d.Sections = append(d.Sections, domain.Section{Heading: pick(lang, "Betaling", "Betaling", "Payment"), Paragraphs: []string{payText(lang, owed, l.Settings.BankAccount, inv)}})
	if p := l.Template.Closing[string(lang)]; p != "" {
		d.Sections = append(d.Sections, domain.Section{Paragraphs: []string{p}})
	}
	return d
}

func payText(lang Lang, owed decimal.Decimal, account string, inv Invoice) string {
	if owed.Sign() <= 0 {
		return pick(lang, "Du har ingenting å betale på denne fakturaen.", "Du har ingenting å betale på denne fakturaen.", "You have nothing to pay on this invoice.")
	}
	return fmt.Sprintf(pick(lang, "Betal %s til kontonummer %s med KID %s innen %s.", "Betal %s til kontonummer %s med KID %s innan %s.",
		"Pay %s to account number %s with KID %s by %s."), kr(lang, owed), FormatBankAccount(account), inv.KID, domain.LongDate(inv.Due, string(lang)))
}

// CreditLetter is what a credit note's document is made from.
type CreditLetter struct {
	Note     CreditNote
	Invoice  Invoice
	Payer    Payer
	Settings Settings
	Template domain.LetterTemplate
	Children map[domain.ChildID]string
	// Earlier are the invoice's credit notes before this one.
	Earlier []CreditNote
}

// CreditNoteDocument writes a credit note as a document in the language:
// its own number, the invoice it credits with that invoice's KID (what is
// owed on it drops by the credit), the reason, the lines credited, and
// the invoice's total, the credits and what is left to pay.
func CreditNoteDocument(l CreditLetter, lang Lang) domain.Document {
	c, inv := l.Note, l.Invoice
	d := domain.Document{
		Kind:      "credit-note",
		Lang:      string(lang),
		Title:     pick(lang, "Kreditnota ", "Kreditnota ", "Credit note ") + CreditNoteNumber(c.Number),
		Date:      c.Issued,
		Sender:    sender(l.Template),
		Recipient: l.Payer.party(),
		Footer:    footer(lang, l.Template, l.Settings),
	}
	d.Facts = []domain.Field{
		{Label: pick(lang, "Kreditnotanummer", "Kreditnotanummer", "Credit note number"), Value: CreditNoteNumber(c.Number)},
		{Label: pick(lang, "Dato", "Dato", "Date"), Value: domain.LongDate(c.Issued, string(lang))},
		{Label: pick(lang, "Gjelder faktura", "Gjeld faktura", "Credits invoice"), Value: strconv.FormatInt(inv.Number, 10)},
		{Label: pick(lang, "Periode", "Periode", "Period"), Value: inv.Month.name(lang)},
		{Label: "KID", Value: inv.KID},
		{Label: pick(lang, "Kreditert beløp", "Kreditert beløp", "Amount credited"), Value: kr(lang, c.Amount)},
	}
	if d.Recipient.DigitalMailbox {
		d.Facts = append(d.Facts, mailboxFact(lang))
	}
	d.Sections = append(d.Sections, domain.Section{Heading: pick(lang, "Grunn", "Grunn", "Reason"), Paragraphs: []string{c.Reason}})
	t := &domain.Table{
		Columns: []string{pick(lang, "Barn", "Barn", "Child"), pick(lang, "Tjeneste", "Teneste", "Service"),
			pick(lang, "Måned", "Månad", "Month"), pick(lang, "Beløp", "Beløp", "Amount")},
		Numeric: []bool{false, false, false, true},
	}
	il := InvoiceLetter{Children: l.Children}
	for _, i := range c.Lines {
		if i >= 0 && i < len(inv.Lines) {
			ln := inv.Lines[i]
			t.Rows = append(t.Rows, []string{il.childName(ln.Child), serviceName(lang, ln.Kind, ln.Item), ln.Month.name(lang), kr(lang, ln.Amount.Neg())})
		}
	}
	if len(c.Lines) == 0 {
		what := pick(lang, "Del av fakturaen", "Del av fakturaen", "Part of the invoice")
		if c.Whole {
			what = pick(lang, "Resten av fakturaen", "Resten av fakturaen", "The rest of the invoice")
		}
		t.Rows = append(t.Rows, []string{what, "", inv.Month.name(lang), kr(lang, c.Amount.Neg())})
	}
	earlier := Credited(l.Earlier)
	t.Totals = [][]string{
		{pick(lang, "Fakturaens sum", "Fakturaen sin sum", "Invoice total"), "", "", kr(lang, inv.Total)},
	}
	if earlier.Sign() != 0 {
		t.Totals = append(t.Totals, []string{pick(lang, "Kreditert før", "Kreditert før", "Credited before"), "", "", kr(lang, earlier.Neg())})
	}
	left := inv.Total.Sub(earlier).Sub(c.Amount)
	t.Totals = append(t.Totals,
		[]string{pick(lang, "Denne kreditnotaen", "Denne kreditnotaen", "This credit note"), "", "", kr(lang, c.Amount.Neg())},
		[]string{pick(lang, "Å betale etter kreditering", "Å betale etter kreditering", "Amount due after credits"), "", "", kr(lang, left)})
	d.Sections = append(d.Sections, domain.Section{Heading: pick(lang, "Kreditert", "Kreditert", "Credited"), Table: t})
	d.Sections = append(d.Sections, domain.Section{Heading: pick(lang, "Betaling", "Betaling", "Payment"), Paragraphs: []string{
		fmt.Sprintf(pick(lang, "Det som skal betales med KID %s, er nå %s.", "Det som skal betalast med KID %s, er no %s.",
			"What is to be paid with KID %s is now %s."), inv.KID, kr(lang, left)),
		pick(lang, "Har du betalt mer enn dette, betaler kommunen tilbake det du har betalt for mye.",
			"Har du betalt meir enn dette, betaler kommunen tilbake det du har betalt for mykje.",
			"If you have paid more than this, the municipality pays back what you paid too much."),
	}})
	return d
}
