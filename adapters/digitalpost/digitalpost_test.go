package digitalpost_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/digitalpost"
	"github.com/oppvekst/oppvekst/adapters/transporttest"
	"github.com/oppvekst/oppvekst/messaging"
)

// syncBuffer is a bytes.Buffer safe for the logger and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

const nationalID = "01028012345"

func TestTransport(t *testing.T) {
	transporttest.Run(t, func(t *testing.T) transporttest.Target {
		buf := &syncBuffer{}
		l := digitalpost.NewLogger(slog.New(slog.NewJSONHandler(buf, nil)))
		return transporttest.Target{Transport: l, To: nationalID, Opaque: true,
			Received: func() []transporttest.Received {
				var out []transporttest.Received
				for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
					if line == "" {
						continue
					}
					var rec map[string]any
					require.NoError(t, json.Unmarshal([]byte(line), &rec))
					out = append(out, transporttest.Received{Key: rec["key"].(string), To: nationalID})
					// The log never holds the text or the full national ID.
					assert.NotContains(t, line, nationalID)
					assert.NotContains(t, line, "matpakke")
					assert.Equal(t, "010280*****", rec["to"])
				}
				return out
			}}
	})
}

func TestMask(t *testing.T) {
	assert.Equal(t, "010280*****", digitalpost.Mask(nationalID))
	assert.Equal(t, "***", digitalpost.Mask("guardian:abc"))
	assert.Equal(t, messaging.DigitalMailbox, digitalpost.NewLogger(nil).Medium())
}
