// Package webtest holds what the tests of the reference app share: the
// whole app on a seeded store behind an httptest server (New), sessions for
// the demo personas (Harness.CookieFor), requests read in full (Harness.Do), and
// the fixtures several packages' tests use (an admission round, the seeded
// threads, the demo data read back).
package webtest
