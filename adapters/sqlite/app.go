package sqlite

// appQueries are the statements of the reference app's store ports (audit
// log, idempotency keys) that Open prepares.
var appQueries = []string{}
