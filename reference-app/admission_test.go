package main

// admissionAuth has a line of the authorization table (access_test.go) for every
// admission route.
func admissionAuth(ta *testApp) map[string]authCase { return map[string]authCase{} }
