package postgres_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestPostgresEvents(t *testing.T) {
	storetest.RunEvents(t, func(t *testing.T) storetest.EventStore { return newTestStore(t) })
}
