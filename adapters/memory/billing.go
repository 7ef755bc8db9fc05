package memory

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

type monthKey struct {
	m     domain.Municipality
	month billing.Month
}

type personKey struct {
	m        domain.Municipality
	guardian domain.GuardianID
	child    domain.ChildID
}

type textKey struct {
	m domain.Municipality
	s string
}

// billingState holds the records of the billing store port.
type billingState struct {
	families map[key[billing.Family]]billing.Family // without members
	members  map[key[billing.Member]]billing.Member
	// byPerson indexes memberships by child or adult, for overlap checks.
	byPerson map[personKey]map[billing.MemberID]struct{}
	// incomesOf indexes income decisions by family.
	incomesOf  map[key[billing.Family]]map[billing.IncomeDecisionID]struct{}
	incomes    map[key[billing.IncomeDecision]]billing.IncomeDecision
	priceLists map[key[billing.PriceList]]billing.PriceList
	decisions  map[key[billing.FeeDecision]]billing.FeeDecision
	runs       map[monthKey]billing.Run
	invoices   map[key[billing.Invoice]]billing.Invoice
	byMonth    map[monthKey][]billing.InvoiceID
	byKID      map[textKey]billing.InvoiceID
	payments   map[key[billing.Payment]]billing.Payment
	references map[textKey]billing.PaymentID
}

func newBillingState() billingState {
	return billingState{
		families:   map[key[billing.Family]]billing.Family{},
		members:    map[key[billing.Member]]billing.Member{},
		byPerson:   map[personKey]map[billing.MemberID]struct{}{},
		incomesOf:  map[key[billing.Family]]map[billing.IncomeDecisionID]struct{}{},
		incomes:    map[key[billing.IncomeDecision]]billing.IncomeDecision{},
		priceLists: map[key[billing.PriceList]]billing.PriceList{},
		decisions:  map[key[billing.FeeDecision]]billing.FeeDecision{},
		runs:       map[monthKey]billing.Run{},
		invoices:   map[key[billing.Invoice]]billing.Invoice{},
		byMonth:    map[monthKey][]billing.InvoiceID{},
		byKID:      map[textKey]billing.InvoiceID{},
		payments:   map[key[billing.Payment]]billing.Payment{},
		references: map[textKey]billing.PaymentID{},
	}
}

var _ billing.Store = (*Store)(nil)

// checkMember checks a membership against stored data: the family, the
// guardian or child exist, and the person is in no other family on a
// shared day (pending are memberships being written with it).
func (s *Store) checkMember(field string, mb billing.Member, pending []billing.Member) error {
	b := &s.s.billing
	if _, ok := b.families[key[billing.Family]{mb.Municipality, mb.Family}]; !ok {
		found := false
		for _, p := range pending {
			if p.Family == mb.Family {
				found = true
			}
		}
		if !found {
			return domain.Invalid(field+"family", "no such family")
		}
	}
	if !mb.Guardian.IsZero() {
		if _, ok := s.s.guardians[key[domain.Guardian]{mb.Municipality, mb.Guardian}]; !ok {
			return domain.Invalid(field+"guardian", "no such guardian")
		}
	}
	if !mb.Child.IsZero() {
		if _, ok := s.s.children[key[domain.Child]{mb.Municipality, mb.Child}]; !ok {
			return domain.Invalid(field+"child", "no such child")
		}
	}
	clash := func(o billing.Member) bool {
		return o.Municipality == mb.Municipality && o.ID != mb.ID && o.Guardian == mb.Guardian && o.Child == mb.Child &&
			o.Period.Overlaps(mb.Period)
	}
	for id := range b.byPerson[personKey{mb.Municipality, mb.Guardian, mb.Child}] {
		if o := b.members[key[billing.Member]{mb.Municipality, id}]; clash(o) {
			return &domain.ConflictError{Field: "members", Reason: "the person is in another family on a shared day"}
		}
	}
	for _, o := range pending {
		if clash(o) {
			return &domain.ConflictError{Field: "members", Reason: "the person is in the family twice on a shared day"}
		}
	}
	return nil
}

func (s *Store) putMember(t *tx, mb billing.Member) {
	b := &s.s.billing
	put(t, b.members, key[billing.Member]{mb.Municipality, mb.ID}, mb)
	put(t, inner(t, b.byPerson, personKey{mb.Municipality, mb.Guardian, mb.Child}), mb.ID, struct{}{})
}

