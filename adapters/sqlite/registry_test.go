package sqlite_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestSQLiteRegistry(t *testing.T) {
	storetest.RunRegistry(t, func(t *testing.T) storetest.RegistryStore { return open(t) })
}
