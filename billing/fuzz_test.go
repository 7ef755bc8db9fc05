package billing

import "testing"

// FuzzKID checks that MakeKID and ValidKID never panic and agree: a made
// KID is always valid.
func FuzzKID(f *testing.F) {
	for _, s := range []string{"1234567", "0", "6", "", "12a", "6-", "0000000000000000000000000"} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, mod10 bool) {
		m := KIDMod11
		if mod10 {
			m = KIDMod10
		}
		_, _ = ValidKID(s, m)
		kid, err := MakeKID(s, m)
		if err != nil {
			return
		}
		if ok, err := ValidKID(kid, m); err != nil || !ok {
			t.Fatalf("MakeKID(%q) = %q, not valid: %v", s, kid, err)
		}
	})
}
