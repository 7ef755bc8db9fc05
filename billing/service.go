package billing

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/domain"
)

// ServiceStore is what the billing service needs of a store: the directory
// (children, units, placements, guardians), transactions and the billing
// port. sqlite.Store and postgres.Store both implement it.
type ServiceStore interface {
	domain.Store
	Store
	CreditStore
}

// NoticeInvoiceReady is the kind of the notice raised for every invoice an
// invoice run makes. It goes to the paying guardian (Notice.Guardian) with
// the Data keys "invoice" (the invoice number), "month" (YYYY-MM), "amount"
// (the total, formatted "1 234,56 kr"), "kid" and "due" (YYYY-MM-DD). Its
// Key is "invoice.ready/<municipality>/<month>/<number>".
const NoticeInvoiceReady = "invoice.ready"

// Service runs the billing use cases on a store: families, income
// decisions and price lists, monthly invoice runs with corrections and fee
// decisions, exports and payment matching. Every method checks the actor:
// caseworkers, administrators and system jobs of the municipality may do
// everything; a guardian may read only the invoices addressed to them.
type Service struct {
	Store    ServiceStore
	Clock    domain.Clock
	Notifier domain.Notifier
	// Settings are used for a municipality that has stored no settings
	// (Store.BillingSettings answers domain.ErrNotFound). Zero means such a
	// municipality cannot run invoices: the run is refused (field
	// "settings", ReasonNoSettings) until its settings, with the first
	// month invoiced, are stored. The reference app leaves it zero.
	Settings Settings
	// RunBatch is how many payers' invoices an invoice run computes and
	// writes at a time, in the run's one transaction (zero:
	// DefaultRunBatch): what bounds the run's memory. The invoices are the
	// same whatever it is.
	RunBatch int
	// Tables are the built-in national tables; nil means NationalTables().
	// The tables a municipality's fees are computed with are these with
	// the tables it loaded laid over them (TablesFor).
	Tables *Tables
}

func municipal(a domain.Actor, m domain.Municipality) error {
	if err := a.Validate(); err != nil {
		return domain.ErrForbidden
	}
	if !a.Municipal() || a.Municipality != m {
		return domain.ErrForbidden
	}
	return nil
}

// CreateFamily stores a family for fees with its members.
func (s *Service) CreateFamily(ctx context.Context, a domain.Actor, f Family) error {
	if err := municipal(a, f.Municipality); err != nil {
		return err
	}
	return s.Store.CreateFamily(ctx, f)
}

// PutMember adds or changes a dated membership.
func (s *Service) PutMember(ctx context.Context, a domain.Actor, m Member) error {
	if err := municipal(a, m.Municipality); err != nil {
		return err
	}
	return s.Store.PutMember(ctx, m)
}

// DecideIncome stores an approved income decision. Months already invoiced
// that it covers are corrected by the next invoice run.
func (s *Service) DecideIncome(ctx context.Context, a domain.Actor, d IncomeDecision) error {
	if err := municipal(a, d.Municipality); err != nil {
		return err
	}
	return s.Store.CreateIncomeDecision(ctx, d)
}

// CreatePriceList stores a municipal price list.
func (s *Service) CreatePriceList(ctx context.Context, a domain.Actor, l PriceList) error {
	if err := municipal(a, l.Municipality); err != nil {
		return err
	}
	return s.Store.CreatePriceList(ctx, l)
}

// RunResult is the outcome of RunInvoices: the run (its count of
// invoices, their numbers Run.FirstNumber..Run.LastNumber and total), not
// its invoices, which a large run cannot hold in memory: read them with
// Invoices or InvoicesPage (or take each batch as it is written,
// ApproveRunEach).
type RunResult struct {
	Run Run
	// Created is false when the month had been run before: nothing was
	// made and Run is the stored one.
	Created bool
	// Decisions is how many fee decisions the run made (FeeDecision.Run
	// is its month).
	Decisions int
	Skipped   []Skipped
}

func (s *Service) tables() (*Tables, error) {
	if s.Tables != nil {
		return s.Tables, nil
	}
	return NationalTables()
}

// TablesFor returns the national tables in force for a municipality: the
// built-in tables with every table it loaded laid over them, in version
// order (Tables.WithLoaded).
func (s *Service) TablesFor(ctx context.Context, m domain.Municipality) (*Tables, error) {
	base, err := s.tables()
	if err != nil {
		return nil, err
	}
	loaded, err := s.Store.RuleTables(ctx, m)
	if err != nil {
		return nil, err
	}
	return base.WithLoaded(loaded)
}

