package web

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/oidc"
)

// LoginConfig is the login part of the configuration, from the
// environment:
//
//	OPPVEKST_PUBLIC_URL              https://oppvekst.kommune.no (for the redirect URIs)
//	OPPVEKST_IDPORTEN_ISSUER         https://idporten.no
//	OPPVEKST_IDPORTEN_CLIENT_ID      the client registered in ID-porten
//	OPPVEKST_IDPORTEN_CLIENT_SECRET
//	OPPVEKST_FEIDE_ISSUER            https://auth.dataporten.no
//	OPPVEKST_FEIDE_CLIENT_ID
//	OPPVEKST_FEIDE_CLIENT_SECRET
//	OPPVEKST_FEIDE_STAFF             optional JSON file [{"principal", "municipality", "role", "name", "units"}], imported once at start-up (see StaffEntry)
//	OPPVEKST_MUNICIPALITIES          kommunenumre served, comma-separated (guardians are looked up in them)
//
// A provider without an issuer is off. Each provider is registered with two
// URIs: the redirect URI <public URL>/login/<provider>/callback and the
// post-logout redirect URI <public URL>/logout/callback. Its discovery
// document is read at the first login, not at start-up (see oidc.Provider).
type LoginConfig struct {
	PublicURL      string
	IDPorten       *oidc.Config
	Feide          *oidc.Config
	FeideStaff     string
	Municipalities []domain.Municipality
}

// The acr values ID-porten gives for "substantial" and "high", in the
// current and the older naming.
var IDPortenACR = []string{"idporten-loa-substantial", "idporten-loa-high", "substantial", "high"}

func ParseLoginConfig(getenv func(string) string) (LoginConfig, error) {
	c := LoginConfig{PublicURL: strings.TrimSuffix(getenv("OPPVEKST_PUBLIC_URL"), "/"), FeideStaff: getenv("OPPVEKST_FEIDE_STAFF")}
	if s := getenv("OPPVEKST_MUNICIPALITIES"); s != "" {
		for _, part := range strings.Split(s, ",") {
			m, err := domain.ParseMunicipality(strings.TrimSpace(part))
			if err != nil {
				return c, fmt.Errorf("OPPVEKST_MUNICIPALITIES: %w", err)
			}
			c.Municipalities = append(c.Municipalities, m)
		}
	} else {
		c.Municipalities = []domain.Municipality{demo.Municipality, demo.Neighbour}
	}
	provider := func(prefix, name string) (*oidc.Config, error) {
		issuer := getenv(prefix + "_ISSUER")
		if issuer == "" {
			return nil, nil
		}
		if c.PublicURL == "" || getenv(prefix+"_CLIENT_ID") == "" {
			return nil, fmt.Errorf("%s_ISSUER is set: OPPVEKST_PUBLIC_URL and %s_CLIENT_ID are needed too", prefix, prefix)
		}
		// The issuer is not fetched at start-up, so a typo is caught here.
		if u, err := url.Parse(issuer); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, fmt.Errorf("%s_ISSUER must be an https:// URL, not %q", prefix, issuer)
		}
		return &oidc.Config{
			Issuer:        issuer,
			ClientID:      getenv(prefix + "_CLIENT_ID"),
			ClientSecret:  getenv(prefix + "_CLIENT_SECRET"),
			RedirectURL:   c.PublicURL + "/login/" + name + "/callback",
			PostLogoutURL: c.PublicURL + "/logout/callback",
		}, nil
	}
	var err error
	if c.IDPorten, err = provider("OPPVEKST_IDPORTEN", "idporten"); err != nil {
		return c, err
	}
	if c.IDPorten != nil {
		c.IDPorten.Scopes = []string{"profile"}
		c.IDPorten.ACRValues = "idporten-loa-substantial"
		c.IDPorten.AcceptACR = IDPortenACR
		c.IDPorten.Claims = []string{"pid"}
	}
	if c.Feide, err = provider("OPPVEKST_FEIDE", "feide"); err != nil {
		return c, err
	}
	if c.Feide != nil {
		c.Feide.Scopes = []string{"userid-feide", "email"}
		c.Feide.Claims = oidc.FeideClaims
	}
	return c, nil
}

// LoginKind says whom a provider logs in.
type LoginKind int

const (
	GuardianLogin LoginKind = iota // ID-porten: a guardian by national ID
	StaffLogin                     // Feide: a stored staff member with a role in force
)

// LoginProvider is a configured provider.
type LoginProvider struct {
	IDP  IdentityProvider
	Kind LoginKind
}

