package main

// attendanceAuth has a line of the authorization table (access_test.go) for every
// attendance route.
func attendanceAuth(ta *testApp) map[string]authCase { return map[string]authCase{} }
