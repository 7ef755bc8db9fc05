package registryweb

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// Open notices come first, the newest change first within open and
// handled alike.
func TestSortNotices(t *testing.T) {
	at := time.Date(2025, 11, 24, 12, 0, 0, 0, time.UTC)
	vs := []NoticeView{{Sequence: 1}, {Sequence: 5, Handled: at}, {Sequence: 3}, {Sequence: 7, Handled: at}, {Sequence: 2}}
	sortNotices(vs)
	var got []int64
	for _, v := range vs {
		got = append(got, v.Sequence)
	}
	assert.Equal(t, []int64{3, 2, 1, 7, 5}, got)
	assert.Equal(t, "death", kindKey("registry.death"))
	assert.Equal(t, "other", kindKey("other"))
}
