package billingweb

import (
	"context"
	"errors"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/billing"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// Billing settings (bank account, KID method, due day, correction window,
// first month invoiced) and the national rule tables a municipality loads:
// their routes, handlers and pages.

// settingsRoutes are the routes of the settings and the rule tables.
func (a *app) settingsRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/api/v1/billing-settings", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "The municipality's billing settings: bank account, KID method, due day, correction window, first month invoiced (caseworker, administrator); 404 when none are stored", Response: SettingsView{}, Handle: a.apiSettings},
		{Method: "POST", Path: "/api/v1/billing-settings", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "Store the municipality's billing settings (caseworker, administrator); a bank account number that fails the MOD11 check is refused with field and reason", Body: SettingsView{}, Response: SettingsView{}, Handle: a.apiPutSettings},
		{Method: "GET", Path: "/api/v1/rule-tables", Kind: web.KindAPI, Policy: web.PolicyCaseworker, Summary: "The national rule tables in force for the municipality (built-in with the loaded versions laid over them): rows, provisional rows, unknown parameters, and the loaded versions", Response: RuleTablesView{}, Handle: a.apiRuleTables},
		{Method: "POST", Path: "/api/v1/rule-tables", Kind: web.KindAPI, Policy: web.PolicyAdmin, Summary: "Load a national rule table (administrator) in the format of conformance/SPEC.md, National rule tables; a malformed table is refused with fields table:<line>:<path>", Body: LoadRuleTableRequest{}, Response: RuleTableView{}, Status: http.StatusCreated, Handle: a.apiLoadRuleTable},
		{Method: "GET", Path: "/billing/settings", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.settingsPage},
		{Method: "POST", Path: "/billing/settings", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.settingsPage},
		{Method: "GET", Path: "/billing/rule-tables", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.ruleTablesPage},
		{Method: "POST", Path: "/billing/rule-tables", Kind: web.KindPage, Policy: web.PolicyAdmin, FormLimit: MaxRuleTable + 16<<10, Handle: a.ruleTablesPage},
	}
}

// MaxRuleTable is the largest rule table read.
const MaxRuleTable = 256 << 10

// SettingsView is the billing settings in the API (and its request body).
type SettingsView struct {
	BankAccount      string `json:"bankAccount"`
	KIDMethod        string `json:"kidMethod"`
	DueDay           int    `json:"dueDay"`
	CorrectionMonths int    `json:"correctionMonths"`
	FirstMonth       string `json:"firstMonth"`
}

func settingsView(s billing.Settings) SettingsView {
	v := SettingsView{BankAccount: s.BankAccount, KIDMethod: string(s.KIDMethod), DueDay: s.DueDay, CorrectionMonths: s.CorrectionMonths}
	if v.KIDMethod == "" {
		v.KIDMethod = string(billing.KIDMod10)
	}
	if s.FirstMonth != (billing.Month{}) {
		v.FirstMonth = s.FirstMonth.String()
	}
	return v
}

// settings turns the request into settings; a month that is no month is
// refused like every other field.
func (v SettingsView) settings(m domain.Municipality) (billing.Settings, error) {
	st := billing.Settings{Municipality: m, BankAccount: v.BankAccount, KIDMethod: billing.KIDMethod(strings.TrimSpace(v.KIDMethod)),
		DueDay: v.DueDay, CorrectionMonths: v.CorrectionMonths}
	var p domain.Problems
	if strings.TrimSpace(v.FirstMonth) != "" {
		fm, err := billing.ParseMonth(strings.TrimSpace(v.FirstMonth))
		if err != nil {
			p.Add("firstMonth", domain.ReasonMonth)
		}
		st.FirstMonth = fm
	}
	if err := domain.CheckLine("bankAccount", v.BankAccount); err != nil {
		p.Merge("", err)
	}
	if err := p.Err(); err != nil {
		// The other fields' reasons too, in one answer.
		var ve, more *domain.ValidationError
		errors.As(err, &ve)
		if errors.As(st.Validate(), &more) {
			for _, f := range more.Fields {
				if !ve.Has(f.Field) {
					p.Add(f.Field, f.Reason)
				}
			}
		}
		return st, p.Err()
	}
	return st, nil
}

