package sqlite_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestSQLiteStaff(t *testing.T) {
	storetest.RunStaff(t, func(t *testing.T) storetest.StaffStore { return open(t) })
}

func TestSQLiteBulk(t *testing.T) {
	storetest.RunBulk(t, func(t *testing.T) storetest.BulkStore { return open(t) })
}

func TestSQLiteBulkFamilies(t *testing.T) {
	storetest.RunBulkFamilies(t, func(t *testing.T) storetest.BulkFamilyStore { return open(t) })
}
