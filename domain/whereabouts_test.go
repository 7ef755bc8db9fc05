package domain_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/oppvekst/oppvekst/domain"
)

// A guardian without parental responsibility — with a § 47 request or
// not — learns nothing of where a child with a strengt fortrolig address
// (in Norway or abroad) is; a parent with responsibility, and anyone for a
// child with a lesser protection, is not restricted by this rule.
func TestHidesWhereabouts(t *testing.T) {
	m := domain.MustMunicipality("0301")
	far, mor, stranger := domain.NewID[domain.Guardian](), domain.NewID[domain.Guardian](), domain.NewID[domain.Guardian]()
	for _, p := range []domain.AddressProtection{domain.ProtectionNone, domain.ProtectionFortrolig,
		domain.ProtectionStrengtFortrolig, domain.ProtectionStrengtFortroligUtland} {
		strict := p.Strict()
		assert.Equal(t, strict, domain.Guardianship{InformationRequested: true}.HidesWhereabouts(p), p)
		assert.Equal(t, strict, domain.Guardianship{}.HidesWhereabouts(p), p)
		assert.False(t, domain.Guardianship{ParentalResponsibility: true}.HidesWhereabouts(p), p)

		rec := domain.ChildRecord{Child: domain.Child{AddressProtection: p}, Guardians: []domain.GuardianLink{
			{Guardianship: domain.Guardianship{GuardianID: far, InformationRequested: true}},
			{Guardianship: domain.Guardianship{GuardianID: mor, ParentalResponsibility: true}},
		}}
		assert.Equal(t, strict, rec.HidesWhereaboutsFrom(domain.GuardianActor(m, far)), p)
		assert.False(t, rec.HidesWhereaboutsFrom(domain.GuardianActor(m, mor)), p)
		assert.Equal(t, strict, rec.HidesWhereaboutsFrom(domain.GuardianActor(m, stranger)), "%s: a guardian with no link", p)
		assert.False(t, rec.HidesWhereaboutsFrom(domain.StaffActor(m, "s")), p)
		assert.False(t, rec.HidesWhereaboutsFrom(domain.CaseworkerActor(m, "c")), p)
	}
}

// An actor carries a display name, which is what people read; it is
// checked like any text.
func TestActorName(t *testing.T) {
	m := domain.MustMunicipality("0301")
	a := domain.StaffActor(m, "kari@feide.example").Named("Kari Lærer")
	assert.Equal(t, "Kari Lærer", a.Name)
	assert.Equal(t, "kari@feide.example", a.Subject)
	assert.NoError(t, a.Validate())
	assert.Equal(t, "name", domain.FieldOf(a.Named(strings.Repeat("x", 201)).Validate()))
	assert.Equal(t, "name", domain.FieldOf(a.Named("\xff").Validate()))
}
