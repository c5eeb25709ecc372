package scimpatch_test

import (
	"fmt"

	"github.com/elimity-com/scim"
	"github.com/elimity-com/scim/schema"
	"github.com/scim2/filter-parser/v2"

	"github.com/scimkit/scimkit/scim/internal/scimpatch"
)

func mustPath(p string) *filter.Path {
	fp, err := filter.ParsePath([]byte(p))
	if err != nil {
		panic(err)
	}
	return &fp
}

func ExampleApplyUser() {
	s := scimpatch.NewSchema(schema.CoreUserSchema(), schema.ExtensionEnterpriseUser())
	doc := map[string]any{
		"userName": "ada@example.com",
		"emails":   []any{map[string]any{"value": "ada@home.example", "type": "home"}},
		"active":   true,
	}
	// Entra ID's operations, as elimity hands them over.
	ops := []scim.PatchOperation{
		{Op: "replace", Path: mustPath(`emails[type eq "work"].value`), Value: "ada@example.com"},
		{Op: "replace", Path: mustPath("active"), Value: false},
	}
	out, changed, err := scimpatch.ApplyUser(doc, ops, s)
	if err != nil {
		panic(err)
	}
	fmt.Println(changed, out["active"], out["emails"])
	fmt.Println(doc["active"]) // the input is left alone
	// Output:
	// true false [map[type:home value:ada@home.example] map[type:work value:ada@example.com]]
	// true
}

func ExampleApplyGroup() {
	// Okta's membership update, as elimity hands it over.
	ops := []scim.PatchOperation{
		{Op: "remove", Path: mustPath(`members[value eq "u1"]`)},
		{Op: "add", Path: mustPath("members"), Value: []any{map[string]any{"value": "u2", "display": "u2@example.com"}}},
	}
	p, err := scimpatch.ApplyGroup(ops)
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Changed, p.Renamed, p.Update.AddMembers, p.Update.RemoveMembers, p.Update.ReplaceMembers)
	// Output: true false [u2] [u1] false
}

func ExampleApplyGroup_nestedGroup() {
	ops := []scim.PatchOperation{
		{Op: "add", Path: mustPath("members"), Value: []any{map[string]any{"value": "g7", "type": "Group"}}},
	}
	_, err := scimpatch.ApplyGroup(ops)
	fmt.Println(err)
	// Output: scimpatch: invalidValue: operation 1: nested groups are not supported: member 1 is a group; add its users instead
}

// Resource checks a POST or PUT body against the schema and returns its
// attributes in schema case, with Entra's string booleans converted.
func ExampleSchema_Resource() {
	s := scimpatch.NewSchema(schema.CoreUserSchema(), schema.ExtensionEnterpriseUser())
	attrs, err := s.Resource(map[string]any{
		"schemas":  []any{"urn:ietf:params:scim:schemas:core:2.0:User"},
		"USERNAME": "ada@example.com",
		"active":   "False",
		"password": "never kept",
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": map[string]any{"manager": "m42"},
	})
	fmt.Println(attrs, err)
	_, err = s.Resource(map[string]any{"schemas": []any{"urn:ietf:params:scim:schemas:core:2.0:User"}, "userName": 42})
	fmt.Println(err)
	// Output:
	// map[active:false urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:map[manager:map[value:m42]] userName:ada@example.com] <nil>
	// scimpatch: invalidValue: "userName" must be a string, got the number 42
}