// putSettings stores the settings and logs the change, in one transaction.
func (a *app) putSettings(ctx context.Context, actor domain.Actor, v SettingsView) (billing.Settings, error) {
	st, err := v.settings(actor.Municipality)
	if err != nil {
		return st, err
	}
	err = a.Store.Atomic(ctx, func(ctx context.Context) error {
		if st, err = a.Billing().PutSettings(ctx, actor, st); err != nil {
			return err
		}
		return a.AuditChange(ctx, actor, "billing-settings.update", "billing-settings/"+string(actor.Municipality))
	})
	return st, err
}

func (a *app) apiSettings(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	st, err := a.Store.BillingSettings(r.Context(), c.Actor.Municipality)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, settingsView(st))
	return nil
}

func (a *app) apiPutSettings(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var v SettingsView
	if err := api.DecodeJSON(w, r, &v); err != nil {
		return err
	}
	st, err := a.putSettings(r.Context(), c.Actor, v)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, settingsView(st))
	return nil
}

// billingSettingsPage is the settings form.
type billingSettingsPage struct {
	Form    SettingsView
	Errors  map[string]string // by field: the reason in the page's language
	Summary []string          // every refused field with its label, for the alert
	Saved   bool
	Missing bool // no settings stored yet
	Methods []string
}

func (a *app) settingsPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	content := billingSettingsPage{Errors: map[string]string{}, Methods: []string{string(billing.KIDMod10), string(billing.KIDMod11)}}
	if r.Method == http.MethodGet {
		st, err := a.Store.BillingSettings(r.Context(), c.Actor.Municipality)
		switch {
		case domain.IsNotFound(err):
			content.Missing = true
			st = billing.DefaultSettings()
			content.Form = settingsView(st)
		case err != nil:
			return err
		default:
			content.Form = settingsView(st)
		}
		content.Saved = r.URL.Query().Get("saved") == "1"
		a.Page(w, r, c, http.StatusOK, "billing_settings", "billing.settings.title", content)
		return nil
	}
	if err := web.ParsePageForm(w, r, api.MaxBodyBytes); err != nil {
		return err
	}
	v := SettingsView{BankAccount: strings.TrimSpace(r.PostFormValue("bankAccount")), KIDMethod: r.PostFormValue("kidMethod"),
		FirstMonth: strings.TrimSpace(r.PostFormValue("firstMonth"))}
	content.Form = v
	var p domain.Problems
	for _, f := range []struct {
		name string
		to   *int
	}{{"dueDay", &v.DueDay}, {"correctionMonths", &v.CorrectionMonths}} {
		n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue(f.name)))
		if err != nil {
			p.Add(f.name, "not-a-whole-number")
			continue
		}
		*f.to = n
	}
	content.Form = v
	err := p.Err()
	if err == nil {
		_, err = a.putSettings(r.Context(), c.Actor, v)
	}
	if err == nil {
		http.Redirect(w, r, "/billing/settings?saved=1", http.StatusSeeOther)
		return nil
	}
	var ve *domain.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	for _, f := range ve.Fields {
		content.Errors[f.Field] = c.Lang.FieldReason(f)
		label := f.Field
		if c.Lang.Has("billing.settings." + f.Field) {
			label = c.Lang.T("billing.settings." + f.Field)
		}
		content.Summary = append(content.Summary, label+": "+c.Lang.FieldReason(f))
	}
	a.Page(w, r, c, http.StatusUnprocessableEntity, "billing_settings", "billing.settings.title", content)
	return nil
}

// LoadRuleTableRequest loads a national rule table.
type LoadRuleTableRequest struct {
	// Kind is "kindergarten" or "sfo".
	Kind string `json:"kind"`
	// Source says where the table comes from.
	Source string `json:"source"`
	// Table is the file's text, in the format of billing/rules/<kind>.json.
	Table string `json:"table"`
}

// RuleTableView is a loaded version.
type RuleTableView struct {
	Version  int                 `json:"version"`
	Kind     string              `json:"kind"`
	Source   string              `json:"source"`
	Loaded   time.Time           `json:"loaded"`
	LoadedBy string              `json:"loadedBy"`
	Changes  []billing.RowChange `json:"changes"`
}

