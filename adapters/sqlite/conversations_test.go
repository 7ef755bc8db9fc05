package sqlite_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestConversations(t *testing.T) {
	storetest.RunConversations(t, func(t *testing.T) storetest.ConversationStore { return open(t) })
}
