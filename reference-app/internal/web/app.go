package web

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"path"
	"strings"
	"sync/atomic"
	"time"

	"github.com/oppvekst/oppvekst/admission"
	"github.com/oppvekst/oppvekst/attendance"
	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// templateFiles are the shell's templates: the layout and partials every
// page is rendered in, and the shell's own pages (login, error). Each
// capability brings its pages (Capability.Pages).
//
//go:embed templates/*.html
var templateFiles embed.FS

// staticFiles are the files served under /static/: the app's own
// stylesheet (app.css, layout only), Designsystemet's CSS and theme
// (designsystemet.css, written by scripts/build-css.sh from the packages
// pinned in assets/package-lock.json) with their licences, and the icon.
//
//go:embed static/*.css static/*.txt static/*.svg static/*.ico
var staticFiles embed.FS

// App holds what the handlers need.
type App struct {
	Store          Store
	Clock          domain.Clock
	Log            *slog.Logger
	pages          map[string]*template.Template
	PageFiles      []fs.FS               // where the pages came from: the shell's, then each capability's
	Catalogs       map[string]Catalog    // the message catalogs by language
	menus          []MenuItem            // the capabilities' menu entries, in mount order
	capGroups      []routeGroup          // the capabilities' routes, in mount order
	Municipalities []domain.Municipality // served; guardians are looked up in them
	// RetentionSettings are municipalities' own retention periods; one
	// not listed keeps the national defaults (domain.RetentionRules).
	RetentionSettings map[domain.Municipality]domain.RetentionSettings
	// Registry is the population register (Folkeregisteret); nil when none
	// is configured, and the register sync is off.
	Registry domain.Registry
	// ContactRegister is the contact and reservation register (KRR); nil
	// when none is configured, and notices use the guardians' own details.
	ContactRegister messaging.ContactRegister
	// Registers, when set, picks each municipality's contact register from
	// its integration settings, the deployment's ContactRegister settings
	// its fallback (messagingweb.Selector); it takes ContactRegister's
	// place for notices.
	Registers messaging.RegisterSource
	// IntegrationCheck, when set, reports whether a municipality's setting
	// of an integration can be used (nil) or is misconfigured (an error
	// naming the reason, never a secret): the integrations page shows it.
	IntegrationCheck func(ctx context.Context, m domain.Municipality, i domain.Integration) error
	// IntegrationDefaults are the deployment's configuration of each
	// integration (flags and environment), every municipality's default:
	// State on when configured, off when not, the endpoint and
	// identifiers, secrets named by reference only (never the secret).
	IntegrationDefaults []domain.IntegrationSetting

	// PublicURL is the app's address as users reach it ("https://…", no
	// trailing slash): the links in e-mails to staff start with it.
	PublicURL string

	Demo     bool
	Personas []demo.Persona

	Sessions     *Sessions
	LoginLimiter *Limiter
	// ClientIPHeader names the header a trusted reverse proxy puts the
	// client's address in; empty uses the connection's address.
	ClientIPHeader string
	// TrustedProxies are the reverse proxies whose X-Forwarded-Proto is
	// believed.
	TrustedProxies []netip.Prefix
	Providers      map[string]LoginProvider
	// LoadTestBare mounts the load test's bare check-in (BareCheckPath,
	// flag -load-test); off in production.
	LoadTestBare bool
	idemLocks    *idempotencyLocks
	auditLog     *auditBatch

	ShuttingDown atomic.Bool
}

// LoginAttempts is how many login attempts a client may make a minute.
const LoginAttempts = 20

// New makes the shell with its own pages and strings; Mount adds
// the capabilities (server.New mounts them all).
func New(store Store, clock domain.Clock, log *slog.Logger) (*App, error) {
	a := &App{
		Store: store, Clock: clock, Log: log, pages: map[string]*template.Template{},
		Catalogs:       map[string]Catalog{},
		Municipalities: []domain.Municipality{demo.Municipality, demo.Neighbour},
		Sessions:       newSessions(store),
		LoginLimiter:   NewLimiter(LoginAttempts, time.Minute),
		Providers:      map[string]LoginProvider{},
		idemLocks:      &idempotencyLocks{},
		auditLog:       newAuditBatch(store),
	}
	if err := a.parsePages(templateFiles); err != nil {
		return nil, err
	}
	if err := loadCatalogs(a.Catalogs, messageFiles); err != nil {
		return nil, err
	}
	return a, nil
}

