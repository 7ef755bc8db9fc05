// Package admission is for applications to kindergarten, school and SFO,
// admission rounds, the statutory right to a kindergarten place
// (barnehageloven § 16), priority criteria, allocation by deferred acceptance
// with an explanation for every child, offers and waiting lists.
//
// It is a pure domain package: rules are functions, use cases are services
// that take ports (admission.Store) declared here. It imports no database
// driver and no net/http.
package admission
