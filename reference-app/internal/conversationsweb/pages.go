package conversationsweb

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/oppvekst/oppvekst/conversations"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
)

// option is a choice of a select or a radio group.
type option struct {
	Value, Label string
	Selected     bool
	Disabled     bool
}

// inputOf is the form input a refused field is written in.
func inputOf(field string) string {
	switch {
	case strings.HasPrefix(field, "slots"):
		return "days"
	case strings.HasPrefix(field, "children"):
		return "group"
	case field == "starts":
		return "days"
	}
	return field
}

// fieldKeys are the fields with a label of their own in the catalogs.
var fieldKeys = []string{"group", "kind", "title", "place", "link", "minutes", "days", "from", "to", "bookBy", "slot", "child", "date", "unit"}

// refusal writes a refusal in the user's language, each problem at its
// field, and names the inputs refused; false when err is no refusal of
// the input.
func refusal(c *web.Call, err error) ([]string, map[string]bool, bool) {
	invalid := map[string]bool{}
	var ve *domain.ValidationError
	if errors.As(err, &ve) {
		var out []string
		for _, f := range ve.Fields {
			in := inputOf(f.Field)
			invalid[in] = true
			key := "other"
			if slices.Contains(fieldKeys, in) {
				key = in
			}
			out = append(out, c.Lang.T("conversations.field."+key)+": "+c.Lang.FieldReason(f))
		}
		return out, invalid, true
	}
	var ce *domain.ConflictError
	if errors.As(err, &ce) {
		return []string{c.Lang.ConflictReason(ce)}, invalid, true
	}
	return nil, nil, false
}

// statusOf is the status of a refused form.
func statusOf(err error) int {
	var ce *domain.ConflictError
	if errors.As(err, &ce) {
		return http.StatusConflict
	}
	return http.StatusUnprocessableEntity
}

// ---- Staff: publish a round ----

// newForm is what was typed in the publish form.
type newForm struct {
	Group, Kind, Title, Place, Link, Minutes, Days, From, To, BookBy string
}

type newContent struct {
	L        web.Locale
	Groups   []option
	Kinds    []option
	Form     newForm
	Problems []string
	Invalid  map[string]bool
}

// groups are the groups of the units where the staff member works.
func (a *app) groups(ctx context.Context, c *web.Call, chosen string) ([]option, error) {
	m := c.Actor.Municipality
	units := slices.Clone(c.Actor.Units)
	slices.SortFunc(units, func(x, y domain.UnitID) int { return x.Compare(y) })
	var out []option
	for _, uid := range slices.Compact(units) {
		u, err := a.Store.Unit(ctx, m, uid)
		if err != nil {
			if domain.IsNotFound(err) {
				continue
			}
			return nil, err
		}
		gs, err := a.Store.Groups(ctx, m, uid)
		if err != nil {
			return nil, err
		}
		domain.SortGroups(gs)
		for _, g := range gs {
			v := g.ID.String()
			out = append(out, option{Value: v, Label: g.Name + " (" + u.Name + ")", Selected: v == chosen})
		}
	}
	return out, nil
}

func (a *app) newRender(w http.ResponseWriter, r *http.Request, c *web.Call, status int, f newForm, problems []string, invalid map[string]bool) error {
	gs, err := a.groups(r.Context(), c, f.Group)
	if err != nil {
		return err
	}
	var kinds []option
	for _, k := range []conversations.Kind{conversations.Parent, conversations.Development} {
		kinds = append(kinds, option{Value: string(k), Label: c.Lang.T("conversations.kind." + string(k)), Selected: string(k) == f.Kind})
	}
	a.Page(w, r, c, status, "conversations_new", "conversations.new.title", newContent{L: c.Lang, Groups: gs, Kinds: kinds, Form: f, Problems: problems, Invalid: invalid})
	return nil
}

func (a *app) newPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	return a.newRender(w, r, c, http.StatusOK, newForm{Minutes: "20", From: "08:00", To: "15:00", Kind: string(conversations.Parent)}, nil, nil)
}