// Capability is one part of the app mounted on the shell: its routes, its
// menu entries, its pages (templates/*.html, each rendered inside the
// shell's layout) and its strings (messages/<name>.<lang>.json).
type Capability struct {
	// Tag names the capability's group of routes in /openapi.json (and its
	// fuzz family); about says what the group is about.
	Tag, About string
	Routes     []Route
	Menus      []MenuItem
	Pages      fs.FS
	Messages   fs.FS
}

// Mount adds the capabilities to the app, in order: their routes follow
// the shell's in the route table, their menu entries the ones before
// (a role lands on its first entry). A page or message key defined twice
// is an error.
func (a *App) Mount(caps ...Capability) error {
	for _, c := range caps {
		a.capGroups = append(a.capGroups, routeGroup{tag: c.Tag, about: c.About, Routes: c.Routes})
		a.menus = append(a.menus, c.Menus...)
		if c.Pages != nil {
			if err := a.parsePages(c.Pages); err != nil {
				return err
			}
		}
		if c.Messages != nil {
			if err := loadCatalogs(a.Catalogs, c.Messages); err != nil {
				return err
			}
		}
	}
	return nil
}

// parsePages parses each page template of fsys together with the shell's
// layout and partials; a page is rendered by executing "layout".
func (a *App) parsePages(fsys fs.FS) error {
	names, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		return err
	}
	a.PageFiles = append(a.PageFiles, fsys)
	for _, name := range names {
		if name == "templates/layout.html" || name == "templates/partials.html" {
			continue
		}
		t, err := template.New("").Funcs(templateFuncs).ParseFS(templateFiles, "templates/layout.html", "templates/partials.html")
		if err == nil {
			t, err = t.ParseFS(fsys, name)
		}
		if err != nil {
			return fmt.Errorf("templates: %w", err)
		}
		page := strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")
		if _, dup := a.pages[page]; dup {
			return fmt.Errorf("templates: page %q is defined twice", page)
		}
		a.pages[page] = t
	}
	return nil
}

// templateFuncs are the functions templates may call besides the builtins.
var templateFuncs = template.FuncMap{
	// childCard passes the locale along with a child to the childCard
	// partial.
	"childCard": func(l Locale, c ChildView) childCardData { return childCardData{L: l, Child: c} },
	// pager passes a list page's pager links to the pager partial: the
	// page's path, the query strings of the previous and next page
	// (PagerLinks; "" for none) and the fragment to land on ("#rows").
	"pager": func(l Locale, path, prev, next, fragment string) pagerData {
		return pagerData{L: l, Path: path, Prev: prev, Next: next, Fragment: fragment}
	},
}

type pagerData struct {
	L                          Locale
	Path, Prev, Next, Fragment string
}

type childCardData struct {
	L     Locale
	Child ChildView
}

// MenuItem is an entry of the menu for a role. Capabilities bring theirs
// (Capability.Menus): the guardian's applications, absence, invoices and
// messages; the staff's check-in board; the caseworker's admission round
// and invoice runs.
type MenuItem struct {
	Roles []domain.Role
	Path  string
	Key   string // message key of the label
	// Capability, when set, shows the entry to a caseworker only when
	// granted that capability (domain.Actor.HandlesCapability): a
	// caseworker for billing sees no admission menu whose pages answer 403.
	Capability domain.Capability
}

// StartPage is where a role lands after login: its first menu entry.
func (a *App) StartPage(role domain.Role) string {
	for _, m := range a.menus {
		for _, r := range m.Roles {
			if r == role {
				return m.Path
			}
		}
	}
	return "/"
}

