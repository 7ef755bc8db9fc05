package memory_test

import (
	"github.com/oppvekst/oppvekst/adapters/memory"
	"github.com/oppvekst/oppvekst/adapters/storetest"
)

// The store implements every port; its tests run each port's suite.
var _ storetest.Store = (*memory.Store)(nil)
