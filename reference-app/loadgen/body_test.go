package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestExpandBody(t *testing.T) {
	now := time.Date(2026, time.March, 10, 12, 0, 0, 0, time.UTC)
	children := []string{"a", "b"}
	body := `{"key":"k-{seq}","child":"{child}","at":"{day}T08:00:00Z"}`
	assert.Equal(t, `{"key":"k-0","child":"a","at":"2026-03-09T08:00:00Z"}`, expandBody(body, 0, children, now))
	assert.Equal(t, `{"key":"k-1","child":"b","at":"2026-03-09T08:00:00Z"}`, expandBody(body, 1, children, now))
	assert.Equal(t, `{"key":"k-2","child":"a","at":"2026-03-08T08:00:00Z"}`, expandBody(body, 2, children, now), "the next round is a day earlier")
	assert.Equal(t, `{"n":7}`, expandBody(`{"n":{seq}}`, 7, nil, now), "{seq} without children")
}
