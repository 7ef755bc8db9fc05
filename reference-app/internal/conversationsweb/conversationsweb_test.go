package conversationsweb_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/conversations"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/conversationsweb"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

const form = "application/x-www-form-urlencoded"

func post(t *testing.T, ta *webtest.Harness, who, path string, v url.Values) webtest.Response {
	t.Helper()
	return ta.Do(t, ta.CookieFor(t, who), "POST", path, form, v.Encode())
}

// The story through the pages: staff publish a round (refused first with
// the typed values kept and the errors in Norwegian), the guardian books
// a slot, someone else takes a slot she then chooses (refused with
// conversation-slot-taken, her choice kept), she moves and cancels, and
// staff see the booking on their day.
func TestStory(t *testing.T) {
	ta := webtest.New(t)
	staff := demo.PersonaStaff
	group := ta.SofieGroup(t).String()

	r := ta.Do(t, ta.CookieFor(t, staff), "GET", "/conversations/new", "", "")
	require.Equal(t, http.StatusOK, r.Status)
	assert.Contains(t, r.Body, "3A")
	bad := url.Values{"group": {group}, "kind": {"development"}, "title": {"Høstsamtale"}, "place": {""}, "link": {""},
		"minutes": {"tjue"}, "days": {"2025-12-01"}, "from": {"08:00"}, "to": {"09:00"}}
	r = post(t, ta, staff, "/conversations/new", bad)
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
	assert.Contains(t, r.Body, "Minutter per samtale: er ikke et tall")
	assert.Contains(t, r.Body, `value="Høstsamtale"`, "what was typed is kept")
	bad.Set("minutes", "20")
	r = post(t, ta, staff, "/conversations/new", bad)
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
	assert.Contains(t, r.Body, "oppgi et sted eller en videolenke")
	good := bad
	good.Set("place", "Klasserom 3A")
	good.Set("bookBy", "2025-11-28")
	r = post(t, ta, staff, "/conversations/new", good)
	require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
	assert.Equal(t, "/conversations/day?date=2025-12-01", r.Header.Get("Location"))

	// The guardian sees the round with three free slots (08:00, 08:20, 08:40, 09:00: four).
	gc := ta.CookieFor(t, demo.PersonaGuardian)
	r = ta.Do(t, gc, "GET", "/api/v1/conversations/offers", "", "")
	require.Equal(t, http.StatusOK, r.Status)
	o := titled(t, r.Body)
	require.Len(t, o.Slots, 4)
	r = ta.Do(t, gc, "GET", "/conversations", "", "")
	require.Equal(t, http.StatusOK, r.Status)
	assert.Contains(t, r.Body, "Høstsamtale – Sofie Berg")

	// Someone takes 08:20 (a separate conversation booked through the
	// library as the same guardian would do from another tab); the page
	// refuses her joint booking of it with the choice kept.
	_, err := ta.ConversationService(t).Book(context.Background(), ta.Personas[demo.PersonaGuardian].Actor, o.Round.ID, o.Slots[1].Slot.ID, ta.Sofie, true)
	require.NoError(t, err)
	book := url.Values{"round": {o.Round.ID.String()}, "child": {ta.Sofie.String()}, "slot": {o.Slots[1].Slot.ID.String()}}
	r = post(t, ta, demo.PersonaGuardian, "/conversations/book", book)
	assert.Equal(t, http.StatusConflict, r.Status)
	assert.Contains(t, r.Body, "tiden er tatt; velg en annen")
	assert.Contains(t, r.Body, `value="`+o.Slots[1].Slot.ID.String()+`" checked disabled`, "her choice is kept, marked taken")

	book.Set("slot", o.Slots[0].Slot.ID.String())
	require.Equal(t, http.StatusSeeOther, post(t, ta, demo.PersonaGuardian, "/conversations/book", book).Status)
	b, ok := joint(t, ta, gc)
	require.True(t, ok)
	assert.Equal(t, o.Slots[0].Slot.ID, b.Slot)

	// Moving onto the taken slot is refused in English too; to 08:40 it moves.
	ta.Do(t, gc, "POST", "/language", form, "lang=en&return=/conversations")
	r = post(t, ta, demo.PersonaGuardian, "/conversations/bookings/"+b.ID.String()+"/move", url.Values{"slot": {o.Slots[1].Slot.ID.String()}})
	assert.Equal(t, http.StatusConflict, r.Status)
	require.Equal(t, http.StatusSeeOther, post(t, ta, demo.PersonaGuardian, "/conversations/bookings/"+b.ID.String()+"/move", url.Values{"slot": {o.Slots[2].Slot.ID.String()}}).Status)
	b, _ = joint(t, ta, gc)
	assert.Equal(t, o.Slots[2].Slot.ID, b.Slot)

	// Staff see the booking on their day; staff of another unit may not.
	r = ta.Do(t, ta.CookieFor(t, staff), "GET", "/conversations/day?date=2025-12-01", "", "")
	require.Equal(t, http.StatusOK, r.Status)
	assert.Contains(t, r.Body, "Sofie Berg")
	assert.Contains(t, r.Body, "08.40–09.00", "Norwegian writes the time of day with a full stop")
	r = ta.Do(t, ta.CookieFor(t, demo.PersonaOtherStaff), "GET", "/api/v1/conversations/units/"+ta.NordbySkole(t).String()+"/day?date=2025-12-01", "", "")
	assert.Equal(t, http.StatusForbidden, r.Status)

	// The § 47 parent sees no round; the guardian cancels.
	r = ta.Do(t, ta.CookieFor(t, demo.PersonaOtherParent), "GET", "/api/v1/conversations/offers", "", "")
	assert.Equal(t, "[]", strings.TrimSpace(r.Body))
	require.Equal(t, http.StatusSeeOther, post(t, ta, demo.PersonaGuardian, "/conversations/bookings/"+b.ID.String()+"/cancel", nil).Status)
	_, ok = joint(t, ta, gc)
	assert.False(t, ok)
}

func joint(t *testing.T, ta *webtest.Harness, cookie string) (conversations.Booking, bool) {
	t.Helper()
	r := ta.Do(t, cookie, "GET", "/api/v1/conversations/offers", "", "")
	require.Equal(t, http.StatusOK, r.Status)
	return titled(t, r.Body).Booked(domain.GuardianID{}, false)
}

// titled is the offer of the story's round (the demo seeds another,
// demo.ConversationTitle).
func titled(t *testing.T, body string) conversations.Offer {
	t.Helper()
	var offers []conversations.Offer
	require.NoError(t, json.Unmarshal([]byte(body), &offers))
	titles := []string{}
	found := -1
	for i, o := range offers {
		titles = append(titles, o.Round.Title)
		if o.Round.Title == "Høstsamtale" {
			found = i
		}
	}
	require.Contains(t, titles, demo.ConversationTitle, "the demo's round is offered too")
	require.GreaterOrEqual(t, found, 0, "no Høstsamtale among %v", titles)
	return offers[found]
}

// The reminder job raises the day-before notice to each guardian with
// parental responsibility for the child booked, through messaging.
func TestRemind(t *testing.T) {
	ta := webtest.New(t)
	r, slots := ta.ConversationRound(t, 1, 2)
	ta.ConversationBooking(t, r, slots[0], false)
	gs, err := ta.DB.Guardianships(context.Background(), demo.Municipality, ta.Sofie)
	require.NoError(t, err)
	want := 0
	for _, g := range gs {
		if g.ParentalResponsibility {
			want++
		}
	}
	require.Positive(t, want)
	assert.Equal(t, want, conversationsweb.Remind(context.Background(), ta.App))
}
