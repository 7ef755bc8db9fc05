// Package registryweb is the population register (Folkeregisteret) in the
// reference app: the sync that applies the register's change feed to the
// directory (domain.RegistryApplier), daily and on a caseworker's "sync
// now", and the caseworkers' list of the notices the register raises — a
// child who moved out of the municipality, a death, a holder of parental
// responsibility not in the directory — each marked handled by a
// caseworker — and a caseworker's correction of a child's registered
// address (PUT /api/v1/children/{childId}/address and the form at
// /children/{childId}/address; see address.go).
//
// The register is configured by the command (-registry, with
// -registry-token-file or OPPVEKST_REGISTRY_TOKEN, see the README); without it the sync is off, the
// page says so and POST /api/v1/registry/sync answers 503. A change to a
// protected address hides it everywhere in the transaction that applies
// it: the person's address, and the street wherever it was written into a
// message or a notification in the outbox (domain.RedactedAddress).
//
// Every list of notices is audit-logged for each child it names
// ("registry-notice.read"); marking one handled is a change, logged in its
// transaction ("registry-notice.handle").
package registryweb

import (
	"cmp"
	"context"
	"embed"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// SyncInterval is how often the register's feed is read: daily.
const SyncInterval = 24 * time.Hour

// SyncDelay is how long after start the first sync waits.
const SyncDelay = 5 * time.Minute

// app is the shell as the registry handlers see it.
type app struct{ *web.App }

// New returns the register part of the app, for web.App.Mount.
func New(shell *web.App) web.Capability { return (&app{shell}).capability() }

//go:embed templates/registry_*.html
var templates embed.FS

//go:embed messages/registry.*.json
var messages embed.FS

func (a *app) capability() web.Capability {
	return web.Capability{Tag: "registry", About: "The population register (Folkeregisteret): the sync of its change feed and the caseworkers' notices of children who moved out, died or got a new holder of parental responsibility",
		Routes: a.routes(), Pages: templates, Messages: messages,
		Menus: []web.MenuItem{{Roles: []domain.Role{domain.RoleCaseworker, domain.RoleAdmin}, Path: "/caseworker/registry", Key: "registry.menu"}}}
}

func (a *app) routes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/api/v1/registry/notices", Kind: web.KindAPI, Policy: web.PolicyCaseworker,
			Summary: "The register's notices for caseworkers (moved out of the municipality, death, parental responsibility), open ones first", Response: []NoticeView{}, Handle: a.apiNotices},
		{Method: "POST", Path: "/api/v1/registry/notices/handled", Kind: web.KindAPI, Policy: web.PolicyCaseworker,
			Summary: "Mark a register notice handled (409 when it is handled already)", Body: HandleRequest{}, Response: NoticeView{}, Handle: a.apiHandle},
		{Method: "POST", Path: "/api/v1/registry/sync", Kind: web.KindAPI, Policy: web.PolicyCaseworker,
			Summary: "Read the register's change feed now and apply it, one transaction per change; the body is {} (503 when no register is configured or it cannot be reached)", Body: SyncRequest{}, Response: SyncView{}, Handle: a.apiSync},
		{Method: "PUT", Path: "/api/v1/children/{childId}/address", Kind: web.KindAPI, Policy: web.PolicyChildCase,
			Summary: "Correct the child's registered address (a caseworker; refused for a strengt fortrolig child, whose address is not held; not shown back when the household is protected)", Body: AddressRequest{}, Response: AddressView{}, Handle: a.apiAddress},
		{Method: "GET", Path: "/children/{childId}/address", Kind: web.KindPage, Policy: web.PolicyChildCase, Handle: a.addressPage},
		{Method: "POST", Path: "/children/{childId}/address", Kind: web.KindPage, Policy: web.PolicyChildCase, Handle: a.addressSubmit},
		{Method: "GET", Path: "/caseworker/registry", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.page},
		{Method: "POST", Path: "/caseworker/registry/sync", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.syncSubmit},
		{Method: "POST", Path: "/caseworker/registry/handled", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.handleSubmit},
	}
}

// NoticeView is a register notice as a caseworker reads it: the child by
// name, never an address.
type NoticeView struct {
	Sequence  int64          `json:"sequence"`
	Kind      string         `json:"kind"`
	ChildID   domain.ChildID `json:"childId"`
	ChildName string         `json:"childName"`
	// ToMunicipality is where the child moved (moved-out only; empty when
	// unknown or protected).
	ToMunicipality domain.Municipality `json:"toMunicipality,omitempty"`
	Recorded       time.Time           `json:"recorded"`
	Handled        time.Time           `json:"handled,omitzero"`
	HandledBy      string              `json:"handledBy,omitempty"`
	// Text says what happened in the request's language.
	Text string `json:"text"`
}

