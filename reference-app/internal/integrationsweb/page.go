package integrationsweb

import (
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// pageContent is the settings page: a fieldset per integration.
type pageContent struct {
	Integrations []pageIntegration
	Summary      []summaryItem
	Saved        bool
}

type summaryItem struct{ ID, Label, Error string }

// pageIntegration is one integration on the page, as saved or as typed.
type pageIntegration struct {
	Code, Name, About string
	State             string
	StateError        string
	Enabled           bool   // used now
	Changed           string // who changed it when, or that it never was
	Version           int
	DefaultText       string // the deployment's state and endpoint
	Problem           string // the saved setting cannot be used (misconfigured)
	Endpoint          pageField
	Fields            []pageField
	Inputs            []pageField // Endpoint, then Fields
	States            []pageState
}

type pageState struct {
	Value, Label, ID string
	Checked          bool
}

// pageField is one input: its form name and id, label, value as typed,
// the deployment's value (as a hint) and the refusal.
type pageField struct {
	Name, ID, Label, Value, Default, Error, Kind string
	// Recorded: the field is stored and shown but not used yet.
	Recorded bool
}

// inEffect lists, per integration, the fields a municipality's saved
// value is really used for (messagingweb.Selector); every other field is
// only recorded. "endpoint" is the endpoint.
var inEffect = map[domain.Integration][]string{
	domain.IntegrationKRR:     {"endpoint", "tokenRef"},
	domain.IntegrationEmail:   {"endpoint", "from", "user", "passwordRef"},
	domain.IntegrationSMS:     {"endpoint", "sender", "tokenRef"},
	domain.IntegrationWebhook: {"endpoint", "secretRef"},
}

func (a *app) page(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	ctx := r.Context()
	L := c.Lang
	if r.Method == http.MethodGet {
		v, err := a.read(ctx, c.Actor)
		if err != nil {
			return err
		}
		content := pageContent{Saved: r.URL.Query().Get("saved") == "1"}
		for _, iv := range v.Integrations {
			pi := a.pageIntegration(L, iv, nil)
			if a.IntegrationCheck != nil && iv.State != string(domain.IntegrationOff) && a.IntegrationCheck(ctx, c.Actor.Municipality, domain.Integration(iv.Integration)) != nil {
				pi.Problem = L.T("int.misconfigured")
			}
			content.Integrations = append(content.Integrations, pi)
		}
		a.Page(w, r, c, http.StatusOK, "integrations", "int.title", content)
		return nil
	}
	if err := web.ParsePageForm(w, r, api.MaxBodyBytes); err != nil {
		return err
	}
	// An integration whose state the form does not carry is left as it is.
	var puts []PutIntegration
	typed := map[string]PutIntegration{}
	for _, i := range domain.Integrations() {
		code := string(i)
		if !r.PostForm.Has(code + ".state") {
			continue
		}
		put := PutIntegration{Integration: code, State: r.PostFormValue(code + ".state"), Endpoint: r.PostFormValue(code + ".endpoint"), Values: map[string]string{}}
		for _, f := range i.Fields() {
			put.Values[f.Name] = r.PostFormValue(code + ".values." + f.Name)
		}
		if n, err := strconv.Atoi(r.PostFormValue(code + ".version")); err == nil {
			put.Version = &n
		}
		puts = append(puts, put)
		typed[code] = put
	}
	_, err := a.save(ctx, c.Actor, puts, func(_ int, code string) string { return code })
	if err == nil {
		http.Redirect(w, r, "/admin/integrations?saved=1", http.StatusSeeOther)
		return nil
	}
	errs := map[string]string{}
	status := http.StatusUnprocessableEntity
	var content pageContent
	var ce *domain.ConflictError
	if ve, ok := isValidation(err); ok {
		for _, f := range ve.Fields {
			if _, seen := errs[f.Field]; !seen {
				errs[f.Field] = L.FieldReason(f)
			}
		}
	} else if errors.As(err, &ce) {
		status = http.StatusConflict
		content.Summary = append(content.Summary, summaryItem{Error: L.ConflictReason(ce)})
	} else {
		return err
	}
	// The page again, with what was typed and each refusal at its field;
	// who changed what is read afresh.
	cur, err := a.current(ctx, c.Actor.Municipality)
	if err != nil {
		return err
	}
	saved := a.view(cur)
	for _, iv := range saved.Integrations {
		if t, ok := typed[iv.Integration]; ok {
			iv.State, iv.Endpoint, iv.Values = t.State, t.Endpoint, t.Values
			if t.Version != nil && status != http.StatusConflict {
				iv.Version = *t.Version
			}
		}
		pi := a.pageIntegration(L, iv, errs)
		content.Integrations = append(content.Integrations, pi)
		if pi.StateError != "" {
			content.Summary = append(content.Summary, summaryItem{ID: pi.States[0].ID, Label: pi.Name, Error: pi.StateError})
		}
		for _, f := range append([]pageField{pi.Endpoint}, pi.Fields...) {
			if f.Error != "" {
				content.Summary = append(content.Summary, summaryItem{ID: f.ID, Label: pi.Name + ": " + f.Label, Error: f.Error})
			}
		}
	}
	shown := map[string]bool{}
	for _, pi := range content.Integrations {
		shown[pi.Code+".state"] = true
		for _, f := range append([]pageField{pi.Endpoint}, pi.Fields...) {
			shown[f.Name] = true
		}
	}
	for k, why := range errs {
		if !shown[k] {
			content.Summary = append(content.Summary, summaryItem{Label: k, Error: why})
		}
	}
	a.Page(w, r, c, status, "integrations", "int.title", content)
	return nil
}

// pageIntegration makes an integration's fieldset from its view; errs are
// refusals by field ("email.endpoint", "email.values.from").
func (a *app) pageIntegration(L web.Locale, iv IntegrationView, errs map[string]string) pageIntegration {
	code := iv.Integration
	i := domain.Integration(code)
	pi := pageIntegration{Code: code, Name: L.T("int." + code + ".name"), About: L.T("int." + code + ".about"),
		State: iv.State, Enabled: iv.Enabled, Version: iv.Version, StateError: errs[code+".state"]}
	for _, st := range []string{"default", "on", "off"} {
		pi.States = append(pi.States, pageState{Value: st, Label: L.T("int.state." + st), ID: "f-" + code + "-state-" + st, Checked: iv.State == st})
	}
	if iv.ChangedAt != nil {
		pi.Changed = L.T("int.changed", iv.ChangedBy, L.DateTime(*iv.ChangedAt), iv.Version)
	} else {
		pi.Changed = L.T("int.never")
	}
	pi.DefaultText = L.T("int.default.off")
	if iv.Default.Enabled {
		pi.DefaultText = L.T("int.default.on")
	}
	if iv.Default.Endpoint != "" {
		pi.DefaultText += " · " + iv.Default.Endpoint
	}
	pi.Endpoint = pageField{Name: code + ".endpoint", ID: "f-" + code + "-endpoint", Label: L.T("int.f.endpoint", i.Scheme()),
		Value: iv.Endpoint, Default: iv.Default.Endpoint, Error: errs[code+".endpoint"], Kind: "url",
		Recorded: !slices.Contains(inEffect[i], "endpoint")}
	for _, f := range i.Fields() {
		pi.Fields = append(pi.Fields, pageField{Name: code + ".values." + f.Name, ID: "f-" + code + "-" + f.Name,
			Label: L.T("int.f." + f.Name), Value: iv.Values[f.Name], Default: iv.Default.Values[f.Name],
			Error: errs[code+".values."+f.Name], Kind: string(f.Kind), Recorded: !slices.Contains(inEffect[i], f.Name)})
	}
	pi.Inputs = append([]pageField{pi.Endpoint}, pi.Fields...)
	return pi
}
