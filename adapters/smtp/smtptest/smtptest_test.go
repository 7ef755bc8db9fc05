package smtptest_test

import (
	"bufio"
	"net"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/smtp/smtptest"
)

// A raw session: the server enforces command order and removes the
// transparency dots.
func TestRawSession(t *testing.T) {
	srv, err := smtptest.Start()
	require.NoError(t, err)
	defer srv.Close()
	c, err := net.Dial("tcp", srv.Addr)
	require.NoError(t, err)
	defer c.Close()
	r := bufio.NewReader(c)
	code := func() string {
		var last string
		for {
			line, err := r.ReadString('\n')
			require.NoError(t, err)
			last = line
			if len(line) < 4 || line[3] != '-' {
				return last[:3]
			}
		}
	}
	send := func(s string) string {
		_, err := c.Write([]byte(s + "\r\n"))
		require.NoError(t, err)
		return code()
	}
	assert.Equal(t, "220", code())
	assert.Equal(t, "503", send("MAIL FROM:<a@b.no>"), "EHLO first")
	assert.Equal(t, "250", send("EHLO test"))
	assert.Equal(t, "503", send("RCPT TO:<c@d.no>"), "MAIL first")
	assert.Equal(t, "250", send("MAIL FROM:<a@b.no> BODY=8BITMIME"))
	assert.Equal(t, "501", send("RCPT TO:c@d.no"))
	assert.Equal(t, "250", send("RCPT TO:<c@d.no>"))
	assert.Equal(t, "354", send("DATA"))
	assert.Equal(t, "250", send("Subject: x\r\n\r\n..punktum\r\n..\r\n."))
	assert.Equal(t, "500", send("VRFY x"))
	assert.Equal(t, "221", send("QUIT"))
	ms := srv.Messages()
	require.Len(t, ms, 1)
	assert.Equal(t, "a@b.no", ms[0].From)
	assert.Equal(t, []string{"c@d.no"}, ms[0].To)
	assert.Equal(t, "Subject: x\r\n\r\n.punktum\r\n.\r\n", string(ms[0].Data))
	assert.True(t, strings.HasSuffix(string(ms[0].Data), "\r\n"))
}
