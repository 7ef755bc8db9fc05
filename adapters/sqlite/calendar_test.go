package sqlite_test

import (
	"testing"

	"github.com/oppvekst/oppvekst/adapters/storetest"
)

func TestCalendar(t *testing.T) {
	storetest.RunCalendar(t, func(t *testing.T) storetest.CalendarStore { return open(t) })
}