// SettingsFor returns the municipality's stored settings, else the
// Service's Settings when they are set, else a *domain.ValidationError for
// the field "settings" with ReasonNoSettings.
func (s *Service) SettingsFor(ctx context.Context, m domain.Municipality) (Settings, error) {
	st, err := s.Store.BillingSettings(ctx, m)
	switch {
	case err == nil:
		return st, nil
	case !domain.IsNotFound(err):
		return Settings{}, err
	case s.Settings != (Settings{}):
		st = s.Settings
		st.Municipality = m
		return st, nil
	}
	return Settings{}, domain.Invalid("settings", ReasonNoSettings)
}

// PutSettings stores the municipality's billing settings (the bank
// account number is stored without spaces and dots). Caseworkers and
// administrators of the municipality may.
func (s *Service) PutSettings(ctx context.Context, a domain.Actor, st Settings) (Settings, error) {
	if err := municipal(a, st.Municipality); err != nil {
		return Settings{}, err
	}
	st.BankAccount = NormalizeBankAccount(st.BankAccount)
	if err := st.Validate(); err != nil {
		return Settings{}, err
	}
	return st, s.Store.PutBillingSettings(ctx, st)
}

// LoadRuleTable loads a national table of the kind for the municipality
// (an administrator of it only): data in the format of
// billing/rules/<kind>.json, source saying where it comes from. A
// malformed table is refused (ParseRuleTable: fields
// "table:<line>:<path>"); nothing is written then. The stored version
// records who loaded it, when, and which rows it added or changed against
// the tables in force before. Invoices already made are not touched; the
// next run's corrections show what it changes for the months in its
// window.
func (s *Service) LoadRuleTable(ctx context.Context, a domain.Actor, kind domain.UnitKind, source string, data []byte) (RuleTable, error) {
	if err := municipal(a, a.Municipality); err != nil {
		return RuleTable{}, err
	}
	if a.Role != domain.RoleAdmin && a.Role != domain.RoleSystem {
		return RuleTable{}, domain.ErrForbidden
	}
	var p domain.Problems
	if err := domain.CheckLine("source", source); err != nil {
		p.Merge("", err)
	} else if domain.Blank(source) {
		p.Add("source", ReasonRequired)
	}
	l, err := ParseRuleTable(kind, data)
	p.Merge("", err)
	if err := p.Err(); err != nil {
		return RuleTable{}, err
	}
	var rt RuleTable
	err = s.Store.Atomic(ctx, func(ctx context.Context) error {
		before, err := s.TablesFor(ctx, a.Municipality)
		if err != nil {
			return err
		}
		loaded, err := s.Store.RuleTables(ctx, a.Municipality)
		if err != nil {
			return err
		}
		version := 1
		for _, x := range loaded {
			version = max(version, x.Version+1)
		}
		by := a.Name
		if by == "" {
			by = a.Subject
		}
		rt = RuleTable{ID: domain.NewID[RuleTable](), Municipality: a.Municipality, Version: version, Kind: kind,
			Source: strings.TrimSpace(source), Loaded: s.Clock.Now(), LoadedBy: by, Data: string(data),
			Changes: before.Changes(l)}
		return s.Store.AddRuleTable(ctx, rt)
	})
	if err != nil {
		return RuleTable{}, err
	}
	return rt, nil
}

// RunInvoices makes the invoice run of a month for a municipality without
// a preview (see ApproveRun, which the app's pages and API use): it reads
// everything, computes (Compute), and stores the fee decisions, the
// invoices and the run, and raises an "invoice.ready" notice per invoice,
// all in ONE transaction. The month is computed and written Service.RunBatch
// payers at a time (RunWriter): only one batch's invoices, lines and
// decisions are in memory at once, and the result carries the run, not its
// invoices. It is for system jobs and tests; a caseworker
// previews first (PreviewRun) and approves what was previewed. Running a
// month again creates nothing; a run cancelled half-way (ctx) leaves
// nothing behind, so running it again gives exactly the invoices of one
// uninterrupted run. The municipality's stored settings are used
// (SettingsFor); without any the run is refused (field "settings"). A new
// month before the latest run month, before the first month invoiced, or
// outside the window around today's month (CheckRunMonth) is refused
// (field "month", a Reason* code) and writes nothing. Fees are computed
// with the tables in force for the municipality (TablesFor).
func (s *Service) RunInvoices(ctx context.Context, a domain.Actor, m domain.Municipality, month Month) (RunResult, error) {
	return s.approve(ctx, a, m, month, "", false, nil)
}

// RunInvoicesEach is RunInvoices handing each batch of the run to each as
// it is written (see ApproveRunEach).
func (s *Service) RunInvoicesEach(ctx context.Context, a domain.Actor, m domain.Municipality, month Month,
	each func(context.Context, RunBatch) error) (RunResult, error) {
	return s.approve(ctx, a, m, month, "", false, each)
}