// HandleRequest names the notice to mark handled.
type HandleRequest struct {
	Sequence int64          `json:"sequence"`
	Kind     string         `json:"kind"`
	ChildID  domain.ChildID `json:"childId"`
}

// SyncRequest is the body of a sync: an empty object; the municipality is
// the caseworker's.
type SyncRequest struct{}

// SyncView is the outcome of a sync.
type SyncView struct {
	// Applied is the number of register changes applied.
	Applied int `json:"applied"`
}

// errNotConfigured is the sync's answer when the app has no register.
var errNotConfigured = &api.HTTPError{Status: http.StatusServiceUnavailable, Kind: "registry-not-configured",
	Detail: "no population register is configured (-registry)"}

// Sync applies the register's change feed to one municipality: each
// change in its own transaction (domain.RegistryApplier). It is
// unavailable when no register is configured.
func Sync(ctx context.Context, a *web.App, m domain.Municipality) (int, error) {
	if a.Registry == nil {
		return 0, errNotConfigured
	}
	n, err := domain.RegistryApplier{Store: a.Store, Registry: a.Registry, Clock: a.Clock}.Sync(ctx, m)
	if n > 0 || err != nil {
		a.Log.Info("registry sync", "municipality", m, "applied", n, "err", err)
	}
	return n, err
}

// SyncEvery syncs every municipality served after delay and then every
// interval until ctx ends; it does nothing when no register is
// configured. A municipality whose sync fails is logged; the others still
// run, and the next run continues from the last change applied.
func SyncEvery(ctx context.Context, a *web.App, delay, interval time.Duration) {
	if a.Registry == nil {
		return
	}
	t := time.NewTimer(delay)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for _, m := range a.Municipalities {
			if _, err := Sync(ctx, a, m); err != nil && !errors.Is(err, context.Canceled) {
				a.Log.Error("registry sync", "municipality", m, "err", err)
			}
		}
		t.Reset(interval)
	}
}

// notices lists the municipality's notices, open ones first (newest
// change first within each), and logs the read for each child named.
func (a *app) notices(ctx context.Context, c *web.Call) ([]NoticeView, error) {
	m := c.Actor.Municipality
	ns, err := a.Store.RegistryNotices(ctx, m)
	if err != nil {
		return nil, err
	}
	out := make([]NoticeView, 0, len(ns))
	var children []domain.ChildID
	names := map[domain.ChildID]string{}
	for _, n := range ns {
		name, ok := names[n.Child]
		if !ok {
			ch, err := a.Store.Child(ctx, m, n.Child)
			if err != nil {
				return nil, err
			}
			name = ch.GivenName + " " + ch.FamilyName
			names[n.Child] = name
			children = append(children, n.Child)
		}
		out = append(out, a.view(c, n, name))
	}
	// Open first, newest change first.
	sortNotices(out)
	if len(children) > 0 {
		if err := a.Audit(ctx, c.Actor, "registry-notice.read", "", children...); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func sortNotices(vs []NoticeView) {
	slices.SortStableFunc(vs, func(x, y NoticeView) int {
		if x.Handled.IsZero() != y.Handled.IsZero() {
			if x.Handled.IsZero() {
				return -1
			}
			return 1
		}
		return cmp.Compare(y.Sequence, x.Sequence)
	})
}

func (a *app) view(c *web.Call, n domain.RegistryNotice, name string) NoticeView {
	v := NoticeView{Sequence: n.Sequence, Kind: n.Kind, ChildID: n.Child, ChildName: name, ToMunicipality: n.ToMunicipality,
		Recorded: n.Recorded, Handled: n.Handled, HandledBy: n.HandledBy}
	switch {
	case n.Kind == domain.NoticeMovedOut && n.ToMunicipality != "":
		v.Text = c.Lang.T("registry.kind.moved-out.to", name, string(n.ToMunicipality))
	default:
		v.Text = c.Lang.T("registry.kind."+kindKey(n.Kind), name)
	}
	return v
}

// kindKey is the message key suffix of a notice kind ("registry.death" →
// "death").
func kindKey(kind string) string {
	const prefix = "registry."
	if len(kind) > len(prefix) && kind[:len(prefix)] == prefix {
		return kind[len(prefix):]
	}
	return kind
}

func (a *app) apiNotices(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	vs, err := a.notices(r.Context(), c)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, vs)
	return nil
}

// handle marks a notice handled, with its audit entry, in one
// transaction.
func (a *app) handle(ctx context.Context, c *web.Call, req HandleRequest) (NoticeView, error) {
	var p domain.Problems
	if req.Sequence < 1 {
		p.Add("sequence", "not-positive")
	}
	switch req.Kind {
	case domain.NoticeMovedOut, domain.NoticeDeath, domain.NoticeParentalResponsibility:
	default:
		p.Add("kind", "is-not-a-registry-notice")
	}
	if req.ChildID.IsZero() {
		p.Add("childId", domain.ReasonRequired)
	}
	if err := p.Err(); err != nil {
		return NoticeView{}, err
	}
	m := c.Actor.Municipality
	var out NoticeView
	err := a.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := a.Store.HandleRegistryNotice(ctx, m, req.Sequence, req.Kind, req.ChildID, c.Actor.Name, a.Clock.Now()); err != nil {
			return err
		}
		if err := a.AuditChange(ctx, c.Actor, "registry-notice.handle", "registry/"+strconv.FormatInt(req.Sequence, 10), req.ChildID); err != nil {
			return err
		}
		ns, err := a.Store.RegistryNotices(ctx, m)
		if err != nil {
			return err
		}
		ch, err := a.Store.Child(ctx, m, req.ChildID)
		if err != nil {
			return err
		}
		for _, n := range ns {
			if n.Sequence == req.Sequence && n.Kind == req.Kind && n.Child == req.ChildID {
				out = a.view(c, n, ch.GivenName+" "+ch.FamilyName)
			}
		}
		return nil
	})
	return out, err
}

