package web

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// writeProblem writes err as application/problem+json.
func (a *App) writeProblem(w http.ResponseWriter, r *http.Request, err error) {
	p := api.ProblemFor(err)
	if p.Status >= 500 {
		a.Log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	// A conflict's detail is its reason in English, from the catalogs (the
	// library's errors carry only the code).
	var ce *domain.ConflictError
	if errors.As(err, &ce) && a.Locale("en").Has("reason."+ce.Reason) {
		p.Detail = a.Locale("en").ConflictReason(ce)
	}
	p.Instance = r.URL.Path
	b, _ := json.Marshal(p)
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	api.SetRetryAfter(w, p.Status)
	w.WriteHeader(p.Status)
	_, _ = w.Write(b)
}
