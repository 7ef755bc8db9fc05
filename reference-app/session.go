package main

import (
	"context"
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

// defaultSessionLifetime is how long a session lasts at most, used or not
// (-session-lifetime): a working day and then some. Reaching it, the user
// logs in again.
const defaultSessionLifetime = 12 * time.Hour

// session is one logged-in user.
type session struct {
	actor   domain.Actor
	name    string // shown in the header
	persona string // the demo persona, if it is one
	created time.Time
	expires time.Time
	// provider logged the user in (idporten, feide; "" for the demo) and
	// issued idToken, which the logout there sends back as id_token_hint.
	provider, idToken string
}

// sessions keeps the sessions in the store (domain.SessionStore), so any
// instance of the app serves any user and a restart logs no one out. The
// cookie holds "<kommunenummer>.<token>"; the store keeps the token's
// SHA-256 only. A session ends sessionTTL after its last use (sliding) and
// at the latest lifetime after the login (absolute), whichever is first.
type sessions struct {
	store    domain.SessionStore
	lifetime time.Duration
}

func newSessions(store domain.SessionStore) *sessions {
	return &sessions{store: store, lifetime: defaultSessionLifetime}
}

// expiry is when a session created at created and used at now ends if not
// used again: sessionTTL on, but never past its lifetime.
func (s *sessions) expiry(created, now time.Time) time.Time {
	if end := created.Add(s.lifetime); end.Before(now.Add(sessionTTL)) {
		return end
	}
	return now.Add(sessionTTL)
}

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

// splitCookie parses "<kommunenummer>.<token>".
func splitCookie(value string) (domain.Municipality, string, bool) {
	m, token, ok := strings.Cut(value, ".")
	if !ok || token == "" || domain.Municipality(m).Validate() != nil {
		return "", "", false
	}
	return domain.Municipality(m), token, true
}

// create starts a session and returns the cookie value. Expired sessions
// of the municipality are swept at the same time.
func (s *sessions) create(ctx context.Context, sess session, now time.Time) (string, error) {
	token := randomToken()
	m := sess.actor.Municipality
	if _, err := s.store.DeleteExpiredSessions(ctx, m, now); err != nil {
		return "", err
	}
	err := s.store.SaveSession(ctx, domain.Session{Municipality: m, TokenHash: tokenKey(token), Actor: sess.actor,
		Name: sess.name, Persona: sess.persona, Created: now, Expires: s.expiry(now, now), Provider: sess.provider, IDToken: sess.idToken})
	if err != nil {
		return "", err
	}
	return string(m) + "." + token, nil
}

// get returns the live session of the cookie value, extending it when
// half its time has passed, up to its lifetime. A session past its
// lifetime is not live, even if the store still holds a later expiry (the
// lifetime was shortened since).
func (s *sessions) get(ctx context.Context, value string, now time.Time) (session, bool, error) {
	m, token, ok := splitCookie(value)
	if !ok {
		return session{}, false, nil
	}
	stored, err := s.store.Session(ctx, m, tokenKey(token))
	if domain.IsNotFound(err) {
		return session{}, false, nil
	}
	if err != nil {
		return session{}, false, err
	}
	if stored.Created.IsZero() || !now.Before(stored.Expires) || !now.Before(stored.Created.Add(s.lifetime)) {
		return session{}, false, nil
	}
	if next := s.expiry(stored.Created, now); stored.Expires.Sub(now) < sessionTTL/2 && next.After(stored.Expires) {
		stored.Expires = next
		if err := s.store.SaveSession(ctx, stored); err != nil {
			return session{}, false, err
		}
	}
	return session{actor: stored.Actor, name: stored.Name, persona: stored.Persona, created: stored.Created, expires: stored.Expires,
		provider: stored.Provider, idToken: stored.IDToken}, true, nil
}

// delete ends the session of the cookie value.
func (s *sessions) delete(ctx context.Context, value string) error {
	m, token, ok := splitCookie(value)
	if !ok {
		return nil
	}
	return s.store.DeleteSession(ctx, m, tokenKey(token))
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
func (a *app) startSession(w http.ResponseWriter, r *http.Request, sess session) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := a.sessions.delete(r.Context(), c.Value); err != nil {
			return err
		}
	}
	value, err := a.sessions.create(r.Context(), sess, time.Now())
	if err != nil {
		return err
	}
	// The browser keeps the cookie as long as the session may live; the
	// store ends it sooner when it is not used.
	setCookie(w, r, sessionCookie, value, int(a.sessions.lifetime.Seconds()))
	a.log.Info("login", "actor", sess.actor.String(), "persona", sess.persona)
	return nil
}

// currentSession returns the request's session, if any. Sessions expire by
// the wall clock, not the app's domain clock (which a demo may fix).
func (a *app) currentSession(r *http.Request) (session, bool, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return session{}, false, nil
	}
	return a.sessions.get(r.Context(), c.Value, time.Now())
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
