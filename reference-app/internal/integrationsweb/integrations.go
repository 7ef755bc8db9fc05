package integrationsweb

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

func (a *app) routes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/api/v1/integrations", Kind: web.KindAPI, Policy: web.PolicyAdmin, Summary: "The municipality's integration settings (municipal administrator): for each integration its state (default, on, off), endpoint, identifiers and secret references, version and who changed it when, and the deployment's default", Response: IntegrationsView{}, Handle: a.apiGet},
		{Method: "PUT", Path: "/api/v1/integrations", Kind: web.KindAPI, Policy: web.PolicyAdmin, Summary: "Save the settings of the integrations listed (municipal administrator); each changed one becomes a new version, an unchanged one is left as it is; a version given that is not the current one is a conflict; every refused field with its reason", Body: PutIntegrations{}, Response: IntegrationsView{}, Handle: a.apiPut},
		{Method: "GET", Path: "/admin/integrations", Kind: web.KindPage, Policy: web.PolicyAdmin, Handle: a.page},
		{Method: "POST", Path: "/admin/integrations", Kind: web.KindPage, Policy: web.PolicyAdmin, Handle: a.page},
	}
}

// IntegrationsView is the municipality's integration settings in the API.
type IntegrationsView struct {
	Integrations []IntegrationView `json:"integrations"`
}

// IntegrationView is one integration: the municipality's setting (state
// "default" and version 0 when it has saved none) and the deployment's.
type IntegrationView struct {
	Integration string            `json:"integration"`
	State       string            `json:"state"`
	Endpoint    string            `json:"endpoint"`
	Values      map[string]string `json:"values"`
	Version     int               `json:"version"`
	ChangedAt   *time.Time        `json:"changedAt,omitempty"`
	ChangedBy   string            `json:"changedBy,omitempty"`
	// Enabled says whether the integration is used for the municipality
	// now: its own switch, or the deployment's when it follows that.
	Enabled bool        `json:"enabled"`
	Default DefaultView `json:"default"`
}

// DefaultView is the deployment's configuration of an integration.
type DefaultView struct {
	Enabled  bool              `json:"enabled"`
	Endpoint string            `json:"endpoint"`
	Values   map[string]string `json:"values"`
}

// PutIntegrations is the body of PUT /api/v1/integrations.
type PutIntegrations struct {
	Integrations []PutIntegration `json:"integrations"`
}

// PutIntegration is one integration's new setting. Version, when given,
// must be the current version (0: never saved).
type PutIntegration struct {
	Integration string            `json:"integration"`
	State       string            `json:"state"`
	Endpoint    string            `json:"endpoint"`
	Values      map[string]string `json:"values"`
	Version     *int              `json:"version,omitempty"`
}

// record is the audit record of the municipality's settings.
func record(m domain.Municipality) string { return "integrations/" + string(m) }

// current reads the municipality's settings, one per integration (state
// default, version 0, for one never saved).
func (a *app) current(ctx context.Context, m domain.Municipality) (map[domain.Integration]domain.IntegrationSetting, error) {
	ss, err := a.Store.IntegrationSettings(ctx, m)
	if err != nil {
		return nil, err
	}
	out := map[domain.Integration]domain.IntegrationSetting{}
	for _, i := range domain.Integrations() {
		out[i] = domain.IntegrationSetting{Municipality: m, Integration: i, State: domain.IntegrationDefault}
	}
	for _, s := range ss {
		out[s.Integration] = s
	}
	return out, nil
}

func (a *app) defaults() map[domain.Integration]domain.IntegrationSetting {
	out := map[domain.Integration]domain.IntegrationSetting{}
	for _, s := range a.IntegrationDefaults {
		out[s.Integration] = s
	}
	return out
}

func (a *app) read(ctx context.Context, actor domain.Actor) (IntegrationsView, error) {
	cur, err := a.current(ctx, actor.Municipality)
	if err != nil {
		return IntegrationsView{}, err
	}
	if err := a.Audit(ctx, actor, "integrations.read", record(actor.Municipality)); err != nil {
		return IntegrationsView{}, err
	}
	return a.view(cur), nil
}

