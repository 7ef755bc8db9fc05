package directoryweb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/oppvekst/oppvekst/adapters/migrationcsv"
	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// The migration import (adapters/migrationcsv): CSV files from the system
// a municipality leaves, planned line by line in a dry run, then written
// all or nothing. A caseworker of the directory or the municipal
// administrator may import. The API takes one file as a text/csv body
// (its kind from ?kind= or its header) or several as multipart/form-data;
// the page uploads files, shows the dry run's report and carries the files
// in the form that confirms the import.

// importLimit is the largest upload: 10,000 children with their guardians,
// guardianships and placements are about 3 MiB.
const importLimit = 32 << 20

// importResult is the answer of the import route.
type importResult struct {
	// DryRun: the plan only; nothing was written.
	DryRun bool `json:"dryRun"`
	// Imported: the plan was written. False on a dry run, and when a line
	// was refused (then nothing was written).
	Imported  bool                `json:"imported"`
	Created   int                 `json:"created"`
	Changed   int                 `json:"changed"`
	Unchanged int                 `json:"unchanged"`
	Refused   int                 `json:"refused"`
	Lines     []migrationcsv.Line `json:"lines"`
}

var importBodyTypes = map[string]any{
	"text/csv": map[string]any{"type": "string", "description": "one file; its kind from ?kind= or from its header (see adapters/migrationcsv)"},
	"multipart/form-data": map[string]any{"type": "object", "properties": map[string]any{
		"files": map[string]any{"type": "array", "items": map[string]any{"type": "string", "format": "binary"},
			"description": "the files; each file's kind from its file name (children.csv) or its header"}}},
}

func (a *app) importRoutes() []web.Route {
	return []web.Route{
		{Method: "POST", Path: "/api/v1/migration/import", Kind: web.KindAPI, Policy: web.PolicyCaseworker,
			Summary:   "Import units, groups, children, guardians, guardianships and placements from CSV files (adapters/migrationcsv); ?dryRun=true plans without writing (directory caseworker, municipal administrator)",
			BodyTypes: importBodyTypes, Response: importResult{},
			Query:  map[string]string{"dryRun": "true: report what the import would do and write nothing", "kind": "the kind of a text/csv body: units, groups, children, guardians, guardianships or placements"},
			Handle: a.apiImport},
		{Method: "GET", Path: "/caseworker/import", Kind: web.KindPage, Policy: web.PolicyCaseworker, Handle: a.importPage},
		{Method: "POST", Path: "/caseworker/import", Kind: web.KindPage, Policy: web.PolicyCaseworker, FormLimit: importLimit, Handle: a.importSubmit},
	}
}

func (a *app) apiImport(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	dry := false
	switch v := r.URL.Query().Get("dryRun"); v {
	case "", "false":
	case "true":
		dry = true
	default:
		return domain.Invalid("dryRun", "must-be-true-or-false")
	}
	files, err := readImportBody(w, r)
	if err != nil {
		return err
	}
	res, err := a.runImport(r.Context(), c.Actor, files, dry)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, res)
	return nil
}

// readImportBody reads the files of an API request.
func readImportBody(w http.ResponseWriter, r *http.Request) ([]*migrationcsv.File, error) {
	mt := "text/csv"
	if ct := r.Header.Get("Content-Type"); ct != "" {
		var err error
		if mt, _, err = mime.ParseMediaType(ct); err != nil {
			mt = ""
		}
	}
	r.Body = http.MaxBytesReader(w, r.Body, importLimit)
	switch mt {
	case "text/csv":
		name := "upload.csv"
		if k := r.URL.Query().Get("kind"); k != "" {
			if !slices.Contains(migrationcsv.Kinds, migrationcsv.Kind(k)) {
				return nil, domain.Invalid("kind", migrationcsv.ReasonUnknownKind)
			}
			name = k + ".csv"
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, bodyError(err)
		}
		f, err := parseImport(name, string(body))
		if err != nil {
			return nil, err
		}
		return []*migrationcsv.File{f}, nil
	case "multipart/form-data":
		if err := r.ParseMultipartForm(importLimit); err != nil {
			return nil, bodyError(err)
		}
		return uploadedFiles(r)
	}
	return nil, &api.HTTPError{Status: http.StatusUnsupportedMediaType, Kind: "media-type", Detail: "send text/csv or multipart/form-data"}
}

func bodyError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &api.HTTPError{Status: http.StatusRequestEntityTooLarge, Kind: "too-large", Detail: fmt.Sprintf("the files are larger than %d bytes", importLimit)}
	}
	return api.BadRequest("unreadable", "the body cannot be read")
}

