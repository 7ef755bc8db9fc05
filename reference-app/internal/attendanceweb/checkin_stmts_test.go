package attendanceweb_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
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
	// then 7, the insert of the event a round trip of its own; now it goes
	// with the audit entry, the kept response and the COMMIT.
	const wantTrips, wantStatements = 6, 15
	assert.Equal(t, wantTrips, trips.Count(), "round trips of a check-in:\n%s", trips.List())
	assert.Equal(t, wantStatements, trips.Statements(), "statements of a check-in:\n%s", trips.List())

	trips.Reset()
	again := checkIn("2025-11-21", "stmts-1")
	require.Equal(t, first.Body, again.Body)
	require.Equal(t, "true", again.Header.Get("Idempotent-Replayed"))
	assert.Equal(t, 5, trips.Count(), "round trips of a replayed check-in:\n%s", trips.List())
}
