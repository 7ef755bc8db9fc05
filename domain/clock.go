package domain

import (
	"sync"
	"time"
	_ "time/tzdata" // Europe/Oslo must resolve on machines without zoneinfo.

	"github.com/rickb777/date/v2"
)

var (
	osloOnce sync.Once
	oslo     *time.Location
)

// Oslo returns the Europe/Oslo time zone, in which every instant is shown
// and every calendar day is decided.
func Oslo() *time.Location {
	osloOnce.Do(func() {
		loc, err := time.LoadLocation("Europe/Oslo")
		if err != nil {
			panic("domain: Europe/Oslo missing from embedded tzdata: " + err.Error())
		}
		oslo = loc
	})
	return oslo
}

// Clock tells the time. Services take a Clock so tests can fix it.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock, in Europe/Oslo.
type SystemClock struct{}

// Now returns the current instant in Europe/Oslo.
func (SystemClock) Now() time.Time { return time.Now().In(Oslo()) }

// FixedClock always returns the same instant (in Europe/Oslo); for tests.
type FixedClock time.Time

// Now returns the fixed instant.
func (c FixedClock) Now() time.Time { return time.Time(c).In(Oslo()) }

// Today returns the calendar day in Oslo according to the clock.
func Today(c Clock) date.Date { return date.NewAt(c.Now().In(Oslo())) }