// pageData is what every page template gets.
type pageData struct {
	L            Locale
	Title        string
	Municipality string
	User         string // name of the logged-in user; "" when logged out
	Role         string // the role, in words
	Demo         bool   // a demo session (labelled as such)
	DemoMode     bool   // the app runs in demo mode: the footer says its people are fictional
	Menu         []menuLink
	Path         string // the page's path, for the language form
	Languages    []langOption
	Content      any
}

type menuLink struct {
	Href, Label string
	Current     bool
}

type langOption struct {
	Code, Label string
	Selected    bool
}

// Page renders a page for the request.
func (a *App) Page(w http.ResponseWriter, r *http.Request, c *Call, status int, name, titleKey string, content any) {
	d := pageData{L: c.Lang, Title: c.Lang.T(titleKey), Path: r.URL.RequestURI(), Content: content, DemoMode: a.Demo}
	if c.LoggedIn {
		d.User, d.Role, d.Demo = c.Session.Name, c.Lang.T("role."+string(c.Actor.Role)), c.Session.Persona != ""
		d.Municipality = demo.MunicipalityNames[c.Actor.Municipality]
		for _, m := range a.menus {
			if m.Capability != "" && c.Actor.Role == domain.RoleCaseworker && !c.Actor.HandlesCapability(m.Capability) {
				continue
			}
			for _, role := range m.Roles {
				if role == c.Actor.Role {
					d.Menu = append(d.Menu, menuLink{Href: m.Path, Label: c.Lang.T(m.Key), Current: m.Path == r.URL.Path})
				}
			}
		}
	}
	for _, code := range Languages {
		d.Languages = append(d.Languages, langOption{Code: code, Label: a.Catalogs[code].Text("language.name"), Selected: code == c.Lang.Code})
	}
	a.render(w, r, status, name, d)
}

