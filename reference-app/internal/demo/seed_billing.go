package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/shopspring/decimal"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// Demo data for billing: the municipality's price lists for kindergarten
// and SFO, a family for fees per household, and one income decision, so
// that an invoice run for the current month makes invoices at once (the
// demo guardian Hilde Berg gets one for Sofie's SFO place).

// demoIncome is the annual income of the demo family with an income
// decision (Hilde Berg's): low enough that the income cap lowers Sofie's
// SFO fee.
var demoIncome = decimal.RequireFromString("310000")

// DemoBankAccount is the demo municipalities' (fictional) bank account
// number: 11 digits with a valid MOD11 check digit.
const DemoBankAccount = "12345678903"

// seedBillingSettings stores a municipality's billing settings: invoices
// from the first month of the school year, corrections three months
// back, due on the 20th. A store without the billing port gets none.
func seedBillingSettings(ctx context.Context, store domain.Store, m domain.Municipality, year domain.SchoolYear) error {
	bs, ok := store.(billing.Store)
	if !ok {
		return nil
	}
	st := billing.DefaultSettings()
	st.Municipality, st.BankAccount, st.FirstMonth = m, DemoBankAccount, billing.MonthOf(year.Start())
	return bs.PutBillingSettings(ctx, st)
}

// seedBilling writes the billing demo data in the seed's transaction. A
// store without the billing port (a test double) gets none.
func (s *seeder) seedBilling(ctx context.Context) error {
	bs, ok := s.store.(billing.Store)
	if !ok {
		return nil
	}
	if err := seedBillingSettings(ctx, s.store, s.m, s.year); err != nil {
		return fmt.Errorf("billing settings: %w", err)
	}
	// Price lists per kindergarten year, this one and the next: a list
	// ends with its year, so a lower national maximum later on never
	// makes a list invalid.
	for _, y := range []domain.SchoolYear{s.year, s.year + 1} {
		lists, err := s.priceLists(y)
		if err != nil {
			return err
		}
		for _, l := range lists {
			if err := bs.CreatePriceList(ctx, l); err != nil {
				return fmt.Errorf("price list %s %s: %w", l.Kind, y, err)
			}
		}
	}
	families, err := s.families(ctx)
	if err != nil {
		return err
	}
	if bw, ok := s.store.(billing.BulkFamilyWriter); ok && s.scale != nil {
		// SeedChildren: the families in one write.
		all := make([]billing.Family, len(families))
		for i, f := range families {
			all[i] = f.Family
		}
		if err := bw.CreateFamilies(ctx, s.m, all); err != nil {
			return fmt.Errorf("families: %w", err)
		}
	} else {
		for _, f := range families {
			if err := bs.CreateFamily(ctx, f.Family); err != nil {
				return fmt.Errorf("family: %w", err)
			}
		}
	}
	// The income decision: Hilde Berg applied in the first month of the
	// school year; it runs from the next month to the end of the year.
	for _, f := range families {
		if f.payerName != "Hilde Berg" {
			continue
		}
		applied := s.year.Start() + 9
		d := billing.IncomeDecision{ID: newID[billing.IncomeDecision](&s.ids), Municipality: s.m, Family: f.ID,
			AnnualIncome: demoIncome, Applied: applied,
			Period:        domain.Period{Start: date.New(int(s.year), time.September, 1), End: s.year.End()},
			Documentation: "Skattemelding (demo)"}
		if err := bs.CreateIncomeDecision(ctx, d); err != nil {
			return fmt.Errorf("income decision: %w", err)
		}
	}
	return nil
}

