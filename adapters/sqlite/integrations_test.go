package sqlite_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestIntegrations(t *testing.T) {
	storetest.RunIntegrations(t, func(t *testing.T) storetest.IntegrationStore { return open(t) })
}