// uploadedFiles parses the files of a multipart form (field "files"; a
// file whose name says no kind takes its kind from the field name).
func uploadedFiles(r *http.Request) ([]*migrationcsv.File, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var out []*migrationcsv.File
	for _, field := range slices.Sorted(func(yield func(string) bool) {
		for k := range r.MultipartForm.File {
			if !yield(k) {
				return
			}
		}
	}) {
		for _, fh := range r.MultipartForm.File[field] {
			if fh.Size == 0 && fh.Filename == "" {
				continue // a file input left empty
			}
			name := fh.Filename
			if migrationcsv.KindOf(name) == "" && migrationcsv.KindOf(field) != "" {
				name = field + ".csv"
			}
			f, err := fh.Open()
			if err != nil {
				return nil, api.BadRequest("unreadable", "the file cannot be read")
			}
			body, err := io.ReadAll(f)
			f.Close()
			if err != nil {
				return nil, api.BadRequest("unreadable", "the file cannot be read")
			}
			pf, err := parseImport(name, string(body))
			if err != nil {
				return nil, err
			}
			out = append(out, pf)
		}
	}
	return out, nil
}

func parseImport(name, body string) (*migrationcsv.File, error) {
	f, err := migrationcsv.Parse(name, strings.NewReader(body))
	if errors.Is(err, migrationcsv.ErrUnknownKind) {
		return nil, domain.Invalid(name, migrationcsv.ReasonUnknownKind)
	}
	return f, err
}

// runImport plans (dry) or imports the files for the actor's municipality.
// The import and its audit entries (one per child whose data it creates or
// changes, one for the import) are one transaction; a dry run is logged
// as read.
func (a *app) runImport(ctx context.Context, actor domain.Actor, files []*migrationcsv.File, dry bool) (importResult, error) {
	if len(files) == 0 {
		return importResult{}, domain.Invalid("files", domain.ReasonRequired)
	}
	opt := migrationcsv.Options{Municipality: actor.Municipality, Today: domain.Today(a.Clock)}
	var plan *migrationcsv.Plan
	res := importResult{DryRun: dry}
	if dry {
		var err error
		if plan, err = migrationcsv.DryRun(ctx, a.Store, opt, files...); err != nil {
			return res, err
		}
		if err := a.Audit(ctx, actor, "migration.dryrun", importRecord(plan)); err != nil {
			return res, err
		}
	} else {
		err := a.Store.Atomic(ctx, func(ctx context.Context) error {
			var err error
			plan, err = migrationcsv.Import(ctx, a.Store, opt, files...)
			if err != nil {
				return err
			}
			if err := a.AuditChange(ctx, actor, "child.import", "migration", plan.Children()...); err != nil {
				return err
			}
			return a.AuditChange(ctx, actor, "migration.import", importRecord(plan))
		})
		switch {
		case errors.Is(err, migrationcsv.ErrRefused):
			// Nothing written; the refused attempt is logged as a read.
			if err := a.Audit(ctx, actor, "migration.refused", importRecord(plan)); err != nil {
				return res, err
			}
		case err != nil:
			return res, err
		default:
			res.Imported = true
			// A migration writes a municipality's records at once: the
			// planner's statistics are refreshed for them. The import is
			// kept whether or not that works.
			if err := domain.Analyze(ctx, a.Store); err != nil && a.Log != nil {
				a.Log.Warn("analyze after a migration import", "error", err)
			}
		}
	}
	res.Lines = plan.Lines
	res.Created, res.Changed, res.Unchanged, res.Refused = plan.Count(migrationcsv.Create), plan.Count(migrationcsv.Change),
		plan.Count(migrationcsv.Unchanged), plan.Count(migrationcsv.Refused)
	return res, nil
}

func importRecord(p *migrationcsv.Plan) string {
	return fmt.Sprintf("migration/%d created, %d changed, %d unchanged, %d refused", p.Count(migrationcsv.Create),
		p.Count(migrationcsv.Change), p.Count(migrationcsv.Unchanged), p.Count(migrationcsv.Refused))
}

// The page.

// importContent is the page: the upload form, and after a dry run or an
// import its report.
type importContent struct {
	Errors    []string
	Report    bool
	Done      bool
	Result    importResult
	Files     []importFileRow
	Refused   []importLineRow
	Changes   []importLineRow
	More      int
	Carry     []carriedFile
	CanImport bool
}

