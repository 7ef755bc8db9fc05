package billing

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/domain"
)

// CreditNoteID identifies a credit note.
type CreditNoteID = domain.ID[CreditNote]

// CreditNote takes back all or part of an invoice that has been issued.
// Invoices are never changed after their run; a credit note is the only
// way to lower what an invoice asks for (a later change of the data shows
// up as correction lines on a later invoice instead).
//
// Numbering: credit notes have their own number series per municipality,
// from 1 (printed "K-1", "K-2" …), so the invoice numbers of a run stay the
// unbroken range Run.FirstNumber..LastNumber that ValidateRun checks.
//
// KID: a credit note has no KID of its own. It carries the KID of the
// invoice it credits; what is owed on that KID drops by the credit
// (Balance.Owed), so a payment of the rest to the invoice's KID settles
// it. Nothing is ever paid out to a credit note's KID.
type CreditNote struct {
	ID           CreditNoteID        `json:"id"`
	Municipality domain.Municipality `json:"municipality"`
	// Number is the credit note's own number, per municipality from 1.
	Number int64 `json:"number"`
	// Invoice is the invoice credited; InvoiceNumber and KID are its.
	Invoice       InvoiceID         `json:"invoice"`
	InvoiceNumber int64             `json:"invoiceNumber"`
	KID           string            `json:"kid"`
	Payer         domain.GuardianID `json:"payer"`
	Month         Month             `json:"month"`
	Issued        date.Date         `json:"issued"`
	// Reason says why, in the caseworker's words (printed on the note).
	Reason string `json:"reason"`
	// Whole is set when the note credits all that remained of the
	// invoice.
	Whole bool `json:"whole,omitempty"`
	// Lines are the invoice's lines credited (by their index on the
	// invoice), when the note credits lines; empty when it credits an
	// amount.
	Lines []int `json:"lines,omitempty"`
	// Amount is what is credited: above zero, to the øre.
	Amount decimal.Decimal `json:"amount"`
	// By names who made it (the caseworker).
	By string `json:"by"`
}

// CreditRequest asks for a credit note: exactly one of Whole (all that
// remains), Lines (indexes of the invoice's lines, each credited in
// full) and Amount (above zero, to the øre), with a reason.
type CreditRequest struct {
	Invoice InvoiceID       `json:"invoice"`
	Whole   bool            `json:"whole,omitempty"`
	Lines   []int           `json:"lines,omitempty"`
	Amount  decimal.Decimal `json:"amount,omitzero"`
	Reason  string          `json:"reason"`
}

// Reason codes of credit notes.
const (
	// ReasonCreditAboveRemaining: the credit is above what remains of the
	// invoice after its earlier credit notes ({remaining}).
	ReasonCreditAboveRemaining = "credit-above-remaining"
	// ReasonCreditHow: not exactly one of whole, lines and amount.
	ReasonCreditHow = "credit-whole-lines-or-amount"
	// ReasonCreditLine: a line index the invoice does not have, or one
	// given twice.
	ReasonCreditLine = "credit-line"
	// ReasonCreditAmount: an amount not above zero or not to the øre.
	ReasonCreditAmount = "credit-amount"
	// ReasonNothingToCredit: nothing remains of the invoice to credit.
	ReasonNothingToCredit = "nothing-to-credit"
)

// MaxCreditReason bounds a credit note's reason.
const MaxCreditReason = 500

// CreditStore is what credit notes need of a store.
type CreditStore interface {
	// InvoiceByID finds an invoice with its lines; domain.ErrNotFound
	// when the municipality has none with the ID.
	InvoiceByID(ctx context.Context, m domain.Municipality, id InvoiceID) (Invoice, error)
	// CreateCreditNote stores a credit note (CreditNote.Validate); a
	// number the municipality has used is a *domain.ConflictError
	// ("number").
	CreateCreditNote(ctx context.Context, c CreditNote) error
	// CreditNotes lists the credit notes of an invoice by number, or of
	// the whole municipality when invoice is the zero ID.
	CreditNotes(ctx context.Context, m domain.Municipality, invoice InvoiceID) ([]CreditNote, error)
}

