package postgres_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestPostgresStaff(t *testing.T) {
	storetest.RunStaff(t, func(t *testing.T) storetest.StaffStore { return newTestStore(t) })
}
