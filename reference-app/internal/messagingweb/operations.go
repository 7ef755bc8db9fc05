package messagingweb

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/oppvekst/oppvekst/domain"
	"github.com/oppvekst/oppvekst/messaging"
	"github.com/oppvekst/oppvekst/reference-app/internal/web"
	"github.com/oppvekst/oppvekst/reference-app/internal/web/api"
)

// The operations page: what the municipality's outbox sent, what failed
// and what waits, by medium and state, with the archive's receipts, and a
// "retry now" for what failed — for the administrator. Nothing personal is
// shown: no address, no name, no subject or text, no error text (which may
// quote an address); a failure is its reason code, in the user's language.
// The list is paged by keyset (newest first), never read whole.

func (a *app) operationsRoutes() []web.Route {
	query := map[string]string{"medium": "only deliveries of this medium: email, sms, webhook, digital-mailbox or archive",
		"state": "only deliveries in this outbox state: pending, sent or dead", "limit": "1 to 200 (50 when left out)",
		"cursor": "the nextCursor of the page before"}
	return []web.Route{
		{Method: "GET", Path: "/admin/operations", Kind: web.KindPage, Policy: web.PolicyAdmin, Handle: a.operationsPage},
		{Method: "POST", Path: "/admin/operations/{deliveryId}/retry", Kind: web.KindPage, Policy: web.PolicyAdmin, Handle: a.operationsRetry},
		{Method: "GET", Path: "/api/v1/operations", Kind: web.KindAPI, Policy: web.PolicyAdmin, Summary: "The municipality's deliveries for operations: counts by medium, outbox state and receipt, and a page of deliveries newest first with their receipts and failure reason codes, without addresses or contents (administrator)", Response: OperationsView{}, Query: query, Handle: a.apiOperations},
		{Method: "POST", Path: "/api/v1/operations/deliveries/{deliveryId}/retry", Kind: web.KindAPI, Policy: web.PolicyAdmin, Summary: "Send a failed delivery again now (given up, or answered with a failure): the same message; one that has not failed or is delivered is 409 (administrator)", Body: retryRequest{}, Response: OperationEntry{}, Handle: a.apiOperationsRetry},
	}
}

// OperationEntry is a delivery as operations see it.
type OperationEntry struct {
	ID     messaging.DeliveryID `json:"id"`
	Key    string               `json:"key"`
	Kind   string               `json:"kind"`
	Medium messaging.Medium     `json:"medium"`
	// State is the outbox's: pending, sent or dead.
	State messaging.State `json:"state"`
	// Status is what happened: waiting, retrying, sent, delivered (the
	// receiver's kvittering came) or failed.
	Status string `json:"status"`
	// Reason is a failure's reason code (send-failed,
	// receipt-ugyldigforespoersel, ...); empty when nothing failed.
	Reason    string    `json:"reason,omitempty"`
	Attempts  int       `json:"attempts"`
	NextAt    time.Time `json:"nextAt,omitzero"`
	CreatedAt time.Time `json:"createdAt"`
	DoneAt    time.Time `json:"doneAt,omitzero"`
	// Receipt is the receiver's answer, for the archive: awaiting,
	// received, delivered or failed.
	Receipt     messaging.ReceiptState `json:"receipt,omitempty"`
	DeliveredAt time.Time              `json:"deliveredAt,omitzero"`
	// Retry says a "retry now" is allowed.
	Retry bool `json:"retry"`
}

// OperationsView is the counts and one page of deliveries.
type OperationsView struct {
	Counts     []messaging.Count `json:"counts"`
	Items      []OperationEntry  `json:"items"`
	NextCursor string            `json:"nextCursor,omitempty"`
}

func operationEntry(e messaging.Entry) OperationEntry {
	o := OperationEntry{ID: e.ID, Key: e.Key, Kind: e.Kind, Medium: e.Medium, State: e.State, Status: e.Status(), Reason: e.Reason(),
		Attempts: e.Attempts, CreatedAt: e.CreatedAt, DoneAt: e.DoneAt}
	if e.State == messaging.Pending {
		o.NextAt = e.NextAt
	}
	var rs messaging.ReceiptState
	if e.Receipt != nil {
		rs, o.Receipt, o.DeliveredAt = e.Receipt.State, e.Receipt.State, e.Receipt.DeliveredAt
	}
	o.Retry = messaging.CheckRetry(e.State, rs, false) == nil
	return o
}

