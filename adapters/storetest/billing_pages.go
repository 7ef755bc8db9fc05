package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
)

// RunFamiliesPage runs the suite of billing.Store.FamiliesPage and
// CountFamilies: keyset pages in ID order, forward and backward, with
// their members; the search of every word in the name of the payer, an
// adult or a child (ignoring case: Æ finds æ, but Ä is not Æ, as
// domain.MatchesSearch), or the start of a national ID; the counts in
// SQL; another municipality's families never.
func RunFamiliesPage(t *testing.T, newStore func(t *testing.T) BillingStore) {
	s := newStore(t)
	ctx := ctxFor(t)
	f := &fixture{m: Oslo}
	start := date.New(2024, time.January, 1)
	var fams []billing.Family
	var kids []domain.Child
	family := func(f *fixture, payerName [2]string, childName [2]string, adultName [2]string) billing.Family {
		t.Helper()
		g := f.guardian(t)
		if payerName[0] != "" {
			g.GivenName, g.FamilyName = payerName[0], payerName[1]
		}
		require.NoError(t, s.CreateGuardian(ctx, g))
		c := f.child(t)
		if childName[0] != "" {
			c.GivenName, c.FamilyName = childName[0], childName[1]
		}
		require.NoError(t, s.CreateChild(ctx, c))
		fam := billing.Family{ID: domain.NewID[billing.Family](), Municipality: f.m, Payer: g.ID}
		fam.Members = append(fam.Members, billing.Member{ID: domain.NewID[billing.Member](), Municipality: f.m, Family: fam.ID, Child: c.ID, Period: domain.Period{Start: start}})
		if adultName[0] != "" {
			a := f.guardian(t)
			a.GivenName, a.FamilyName = adultName[0], adultName[1]
			require.NoError(t, s.CreateGuardian(ctx, a))
			fam.Members = append(fam.Members, billing.Member{ID: domain.NewID[billing.Member](), Municipality: f.m, Family: fam.ID, Guardian: a.ID, Period: domain.Period{Start: start}})
		}
		require.NoError(t, s.CreateFamily(ctx, fam))
		if f.m == Oslo {
			kids = append(kids, c)
		}
		return fam
	}
	none := [2]string{}
	aase := family(f, [2]string{"Åse", "Ærlig"}, [2]string{"Ola", "Øvrebø"}, none)
	kari := family(f, [2]string{"Kari", "Nordmann"}, none, [2]string{"Per", "Berg"})
	aasmund := family(f, [2]string{"Åsmund", "Ärlig"}, none, none)
	plain := family(f, none, none, none)
	last := family(f, none, none, none)
	fams = []billing.Family{aase, kari, aasmund, plain, last}
	other := family(&fixture{m: Bergen, seq: 100}, [2]string{"Åse", "Ærlig"}, none, none)
	slices.SortFunc(fams, func(x, y billing.Family) int { return x.ID.Compare(y.ID) })

	ids := func(fs []billing.Family) []billing.FamilyID {
		out := []billing.FamilyID{}
		for _, f := range fs {
			out = append(out, f.ID)
		}
		return out
	}
	walk := func(backward bool) []billing.Family {
		var out []billing.Family
		after := billing.FamilyID{}
		for range 5 {
			pg, err := s.FamiliesPage(ctx, Oslo, billing.FamilyQuery{After: after, Backward: backward, Limit: 2})
			require.NoError(t, err)
			out = append(out, pg...)
			if len(pg) < 2 {
				break
			}
			after = pg[len(pg)-1].ID
		}
		return out
	}
	forward := walk(false)
	assert.Equal(t, ids(fams), ids(forward), "every family once in ID order, the other municipality's never")
	for _, got := range forward {
		i := slices.IndexFunc(fams, func(f billing.Family) bool { return f.ID == got.ID })
		assert.Len(t, got.Members, len(fams[i].Members), "with its members")
		assert.Equal(t, fams[i].Payer, got.Payer)
	}
	back := walk(true)
	slices.Reverse(back)
	assert.Equal(t, ids(fams), ids(back), "backward: newest first")
	pg, err := s.FamiliesPage(ctx, Oslo, billing.FamilyQuery{After: fams[3].ID, Backward: true, Limit: 2})
	require.NoError(t, err)
	assert.Equal(t, []billing.FamilyID{fams[2].ID, fams[1].ID}, ids(pg), "backward from a key")

	search := func(q string) []billing.FamilyID {
		t.Helper()
		pg, err := s.FamiliesPage(ctx, Oslo, billing.FamilyQuery{Search: q, Limit: 10})
		require.NoError(t, err)
		c, err := s.CountFamilies(ctx, Oslo, q)
		require.NoError(t, err)
		assert.Equal(t, len(pg), c.Matching, "counted as found: %q", q)
		return ids(pg)
	}
	one := func(f billing.Family) []billing.FamilyID { return []billing.FamilyID{f.ID} }
	assert.Equal(t, one(aase), search("ÆRLIG"), "Æ finds Æ ignoring case; Ä is not Æ")
	assert.Equal(t, one(aase), search("øvrebø ola"), "a child's name finds the family")
	assert.Equal(t, one(kari), search("per BERG"), "another adult's name")
	assert.Equal(t, one(aasmund), search("ärlig"))
	assert.Empty(t, search("ærlig øvrebø"), "every word in one person's name")
	nid := kids[3].NationalID.String()
	assert.Equal(t, one(plain), search(nid[:6]+" "+nid[6:]), "the national ID, spaces left out")
	assert.Len(t, search(""), 5)

	c, err := s.CountFamilies(ctx, Oslo, "")
	require.NoError(t, err)
	assert.Equal(t, billing.FamilyCounts{Families: 5, Children: 5, Matching: 5}, c)
	c, err = s.CountFamilies(ctx, Bergen, "ærlig")
	require.NoError(t, err)
	assert.Equal(t, billing.FamilyCounts{Families: 1, Children: 1, Matching: 1}, c)
	got, err := s.FamiliesPage(ctx, Bergen, billing.FamilyQuery{Search: "ærlig", Limit: 10})
	require.NoError(t, err)
	assert.Equal(t, one(other), ids(got))
}
