package main

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/oppvekst/oppvekst/domain"
)

// loginConfig is the login part of the configuration, from the
// environment:
//
//	OPPVEKST_PUBLIC_URL              https://oppvekst.kommune.no (for the redirect URIs)
//	OPPVEKST_IDPORTEN_ISSUER         https://idporten.no
//	OPPVEKST_IDPORTEN_CLIENT_ID      the client registered in ID-porten
//	OPPVEKST_IDPORTEN_CLIENT_SECRET
//	OPPVEKST_FEIDE_ISSUER            https://auth.dataporten.no
//	OPPVEKST_FEIDE_CLIENT_ID
//	OPPVEKST_FEIDE_CLIENT_SECRET
//	OPPVEKST_FEIDE_STAFF             JSON file: [{"principal", "municipality", "role", "units"}]
//	OPPVEKST_MUNICIPALITIES          kommunenumre served, comma-separated (guardians are looked up in them)
//
// A provider without an issuer is off. Each provider is registered with two
// URIs: the redirect URI <public URL>/login/<provider>/callback and the
// post-logout redirect URI <public URL>/logout/callback. Its discovery
// document is read at the first login, not at start-up (see oidcProvider).
type loginConfig struct {
	publicURL      string
	idporten       *oidcConfig
	feide          *oidcConfig
	feideStaff     string
	municipalities []domain.Municipality
}

// The acr values ID-porten gives for "substantial" and "high", in the
// current and the older naming.
var idportenACR = []string{"idporten-loa-substantial", "idporten-loa-high", "substantial", "high"}

func parseLoginConfig(getenv func(string) string) (loginConfig, error) {
	c := loginConfig{publicURL: strings.TrimSuffix(getenv("OPPVEKST_PUBLIC_URL"), "/"), feideStaff: getenv("OPPVEKST_FEIDE_STAFF")}
	if s := getenv("OPPVEKST_MUNICIPALITIES"); s != "" {
		for _, part := range strings.Split(s, ",") {
			m, err := domain.ParseMunicipality(strings.TrimSpace(part))
			if err != nil {
				return c, fmt.Errorf("OPPVEKST_MUNICIPALITIES: %w", err)
			}
			c.municipalities = append(c.municipalities, m)
		}
	} else {
		c.municipalities = []domain.Municipality{demoMunicipality, neighbourMunicipality}
	}
	provider := func(prefix, name string) (*oidcConfig, error) {
		issuer := getenv(prefix + "_ISSUER")
		if issuer == "" {
			return nil, nil
		}
		if c.publicURL == "" || getenv(prefix+"_CLIENT_ID") == "" {
			return nil, fmt.Errorf("%s_ISSUER is set: OPPVEKST_PUBLIC_URL and %s_CLIENT_ID are needed too", prefix, prefix)
		}
		// The issuer is not fetched at start-up, so a typo is caught here.
		if u, err := url.Parse(issuer); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, fmt.Errorf("%s_ISSUER must be an https:// URL, not %q", prefix, issuer)
		}
		return &oidcConfig{
			Issuer:        issuer,
			ClientID:      getenv(prefix + "_CLIENT_ID"),
			ClientSecret:  getenv(prefix + "_CLIENT_SECRET"),
			RedirectURL:   c.publicURL + "/login/" + name + "/callback",
			PostLogoutURL: c.publicURL + "/logout/callback",
		}, nil
	}
	var err error
	if c.idporten, err = provider("OPPVEKST_IDPORTEN", "idporten"); err != nil {
		return c, err
	}
	if c.idporten != nil {
		c.idporten.Scopes = []string{"profile"}
		c.idporten.ACRValues = "idporten-loa-substantial"
		c.idporten.AcceptACR = idportenACR
		c.idporten.Claims = []string{"pid"}
	}
	if c.feide, err = provider("OPPVEKST_FEIDE", "feide"); err != nil {
		return c, err
	}
	if c.feide != nil {
		c.feide.Scopes = []string{"userid-feide", "email"}
		c.feide.Claims = feideClaims
		if c.feideStaff == "" {
			return c, fmt.Errorf("OPPVEKST_FEIDE_ISSUER is set: OPPVEKST_FEIDE_STAFF is needed too")
		}
	}
	return c, nil
}

