package main

// messagingAuth has a line of the authorization table (access_test.go) for every
// messaging route.
func messagingAuth(ta *testApp) map[string]authCase { return map[string]authCase{} }
