package sqlite_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestReports(t *testing.T) {
	storetest.RunReports(t, func(t *testing.T) storetest.ReportsStore { return open(t) })
}