// RuleRowView is a row of a table in force.
type RuleRowView struct {
	Kind        string    `json:"kind"`
	ValidFrom   date.Date `json:"validFrom"`
	Provisional bool      `json:"provisional"`
	// Unknown lists the parameters not known for the row's period.
	Unknown []string `json:"unknown"`
	Source  string   `json:"source"`
	Loaded  bool     `json:"loaded"` // from a loaded version, not the built-in table
}

// BlockedView is a fee the rules refuse this month for want of a
// parameter.
type BlockedView struct {
	Child     domain.ChildID `json:"child"`
	ChildName string         `json:"childName"`
	Kind      string         `json:"kind"`
	Unknown   string         `json:"unknown"`
	Month     string         `json:"month"`
}

// RuleTablesView is the tables in force and what was loaded.
type RuleTablesView struct {
	Rows    []RuleRowView   `json:"rows"`
	Blocked []BlockedView   `json:"blocked"`
	Loaded  []RuleTableView `json:"loaded"`
}

func ruleTableView(rt billing.RuleTable) RuleTableView {
	return RuleTableView{Version: rt.Version, Kind: string(rt.Kind), Source: rt.Source, Loaded: rt.Loaded, LoadedBy: rt.LoadedBy, Changes: rt.Changes}
}

// ruleTables reads the tables in force, what their unknown parameters
// block this month (the children, audit-logged as a read of their fees),
// and the loaded versions.
func (a *app) ruleTables(ctx context.Context, actor domain.Actor) (RuleTablesView, error) {
	m := actor.Municipality
	svc := a.Billing()
	t, err := svc.TablesFor(ctx, m)
	if err != nil {
		return RuleTablesView{}, err
	}
	base, err := billing.NationalTables()
	if err != nil {
		return RuleTablesView{}, err
	}
	loaded, err := a.Store.RuleTables(ctx, m)
	if err != nil {
		return RuleTablesView{}, err
	}
	v := RuleTablesView{Rows: []RuleRowView{}, Blocked: []BlockedView{}, Loaded: []RuleTableView{}}
	for _, rt := range loaded {
		v.Loaded = append(v.Loaded, ruleTableView(rt))
	}
	for _, r := range t.Kindergarten {
		row := RuleRowView{Kind: string(domain.Kindergarten), ValidFrom: r.ValidFrom, Provisional: r.Provisional, Source: r.Source, Unknown: []string{}}
		if r.FreeCoreIncomeThreshold == nil {
			row.Unknown = append(row.Unknown, "freeCoreIncomeThreshold")
		}
		for _, b := range base.Kindergarten {
			if b.ValidFrom == r.ValidFrom && b.Source != r.Source {
				row.Loaded = true
			}
		}
		row.Loaded = row.Loaded || !containsFrom(base, r.ValidFrom, domain.Kindergarten)
		v.Rows = append(v.Rows, row)
	}
	for _, r := range t.SFO {
		row := RuleRowView{Kind: string(domain.SFO), ValidFrom: r.ValidFrom, Provisional: r.Provisional, Source: r.Source, Unknown: []string{},
			Loaded: !containsFrom(base, r.ValidFrom, domain.SFO)}
		v.Rows = append(v.Rows, row)
	}
	month := billing.MonthOf(domain.Today(a.Clock))
	blocked, err := svc.Blocked(ctx, actor, m, month)
	if err != nil {
		return RuleTablesView{}, err
	}
	n := a.billingNames(m)
	ids := make([]domain.ChildID, len(blocked))
	for i, b := range blocked {
		ids[i] = b.Child
	}
	if err := n.preload(ctx, nil, ids); err != nil {
		return RuleTablesView{}, err
	}
	var children []domain.ChildID
	for _, b := range blocked {
		name, err := n.child(ctx, b.Child)
		if err != nil {
			return RuleTablesView{}, err
		}
		children = append(children, b.Child)
		v.Blocked = append(v.Blocked, BlockedView{Child: b.Child, ChildName: name, Kind: string(b.Kind), Unknown: b.Unknown, Month: b.Month.String()})
	}
	if len(children) > 0 {
		if err := a.Audit(ctx, actor, "fee-decisions.read", "rule-tables/blocked", children...); err != nil {
			return RuleTablesView{}, err
		}
	}
	return v, nil
}

