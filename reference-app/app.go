package main

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
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

// templateFiles are the shell's templates: the layout and partials every
// page is rendered in, and the shell's own pages (login, error). Each
// capability brings its pages (capability.pages).
//
//go:embed templates/layout.html templates/partials.html templates/error.html templates/login.html templates/logout.html
var templateFiles embed.FS

//go:embed static/app.css
var stylesheetCSS []byte

// app holds what the handlers need.
type app struct {
	store          appStore
	clock          domain.Clock
	log            *slog.Logger
	pages          map[string]*template.Template
	pageFiles      []fs.FS               // where the pages came from: the shell's, then each capability's
	catalogs       map[string]catalog    // the message catalogs by language
	menus          []menuItem            // the capabilities' menu entries, in mount order
	capGroups      []routeGroup          // the capabilities' routes, in mount order
	municipalities []domain.Municipality // served; guardians are looked up in them

	demo     bool
	personas []persona

	sessions     *sessions
	loginLimiter *limiter
	// clientIPHeader names the header a trusted reverse proxy puts the
	// client's address in; empty uses the connection's address.
	clientIPHeader string
	// trustedProxies are the reverse proxies whose X-Forwarded-Proto is
	// believed.
	trustedProxies []netip.Prefix
	providers      map[string]loginProvider
	staff          map[string]staffEntry // Feide principal → employee
	idemLocks      *idempotencyLocks
	auditLog       *auditBatch

	shuttingDown atomic.Bool
}

// loginAttempts is how many login attempts a client may make a minute.
const loginAttempts = 20

// newShell makes the shell with its own pages and strings; mount adds
// the capabilities (newApp mounts them all).
func newShell(store appStore, clock domain.Clock, log *slog.Logger) (*app, error) {
	a := &app{
		store: store, clock: clock, log: log, pages: map[string]*template.Template{},
		catalogs:       map[string]catalog{},
		municipalities: []domain.Municipality{demoMunicipality, neighbourMunicipality},
		sessions:       newSessions(store),
		loginLimiter:   newLimiter(loginAttempts, time.Minute),
		providers:      map[string]loginProvider{},
		idemLocks:      &idempotencyLocks{},
		auditLog:       newAuditBatch(store),
	}
	if err := a.parsePages(templateFiles); err != nil {
		return nil, err
	}
	if err := loadCatalogs(a.catalogs, messageFiles); err != nil {
		return nil, err
	}
	return a, nil
}

// capability is one part of the app mounted on the shell: its routes, its
// menu entries, its pages (templates/*.html, each rendered inside the
// shell's layout) and its strings (messages/<name>.<lang>.json).
type capability struct {
	// tag names the capability's group of routes in /openapi.json (and its
	// fuzz family); about says what the group is about.
	tag, about string
	routes     []route
	menus      []menuItem
	pages      fs.FS
	messages   fs.FS
}

// mount adds the capabilities to the app, in order: their routes follow
// the shell's in the route table, their menu entries the ones before
// (a role lands on its first entry). A page or message key defined twice
// is an error.
func (a *app) mount(caps ...capability) error {
	for _, c := range caps {
		a.capGroups = append(a.capGroups, routeGroup{tag: c.tag, about: c.about, routes: c.routes})
		a.menus = append(a.menus, c.menus...)
		if c.pages != nil {
			if err := a.parsePages(c.pages); err != nil {
				return err
			}
		}
		if c.messages != nil {
			if err := loadCatalogs(a.catalogs, c.messages); err != nil {
				return err
			}
		}
	}
	return nil
}

// parsePages parses each page template of fsys together with the shell's
// layout and partials; a page is rendered by executing "layout".
func (a *app) parsePages(fsys fs.FS) error {
	names, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		return err
	}
	a.pageFiles = append(a.pageFiles, fsys)
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
	"childCard": func(l locale, c childView) childCardData { return childCardData{L: l, Child: c} },
}

type childCardData struct {
	L     locale
	Child childView
}

// menuItem is an entry of the menu for a role. Capabilities bring theirs
// (capability.menus): the guardian's applications, absence, invoices and
// messages; the staff's check-in board; the caseworker's admission round
// and invoice runs.
type menuItem struct {
	roles []domain.Role
	path  string
	key   string // message key of the label
}

var directoryMenus = []menuItem{
	{roles: []domain.Role{domain.RoleGuardian}, path: "/guardian", key: "menu.children"},
	{roles: []domain.Role{domain.RoleStaff}, path: "/staff", key: "menu.today"},
	{roles: []domain.Role{domain.RoleCaseworker, domain.RoleAdmin}, path: "/caseworker", key: "menu.caseworker"},
	{roles: []domain.Role{domain.RoleAdmin}, path: "/admin/audit", key: "menu.audit"},
}