// Validate checks a credit note on its own.
func (c CreditNote) Validate() error {
	var p domain.Problems
	recordProblems(&p, c.ID.IsZero(), c.Municipality)
	if c.Number < 1 {
		p.Add("number", "too-small", "min", "1")
	}
	if c.Invoice.IsZero() {
		p.Add("invoice", "required")
	}
	if c.KID == "" {
		p.Add("kid", "required")
	}
	if c.Issued == date.Zero {
		p.Add("issued", "required")
	}
	checkReason(&p, c.Reason)
	if c.Amount.Sign() <= 0 || !c.Amount.Equal(c.Amount.Round(2)) {
		p.Add("amount", ReasonCreditAmount)
	}
	return p.Err()
}

func checkReason(p *domain.Problems, s string) {
	switch {
	case domain.Blank(s):
		p.Add("reason", ReasonRequired)
	case domain.CheckText("reason", s) != nil:
		p.Merge("", domain.CheckText("reason", s))
	case len([]rune(s)) > MaxCreditReason:
		p.Add("reason", domain.ReasonTooLong, "max", fmt.Sprint(MaxCreditReason))
	}
}

// Credited sums the credit notes' amounts.
func Credited(cs []CreditNote) decimal.Decimal {
	sum := decimal.Zero
	for _, c := range cs {
		sum = sum.Add(c.Amount)
	}
	return sum
}

// PlanCredit checks a request against the invoice and its earlier credit
// notes and returns the amount to credit: all that remains (Whole), the
// sum of the lines, or the amount. Above what remains is refused (field
// "amount", or "lines", ReasonCreditAboveRemaining with {remaining}). It
// is a pure function.
func PlanCredit(inv Invoice, earlier []CreditNote, req CreditRequest) (decimal.Decimal, error) {
	var p domain.Problems
	checkReason(&p, req.Reason)
	ways := 0
	if req.Whole {
		ways++
	}
	if len(req.Lines) > 0 {
		ways++
	}
	if !req.Amount.IsZero() {
		ways++
	}
	if ways != 1 {
		p.Add("amount", ReasonCreditHow)
		return decimal.Zero, p.Err()
	}
	remaining := inv.Total.Sub(Credited(earlier))
	if remaining.Sign() <= 0 {
		p.Add("invoice", ReasonNothingToCredit)
		return decimal.Zero, p.Err()
	}
	field := "amount"
	amount := req.Amount
	switch {
	case req.Whole:
		amount = remaining
	case len(req.Lines) > 0:
		field = "lines"
		amount = decimal.Zero
		for i, l := range req.Lines {
			if l < 0 || l >= len(inv.Lines) || slices.Index(req.Lines, l) != i {
				p.Add(fmt.Sprintf("lines[%d]", i), ReasonCreditLine)
				continue
			}
			amount = amount.Add(inv.Lines[l].Amount)
		}
		if p.Err() == nil && amount.Sign() <= 0 {
			p.Add("lines", ReasonCreditAmount)
		}
	default:
		if amount.Sign() <= 0 || !amount.Equal(amount.Round(2)) {
			p.Add("amount", ReasonCreditAmount)
		}
	}
	if err := p.Err(); err != nil {
		return decimal.Zero, err
	}
	if amount.GreaterThan(remaining) {
		return decimal.Zero, domain.Invalid(field, ReasonCreditAboveRemaining, "remaining", remaining.StringFixed(2))
	}
	return amount, nil
}