// operations reads the counts and a page (?medium=, ?state=, ?limit=,
// ?cursor=).
func (a *app) operations(r *http.Request, c *web.Call) (OperationsView, messaging.EntryQuery, error) {
	pr, err := api.ReadPage(r)
	if err != nil {
		return OperationsView{}, messaging.EntryQuery{}, err
	}
	q := messaging.EntryQuery{Medium: messaging.Medium(r.URL.Query().Get("medium")), State: messaging.State(r.URL.Query().Get("state")), Limit: pr.Limit}
	if pr.Cursor != "" {
		nanos, id, ok := strings.Cut(pr.Cursor, "/")
		n, err1 := strconv.ParseInt(nanos, 10, 64)
		did, err2 := domain.ParseID[messaging.Delivery](id)
		if !ok || err1 != nil || err2 != nil {
			return OperationsView{}, q, api.Unprocessable("invalid-query", "the cursor is not one this API gave",
				domain.FieldError{Field: "cursor", Reason: "is-not-a-cursor-from-a-previous-page"})
		}
		q.Before = &messaging.Entry{ID: did, CreatedAt: time.Unix(0, n)}
	}
	if err := q.Validate(); err != nil {
		var ve *domain.ValidationError
		if errors.As(err, &ve) {
			return OperationsView{}, q, api.Unprocessable("invalid-query", "a query parameter is not valid", ve.Fields...)
		}
		return OperationsView{}, q, err
	}
	ctx := r.Context()
	m := c.Actor.Municipality
	counts, err := a.Store.OutboxCounts(ctx, m)
	if err != nil {
		return OperationsView{}, q, err
	}
	es, err := a.Store.OutboxEntries(ctx, m, q)
	if err != nil {
		return OperationsView{}, q, err
	}
	v := OperationsView{Counts: counts, Items: make([]OperationEntry, len(es))}
	for i, e := range es {
		v.Items[i] = operationEntry(e)
	}
	if len(es) == q.Limit {
		last := es[len(es)-1]
		v.NextCursor = api.EncodeCursor(strconv.FormatInt(last.CreatedAt.UnixNano(), 10) + "/" + last.ID.String())
	}
	return v, q, a.Audit(ctx, c.Actor, "operations.read", "outbox")
}

func (a *app) apiOperations(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	v, _, err := a.operations(r, c)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, v)
	return nil
}

// retry makes the delivery of the path due now, audit-logged.
func (a *app) retry(r *http.Request, c *web.Call) (messaging.DeliveryID, error) {
	id, err := api.PathID[messaging.Delivery](r, "deliveryId")
	if err != nil {
		return id, err
	}
	ctx := r.Context()
	return id, a.Store.Atomic(ctx, func(ctx context.Context) error {
		if err := a.Store.RetryDelivery(ctx, c.Actor.Municipality, id, a.Clock.Now()); err != nil {
			return err
		}
		return a.AuditChange(ctx, c.Actor, "operations.retry", "delivery/"+id.String())
	})
}

// retryRequest is the body of a retry: empty (the delivery is in the
// path).
type retryRequest struct{}

func (a *app) apiOperationsRetry(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	var req retryRequest
	if err := api.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	id, err := a.retry(r, c)
	if err != nil {
		return err
	}
	es, err := a.Store.OutboxEntries(r.Context(), c.Actor.Municipality, messaging.EntryQuery{Limit: 1,
		Before: &messaging.Entry{ID: id, CreatedAt: time.Unix(0, 1<<62)}})
	if err != nil {
		return err
	}
	for _, e := range es {
		if e.ID == id {
			api.WriteJSON(w, http.StatusOK, operationEntry(e))
			return nil
		}
	}
	api.WriteJSON(w, http.StatusOK, OperationEntry{ID: id, State: messaging.Pending, Status: "waiting"})
	return nil
}

func (a *app) operationsRetry(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	if _, err := a.retry(r, c); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/operations?retried=1", http.StatusSeeOther)
	return nil
}

// operationsContent is the page.
type operationsContent struct {
	L       web.Locale
	Counts  []messaging.Count
	Items   []OperationEntry
	Medium  string
	State   string
	Next    string
	Retried bool
	Media   []string
	States  []string
}

func (a *app) operationsPage(w http.ResponseWriter, r *http.Request, c *web.Call) error {
	v, q, err := a.operations(r, c)
	if err != nil {
		return err
	}
	content := operationsContent{L: c.Lang, Counts: v.Counts, Items: v.Items, Medium: string(q.Medium), State: string(q.State),
		Retried: r.URL.Query().Get("retried") != "",
		Media:   []string{"email", "sms", "webhook", "digital-mailbox", "archive"}, States: []string{"pending", "sent", "dead"}}
	if v.NextCursor != "" {
		content.Next = "?" + url.Values{"medium": {content.Medium}, "state": {content.State}, "cursor": {v.NextCursor}}.Encode()
	}
	a.Page(w, r, c, http.StatusOK, "messaging_operations", "messaging.operations.title", content)
	return nil
}

// When formats an instant for the page (empty for none).
func (o OperationEntry) When(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return osloTime(t)
}