// loginKind says whom a provider logs in.
type loginKind int

const (
	guardianLogin loginKind = iota // ID-porten: a guardian by national ID
	staffLogin                     // Feide: an employee from the staff list
)

// loginProvider is a configured provider.
type loginProvider struct {
	idp  identityProvider
	kind loginKind
}

// staffEntry is one line of the staff list: who an employee logging in
// with Feide is to the municipality.
type staffEntry struct {
	Principal    string              `json:"principal"`
	Municipality domain.Municipality `json:"municipality"`
	Role         domain.Role         `json:"role"`
	Name         string              `json:"name"`
	Units        []domain.UnitID     `json:"units"`
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

// configureLogin sets up the configured OIDC providers and reads the staff
// list. Nothing is fetched from the providers: each reads its discovery
// document at its first login, so one that is down at start-up does not
// stop the app (warmLogin tries them in the background). ID tokens are
// checked against the wall clock, not the app's domain clock (which a demo
// or a test may fix).
func (a *app) configureLogin(ctx context.Context, c loginConfig) error {
	a.municipalities = c.municipalities
	client := &http.Client{Timeout: 10 * time.Second}
	if c.idporten != nil {
		a.providers["idporten"] = loginProvider{idp: newOIDCProvider(*c.idporten, client, time.Now), kind: guardianLogin}
	}
	if c.feide != nil {
		p := newOIDCProvider(*c.feide, client, time.Now)
		b, err := os.ReadFile(c.feideStaff)
		if err != nil {
			return fmt.Errorf("staff list: %w", err)
		}
		var staff []staffEntry
		if err := json.Unmarshal(b, &staff); err != nil {
			return fmt.Errorf("staff list %s: %w", c.feideStaff, err)
		}
		a.staff = map[string]staffEntry{}
		for _, s := range staff {
			a.staff[s.Principal] = s
		}
		a.providers["feide"] = loginProvider{idp: p, kind: staffLogin}
	}
	return nil
}

// loginStart sends the browser to the provider with a fresh state, nonce
// and PKCE verifier.
func (a *app) loginStart(w http.ResponseWriter, r *http.Request, c *call) error {
	name := r.PathValue("provider")
	p, ok := a.providers[name]
	if !ok {
		return domain.ErrNotFound
	}
	if !a.loginLimiter.allow(a.clientOf(r), a.clock.Now()) {
		return errTooManyAttempts
	}
	state, nonce, verifier := randomToken(), randomToken(), randomToken()
	to, err := p.idp.AuthCodeURL(r.Context(), state, nonce, verifier)
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
func (a *app) providerDown(w http.ResponseWriter, name string, err error) error {
	if !errors.Is(err, errUnavailable) {
		return err
	}
	a.log.Warn("login provider unavailable", "provider", name, "err", err)
	w.Header().Set("Retry-After", fmt.Sprint(int(discoveryRetry.Seconds())))
	return &httpError{status: http.StatusServiceUnavailable, kind: "provider-unavailable", detail: "the login service does not answer; try again in a minute"}
}

// loginCallback finishes a login: the state must match the browser's
// cookie, the code is redeemed with the verifier, and the identity mapped
// to an actor of a municipality this deployment serves.
func (a *app) loginCallback(w http.ResponseWriter, r *http.Request, c *call) error {
	name := r.PathValue("provider")
	p, ok := a.providers[name]
	if !ok {
		return domain.ErrNotFound
	}
	if !a.loginLimiter.allow(a.clientOf(r), a.clock.Now()) {
		return errTooManyAttempts
	}
	q := r.URL.Query()
	state := q.Get("state")
	cookie, err := r.Cookie(loginCookie)
	if state == "" || err != nil {
		return badRequest("login-state", "the login was not started in this browser")
	}
	setCookie(w, r, loginCookie, "", -1)
	pending, ok := decodePending(cookie.Value)
	if !ok || subtle.ConstantTimeCompare([]byte(pending.State), []byte(state)) != 1 || pending.Provider != name {
		return badRequest("login-state", "the login was not started in this browser")
	}
	if time.Since(time.Unix(pending.Started, 0)) > loginPendingTTL {
		return badRequest("login-state", "the login has expired; start again")
	}
	if q.Get("error") != "" || q.Get("code") == "" {
		return &httpError{status: http.StatusUnauthorized, kind: "login-failed", detail: "the login was cancelled or refused"}
	}
	id, err := p.idp.Exchange(r.Context(), q.Get("code"), pending.Verifier, pending.Nonce)
	if errors.Is(err, errUnavailable) {
		return a.providerDown(w, name, err)
	}
	if err != nil {
		a.log.Warn("login refused", "provider", name, "err", err)
		return &httpError{status: http.StatusUnauthorized, kind: "login-failed", detail: "the login could not be verified"}
	}
	sess, err := a.sessionFor(r.Context(), p.kind, id)
	if err != nil {
		return err
	}
	sess.provider, sess.idToken = name, id.IDToken
	if len(sess.idToken) > domain.MaxIDToken {
		// Not kept: the logout at the provider goes without the hint.
		a.log.Warn("ID token too long to keep for the logout", "provider", name, "length", len(sess.idToken))
		sess.idToken = ""
	}
	if err := a.startSession(w, r, sess); err != nil {
		return err
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// sessionFor maps a verified identity to the actor it is.
func (a *app) sessionFor(ctx context.Context, kind loginKind, id identity) (session, error) {
	unknown := &httpError{status: http.StatusForbidden, kind: "unknown-user", detail: "you are not registered with the municipality"}
	switch kind {
	case guardianLogin:
		nid, err := domain.ParseNationalID(id.NationalID)
		if err != nil {
			return session{}, unknown
		}
		for _, m := range a.municipalities {
			g, err := a.store.GuardianByNationalID(ctx, m, nid)
			if domain.IsNotFound(err) {
				continue
			}
			if err != nil {
				return session{}, err
			}
			return session{actor: domain.GuardianActor(m, g.ID), name: g.GivenName + " " + g.FamilyName}, nil
		}
	case staffLogin:
		if s, ok := a.staff[id.Principal]; ok {
			// The display name is the staff list's, else the provider's
			// name claim; the principal is never shown.
			name := s.Name
			if name == "" {
				name = id.Name
			}
			actor := domain.Actor{Role: s.Role, Municipality: s.Municipality, Subject: s.Principal, Units: s.Units, Name: name}
			if actor.Validate() == nil && actor.Role != domain.RoleGuardian && actor.Role != domain.RoleSystem {
				return session{actor: actor, name: name}, nil
			}
		}
	}
	return session{}, unknown
}

// demoLogin logs in as one of the seeded personas (demo mode only).
func (a *app) demoLogin(w http.ResponseWriter, r *http.Request, c *call) error {
	if !a.demo {
		return domain.ErrNotFound
	}
	if !a.loginLimiter.allow(a.clientOf(r), a.clock.Now()) {
		return errTooManyAttempts
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	key := r.PostForm.Get("persona")
	for _, p := range a.personas {
		if p.Key == key {
			if err := a.startSession(w, r, session{actor: p.Actor, name: p.Name, persona: p.Key}); err != nil {
				return err
			}
			http.Redirect(w, r, "/", http.StatusSeeOther)
			return nil
		}
	}
	return unprocessable("unknown-persona", "no such persona", domain.FieldError{Field: "persona", Reason: "is not a demo persona"})
}

// logoutCookie carries "<provider>.<state>" of a logout at a provider
// until the provider sends the browser back to /logout/callback.
const logoutCookie = "oppvekst_logout"

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
func (a *app) logout(w http.ResponseWriter, r *http.Request, c *call) error {
	if ck, err := r.Cookie(sessionCookie); err == nil {
		if err := a.sessions.delete(r.Context(), ck.Value); err != nil {
			return err
		}
	}
	setCookie(w, r, sessionCookie, "", -1)
	p, ok := a.providers[c.sess.provider]
	if !c.loggedIn || c.sess.provider == "" || !ok {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	state := randomToken()
	content := logoutContent{Provider: providerName(c.sess.provider)}
	to, err := p.idp.LogoutURL(r.Context(), c.sess.idToken, state, c.lang.Code)
	switch {
	case err != nil:
		a.log.Warn("logout at the provider is not possible", "provider", c.sess.provider, "err", err)
	case to == "":
		a.log.Warn("the provider offers no logout (end_session_endpoint)", "provider", c.sess.provider)
	default:
		content.URL = to
		setCookie(w, r, logoutCookie, c.sess.provider+"."+state, int(loginPendingTTL.Seconds()))
		w.Header().Set("Refresh", "0; url="+to)
	}
	a.log.Info("logout", "actor", c.actor.String(), "provider", c.sess.provider, "atProvider", content.URL != "")
	c.loggedIn, c.sess, c.actor = false, session{}, domain.Actor{}
	a.page(w, r, c, http.StatusOK, "logout", "logout.title", content)
	return nil
}

// logoutCallback is where the provider sends the browser after its logout
// (post_logout_redirect_uri). With the state of the logout this browser
// started, it says the user is logged out of both; anything else goes to
// the front page (a forged callback must not claim a logout).
func (a *app) logoutCallback(w http.ResponseWriter, r *http.Request, c *call) error {
	ck, err := r.Cookie(logoutCookie)
	setCookie(w, r, logoutCookie, "", -1)
	var name, state string
	if err == nil {
		name, state, _ = strings.Cut(ck.Value, ".")
	}
	got := r.URL.Query().Get("state")
	if c.loggedIn || state == "" || subtle.ConstantTimeCompare([]byte(state), []byte(got)) != 1 {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	a.page(w, r, c, http.StatusOK, "logout", "logout.done.title", logoutContent{Provider: providerName(name), Done: true})
	return nil
}

// warmLogin reads the providers' discovery documents in the background at
// start-up, so the first login does not wait for it, and logs a provider
// that does not answer; a failure here costs nothing but the log line (the
// next login tries again).
func (a *app) warmLogin(ctx context.Context) {
	for name, p := range a.providers {
		if op, ok := p.idp.(*oidcProvider); ok {
			if _, err := op.discover(ctx); err != nil && ctx.Err() == nil {
				a.log.Warn("login provider unavailable at start-up; its logins answer 503 until it is back", "provider", name, "err", err)
			}
		}
	}
}

// setLanguage keeps the chosen language in a cookie and goes back.
func (a *app) setLanguage(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	lang := r.PostForm.Get("lang")
	if !validLanguage(lang) {
		return unprocessable("unknown-language", "no such language", domain.FieldError{Field: "lang", Reason: "must be nb, nn or en"})
	}
	setCookie(w, r, langCookie, lang, 365*24*3600)
	http.Redirect(w, r, localPath(r.PostForm.Get("return")), http.StatusSeeOther)
	return nil
}

// parseForm reads a url-encoded form of at most maxBodyBytes.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &httpError{status: http.StatusRequestEntityTooLarge, kind: "too-large", detail: "the form is too large"}
		}
		return badRequest("malformed", "the form cannot be read")
	}
	return nil
}