// startPage is where a role lands after login: its first menu entry.
func (a *app) startPage(role domain.Role) string {
	for _, m := range a.menus {
		for _, r := range m.roles {
			if r == role {
				return m.path
			}
		}
	}
	return "/"
}

// pageData is what every page template gets.
type pageData struct {
	L            locale
	Title        string
	Municipality string
	User         string // name of the logged-in user; "" when logged out
	Role         string // the role, in words
	Demo         bool   // a demo session (labelled as such)
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

// page renders a page for the request.
func (a *app) page(w http.ResponseWriter, r *http.Request, c *call, status int, name, titleKey string, content any) {
	d := pageData{L: c.lang, Title: c.lang.T(titleKey), Path: r.URL.RequestURI(), Content: content}
	if c.loggedIn {
		d.User, d.Role, d.Demo = c.sess.name, c.lang.T("role."+string(c.actor.Role)), c.sess.persona != ""
		d.Municipality = municipalityNames[c.actor.Municipality]
		for _, m := range a.menus {
			for _, role := range m.roles {
				if role == c.actor.Role {
					d.Menu = append(d.Menu, menuLink{Href: m.path, Label: c.lang.T(m.key), Current: m.path == r.URL.Path})
				}
			}
		}
	}
	for _, code := range languages {
		d.Languages = append(d.Languages, langOption{Code: code, Label: a.catalogs[code].text("language.name"), Selected: code == c.lang.Code})
	}
	a.render(w, r, status, name, d)
}

// render writes a page with the status code; it renders into a buffer first
// so a template error becomes a clean 500.
func (a *app) render(w http.ResponseWriter, r *http.Request, status int, page string, data pageData) {
	t, ok := a.pages[page]
	if !ok {
		a.log.Error("no such page template", "page", page)
		http.Error(w, "Internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		a.log.Error("render page", "page", page, "err", err)
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

// pageError renders err as an error page with the status problemFor gives.
func (a *app) pageError(w http.ResponseWriter, r *http.Request, c *call, err error) {
	p := problemFor(err)
	if p.Status >= 500 {
		a.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	key := fmt.Sprintf("error.%d", p.Status)
	// An error of a kind with texts of its own (error.<kind>.title) says
	// more than its status does.
	var he *httpError
	if errors.As(err, &he) {
		if c.lang.has("error." + he.kind + ".title") {
			key = "error." + he.kind
		}
	}
	if !c.lang.has(key + ".title") {
		key = "error.400"
		if p.Status >= 500 {
			key = "error.500"
		}
	}
	content := errorContent{Message: c.lang.T(key + ".message")}
	for _, f := range p.Errors {
		// Only reasons the catalogs translate: no English on a page.
		if c.lang.has("reason." + f.Reason) {
			content.Fields = append(content.Fields, f.Field+": "+c.lang.Reason(f.Reason))
		}
	}
	setRetryAfter(w, p.Status)
	a.page(w, r, c, p.Status, "error", key+".title", content)
}

func (a *app) notFound(w http.ResponseWriter, r *http.Request) {
	c := &call{lang: a.localeOf(r)}
	if sess, ok, err := a.currentSession(r); err == nil && ok {
		c.loggedIn, c.sess, c.actor = true, sess, sess.actor
	}
	a.pageError(w, r, c, domain.ErrNotFound)
}

func (a *app) stylesheet(w http.ResponseWriter, r *http.Request, c *call) error {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(stylesheetCSS)
	return nil
}

// Front page and login.

// homeContent is the public front page: the demo municipality's units.
type homeContent struct {
	L                locale
	MunicipalityName string
	Municipality     domain.Municipality
	Today            date.Date
	Sections         []kindSection
}

// kindSection lists the units of one kind.
type kindSection struct {
	ID         string // for the heading's anchor
	HeadingKey string
	EmptyKey   string
	Units      []unitRow
}

type unitRow struct {
	ID             string
	Name           string
	DescriptionKey string
	Parent         string
	Groups         []groupRow
	Total          int
}

type groupRow struct {
	Name     string
	Children int
}

// home sends a logged-in user to the start page of the role. In demo mode
// it shows everyone else the units of the demo municipality by kind, each
// with its groups and how many children are placed in them today; outside
// demo mode it sends them to the login page.
func (a *app) home(w http.ResponseWriter, r *http.Request, c *call) error {
	if c.loggedIn {
		http.Redirect(w, r, a.startPage(c.actor.Role), http.StatusSeeOther)
		return nil
	}
	if !a.demo {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	content, err := a.unitsOverview(r.Context(), demoMunicipality)
	if err != nil {
		return err
	}
	content.L = c.lang
	a.page(w, r, c, http.StatusOK, "home", "home.title", content)
	return nil
}

func (a *app) unitsOverview(ctx context.Context, m domain.Municipality) (homeContent, error) {
	today := domain.Today(a.clock)
	units, err := a.store.Units(ctx, m)
	if err != nil {
		return homeContent{}, err
	}
	names := map[domain.UnitID]string{}
	for _, u := range units {
		names[u.ID] = u.Name
	}
	sections := []kindSection{
		{ID: "barnehager", HeadingKey: "kind.kindergarten.plural", EmptyKey: "home.none.kindergarten"},
		{ID: "skoler", HeadingKey: "kind.school.plural", EmptyKey: "home.none.school"},
		{ID: "sfo", HeadingKey: "kind.sfo.plural", EmptyKey: "home.none.sfo"},
	}
	section := map[domain.UnitKind]*kindSection{domain.Kindergarten: &sections[0], domain.School: &sections[1], domain.SFO: &sections[2]}
	for _, u := range units {
		row, err := a.unitRow(ctx, u, names, today)
		if err != nil {
			return homeContent{}, err
		}
		if s := section[u.Kind]; s != nil {
			s.Units = append(s.Units, row)
		}
	}
	return homeContent{MunicipalityName: municipalityNames[m], Municipality: m, Today: today, Sections: sections}, nil
}

func (a *app) unitRow(ctx context.Context, u domain.Unit, names map[domain.UnitID]string, today date.Date) (unitRow, error) {
	groups, err := a.store.Groups(ctx, u.Municipality, u.ID)
	if err != nil {
		return unitRow{}, err
	}
	placements, err := a.store.UnitPlacements(ctx, u.Municipality, u.ID, domain.Period{Start: today, End: today})
	if err != nil {
		return unitRow{}, err
	}
	perGroup := map[domain.GroupID]map[domain.ChildID]bool{}
	all := map[domain.ChildID]bool{}
	for _, p := range placements {
		if !p.Period.Contains(today) {
			continue
		}
		if perGroup[p.GroupID] == nil {
			perGroup[p.GroupID] = map[domain.ChildID]bool{}
		}
		perGroup[p.GroupID][p.ChildID] = true
		all[p.ChildID] = true
	}
	row := unitRow{ID: "enhet-" + u.ID.String(), Name: u.Name, DescriptionKey: "unit." + string(u.Owner) + "." + string(u.Kind), Parent: names[u.Parent], Total: len(all)}
	for _, g := range groups {
		row.Groups = append(row.Groups, groupRow{Name: g.Name, Children: len(perGroup[g.ID])})
	}
	if n := len(perGroup[domain.GroupID{}]); n > 0 {
		row.Groups = append(row.Groups, groupRow{Name: "—", Children: n})
	}
	return row, nil
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

// personaDescription says who the demo persona is, in the language.
func (a *app) personaDescription(p persona, lang string) string {
	return a.catalogs[lang].text("persona." + p.Key)
}

func (a *app) loginPage(w http.ResponseWriter, r *http.Request, c *call) error {
	content := loginContent{Demo: a.demo}
	for _, name := range []string{"idporten", "feide"} {
		if _, ok := a.providers[name]; ok {
			content.Providers = append(content.Providers, name)
		}
	}
	if a.demo {
		for _, p := range a.personas {
			content.Personas = append(content.Personas, personaRow{Key: p.Key, Name: p.Name, Description: c.lang.T("persona." + p.Key), Municipality: municipalityNames[p.Actor.Municipality]})
		}
	}
	a.page(w, r, c, http.StatusOK, "login", "login.title", content)
	return nil
}

// Role pages.

// guardianPage is "my children at a glance": every child the guardian may
// see, with units, placements and (for parents) the other guardians.
func (a *app) guardianPage(w http.ResponseWriter, r *http.Request, c *call) error {
	ctx := r.Context()
	children, err := a.visibleChildren(ctx, c.actor)
	if err != nil {
		return err
	}
	var views []childView
	var ids []domain.ChildID
	for _, ch := range children {
		access, rec, err := a.decideChild(ctx, c.actor, ch.ID)
		if err != nil {
			return err
		}
		v, err := a.viewChild(ctx, access, rec)
		if err != nil {
			return err
		}
		views = append(views, v)
		ids = append(ids, ch.ID)
	}
	if len(ids) > 0 {
		if err := a.audit(ctx, c.actor, "child.read", "", ids...); err != nil {
			return err
		}
	}
	a.page(w, r, c, http.StatusOK, "guardian", "guardian.title", views)
	return nil
}

// staffPage is the group list for today of each unit the employee works
// at.
func (a *app) staffPage(w http.ResponseWriter, r *http.Request, c *call) error {
	ctx := r.Context()
	var rosters []rosterView
	for _, u := range c.actor.Units {
		v, err := a.roster(ctx, c.actor.Municipality, u)
		if err != nil {
			return err
		}
		if ids := rosterChildren(v); len(ids) > 0 {
			if err := a.audit(ctx, c.actor, "roster.read", "unit/"+u.String(), ids...); err != nil {
				return err
			}
		}
		rosters = append(rosters, v)
	}
	a.page(w, r, c, http.StatusOK, "staff", "staff.title", rosters)
	return nil
}

// caseworkerContent is the caseworker's start page.
type caseworkerContent struct {
	Units    homeContent
	Query    string // the name searched for
	Children []childSummary
	Next     string // the next page's query
}

func (a *app) caseworkerPage(w http.ResponseWriter, r *http.Request, c *call) error {
	ctx := r.Context()
	pr, err := readPage(r)
	if err != nil {
		return err
	}
	units, err := a.unitsOverview(ctx, c.actor.Municipality)
	if err != nil {
		return err
	}
	units.L = c.lang
	children, err := a.visibleChildren(ctx, c.actor)
	if err != nil {
		return err
	}
	q := r.URL.Query().Get("q")
	children = matchName(children, q)
	pg, err := paginate(children, func(c domain.Child) string { return c.ID.String() }, pr)
	if err != nil {
		return err
	}
	content := caseworkerContent{Units: units, Query: q}
	var ids []domain.ChildID
	for _, ch := range pg.Items {
		content.Children = append(content.Children, summarize(ch))
		ids = append(ids, ch.ID)
	}
	if pg.NextCursor != "" {
		content.Next = "?" + url.Values{"limit": {fmt.Sprint(pr.limit)}, "cursor": {pg.NextCursor}, "q": {q}}.Encode()
	}
	if len(ids) > 0 {
		if err := a.audit(ctx, c.actor, "children.list", "", ids...); err != nil {
			return err
		}
	}
	a.page(w, r, c, http.StatusOK, "caseworker", "caseworker.title", content)
	return nil
}

// childPage shows one child as far as the actor may see it.
func (a *app) childPage(w http.ResponseWriter, r *http.Request, c *call) error {
	v, err := a.viewChild(r.Context(), c.access, c.record)
	if err != nil {
		return err
	}
	if err := a.audit(r.Context(), c.actor, "child.read", "", c.childID); err != nil {
		return err
	}
	a.page(w, r, c, http.StatusOK, "child", "child.title", v)
	return nil
}

// actorName is who acted, as a person reads it: the display name, a
// guardian's name from the directory, else the subject (entries written
// before actors carried names, system jobs). names caches guardians.
func (a *app) actorName(ctx context.Context, actor domain.Actor, names map[domain.GuardianID]string) string {
	switch {
	case actor.Name != "":
		return actor.Name
	case actor.Role == domain.RoleGuardian && !actor.Guardian.IsZero():
		if n, ok := names[actor.Guardian]; ok {
			return n
		}
		n := actor.Subject
		if g, err := a.store.Guardian(ctx, actor.Municipality, actor.Guardian); err == nil {
			n = g.GivenName + " " + g.FamilyName
		}
		names[actor.Guardian] = n
		return n
	}
	return actor.Subject
}

// auditContent is a page of the audit log.
type auditContent struct {
	Entries []auditRow
	Next    string
}

type auditRow struct {
	At, Role, Who, Action, Child, Record string
}

func (a *app) auditPage(w http.ResponseWriter, r *http.Request, c *call) error {
	entries, next, err := a.auditPageOf(r, c)
	if err != nil {
		return err
	}
	content := auditContent{}
	if next != "" {
		content.Next = "?cursor=" + next
	}
	names := map[domain.GuardianID]string{}
	for _, e := range entries {
		row := auditRow{At: e.At.In(domain.Oslo()).Format("2006-01-02 15:04:05"), Role: c.lang.T("role." + string(e.Actor.Role)), Who: a.actorName(r.Context(), e.Actor, names), Action: e.Action, Record: e.Record}
		if !e.ChildID.IsZero() {
			row.Child = e.ChildID.String()
		}
		content.Entries = append(content.Entries, row)
	}
	a.page(w, r, c, http.StatusOK, "audit", "audit.title", content)
	return nil
}
