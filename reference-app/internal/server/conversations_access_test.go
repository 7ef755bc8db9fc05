package server_test

import (
	"fmt"
	"testing"

	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// conversationsAuth is booked conversations' part of the authorization
// table. Staff of Sofie's unit publish rounds and see their day; staff of
// another unit are refused by the service (403). A guardian books, moves
// and cancels only for a child they have parental responsibility for:
// the § 47 parent and the guardian of another child get 404, not even the
// round's or booking's existence. Other roles are refused by the route.
func conversationsAuth(ta *webtest.Harness, t testing.TB) map[string]authCase {
	form := "application/x-www-form-urlencoded"
	body := func(s string) func(string) string { return func(string) string { return s } }
	const ok, created, see, forbidden, missing = 200, 201, 303, 403, 404
	guardians := func(guardian, others int) [8]int {
		return [8]int{guardian, others, others, forbidden, forbidden, forbidden, forbidden, forbidden}
	}
	// The API's POST routes admit anyone logged in (the body is checked
	// first); a booking route refuses anyone but a guardian (403, as POST
	// /api/v1/calendar/feed does) and the service answers a guardian
	// without parental responsibility 404; a round is refused to all but
	// the unit's staff (403).
	booker := func(guardian int) [8]int {
		return [8]int{guardian, missing, missing, forbidden, forbidden, forbidden, forbidden, forbidden}
	}
	staff := func(own, other int) [8]int {
		return [8]int{forbidden, forbidden, forbidden, own, other, forbidden, forbidden, forbidden}
	}
	// Round a: free for the API's and the page's bookings; b: a joint
	// booking the API moves and a separate one it cancels; c: the same
	// for the pages.
	a, as := ta.ConversationRound(t, 7, 4)
	b, bs := ta.ConversationRound(t, 8, 4)
	c, cs := ta.ConversationRound(t, 9, 4)
	bMove, bCancel := ta.ConversationBooking(t, b, bs[0], false), ta.ConversationBooking(t, b, bs[2], true)
	cMove, cCancel := ta.ConversationBooking(t, c, cs[0], false), ta.ConversationBooking(t, c, cs[2], true)
	group := ta.SofieGroup(t).String()
	school := ta.NordbySkole(t).String()
	api := "/api/v1/conversations"
	page := "/conversations"
	return map[string]authCase{
		"POST " + api + "/rounds": {path: api + "/rounds", contentType: "application/json",
			body: body(fmt.Sprintf(`{"group":%q,"kind":"development","title":"Samtale","place":"3A","minutes":15,"days":["2025-12-10"],"from":"08:00","to":"09:00"}`, group)),
			want: staff(created, forbidden)},
		"GET " + api + "/units/{unitId}/day": {path: api + "/units/" + school + "/day?date=2025-12-01", want: staff(ok, forbidden)},
		"GET " + api + "/offers":             {path: api + "/offers", want: guardians(ok, ok)},
		"POST " + api + "/bookings": {path: api + "/bookings", contentType: "application/json",
			body: body(fmt.Sprintf(`{"round":%q,"slot":%q,"child":%q}`, a.ID, as[0].ID, ta.Sofie)), want: booker(created)},
		"POST " + api + "/bookings/{bookingId}/move": {path: api + "/bookings/" + bMove.ID.String() + "/move", contentType: "application/json",
			body: body(fmt.Sprintf(`{"slot":%q}`, bs[1].ID)), want: booker(ok)},
		"POST " + api + "/bookings/{bookingId}/cancel": {path: api + "/bookings/" + bCancel.ID.String() + "/cancel", contentType: "application/json", body: body(`{}`), want: booker(ok)},
		"GET " + page:          {path: page, want: guardians(ok, ok)},
		"GET " + page + "/day": {path: page + "/day", want: staff(ok, ok)},
		"GET " + page + "/new": {path: page + "/new", want: staff(ok, ok)},
		"POST " + page + "/new": {path: page + "/new", contentType: form,
			body: body("group=" + group + "&kind=parent&title=Samtale&place=3A&minutes=15&days=2025-12-11&from=08:00&to=09:00"), want: staff(see, forbidden)},
		"POST " + page + "/book": {path: page + "/book", contentType: form,
			body: body("round=" + a.ID.String() + "&child=" + ta.Sofie.String() + "&slot=" + as[1].ID.String() + "&separate=on"), want: guardians(see, missing)},
		"POST " + page + "/bookings/{bookingId}/move": {path: page + "/bookings/" + cMove.ID.String() + "/move", contentType: form,
			body: body("slot=" + cs[1].ID.String()), want: guardians(see, missing)},
		"POST " + page + "/bookings/{bookingId}/cancel": {path: page + "/bookings/" + cCancel.ID.String() + "/cancel", contentType: form, want: guardians(see, missing)},
	}
}
