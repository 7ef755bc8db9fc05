package messagingweb

import (
	"context"
	"strconv"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
)

// urgentStatusView is an urgent message's delivery status on the thread
// page (staff of the unit, the municipality): per guardian the state of
// each medium, why no SMS went, and whether it is read; and the unread
// check, which tells the sender when no guardian read it within the
// municipality's minutes. It is the data of GET
// /api/v1/threads/{threadId}/status (messaging.Service.StatusOf), named
// in the reader's language. Guardians are named as the participants list
// names them (never one with a protected address, never an address).
type urgentStatusView struct {
	Rows []urgentRow
	// Minutes is the unread check's limit; Checked that it has run,
	// Unread that no guardian had read the message by then; DueAt when it
	// runs.
	Minutes         string
	Checked, Unread bool
	DueAt           string
}

type urgentRow struct {
	Name       string
	Read       bool
	ReadAt     string
	Deliveries []urgentDelivery
	// NoSMS says why no SMS went, in the reader's language; empty when
	// one did.
	NoSMS string
}

type urgentDelivery struct {
	Medium, Status, Reason, At string
	Failed                     bool
}

// urgentStatus reads the status of the urgent thread v, audit-logged as
// the API's read is; a thread sent before urgent messages had a record is
// nil.
func (a *app) urgentStatus(ctx context.Context, c *web.Call, v ThreadView) (*urgentStatusView, error) {
	st, err := a.Messaging().StatusOf(ctx, c.Actor, c.Actor.Municipality, v.ID)
	if domain.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	t, err := a.Store.Thread(ctx, c.Actor.Municipality, v.ID)
	if err != nil {
		return nil, err
	}
	if err := a.Audit(ctx, c.Actor, "message.status", "thread/"+v.ID.String(), threadChildren(t)...); err != nil {
		return nil, err
	}
	l := c.Lang
	names := map[domain.GuardianID]string{}
	for _, p := range v.Participants {
		names[p.GuardianID] = p.Name
	}
	u := st.Urgent
	out := &urgentStatusView{Minutes: strconv.Itoa(int(u.DueAt.Sub(u.SentAt).Minutes())), Checked: !u.CheckedAt.IsZero(),
		Unread: u.Unread, DueAt: l.Clock(u.DueAt)}
	for _, r := range st.Recipients {
		row := urgentRow{Name: names[r.Guardian], Read: !r.ReadAt.IsZero()}
		if row.Read {
			row.ReadAt = l.DateTime(r.ReadAt)
		}
		if r.NoSMS != "" {
			row.NoSMS = l.T("messaging.nosms." + r.NoSMS)
		}
		for _, d := range r.Deliveries {
			ud := urgentDelivery{Medium: l.T("messaging.channel." + string(d.Medium)), Status: l.T("messaging.delivery." + d.Status),
				Failed: d.Status == messaging.StatusFailed}
			if !d.At.IsZero() {
				ud.At = l.DateTime(d.At)
			}
			if d.Reason != "" {
				ud.Reason = l.Reason(d.Reason)
			}
			row.Deliveries = append(row.Deliveries, ud)
		}
		out.Rows = append(out.Rows, row)
	}
	return out, nil
}
