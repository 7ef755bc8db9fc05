package server_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/webtest"
)

// A unit's leader closes their own unit for a day, and no other unit; a
// staff member who does not lead it may not. Per Pedagog leads Bjørkelia;
// Kari Lærer works at Nordby SFO without leading it.
func TestUnitLeaderClosesOwnUnit(t *testing.T) {
	ta := webtest.New(t)
	per, kari := ta.CookieFor(t, demo.PersonaOtherStaff), ta.CookieFor(t, demo.PersonaStaff)
	body := `{"start":"2031-04-02"}`
	own := ta.Do(t, per, "POST", "/api/v1/units/"+ta.Bjorkelia.String()+"/closed-days", "application/json", body)
	assert.Equal(t, 201, own.Status, own.Body)
	other := ta.Do(t, per, "POST", "/api/v1/units/"+ta.NordbySFO.String()+"/closed-days", "application/json", body)
	assert.Equal(t, 403, other.Status, other.Body)
	notLeader := ta.Do(t, kari, "POST", "/api/v1/units/"+ta.NordbySFO.String()+"/closed-days", "application/json", body)
	assert.Equal(t, 403, notLeader.Status, notLeader.Body)
	page := ta.Do(t, per, "GET", "/calendar/units/"+ta.Bjorkelia.String(), "", "")
	assert.Equal(t, 200, page.Status)
	assert.Contains(t, page.Body, `action="/calendar/units/`+ta.Bjorkelia.String()+`/closed-days"`, "the leader gets the form")
}
