// Package smtptest is a small but real SMTP server for tests: it listens on
// a loopback TCP port, speaks EHLO/HELO, MAIL, RCPT, DATA (with
// dot-unstuffing), RSET, NOOP and QUIT, and records every message it
// accepts. It can be told to refuse or stall the next message.
package smtptest

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
)

// Message is one accepted message.
type Message struct {
	From string
	To   []string
	// Data is the message as received (headers and body, CRLF line
	// endings), with the transparency dots removed.
	Data []byte
}

// Server is a running SMTP server.
type Server struct {
	// Addr is host:port of the listener.
	Addr string

	ln     net.Listener
	wg     sync.WaitGroup
	mu     sync.Mutex
	msgs   []Message
	fail   string // reply to the next DATA instead of 250
	stall  bool   // leave the next DATA unanswered
	done   chan struct{}
	conns  map[net.Conn]struct{}
	closed bool
}

// Start listens on 127.0.0.1 on a free port and serves until Close.
func Start() (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{Addr: ln.Addr().String(), ln: ln, done: make(chan struct{}), conns: map[net.Conn]struct{}{}}
	s.wg.Add(1)
	go s.serve()
	return s, nil
}

// Messages returns the accepted messages in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// FailNext makes the server answer the next message's DATA with code and
// text (e.g. 451 for a temporary, 550 for a permanent failure).
func (s *Server) FailNext(code int, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = fmt.Sprintf("%d %s", code, text)
}

// StallNext makes the server leave the next message's DATA unanswered until
// the client hangs up.
func (s *Server) StallNext() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stall = true
}

// Close stops the server and closes every connection.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.done)
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	err := s.ln.Close()
	s.wg.Wait()
	return err
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.conns[c] = struct{}{}
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer func() {
				s.mu.Lock()
				delete(s.conns, c)
				s.mu.Unlock()
				c.Close()
			}()
			s.session(c)
		}()
	}
}

// errQuit ends a session.
var errQuit = errors.New("quit")

// session speaks SMTP on one connection.
func (s *Server) session(c net.Conn) {
	r := bufio.NewReader(c)
	w := bufio.NewWriter(c)
	reply := func(lines ...string) error {
		for _, l := range lines {
			if _, err := w.WriteString(l + "\r\n"); err != nil {
				return err
			}
		}
		return w.Flush()
	}
	if reply("220 smtptest ESMTP ready") != nil {
		return
	}
	var greeted bool
	var from string
	var to []string
	haveFrom := false
	for {
		line, err := readLine(r)
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			greeted = true
			err = reply("250-smtptest greets "+arg, "250-8BITMIME", "250-SIZE 26214400", "250 HELP")
		case "HELO":
			greeted = true
			err = reply("250 smtptest")
		case "MAIL":
			addr, ok := path(arg, "FROM:")
			switch {
			case !greeted:
				err = reply("503 5.5.1 EHLO first")
			case !ok:
				err = reply("501 5.5.4 syntax: MAIL FROM:<address>")
			default:
				from, to, haveFrom = addr, nil, true
				err = reply("250 2.1.0 OK")
			}
		case "RCPT":
			addr, ok := path(arg, "TO:")
			switch {
			case !haveFrom:
				err = reply("503 5.5.1 MAIL first")
			case !ok || addr == "":
				err = reply("501 5.5.4 syntax: RCPT TO:<address>")
			default:
				to = append(to, addr)
				err = reply("250 2.1.5 OK")
			}
		case "DATA":
			if len(to) == 0 {
				err = reply("503 5.5.1 RCPT first")
				break
			}
			if err = reply("354 end data with <CR><LF>.<CR><LF>"); err != nil {
				return
			}
			data, rerr := readData(r)
			if rerr != nil {
				return
			}
			s.mu.Lock()
			fail, stall := s.fail, s.stall
			s.fail, s.stall = "", false
			if fail == "" && !stall {
				s.msgs = append(s.msgs, Message{From: from, To: to, Data: data})
			}
			s.mu.Unlock()
			switch {
			case stall:
				// Wait for the client to give up (or the server to close).
				_, _ = r.ReadByte()
				return
			case fail != "":
				err = reply(fail)
			default:
				err = reply("250 2.0.0 OK queued")
			}
			from, to, haveFrom = "", nil, false
		case "RSET":
			from, to, haveFrom = "", nil, false
			err = reply("250 2.0.0 OK")
		case "NOOP":
			err = reply("250 2.0.0 OK")
		case "QUIT":
			_ = reply("221 2.0.0 bye")
			return
		default:
			err = reply("500 5.5.2 command not recognised")
		}
		if err != nil {
			return
		}
	}
}

// readLine reads one CRLF (or LF) terminated line without its ending.
func readLine(r *bufio.Reader) (string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// readData reads the message up to the line with a single dot, removing
// the dot that the client put before every line starting with a dot.
func readData(r *bufio.Reader) ([]byte, error) {
	var b strings.Builder
	for {
		line, err := readLine(r)
		if err != nil {
			return nil, err
		}
		if line == "." {
			return []byte(b.String()), nil
		}
		line = strings.TrimPrefix(line, ".")
		b.WriteString(line)
		b.WriteString("\r\n")
	}
}

// path parses "FROM:<addr> params" (or "TO:<addr>"), prefix case-insensitive.
func path(arg, prefix string) (string, bool) {
	if len(arg) < len(prefix) || !strings.EqualFold(arg[:len(prefix)], prefix) {
		return "", false
	}
	rest := strings.TrimSpace(arg[len(prefix):])
	if !strings.HasPrefix(rest, "<") {
		return "", false
	}
	end := strings.IndexByte(rest, '>')
	if end < 0 {
		return "", false
	}
	return rest[1:end], true
}
