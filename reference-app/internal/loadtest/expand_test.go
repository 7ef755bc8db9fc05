package loadtest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestExpandBody(t *testing.T) {
	now := time.Date(2026, time.March, 10, 12, 0, 0, 0, time.UTC)
	children := []string{"a", "b"}
	body := `{"key":"k-{seq}","child":"{child}","at":"{day}T08:00:00Z"}`
	assert.Equal(t, `{"key":"k-0","child":"a","at":"2026-03-09T08:00:00Z"}`, expand(body, 0, children, now, 0))
	assert.Equal(t, `{"key":"k-1","child":"b","at":"2026-03-09T08:00:00Z"}`, expand(body, 1, children, now, 0))
	assert.Equal(t, `{"key":"k-2","child":"a","at":"2026-03-08T08:00:00Z"}`, expand(body, 2, children, now, 0), "the next round is a day earlier")
	assert.Equal(t, `{"key":"k-0","child":"a","at":"2026-03-07T08:00:00Z"}`, expand(body, 0, children, now, 2), "a later load starts further back")
	assert.Equal(t, `{"n":7}`, expand(`{"n":{seq}}`, 7, nil, now, 0), "{seq} without children")
}
