// Package web is the HTTP shell of the reference app, shared by every
// capability: the route type and the route table assembled from the
// capabilities mounted (App.Mount), sessions, login (ID-porten and Feide
// through package web/oidc, and the demo login), the access policies
// (access.go, the one place that decides what an actor may do with a
// child's data), problem responses (RFC 9457, with package web/api, the
// edge of the JSON API), idempotency, the message catalogs (nb, nn, en), the
// audit log, the OpenAPI document generated from the route table, the
// layout templates and the stylesheet.
//
// A capability (package admissionweb, attendanceweb, billingweb,
// messagingweb, directoryweb) imports web and its own library package,
// never another capability's web package. It returns its Capability: its
// routes, menu entries, page templates and strings. Its handlers are
// HandlerFuncs that get the request's Call (the actor, the language, the
// child of the path and the access decided for it); they render pages with
// App.Page, answer the API with api.WriteJSON, read bodies with
// api.DecodeJSON and log reads of children's data with App.Audit (changes
// with AuditChange, inside the transaction). The services of the library are composed once,
// in services.go: every notice a capability raises goes to messaging's
// outbox in the transaction of the change.
package web