func containsFrom(t *billing.Tables, from date.Date, kind domain.UnitKind) bool {
	if kind == domain.Kindergarten {
		for _, r := range t.Kindergarten {
			if r.ValidFrom == from {
				return true
			}
		}
		return false
	}
	for _, r := range t.SFO {
		if r.ValidFrom == from {
			return true
		}
	}
	return false
}

// loadRuleTable loads the table and logs it, in one transaction.
func (a *app) loadRuleTable(ctx context.Context, actor domain.Actor, req LoadRuleTableRequest) (billing.RuleTable, error) {
	if len(req.Table) > MaxRuleTable {
		return billing.RuleTable{}, domain.Invalid("table", "too-large")
	}
	var rt billing.RuleTable
	err := a.Store.Atomic(ctx, func(ctx context.Context) error {
		var err error
		rt, err = a.Billing().LoadRuleTable(ctx, actor, domain.UnitKind(strings.TrimSpace(req.Kind)), req.Source, []byte(req.Table))
		if err != nil {
			return err
		}
		return a.AuditChange(ctx, actor, "rule-table.load", "rule-table/"+strconv.Itoa(rt.Version))
	})
	return rt, err
}

func (a *app) apiRuleTables(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	v, err := a.ruleTables(r.Context(), c.Actor)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (a *app) apiLoadRuleTable(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return &api.HTTPError{Status: http.StatusUnsupportedMediaType, Kind: "media-type", Detail: "send application/json"}
		}
	}
	b, err := readLimited(w, r, MaxRuleTable+16<<10)
	if err != nil {
		return err
	}
	var req LoadRuleTableRequest
	if err := api.DecodeStrict(b, &req); err != nil {
		return err
	}
	rt, err := a.loadRuleTable(r.Context(), c.Actor, req)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusCreated, ruleTableView(rt))
	return nil
}

// billingRulesPage is the rule tables page.
type billingRulesPage struct {
	RuleTablesView
	Admin  bool
	Form   LoadRuleTableRequest
	Errors []string
	Saved  bool
}

func (a *app) ruleTablesPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	content := billingRulesPage{Admin: c.Actor.Role == domain.RoleAdmin, Form: LoadRuleTableRequest{Kind: string(domain.Kindergarten)}}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		if err := web.ParsePageForm(w, r, MaxRuleTable+16<<10); err != nil {
			return err
		}
		content.Form = LoadRuleTableRequest{Kind: r.PostFormValue("kind"), Source: r.PostFormValue("source"), Table: r.PostFormValue("table")}
		_, err := a.loadRuleTable(r.Context(), c.Actor, content.Form)
		if err == nil {
			http.Redirect(w, r, "/billing/rule-tables?saved=1", http.StatusSeeOther)
			return nil
		}
		var ve *domain.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		for _, f := range ve.Fields {
			content.Errors = append(content.Errors, ruleFieldText(c.Lang, f))
		}
		status = http.StatusUnprocessableEntity
	}
	v, err := a.ruleTables(r.Context(), c.Actor)
	if err != nil {
		return err
	}
	content.RuleTablesView = v
	content.Saved = r.URL.Query().Get("saved") == "1"
	a.Page(w, r, c, status, "billing_rules", "billing.rules.title", content)
	return nil
}

// ruleFieldText writes a refused field of a table: "Line 13, rows[0].x: reason".
func ruleFieldText(l web.Locale, f domain.FieldError) string {
	if rest, ok := strings.CutPrefix(f.Field, "table:"); ok {
		line, path, _ := strings.Cut(rest, ":")
		if path == "" {
			return l.T("billing.rules.line", line) + ": " + l.FieldReason(f)
		}
		return l.T("billing.rules.line", line) + ", " + path + ": " + l.FieldReason(f)
	}
	key := "billing.rules.field." + f.Field
	if !l.Has(key) {
		return f.Field + ": " + l.FieldReason(f)
	}
	return l.T(key) + ": " + l.FieldReason(f)
}
