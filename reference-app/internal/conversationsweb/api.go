package conversationsweb

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/conversations"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

func (a *app) routes() []web.Route {
	day := map[string]string{"date": "the day (YYYY-MM-DD); today when absent"}
	return []web.Route{
		{Method: "POST", Path: apiBase + "/rounds", Kind: web.KindAPI, Policy: web.PolicyLoggedIn, Status: http.StatusCreated,
			Summary: "Publish a round of conversation slots for a group (staff of the group's unit); every child placed in the group on the first slot's day is in it", Body: PublishRequest{}, Response: RoundView{}, Handle: a.apiPublish},
		{Method: "GET", Path: apiBase + "/units/{unitId}/day", Kind: web.KindAPI, Policy: web.PolicyStaff, Query: day,
			Summary: "The unit's conversation slots of a day with their bookings, by start (staff of the unit)", Response: []DayView{}, Handle: a.apiDay},
		{Method: "GET", Path: apiBase + "/offers", Kind: web.KindAPI, Policy: web.PolicyGuardian,
			Summary: "The open rounds of the children the guardian has parental responsibility for: the slots, free or not, and the child's bookings the guardian sees", Response: []conversations.Offer{}, Handle: a.apiOffers},
		{Method: "POST", Path: apiBase + "/bookings", Kind: web.KindAPI, Policy: web.PolicyLoggedIn, Status: http.StatusCreated,
			Summary: "Book a slot for a child (a guardian with parental responsibility): the joint conversation, or a separate one; a slot taken meanwhile is 409 (conversation-slot-taken); anyone but a guardian is refused (403), a guardian without parental responsibility finds nothing (404)", Body: BookRequest{}, Response: conversations.Booking{}, Handle: a.apiBook},
		{Method: "POST", Path: apiBase + "/bookings/{bookingId}/move", Kind: web.KindAPI, Policy: web.PolicyLoggedIn,
			Summary: "Move a booking to another slot of its round; a slot taken meanwhile is 409; anyone but a guardian is refused (403)", Body: MoveRequest{}, Response: conversations.Booking{}, Handle: a.apiMove},
		{Method: "POST", Path: apiBase + "/bookings/{bookingId}/cancel", Kind: web.KindAPI, Policy: web.PolicyLoggedIn,
			Summary: "Cancel a booking whose slot has not passed (the body is {}); anyone but a guardian is refused (403)", Body: CancelRequest{}, Response: CancelView{}, Handle: a.apiCancel},
		{Method: "GET", Path: pageBase, Kind: web.KindPage, Policy: web.PolicyGuardian, Handle: a.offersPage},
		{Method: "POST", Path: pageBase + "/book", Kind: web.KindPage, Policy: web.PolicyGuardian, Handle: a.bookSubmit},
		{Method: "POST", Path: pageBase + "/bookings/{bookingId}/move", Kind: web.KindPage, Policy: web.PolicyGuardian, Handle: a.moveSubmit},
		{Method: "POST", Path: pageBase + "/bookings/{bookingId}/cancel", Kind: web.KindPage, Policy: web.PolicyGuardian, Handle: a.cancelSubmit},
		{Method: "GET", Path: pageBase + "/day", Kind: web.KindPage, Policy: web.PolicyStaff, Handle: a.dayPage},
		{Method: "GET", Path: pageBase + "/new", Kind: web.KindPage, Policy: web.PolicyStaff, Handle: a.newPage},
		{Method: "POST", Path: pageBase + "/new", Kind: web.KindPage, Policy: web.PolicyStaff, Handle: a.newSubmit},
	}
}

// PublishRequest publishes a round: the group, what and where, the
// length of each conversation, the slots' starts (or, when Starts is
// empty, Days with the first and last start From and To, "HH:MM", one
// slot every Minutes) and the last day to book (optional).
type PublishRequest struct {
	Group   domain.GroupID     `json:"group"`
	Kind    conversations.Kind `json:"kind"`
	Title   string             `json:"title"`
	Place   string             `json:"place,omitempty"`
	Link    string             `json:"link,omitempty"`
	Minutes int                `json:"minutes"`
	Starts  []time.Time        `json:"starts,omitempty"`
	Days    []date.Date        `json:"days,omitempty"`
	From    string             `json:"from,omitempty"`
	To      string             `json:"to,omitempty"`
	BookBy  date.Date          `json:"bookBy,omitzero"`
}

