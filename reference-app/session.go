package main

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/oppvekst/oppvekst/domain"
)

// sessionCookie carries the session token. The token itself is never
// stored: sessions are kept under its SHA-256.
const sessionCookie = "oppvekst_session"

// sessionTTL is how long a session lasts without use.
const sessionTTL = 8 * time.Hour

// session is one logged-in user.
type session struct {
	actor   domain.Actor
	name    string // shown in the header
	persona string // the demo persona, if it is one
	expires time.Time
}

// sessions keeps the sessions of this process in memory: a restart logs
// everyone out (a deployment with several instances uses sticky sessions
// or keeps them in the store; see README).
type sessions struct {
	mu sync.Mutex
	m  map[string]session
}

func newSessions() *sessions { return &sessions{m: map[string]session{}} }

func tokenKey(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// randomToken returns 32 random bytes, base64url.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// create starts a session and returns its token.
func (s *sessions) create(sess session, now time.Time) string {
	token := randomToken()
	sess.expires = now.Add(sessionTTL)
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.m { // sweep expired sessions now and then
		if now.After(v.expires) {
			delete(s.m, k)
		}
	}
	s.m[tokenKey(token)] = sess
	return token
}

// get returns the live session of the token and extends it.
func (s *sessions) get(token string, now time.Time) (session, bool) {
	if token == "" {
		return session{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := tokenKey(token)
	sess, ok := s.m[k]
	if !ok || now.After(sess.expires) {
		delete(s.m, k)
		return session{}, false
	}
	sess.expires = now.Add(sessionTTL)
	s.m[k] = sess
	return sess, true
}

func (s *sessions) delete(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, tokenKey(token))
}

// localHost reports whether the request came to localhost, where cookies
// may go without TLS.
func localHost(r *http.Request) bool {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// setCookie sets a cookie the way every cookie of the app is set:
// HttpOnly, SameSite=Lax, Secure outside localhost.
func setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   !localHost(r) || r.TLS != nil,
		SameSite: http.SameSiteLaxMode,
	})
}

// startSession logs the user in: any session the browser had is ended and
// a new token issued (rotation at login).
func (a *app) startSession(w http.ResponseWriter, r *http.Request, sess session) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		a.sessions.delete(c.Value)
	}
	token := a.sessions.create(sess, a.clock.Now())
	setCookie(w, r, sessionCookie, token, int(sessionTTL.Seconds()))
	a.log.Info("login", "actor", sess.actor.String(), "persona", sess.persona)
}

// currentSession returns the request's session, if any.
func (a *app) currentSession(r *http.Request) (session, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return session{}, false
	}
	return a.sessions.get(c.Value, a.clock.Now())
}

// limiter limits attempts per client: at most max in each window.
type limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	seen   map[string]*attempts
}

type attempts struct {
	start time.Time
	n     int
}

func newLimiter(max int, window time.Duration) *limiter {
	return &limiter{max: max, window: window, seen: map[string]*attempts{}}
}

// allow counts an attempt by the client and reports whether it is within
// the limit.
func (l *limiter) allow(client string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	a := l.seen[client]
	if a == nil || now.Sub(a.start) >= l.window {
		if len(l.seen) > 10000 {
			for k, v := range l.seen {
				if now.Sub(v.start) >= l.window {
					delete(l.seen, k)
				}
			}
		}
		a = &attempts{start: now}
		l.seen[client] = a
	}
	a.n++
	return a.n <= l.max
}

// clientOf is the client address of a request: the remote IP, or behind a
// reverse proxy the last address in the header the proxy sets
// (-client-ip-header, e.g. X-Forwarded-For), which only the proxy can
// append to.
func (a *app) clientOf(r *http.Request) string {
	if a.clientIPHeader != "" {
		if v := r.Header.Values(a.clientIPHeader); len(v) > 0 {
			parts := strings.Split(v[len(v)-1], ",")
			if ip := strings.TrimSpace(parts[len(parts)-1]); ip != "" {
				return ip
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
