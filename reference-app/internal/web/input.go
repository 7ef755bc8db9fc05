package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// ParsePageForm reads a form of at most limit bytes (urlencoded or
// multipart); a larger one is a 413.
func ParsePageForm(w http.ResponseWriter, r *http.Request, limit int64) error {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	err := r.ParseMultipartForm(limit)
	if errors.Is(err, http.ErrNotMultipart) {
		err = r.ParseForm()
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return &api.HTTPError{Status: http.StatusRequestEntityTooLarge, Kind: "too-large", Detail: "the form is too large"}
	case err != nil:
		return api.BadRequest("malformed", "the form cannot be read")
	}
	return nil
}

// checkRequestInput refuses a query string or a form that holds a control
// character or is not UTF-8, naming the parameter: a query value is one
// line (domain.CheckLine), a form value may span lines as a textarea does
// (domain.CheckText). It reads the form of a page's POST (at most limit
// bytes), so the handler finds it parsed; a route that checks its own
// form (Route.ChecksOwnForm) gets it unchecked.
func checkRequestInput(w http.ResponseWriter, r *http.Request, rt Route) error {
	var p domain.Problems
	// As the handlers read it: r.URL.Query() leaves out malformed pairs.
	query := r.URL.Query()
	if rt.Kind == KindAPI && (rt.List || rt.Search != "") {
		// A list API's paging and search are refused as api.ReadPage
		// refuses them: 400, invalid-query, naming the parameter.
		var pq domain.Problems
		paging := url.Values{}
		for _, k := range []string{"limit", "cursor", "q"} {
			if vs, ok := query[k]; ok {
				paging[k] = vs
			}
		}
		api.CheckValues(&pq, paging, domain.CheckLine)
		var ve *domain.ValidationError
		if err := pq.Err(); errors.As(err, &ve) {
			return api.BadRequest("invalid-query", "a paging or search parameter holds a control character", ve.Fields...)
		}
	}
	api.CheckValues(&p, query, domain.CheckLine)
	if rt.Kind == KindPage && r.Method == http.MethodPost {
		limit := rt.FormLimit
		if limit == 0 {
			limit = api.MaxBodyBytes
		}
		if err := ParsePageForm(w, r, limit); err != nil {
			return err
		}
		if !rt.ChecksOwnForm {
			api.CheckValues(&p, r.PostForm, domain.CheckText)
		}
	}
	return p.Err()
}
