package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/oppvekst/oppvekst/domain"
)

// SessionCookie carries the session token. The token itself is never
// stored: sessions are kept under its SHA-256.
const SessionCookie = "oppvekst_session"

// SessionTTL is how long a session lasts without use.
const SessionTTL = 8 * time.Hour

// DefaultSessionLifetime is how long a session lasts at most, used or not
// (-session-lifetime): a working day and then some. Reaching it, the user
// logs in again.
const DefaultSessionLifetime = 12 * time.Hour

// Session is one logged-in user.
type Session struct {
	Actor   domain.Actor
	Name    string // shown in the header
	Persona string // the demo persona, if it is one
	Created time.Time
	Expires time.Time
	// Provider logged the user in (idporten, feide; "" for the demo) and
	// issued IdToken, which the logout there sends back as id_token_hint.
	Provider, IdToken string
	// staff is the staff member the actor names and their grants, when the
	// store read them with the session (domain.SessionStaffReader).
	staff *staffNow
}

// staffNow is a staff member as stored (nil when gone) and their grants.
type staffNow struct {
	member *domain.StaffMember
	grants []domain.Grant
}

// Sessions keeps the sessions in the store (domain.SessionStore), so any
// instance of the app serves any user and a restart logs no one out. The
// cookie holds "<kommunenummer>.<token>"; the store keeps the token's
// SHA-256 only. A session ends SessionTTL after its last use (sliding) and
// at the latest lifetime after the login (absolute), whichever is first.
type Sessions struct {
	store    domain.SessionStore
	Lifetime time.Duration
}

func newSessions(store domain.SessionStore) *Sessions {
	return &Sessions{store: store, Lifetime: DefaultSessionLifetime}
}

// expiry is when a session created at created and used at now ends if not
// used again: SessionTTL on, but never past its lifetime.
func (s *Sessions) expiry(created, now time.Time) time.Time {
	if end := created.Add(s.Lifetime); end.Before(now.Add(SessionTTL)) {
		return end
	}
	return now.Add(SessionTTL)
}

