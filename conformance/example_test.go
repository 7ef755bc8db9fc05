package conformance_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/oppvekst/oppvekst/conformance"
)

// Run the public vectors of one kind against this library, in process.
func ExampleRun() {
	vectors, err := conformance.Load("vectors")
	if err != nil {
		fmt.Println(err)
		return
	}
	var nationalID []conformance.Vector
	for _, v := range vectors {
		if v.Kind == "national-id" {
			nationalID = append(nationalID, v)
		}
	}
	rep := conformance.Run(context.Background(), conformance.Local(), nationalID)
	fmt.Println(rep.Failed, "failed")
	// Output: 0 failed
}

// Evaluate one input over HTTP, as a runner does against another
// implementation.
func ExampleRemote() {
	srv := httptest.NewServer(conformance.Handler())
	defer srv.Close()
	ev := conformance.Remote(srv.URL, srv.Client())
	out, err := ev.Evaluate(context.Background(), "national-id", []byte(`{"value": "15076500565"}`))
	fmt.Println(string(out), err)
	_, err = ev.Evaluate(context.Background(), "national-id", []byte(`{"value": 15076500565}`))
	fmt.Println(err)
	// Output:
	// {"valid":true,"type":"fnr","birthDate":"1965-07-15","synthetic":false,"rule":"1964","birthMonthDay":"--07-15","birthYearDigits":"65"} <nil>
	// invalid-input: value: must be a string
}

func ExampleCompare() {
	m := conformance.Compare(
		[]byte(`{"children": [{"id": "a", "fee": "1400.00", "rules": ["sibling", "income-cap"]}]}`),
		[]byte(`{"children": [{"id": "a", "fee": "1400.0", "rules": ["income-cap"]}], "total": "1400.00"}`),
	)
	fmt.Println(m)
	// Output: children[0].rules: expected ["sibling","income-cap"], got ["income-cap"]
}