// CreditInvoice makes a credit note for an invoice the municipality has
// issued (every invoice the store holds has been issued by its run), in
// one transaction: it reads the invoice and its earlier credit notes,
// checks the request (PlanCredit) and stores the note with the next
// credit-note number. Caseworkers and administrators of the municipality
// may. The caller logs it (the reference app audit-logs it in the same
// transaction).
func (s *Service) CreditInvoice(ctx context.Context, a domain.Actor, req CreditRequest) (CreditNote, error) {
	if err := municipal(a, a.Municipality); err != nil {
		return CreditNote{}, err
	}
	if a.Role != domain.RoleCaseworker && a.Role != domain.RoleAdmin && a.Role != domain.RoleSystem {
		return CreditNote{}, domain.ErrForbidden
	}
	var c CreditNote
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		inv, err := s.Store.InvoiceByID(ctx, a.Municipality, req.Invoice)
		if err != nil {
			return err
		}
		earlier, err := s.Store.CreditNotes(ctx, a.Municipality, inv.ID)
		if err != nil {
			return err
		}
		amount, err := PlanCredit(inv, earlier, req)
		if err != nil {
			return err
		}
		all, err := s.Store.CreditNotes(ctx, a.Municipality, InvoiceID{})
		if err != nil {
			return err
		}
		next := int64(1)
		for _, x := range all {
			next = max(next, x.Number+1)
		}
		by := a.Name
		if by == "" {
			by = a.Subject
		}
		c = CreditNote{ID: domain.NewID[CreditNote](), Municipality: a.Municipality, Number: next, Invoice: inv.ID,
			InvoiceNumber: inv.Number, KID: inv.KID, Payer: inv.Payer, Month: inv.Month, Issued: domain.Today(s.Clock),
			Reason: strings.TrimSpace(req.Reason), Whole: req.Whole, Lines: slices.Clone(req.Lines), Amount: amount, By: by}
		return s.Store.CreateCreditNote(ctx, c)
	})
	if err != nil {
		return CreditNote{}, err
	}
	return c, nil
}

// Invoice returns one invoice. A guardian may read only the invoices
// addressed to them (another's is domain.ErrNotFound).
func (s *Service) Invoice(ctx context.Context, a domain.Actor, id InvoiceID) (Invoice, error) {
	if a.Validate() != nil || (!a.Municipal() && a.Role != domain.RoleGuardian) {
		return Invoice{}, domain.ErrForbidden
	}
	inv, err := s.Store.InvoiceByID(ctx, a.Municipality, id)
	if err != nil {
		return Invoice{}, err
	}
	if a.Role == domain.RoleGuardian && inv.Payer != a.Guardian {
		return Invoice{}, domain.ErrNotFound
	}
	return inv, nil
}

// CreditNotes lists the credit notes of an invoice, by number, for whom
// may read the invoice (Service.Invoice).
func (s *Service) CreditNotes(ctx context.Context, a domain.Actor, invoice InvoiceID) ([]CreditNote, error) {
	inv, err := s.Invoice(ctx, a, invoice)
	if err != nil {
		return nil, err
	}
	return s.Store.CreditNotes(ctx, a.Municipality, inv.ID)
}

// Balance returns what an invoice asks for after its credit notes beside
// what has been paid to its KID, for whom may read the invoice.
func (s *Service) Balance(ctx context.Context, a domain.Actor, invoice InvoiceID) (Balance, error) {
	var b Balance
	err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		inv, err := s.Invoice(ctx, a, invoice)
		if err != nil {
			return err
		}
		cs, err := s.Store.CreditNotes(ctx, a.Municipality, inv.ID)
		if err != nil {
			return err
		}
		ps, err := s.Store.Payments(ctx, a.Municipality)
		if err != nil {
			return err
		}
		paid := decimal.Zero
		for _, p := range ps {
			if p.Invoice == inv.ID {
				paid = paid.Add(p.Amount)
			}
		}
		b = NewBalance(inv, Credited(cs), paid)
		return nil
	})
	return b, err
}

// NewBalance is an invoice's balance: Owed = Total − Credited, Difference
// = Paid − Owed.
func NewBalance(inv Invoice, credited, paid decimal.Decimal) Balance {
	b := Balance{Invoice: inv.ID, Number: inv.Number, KID: inv.KID, Total: inv.Total, Credited: credited, Paid: paid}
	b.Owed = inv.Total.Sub(credited)
	b.Difference = paid.Sub(b.Owed)
	return b
}

// creditedByInvoice sums the municipality's credit notes per invoice.
func (s *Service) creditedByInvoice(ctx context.Context, m domain.Municipality) (map[InvoiceID]decimal.Decimal, error) {
	cs, err := s.Store.CreditNotes(ctx, m, InvoiceID{})
	if err != nil {
		return nil, err
	}
	out := make(map[InvoiceID]decimal.Decimal, len(cs))
	for _, c := range cs {
		out[c.Invoice] = out[c.Invoice].Add(c.Amount)
	}
	return out, nil
}

// SortCreditNotes orders credit notes by number.
func SortCreditNotes(cs []CreditNote) {
	slices.SortFunc(cs, func(a, b CreditNote) int { return int(a.Number - b.Number) })
}
