package scimpatch_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/elimity-com/scim"
	"github.com/scim2/filter-parser/v2"

	"github.com/scimkit/scimkit/scim/internal/scimpatch"
)

const ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

type obj = map[string]any

// baseUser is the document the SCIM layer builds for a typical user.
func baseUser() obj {
	return obj{
		"id":          "u1",
		"externalId":  "00u1abcd",
		"userName":    "ada@example.com",
		"name":        obj{"givenName": "Ada", "familyName": "Lovelace"},
		"displayName": "Ada Lovelace",
		"emails":      []any{obj{"value": "ada@example.com", "type": "work", "primary": true}},
		"title":       "Engineer",
		"active":      true,
		ent:           obj{"employeeNumber": "7", "manager": obj{"value": "m0"}},
		"groups":      []any{obj{"value": "g1", "display": "Engineering"}},
	}
}

// with returns baseUser with changes applied: nil values delete keys.
func with(changes obj) obj {
	d := baseUser()
	for k, v := range changes {
		if v == nil {
			delete(d, k)
		} else {
			d[k] = v
		}
	}
	return d
}

func TestApplyUserGolden(t *testing.T) {
	e := newParser(t)
	s := userSchema()
	tests := []struct {
		name    string
		file    string
		doc     obj
		want    obj
		changed bool
	}{
		{
			name: "okta deactivate", file: "okta_user_deactivate.json",
			doc: baseUser(), want: with(obj{"active": false}), changed: true,
		},
		{
			name: "okta deactivate an inactive user", file: "okta_user_deactivate.json",
			doc: with(obj{"active": false}), want: with(obj{"active": false}), changed: false,
		},
		{
			name: "okta reactivate", file: "okta_user_reactivate.json",
			doc: with(obj{"active": false}), want: baseUser(), changed: true,
		},
		{
			name: "okta profile", file: "okta_user_profile.json",
			doc: baseUser(),
			want: with(obj{
				"userName":    "ada.king@example.com",
				"name":        obj{"givenName": "Ada", "familyName": "King"},
				"emails":      []any{obj{"value": "ada.king@example.com", "type": "work", "primary": true}},
				"displayName": "Ada King",
				"locale":      "en-GB",
			}),
			changed: true,
		},
		{
			name: "okta profile unchanged", file: "okta_user_profile.json",
			doc: with(obj{
				"userName":    "ada.king@example.com",
				"name":        obj{"givenName": "Ada", "familyName": "King"},
				"emails":      []any{obj{"value": "ada.king@example.com", "type": "work", "primary": true}},
				"displayName": "Ada King",
				"locale":      "en-GB",
			}),
			want: with(obj{
				"userName":    "ada.king@example.com",
				"name":        obj{"givenName": "Ada", "familyName": "King"},
				"emails":      []any{obj{"value": "ada.king@example.com", "type": "work", "primary": true}},
				"displayName": "Ada King",
				"locale":      "en-GB",
			}),
			changed: false,
		},
		{
			name: "entra multi-op", file: "entra_user_multi_op.json",
			doc: baseUser(),
			want: with(obj{
				"emails":     []any{obj{"value": "ada.king@example.com", "type": "work", "primary": true}},
				"name":       obj{"givenName": "Ada", "familyName": "King"},
				"externalId": "8a1c6f7e-0d9b-4b7e-9b1e-2f1f3c1d2e3f",
				ent:          obj{"employeeNumber": "4711", "manager": obj{"value": "m2"}},
			}),
			changed: true,
		},
		{
			// Entra replaces emails[type eq "work"].value for users without a
			// work email: a new element is made from the filter's eq values.
			name: "entra multi-op on a user without work email and extension", file: "entra_user_multi_op.json",
			doc: with(obj{"emails": []any{obj{"value": "ada@home.example", "type": "home"}}, ent: nil, "name": nil}),
			want: with(obj{
				"emails": []any{
					obj{"value": "ada@home.example", "type": "home"},
					obj{"value": "ada.king@example.com", "type": "work"},
				},
				"name":       obj{"familyName": "King"},
				"externalId": "8a1c6f7e-0d9b-4b7e-9b1e-2f1f3c1d2e3f",
				ent:          obj{"employeeNumber": "4711", "manager": obj{"value": "m2"}},
			}),
			changed: true,
		},
		{
			name: "entra disable with string", file: "entra_user_disable.json",
			doc: baseUser(), want: with(obj{"active": false}), changed: true,
		},
		{
			name: "entra disable with the aadOptscim062020 flag", file: "entra_user_disable_flag.json",
			doc: baseUser(), want: with(obj{"active": false}), changed: true,
		},
		{
			name: "entra enable with string", file: "entra_user_enable.json",
			doc: with(obj{"active": false}), want: baseUser(), changed: true,
		},
		{
			name: "entra pathless dotted keys", file: "entra_user_pathless_dotted.json",
			doc: baseUser(),
			want: with(obj{
				"name":   obj{"givenName": "A", "familyName": "Lovelace"},
				ent:      obj{"employeeNumber": "7", "manager": obj{"value": "m0"}, "department": "B"},
				"active": false,
			}),
			changed: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ops := e.parse(t, "/Users", golden(t, tt.file))
			before := jsonString(tt.doc)
			out, changed, err := scimpatch.ApplyUser(tt.doc, ops, s)
			if err != nil {
				t.Fatalf("ApplyUser: %v", err)
			}
			if !reflect.DeepEqual(out, tt.want) {
				t.Errorf("document:\n%s\nwant:\n%s", jsonString(out), jsonString(tt.want))
			}
			if changed != tt.changed {
				t.Errorf("changed = %v, want %v", changed, tt.changed)
			}
			if after := jsonString(tt.doc); after != before {
				t.Errorf("ApplyUser modified its input document:\n%s\nwas:\n%s", after, before)
			}
		})
	}
}

