package conversations

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// Notice kinds the Service raises through its Notifier (messaging has
// their templates in nb, nn and en). Each goes to one guardian
// (domain.Notice.Guardian) about one child; messaging fills in the
// child's given name.
//
//   - KindTomorrow "conversation.tomorrow": a booked conversation is
//     tomorrow. Data "title", "date" (YYYY-MM-DD), "time" (HH:MM),
//     "place" and "link" (either may be empty).
//   - KindUnbooked "conversation.unbooked": the round's last day to book
//     has come and the child has no booking. Data "title" and "bookBy"
//     (YYYY-MM-DD).
const (
	KindTomorrow = "conversation.tomorrow"
	KindUnbooked = "conversation.unbooked"
)

// Audit actions of the Service (domain.AuditEntry.Action); the entry's
// Record is "conversation/<round ID>" and its child the child booked for.
const (
	AuditRead  = "conversation.read"
	AuditWrite = "conversation.write"
)

// Service publishes rounds and books conversations on a store. See the
// package documentation for who may do what.
type Service struct {
	Store ServiceStore
	Clock domain.Clock
	// Notifier receives KindTomorrow and KindUnbooked; nil raises none.
	Notifier domain.Notifier
}

func (s *Service) now() time.Time {
	if s.Clock == nil {
		return domain.SystemClock{}.Now()
	}
	return s.Clock.Now().In(domain.Oslo())
}

func (s *Service) today() date.Date { return Day(s.now()) }

func forbidden(why string) error {
	return fmt.Errorf("conversations: %s: %w", why, domain.ErrForbidden)
}

func notFound(what string) error {
	return fmt.Errorf("conversations: %s: %w", what, domain.ErrNotFound)
}

func (s *Service) audit(ctx context.Context, a domain.Actor, action string, child domain.ChildID, r RoundID) error {
	return s.Store.AppendAudit(ctx, domain.NewAuditEntry(a, s.now(), action, child, "conversation/"+r.String()))
}

// staffOf reports whether the actor is staff working at the unit.
func staffOf(a domain.Actor, unit domain.UnitID) bool {
	return a.Validate() == nil && a.Role == domain.RoleStaff && a.WorksAt(unit)
}

// responsible reports whether the actor is a guardian with parental
// responsibility for the child.
func (s *Service) responsible(ctx context.Context, a domain.Actor, child domain.ChildID) (bool, error) {
	if a.Validate() != nil || a.Role != domain.RoleGuardian {
		return false, nil
	}
	gs, err := s.Store.Guardianships(ctx, a.Municipality, child)
	if err != nil {
		if domain.IsNotFound(err) {
			return false, nil
		}
		return false, err
	}
	return slices.ContainsFunc(gs, func(g domain.Guardianship) bool {
		return g.GuardianID == a.Guardian && g.ParentalResponsibility
	}), nil
}

// Visible reports whether a guardian (by ID) sees a booking: the joint
// booking is every responsible guardian's, a separate one its guardian's.
func Visible(b Booking, g domain.GuardianID) bool { return !b.Separate || b.Guardian == g }

// Publish stores a round with a slot at each start (sorted), for staff
// working at the group's unit. The round gets an ID, the group's unit,
// the publisher and the time; each child must be placed in the group on
// the day of the first slot, and every slot must start after now.
func (s *Service) Publish(ctx context.Context, a domain.Actor, r Round, starts []time.Time) (Round, []Slot, error) {
	if a.Validate() != nil || a.Role != domain.RoleStaff {
		return Round{}, nil, forbidden("only staff publish conversations")
	}
	g, err := s.Store.Group(ctx, a.Municipality, r.Group)
	if err != nil {
		if domain.IsNotFound(err) {
			return Round{}, nil, domain.Invalid("group", ReasonNoSuchGroup)
		}
		return Round{}, nil, err
	}
	if !staffOf(a, g.UnitID) {
		return Round{}, nil, forbidden("only staff of the group's unit publish its conversations")
	}
	now := s.now()
	r.ID, r.Municipality, r.Unit = domain.NewID[Round](), a.Municipality, g.UnitID
	r.PublishedBy, r.PublishedAt = a.Subject, now
	starts = slices.Clone(starts)
	slices.SortFunc(starts, func(x, y time.Time) int { return x.Compare(y) })
	slots := make([]Slot, len(starts))
	for i, st := range starts {
		slots[i] = Slot{ID: domain.NewID[Slot](), Municipality: r.Municipality, Round: r.ID, Start: st.In(domain.Oslo())}
	}
	var p domain.Problems
	p.Merge("", r.Validate())
	p.Merge("", CheckSlots(r, slots))
	for i, sl := range slots {
		if !sl.Start.IsZero() && !sl.Start.After(now) {
			p.Add(fmt.Sprintf("slots[%d]", i), ReasonSlotPassed)
		}
	}
	if err := p.Err(); err != nil {
		return Round{}, nil, err
	}
	first := Day(slots[0].Start)
	for i, c := range r.Children {
		ps, err := s.Store.Placements(ctx, r.Municipality, c)
		if err != nil && !domain.IsNotFound(err) {
			return Round{}, nil, err
		}
		if !slices.ContainsFunc(ps, func(pl domain.Placement) bool { return pl.GroupID == g.ID && pl.Period.Contains(first) }) {
			p.Add(fmt.Sprintf("children[%d]", i), ReasonNotInGroup)
		}
	}
	if err := p.Err(); err != nil {
		return Round{}, nil, err
	}
	err = s.Store.Atomic(ctx, func(ctx context.Context) error { return s.Store.CreateRound(ctx, r, slots) })
	if err != nil {
		return Round{}, nil, err
	}
	return r, slots, nil
}

