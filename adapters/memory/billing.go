package memory

// billingState holds the records of the billing store port.
type billingState struct{}

func newBillingState() billingState { return billingState{} }