// RoundView is a published round with its slots.
type RoundView struct {
	Round conversations.Round  `json:"round"`
	Slots []conversations.Slot `json:"slots"`
}

// DayView is a slot of the day with the booked child's name.
type DayView struct {
	conversations.DayItem
	ChildName string `json:"childName,omitempty"`
	// Time is the slot's start and end as the page writes them.
	Time string `json:"-"`
}

// BookRequest books a slot for a child.
type BookRequest struct {
	Round    conversations.RoundID `json:"round"`
	Slot     conversations.SlotID  `json:"slot"`
	Child    domain.ChildID        `json:"child"`
	Separate bool                  `json:"separate,omitempty"`
}

// MoveRequest moves a booking to another slot.
type MoveRequest struct {
	Slot conversations.SlotID `json:"slot"`
}

// CancelRequest cancels a booking; it has no fields.
type CancelRequest struct{}

// CancelView answers a cancellation.
type CancelView struct {
	Cancelled conversations.BookingID `json:"cancelled"`
}

// clock parses "HH:MM".
func clock(field, s string) (int, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, domain.Invalid(field, ReasonNotATime)
	}
	return t.Hour()*60 + t.Minute(), nil
}

// starts are the slots' starts on the days from the first to the last
// start, one every minutes.
func starts(days []date.Date, from, to string, minutes int) ([]time.Time, error) {
	var p domain.Problems
	f, err := clock("from", from)
	p.Merge("", err)
	l, err := clock("to", to)
	p.Merge("", err)
	if len(days) == 0 {
		p.Add("days", conversations.ReasonRequired)
	}
	if minutes < conversations.MinMinutes || minutes > conversations.MaxMinutes {
		p.Add("minutes", conversations.ReasonOutOfRange, "min", fmt.Sprint(conversations.MinMinutes), "max", fmt.Sprint(conversations.MaxMinutes))
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if l < f {
		return nil, domain.Invalid("to", ReasonToBeforeFrom)
	}
	var out []time.Time
	for _, d := range days {
		y, m, dd := d.Date()
		for t := f; t <= l && len(out) <= conversations.MaxSlots; t += minutes {
			out = append(out, time.Date(y, m, dd, t/60, t%60, 0, 0, domain.Oslo()))
		}
	}
	return out, nil
}

// publish publishes a round for the group's children placed on the first
// slot's day.
func (a *app) publish(ctx context.Context, c *web.Call, req PublishRequest) (RoundView, error) {
	s, err := Service(a.App)
	if err != nil {
		return RoundView{}, err
	}
	sts := req.Starts
	if len(sts) == 0 {
		if sts, err = starts(req.Days, req.From, req.To, req.Minutes); err != nil {
			return RoundView{}, err
		}
	}
	r := conversations.Round{Group: req.Group, Kind: req.Kind, Title: req.Title, Place: req.Place, Link: req.Link, Minutes: req.Minutes, BookBy: req.BookBy}
	if g, err := a.Store.Group(ctx, c.Actor.Municipality, req.Group); err == nil && len(sts) > 0 && c.Actor.WorksAt(g.UnitID) {
		first := slices.MinFunc(sts, func(x, y time.Time) int { return x.Compare(y) })
		day := conversations.Day(first)
		ps, err := a.Store.UnitPlacements(ctx, c.Actor.Municipality, g.UnitID, domain.Period{Start: day, End: day})
		if err != nil {
			return RoundView{}, err
		}
		for _, p := range ps {
			if p.GroupID == g.ID && !slices.Contains(r.Children, p.ChildID) {
				r.Children = append(r.Children, p.ChildID)
			}
		}
		if len(r.Children) == 0 {
			return RoundView{}, domain.Invalid("group", ReasonNoChildren)
		}
	}
	r, slots, err := s.Publish(ctx, c.Actor, r, sts)
	if err != nil {
		return RoundView{}, err
	}
	return RoundView{Round: r, Slots: slots}, nil
}

func (a *app) apiPublish(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req PublishRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	v, err := a.publish(r.Context(), c, req)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, v)
	return nil
}

