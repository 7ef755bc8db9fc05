package memory

// attendanceState holds the records of the attendance store port.
type attendanceState struct{}

func newAttendanceState() attendanceState { return attendanceState{} }