// parseNew reads the publish form into a request; the problems of the
// fields it cannot read.
func parseNew(f newForm) (PublishRequest, error) {
	var p domain.Problems
	req := PublishRequest{Kind: conversations.Kind(f.Kind), Title: f.Title, Place: strings.TrimSpace(f.Place), Link: strings.TrimSpace(f.Link), From: f.From, To: f.To}
	var err error
	if req.Group, err = domain.ParseID[domain.Group](f.Group); err != nil {
		p.Add("group", ReasonNoSuchChoice)
	}
	if req.Minutes, err = strconv.Atoi(strings.TrimSpace(f.Minutes)); err != nil {
		p.Add("minutes", ReasonNotANumber)
	}
	for _, s := range strings.FieldsFunc(f.Days, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		d, err := domain.ParseDate("days", s)
		if err != nil {
			p.Merge("", err)
			break
		}
		req.Days = append(req.Days, d)
	}
	if strings.TrimSpace(f.BookBy) != "" {
		if req.BookBy, err = domain.ParseDate("bookBy", strings.TrimSpace(f.BookBy)); err != nil {
			p.Merge("", err)
		}
	}
	return req, p.Err()
}

func (a *app) newSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	v := r.PostFormValue
	f := newForm{Group: v("group"), Kind: v("kind"), Title: v("title"), Place: v("place"), Link: v("link"), Minutes: v("minutes"),
		Days: v("days"), From: v("from"), To: v("to"), BookBy: v("bookBy")}
	req, err := parseNew(f)
	if err == nil {
		_, err = a.publish(r.Context(), c, req)
	}
	if err != nil {
		if problems, invalid, ok := refusal(c, err); ok {
			return a.newRender(w, r, c, statusOf(err), f, problems, invalid)
		}
		return err
	}
	day := ""
	if len(req.Days) > 0 {
		day = "?date=" + slices.Min(req.Days).String()
	}
	http.Redirect(w, r, pageBase+"/day"+day, http.StatusSeeOther)
	return nil
}

// ---- Staff: my day ----

type dayContent struct {
	L     web.Locale
	Units []option
	Date  string
	Day   string
	Items []DayView
}

func (a *app) dayPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	d, err := a.dayOf(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	chosen := r.URL.Query().Get("unit")
	var units []option
	var items []DayView
	for _, uid := range c.Actor.Units {
		u, err := a.Store.Unit(ctx, c.Actor.Municipality, uid)
		if err != nil {
			return err
		}
		units = append(units, option{Value: uid.String(), Label: u.Name, Selected: uid.String() == chosen})
		if chosen != "" && chosen != uid.String() {
			continue
		}
		vs, err := a.day(ctx, c, uid, d)
		if err != nil {
			return err
		}
		items = append(items, vs...)
	}
	slices.SortStableFunc(items, func(x, y DayView) int { return x.Slot.Start.Compare(y.Slot.Start) })
	a.Page(w, r, c, http.StatusOK, "conversations_day", "conversations.day.title", dayContent{L: c.Lang, Units: units, Date: d.String(), Day: c.Lang.Date(d), Items: items})
	return nil
}

// ---- Guardian: book, move, cancel ----

// offerView is a round of a child as the guardian's page shows it.
type offerView struct {
	Key       string // round/child, the form's anchor
	Round     conversations.Round
	Child     domain.ChildID
	ChildName string
	Slots     []option
	Bookings  []bookingView
	// Problems of the last form sent for this offer.
	Problems []string
}

type bookingView struct {
	ID       conversations.BookingID
	When     string
	Separate bool
	Mine     bool
	Slots    []option // where it may move
}

type offersContent struct {
	L      web.Locale
	Offers []offerView
}