// InvoiceNotice is the "invoice.ready" notice of an invoice.
func InvoiceNotice(inv Invoice) domain.Notice {
	return domain.Notice{Municipality: inv.Municipality, Kind: NoticeInvoiceReady, Guardian: inv.Payer,
		Key: "invoice.ready/" + string(inv.Municipality) + "/" + inv.Month.String() + "/" + strconv.FormatInt(inv.Number, 10),
		Data: map[string]string{
			"invoice": strconv.FormatInt(inv.Number, 10),
			"month":   inv.Month.String(),
			"amount":  domain.FormatNOK(inv.Total),
			"kid":     inv.KID,
			"due":     inv.Due.String(),
		}}
}

// Invoices lists the invoices of a month. A guardian sees only the
// invoices addressed to them.
func (s *Service) Invoices(ctx context.Context, a domain.Actor, m domain.Municipality, month Month) ([]Invoice, error) {
	if a.Validate() != nil || a.Municipality != m {
		return nil, domain.ErrForbidden
	}
	if !a.Municipal() && a.Role != domain.RoleGuardian {
		return nil, domain.ErrForbidden
	}
	invs, err := s.Store.Invoices(ctx, m, month)
	if err != nil {
		return nil, err
	}
	if a.Role == domain.RoleGuardian {
		invs = slices.DeleteFunc(invs, func(i Invoice) bool { return i.Payer != a.Guardian })
	}
	return invs, nil
}

// GuardianInvoices lists the invoices addressed to the guardian actor, by
// month, then number, read by the payer (not every month's invoices of
// the municipality). Only a guardian has invoices of their own: any other
// actor is domain.ErrForbidden.
func (s *Service) GuardianInvoices(ctx context.Context, a domain.Actor) ([]Invoice, error) {
	if a.Validate() != nil || a.Role != domain.RoleGuardian || a.Guardian.IsZero() {
		return nil, domain.ErrForbidden
	}
	return s.Store.InvoicesOfPayer(ctx, a.Municipality, a.Guardian)
}

// InvoicesPage reads one keyset page of a month's invoices
// (Store.InvoicesPage), with the access of Invoices: a guardian's page
// holds only the invoices addressed to them, searched among those.
func (s *Service) InvoicesPage(ctx context.Context, a domain.Actor, m domain.Municipality, q InvoiceQuery) ([]Invoice, error) {
	if a.Validate() != nil || a.Municipality != m {
		return nil, domain.ErrForbidden
	}
	if !a.Municipal() && a.Role != domain.RoleGuardian {
		return nil, domain.ErrForbidden
	}
	if a.Role == domain.RoleGuardian {
		q.Payer = a.Guardian
	}
	return s.Store.InvoicesPage(ctx, m, q)
}

// FeeDecisions lists a child's fee decisions by kind and start month.
func (s *Service) FeeDecisions(ctx context.Context, a domain.Actor, m domain.Municipality, child domain.ChildID) ([]FeeDecision, error) {
	if err := municipal(a, m); err != nil {
		return nil, err
	}
	return s.Store.FeeDecisionsOf(ctx, m, []domain.ChildID{child})
}

// Exporter writes a month's invoices in a format another system reads
// (a municipal finance system, an invoicing service). adapters/financecsv
// is the first.
type Exporter interface {
	Export(ctx context.Context, w io.Writer, batch ExportBatch) error
}

// ExportBatch is what an exporter gets: a month's invoices and their
// payers. A payer's AddressProtection is the one that governs the payer's
// address (domain.HouseholdProtection: raised to that of a child the payer
// lives with), so an exporter that gives out only
// Guardian.ShownAddress and marks the protection keeps a protected
// household's address out of the file.
type ExportBatch struct {
	Municipality domain.Municipality
	Month        Month
	Invoices     []Invoice
	Payers       map[domain.GuardianID]domain.Guardian
}

// Export writes the invoices of a month with the exporter.
func (s *Service) Export(ctx context.Context, a domain.Actor, m domain.Municipality, month Month, e Exporter, w io.Writer) error {
	if err := municipal(a, m); err != nil {
		return err
	}
	b := ExportBatch{Municipality: m, Month: month, Payers: map[domain.GuardianID]domain.Guardian{}}
	var err error
	if b.Invoices, err = s.Store.Invoices(ctx, m, month); err != nil {
		return err
	}
	// The payers and the protection of their addresses in a few reads
	// however many invoices there are.
	var ids []domain.GuardianID
	seen := map[domain.GuardianID]bool{}
	for _, inv := range b.Invoices {
		if !seen[inv.Payer] {
			seen[inv.Payer] = true
			ids = append(ids, inv.Payer)
		}
	}
	payers, err := s.Store.GuardiansByID(ctx, m, ids)
	if err != nil {
		return fmt.Errorf("billing: payers: %w", err)
	}
	protection, err := domain.GuardianHouseholds(ctx, s.Store, m, payers)
	if err != nil {
		return fmt.Errorf("billing: payers: %w", err)
	}
	for _, g := range payers {
		g.AddressProtection = protection[g.ID]
		b.Payers[g.ID] = g
	}
	for _, inv := range b.Invoices {
		if _, ok := b.Payers[inv.Payer]; !ok {
			return fmt.Errorf("billing: payer of invoice %d: %w", inv.Number, domain.ErrNotFound)
		}
	}
	if err := e.Export(ctx, w, b); err != nil {
		return err
	}
	// Exported: from now on the run is corrected by credit notes only.
	return s.markExported(ctx, a, m, month)
}