type importFileRow struct {
	Name, Kind                          string
	Create, Change, Unchanged, Refusals int
}

type importLineRow struct {
	File    string
	Line    int
	Key     string
	Action  string
	Field   string
	Reason  string
	Columns string
}

// carriedFile is an uploaded file carried in the form that confirms the
// import.
type carriedFile struct{ Name, Content string }

// maxChangeRows is how many created or changed lines the page lists.
const maxChangeRows = 500

func (a *app) importPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	a.Page(w, r, c, http.StatusOK, "import", "dir.import.title", importContent{})
	return nil
}

func (a *app) importSubmit(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var content importContent
	var carry []carriedFile
	var files []*migrationcsv.File
	names, bodies := r.PostForm["csvName"], r.PostForm["csv"]
	for i := range min(len(names), len(bodies)) {
		carry = append(carry, carriedFile{Name: names[i], Content: bodies[i]})
	}
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["files"] {
			if fh.Filename == "" && fh.Size == 0 {
				continue
			}
			f, err := fh.Open()
			if err != nil {
				return api.BadRequest("unreadable", "the file cannot be read")
			}
			body, err := io.ReadAll(f)
			f.Close()
			if err != nil {
				return api.BadRequest("unreadable", "the file cannot be read")
			}
			carry = append(carry, carriedFile{Name: fh.Filename, Content: string(body)})
		}
	}
	for _, cf := range carry {
		if err := domain.CheckText(cf.Name, cf.Content); err != nil {
			why := domain.ReasonControl
			var v *domain.ValidationError
			if errors.As(err, &v) && len(v.Fields) > 0 {
				why = v.Fields[0].Reason
			}
			content.Errors = append(content.Errors, cf.Name+": "+importReason(c.Lang, why))
			continue
		}
		f, err := migrationcsv.Parse(cf.Name, strings.NewReader(cf.Content))
		if err != nil {
			content.Errors = append(content.Errors, cf.Name+": "+importReason(c.Lang, migrationcsv.ReasonUnknownKind))
			continue
		}
		files = append(files, f)
	}
	if len(carry) == 0 {
		content.Errors = append(content.Errors, importReason(c.Lang, "no-files"))
	}
	if len(content.Errors) > 0 {
		a.Page(w, r, c, http.StatusUnprocessableEntity, "import", "dir.import.title", content)
		return nil
	}
	dry := r.PostFormValue("action") != "import"
	res, err := a.runImport(r.Context(), c.Actor, files, dry)
	if err != nil {
		return err
	}
	content.Report, content.Result, content.Done = true, res, res.Imported
	content.CanImport = dry && res.Refused == 0 && res.Created+res.Changed > 0
	if content.CanImport {
		content.Carry = carry
	}
	for _, f := range files {
		row := importFileRow{Name: f.Name, Kind: c.Lang.T("dir.import.kind." + string(f.Kind))}
		for _, l := range res.Lines {
			if l.File != f.Name {
				continue
			}
			switch l.Action {
			case migrationcsv.Create:
				row.Create++
			case migrationcsv.Change:
				row.Change++
			case migrationcsv.Unchanged:
				row.Unchanged++
			case migrationcsv.Refused:
				row.Refusals++
			}
		}
		content.Files = append(content.Files, row)
	}
	for _, l := range res.Lines {
		switch l.Action {
		case migrationcsv.Refused:
			for _, p := range l.Problems {
				content.Refused = append(content.Refused, importLineRow{File: l.File, Line: l.Line, Key: l.Key,
					Field: p.Field, Reason: importReason(c.Lang, p.Reason)})
			}
		case migrationcsv.Create, migrationcsv.Change:
			if len(content.Changes) == maxChangeRows {
				content.More++
				continue
			}
			content.Changes = append(content.Changes, importLineRow{File: l.File, Line: l.Line, Key: l.Key,
				Action: c.Lang.T("dir.import.action." + string(l.Action)), Columns: strings.Join(l.Changed, ", ")})
		}
	}
	status := http.StatusOK
	if res.Refused > 0 {
		status = http.StatusUnprocessableEntity
	}
	a.Page(w, r, c, status, "import", "dir.import.title", content)
	return nil
}

// importReason translates a reason code of the import: its own
// (dir.import.reason.<code>), then the directory's, then the shell's.
func importReason(l web.Locale, code string) string {
	if l.Has("dir.import.reason." + code) {
		return l.T("dir.import.reason." + code)
	}
	return reason(l, code, nil)
}
