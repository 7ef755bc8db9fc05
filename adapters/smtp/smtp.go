// Package smtp is a messaging.Transport that sends deliveries as plain-text
// e-mail over SMTP (net/smtp), with STARTTLS when the server offers it and a
// TLS config is given.
//
// Each message carries the delivery's idempotency key twice: in the header
// Oppvekst-Key, and folded into the Message-ID (a hash of the key), so a
// repeat after a crash has the same Message-ID and mail systems can drop it.
// The body is text/plain in UTF-8, quoted-printable: HTML in a message is
// never sent as markup.
//
// A 5xx reply is a permanent failure (messaging.Permanent); a 4xx reply, a
// network error or a timeout is retried.
package smtp

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
)

// HeaderKey is the header that carries the idempotency key.
const HeaderKey = "Oppvekst-Key"

// Options configure a Transport.
type Options struct {
	// Addr is the server's host:port.
	Addr string
	// From is the sender address, FromName its display name.
	From     string
	FromName string
	// Hello is the name given in EHLO; "localhost" when empty.
	Hello string
	// TLS, when set, is used for STARTTLS if the server offers it.
	TLS *tls.Config
	// Auth, when set, authenticates after STARTTLS.
	Auth smtp.Auth
	// Domain is the right-hand side of Message-IDs; the From domain when
	// empty.
	Domain string
	// Clock dates the messages; the system clock when nil.
	Clock domain.Clock
	// Timeout bounds one send when ctx has no deadline; 30 s when zero.
	Timeout time.Duration
}

// Transport sends deliveries by SMTP.
type Transport struct{ opts Options }

// New returns an SMTP transport.
func New(opts Options) (*Transport, error) {
	if _, _, err := net.SplitHostPort(opts.Addr); err != nil {
		return nil, fmt.Errorf("smtp: Addr: %w", err)
	}
	from, err := mail.ParseAddress(opts.From)
	if err != nil || from.Name != "" {
		return nil, fmt.Errorf("smtp: From %q is not a bare address", opts.From)
	}
	if opts.Hello == "" {
		opts.Hello = "localhost"
	}
	if opts.Domain == "" {
		_, opts.Domain, _ = strings.Cut(opts.From, "@")
	}
	if opts.Clock == nil {
		opts.Clock = domain.SystemClock{}
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	return &Transport{opts: opts}, nil
}

// Medium is messaging.Email.
func (t *Transport) Medium() messaging.Medium { return messaging.Email }

// MessageID is the Message-ID of a delivery's key (without the angle
// brackets): the same key gives the same ID.
func MessageID(key, domain string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:16]) + "@" + domain
}

// clean drops line breaks and other controls from a header value.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// compose writes the message of a delivery.
func (t *Transport) compose(d messaging.Delivery) ([]byte, error) {
	var b bytes.Buffer
	h := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	from := (&mail.Address{Name: t.opts.FromName, Address: t.opts.From}).String()
	h("From", from)
	h("To", (&mail.Address{Address: d.To}).String())
	h("Subject", mime.QEncoding.Encode("utf-8", clean(d.Subject)))
	h("Date", t.opts.Clock.Now().Format(time.RFC1123Z))
	h("Message-ID", "<"+MessageID(d.Key, t.opts.Domain)+">")
	h(HeaderKey, clean(d.Key))
	if d.Urgent {
		h("Importance", "high")
		h("X-Priority", "1")
	}
	h("MIME-Version", "1.0")
	h("Content-Type", "text/plain; charset=utf-8")
	h("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(d.Body)); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	b.WriteString("\r\n")
	return b.Bytes(), nil
}

// Send delivers one message: one connection, EHLO, (STARTTLS, AUTH,) MAIL,
// RCPT, DATA, QUIT.
func (t *Transport) Send(ctx context.Context, d messaging.Delivery) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if a, err := mail.ParseAddress(d.To); err != nil || a.Address != d.To {
		return messaging.Permanent(fmt.Errorf("smtp: %q is not an e-mail address", d.To))
	}
	msg, err := t.compose(d)
	if err != nil {
		return messaging.Permanent(err)
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t.opts.Timeout)
		defer cancel()
	}
	var dialer net.Dialer
	conn, err := dialer.DialContext(ctx, "tcp", t.opts.Addr)
	if err != nil {
		return t.fail(ctx, err)
	}
	defer conn.Close()
	// When ctx ends, every blocked read and write fails at once.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	host, _, _ := net.SplitHostPort(t.opts.Addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return t.fail(ctx, err)
	}
	if err := t.session(c, d, msg); err != nil {
		return t.fail(ctx, err)
	}
	return nil
}

func (t *Transport) session(c *smtp.Client, d messaging.Delivery, msg []byte) error {
	if err := c.Hello(t.opts.Hello); err != nil {
		return err
	}
	if ok, _ := c.Extension("STARTTLS"); ok && t.opts.TLS != nil {
		if err := c.StartTLS(t.opts.TLS); err != nil {
			return err
		}
	}
	if t.opts.Auth != nil {
		if err := c.Auth(t.opts.Auth); err != nil {
			return err
		}
	}
	if err := c.Mail(t.opts.From); err != nil {
		return err
	}
	if err := c.Rcpt(d.To); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// fail classifies an error: the ctx's own error when it ended, permanent
// for a 5xx reply, retryable otherwise.
func (t *Transport) fail(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("smtp: %w (%v)", ctx.Err(), err)
	}
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return messaging.Permanent(fmt.Errorf("smtp: %w", err))
	}
	return fmt.Errorf("smtp: %w", err)
}
