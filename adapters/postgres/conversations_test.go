package postgres_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestPostgresConversations(t *testing.T) {
	storetest.RunConversations(t, func(t *testing.T) storetest.ConversationStore { return newTestStore(t) })
}
