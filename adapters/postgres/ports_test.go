package postgres_test

import (
	"github.com/oppvekst/oppvekst/adapters/postgres"
	"github.com/oppvekst/oppvekst/adapters/storetest"
)

// The store implements every port; its tests run each port's suite.
var _ storetest.Store = (*postgres.Store)(nil)
var _ storetest.RetentionStore = (*postgres.Store)(nil)
