package domain_test

import (
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"

	"github.com/oppvekst/oppvekst/domain"
)

func TestRegistryNoticeValidate(t *testing.T) {
	ok := domain.RegistryNotice{Municipality: "0301", Sequence: 4, Kind: domain.NoticeMovedOut,
		Child: domain.NewID[domain.Child](), ToMunicipality: "4601", Recorded: time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)}
	assert.NoError(t, ok.Validate())
	for field, mutate := range map[string]func(n *domain.RegistryNotice){
		"municipality":   func(n *domain.RegistryNotice) { n.Municipality = "12" },
		"sequence":       func(n *domain.RegistryNotice) { n.Sequence = 0 },
		"kind":           func(n *domain.RegistryNotice) { n.Kind = "offer.sent" },
		"child":          func(n *domain.RegistryNotice) { n.Child = domain.ChildID{} },
		"toMunicipality": func(n *domain.RegistryNotice) { n.ToMunicipality = "Bergen" },
		"recorded":       func(n *domain.RegistryNotice) { n.Recorded = time.Time{} },
	} {
		n := ok
		mutate(&n)
		assert.Equal(t, field, domain.FieldOf(n.Validate()), field)
	}
}

func TestRegisterPerson(t *testing.T) {
	mother, err := domain.ParseNationalID("02868810281")
	assert.NoError(t, err)
	father, err := domain.ParseNationalID("23918610057")
	assert.NoError(t, err)
	p := domain.RegisterPerson{Parents: []domain.RegisterParent{
		{NationalID: mother, Role: domain.RoleMother, Responsibility: domain.ResponsibilitySole, LivesWith: true},
		{NationalID: father, Role: domain.RoleFather},
	}}
	got, ok := p.Parent(father)
	assert.True(t, ok)
	assert.False(t, got.Responsibility.Holds(), "a father without responsibility")
	got, _ = p.Parent(mother)
	assert.True(t, got.Responsibility.Holds())
	assert.True(t, domain.ResponsibilityShared.Holds())
	_, ok = p.Parent(domain.NationalID{})
	assert.False(t, ok)
	assert.False(t, p.Dead())
	p.DeathDate = date.New(2026, 10, 30)
	assert.True(t, p.Dead())
}