func (a *app) apiHandle(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req HandleRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	v, err := a.handle(r.Context(), c, req)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (a *app) apiSync(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req SyncRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	n, err := Sync(r.Context(), a.App, c.Actor.Municipality)
	if err != nil {
		return err
	}
	if err := a.Audit(r.Context(), c.Actor, "registry.sync", strconv.Itoa(n)); err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, SyncView{Applied: n})
	return nil
}

// pageContent is what the notices page shows.
type pageContent struct {
	L          web.Locale
	Configured bool
	Notices    []NoticeView
	// Synced is the number of changes the last "sync now" applied; -1
	// when the page was not reached from it.
	Synced int
	Failed bool
}

func (a *app) page(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	vs, err := a.notices(r.Context(), c)
	if err != nil {
		return err
	}
	content := pageContent{L: c.Lang, Configured: a.Registry != nil, Notices: vs, Synced: -1}
	if s := r.URL.Query().Get("synced"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n >= 0 {
			content.Synced = n
		}
	}
	content.Failed = r.URL.Query().Get("failed") == "1"
	a.Page(w, r, c, http.StatusOK, "registry_notices", "registry.title", content)
	return nil
}

func (a *app) syncSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	n, err := Sync(r.Context(), a.App, c.Actor.Municipality)
	if err != nil {
		if errors.Is(err, domain.ErrUnavailable) || errors.Is(err, errNotConfigured) {
			a.Log.Warn("registry sync", "municipality", c.Actor.Municipality, "err", err)
			http.Redirect(w, r, "/caseworker/registry?failed=1", http.StatusSeeOther)
			return nil
		}
		return err
	}
	if err := a.Audit(r.Context(), c.Actor, "registry.sync", strconv.Itoa(n)); err != nil {
		return err
	}
	http.Redirect(w, r, "/caseworker/registry?synced="+strconv.Itoa(n), http.StatusSeeOther)
	return nil
}

func (a *app) handleSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	seq, err := strconv.ParseInt(r.PostFormValue("sequence"), 10, 64)
	if err != nil {
		return domain.Invalid("sequence", "must-be-a-whole-number")
	}
	child, err := domain.ParseID[domain.Child](r.PostFormValue("child"))
	if err != nil {
		return domain.Invalid("child", "is-not-an-id")
	}
	if _, err := a.handle(r.Context(), c, HandleRequest{Sequence: seq, Kind: r.PostFormValue("kind"), ChildID: child}); err != nil {
		return err
	}
	http.Redirect(w, r, "/caseworker/registry", http.StatusSeeOther)
	return nil
}