// render writes a page with the status code; it renders into a buffer first
// so a template error becomes a clean 500.
func (a *App) render(w http.ResponseWriter, r *http.Request, status int, page string, data pageData) {
	t, ok := a.pages[page]
	if !ok {
		a.Log.Error("no such page template", "page", page)
		http.Error(w, "Internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		a.Log.Error("render page", "page", page, "err", err)
		http.Error(w, "Internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = buf.WriteTo(w)
	}
}

// errorContent is the content of the error page: for refused input, the
// fields and why, in the page's language.
type errorContent struct {
	Message string
	Fields  []string
}

// pageError renders err as an error page with the status api.ProblemFor gives.
func (a *App) pageError(w http.ResponseWriter, r *http.Request, c *Call, err error) {
	p := api.ProblemFor(err)
	if p.Status >= 500 {
		a.Log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	key := fmt.Sprintf("error.%d", p.Status)
	// An error of a kind with texts of its own (error.<kind>.title) says
	// more than its status does.
	var he *api.HTTPError
	if errors.As(err, &he) {
		if c.Lang.Has("error." + he.Kind + ".title") {
			key = "error." + he.Kind
		}
	}
	if !c.Lang.Has(key + ".title") {
		key = "error.400"
		if p.Status >= 500 {
			key = "error.500"
		}
	}
	content := errorContent{Message: c.Lang.T(key + ".message")}
	for _, f := range p.Errors {
		// Only reasons the catalogs translate: no English on a page.
		if c.Lang.Has("reason." + f.Reason) {
			content.Fields = append(content.Fields, fieldText(c.Lang, f.Field, c.Lang.FieldReason(f)))
		}
	}
	api.SetRetryAfter(w, p.Status)
	a.Page(w, r, c, p.Status, "error", key+".title", content)
}

// fieldText is a refused field's message on the error page: with the
// field's name in the user's language ("field.<name>" in the catalogs,
// by the last part of its path: "seats[0].places" is "places"), or the
// message alone — never the field's name from the code.
func fieldText(l Locale, field, msg string) string {
	leaf := field
	if i := strings.LastIndexAny(leaf, ".]"); i >= 0 {
		leaf = leaf[i+1:]
	}
	if i := strings.IndexByte(leaf, '['); i >= 0 {
		leaf = leaf[:i]
	}
	if leaf != "" && l.Has("field."+leaf) {
		return l.T("field."+leaf) + ": " + msg
	}
	return msg
}

func (a *App) notFound(w http.ResponseWriter, r *http.Request) {
	c := &Call{Lang: a.localeOf(r)}
	if sess, ok, err := a.currentSession(r); err == nil && ok {
		c.LoggedIn, c.Session, c.Actor = true, sess, sess.Actor
	}
	a.pageError(w, r, c, domain.ErrNotFound)
}

// staticTypes are the media types of the static files, by extension;
// a file of another kind is not served.
var staticTypes = map[string]string{
	".css": "text/css; charset=utf-8",
	".txt": "text/plain; charset=utf-8",
	".svg": "image/svg+xml",
	".ico": "image/x-icon",
}

// static serves a file of staticFiles by its name (/static/{file}), or the
// icon at /favicon.ico, where browsers look for it unasked.
func (a *App) static(w http.ResponseWriter, r *http.Request, c *Call) error {
	name := r.PathValue("file")
	if r.URL.Path == "/favicon.ico" {
		name = "favicon.ico"
	}
	typ, ok := staticTypes[path.Ext(name)]
	if !ok || strings.ContainsAny(name, "/\\") {
		return domain.ErrNotFound
	}
	body, err := staticFiles.ReadFile("static/" + name)
	if err != nil {
		return domain.ErrNotFound
	}
	w.Header().Set("Content-Type", typ)
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(body)
	return nil
}

// loginContent is the login page.
type loginContent struct {
	Providers []string // configured OIDC providers: idporten, feide
	Demo      bool
	Personas  []personaRow
}

type personaRow struct {
	Key, Name, Description, Municipality string
}

// PersonaDescription says who the demo persona is, in the language.
func (a *App) PersonaDescription(p demo.Persona, lang string) string {
	return a.Catalogs[lang].Text("persona." + p.Key)
}

func (a *App) loginPage(w http.ResponseWriter, r *http.Request, c *Call) error {
	content := loginContent{Demo: a.Demo}
	for _, name := range []string{"idporten", "feide"} {
		if _, ok := a.Providers[name]; ok {
			content.Providers = append(content.Providers, name)
		}
	}
	if a.Demo {
		for _, p := range a.Personas {
			content.Personas = append(content.Personas, personaRow{Key: p.Key, Name: p.Name, Description: c.Lang.T("persona." + p.Key), Municipality: demo.MunicipalityNames[p.Actor.Municipality]})
		}
	}
	a.Page(w, r, c, http.StatusOK, "login", "login.title", content)
	return nil
}

// ActorName is who acted, as a person reads it: the display name, a
// guardian's name from the directory, else the subject (entries written
// before actors carried names, system jobs). names caches guardians.
func (a *App) ActorName(ctx context.Context, actor domain.Actor, names map[domain.GuardianID]string) string {
	switch {
	case actor.Name != "":
		return actor.Name
	case actor.Role == domain.RoleGuardian && !actor.Guardian.IsZero():
		if n, ok := names[actor.Guardian]; ok {
			return n
		}
		n := actor.Subject
		if g, err := a.Store.Guardian(ctx, actor.Municipality, actor.Guardian); err == nil {
			n = g.GivenName + " " + g.FamilyName
		}
		names[actor.Guardian] = n
		return n
	}
	return actor.Subject
}

// Store is what the app needs of a store: the directory and the app's
// own records.
type Store interface {
	domain.Store
	domain.CalendarStore
	domain.EventStore
	domain.AuditLog
	domain.IdempotencyStore
	domain.SessionStore
	domain.AttemptStore      // the login limiter shared by several instances
	domain.JobLocker         // each periodic job run by one instance at a time
	domain.IdempotencyLocker // one request per idempotency key across instances
	admission.Store
	admission.CatchmentStore
	attendance.Store
	billing.Store
	billing.CreditStore
	messaging.Store
	messaging.Operations
	domain.StaffStore
	domain.RetentionStore
	domain.ErasureStore
	domain.RegistryStore
	domain.LetterTemplateStore
	domain.IntegrationStore
}
