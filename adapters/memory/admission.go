package memory

// admissionState holds the records of the admission store port.
type admissionState struct{}

func newAdmissionState() admissionState { return admissionState{} }
