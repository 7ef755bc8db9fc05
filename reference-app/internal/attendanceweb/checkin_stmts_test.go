package attendanceweb_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// The check-in's round trips to PostgreSQL (issue 22 part 3): what a check-in
// through the API with an Idempotency-Key costs, pinned, so that a change
// that adds a round trip (each a wake-up of a PostgreSQL backend at 500
// check-ins a second) fails here. Its retry is answered from the kept
// response.
func TestCheckInStatements(t *testing.T) {
	ta, trips := webtest.NewPostgresRoundTrips(t)
	staff := ta.CookieFor(t, demo.PersonaStaff)
	in := "/api/v1/children/" + ta.Sofie.String() + "/check-in"
	checkIn := func(day, key string) webtest.Response {
		return ta.Do(t, staff, "POST", in, "application/json", `{"at":"`+day+`T08:00:00+01:00"}`, "Idempotency-Key", key)
	}
	// The first check-in prepares the statements on its connection.
	require.Equal(t, http.StatusCreated, checkIn("2025-11-20", "stmts-warm").Status)

	trips.Reset()
	first := checkIn("2025-11-21", "stmts-1")
	require.Equal(t, http.StatusCreated, first.Status, first.Body)
	// Before issue 22 part 3: 10 round trips (the key's lock, the kept
	// response, the audit entry, the kept response and the COMMIT each one);
	// then 7, the insert of the event a round trip of its own; then 6, the
	// insert going with the audit entry, the kept response and the COMMIT;
	// now 5, the BEGIN going with the key's lock (the store's lazyTx). The
	// session's batch also asks for the staff member its actor names and
	// their grants (none for a demo persona): two statements more, no round
	// trip more, and two round trips less for a staff member logged in with
	// Feide.
	const wantTrips, wantStatements = 5, 17
	assert.Equal(t, wantTrips, trips.Count(), "round trips of a check-in:\n%s", trips.List())
	assert.Equal(t, wantStatements, trips.Statements(), "statements of a check-in:\n%s", trips.List())

	trips.Reset()
	again := checkIn("2025-11-21", "stmts-1")
	require.Equal(t, first.Body, again.Body)
	require.Equal(t, "true", again.Header.Get("Idempotent-Replayed"))
	assert.Equal(t, 4, trips.Count(), "round trips of a replayed check-in:\n%s", trips.List())
}

// A staff member logged in with Feide (a session that names a stored staff
// member, whose grants in force are read on every request) costs no more
// round trips than the demo persona: the session, the member and their
// grants are one batch (domain.SessionStaffReader), not three.
func TestCheckInStatementsStoredStaff(t *testing.T) {
	ta, trips := webtest.NewPostgresRoundTrips(t)
	ctx := context.Background()
	m := demo.Municipality
	ps, err := ta.DB.Placements(ctx, m, ta.Sofie)
	require.NoError(t, err)
	require.NotEmpty(t, ps)
	unit := ps[len(ps)-1].UnitID
	member := domain.StaffMember{ID: domain.NewID[domain.StaffMember](), Municipality: m, Name: "Siri Feide", Principal: "siri@demo-kommune.example"}
	require.NoError(t, ta.DB.CreateStaffMember(ctx, member))
	g := domain.Grant{ID: domain.NewID[domain.Grant](), Municipality: m, Staff: member.ID,
		Role: domain.GrantUnitStaff, Unit: unit, Period: domain.Period{Start: ps[len(ps)-1].Period.Start}}
	require.NoError(t, ta.DB.PutGrant(ctx, g))
	// What a Feide login keeps in the session; the grants in force decide
	// again on every request.
	actor, ok := domain.StaffActorFor(member, []domain.Grant{g}, domain.Today(ta.App.Clock))
	require.True(t, ok)
	value, err := ta.App.Sessions.Create(ctx, web.Session{Actor: actor, Name: member.Name, Provider: "feide"}, time.Now())
	require.NoError(t, err)
	cookie := web.SessionCookie + "=" + value
	in := "/api/v1/children/" + ta.Sofie.String() + "/check-in"
	checkIn := func(day, key string) webtest.Response {
		return ta.Do(t, cookie, "POST", in, "application/json", `{"at":"`+day+`T08:00:00+01:00"}`, "Idempotency-Key", key)
	}
	first := checkIn("2025-11-20", "feide-warm")
	require.Equal(t, http.StatusCreated, first.Status, first.Body)

	trips.Reset()
	second := checkIn("2025-11-21", "feide-1")
	require.Equal(t, http.StatusCreated, second.Status, second.Body)
	assert.Equal(t, 5, trips.Count(), "round trips of a stored staff member's check-in:\n%s", trips.List())
	assert.Contains(t, trips.List(), "FROM staff_grants", "the grants in force are read")
}
