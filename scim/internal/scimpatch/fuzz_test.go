package scimpatch_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/scimkit/scimkit/scim/internal/scimpatch"
)

func addGoldenSeeds(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// FuzzApplyUser feeds what ParseRequest accepts to ApplyUser: never panics,
// never modifies its input, returns nothing with an error and a
// JSON-encodable document otherwise.
func FuzzApplyUser(f *testing.F) {
	addGoldenSeeds(f)
	f.Add(patchBody(`[{"op":"remove","path":"emails[type eq \"work\" or primary eq true]"}]`))
	f.Add(patchBody(`[{"op":"add","path":"emails[type eq \"home\"].value","value":"x@y"}]`))
	e := newParser(f)
	s := userSchema()
	f.Fuzz(func(t *testing.T, body []byte) {
		code, _, ops := e.patch(t, "/Users", body)
		if code != http.StatusNoContent {
			return
		}
		doc := baseUser()
		out, changed, err := scimpatch.ApplyUser(doc, ops, s)
		if !reflect.DeepEqual(doc, baseUser()) {
			t.Fatalf("input modified: %s", jsonString(doc))
		}
		if err != nil {
			if out != nil || changed {
				t.Fatalf("output with an error %v", err)
			}
			return
		}
		if _, err := json.Marshal(out); err != nil {
			t.Fatalf("output not encodable: %v", err)
		}
		if !changed && !reflect.DeepEqual(out, baseUser()) {
			t.Fatalf("changed=false but document differs: %s", jsonString(out))
		}
	})
}

// FuzzApplyGroup feeds what ParseRequest accepts to ApplyGroup and checks the
// GroupUpdate invariants the store relies on: deltas disjoint and
// duplicate-free, no deltas with ReplaceMembers, no empty ids.
func FuzzApplyGroup(f *testing.F) {
	addGoldenSeeds(f)
	f.Add(patchBody(`[{"op":"replace","path":"members","value":[{"value":"a"}]},{"op":"remove","path":"members[value eq \"a\"]"},{"op":"add","path":"members","value":[{"value":"a"}]}]`))
	e := newParser(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		code, _, ops := e.patch(t, "/Groups", body)
		if code != http.StatusNoContent {
			return
		}
		p, err := scimpatch.ApplyGroup(ops)
		if err != nil {
			if !reflect.DeepEqual(p, scimpatch.GroupPatch{}) {
				t.Fatalf("output with an error %v", err)
			}
			return
		}
		u := p.Update
		if u.ReplaceMembers && (len(u.AddMembers) > 0 || len(u.RemoveMembers) > 0) {
			t.Fatalf("deltas with ReplaceMembers: %s", jsonString(u))
		}
		seen := map[string]bool{}
		for _, list := range [][]string{u.Members, u.AddMembers, u.RemoveMembers} {
			for _, id := range list {
				if id == "" || seen[id] {
					t.Fatalf("empty or repeated id %q: %s", id, jsonString(u))
				}
				seen[id] = true
			}
		}
		if u.DisplayName != nil && *u.DisplayName == "" {
			t.Fatal("empty displayName")
		}
	})
}
