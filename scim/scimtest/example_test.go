package scimtest_test

import (
	"fmt"
	"path/filepath"

	"github.com/scimkit/scimkit/scim/scimtest"
)

// ExampleLoad reads one of the recorded Okta conversations that
// scimtest.Replay sends to a handler.
func ExampleLoad() {
	flow, err := scimtest.Load(filepath.Join("..", "..", "testdata", "okta", "flows", "test_credentials.json"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(flow.Name)
	for _, st := range flow.Steps {
		fmt.Printf("%s %s -> %d\n", st.Request.Method, st.Request.Path, st.Response.Status)
	}
	// Output:
	// okta: test API credentials on an empty account
	// GET /Users?startIndex=1&count=2 -> 200
	// GET /Groups?startIndex=1&count=100 -> 200
	// GET /Users?startIndex=1&count=2 -> 401
	// GET /Users -> 401
}
