package web

import (
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// BareCheckPath is the load test's bare check-in (App.LoadTestBare, flag
// -load-test): the server stack of the real check-in (listener, request
// log, security headers, cross-origin protection, ServeMux, the path's
// UUID, the JSON body decoded and an answer encoded) without the store's
// work (session, policy, idempotency, the event, the audit entry). It is
// the baseline the check-in's latency is read against
// (scripts/checkin-load); it is not in the route table or /openapi.json
// and not mounted unless asked for.
const BareCheckPath = "/load-test/bare/children/{childId}/check-in"

// LoadTestCPUPath answers the CPU time the server's process has used so
// far (getrusage: user and system), {"cpuNanoseconds": n}, so that a load
// generator can tell the CPU a request costs the app; mounted with the
// bare check-in, 404 where the platform does not say.
const LoadTestCPUPath = "/load-test/cpu"

// processCPUTime answers LoadTestCPUPath.
func (a *App) processCPUTime(w http.ResponseWriter, r *http.Request) {
	d, ok := processCPU()
	if !ok {
		a.writeProblem(w, r, domain.ErrNotFound)
		return
	}
	api.WriteJSON(w, http.StatusOK, map[string]int64{"cpuNanoseconds": d.Nanoseconds()})
}

// bareCheck answers like the check-in, from the request alone.
func (a *App) bareCheck(w http.ResponseWriter, r *http.Request) {
	child, err := api.PathID[struct{}](r, "childId")
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	var req struct {
		Key string    `json:"key"`
		At  time.Time `json:"at"`
	}
	if err := api.DecodeJSON(w, r, &req); err != nil {
		a.writeProblem(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusCreated, map[string]any{
		"id": uuid.New(), "childId": child, "kind": "in", "at": req.At, "key": req.Key,
	})
}
