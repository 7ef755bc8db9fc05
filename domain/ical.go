package domain

import (
	"bufio"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// ICalendar is a calendar as an iCalendar (RFC 5545) object, for a feed
// a phone's calendar subscribes to.
type ICalendar struct {
	// Name is the calendar's name shown by the subscriber (X-WR-CALNAME).
	Name string
	// Now stamps the events that have no Updated time (those made from
	// the opening calendar).
	Now    time.Time
	Events []Event
}

// WriteTo writes the calendar as RFC 5545 text: lines ended by CRLF and
// folded at 75 octets (never inside a UTF-8 sequence), text values
// escaped, times in UTC, all-day events as VALUE=DATE with the day after
// the last as DTEND, each event with its stable UID (Event.UID) and a
// DTSTAMP (when it was last written).
func (c ICalendar) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	b := bufio.NewWriter(cw)
	line := func(name, value string) { writeFolded(b, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//Oppvekst//Enhetskalender//NB")
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	if c.Name != "" {
		line("X-WR-CALNAME", escapeICalText(c.Name))
	}
	line("REFRESH-INTERVAL;VALUE=DURATION", "PT6H")
	for _, e := range c.Events {
		stamp := e.Updated
		if stamp.IsZero() {
			stamp = c.Now
		}
		line("BEGIN", "VEVENT")
		line("UID", e.UID())
		line("DTSTAMP", icalTime(stamp))
		if e.AllDay {
			line("DTSTART;VALUE=DATE", e.StartDay.Format("20060102"))
			line("DTEND;VALUE=DATE", e.EndDay.AddDate(0, 0, 1).Format("20060102"))
			line("TRANSP", "TRANSPARENT")
		} else {
			line("DTSTART", icalTime(e.Start))
			line("DTEND", icalTime(e.End))
		}
		line("SUMMARY", escapeICalText(e.Title))
		if e.Description != "" {
			line("DESCRIPTION", escapeICalText(e.Description))
		}
		if e.Place != "" {
			line("LOCATION", escapeICalText(e.Place))
		}
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	err := b.Flush()
	return cw.n, err
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func icalTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// escapeICalText escapes a TEXT value (RFC 5545, 3.3.11): backslash,
// semicolon, comma and line breaks; other control characters are dropped.
func escapeICalText(s string) string {
	var b strings.Builder
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case ';':
			b.WriteString(`\;`)
		case ',':
			b.WriteString(`\,`)
		case '\n', '\r':
			b.WriteString(`\n`)
		default:
			if r < 0x20 && r != '\t' || r == 0x7f {
				continue
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// writeFolded writes a content line ended by CRLF, folded so that no line
// is longer than 75 octets: a continuation line starts with one space.
func writeFolded(b *bufio.Writer, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}
