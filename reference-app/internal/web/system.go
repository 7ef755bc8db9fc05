package web

import (
	"net/http"

	"github.com/oppvekst/oppvekst/reference-app/internal/demo"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// JSON bodies of the API. Every type here is described in /openapi.json
// (openapi.go derives the schemas from the struct fields and tags).

type StatusBody struct {
	Status string `json:"status"`
}

// System.

func (a *App) healthz(w http.ResponseWriter, r *http.Request, c *Call) error {
	if _, err := a.Store.Units(r.Context(), demo.Municipality); err != nil {
		a.Log.Error("health check: store unavailable", "err", err)
		api.SetRetryAfter(w, http.StatusServiceUnavailable)
		api.WriteJSON(w, http.StatusServiceUnavailable, StatusBody{Status: "unavailable"})
		return nil
	}
	api.WriteJSON(w, http.StatusOK, StatusBody{Status: "ok"})
	return nil
}

func (a *App) readyz(w http.ResponseWriter, r *http.Request, c *Call) error {
	if a.ShuttingDown.Load() {
		api.WriteJSON(w, http.StatusServiceUnavailable, StatusBody{Status: "shutting down"})
		return nil
	}
	return a.healthz(w, r, c)
}
