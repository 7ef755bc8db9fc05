package memory

// appState holds the records of the reference app's store ports (audit log,
// idempotency keys).
type appState struct{}

func newAppState() appState { return appState{} }
