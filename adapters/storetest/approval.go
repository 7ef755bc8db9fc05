package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/domain"
)

// testApproval runs the approval cases, each on a new store.
func testApproval(t *testing.T, newStore func(t *testing.T) AdmissionStore) {
	testApprovalPreviewAndReason(t, newStore(t))
	testApprovalAfterDeadline(t, newStore(t))
}

// testApprovalPreviewAndReason: the preview says what approving would
// send, and an approval on or before the application deadline without a
// reason is refused with nothing sent; with one it sends what the preview
// said.
func testApprovalPreviewAndReason(t *testing.T, s AdmissionStore) {
	w := newWorld(t, s)
	in, _, _, _ := w.round() // five children, three places
	run, err := w.svc.RunWithReason(w.ctx, w.case_, in.ID, 1, earlyRun)
	require.NoError(t, err)

	_, err = w.svc.PreviewApproval(w.ctx, w.parent(w.child(large)), run.ID)
	assert.ErrorIs(t, err, domain.ErrForbidden, "a guardian sees no preview")
	p, err := w.svc.PreviewApproval(w.ctx, w.case_, run.ID)
	require.NoError(t, err)
	assert.Equal(t, 3, p.Offers)
	assert.Equal(t, 5, p.Letters)
	assert.Equal(t, 2, p.Unplaced)
	assert.True(t, p.BeforeDeadline)
	assert.Equal(t, in.Deadline, p.ApplicationDeadline)
	assert.Equal(t, date.New(2025, time.February, 10).AddDate(0, 0, in.AnswerDays), p.AnswerBy)

	for _, reason := range []string{"", "   "} {
		_, err = w.svc.ApproveWithReason(w.ctx, w.case_, run.ID, reason)
		var ve *domain.ValidationError
		require.True(t, errors.As(err, &ve), "refused: %v", err)
		assert.Equal(t, "reason", ve.Fields[0].Field)
		assert.Equal(t, admission.ReasonApproveBeforeDeadline, ve.Fields[0].Reason)
	}
	assert.Zero(t, countOffers(t, w.ctx, s, in.ID), "nothing sent")
	assert.Empty(t, w.notices.list, "no notice")
	stored, err := s.Run(w.ctx, Oslo, run.ID)
	require.NoError(t, err)
	assert.False(t, stored.IsApproved())

	offers, err := w.svc.ApproveWithReason(w.ctx, w.case_, run.ID, "The board decided to answer families early")
	require.NoError(t, err)
	assert.Len(t, offers, p.Offers)
	for _, o := range offers {
		assert.Equal(t, p.AnswerBy, date.NewAt(o.Deadline.In(domain.Oslo())).AddDate(0, 0, -1), "the answer deadline previewed")
	}
	done, err := w.svc.PreviewApproval(w.ctx, w.case_, run.ID)
	require.NoError(t, err)
	assert.False(t, done.Approved.IsZero(), "approved: the preview says what the approval did")
	assert.Equal(t, p.Offers, done.Offers)
	assert.Equal(t, p.AnswerBy, done.AnswerBy)
	assert.False(t, done.BeforeDeadline)
}

// testApprovalAfterDeadline: after the application deadline no reason is
// needed.
func testApprovalAfterDeadline(t *testing.T, s AdmissionStore) {
	w := newWorld(t, s)
	in, _, _, _ := w.round()
	w.clock.set(time.Date(in.Deadline.Year(), in.Deadline.Month(), in.Deadline.Day()+1, 9, 0, 0, 0, domain.Oslo()))
	run, err := w.svc.Run(w.ctx, w.case_, in.ID, 1)
	require.NoError(t, err)
	p, err := w.svc.PreviewApproval(w.ctx, w.case_, run.ID)
	require.NoError(t, err)
	assert.False(t, p.BeforeDeadline)
	offers, err := w.svc.Approve(w.ctx, w.case_, run.ID)
	require.NoError(t, err)
	assert.Len(t, offers, 3)
}
