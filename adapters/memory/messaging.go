package memory

// messagingState holds the records of the messaging store port.
type messagingState struct{}

func newMessagingState() messagingState { return messagingState{} }
