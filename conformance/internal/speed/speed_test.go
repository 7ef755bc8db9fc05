package speed

import (
	"bytes"
	"testing"
)

func TestGenerateIsDeterministic(t *testing.T) {
	s := Size{Children: 200, Units: 10, Choices: 3}
	a, err := Generate(s, 7)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Generate(s, 7)
	c, _ := Generate(s, 8)
	if !bytes.Equal(a, b) {
		t.Fatal("the same seed gave two files")
	}
	if bytes.Equal(a, c) {
		t.Fatal("another seed gave the same file")
	}
}

func TestSolveChecksExpect(t *testing.T) {
	data, err := Generate(Size{Children: 200, Units: 10, Choices: 3}, 7)
	if err != nil {
		t.Fatal(err)
	}
	placed, err := Solve(data)
	if err != nil || placed == 0 || placed > 200 {
		t.Fatalf("Solve: %d placed, %v", placed, err)
	}
	// A changed assignment in expect is found.
	tampered := bytes.Replace(data, []byte(`"c000000":"U`), []byte(`"c000000":"X`), 1)
	if bytes.Equal(tampered, data) {
		tampered = bytes.Replace(data, []byte(`"c000000":null`), []byte(`"c000000":"U0000"`), 1)
	}
	if _, err := Solve(tampered); err == nil {
		t.Fatal("a wrong expect passed")
	}
}