// offers builds the page's offers; the form of key sent with chosen slot
// gets the problems.
func (a *app) offers(ctx context.Context, c *web.Call, key, chosen string, problems []string) ([]offerView, error) {
	s, err := Service(a.App)
	if err != nil {
		return nil, err
	}
	os, err := s.ForGuardian(ctx, c.Actor)
	if err != nil {
		return nil, err
	}
	now := a.Clock.Now()
	out := make([]offerView, 0, len(os))
	// The children's names in one read, not one per offer.
	ids := make([]domain.ChildID, len(os))
	for i, o := range os {
		ids[i] = o.Child
	}
	cs, err := a.Store.ChildrenByID(ctx, c.Actor.Municipality, ids)
	if err != nil {
		return nil, err
	}
	children := make(map[domain.ChildID]domain.Child, len(cs))
	for _, ch := range cs {
		children[ch.ID] = ch
	}
	for _, o := range os {
		ch, ok := children[o.Child]
		if !ok {
			return nil, domain.ErrNotFound
		}
		v := offerView{Key: o.Round.ID.String() + "-" + o.Child.String(), Round: o.Round, Child: o.Child, ChildName: ch.GivenName + " " + ch.FamilyName}
		label := func(sl conversations.Slot) string {
			return c.Lang.DateTime(sl.Start) + "–" + c.Lang.Clock(sl.End(o.Round.Minutes))
		}
		mine := v.Key == key
		for _, sv := range o.Slots {
			if !sv.Slot.Start.After(now) {
				continue
			}
			id := sv.Slot.ID.String()
			sel := mine && id == chosen
			if sv.Free || sel {
				v.Slots = append(v.Slots, option{Value: id, Label: label(sv.Slot), Selected: sel, Disabled: !sv.Free})
			}
		}
		for _, b := range o.Bookings {
			bv := bookingView{ID: b.ID, Separate: b.Separate, Mine: b.Guardian == c.Actor.Guardian}
			for _, sv := range o.Slots {
				if sv.Slot.ID == b.Slot {
					bv.When = label(sv.Slot)
				}
			}
			bk := b.ID.String()
			for _, sl := range v.Slots {
				if !sl.Disabled {
					bv.Slots = append(bv.Slots, option{Value: sl.Value, Label: sl.Label, Selected: bk == key && sl.Value == chosen})
				}
			}
			if bk == key {
				v.Problems = problems
			}
			v.Bookings = append(v.Bookings, bv)
		}
		if mine {
			v.Problems = problems
		}
		out = append(out, v)
	}
	return out, nil
}

func (a *app) offersRender(w http.ResponseWriter, r *http.Request, c *web.Call, status int, key, chosen string, problems []string) error {
	os, err := a.offers(r.Context(), c, key, chosen, problems)
	if err != nil {
		return err
	}
	a.Page(w, r, c, status, "conversations_offers", "conversations.title", offersContent{L: c.Lang, Offers: os})
	return nil
}

func (a *app) offersPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	return a.offersRender(w, r, c, http.StatusOK, "", "", nil)
}

// refused answers a refused guardian form with the page, the problems at
// the form of key and the chosen slot kept.
func (a *app) refused(w http.ResponseWriter, r *http.Request, c *web.Call, err error, key, chosen string) error {
	problems, _, ok := refusal(c, err)
	if !ok {
		return err
	}
	return a.offersRender(w, r, c, statusOf(err), key, chosen, problems)
}

func (a *app) bookSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	roundS, childS, slotS := r.PostFormValue("round"), r.PostFormValue("child"), r.PostFormValue("slot")
	key := roundS + "-" + childS
	round, err1 := domain.ParseID[conversations.Round](roundS)
	child, err2 := domain.ParseID[domain.Child](childS)
	if err1 != nil || err2 != nil {
		return domain.ErrNotFound
	}
	slot, err := domain.ParseID[conversations.Slot](slotS)
	if err != nil {
		return a.refused(w, r, c, domain.Invalid("slot", conversations.ReasonRequired), key, slotS)
	}
	s, err := Service(a.App)
	if err != nil {
		return err
	}
	if _, err := s.Book(r.Context(), c.Actor, round, slot, child, r.PostFormValue("separate") == "on"); err != nil {
		return a.refused(w, r, c, err, key, slotS)
	}
	http.Redirect(w, r, pageBase+"?booked=1", http.StatusSeeOther)
	return nil
}

func (a *app) moveSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := bookingID(r)
	if err != nil {
		return err
	}
	slotS := r.PostFormValue("slot")
	slot, err := domain.ParseID[conversations.Slot](slotS)
	if err != nil {
		return a.refused(w, r, c, domain.Invalid("slot", conversations.ReasonRequired), id.String(), slotS)
	}
	s, err := Service(a.App)
	if err != nil {
		return err
	}
	if _, err := s.Move(r.Context(), c.Actor, id, slot); err != nil {
		return a.refused(w, r, c, err, id.String(), slotS)
	}
	http.Redirect(w, r, pageBase+"?moved=1", http.StatusSeeOther)
	return nil
}

func (a *app) cancelSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	id, err := bookingID(r)
	if err != nil {
		return err
	}
	s, err := Service(a.App)
	if err != nil {
		return err
	}
	if err := s.Cancel(r.Context(), c.Actor, id); err != nil {
		return a.refused(w, r, c, err, id.String(), "")
	}
	http.Redirect(w, r, pageBase+"?cancelled=1", http.StatusSeeOther)
	return nil
}
