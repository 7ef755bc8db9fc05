package messaging_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

func TestQuietHoursRelease(t *testing.T) {
	oslo := domain.Oslo()
	q := messaging.DefaultSettings(domain.MustMunicipality("0301")).Quiet
	at := func(mo time.Month, d, h, mi int) time.Time { return time.Date(2025, mo, d, h, mi, 0, 0, oslo) }
	for _, c := range []struct{ in, want time.Time }{
		{at(3, 10, 20, 59), at(3, 10, 20, 59)}, // before: at once
		{at(3, 10, 21, 0), at(3, 11, 7, 0)},    // the evening part: tomorrow 07:00
		{at(3, 11, 3, 0), at(3, 11, 7, 0)},     // after midnight: this morning
		{at(3, 11, 7, 0), at(3, 11, 7, 0)},     // the end is outside
		{at(3, 29, 23, 0), at(3, 30, 7, 0)},    // summer time starts
		{at(10, 25, 23, 0), at(10, 26, 7, 0)},  // summer time ends
	} {
		assert.True(t, c.want.Equal(q.Release(c.in, oslo)), "%s: got %s", c.in, q.Release(c.in, oslo))
	}
	day := messaging.QuietHours{Start: 12 * 60, End: 13 * 60}
	assert.True(t, at(3, 10, 13, 0).Equal(day.Release(at(3, 10, 12, 30), oslo)), "a window that does not wrap")
	assert.True(t, at(3, 10, 5, 0).Equal(messaging.QuietHours{}.Release(at(3, 10, 5, 0), oslo)), "an empty window holds nothing")
}

func TestQuietHoursWithin(t *testing.T) {
	outer := messaging.QuietHours{Start: 21 * 60, End: 7 * 60}
	assert.True(t, outer.Within(outer))
	assert.True(t, messaging.QuietHours{Start: 22 * 60, End: 6 * 60}.Within(outer))
	assert.True(t, messaging.QuietHours{Start: 1 * 60, End: 7 * 60}.Within(outer))
	assert.False(t, messaging.QuietHours{Start: 20 * 60, End: 6 * 60}.Within(outer), "starts before")
	assert.False(t, messaging.QuietHours{Start: 22 * 60, End: 8 * 60}.Within(outer), "ends after")
	assert.False(t, messaging.QuietHours{Start: 22 * 60, End: 22 * 60}.Within(outer), "empty")
	assert.ErrorIs(t, messaging.QuietHours{Start: 1440}.Validate(), domain.ErrInvalid)
	assert.Equal(t, "21:00–07:00", outer.String())
}