// TestApplyUserSemantics covers RFC 7644 3.5.2 shapes beyond the IdP
// goldens, each parsed by elimity.
func TestApplyUserSemantics(t *testing.T) {
	e := newParser(t)
	s := userSchema()
	twoEmails := []any{
		obj{"value": "ada@example.com", "type": "work", "primary": true},
		obj{"value": "ada@home.example", "type": "home"},
	}
	tests := []struct {
		name    string
		doc     obj
		ops     string
		want    obj
		changed bool
	}{
		{
			name:    "add on a single-valued attribute replaces",
			ops:     `[{"op":"add","path":"title","value":"CTO"}]`,
			want:    with(obj{"title": "CTO"}),
			changed: true,
		},
		{
			name:    "replace with the current value is no change",
			ops:     `[{"op":"replace","path":"userName","value":"ada@example.com"}]`,
			want:    baseUser(),
			changed: false,
		},
		{
			name:    "attribute names are case-insensitive, output in schema case",
			ops:     `[{"op":"replace","path":"DISPLAYNAME","value":"A"},{"op":"replace","value":{"NAME.GIVENNAME":"B","Title":"C"}}]`,
			want:    with(obj{"displayName": "A", "name": obj{"givenName": "B", "familyName": "Lovelace"}, "title": "C"}),
			changed: true,
		},
		{
			name:    "remove a missing attribute is a no-op",
			ops:     `[{"op":"remove","path":"nickName"},{"op":"remove","path":"` + ent + `:department"}]`,
			want:    baseUser(),
			changed: false,
		},
		{
			name:    "remove a missing extension object is a no-op",
			doc:     with(obj{ent: nil}),
			ops:     `[{"op":"remove","path":"` + ent + `:manager.value"}]`,
			want:    with(obj{ent: nil}),
			changed: false,
		},
		{
			name:    "remove a single-valued attribute",
			ops:     `[{"op":"remove","path":"title"}]`,
			want:    with(obj{"title": nil}),
			changed: true,
		},
		{
			name:    "remove the last extension attributes drops the extension object",
			ops:     `[{"op":"remove","path":"` + ent + `:employeeNumber"},{"op":"remove","path":"` + ent + `:manager.value"}]`,
			want:    with(obj{ent: nil}),
			changed: true,
		},
		{
			name:    "add on a multi-valued attribute appends and skips exact duplicates",
			ops:     `[{"op":"add","path":"emails","value":[{"value":"ada@example.com","type":"work","primary":true},{"value":"ada@home.example","type":"home"}]}]`,
			want:    with(obj{"emails": twoEmails}),
			changed: true,
		},
		{
			name:    "add of a value with the same value and type (any case) merges into it",
			ops:     `[{"op":"add","path":"emails","value":[{"value":"ADA@example.com","type":"Work","display":"Ada"},{"value":"ada@example.com","type":"home"}]}]`,
			want:    with(obj{"emails": []any{obj{"value": "ADA@example.com", "type": "Work", "primary": true, "display": "Ada"}, obj{"value": "ada@example.com", "type": "home"}}}),
			changed: true,
		},
		{
			name:    "a host's []map[string]any list is handled",
			doc:     with(obj{"emails": []map[string]any{{"value": "ada@example.com", "type": "work", "primary": true}}}),
			ops:     `[{"op":"add","path":"emails","value":[{"value":"b@example.com","type":"home"}]}]`,
			want:    with(obj{"emails": []any{obj{"value": "ada@example.com", "type": "work", "primary": true}, obj{"value": "b@example.com", "type": "home"}}}),
			changed: true,
		},
		{
			name:    "add of only duplicates is no change",
			ops:     `[{"op":"add","path":"emails","value":[{"value":"ada@example.com","type":"work","primary":true}]}]`,
			want:    baseUser(),
			changed: false,
		},
		{
			name:    "replace on a multi-valued attribute replaces the list",
			doc:     with(obj{"emails": twoEmails}),
			ops:     `[{"op":"replace","path":"emails","value":[{"value":"b@example.com","type":"work"}]}]`,
			want:    with(obj{"emails": []any{obj{"value": "b@example.com", "type": "work"}}}),
			changed: true,
		},
		{
			name:    "a new primary value takes the mark from the others",
			ops:     `[{"op":"add","path":"emails","value":[{"value":"b@example.com","type":"other","primary":true}]}]`,
			want:    with(obj{"emails": []any{obj{"value": "ada@example.com", "type": "work", "primary": false}, obj{"value": "b@example.com", "type": "other", "primary": true}}}),
			changed: true,
		},
		{
			name:    "filtered sub-attribute replace on primary",
			doc:     with(obj{"emails": twoEmails}),
			ops:     `[{"op":"replace","path":"emails[primary eq true].value","value":"b@example.com"}]`,
			want:    with(obj{"emails": []any{obj{"value": "b@example.com", "type": "work", "primary": true}, obj{"value": "ada@home.example", "type": "home"}}}),
			changed: true,
		},
		{
			name:    "filter eq is case-insensitive for type and value",
			doc:     with(obj{"emails": twoEmails}),
			ops:     `[{"op":"replace","path":"emails[type eq \"HOME\" and value eq \"ADA@home.example\"].display","value":"Home"}]`,
			want:    with(obj{"emails": []any{twoEmails[0], obj{"value": "ada@home.example", "type": "home", "display": "Home"}}}),
			changed: true,
		},
		{
			name:    "primary eq false matches values without primary",
			doc:     with(obj{"emails": twoEmails}),
			ops:     `[{"op":"remove","path":"emails[primary eq false]"}]`,
			want:    baseUser(),
			changed: true,
		},
		{
			name:    "filtered replace without sub-attribute replaces the element",
			doc:     with(obj{"emails": twoEmails}),
			ops:     `[{"op":"replace","path":"emails[type eq \"home\"]","value":{"value":"new@home.example","type":"home"}}]`,
			want:    with(obj{"emails": []any{twoEmails[0], obj{"value": "new@home.example", "type": "home"}}}),
			changed: true,
		},
		{
			name:    "filtered add without match appends the filter values and the value",
			ops:     `[{"op":"add","path":"emails[type eq \"home\"]","value":{"value":"new@home.example"}}]`,
			want:    with(obj{"emails": []any{obj{"value": "ada@example.com", "type": "work", "primary": true}, obj{"value": "new@home.example", "type": "home"}}}),
			changed: true,
		},
		{
			name:    "remove with filter removes matching elements",
			doc:     with(obj{"emails": twoEmails}),
			ops:     `[{"op":"remove","path":"emails[type eq \"work\" or primary eq true]"}]`,
			want:    with(obj{"emails": []any{twoEmails[1]}}),
			changed: true,
		},
		{
			name:    "remove with filter matching nothing is a no-op",
			ops:     `[{"op":"remove","path":"emails[type eq \"home\"]"}]`,
			want:    baseUser(),
			changed: false,
		},
		{
			name:    "remove of the last element drops the attribute",
			ops:     `[{"op":"remove","path":"emails[value eq \"ada@example.com\"]"}]`,
			want:    with(obj{"emails": nil}),
			changed: true,
		},
		{
			name:    "remove a sub-attribute of matching elements",
			ops:     `[{"op":"remove","path":"emails[type eq \"work\"].primary"}]`,
			want:    with(obj{"emails": []any{obj{"value": "ada@example.com", "type": "work"}}}),
			changed: true,
		},
		{
			name:    "remove with a value list removes only those",
			doc:     with(obj{"emails": twoEmails}),
			ops:     `[{"op":"remove","path":"emails","value":[{"value":"ADA@home.example"}]}]`,
			want:    baseUser(),
			changed: true,
		},
		{
			name:    "remove a whole multi-valued attribute",
			ops:     `[{"op":"remove","path":"emails"}]`,
			want:    with(obj{"emails": nil}),
			changed: true,
		},
		{
			name:    "replace a complex attribute merges sub-attributes",
			ops:     `[{"op":"replace","path":"name","value":{"familyName":"King","middleName":"B"}}]`,
			want:    with(obj{"name": obj{"givenName": "Ada", "familyName": "King", "middleName": "B"}}),
			changed: true,
		},
		{
			name:    "URN-qualified sub-attribute path",
			ops:     `[{"op":"replace","path":"` + ent + `:manager.value","value":"m9"}]`,
			want:    with(obj{ent: obj{"employeeNumber": "7", "manager": obj{"value": "m9"}}}),
			changed: true,
		},
		{
			name:    "core-URN-qualified path",
			ops:     `[{"op":"replace","path":"urn:ietf:params:scim:schemas:core:2.0:User:title","value":"CTO"}]`,
			want:    with(obj{"title": "CTO"}),
			changed: true,
		},
		{
			name:    "pathless extension object",
			ops:     `[{"op":"replace","value":{"` + ent + `":{"department":"R&D","manager":{"value":"m3"}}}}]`,
			want:    with(obj{ent: obj{"employeeNumber": "7", "department": "R&D", "manager": obj{"value": "m3"}}}),
			changed: true,
		},
		{
			name:    "pathless filtered key",
			ops:     `[{"op":"replace","value":{"emails[type eq \"work\"].value":"z@example.com"}}]`,
			want:    with(obj{"emails": []any{obj{"value": "z@example.com", "type": "work", "primary": true}}}),
			changed: true,
		},
		{
			name:    "password is accepted and dropped",
			ops:     `[{"op":"replace","path":"password","value":"hunter2"},{"op":"replace","value":{"password":"x","title":"CTO"}}]`,
			want:    with(obj{"title": "CTO"}),
			changed: true,
		},
		{
			name:    "id in a pathless value is stripped by ParseRequest",
			ops:     `[{"op":"replace","value":{"id":"other","title":"CTO"}}]`,
			want:    with(obj{"title": "CTO"}),
			changed: true,
		},
		{
			name:    "ops apply in order",
			ops:     `[{"op":"replace","path":"title","value":"A"},{"op":"remove","path":"title"},{"op":"add","path":"title","value":"B"}]`,
			want:    with(obj{"title": "B"}),
			changed: true,
		},
		{
			name:    "empty document",
			doc:     obj{},
			ops:     `[{"op":"add","path":"emails[type eq \"work\"].value","value":"a@example.com"},{"op":"replace","path":"` + ent + `:employeeNumber","value":"1"}]`,
			want:    obj{"emails": []any{obj{"type": "work", "value": "a@example.com"}}, ent: obj{"employeeNumber": "1"}},
			changed: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := tt.doc
			if doc == nil {
				doc = baseUser()
			}
			before := jsonString(doc)
			ops := e.parse(t, "/Users", patchBody(tt.ops))
			out, changed, err := scimpatch.ApplyUser(doc, ops, s)
			if err != nil {
				t.Fatalf("ApplyUser: %v", err)
			}
			if !reflect.DeepEqual(out, tt.want) {
				t.Errorf("document:\n%s\nwant:\n%s", jsonString(out), jsonString(tt.want))
			}
			if changed != tt.changed {
				t.Errorf("changed = %v, want %v", changed, tt.changed)
			}
			if after := jsonString(doc); after != before {
				t.Errorf("ApplyUser modified its input document:\n%s\nwas:\n%s", after, before)
			}
		})
	}
}

