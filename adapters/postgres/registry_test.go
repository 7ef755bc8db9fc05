package postgres_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestPostgresRegistry(t *testing.T) {
	storetest.RunRegistry(t, func(t *testing.T) storetest.RegistryStore { return newTestStore(t) })
}
