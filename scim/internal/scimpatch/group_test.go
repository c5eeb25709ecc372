package scimpatch_test

import (
	"reflect"
	"testing"

	"github.com/elimity-com/scim"
	"github.com/scim2/filter-parser/v2"

	"github.com/scimkit/scimkit/scim/internal/scimpatch"
	"github.com/scimkit/scimkit/store"
)

func ptr[T any](v T) *T { return &v }

func TestApplyGroupGolden(t *testing.T) {
	e := newParser(t)
	tests := []struct {
		file string
		want scimpatch.GroupPatch
	}{
		{"okta_group_rename.json", scimpatch.GroupPatch{
			Update:  store.GroupUpdate{DisplayName: ptr("Engineering EU")},
			Changed: true, Renamed: true,
		}},
		{"okta_group_members.json", scimpatch.GroupPatch{
			Update:  store.GroupUpdate{AddMembers: []string{"u2"}, RemoveMembers: []string{"u1"}},
			Changed: true,
		}},
		{"okta_group_push_now.json", scimpatch.GroupPatch{
			Update:  store.GroupUpdate{ReplaceMembers: true, Members: []string{"u2", "u3"}},
			Changed: true,
		}},
		{"entra_group_add_members.json", scimpatch.GroupPatch{
			Update:  store.GroupUpdate{AddMembers: []string{"u4"}},
			Changed: true,
		}},
		{"entra_group_remove_members.json", scimpatch.GroupPatch{
			Update:  store.GroupUpdate{RemoveMembers: []string{"u1"}},
			Changed: true,
		}},
		{"entra_group_rename.json", scimpatch.GroupPatch{
			Update:  store.GroupUpdate{DisplayName: ptr("Engineering EU")},
			Changed: true, Renamed: true,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := scimpatch.ApplyGroup(e.parse(t, "/Groups", golden(t, tt.file)))
			if err != nil {
				t.Fatalf("ApplyGroup: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %s\nwant %s", jsonString(got), jsonString(tt.want))
			}
		})
	}
}

func TestApplyGroupFolding(t *testing.T) {
	e := newParser(t)
	tests := []struct {
		name string
		ops  string
		want store.GroupUpdate
	}{
		{
			name: "add then remove the same id is a remove",
			ops:  `[{"op":"add","path":"members","value":[{"value":"u1"},{"value":"u2"}]},{"op":"remove","path":"members[value eq \"u1\"]"}]`,
			want: store.GroupUpdate{AddMembers: []string{"u2"}, RemoveMembers: []string{"u1"}},
		},
		{
			name: "remove then add the same id is an add",
			ops:  `[{"op":"remove","path":"members[value eq \"u1\" or value eq \"u2\"]"},{"op":"add","path":"members","value":{"value":"u1"}}]`,
			want: store.GroupUpdate{AddMembers: []string{"u1"}, RemoveMembers: []string{"u2"}},
		},
		{
			name: "replace then add and remove edits the replacement set",
			ops:  `[{"op":"add","path":"members","value":[{"value":"u9"}]},{"op":"replace","path":"members","value":[{"value":"u1"},{"value":"u2"},{"value":"u1"}]},{"op":"add","path":"members","value":[{"value":"u3"}]},{"op":"remove","path":"members[value eq \"u1\"]"}]`,
			want: store.GroupUpdate{ReplaceMembers: true, Members: []string{"u2", "u3"}},
		},
		{
			name: "a member removed and added again after a replace goes last",
			ops:  `[{"op":"replace","path":"members","value":[{"value":"a"},{"value":"b"}]},{"op":"remove","path":"members[value eq \"a\"]"},{"op":"add","path":"members","value":[{"value":"a"},{"value":"b"}]}]`,
			want: store.GroupUpdate{ReplaceMembers: true, Members: []string{"b", "a"}},
		},
		{
			name: "remove all members then add",
			ops:  `[{"op":"remove","path":"members"},{"op":"add","path":"members","value":[{"value":"u3"}]}]`,
			want: store.GroupUpdate{ReplaceMembers: true, Members: []string{"u3"}},
		},
		{
			name: "remove all members",
			ops:  `[{"op":"Remove","path":"members"}]`,
			want: store.GroupUpdate{ReplaceMembers: true, Members: []string{}},
		},
		{
			name: "replace with an empty list empties the group",
			ops:  `[{"op":"replace","path":"members","value":[]}]`,
			want: store.GroupUpdate{ReplaceMembers: true, Members: []string{}},
		},
		{
			name: "pathless replace with displayName, externalId and members",
			ops:  `[{"op":"replace","value":{"displayName":"Ops","externalId":"e1","members":[{"value":"u1"}]}}]`,
			want: store.GroupUpdate{DisplayName: ptr("Ops"), ExternalID: ptr("e1"), ReplaceMembers: true, Members: []string{"u1"}},
		},
		{
			name: "pathless add of members appends",
			ops:  `[{"op":"add","value":{"members":[{"value":"u1"}]}}]`,
			want: store.GroupUpdate{AddMembers: []string{"u1"}},
		},
		{
			name: "externalId replace and remove",
			ops:  `[{"op":"replace","path":"externalId","value":"e1"},{"op":"remove","path":"externalId"}]`,
			want: store.GroupUpdate{ExternalID: ptr("")},
		},
		{
			name: "case-insensitive names",
			ops:  `[{"op":"Replace","path":"DisplayName","value":"Ops"},{"op":"ADD","path":"Members","value":[{"Value":"u1"}]}]`,
			want: store.GroupUpdate{DisplayName: ptr("Ops"), AddMembers: []string{"u1"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := scimpatch.ApplyGroup(e.parse(t, "/Groups", patchBody(tt.ops)))
			if err != nil {
				t.Fatalf("ApplyGroup: %v", err)
			}
			if !reflect.DeepEqual(got.Update, tt.want) {
				t.Errorf("got  %s\nwant %s", jsonString(got.Update), jsonString(tt.want))
			}
			if !got.Changed {
				t.Error("Changed = false")
			}
			if got.Renamed != (tt.want.DisplayName != nil) {
				t.Errorf("Renamed = %v", got.Renamed)
			}
			for _, id := range got.Update.AddMembers {
				for _, r := range got.Update.RemoveMembers {
					if id == r {
						t.Errorf("%q both added and removed", id)
					}
				}
			}
		})
	}
}

func TestApplyGroupErrors(t *testing.T) {
	e := newParser(t)
	tests := []struct {
		name     string
		ops      string
		scimType string
		detail   string
	}{
		{"nested group by type", `[{"op":"add","path":"members","value":[{"value":"u1"},{"value":"g2","type":"Group"}]}]`, "invalidValue",
			"nested groups are not supported: member 2 is a group; add its users instead"},
		{"nested group by $ref", `[{"op":"add","path":"members","value":[{"value":"g2","$ref":"https://idp.example/scim/v2/Groups/g2"}]}]`, "invalidValue",
			"nested groups are not supported: member 1 refers to a group; add its users instead"},
		{"empty member value", `[{"op":"add","path":"members","value":[{"value":""}]}]`, "invalidValue",
			`member 1 has no user id: its "value" must be a non-empty string`},
		{"missing member value", `[{"op":"replace","path":"members","value":[{"display":"x"}]}]`, "invalidValue",
			`member 1 has no user id: its "value" must be a non-empty string`},
		{"filter on display", `[{"op":"remove","path":"members[display eq \"Ada\"]"}]`, "invalidFilter",
			`members can be selected by value only, as in members[value eq "<user id>"], not by "display"`},
		{"filter with another operator", `[{"op":"remove","path":"members[value sw \"u\"]"}]`, "invalidFilter",
			`members can be selected with eq only, as in members[value eq "<user id>"], not "sw"`},
		{"filter with and", `[{"op":"remove","path":"members[value eq \"u1\" and value eq \"u2\"]"}]`, "invalidFilter",
			"members filters can join value eq comparisons with or only"},
		{"empty displayName", `[{"op":"replace","path":"displayName","value":""}]`, "invalidValue",
			"displayName must be a non-empty string"},
		{"remove displayName", `[{"op":"remove","path":"displayName"}]`, "mutability",
			"displayName is required and cannot be removed"},
		{"edit a member entry", `[{"op":"replace","path":"members[value eq \"u1\"].display","value":"x"}]`, "mutability",
			`"members[value eq \"u1\"].display": member entries cannot be edited; add or remove members instead`},
		{"all or nothing", `[{"op":"replace","path":"displayName","value":"Ops"},{"op":"add","path":"members","value":[{"value":"g","type":"Group"}]}]`, "invalidValue",
			"nested groups are not supported: member 1 is a group; add its users instead"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := scimpatch.ApplyGroup(e.parse(t, "/Groups", patchBody(tt.ops)))
			assertError(t, err, tt.scimType, tt.detail)
			if !reflect.DeepEqual(got, scimpatch.GroupPatch{}) {
				t.Errorf("got %s with an error; want the zero GroupPatch", jsonString(got))
			}
		})
	}
}

