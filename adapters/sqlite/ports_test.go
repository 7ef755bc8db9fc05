package sqlite_test

import (
	"github.com/oppvekst/oppvekst/adapters/sqlite"
	"github.com/oppvekst/oppvekst/adapters/storetest"
)

// The store implements every port; its tests run each port's suite.
var _ storetest.Store = (*sqlite.Store)(nil)
var _ storetest.RetentionStore = (*sqlite.Store)(nil)