// CreateFamily implements billing.Store.
func (s *Store) CreateFamily(ctx context.Context, f billing.Family) error {
	if err := f.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		b := &s.s.billing
		k := key[billing.Family]{f.Municipality, f.ID}
		if _, ok := b.families[k]; ok {
			return idTaken
		}
		if _, ok := s.s.guardians[key[domain.Guardian]{f.Municipality, f.Payer}]; !ok {
			return domain.Invalid("payer", "no such guardian")
		}
		pending := []billing.Member{{Family: f.ID}} // the family itself
		for i, mb := range f.Members {
			if _, ok := b.members[key[billing.Member]{mb.Municipality, mb.ID}]; ok {
				return idTaken
			}
			if err := s.checkMember(fmt.Sprintf("members[%d].", i), mb, pending); err != nil {
				return err
			}
			pending = append(pending, mb)
		}
		rec := f
		rec.Members = nil
		put(t, b.families, k, rec)
		for _, mb := range f.Members {
			s.putMember(t, mb)
		}
		return nil
	})
}

// PutMember implements billing.Store.
func (s *Store) PutMember(ctx context.Context, mb billing.Member) error {
	if err := mb.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		k := key[billing.Member]{mb.Municipality, mb.ID}
		if old, ok := s.s.billing.members[k]; ok && (old.Family != mb.Family || old.Guardian != mb.Guardian || old.Child != mb.Child) {
			return &domain.ConflictError{Field: "id", Reason: "a membership keeps its family and person"}
		}
		if err := s.checkMember("", mb, nil); err != nil {
			return err
		}
		s.putMember(t, mb)
		return nil
	})
}

func (s *Store) familyWithMembers(f billing.Family) billing.Family {
	f.Members = nil
	for _, mb := range s.s.billing.members {
		if mb.Municipality == f.Municipality && mb.Family == f.ID {
			f.Members = append(f.Members, mb)
		}
	}
	billing.SortMembers(f.Members)
	return f
}

// Family implements billing.Store.
func (s *Store) Family(ctx context.Context, m domain.Municipality, id billing.FamilyID) (f billing.Family, err error) {
	err = s.read(ctx, func() error {
		var ok bool
		if f, ok = s.s.billing.families[key[billing.Family]{m, id}]; !ok {
			return notFound("family", id)
		}
		f = s.familyWithMembers(f)
		return nil
	})
	return f, err
}

// Families implements billing.Store.
func (s *Store) Families(ctx context.Context, m domain.Municipality) (out []billing.Family, err error) {
	err = s.read(ctx, func() error {
		byID := map[billing.FamilyID]int{}
		for k, f := range s.s.billing.families {
			if k.m == m {
				f.Members = nil
				byID[f.ID] = len(out)
				out = append(out, f)
			}
		}
		for _, mb := range s.s.billing.members {
			if mb.Municipality == m {
				i := byID[mb.Family]
				out[i].Members = append(out[i].Members, mb)
			}
		}
		return nil
	})
	for i := range out {
		billing.SortMembers(out[i].Members)
	}
	slices.SortFunc(out, func(a, b billing.Family) int { return a.ID.Compare(b.ID) })
	return out, err
}

// CreateIncomeDecision implements billing.Store.
func (s *Store) CreateIncomeDecision(ctx context.Context, d billing.IncomeDecision) error {
	if err := d.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		b := &s.s.billing
		k := key[billing.IncomeDecision]{d.Municipality, d.ID}
		if _, ok := b.incomes[k]; ok {
			return idTaken
		}
		if _, ok := b.families[key[billing.Family]{d.Municipality, d.Family}]; !ok {
			return domain.Invalid("family", "no such family")
		}
		fk := key[billing.Family]{d.Municipality, d.Family}
		for id := range b.incomesOf[fk] {
			if o := b.incomes[key[billing.IncomeDecision]{d.Municipality, id}]; o.Period.Overlaps(d.Period) {
				return &domain.ConflictError{Field: "period", Reason: "the family has another income decision on a shared day"}
			}
		}
		put(t, b.incomes, k, d)
		put(t, inner(t, b.incomesOf, fk), d.ID, struct{}{})
		return nil
	})
}