// Rounds lists the rounds of a unit not yet over, for its staff.
func (s *Service) Rounds(ctx context.Context, a domain.Actor, unit domain.UnitID) ([]Round, error) {
	if !staffOf(a, unit) {
		return nil, forbidden("only staff of the unit see its conversations")
	}
	return s.Store.Rounds(ctx, a.Municipality, unit, s.today())
}

// DayItem is one slot of a staff member's day, with its booking (nil
// when free).
type DayItem struct {
	Round   Round    `json:"round"`
	Slot    Slot     `json:"slot"`
	Booking *Booking `json:"booking,omitempty"`
}

// Day lists the unit's slots on the day by start, with their bookings,
// for staff working at the unit. Each child booked is audit-logged.
func (s *Service) Day(ctx context.Context, a domain.Actor, unit domain.UnitID, day date.Date) ([]DayItem, error) {
	if !staffOf(a, unit) {
		return nil, forbidden("only staff of the unit see its day")
	}
	rs, err := s.Store.Rounds(ctx, a.Municipality, unit, day)
	if err != nil {
		return nil, err
	}
	var out []DayItem
	for _, r := range rs {
		slots, err := s.Store.Slots(ctx, r.Municipality, r.ID)
		if err != nil {
			return nil, err
		}
		bs, err := s.Store.Bookings(ctx, r.Municipality, r.ID)
		if err != nil {
			return nil, err
		}
		for _, sl := range slots {
			if Day(sl.Start) != day {
				continue
			}
			it := DayItem{Round: r, Slot: sl}
			if i := slices.IndexFunc(bs, func(b Booking) bool { return b.Slot == sl.ID }); i >= 0 {
				b := bs[i]
				it.Booking = &b
			}
			out = append(out, it)
		}
	}
	slices.SortStableFunc(out, func(x, y DayItem) int { return x.Slot.Start.Compare(y.Slot.Start) })
	if err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		for _, it := range out {
			if it.Booking != nil {
				if err := s.audit(ctx, a, AuditRead, it.Booking.Child, it.Round.ID); err != nil {
					return err
				}
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// SlotView is a slot as a guardian sees it: free or not, never who took it.
type SlotView struct {
	Slot Slot `json:"slot"`
	Free bool `json:"free"`
}

// Offer is a round a guardian books in for one child: its slots and the
// child's bookings the guardian sees.
type Offer struct {
	Child    domain.ChildID `json:"child"`
	Round    Round          `json:"round"`
	Slots    []SlotView     `json:"slots"`
	Bookings []Booking      `json:"bookings"`
}

// Booked returns the guardian's booking in the offer: the separate one
// when separate, the joint one otherwise.
func (o Offer) Booked(g domain.GuardianID, separate bool) (Booking, bool) {
	for _, b := range o.Bookings {
		if b.Separate == separate && (!separate || b.Guardian == g) {
			return b, true
		}
	}
	return Booking{}, false
}

// ForGuardian lists, for a guardian, the rounds not yet over of each child
// the guardian has parental responsibility for, by child and round. Each
// child's rounds read are audit-logged. A guardian without parental
// responsibility gets nothing.
func (s *Service) ForGuardian(ctx context.Context, a domain.Actor) ([]Offer, error) {
	if a.Validate() != nil || a.Role != domain.RoleGuardian {
		return nil, forbidden("only guardians book conversations")
	}
	wards, err := s.Store.Wards(ctx, a.Municipality, a.Guardian)
	if err != nil {
		return nil, err
	}
	today := s.today()
	var out []Offer
	for _, w := range wards {
		if !w.ParentalResponsibility {
			continue
		}
		rs, err := s.Store.ChildRounds(ctx, a.Municipality, w.ChildID, today)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			o, err := s.offer(ctx, a, r, w.ChildID)
			if err != nil {
				return nil, err
			}
			out = append(out, o)
		}
	}
	if err := s.Store.Atomic(ctx, func(ctx context.Context) error {
		for _, o := range out {
			if err := s.audit(ctx, a, AuditRead, o.Child, o.Round.ID); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) offer(ctx context.Context, a domain.Actor, r Round, child domain.ChildID) (Offer, error) {
	slots, err := s.Store.Slots(ctx, r.Municipality, r.ID)
	if err != nil {
		return Offer{}, err
	}
	bs, err := s.Store.Bookings(ctx, r.Municipality, r.ID)
	if err != nil {
		return Offer{}, err
	}
	o := Offer{Child: child, Round: r, Slots: make([]SlotView, len(slots)), Bookings: []Booking{}}
	for i, sl := range slots {
		o.Slots[i] = SlotView{Slot: sl, Free: !slices.ContainsFunc(bs, func(b Booking) bool { return b.Slot == sl.ID })}
	}
	for _, b := range bs {
		if b.Child == child && Visible(b, a.Guardian) {
			o.Bookings = append(o.Bookings, b)
		}
	}
	return o, nil
}

// roundFor reads a round for a guardian with parental responsibility for
// a child in it; domain.ErrNotFound for anyone else.
func (s *Service) roundFor(ctx context.Context, a domain.Actor, id RoundID, child domain.ChildID) (Round, error) {
	ok, err := s.responsible(ctx, a, child)
	if err != nil {
		return Round{}, err
	}
	if !ok {
		return Round{}, notFound("round")
	}
	r, err := s.Store.Round(ctx, a.Municipality, id)
	if err != nil {
		return Round{}, err
	}
	if !r.Has(child) {
		return Round{}, notFound("round")
	}
	return r, nil
}

// slotFor finds a bookable slot of the round: it exists and starts after now.
func (s *Service) slotFor(ctx context.Context, r Round, id SlotID) (Slot, error) {
	slots, err := s.Store.Slots(ctx, r.Municipality, r.ID)
	if err != nil {
		return Slot{}, err
	}
	i := slices.IndexFunc(slots, func(sl Slot) bool { return sl.ID == id })
	if i < 0 {
		return Slot{}, domain.Invalid("slot", ReasonNoSuchSlot)
	}
	if !slots[i].Start.After(s.now()) {
		return Slot{}, domain.Invalid("slot", ReasonSlotPassed)
	}
	return slots[i], nil
}

// Book books a slot of a round for a child, by a guardian with parental
// responsibility: the joint booking, or a separate conversation for the
// guardian alone. A slot taken meanwhile is a *domain.ConflictError on
// "slot" (ReasonSlotTaken); a seat already booked one on "child"
// (ReasonAlreadyBooked).
func (s *Service) Book(ctx context.Context, a domain.Actor, round RoundID, slot SlotID, child domain.ChildID, separate bool) (Booking, error) {
	r, err := s.roundFor(ctx, a, round, child)
	if err != nil {
		return Booking{}, err
	}
	if _, err := s.slotFor(ctx, r, slot); err != nil {
		return Booking{}, err
	}
	b := Booking{ID: domain.NewID[Booking](), Municipality: r.Municipality, Round: r.ID, Slot: slot, Child: child,
		Guardian: a.Guardian, Separate: separate, At: s.now()}
	err = s.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := s.Store.Book(ctx, b); err != nil {
			return err
		}
		return s.audit(ctx, a, AuditWrite, child, r.ID)
	})
	if err != nil {
		return Booking{}, err
	}
	return b, nil
}

// booking reads a booking the guardian may change: one they see, of a
// child they have parental responsibility for, whose slot has not passed.
func (s *Service) booking(ctx context.Context, a domain.Actor, id BookingID) (Booking, Round, error) {
	if a.Validate() != nil || a.Role != domain.RoleGuardian {
		return Booking{}, Round{}, notFound("booking")
	}
	b, err := s.Store.Booking(ctx, a.Municipality, id)
	if err != nil {
		return Booking{}, Round{}, err
	}
	if !Visible(b, a.Guardian) {
		return Booking{}, Round{}, notFound("booking")
	}
	r, err := s.roundFor(ctx, a, b.Round, b.Child)
	if err != nil {
		return Booking{}, Round{}, err
	}
	if _, err := s.slotFor(ctx, r, b.Slot); err != nil {
		return Booking{}, Round{}, err
	}
	return b, r, nil
}

// Move moves a booking to another slot of its round.
func (s *Service) Move(ctx context.Context, a domain.Actor, id BookingID, slot SlotID) (Booking, error) {
	b, r, err := s.booking(ctx, a, id)
	if err != nil {
		return Booking{}, err
	}
	if b.Slot == slot {
		return b, nil
	}
	if _, err := s.slotFor(ctx, r, slot); err != nil {
		return Booking{}, err
	}
	b.Slot, b.Guardian, b.At = slot, a.Guardian, s.now()
	err = s.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := s.Store.MoveBooking(ctx, b); err != nil {
			return err
		}
		return s.audit(ctx, a, AuditWrite, b.Child, r.ID)
	})
	if err != nil {
		return Booking{}, err
	}
	return b, nil
}

// Cancel cancels a booking whose slot has not passed.
func (s *Service) Cancel(ctx context.Context, a domain.Actor, id BookingID) error {
	b, r, err := s.booking(ctx, a, id)
	if err != nil {
		return err
	}
	return s.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := s.Store.CancelBooking(ctx, b.Municipality, b.ID); err != nil {
			return err
		}
		return s.audit(ctx, a, AuditWrite, b.Child, r.ID)
	})
}