// TestApplyGroupDefensive covers operations elimity rejects before they
// reach ApplyGroup.
func TestApplyGroupDefensive(t *testing.T) {
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
		scimType string
	}{
		{"id path", scim.PatchOperation{Op: "replace", Path: path("id"), Value: "g2"}, "mutability"},
		{"meta path", scim.PatchOperation{Op: "replace", Path: path("meta"), Value: obj{}}, "mutability"},
		{"meta pathless", scim.PatchOperation{Op: "replace", Value: obj{"meta": obj{}}}, "mutability"},
		{"unknown attribute", scim.PatchOperation{Op: "replace", Path: path("owner"), Value: "x"}, "invalidPath"},
		{"extension key", scim.PatchOperation{Op: "replace", Value: obj{"urn:example:x": obj{}}}, "invalidPath"},
		{"member not an object", scim.PatchOperation{Op: "add", Path: path("members"), Value: []any{"u1"}}, "invalidValue"},
		{"displayName not a string", scim.PatchOperation{Op: "replace", Value: obj{"displayName": true}}, "invalidValue"},
		{"pathless remove", scim.PatchOperation{Op: "remove"}, "noTarget"},
		{"unknown op", scim.PatchOperation{Op: "copy", Path: path("members")}, "invalidSyntax"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := scimpatch.ApplyGroup([]scim.PatchOperation{tt.op})
			assertError(t, err, tt.scimType, "")
		})
	}
	t.Run("id in a pathless value is ignored", func(t *testing.T) {
		got, err := scimpatch.ApplyGroup([]scim.PatchOperation{{Op: "replace", Value: obj{"ID": "g1", "displayName": "X"}}})
		if err != nil || *got.Update.DisplayName != "X" || !got.Renamed {
			t.Fatalf("got %s, %v", jsonString(got), err)
		}
	})
	t.Run("no operations", func(t *testing.T) {
		got, err := scimpatch.ApplyGroup(nil)
		if err != nil || got.Changed {
			t.Fatalf("got %s, %v", jsonString(got), err)
		}
	})
}
