package main

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// seededThreads are the demo's messages to Sofie Berg's family
// (seed_messaging.go): the conversation about her, the bulletin to her SFO
// group and the urgent one to Nordby SFO.
type seededThreads struct {
	conversation, groupBulletin, unitBulletin messaging.Thread
	hilde                                     domain.GuardianID
}

func findSeededThreads(t testing.TB, ta *testApp) seededThreads {
	t.Helper()
	hilde := ta.personas[personaGuardian].Actor.Guardian
	ts, err := ta.store.GuardianThreads(context.Background(), demoMunicipality, hilde)
	require.NoError(t, err)
	out := seededThreads{hilde: hilde}
	for _, th := range ts {
		switch th.About.Scope {
		case messaging.ScopeChild:
			out.conversation = th
		case messaging.ScopeGroup:
			out.groupBulletin = th
		case messaging.ScopeUnit:
			out.unitBulletin = th
		}
	}
	require.False(t, out.conversation.ID.IsZero() || out.groupBulletin.ID.IsZero() || out.unitBulletin.ID.IsZero(), "the seed has the three threads: %v", ts)
	return out
}

// messagingAuth has a line of the authorization table (access_test.go) for every
// messaging route.
func messagingAuth(ta *testApp) map[string]authCase {
	th := findSeededThreads(&testing.T{}, ta)
	sofie, thread := ta.sofie.String(), th.conversation.ID.String()
	form := "application/x-www-form-urlencoded"
	jsonType := "application/json"
	body := func(s string) func(string) string { return func(string) string { return s } }
	contact := func(actor string) string {
		if actor == personaGuardian || actor == personaOtherParent || actor == personaOtherGuardian {
			return `{"language":"nn","channel":"email"}`
		}
		return fmt.Sprintf(`{"guardianId":%q,"language":"nn","channel":"email"}`, th.hilde)
	}
	const ok, created, see, forbidden, missing, invalid = 200, 201, 303, 403, 404, 422
	guardians := [8]int{ok, ok, ok, forbidden, forbidden, forbidden, forbidden, forbidden}
	staff := [8]int{forbidden, forbidden, forbidden, ok, ok, forbidden, forbidden, forbidden}
	municipal := [8]int{forbidden, forbidden, forbidden, forbidden, forbidden, ok, ok, ok}
	readThread := [8]int{ok, ok, forbidden, ok, forbidden, ok, missing, ok}
	return map[string]authCase{
		"GET /messages":                   {path: "/messages", want: guardians},
		"POST /messages":                  {path: "/messages", contentType: form, body: body("child=" + sofie + "&subject=Hei&body=Hallo"), want: [8]int{see, see, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden}},
		"POST /messages/contact":          {path: "/messages/contact", contentType: form, body: body("language=nb&channel=email"), want: [8]int{see, see, see, forbidden, forbidden, forbidden, forbidden, forbidden}},
		"GET /messages/{threadId}":        {path: "/messages/" + thread, want: readThread},
		"POST /messages/{threadId}/reply": {path: "/messages/" + thread + "/reply", contentType: form, body: body("body=Takk"), want: [8]int{see, see, forbidden, see, forbidden, see, missing, see}},
		"GET /staff/messages":             {path: "/staff/messages", want: staff},
		"POST /staff/messages":            {path: "/staff/messages", contentType: form, body: body("to=group:" + th.groupBulletin.About.Group.String() + "&subject=Hei&body=Hallo"), want: [8]int{forbidden, forbidden, forbidden, see, forbidden, forbidden, forbidden, forbidden}},
		"GET /caseworker/outbox":          {path: "/caseworker/outbox", want: municipal},
		"GET /api/v1/threads":             {path: "/api/v1/threads", want: [8]int{ok, ok, ok, ok, ok, forbidden, forbidden, forbidden}},
		"POST /api/v1/threads":            {path: "/api/v1/threads", contentType: jsonType, body: body(`{"scope":"child","childId":"` + sofie + `","subject":"Hei","body":"Hallo"}`), want: [8]int{created, created, forbidden, created, forbidden, created, invalid, created}},
		"GET /api/v1/threads/{threadId}":  {path: "/api/v1/threads/" + thread, want: readThread},
		"POST /api/v1/replies":            {path: "/api/v1/replies", contentType: jsonType, body: body(`{"threadId":"` + thread + `","body":"Takk"}`), want: [8]int{created, created, forbidden, created, forbidden, created, invalid, created}},
		"POST /api/v1/read-receipts":      {path: "/api/v1/read-receipts", contentType: jsonType, body: body(`{"threadId":"` + thread + `"}`), want: [8]int{ok, ok, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden}},
		"GET /api/v1/contact":             {path: "/api/v1/contact", want: guardians},
		"POST /api/v1/contact":            {path: "/api/v1/contact", contentType: jsonType, body: contact, want: [8]int{ok, ok, ok, forbidden, forbidden, ok, invalid, ok}},
		"GET /api/v1/outbox":              {path: "/api/v1/outbox", want: municipal},
		"GET /api/v1/outbox/summary":      {path: "/api/v1/outbox/summary", want: municipal},
	}
}
