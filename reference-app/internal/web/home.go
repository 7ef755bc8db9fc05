package web

import (
	"context"
	"slices"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// The guardian's start page crosses the capabilities (today's attendance,
// offers, messages, invoices), so it is composed here, in the shell, from
// the capabilities' services: each service checks who asks, and the page
// that shows the result writes one audit entry for the children it showed.

// GuardianHome is what waits for a guardian: a card per child, the unread
// messages and the next invoice due.
type GuardianHome struct {
	Cards []HomeCard
	// Unread counts the threads with a message the guardian has not read.
	Unread int
	// Invoice is the next invoice due (from today on), nil when none.
	Invoice *HomeInvoice
	// Children are the children shown, for the audit entry.
	Children []domain.ChildID
}

// HomeCard is one child on the guardian's start page. The national ID is
// never on it: the card shows the birth date.
type HomeCard struct {
	ID                    domain.ChildID
	GivenName, FamilyName string
	BirthDate             string
	// Protected: the child's address is protected (the card says so, as
	// a reminder to take care).
	Protected bool
	// Parent is true for a guardian with parental responsibility; a parent
	// without it (barneloven § 47) sees the name and birth date only.
	Parent bool
	// State is the message key of today's state ("home.state.present", ...);
	// StateText says it in the page's language, with the time of the
	// check-in or check-out or the reason of the absence.
	State, StateText string
	// CanReportSick: placed today, not checked in, not reported absent.
	CanReportSick bool
	Offers        []HomeOffer
	// Unread counts the unread threads about this child.
	Unread int
}

// HomeOffer is an open offer of a place, with its answer deadline.
type HomeOffer struct {
	Unit, Start, Deadline, Href string
}

// HomeInvoice is the next invoice due.
type HomeInvoice struct {
	Amount, Due, KID string
	Number           int64
}

// GuardianHome reads the guardian's start page in the language l.
func (a *App) GuardianHome(ctx context.Context, actor domain.Actor, l Locale) (GuardianHome, error) {
	var h GuardianHome
	children, err := a.VisibleChildren(ctx, actor)
	if err != nil {
		return h, err
	}
	today := domain.Today(a.Clock)
	lang := attendance.Lang(l.Code)
	unitNames := map[domain.UnitID]string{}
	unitName := func(id domain.UnitID) string {
		if n, ok := unitNames[id]; ok {
			return n
		}
		u, err := a.Store.Unit(ctx, actor.Municipality, id)
		if err == nil {
			unitNames[id] = u.Name
		}
		return unitNames[id]
	}
	for _, ch := range children {
		access, _, err := a.DecideChild(ctx, actor, ch.ID)
		if err != nil {
			return h, err
		}
		card := HomeCard{ID: ch.ID, GivenName: ch.GivenName, FamilyName: ch.FamilyName, BirthDate: l.Date(ch.BirthDate), Parent: access == AccessParent}
		card.Protected = card.Parent && ch.AddressProtection.Protected()
		h.Children = append(h.Children, ch.ID)
		if !card.Parent {
			h.Cards = append(h.Cards, card)
			continue
		}
		day, err := a.Attendance().ChildToday(ctx, actor, ch.ID)
		if err != nil {
			return h, err
		}
		switch {
		case !day.Placed:
			card.State = "home.state.noPlace"
			card.StateText = l.T(card.State)
		case day.Status == attendance.Present:
			card.State = "home.state.present"
			card.StateText = l.T(card.State, day.In.In(domain.Oslo()).Format("15:04"))
		case day.Status == attendance.Left:
			card.State = "home.state.left"
			card.StateText = l.T(card.State, day.Out.In(domain.Oslo()).Format("15:04"))
		case day.Status == attendance.Absent && day.Reason == attendance.Sick:
			card.State = "home.state.sick"
			card.StateText = l.T(card.State)
		case day.Status == attendance.Absent:
			card.State = "home.state.absent"
			card.StateText = l.T(card.State, day.Reason.Text(lang))
		default:
			card.State, card.CanReportSick = "home.state.expected", true
			card.StateText = l.T(card.State)
		}
		apps, err := a.Store.ChildApplications(ctx, actor.Municipality, ch.ID)
		if err != nil {
			return h, err
		}
		for _, ap := range apps {
			v, err := a.Admission().View(ctx, actor, ap.ID)
			if err != nil {
				return h, err
			}
			for _, o := range v.Offers {
				if o.Status != admission.OfferOpen {
					continue
				}
				card.Offers = append(card.Offers, HomeOffer{Unit: unitName(o.Unit), Start: l.Date(o.Start),
					Deadline: l.Date(answerDay(o.Deadline)),
					Href:     "/children/" + ch.ID.String() + "/applications/" + ap.ID.String()})
			}
		}
		h.Cards = append(h.Cards, card)
	}
	if err := a.homeMessages(ctx, actor, &h); err != nil {
		return h, err
	}
	return h, a.homeInvoice(ctx, actor, l, today, &h)
}

// homeMessages counts the unread threads, and those about each child.
func (a *App) homeMessages(ctx context.Context, actor domain.Actor, h *GuardianHome) error {
	threads, err := a.Messaging().Inbox(ctx, actor)
	if err != nil {
		return err
	}
	for _, t := range threads {
		unread, err := a.unread(ctx, actor, t)
		if err != nil {
			return err
		}
		if !unread {
			continue
		}
		h.Unread++
		if t.About.Scope != messaging.ScopeChild {
			continue
		}
		for i := range h.Cards {
			if h.Cards[i].ID == t.About.Child {
				h.Cards[i].Unread++
			}
		}
	}
	return nil
}

// unread reports whether a message came after the guardian last read the
// thread, written by someone else.
func (a *App) unread(ctx context.Context, actor domain.Actor, t messaging.Thread) (bool, error) {
	msgs, err := a.Store.Messages(ctx, actor.Municipality, t.ID)
	if err != nil || len(msgs) == 0 {
		return false, err
	}
	last := msgs[len(msgs)-1]
	ps, err := a.Store.Participants(ctx, actor.Municipality, t.ID)
	if err != nil {
		return false, err
	}
	for _, p := range ps {
		if p.Guardian == actor.Guardian {
			return (p.ReadAt.IsZero() || last.CreatedAt.After(p.ReadAt)) && last.Author.Guardian != actor.Guardian, nil
		}
	}
	return false, nil
}

// homeInvoice finds the invoice addressed to the guardian that falls due
// first from today on.
func (a *App) homeInvoice(ctx context.Context, actor domain.Actor, l Locale, today date.Date, h *GuardianHome) error {
	// The guardian's own invoices, read by the payer (not every month's
	// invoices of the municipality).
	invs, err := a.Billing().GuardianInvoices(ctx, actor)
	if err != nil {
		return err
	}
	var next *billing.Invoice
	for _, inv := range invs {
		if inv.Due < today || !inv.Total.IsPositive() {
			continue
		}
		if next == nil || inv.Due < next.Due || (inv.Due == next.Due && inv.Number < next.Number) {
			next = &inv
		}
	}
	if next == nil {
		return nil
	}
	h.Invoice = &HomeInvoice{Amount: domain.FormatNOK(next.Total), Due: l.Date(next.Due), KID: next.KID, Number: next.Number}
	for _, ln := range next.Lines {
		if !slices.Contains(h.Children, ln.Child) {
			h.Children = append(h.Children, ln.Child)
		}
	}
	return nil
}

// answerDay is the last day to answer by a deadline instant: a deadline at
// midnight ends the day before.
func answerDay(t time.Time) date.Date {
	t = t.In(domain.Oslo())
	d := date.NewAt(t)
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		d = d.AddDate(0, 0, -1)
	}
	return d
}
