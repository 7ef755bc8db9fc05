package webtest

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/postgres/pgtest"
)

// PostgresURL returns a URL to a schema of its own in the test database
// (OPPVEKST_TEST_POSTGRES), dropped when the test ends. Without the
// variable the test is skipped, except in CI.
func PostgresURL(t testing.TB) string { return pgtest.SchemaURL(t) }