func TokenKey(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// RandomToken returns 32 random bytes, base64url.
func RandomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// SplitCookie parses "<kommunenummer>.<token>".
func SplitCookie(value string) (domain.Municipality, string, bool) {
	m, token, ok := strings.Cut(value, ".")
	if !ok || token == "" || domain.Municipality(m).Validate() != nil {
		return "", "", false
	}
	return domain.Municipality(m), token, true
}

// Create starts a session and returns the cookie value. Expired sessions
// of the municipality are swept at the same time.
func (s *Sessions) Create(ctx context.Context, sess Session, now time.Time) (string, error) {
	token := RandomToken()
	m := sess.Actor.Municipality
	ctx = domain.WithMunicipality(ctx, m)
	if _, err := s.store.DeleteExpiredSessions(ctx, m, now); err != nil {
		return "", err
	}
	err := s.store.SaveSession(ctx, domain.Session{Municipality: m, TokenHash: TokenKey(token), Actor: sess.Actor,
		Name: sess.Name, Persona: sess.Persona, Created: now, Expires: s.expiry(now, now), Provider: sess.Provider, IDToken: sess.IdToken})
	if err != nil {
		return "", err
	}
	return string(m) + "." + token, nil
}

// Get returns the live session of the cookie value, extending it when
// half its time has passed, up to its lifetime. A session past its
// lifetime is not live, even if the store still holds a later expiry (the
// lifetime was shortened since).
func (s *Sessions) Get(ctx context.Context, value string, now time.Time) (Session, bool, error) {
	m, token, ok := SplitCookie(value)
	if !ok {
		return Session{}, false, nil
	}
	ctx = domain.WithMunicipality(ctx, m)
	var (
		stored domain.Session
		staff  *staffNow
		err    error
	)
	if r, ok := s.store.(domain.SessionStaffReader); ok {
		staff = &staffNow{}
		stored, staff.member, staff.grants, err = r.SessionWithStaff(ctx, m, TokenKey(token))
	} else {
		stored, err = s.store.Session(ctx, m, TokenKey(token))
	}
	if domain.IsNotFound(err) {
		return Session{}, false, nil
	}
	if err != nil {
		return Session{}, false, err
	}
	if stored.Created.IsZero() || !now.Before(stored.Expires) || !now.Before(stored.Created.Add(s.Lifetime)) {
		return Session{}, false, nil
	}
	if next := s.expiry(stored.Created, now); stored.Expires.Sub(now) < SessionTTL/2 && next.After(stored.Expires) {
		stored.Expires = next
		if err := s.store.SaveSession(ctx, stored); err != nil {
			return Session{}, false, err
		}
	}
	return Session{Actor: stored.Actor, Name: stored.Name, Persona: stored.Persona, Created: stored.Created, Expires: stored.Expires,
		Provider: stored.Provider, IdToken: stored.IDToken, staff: staff}, true, nil
}

// delete ends the session of the cookie value.
func (s *Sessions) delete(ctx context.Context, value string) error {
	m, token, ok := SplitCookie(value)
	if !ok {
		return nil
	}
	return s.store.DeleteSession(domain.WithMunicipality(ctx, m), m, TokenKey(token))
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
func (a *App) startSession(w http.ResponseWriter, r *http.Request, sess Session) error {
	if c, err := r.Cookie(SessionCookie); err == nil {
		if err := a.Sessions.delete(r.Context(), c.Value); err != nil {
			return err
		}
	}
	value, err := a.Sessions.Create(r.Context(), sess, time.Now())
	if err != nil {
		return err
	}
	// The browser keeps the cookie as long as the session may live; the
	// store ends it sooner when it is not used.
	setCookie(w, r, SessionCookie, value, int(a.Sessions.Lifetime.Seconds()))
	a.Log.Info("login", "actor", sess.Actor.String(), "persona", sess.Persona)
	return nil
}

// currentSession returns the request's session, if any. Sessions expire by
// the wall clock, not the app's domain clock (which a demo may fix).
func (a *App) currentSession(r *http.Request) (Session, bool, error) {
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return Session{}, false, nil
	}
	sess, ok, err := a.Sessions.Get(r.Context(), c.Value, time.Now())
	if err != nil || !ok || sess.Actor.Staff.IsZero() {
		return sess, ok, err
	}
	// A staff member acts with the grants in force now, not at login.
	live, ok, err := a.refreshStaff(domain.WithMunicipality(r.Context(), sess.Actor.Municipality), sess)
	if err == nil && !ok {
		err = a.Sessions.delete(r.Context(), c.Value)
	}
	return live, ok, err
}

// Limiter limits attempts per client: at most max in each window. With
// Shared set (several instances of the app on one PostgreSQL), the
// attempts are counted in the store, in fixed windows (the window's start
// is the time truncated to the window), so that the limit holds across
// every instance; a store that does not answer falls back to this
// process's own count. Without it the count is the process's own, the
// window starting at a client's first attempt.
type Limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	seen   map[string]*attempts
	Shared domain.AttemptStore
	Log    *slog.Logger // where a store that does not answer is logged
}

type attempts struct {
	start time.Time
	n     int
}

func NewLimiter(max int, window time.Duration) *Limiter {
	return &Limiter{max: max, window: window, seen: map[string]*attempts{}}
}

// allow counts an attempt by the client and reports whether it is within
// the limit.
func (l *Limiter) allow(ctx context.Context, client string, now time.Time) bool {
	if l.Shared != nil {
		// The client's address is kept as a hash only.
		n, err := l.Shared.CountAttempt(ctx, "login:"+TokenKey(client)[:32], now.Truncate(l.window))
		if err == nil {
			return n <= l.max
		}
		if l.Log != nil {
			l.Log.Error("login limiter: the store does not count; this instance counts alone", "err", err)
		}
	}
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
func (a *App) clientOf(r *http.Request) string {
	if a.ClientIPHeader != "" {
		if v := r.Header.Values(a.ClientIPHeader); len(v) > 0 {
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