func TestApplyUserErrors(t *testing.T) {
	e := newParser(t)
	s := userSchema()
	tests := []struct {
		name     string
		ops      string
		scimType string
		detail   string
	}{
		{"groups is read-only", `[{"op":"add","path":"groups","value":[{"value":"g2"}]}]`, "mutability",
			`"groups" is read-only; change group membership through the group instead`},
		{"groups is read-only pathless", `[{"op":"replace","value":{"groups":[{"value":"g2"}]}}]`, "mutability",
			`"groups" is read-only; change group membership through the group instead`},
		{"read-only sub-attribute", `[{"op":"replace","path":"` + ent + `:manager.displayName","value":"Boss"}]`, "mutability",
			`"` + ent + `:manager.displayName" is readOnly and cannot be changed`},
		{"unsupported filter operator", `[{"op":"remove","path":"emails[value gt \"a\"]"}]`, "invalidFilter",
			`"emails[value gt \"a\"]": operator "gt" is not supported in a PATCH path; use eq, ne, co, sw, ew or pr`},
		{"no target from an or filter", `[{"op":"replace","path":"emails[type eq \"home\" or type eq \"other\"].value","value":"x@example.com"}]`, "noTarget",
			`"emails[type eq \"home\" or type eq \"other\"].value" matches no value, and a new one cannot be made from the filter; use a filter of eq comparisons joined by and`},
		{"empty userName", `[{"op":"replace","path":"userName","value":""}]`, "invalidValue",
			`"userName" is required and cannot be empty`},
		{"remove userName", `[{"op":"remove","path":"userName"}]`, "invalidValue",
			`"userName" is required and cannot be removed`},
		{"all or nothing", `[{"op":"replace","path":"title","value":"CTO"},{"op":"replace","path":"groups","value":[]}]`, "mutability",
			`"groups" is read-only; change group membership through the group instead`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := baseUser()
			ops := e.parse(t, "/Users", patchBody(tt.ops))
			out, changed, err := scimpatch.ApplyUser(doc, ops, s)
			assertError(t, err, tt.scimType, tt.detail)
			if out != nil || changed {
				t.Errorf("got output %v, changed %v with an error; want nothing", out, changed)
			}
			if !reflect.DeepEqual(doc, baseUser()) {
				t.Errorf("input document modified: %s", jsonString(doc))
			}
		})
	}
}

