package webtest

import (
	"sync"
	"time"
)

// SteppingClock is a second later at every reading.
type SteppingClock struct {
	mu sync.Mutex
	At time.Time
}

func (c *SteppingClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.At = c.At.Add(time.Second)
	return c.At
}