// IncomeDecisions implements billing.Store.
func (s *Store) IncomeDecisions(ctx context.Context, m domain.Municipality) (out []billing.IncomeDecision, err error) {
	err = s.read(ctx, func() error {
		for k, d := range s.s.billing.incomes {
			if k.m == m {
				out = append(out, d)
			}
		}
		return nil
	})
	slices.SortFunc(out, func(a, b billing.IncomeDecision) int {
		return cmp.Or(cmp.Compare(a.Period.Start, b.Period.Start), a.ID.Compare(b.ID))
	})
	return out, err
}

func clonePriceList(l billing.PriceList) billing.PriceList {
	if l.Kindergarten != nil {
		k := *l.Kindergarten
		k.Brackets = slices.Clone(k.Brackets)
		l.Kindergarten = &k
	}
	if l.SFO != nil {
		p := *l.SFO
		p.Brackets = slices.Clone(p.Brackets)
		p.SiblingDiscounts = slices.Clone(p.SiblingDiscounts)
		l.SFO = &p
	}
	return l
}

// CreatePriceList implements billing.Store.
func (s *Store) CreatePriceList(ctx context.Context, l billing.PriceList) error {
	if err := l.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		b := &s.s.billing
		k := key[billing.PriceList]{l.Municipality, l.ID}
		if _, ok := b.priceLists[k]; ok {
			return idTaken
		}
		for _, o := range b.priceLists {
			if o.Municipality == l.Municipality && o.Kind == l.Kind && o.Period.Overlaps(l.Period) {
				return &domain.ConflictError{Field: "period", Reason: "another price list of the same kind is in force on a shared day"}
			}
		}
		put(t, b.priceLists, k, clonePriceList(l))
		return nil
	})
}

// PriceLists implements billing.Store.
func (s *Store) PriceLists(ctx context.Context, m domain.Municipality) (out []billing.PriceList, err error) {
	err = s.read(ctx, func() error {
		for k, l := range s.s.billing.priceLists {
			if k.m == m {
				out = append(out, clonePriceList(l))
			}
		}
		return nil
	})
	slices.SortFunc(out, func(a, b billing.PriceList) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Period.Start, b.Period.Start), a.ID.Compare(b.ID))
	})
	return out, err
}

// CreateFeeDecisions implements billing.Store.
func (s *Store) CreateFeeDecisions(ctx context.Context, ds []billing.FeeDecision) error {
	if err := billing.ValidateDecisions(ds); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		for _, d := range ds {
			k := key[billing.FeeDecision]{d.Municipality, d.ID}
			if _, ok := s.s.billing.decisions[k]; ok {
				return idTaken
			}
			if _, ok := s.s.children[key[domain.Child]{d.Municipality, d.Child}]; !ok {
				return domain.Invalid("child", "no such child")
			}
			put(t, s.s.billing.decisions, k, d)
		}
		return nil
	})
}

// FeeDecisions implements billing.Store.
func (s *Store) FeeDecisions(ctx context.Context, m domain.Municipality) (out []billing.FeeDecision, err error) {
	err = s.read(ctx, func() error {
		for k, d := range s.s.billing.decisions {
			if k.m == m {
				out = append(out, d)
			}
		}
		return nil
	})
	slices.SortFunc(out, func(a, b billing.FeeDecision) int {
		return cmp.Or(a.Child.Compare(b.Child), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.From.String(), b.From.String()), a.ID.Compare(b.ID))
	})
	return out, err
}

// CreateInvoiceRun implements billing.Store.
func (s *Store) CreateInvoiceRun(ctx context.Context, r billing.Run, invoices []billing.Invoice) error {
	if err := billing.ValidateRun(r, invoices); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		b := &s.s.billing
		mk := monthKey{r.Municipality, r.Month}
		if _, ok := b.runs[mk]; ok {
			return &domain.ConflictError{Field: "month", Reason: "the month has an invoice run"}
		}
		ids := make([]billing.InvoiceID, 0, len(invoices))
		for _, inv := range invoices {
			k := key[billing.Invoice]{inv.Municipality, inv.ID}
			if _, ok := b.invoices[k]; ok {
				return idTaken
			}
			kk := textKey{inv.Municipality, inv.KID}
			if _, ok := b.byKID[kk]; ok {
				return &domain.ConflictError{Field: "kid", Reason: "another invoice has this KID"}
			}
			inv.Lines = slices.Clone(inv.Lines)
			put(t, b.invoices, k, inv)
			put(t, b.byKID, kk, inv.ID)
			ids = append(ids, inv.ID)
		}
		put(t, b.runs, mk, r)
		put(t, b.byMonth, mk, ids)
		return nil
	})
}