// Remind raises KindTomorrow for each booking of tomorrow and
// KindUnbooked for each child of a round without a booking once its
// BookBy day has come (until its first slot). It runs as a system job of
// the municipality, each round in one transaction, and returns how many
// notices it raised; the notices' keys make a second run notify nobody
// twice.
func (s *Service) Remind(ctx context.Context, a domain.Actor) (int, error) {
	if a.Validate() != nil || a.Role != domain.RoleSystem {
		return 0, forbidden("only a system job sends conversation reminders")
	}
	today := s.today()
	tomorrow := today.AddDate(0, 0, 1)
	rs, err := s.Store.Rounds(ctx, a.Municipality, domain.UnitID{}, today)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, r := range rs {
		err := s.Store.Atomic(ctx, func(ctx context.Context) error {
			n, err := s.remindRound(ctx, r, today, tomorrow)
			sent += n
			return err
		})
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

func (s *Service) remindRound(ctx context.Context, r Round, today, tomorrow date.Date) (int, error) {
	slots, err := s.Store.Slots(ctx, r.Municipality, r.ID)
	if err != nil || len(slots) == 0 {
		return 0, err
	}
	bs, err := s.Store.Bookings(ctx, r.Municipality, r.ID)
	if err != nil {
		return 0, err
	}
	responsible := func(child domain.ChildID) ([]domain.GuardianID, error) {
		gs, err := s.Store.Guardianships(ctx, r.Municipality, child)
		if err != nil {
			return nil, err
		}
		var out []domain.GuardianID
		for _, g := range gs {
			if g.ParentalResponsibility {
				out = append(out, g.GuardianID)
			}
		}
		return out, nil
	}
	notify := func(n domain.Notice) error {
		if s.Notifier == nil {
			return nil
		}
		return s.Notifier.Notify(ctx, n)
	}
	sent := 0
	for _, b := range bs {
		i := slices.IndexFunc(slots, func(sl Slot) bool { return sl.ID == b.Slot })
		if i < 0 || Day(slots[i].Start) != tomorrow {
			continue
		}
		start := slots[i].Start.In(domain.Oslo())
		gs, err := responsible(b.Child)
		if err != nil {
			return sent, err
		}
		for _, g := range gs {
			if !Visible(b, g) {
				continue
			}
			key := KindTomorrow + "/" + b.ID.String() + "/" + start.UTC().Format("20060102T1504") + "/" + g.String()
			if err := notify(domain.Notice{Municipality: r.Municipality, Kind: KindTomorrow, Child: b.Child, Guardian: g, Key: key,
				Data: map[string]string{"title": r.Title, "date": Day(start).String(), "time": start.Format("15:04"),
					"place": r.Place, "link": r.Link}}); err != nil {
				return sent, err
			}
			sent++
		}
	}
	if r.BookBy == date.Zero || today < r.BookBy || today >= Day(slots[0].Start) {
		return sent, nil
	}
	for _, c := range r.Children {
		if slices.ContainsFunc(bs, func(b Booking) bool { return b.Child == c }) {
			continue
		}
		gs, err := responsible(c)
		if err != nil {
			return sent, err
		}
		for _, g := range gs {
			key := KindUnbooked + "/" + r.ID.String() + "/" + c.String() + "/" + g.String()
			if err := notify(domain.Notice{Municipality: r.Municipality, Kind: KindUnbooked, Child: c, Guardian: g, Key: key,
				Data: map[string]string{"title": r.Title, "bookBy": r.BookBy.String()}}); err != nil {
				return sent, err
			}
			sent++
		}
	}
	return sent, nil
}
