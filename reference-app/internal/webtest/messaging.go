package webtest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
)

// seededThreads are the demo's messages to Sofie Berg's family
// (seed_messaging.go): the conversation about her, the bulletin to her SFO
// group and the urgent one to Nordby SFO.
type seededThreads struct {
	Conversation, GroupBulletin, UnitBulletin messaging.Thread
	Hilde                                     domain.GuardianID
}

func FindSeededThreads(t testing.TB, ta *Harness) seededThreads {
	t.Helper()
	hilde := ta.Personas[demo.PersonaGuardian].Actor.Guardian
	ts, err := ta.Store.GuardianThreads(context.Background(), demo.Municipality, hilde)
	require.NoError(t, err)
	out := seededThreads{Hilde: hilde}
	for _, th := range ts {
		switch th.About.Scope {
		case messaging.ScopeChild:
			out.Conversation = th
		case messaging.ScopeGroup:
			out.GroupBulletin = th
		case messaging.ScopeUnit:
			out.UnitBulletin = th
		}
	}
	require.False(t, out.Conversation.ID.IsZero() || out.GroupBulletin.ID.IsZero() || out.UnitBulletin.ID.IsZero(), "the seed has the three threads: %v", ts)
	return out
}
