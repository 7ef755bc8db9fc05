package postgres_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestPostgresIntegrations(t *testing.T) {
	storetest.RunIntegrations(t, func(t *testing.T) storetest.IntegrationStore { return newTestStore(t) })
}
