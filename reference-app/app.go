package main

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"

	"github.com/rickb777/date/v2"

	"github.com/oppvekst/oppvekst/domain"
)

//go:embed templates/*.html
var templateFiles embed.FS

// app holds what the handlers need.
type app struct {
	store        domain.Store
	clock        domain.Clock
	log          *slog.Logger
	municipality domain.Municipality
	pages        map[string]*template.Template
}

func newApp(store domain.Store, clock domain.Clock, log *slog.Logger) (*app, error) {
	pages, err := parsePages(templateFiles)
	if err != nil {
		return nil, err
	}
	return &app{store: store, clock: clock, log: log, municipality: demoMunicipality, pages: pages}, nil
}

// parsePages parses each page template together with the layout; a page is
// rendered by executing "layout".
func parsePages(fsys fs.FS) (map[string]*template.Template, error) {
	names, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, name := range names {
		if name == "templates/layout.html" {
			continue
		}
		t, err := template.ParseFS(fsys, "templates/layout.html", name)
		if err != nil {
			return nil, fmt.Errorf("templates: %w", err)
		}
		pages[strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")] = t
	}
	return pages, nil
}

// render writes a page with the status code; it renders into a buffer first
// so a template error becomes a clean 500.
func (a *app) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	t, ok := a.pages[page]
	if !ok {
		a.log.Error("no such page template", "page", page)
		http.Error(w, "Intern feil", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		a.log.Error("render page", "page", page, "err", err)
		http.Error(w, "Intern feil", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = buf.WriteTo(w)
	}
}

// errorPage is the data of the error page.
type errorPage struct {
	Title            string
	Message          string
	MunicipalityName string
}

func (a *app) serverError(w http.ResponseWriter, r *http.Request, err error) {
	a.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	a.render(w, r, http.StatusInternalServerError, "error", errorPage{
		Title:            "Noe gikk galt",
		Message:          "Siden kunne ikke vises akkurat nå. Prøv igjen om litt.",
		MunicipalityName: demoMunicipalityName,
	})
}

func (a *app) notFound(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, http.StatusNotFound, "error", errorPage{
		Title:            "Fant ikke siden",
		Message:          "Adressen finnes ikke. Kontroller at den er skrevet riktig.",
		MunicipalityName: demoMunicipalityName,
	})
}

// healthz answers whether the app can reach its store.
func (a *app) healthz(w http.ResponseWriter, r *http.Request) {
	status, code := "ok", http.StatusOK
	if _, err := a.store.Units(r.Context(), a.municipality); err != nil {
		a.log.Error("health check: store unavailable", "err", err)
		status, code = "unavailable", http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"status": status})
}

// homePage is the data of the front page.
type homePage struct {
	Title            string
	MunicipalityName string
	Municipality     domain.Municipality
	Today            string // 22. november 2025
	TodayISO         string // 2025-11-22
	Sections         []kindSection
}

// kindSection lists the units of one kind.
type kindSection struct {
	ID      string // for the heading's anchor
	Heading string
	Empty   string
	Units   []unitView
}

type unitView struct {
	ID          string
	Name        string
	Description string
	Groups      []groupRow
	Total       int
}

type groupRow struct {
	Name     string
	Children int
}

// home lists the units of the demo municipality by kind, each with its
// groups and how many children are placed in them today.
func (a *app) home(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	today := domain.Today(a.clock)
	units, err := a.store.Units(ctx, a.municipality)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	names := map[domain.UnitID]string{}
	for _, u := range units {
		names[u.ID] = u.Name
	}
	sections := []kindSection{
		{ID: "barnehager", Heading: "Barnehager", Empty: "Ingen barnehager er registrert."},
		{ID: "skoler", Heading: "Skoler", Empty: "Ingen skoler er registrert."},
		{ID: "sfo", Heading: "SFO (skolefritidsordning)", Empty: "Ingen SFO er registrert."},
	}
	section := map[domain.UnitKind]*kindSection{
		domain.Kindergarten: &sections[0],
		domain.School:       &sections[1],
		domain.SFO:          &sections[2],
	}
	for _, u := range units {
		v, err := a.unitView(r, u, names, today)
		if err != nil {
			a.serverError(w, r, err)
			return
		}
		if s := section[u.Kind]; s != nil {
			s.Units = append(s.Units, v)
		}
	}
	a.render(w, r, http.StatusOK, "home", homePage{
		Title:            "Enheter i " + demoMunicipalityName,
		MunicipalityName: demoMunicipalityName,
		Municipality:     a.municipality,
		Today:            formatDateNB(today),
		TodayISO:         today.String(),
		Sections:         sections,
	})
}

func (a *app) unitView(r *http.Request, u domain.Unit, names map[domain.UnitID]string, today date.Date) (unitView, error) {
	ctx := r.Context()
	groups, err := a.store.Groups(ctx, a.municipality, u.ID)
	if err != nil {
		return unitView{}, err
	}
	placements, err := a.store.UnitPlacements(ctx, a.municipality, u.ID, domain.Period{Start: today, End: today})
	if err != nil {
		return unitView{}, err
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
	v := unitView{ID: "enhet-" + u.ID.String(), Name: u.Name, Description: describeUnit(u, names), Total: len(all)}
	for _, g := range groups {
		v.Groups = append(v.Groups, groupRow{Name: g.Name, Children: len(perGroup[g.ID])})
	}
	if n := len(perGroup[domain.GroupID{}]); n > 0 {
		v.Groups = append(v.Groups, groupRow{Name: "Uten gruppe", Children: n})
	}
	return v, nil
}

func describeUnit(u domain.Unit, names map[domain.UnitID]string) string {
	owner := "Kommunal"
	if u.Owner == domain.Private {
		owner = "Privat"
	}
	switch u.Kind {
	case domain.Kindergarten:
		return owner + " barnehage"
	case domain.School:
		return owner + " grunnskole"
	case domain.SFO:
		if p, ok := names[u.Parent]; ok {
			return owner + " SFO ved " + p
		}
		return owner + " SFO"
	}
	return owner
}

var monthsNB = [...]string{"januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "desember"}

// formatDateNB writes a date the Norwegian way: "22. november 2025".
func formatDateNB(d date.Date) string {
	y, m, day := d.Date()
	return fmt.Sprintf("%d. %s %d", day, monthsNB[m-1], y)
}