// priceLists are the kindergarten and SFO lists of a kindergarten year.
// The kindergarten full-time price is the lowest national maximum in force
// during the year (none when the national tables do not know the year).
func (s *seeder) priceLists(y domain.SchoolYear) ([]billing.PriceList, error) {
	t, err := billing.NationalTables()
	if err != nil {
		return nil, err
	}
	period := y.Period()
	var price decimal.Decimal
	found := false
	days := []date.Date{period.Start}
	for _, r := range t.Kindergarten {
		if r.ValidFrom > period.Start && r.ValidFrom <= period.End {
			days = append(days, r.ValidFrom)
		}
	}
	for _, d := range days {
		rules, err := t.KindergartenRules(billing.MonthOf(d), billing.ZoneOrdinary)
		if err != nil {
			continue
		}
		if !found || rules.MaxPrice.LessThan(price) {
			price, found = rules.MaxPrice, true
		}
	}
	money := decimal.RequireFromString
	var out []billing.PriceList
	if found {
		out = append(out, billing.PriceList{ID: newID[billing.PriceList](&s.ids), Municipality: s.m, Kind: domain.Kindergarten,
			Period: period, Zone: billing.ZoneOrdinary,
			Kindergarten: &billing.KindergartenPrices{FullTimePrice: price, SiblingOrder: billing.PriceDesc, Rounding: domain.RoundToOre,
				Brackets: []billing.KindergartenBracket{
					{MinHours: 41, Share: money("1.00"), Food: money("450.00")},
					{MinHours: 31, Share: money("0.80"), Food: money("360.00")},
					{MinHours: 0, Share: money("0.60"), Food: money("270.00")},
				}}})
	}
	out = append(out, billing.PriceList{ID: newID[billing.PriceList](&s.ids), Municipality: s.m, Kind: domain.SFO,
		Period: period, SiblingsAcross: true,
		SFO: &billing.SFOPrices{SiblingOrder: billing.AgeDesc, Rounding: domain.RoundToOre,
			SiblingDiscounts: []decimal.Decimal{money("0"), money("0.25"), money("0.50")},
			Brackets: []billing.SFOBracket{
				{MinHours: 0, Price: money("1750.00"), Food: money("200.00")},
				{MinHours: 15, Price: money("3100.00"), Food: money("320.00")},
			}}})
	return out, nil
}

// seedFamilyFor is a family for fees with its payer's name.
type seedFamilyFor struct {
	billing.Family
	payerName string
}

// families makes one family for fees per household: the payer is a
// guardian with parental responsibility who lives with the child (the
// first by ID), the adults are the guardians with parental responsibility
// who live with the children, and the children are those of the payer.
// Memberships run from the start of the school year.
func (s *seeder) families(ctx context.Context) ([]seedFamilyFor, error) {
	children, err := s.store.Children(ctx, s.m)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(children, func(a, b domain.Child) int { return a.ID.Compare(b.ID) })
	start := s.year.Start()
	byPayer := map[domain.GuardianID]int{}
	inFamily := map[domain.GuardianID]bool{}
	var out []seedFamilyFor
	for _, c := range children {
		if s.scale != nil && s.scale.bulk[c.ID] {
			continue // SeedChildren's households have theirs
		}
		links, err := s.store.Guardianships(ctx, s.m, c.ID)
		if err != nil {
			return nil, err
		}
		var home []domain.GuardianID
		for _, l := range links {
			if l.ParentalResponsibility && l.LivesWithChild {
				home = append(home, l.GuardianID)
			}
		}
		if len(home) == 0 {
			continue
		}
		slices.SortFunc(home, func(a, b domain.GuardianID) int { return a.Compare(b) })
		payer := home[0]
		i, ok := byPayer[payer]
		if !ok {
			g, err := s.store.Guardian(ctx, s.m, payer)
			if err != nil {
				return nil, err
			}
			f := billing.Family{ID: newID[billing.Family](&s.ids), Municipality: s.m, Payer: payer}
			out = append(out, seedFamilyFor{Family: f, payerName: g.GivenName + " " + g.FamilyName})
			i = len(out) - 1
			byPayer[payer] = i
		}
		f := &out[i].Family
		for _, g := range home {
			if inFamily[g] {
				continue
			}
			inFamily[g] = true
			f.Members = append(f.Members, billing.Member{ID: newID[billing.Member](&s.ids), Municipality: s.m, Family: f.ID,
				Guardian: g, Period: domain.Period{Start: start}})
		}
		f.Members = append(f.Members, billing.Member{ID: newID[billing.Member](&s.ids), Municipality: s.m, Family: f.ID,
			Child: c.ID, Period: domain.Period{Start: start}})
	}
	if s.scale != nil {
		out = append(out, s.scale.families...)
	}
	return out, nil
}
