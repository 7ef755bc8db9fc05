package postgres_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestPostgresCalendar(t *testing.T) {
	storetest.RunCalendar(t, func(t *testing.T) storetest.CalendarStore { return newTestStore(t) })
}