// pendingLogin is a login started and not yet called back. It travels in
// an HttpOnly cookie of its own, so the callback may reach any instance of
// the app; the state in it must match the state the provider sends back.
type pendingLogin struct {
	Provider string `json:"p"`
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Started  int64  `json:"t"` // Unix seconds
}

func (p pendingLogin) encode() string {
	b, _ := json.Marshal(p)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodePending(s string) (pendingLogin, bool) {
	var p pendingLogin
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &p) != nil || p.State == "" || p.Verifier == "" || p.Nonce == "" {
		return p, false
	}
	return p, true
}

const (
	loginCookie     = "oppvekst_login"
	loginPendingTTL = 10 * time.Minute
)

// ConfigureLogin sets up the configured OIDC providers and reads the staff
// list. Nothing is fetched from the providers: each reads its discovery
// document at its first login, so one that is down at start-up does not
// stop the app (WarmLogin tries them in the background). ID tokens are
// checked against the wall clock, not the app's domain clock (which a demo
// or a test may fix).
func (a *App) ConfigureLogin(ctx context.Context, c LoginConfig) error {
	a.Municipalities = c.Municipalities
	client := &http.Client{Timeout: 10 * time.Second}
	if c.IDPorten != nil {
		a.Providers["idporten"] = LoginProvider{IDP: oidc.NewOIDCProvider(*c.IDPorten, client, time.Now), Kind: GuardianLogin}
	}
	if c.FeideStaff != "" {
		n, err := a.ImportStaffFile(ctx, c.FeideStaff)
		if err != nil {
			return err
		}
		a.Log.Info("staff list imported", "file", c.FeideStaff, "added", n)
	}
	if c.Feide != nil {
		p := oidc.NewOIDCProvider(*c.Feide, client, time.Now)
		a.Providers["feide"] = LoginProvider{IDP: p, Kind: StaffLogin}
	}
	return nil
}

// loginStart sends the browser to the provider with a fresh state, nonce
// and PKCE verifier.
func (a *App) loginStart(w http.ResponseWriter, r *http.Request, c *Call) error {
	name := r.PathValue("provider")
	p, ok := a.Providers[name]
	if !ok {
		return domain.ErrNotFound
	}
	if !a.LoginLimiter.allow(r.Context(), a.clientOf(r), a.Clock.Now()) {
		return api.ErrTooManyAttempts
	}
	state, nonce, verifier := RandomToken(), RandomToken(), RandomToken()
	to, err := p.IDP.AuthCodeURL(r.Context(), state, nonce, verifier)
	if err != nil {
		return a.providerDown(w, name, err)
	}
	pending := pendingLogin{Provider: name, State: state, Nonce: nonce, Verifier: verifier, Started: time.Now().Unix()}
	setCookie(w, r, loginCookie, pending.encode(), int(loginPendingTTL.Seconds()))
	http.Redirect(w, r, to, http.StatusFound)
	return nil
}

// providerDown answers a login whose provider does not answer: 503 with
// Retry-After and a page saying so; any other provider still works.
func (a *App) providerDown(w http.ResponseWriter, name string, err error) error {
	if !errors.Is(err, oidc.ErrUnavailable) {
		return err
	}
	a.Log.Warn("login provider unavailable", "provider", name, "err", err)
	w.Header().Set("Retry-After", fmt.Sprint(int(oidc.DiscoveryRetry.Seconds())))
	return &api.HTTPError{Status: http.StatusServiceUnavailable, Kind: "provider-unavailable", Detail: "the login service does not answer; try again in a minute"}
}