// InvoiceRuns implements billing.Store.
func (s *Store) InvoiceRuns(ctx context.Context, m domain.Municipality) (out []billing.Run, err error) {
	err = s.read(ctx, func() error {
		for k, r := range s.s.billing.runs {
			if k.m == m {
				out = append(out, r)
			}
		}
		return nil
	})
	slices.SortFunc(out, func(a, b billing.Run) int { return cmp.Compare(a.Month.String(), b.Month.String()) })
	return out, err
}

// Invoices implements billing.Store.
func (s *Store) Invoices(ctx context.Context, m domain.Municipality, month billing.Month) (out []billing.Invoice, err error) {
	err = s.read(ctx, func() error {
		for _, id := range s.s.billing.byMonth[monthKey{m, month}] {
			inv := s.s.billing.invoices[key[billing.Invoice]{m, id}]
			inv.Lines = slices.Clone(inv.Lines)
			out = append(out, inv)
		}
		return nil
	})
	slices.SortFunc(out, func(a, b billing.Invoice) int { return cmp.Compare(a.Number, b.Number) })
	return out, err
}

// InvoiceByKID implements billing.Store.
func (s *Store) InvoiceByKID(ctx context.Context, m domain.Municipality, kid string) (inv billing.Invoice, err error) {
	err = s.read(ctx, func() error {
		id, ok := s.s.billing.byKID[textKey{m, kid}]
		if !ok {
			return notFound("invoice with KID", stringer(kid))
		}
		inv = s.s.billing.invoices[key[billing.Invoice]{m, id}]
		inv.Lines = slices.Clone(inv.Lines)
		return nil
	})
	return inv, err
}

// BilledSince implements billing.Store.
func (s *Store) BilledSince(ctx context.Context, m domain.Municipality, from, to billing.Month) (out []billing.Billed, err error) {
	type bk struct {
		payer domain.GuardianID
		child domain.ChildID
		kind  domain.UnitKind
		item  billing.Item
		month billing.Month
	}
	err = s.read(ctx, func() error {
		sums := map[bk]int{}
		for k, inv := range s.s.billing.invoices {
			if k.m != m {
				continue
			}
			for _, l := range inv.Lines {
				if l.Month.Before(from) || to.Before(l.Month) {
					continue
				}
				x := bk{inv.Payer, l.Child, l.Kind, l.Item, l.Month}
				i, ok := sums[x]
				if !ok {
					i = len(out)
					sums[x] = i
					out = append(out, billing.Billed{Payer: x.payer, Child: x.child, Kind: x.kind, Item: x.item, Month: x.month, Amount: l.Amount})
					continue
				}
				out[i].Amount = out[i].Amount.Add(l.Amount)
			}
		}
		return nil
	})
	return out, err
}

// CreatePayments implements billing.Store.
func (s *Store) CreatePayments(ctx context.Context, ps []billing.Payment) error {
	if err := billing.ValidatePayments(ps); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, t *tx) error {
		b := &s.s.billing
		for _, p := range ps {
			k := key[billing.Payment]{p.Municipality, p.ID}
			if _, ok := b.payments[k]; ok {
				return idTaken
			}
			rk := textKey{p.Municipality, p.Reference}
			if _, ok := b.references[rk]; ok {
				return &domain.ConflictError{Field: "reference", Reason: "this payment is recorded"}
			}
			if !p.Invoice.IsZero() {
				if _, ok := b.invoices[key[billing.Invoice]{p.Municipality, p.Invoice}]; !ok {
					return domain.Invalid("invoice", "no such invoice")
				}
			}
			put(t, b.payments, k, p)
			put(t, b.references, rk, p.ID)
		}
		return nil
	})
}

// Payments implements billing.Store.
func (s *Store) Payments(ctx context.Context, m domain.Municipality) (out []billing.Payment, err error) {
	err = s.read(ctx, func() error {
		for k, p := range s.s.billing.payments {
			if k.m == m {
				out = append(out, p)
			}
		}
		return nil
	})
	slices.SortFunc(out, func(a, b billing.Payment) int { return cmp.Or(cmp.Compare(a.Paid, b.Paid), a.ID.Compare(b.ID)) })
	return out, err
}
