package billing

import (
	"testing"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

func TestStoreRules(t *testing.T) {
	fam := domain.NewID[Family]()
	child := domain.NewID[domain.Child]()
	member := func(start, end date.Date) Member {
		return Member{ID: domain.NewID[Member](), Family: fam, Child: child, Period: domain.Period{Start: start, End: end}}
	}
	spring := member(date.New(2024, 1, 1), date.New(2024, 6, 30))
	autumn := member(date.New(2024, 7, 1), date.Zero)
	require.NoError(t, CheckMembers([]Member{spring, autumn}), "one after the other")
	summer := member(date.New(2024, 6, 1), date.New(2024, 8, 31))
	err := CheckMembers([]Member{spring, autumn, summer})
	assert.ErrorIs(t, err, domain.ErrConflict)
	assert.Equal(t, "members", domain.FieldOf(err))

	ended := spring
	ended.Period.End = date.New(2024, 3, 31)
	require.NoError(t, CheckMemberUpdate(spring, ended))
	for _, edit := range []func(*Member){
		func(m *Member) { m.Family = domain.NewID[Family]() },
		func(m *Member) { m.Child = domain.NewID[domain.Child]() },
		func(m *Member) { m.Child, m.Guardian = domain.ChildID{}, domain.NewID[domain.Guardian]() },
	} {
		moved := spring
		edit(&moved)
		err := CheckMemberUpdate(spring, moved)
		assert.ErrorIs(t, err, domain.ErrConflict)
		assert.Equal(t, "id", domain.FieldOf(err))
	}

	a, b := domain.NewID[domain.Child](), domain.NewID[domain.Child]()
	if b.Compare(a) < 0 {
		a, b = b, a
	}
	ds := []FeeDecision{
		{ID: domain.NewID[FeeDecision](), Child: b, Kind: domain.Kindergarten, From: Month{2024, 9}},
		{ID: domain.NewID[FeeDecision](), Child: a, Kind: domain.SFO, From: Month{2024, 8}},
		{ID: domain.NewID[FeeDecision](), Child: a, Kind: domain.Kindergarten, From: Month{2024, 10}},
		{ID: domain.NewID[FeeDecision](), Child: a, Kind: domain.Kindergarten, From: Month{2024, 9}},
	}
	want := []domain.ChildID{a, a, a, b}
	wantFrom := []Month{{2024, 9}, {2024, 10}, {2024, 8}, {2024, 9}}
	SortFeeDecisions(ds)
	for i, d := range ds {
		assert.Equal(t, want[i], d.Child, i)
		assert.Equal(t, wantFrom[i], d.From, i)
	}
}