// loginCallback finishes a login: the state must match the browser's
// cookie, the code is redeemed with the verifier, and the identity mapped
// to an actor of a municipality this deployment serves.
func (a *App) loginCallback(w http.ResponseWriter, r *http.Request, c *Call) error {
	name := r.PathValue("provider")
	p, ok := a.Providers[name]
	if !ok {
		return domain.ErrNotFound
	}
	if !a.LoginLimiter.allow(r.Context(), a.clientOf(r), a.Clock.Now()) {
		return api.ErrTooManyAttempts
	}
	q := r.URL.Query()
	state := q.Get("state")
	cookie, err := r.Cookie(loginCookie)
	if state == "" || err != nil {
		return api.BadRequest("login-state", "the login was not started in this browser")
	}
	setCookie(w, r, loginCookie, "", -1)
	pending, ok := decodePending(cookie.Value)
	if !ok || subtle.ConstantTimeCompare([]byte(pending.State), []byte(state)) != 1 || pending.Provider != name {
		return api.BadRequest("login-state", "the login was not started in this browser")
	}
	if time.Since(time.Unix(pending.Started, 0)) > loginPendingTTL {
		return api.BadRequest("login-state", "the login has expired; start again")
	}
	if q.Get("error") != "" || q.Get("code") == "" {
		return &api.HTTPError{Status: http.StatusUnauthorized, Kind: "login-failed", Detail: "the login was cancelled or refused"}
	}
	id, err := p.IDP.Exchange(r.Context(), q.Get("code"), pending.Verifier, pending.Nonce)
	if errors.Is(err, oidc.ErrUnavailable) {
		return a.providerDown(w, name, err)
	}
	if err != nil {
		a.Log.Warn("login refused", "provider", name, "err", err)
		return &api.HTTPError{Status: http.StatusUnauthorized, Kind: "login-failed", Detail: "the login could not be verified"}
	}
	sess, err := a.SessionFor(r.Context(), p.Kind, id)
	if err != nil {
		return err
	}
	sess.Provider, sess.IdToken = name, id.IDToken
	if len(sess.IdToken) > domain.MaxIDToken {
		// Not kept: the logout at the provider goes without the hint.
		a.Log.Warn("ID token too long to keep for the logout", "provider", name, "length", len(sess.IdToken))
		sess.IdToken = ""
	}
	if err := a.startSession(w, r, sess); err != nil {
		return err
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// SessionFor maps a verified identity to the actor it is.
func (a *App) SessionFor(ctx context.Context, kind LoginKind, id oidc.Identity) (Session, error) {
	unknown := &api.HTTPError{Status: http.StatusForbidden, Kind: "unknown-user", Detail: "you are not registered with the municipality"}
	switch kind {
	case GuardianLogin:
		nid, err := domain.ParseNationalID(id.NationalID)
		if err != nil {
			return Session{}, unknown
		}
		for _, m := range a.Municipalities {
			g, err := a.Store.GuardianByNationalID(domain.WithMunicipality(ctx, m), m, nid)
			if domain.IsNotFound(err) {
				continue
			}
			if err != nil {
				return Session{}, err
			}
			return Session{Actor: domain.GuardianActor(m, g.ID), Name: g.GivenName + " " + g.FamilyName}, nil
		}
	case StaffLogin:
		sess, ok, err := a.staffLogin(ctx, id.Principal)
		if err != nil {
			return Session{}, err
		}
		if ok {
			return sess, nil
		}
	}
	return Session{}, unknown
}

// demoLogin logs in as one of the seeded personas (demo mode only).
func (a *App) demoLogin(w http.ResponseWriter, r *http.Request, c *Call) error {
	if !a.Demo {
		return domain.ErrNotFound
	}
	if !a.LoginLimiter.allow(r.Context(), a.clientOf(r), a.Clock.Now()) {
		return api.ErrTooManyAttempts
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	key := r.PostForm.Get("persona")
	for _, p := range a.Personas {
		if p.Key == key {
			if err := a.startSession(w, r, Session{Actor: p.Actor, Name: p.Name, Persona: p.Key}); err != nil {
				return err
			}
			http.Redirect(w, r, "/", http.StatusSeeOther)
			return nil
		}
	}
	return api.Unprocessable("unknown-persona", "no such persona", domain.FieldError{Field: "persona", Reason: "is-not-a-demo-persona"})
}

// LogoutCookie carries "<provider>.<state>" of a logout at a provider
// until the provider sends the browser back to /logout/callback.
const LogoutCookie = "oppvekst_logout"

// providerNames are the providers as users know them.
var providerNames = map[string]string{"idporten": "ID-porten", "feide": "Feide"}

func providerName(name string) string {
	if n, ok := providerNames[name]; ok {
		return n
	}
	return name
}

// logoutContent is the page between the logout here and the logout at the
// provider.
type logoutContent struct {
	Provider string // ID-porten, Feide
	// URL is the provider's logout; empty when it cannot be reached (or
	// has none), and the page says so.
	URL string
	// Done: the provider has sent the browser back; logged out of both.
	Done bool
}

// logout ends the session. A demo session ends here only. A session from
// ID-porten or Feide ends at the provider too (OpenID Connect
// RP-Initiated Logout 1.0), or the next "log in with ID-porten" on a shared
// computer would log the same person in without asking.
//
// The browser is not redirected to the provider from this POST: the app's
// CSP has form-action 'self', and Chromium applies it to every redirect
// that follows a form submission. The answer is a page of this app instead,
// which sends the browser on with a Refresh header (a new navigation, not
// part of the form submission; no script needed) and shows a link for a
// browser that does not follow it.
func (a *App) logout(w http.ResponseWriter, r *http.Request, c *Call) error {
	if ck, err := r.Cookie(SessionCookie); err == nil {
		if err := a.Sessions.delete(r.Context(), ck.Value); err != nil {
			return err
		}
	}
	setCookie(w, r, SessionCookie, "", -1)
	p, ok := a.Providers[c.Session.Provider]
	if !c.LoggedIn || c.Session.Provider == "" || !ok {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	state := RandomToken()
	content := logoutContent{Provider: providerName(c.Session.Provider)}
	to, err := p.IDP.LogoutURL(r.Context(), c.Session.IdToken, state, c.Lang.Code)
	switch {
	case err != nil:
		a.Log.Warn("logout at the provider is not possible", "provider", c.Session.Provider, "err", err)
	case to == "":
		a.Log.Warn("the provider offers no logout (end_session_endpoint)", "provider", c.Session.Provider)
	default:
		content.URL = to
		setCookie(w, r, LogoutCookie, c.Session.Provider+"."+state, int(loginPendingTTL.Seconds()))
		w.Header().Set("Refresh", "0; url="+to)
	}
	a.Log.Info("logout", "actor", c.Actor.String(), "provider", c.Session.Provider, "atProvider", content.URL != "")
	c.LoggedIn, c.Session, c.Actor = false, Session{}, domain.Actor{}
	a.Page(w, r, c, http.StatusOK, "logout", "logout.title", content)
	return nil
}

// logoutCallback is where the provider sends the browser after its logout
// (post_logout_redirect_uri). With the state of the logout this browser
// started, it says the user is logged out of both; anything else goes to
// the front page (a forged callback must not claim a logout).
func (a *App) logoutCallback(w http.ResponseWriter, r *http.Request, c *Call) error {
	ck, err := r.Cookie(LogoutCookie)
	setCookie(w, r, LogoutCookie, "", -1)
	var name, state string
	if err == nil {
		name, state, _ = strings.Cut(ck.Value, ".")
	}
	got := r.URL.Query().Get("state")
	if c.LoggedIn || state == "" || subtle.ConstantTimeCompare([]byte(state), []byte(got)) != 1 {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	a.Page(w, r, c, http.StatusOK, "logout", "logout.done.title", logoutContent{Provider: providerName(name), Done: true})
	return nil
}

// WarmLogin reads the providers' discovery documents in the background at
// start-up, so the first login does not wait for it, and logs a provider
// that does not answer; a failure here costs nothing but the log line (the
// next login tries again).
func (a *App) WarmLogin(ctx context.Context) {
	for name, p := range a.Providers {
		if op, ok := p.IDP.(*oidc.Provider); ok {
			if _, err := op.Discover(ctx); err != nil && ctx.Err() == nil {
				a.Log.Warn("login provider unavailable at start-up; its logins answer 503 until it is back", "provider", name, "err", err)
			}
		}
	}
}

// setLanguage keeps the chosen language in a cookie and goes back.
func (a *App) setLanguage(w http.ResponseWriter, r *http.Request, c *Call) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	lang := r.PostForm.Get("lang")
	if !validLanguage(lang) {
		return api.Unprocessable("unknown-language", "no such language", domain.FieldError{Field: "lang", Reason: "must-be-nb-nn-or-en"})
	}
	setCookie(w, r, LangCookie, lang, 365*24*3600)
	http.Redirect(w, r, LocalPath(r.PostForm.Get("return")), http.StatusSeeOther)
	return nil
}

// parseForm reads a url-encoded form of at most api.MaxBodyBytes.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, api.MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &api.HTTPError{Status: http.StatusRequestEntityTooLarge, Kind: "too-large", Detail: "the form is too large"}
		}
		return api.BadRequest("malformed", "the form cannot be read")
	}
	return nil
}

// IdentityProvider is one way to log in. The app sends the browser to
// AuthCodeURL and, on the callback, trades the code for a verified identity
// with Exchange; at logout it sends the browser to LogoutURL. ID-porten and
// Feide are both oidc.Provider values; a test may plug in its own.
//
// An error wrapping oidc.ErrUnavailable means the provider cannot be reached
// just now: the app answers 503 and the user may try again.
type IdentityProvider interface {
	AuthCodeURL(ctx context.Context, state, nonce, verifier string) (string, error)
	Exchange(ctx context.Context, code, verifier, nonce string) (oidc.Identity, error)
	// LogoutURL is where the browser ends its session at the provider, or
	// "" when the provider offers no logout.
	LogoutURL(ctx context.Context, idToken, state, lang string) (string, error)
}
