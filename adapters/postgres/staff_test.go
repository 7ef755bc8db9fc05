package postgres_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestPostgresStaff(t *testing.T) {
	storetest.RunStaff(t, func(t *testing.T) storetest.StaffStore { return newTestStore(t) })
}

func TestPostgresBulk(t *testing.T) {
	storetest.RunBulk(t, func(t *testing.T) storetest.BulkStore { return newTestStore(t) })
}

func TestPostgresBulkFamilies(t *testing.T) {
	storetest.RunBulkFamilies(t, func(t *testing.T) storetest.BulkFamilyStore { return newTestStore(t) })
}