// Balance is what an invoice asks for, after its credit notes, beside
// what has been paid to its KID (NewBalance).
type Balance struct {
	Invoice InvoiceID       `json:"invoice"`
	Number  int64           `json:"number"`
	KID     string          `json:"kid"`
	Total   decimal.Decimal `json:"total"`
	// Credited is the sum of the invoice's credit notes; Owed is Total −
	// Credited, what a payment to the KID is matched against.
	Credited decimal.Decimal `json:"credited"`
	Owed     decimal.Decimal `json:"owed"`
	Paid     decimal.Decimal `json:"paid"`
	// Difference is Paid − Owed: above zero an overpayment, below zero
	// an underpayment.
	Difference decimal.Decimal `json:"difference"`
}

// PaymentReport is the outcome of ImportPayments.
type PaymentReport struct {
	// Problems are the lines of the file that could not be read, with
	// their line numbers; the rest of the file was processed.
	Problems []LineError
	// Recorded are the payments stored now; Repeated the references stored
	// before (the same file read again), which were skipped.
	Recorded []Payment
	Repeated []string
	// UnknownKIDs are payments whose KID names no invoice (stored without
	// an invoice).
	UnknownKIDs []Payment
	// Paid, Overpaid and Underpaid are the invoices the file paid to,
	// after this file.
	Paid, Overpaid, Underpaid []Balance
}

// ImportPayments reads an OCR giro file (ParseOCR), records its payments in
// one transaction and matches them to invoices by KID, against what each
// invoice asks for after its credit notes (Balance.Owed).
func (s *Service) ImportPayments(ctx context.Context, a domain.Actor, m domain.Municipality, r io.Reader) (PaymentReport, error) {
	if err := municipal(a, m); err != nil {
		return PaymentReport{}, err
	}
	file, problems, err := ParseOCR(r)
	if err != nil {
		return PaymentReport{}, err
	}
	var rep PaymentReport
	err = s.Store.Atomic(ctx, func(ctx context.Context) error {
		rep = PaymentReport{Problems: problems}
		stored, err := s.Store.Payments(ctx, m)
		if err != nil {
			return err
		}
		credited, err := s.creditedByInvoice(ctx, m)
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		paid := map[InvoiceID]decimal.Decimal{}
		for _, p := range stored {
			seen[p.Reference] = true
			if !p.Invoice.IsZero() {
				paid[p.Invoice] = paid[p.Invoice].Add(p.Amount)
			}
		}
		touched := map[InvoiceID]Invoice{}
		var order []InvoiceID
		for _, tr := range file.Transactions {
			if seen[tr.Reference] {
				rep.Repeated = append(rep.Repeated, tr.Reference)
				continue
			}
			seen[tr.Reference] = true
			p := Payment{ID: domain.NewID[Payment](), Municipality: m, Reference: tr.Reference, KID: tr.KID,
				Amount: tr.Amount, Paid: tr.Date}
			inv, err := s.Store.InvoiceByKID(ctx, m, tr.KID)
			switch {
			case domain.IsNotFound(err):
				rep.UnknownKIDs = append(rep.UnknownKIDs, p)
			case err != nil:
				return err
			default:
				p.Invoice = inv.ID
				paid[inv.ID] = paid[inv.ID].Add(p.Amount)
				if _, ok := touched[inv.ID]; !ok {
					touched[inv.ID] = inv
					order = append(order, inv.ID)
				}
			}
			rep.Recorded = append(rep.Recorded, p)
		}
		if len(rep.Recorded) > 0 {
			if err := s.Store.CreatePayments(ctx, rep.Recorded); err != nil {
				return err
			}
		}
		for _, id := range order {
			inv := touched[id]
			b := NewBalance(inv, credited[id], paid[id])
			switch b.Difference.Sign() {
			case 0:
				rep.Paid = append(rep.Paid, b)
			case 1:
				rep.Overpaid = append(rep.Overpaid, b)
			default:
				rep.Underpaid = append(rep.Underpaid, b)
			}
		}
		return nil
	})
	if err != nil {
		return PaymentReport{}, err
	}
	return rep, nil
}
