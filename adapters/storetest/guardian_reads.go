package storetest

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// testGuardianReads: the reads of a guardian's own pages by child, payer
// and guardian (FeeDecisionsOf, InvoicesOfPayer, GuardianFamilies) give
// what the whole-municipality reads give, filtered, in the same order, and
// nothing of another family or municipality.
func testGuardianReads(t *testing.T, s BillingStore) {
	ctx := ctxFor(t)
	seed := newFamSeed(t, Oslo, 4)
	seed.load(t, ctx, s)
	clk := &clock{}
	svc := &billing.Service{Store: s, Clock: clk, Notifier: &feeNotices{}, Settings: billing.DefaultSettings()}
	for _, mo := range []billing.Month{month(2024, 9), month(2024, 10)} {
		clk.set(d(mo.Year, mo.Month, 5))
		_, err := svc.RunInvoices(ctx, domain.SystemActor(Oslo, "fakturering"), Oslo, mo)
		require.NoError(t, err)
	}

	// Fee decisions by child.
	all, err := s.FeeDecisions(ctx, Oslo)
	require.NoError(t, err)
	of := func(children ...domain.ChildID) []billing.FeeDecision {
		out := []billing.FeeDecision{}
		for _, x := range all {
			if slices.Contains(children, x.Child) {
				out = append(out, x)
			}
		}
		return out
	}
	c0, c2 := seed.children[0].ID, seed.children[2].ID
	require.NotEmpty(t, of(c0), "the run made decisions for the child")
	got, err := s.FeeDecisionsOf(ctx, Oslo, []domain.ChildID{c0})
	require.NoError(t, err)
	assert.Equal(t, of(c0), got, "one child's decisions, as FeeDecisions has them")
	got, err = s.FeeDecisionsOf(ctx, Oslo, []domain.ChildID{c2, c0, domain.NewID[domain.Child]()})
	require.NoError(t, err)
	assert.Equal(t, of(c0, c2), got, "two children's, in the order of FeeDecisions; an unknown child adds nothing")
	got, err = s.FeeDecisionsOf(ctx, Bergen, []domain.ChildID{c0})
	require.NoError(t, err)
	assert.Empty(t, got, "another municipality's child")
	got, err = s.FeeDecisionsOf(ctx, Oslo, nil)
	require.NoError(t, err)
	assert.NotNil(t, got)
	assert.Empty(t, got)

	// Invoices by payer: both months', by month then number, with lines.
	payer := seed.families[1].Payer
	var want []billing.Invoice
	for _, mo := range []billing.Month{month(2024, 9), month(2024, 10)} {
		invs, err := s.Invoices(ctx, Oslo, mo)
		require.NoError(t, err)
		for _, inv := range invs {
			if inv.Payer == payer {
				want = append(want, inv)
			}
		}
	}
	require.Len(t, want, 2, "an invoice a month")
	invs, err := s.InvoicesOfPayer(ctx, Oslo, payer)
	require.NoError(t, err)
	require.Len(t, invs, 2)
	assert.Equal(t, viewOf(want), viewOf(invs), "the payer's invoices with their lines, by month")
	for i := range invs {
		assert.Equal(t, want[i].ID, invs[i].ID)
		assert.Equal(t, want[i].Month, invs[i].Month)
		assert.Equal(t, want[i].Family, invs[i].Family)
		assert.Equal(t, want[i].Due, invs[i].Due)
	}
	// The service gives a guardian their own, and no one else any.
	mine, err := svc.GuardianInvoices(ctx, domain.Actor{Role: domain.RoleGuardian, Municipality: Oslo, Guardian: payer, Subject: "forelder"})
	require.NoError(t, err)
	assert.Equal(t, viewOf(want), viewOf(mine), "the guardian's own invoices")
	_, err = svc.GuardianInvoices(ctx, domain.CaseworkerActor(Oslo, "sb-1"))
	assert.ErrorIs(t, err, domain.ErrForbidden, "a caseworker has no invoices of their own")
	invs, err = s.InvoicesOfPayer(ctx, Oslo, domain.NewID[domain.Guardian]())
	require.NoError(t, err)
	assert.Empty(t, invs, "a guardian with no invoices")
	invs, err = s.InvoicesOfPayer(ctx, Bergen, payer)
	require.NoError(t, err)
	assert.Empty(t, invs, "another municipality")

	// Families by guardian: the one the guardian pays for and the one the
	// guardian is an adult member of, with all their members.
	adult := billing.Member{ID: domain.NewID[billing.Member](), Municipality: Oslo, Family: seed.families[0].ID, Guardian: payer,
		Period: domain.Period{Start: d(2024, 8, 1), End: d(2024, 12, 31)}}
	require.NoError(t, s.PutMember(ctx, adult))
	fams, err := s.GuardianFamilies(ctx, Oslo, payer)
	require.NoError(t, err)
	require.Len(t, fams, 2)
	var wantFams []billing.Family
	for _, id := range []billing.FamilyID{seed.families[0].ID, seed.families[1].ID} {
		f, err := s.Family(ctx, Oslo, id)
		require.NoError(t, err)
		wantFams = append(wantFams, f)
	}
	billing.SortFamilies(wantFams)
	assert.Equal(t, wantFams, fams, "paid for and member of, with their members, as Family reads them")
	fams, err = s.GuardianFamilies(ctx, Oslo, seed.families[3].Payer)
	require.NoError(t, err)
	require.Len(t, fams, 1, "only the family paid for")
	assert.Equal(t, seed.families[3].ID, fams[0].ID)
	fams, err = s.GuardianFamilies(ctx, Oslo, domain.NewID[domain.Guardian]())
	require.NoError(t, err)
	assert.Empty(t, fams)
	fams, err = s.GuardianFamilies(ctx, Bergen, payer)
	require.NoError(t, err)
	assert.Empty(t, fams, "another municipality")
}

// testGuardianDeliveries: one guardian's deliveries are those of the
// outbox sent to the guardian, by key, and no other municipality's.
func testGuardianDeliveries(t *testing.T, s MessagingStore) {
	ctx := ctxFor(t)
	sc := newSchool(t, ctx, s, Oslo)
	g1, g2 := sc.guardian(""), sc.guardian("")
	bg := newSchool(t, ctx, s, Bergen).guardian("")
	enqueue(t, ctx, s, Oslo, g1.ID, 3, msgNow)
	enqueue(t, ctx, s, Oslo, g2.ID, 2, msgNow)
	enqueue(t, ctx, s, Bergen, bg.ID, 2, msgNow)
	all, err := s.Deliveries(ctx, Oslo)
	require.NoError(t, err)
	want := slices.DeleteFunc(all, func(d messaging.Delivery) bool { return d.Guardian != g1.ID })
	require.Len(t, want, 3)
	got, err := s.GuardianDeliveries(ctx, Oslo, g1.ID)
	require.NoError(t, err)
	assert.Equal(t, want, got, "the guardian's deliveries, by key")
	got, err = s.GuardianDeliveries(ctx, Bergen, g1.ID)
	require.NoError(t, err)
	assert.Empty(t, got, "another municipality")
	got, err = s.GuardianDeliveries(ctx, Oslo, domain.NewID[domain.Guardian]())
	require.NoError(t, err)
	assert.Empty(t, got)
}
