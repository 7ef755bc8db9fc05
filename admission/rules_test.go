package admission

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
)

func TestStoreRules(t *testing.T) {
	a := Application{ID: domain.NewID[Application](), Intake: domain.NewID[Intake](), Child: domain.NewID[domain.Child]()}
	o := Offer{ID: domain.NewID[Offer](), Intake: a.Intake, Application: a.ID, Child: a.Child, Unit: domain.NewID[domain.Unit](),
		Status: OfferOpen}
	require.NoError(t, CheckOffer(o, a))
	for _, edit := range []func(*Offer){
		func(x *Offer) { x.Intake = domain.NewID[Intake]() },
		func(x *Offer) { x.Child = domain.NewID[domain.Child]() },
	} {
		x := o
		edit(&x)
		err := CheckOffer(x, a)
		assert.ErrorIs(t, err, domain.ErrInvalid)
		assert.Equal(t, "application", domain.FieldOf(err))
	}

	answered := o
	answered.Status = OfferAccepted
	require.NoError(t, CheckAnswer(o, answered))
	err := CheckAnswer(answered, answered)
	assert.ErrorIs(t, err, domain.ErrConflict, "only an open offer changes")
	assert.Equal(t, "status", domain.FieldOf(err))
	moved := answered
	moved.Unit = domain.NewID[domain.Unit]()
	err = CheckAnswer(o, moved)
	assert.ErrorIs(t, err, domain.ErrInvalid)
	assert.Equal(t, "application", domain.FieldOf(err))

	b := a
	require.NoError(t, CheckApplicationUpdate(a, b))
	b.Child = domain.NewID[domain.Child]()
	err = CheckApplicationUpdate(a, b)
	assert.ErrorIs(t, err, domain.ErrInvalid)
	assert.Equal(t, "intake", domain.FieldOf(err))

	now := time.Date(2025, 3, 1, 9, 0, 0, 0, domain.Oslo())
	r := Run{ID: domain.NewID[Run]()}
	_, err = r.Approve(time.Time{}, "x")
	assert.ErrorIs(t, err, domain.ErrInvalid)
	_, err = r.Approve(now, "")
	assert.ErrorIs(t, err, domain.ErrInvalid)
	approved, err := r.Approve(now, "saksbehandler")
	require.NoError(t, err)
	assert.True(t, approved.IsApproved())
	assert.Equal(t, "saksbehandler", approved.ApprovedBy)
	assert.False(t, r.IsApproved(), "a copy")
	_, err = approved.Approve(now, "x")
	assert.ErrorIs(t, err, domain.ErrConflict)
	assert.Equal(t, "approved", domain.FieldOf(err))
}
