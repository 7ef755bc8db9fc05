package smtp_test

import (
	"bytes"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oppvekst/oppvekst/adapters/smtp"
	"github.com/oppvekst/oppvekst/adapters/smtp/smtptest"
	"github.com/oppvekst/oppvekst/adapters/transporttest"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

func start(t *testing.T) *smtptest.Server {
	srv, err := smtptest.Start()
	require.NoError(t, err)
	t.Cleanup(func() { srv.Close() })
	return srv
}

// decode reads a received message back into what the transport was given.
func decode(t *testing.T, m smtptest.Message) transporttest.Received {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	require.NoError(t, err)
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	require.NoError(t, err)
	assert.Equal(t, "text/plain; charset=utf-8", msg.Header.Get("Content-Type"))
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	require.NoError(t, err)
	text := strings.TrimSuffix(strings.ReplaceAll(string(body), "\r\n", "\n"), "\n")
	key := msg.Header.Get(smtp.HeaderKey)
	assert.Equal(t, "<"+smtp.MessageID(key, "example.no")+">", msg.Header.Get("Message-ID"))
	require.Len(t, m.To, 1)
	return transporttest.Received{Key: key, To: m.To[0], Subject: subject, Body: text}
}

func newTransport(t *testing.T, srv *smtptest.Server) *smtp.Transport {
	tr, err := smtp.New(smtp.Options{Addr: srv.Addr, From: "noreply@example.no", FromName: "Oslo kommune – Oppvekst",
		Clock: domain.FixedClock(time.Date(2025, 3, 10, 9, 0, 0, 0, domain.Oslo()))})
	require.NoError(t, err)
	return tr
}

func TestTransport(t *testing.T) {
	transporttest.Run(t, func(t *testing.T) transporttest.Target {
		srv := start(t)
		return transporttest.Target{
			Transport: newTransport(t, srv), To: "forelder@example.no",
			Received: func() []transporttest.Received {
				var out []transporttest.Received
				for _, m := range srv.Messages() {
					out = append(out, decode(t, m))
				}
				return out
			},
			Fail: func(f transporttest.Failure) {
				if f == transporttest.Permanent {
					srv.FailNext(550, "5.1.1 mailbox unavailable")
				} else {
					srv.FailNext(451, "4.3.0 try again later")
				}
			},
			Stall: srv.StallNext,
		}
	})
}

func TestHeaders(t *testing.T) {
	srv := start(t)
	tr := newTransport(t, srv)
	d := messaging.Delivery{Key: "message.new/1/g\r\nBcc: evil@example.com", To: "forelder@example.no",
		Subject: "Hei\r\nBcc: evil@example.com", Body: "<b>fet</b>", Urgent: true, Medium: messaging.Email}
	require.NoError(t, tr.Send(t.Context(), d))
	ms := srv.Messages()
	require.Len(t, ms, 1)
	assert.Equal(t, "noreply@example.no", ms[0].From)
	assert.Equal(t, []string{"forelder@example.no"}, ms[0].To, "no header injection adds a recipient")
	msg, err := mail.ReadMessage(bytes.NewReader(ms[0].Data))
	require.NoError(t, err)
	assert.Empty(t, msg.Header.Get("Bcc"))
	assert.Equal(t, "high", msg.Header.Get("Importance"))
	assert.Equal(t, "Mon, 10 Mar 2025 09:00:00 +0100", msg.Header.Get("Date"))
	body, _ := io.ReadAll(quotedprintable.NewReader(msg.Body))
	assert.Contains(t, string(body), "<b>fet</b>", "sent as plain text, not markup")
}

func TestBadAddressIsPermanent(t *testing.T) {
	srv := start(t)
	tr := newTransport(t, srv)
	for _, to := range []string{"not an address", "a@b.no\r\nRCPT TO:<x@y.no>", "Navn <a@b.no>"} {
		err := tr.Send(t.Context(), messaging.Delivery{Key: "k", To: to, Body: "b"})
		assert.True(t, messaging.IsPermanent(err), "%q: %v", to, err)
	}
	assert.Empty(t, srv.Messages())
}

func TestNewRefusesBadOptions(t *testing.T) {
	_, err := smtp.New(smtp.Options{Addr: "nohost", From: "a@b.no"})
	assert.Error(t, err)
	_, err = smtp.New(smtp.Options{Addr: "127.0.0.1:25", From: "Navn <a@b.no>"})
	assert.Error(t, err)
}

func TestServerDownIsRetryable(t *testing.T) {
	srv := start(t)
	tr := newTransport(t, srv)
	require.NoError(t, srv.Close())
	err := tr.Send(t.Context(), messaging.Delivery{Key: "k", To: "a@b.no", Body: "b"})
	require.Error(t, err)
	assert.False(t, messaging.IsPermanent(err))
}