// day lists the unit's slots of the day with the booked children's names.
func (a *app) day(ctx context.Context, c *web.Call, unit domain.UnitID, d date.Date) ([]DayView, error) {
	s, err := Service(a.App)
	if err != nil {
		return nil, err
	}
	items, err := s.Day(ctx, c.Actor, unit, d)
	if err != nil {
		return nil, err
	}
	var ids []domain.ChildID
	for _, it := range items {
		if it.Booking != nil {
			ids = append(ids, it.Booking.Child)
		}
	}
	names, err := a.childNames(ctx, c.Actor.Municipality, ids)
	if err != nil {
		return nil, err
	}
	out := make([]DayView, 0, len(items))
	for _, it := range items {
		v := DayView{DayItem: it, Time: c.Lang.Clock(it.Slot.Start) + "–" + c.Lang.Clock(it.Slot.End(it.Round.Minutes))}
		if it.Booking != nil {
			v.ChildName = names[it.Booking.Child]
		}
		out = append(out, v)
	}
	return out, nil
}

// childNames are the children's names, read in one call
// (DirectoryReader.ChildrenByID), so that a day of many bookings costs no
// more store calls than a day of few.
func (a *app) childNames(ctx context.Context, m domain.Municipality, ids []domain.ChildID) (map[domain.ChildID]string, error) {
	names := make(map[domain.ChildID]string, len(ids))
	if len(ids) == 0 {
		return names, nil
	}
	cs, err := a.Store.ChildrenByID(ctx, m, ids)
	if err != nil {
		return nil, err
	}
	for _, ch := range cs {
		names[ch.ID] = ch.GivenName + " " + ch.FamilyName
	}
	return names, nil
}

// dayOf is the ?date= of the request, today when absent.
func (a *app) dayOf(r *http.Request) (date.Date, error) {
	s := r.URL.Query().Get("date")
	if s == "" {
		return domain.Today(a.Clock), nil
	}
	return domain.ParseDate("date", s)
}

func (a *app) apiDay(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	d, err := a.dayOf(r)
	if err != nil {
		return err
	}
	vs, err := a.day(r.Context(), c, c.UnitID, d)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, vs)
	return nil
}

func (a *app) apiOffers(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	s, err := Service(a.App)
	if err != nil {
		return err
	}
	os, err := s.ForGuardian(r.Context(), c.Actor)
	if err != nil {
		return err
	}
	if os == nil {
		os = []conversations.Offer{}
	}
	api.WriteJSON(w, http.StatusOK, os)
	return nil
}

func (a *app) apiBook(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req BookRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := guardianOnly(c); err != nil {
		return err
	}
	s, err := Service(a.App)
	if err != nil {
		return err
	}
	b, err := s.Book(r.Context(), c.Actor, req.Round, req.Slot, req.Child, req.Separate)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, b)
	return nil
}

// guardianOnly refuses (403) whoever is not a guardian on the booking
// routes of the API, after the body is read as on every API POST (the
// routes admit anyone logged in, as POST /api/v1/calendar/feed does): only
// a guardian books, and a guardian without parental responsibility for
// the child is answered 404 by the service, not even told the booking
// exists.
func guardianOnly(c *web.Call) error {
	if c.Actor.Role != domain.RoleGuardian {
		return fmt.Errorf("conversationsweb: only a guardian books: %w", domain.ErrForbidden)
	}
	return nil
}

func bookingID(r *http.Request) (conversations.BookingID, error) {
	id, err := api.PathID[conversations.Booking](r, "bookingId")
	if err != nil {
		return conversations.BookingID{}, fmt.Errorf("conversationsweb: booking: %w", domain.ErrNotFound)
	}
	return id, nil
}

func (a *app) apiMove(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := bookingID(r)
	if err != nil {
		return err
	}
	var req MoveRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := guardianOnly(c); err != nil {
		return err
	}
	s, err := Service(a.App)
	if err != nil {
		return err
	}
	b, err := s.Move(r.Context(), c.Actor, id, req.Slot)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, b)
	return nil
}

func (a *app) apiCancel(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := bookingID(r)
	if err != nil {
		return err
	}
	var req CancelRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := guardianOnly(c); err != nil {
		return err
	}
	s, err := Service(a.App)
	if err != nil {
		return err
	}
	if err := s.Cancel(r.Context(), c.Actor, id); err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, CancelView{Cancelled: id})
	return nil
}