func (a *app) view(cur map[domain.Integration]domain.IntegrationSetting) IntegrationsView {
	defs := a.defaults()
	v := IntegrationsView{Integrations: []IntegrationView{}}
	for _, i := range domain.Integrations() {
		s, d := cur[i], defs[i]
		iv := IntegrationView{Integration: string(i), State: string(s.State), Endpoint: s.Endpoint, Values: s.Values,
			Version: s.Version, ChangedBy: s.ChangedBy,
			Default: DefaultView{Enabled: d.State == domain.IntegrationOn, Endpoint: d.Endpoint, Values: d.Values}}
		if iv.Values == nil {
			iv.Values = map[string]string{}
		}
		if iv.Default.Values == nil {
			iv.Default.Values = map[string]string{}
		}
		if !s.ChangedAt.IsZero() {
			at := s.ChangedAt
			iv.ChangedAt = &at
		}
		switch s.State {
		case domain.IntegrationOn:
			iv.Enabled = true
		case domain.IntegrationDefault:
			iv.Enabled = iv.Default.Enabled
		}
		v.Integrations = append(v.Integrations, iv)
	}
	return v
}

// save validates the new settings and saves each changed one as its next
// version, with an audit entry, all in one transaction. Field errors are
// named prefix(i) + the setting's field.
func (a *app) save(ctx context.Context, actor domain.Actor, in []PutIntegration, prefix func(n int, i string) string) (IntegrationsView, error) {
	var out IntegrationsView
	err := a.Store.Atomic(ctx, func(ctx context.Context) error {
		cur, err := a.current(ctx, actor.Municipality)
		if err != nil {
			return err
		}
		now := a.Clock.Now()
		by := actor.Name
		if by == "" {
			by = actor.Subject
		}
		var p domain.Problems
		var changed []domain.IntegrationSetting
		seen := map[domain.Integration]bool{}
		for n, put := range in {
			i, err := domain.ParseIntegration("integration", put.Integration)
			if err != nil {
				p.Merge(prefix(n, put.Integration), err)
				continue
			}
			if seen[i] {
				p.Add(prefix(n, put.Integration)+".integration", "appears-twice", "value", put.Integration)
				continue
			}
			seen[i] = true
			old := cur[i]
			if put.Version != nil && *put.Version != old.Version {
				return domain.IntegrationChanged()
			}
			next := domain.IntegrationSetting{Municipality: actor.Municipality, Integration: i, State: domain.IntegrationState(put.State),
				Endpoint: put.Endpoint, Values: put.Values, Version: old.Version + 1, ChangedAt: now, ChangedBy: by}.Normalize()
			if err := next.Validate(); err != nil {
				p.Merge(prefix(n, put.Integration), err)
				continue
			}
			if old.Version == 0 && next.State == domain.IntegrationDefault && len(next.Values) == 0 && next.Endpoint == "" {
				continue // nothing set, nothing to save
			}
			if !next.Same(old) {
				changed = append(changed, next)
			}
		}
		if err := p.Err(); err != nil {
			return err
		}
		for _, s := range changed {
			if err := a.Store.PutIntegrationSetting(ctx, s); err != nil {
				return err
			}
			if err := a.AuditChange(ctx, actor, "integration.update", fmt.Sprintf("%s/%s/v%d", record(actor.Municipality), s.Integration, s.Version)); err != nil {
				return err
			}
			cur[s.Integration] = s
		}
		out = a.view(cur)
		return nil
	})
	return out, err
}

func (a *app) apiGet(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	v, err := a.read(r.Context(), c.Actor)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (a *app) apiPut(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var body PutIntegrations
	if err := api.DecodeJSON(w, r, &body); err != nil {
		return err
	}
	v, err := a.save(r.Context(), c.Actor, body.Integrations, func(n int, _ string) string {
		return "integrations[" + strconv.Itoa(n) + "]"
	})
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, v)
	return nil
}

// isValidation reports whether err is a refusal of the input.
func isValidation(err error) (*domain.ValidationError, bool) {
	var ve *domain.ValidationError
	return ve, errors.As(err, &ve)
}