// TestApplyUserDefensive covers operations elimity itself rejects or
// rewrites (unknown paths, id, wrong types), built with the same path
// parser, so that ApplyUser stays safe if it is fed directly.
func TestApplyUserDefensive(t *testing.T) {
	s := userSchema()
	path := func(p string) *filter.Path {
		fp, err := filter.ParsePath([]byte(p))
		if err != nil {
			t.Fatalf("ParsePath(%q): %v", p, err)
		}
		return &fp
	}
	tests := []struct {
		name     string
		op       scim.PatchOperation
		scimType string // empty: no error, no change
	}{
		{"id to its current value is ignored", scim.PatchOperation{Op: "replace", Path: path("id"), Value: "u1"}, ""},
		{"id in a pathless value, current", scim.PatchOperation{Op: "replace", Value: obj{"id": "u1"}}, ""},
		{"id to another value", scim.PatchOperation{Op: "replace", Path: path("id"), Value: "u2"}, "mutability"},
		{"id in a pathless value, other", scim.PatchOperation{Op: "replace", Value: obj{"id": "u2"}}, "mutability"},
		{"meta", scim.PatchOperation{Op: "replace", Path: path("meta.created"), Value: "2020-01-01T00:00:00Z"}, "mutability"},
		{"schemas", scim.PatchOperation{Op: "add", Path: path("schemas"), Value: []any{"urn:x"}}, "mutability"},
		{"unknown attribute", scim.PatchOperation{Op: "replace", Path: path("shoeSize"), Value: "9"}, "invalidPath"},
		{"unknown pathless key", scim.PatchOperation{Op: "replace", Value: obj{"shoeSize": "9"}}, "invalidPath"},
		{"unknown sub-attribute", scim.PatchOperation{Op: "replace", Path: path("name.nick"), Value: "x"}, "invalidPath"},
		{"unknown schema", scim.PatchOperation{Op: "replace", Path: path("urn:example:ext:1.0:User:x"), Value: "x"}, "invalidPath"},
		{"filter on a single-valued attribute", scim.PatchOperation{Op: "replace", Path: path(`title[value eq "x"]`), Value: "x"}, "invalidPath"},
		{"filter on an unknown sub-attribute", scim.PatchOperation{Op: "remove", Path: path(`emails[kind eq "x"]`)}, "invalidFilter"},
		{"string for a boolean", scim.PatchOperation{Op: "replace", Path: path("active"), Value: "maybe"}, "invalidValue"},
		{"number for a string", scim.PatchOperation{Op: "replace", Path: path("userName"), Value: 5.0}, "invalidValue"},
		{"object for a string", scim.PatchOperation{Op: "replace", Value: obj{"title": obj{"x": "y"}}}, "invalidValue"},
		{"string for a complex attribute", scim.PatchOperation{Op: "replace", Path: path("name"), Value: "Ada"}, "invalidValue"},
		{"pathless value not an object", scim.PatchOperation{Op: "add", Value: "x"}, "invalidValue"},
		{"remove without path", scim.PatchOperation{Op: "remove"}, "noTarget"},
		{"unknown op", scim.PatchOperation{Op: "move", Path: path("title")}, "invalidSyntax"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, changed, err := scimpatch.ApplyUser(baseUser(), []scim.PatchOperation{tt.op}, s)
			if tt.scimType == "" {
				if err != nil || changed || !reflect.DeepEqual(out, baseUser()) {
					t.Fatalf("got %v, %v, %v; want the document unchanged", jsonString(out), changed, err)
				}
				return
			}
			assertError(t, err, tt.scimType, "")
		})
	}
	t.Run("string booleans accepted", func(t *testing.T) {
		out, changed, err := scimpatch.ApplyUser(baseUser(), []scim.PatchOperation{
			{Op: "Replace", Path: path("active"), Value: "FALSE"},
			{Op: "add", Path: path(`emails[type eq "work"].primary`), Value: "True"},
		}, s)
		if err != nil || !changed || !reflect.DeepEqual(out, with(obj{"active": false})) {
			t.Fatalf("got %s, %v, %v", jsonString(out), changed, err)
		}
	})
}

// assertError checks that err is a *scimpatch.Error with status 400, the
// scimType and, if not empty, the detail.
func assertError(t *testing.T, err error, scimType, detail string) {
	t.Helper()
	var pe *scimpatch.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error = %v; want a *scimpatch.Error", err)
	}
	if pe.Status != 400 || pe.ScimType != scimType {
		t.Errorf("error = %d %s (%s); want 400 %s", pe.Status, pe.ScimType, pe.Detail, scimType)
	}
	if detail != "" && pe.Detail != detail {
		t.Errorf("detail = %s\nwant     %s", pe.Detail, detail)
	}
}

func TestZeroSchema(t *testing.T) {
	var s scimpatch.Schema
	p, err := filter.ParsePath([]byte("title"))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = scimpatch.ApplyUser(baseUser(), []scim.PatchOperation{{Op: "replace", Path: &p, Value: "x"}}, s)
	assertError(t, err, "invalidPath", "")
	if _, err := s.Resource(map[string]any{"active": "True"}); err == nil {
		t.Fatal("Resource with the zero Schema accepted a body")
	}
}
