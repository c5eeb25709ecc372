package mapping_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/scimkit/scimkit/mapping"
	"github.com/scimkit/scimkit/mapping/mappingtest"
	"github.com/scimkit/scimkit/store"
)

// FuzzRoundTrip checks, for any JSON object, that ToUser either rejects
// it with a *mapping.Errors or accepts it and then ToUser(ToSCIM(u))
// reproduces u, for each preset and for a table with typed custom
// attributes. Seeds are the golden payloads.
func FuzzRoundTrip(f *testing.F) {
	for _, dir := range []string{"okta", "entra"} {
		files, err := filepath.Glob(filepath.Join("..", "testdata", dir, "users", "*.json"))
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Add([]byte(`{"userName":"a","emails":[{"type":"WORK","value":"A@B.C"}],"name":{"givenName":" x "}}`))
	f.Add([]byte(`{"userName":1e21,"emails":{"type":"work","value":"a@b.c"},"urn:ietf:params:scim:schemas:extension:acme:2.0:User":{"seatCount":1e21,"regions":[null,"x"]}}`))
	mappers := []*mapping.Mapper{mustNew(f, mapping.Okta()), mustNew(f, mapping.Entra()), mustNew(f, oktaWithCustom())}
	f.Fuzz(func(t *testing.T, data []byte) {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var attrs map[string]any
		if dec.Decode(&attrs) != nil || attrs == nil {
			return
		}
		for _, m := range mappers {
			var u store.User
			if err := m.ToUser(attrs, &u); err != nil {
				if _, ok := err.(*mapping.Errors); !ok {
					t.Fatalf("ToUser error %T %v is not a *mapping.Errors", err, err)
				}
				continue
			}
			mappingtest.AssertRoundTrip(t, m, u)
		}
	})
}
