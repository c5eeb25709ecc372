package scimpatch_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"

	"github.com/elimity-com/scim/schema"

	"github.com/scimkit/scimkit/scim/internal/scimpatch"
)

// withVIP is the User schema plus an extension holding a boolean, to show
// extension booleans are found too.
func withVIP() scimpatch.Schema {
	vip := schema.Schema{
		ID: "urn:example:params:scim:schemas:extension:acme:2.0:User",
		Attributes: []schema.CoreAttribute{
			schema.SimpleCoreAttribute(schema.SimpleBooleanParams(schema.BooleanParams{Name: "vip"})),
			schema.SimpleCoreAttribute(schema.SimpleStringParams(schema.StringParams{Name: "team"})),
		},
	}
	return scimpatch.NewSchema(schema.CoreUserSchema(), schema.ExtensionEnterpriseUser(), vip)
}

const acme = "urn:example:params:scim:schemas:extension:acme:2.0:User"

func TestNormalizeBooleans(t *testing.T) {
	s := withVIP()
	tests := []struct {
		name  string
		patch bool
		body  string
		want  string // empty: unchanged
	}{
		{
			name: "entra create",
			body: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a@x.com","active":"True","title":"True",` +
				`"emails":[{"value":"a@x.com","type":"work","primary":"true"}],"addresses":null,"roles":[],` +
				`"` + acme + `":{"vip":"FALSE","team":"false"},"unknown":"True","n":12345678901234567890}`,
			want: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a@x.com","active":true,"title":"True",` +
				`"emails":[{"value":"a@x.com","type":"work","primary":true}],"addresses":null,"roles":[],` +
				`"` + acme + `":{"vip":false,"team":"false"},"unknown":"True","n":12345678901234567890}`,
		},
		{
			name: "case-insensitive attribute names",
			body: `{"ACTIVE":"False","Emails":[{"Primary":"False"}]}`,
			want: `{"ACTIVE":false,"Emails":[{"Primary":false}]}`,
		},
		{name: "real booleans only", body: `{"active":true,"emails":[{"primary":false}]}`},
		{name: "string boolean at a string attribute", body: `{"title":"true","nickName":"False"}`},
		{name: "not a boolean word", body: `{"active":"yes"}`},
		{name: "invalid JSON", body: `{"active":"True",`},
		{name: "trailing data", body: `{"active":"True"} {}`},
		{name: "not an object", body: `["True"]`},
		{
			name: "entra disable", patch: true,
			body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}`,
			want: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":false}]}`,
		},
		{
			name: "path targets", patch: true,
			body: `{"operations":[` +
				`{"op":"add","path":"emails[type eq \"work\"].primary","value":"TRUE"},` +
				`{"op":"add","path":"emails[type eq \"work\"]","value":{"value":"a@x","primary":"true"}},` +
				`{"op":"replace","path":"emails","value":[{"value":"a@x","primary":"false"}]},` +
				`{"op":"add","path":"phoneNumbers","value":{"value":"1","primary":"True"}},` +
				`{"op":"replace","path":"emails.primary","value":"false"},` +
				`{"op":"replace","path":"` + acme + `:vip","value":"True"},` +
				`{"op":"replace","path":"title","value":"True"},` +
				`{"op":"replace","path":"nosuch","value":"True"},` +
				`{"op":"replace","path":"emails[bad","value":"True"}]}`,
			want: `{"operations":[` +
				`{"op":"add","path":"emails[type eq \"work\"].primary","value":true},` +
				`{"op":"add","path":"emails[type eq \"work\"]","value":{"value":"a@x","primary":true}},` +
				`{"op":"replace","path":"emails","value":[{"value":"a@x","primary":false}]},` +
				`{"op":"add","path":"phoneNumbers","value":{"value":"1","primary":true}},` +
				`{"op":"replace","path":"emails.primary","value":false},` +
				`{"op":"replace","path":"` + acme + `:vip","value":true},` +
				`{"op":"replace","path":"title","value":"True"},` +
				`{"op":"replace","path":"nosuch","value":"True"},` +
				`{"op":"replace","path":"emails[bad","value":"True"}]}`,
		},
		{
			name: "pathless keys", patch: true,
			body: `{"Operations":[{"op":"replace","Value":{"active":"False","name.givenName":"true",` +
				`"` + acme + `:vip":"true","` + acme + `":{"vip":"False","team":"True"},` +
				`"emails[type eq \"work\"].primary":"True","emails":[{"primary":"True"}]}}]}`,
			want: `{"Operations":[{"op":"replace","Value":{"active":false,"name.givenName":"true",` +
				`"` + acme + `:vip":true,"` + acme + `":{"vip":false,"team":"True"},` +
				`"emails[type eq \"work\"].primary":true,"emails":[{"primary":true}]}}]}`,
		},
		{name: "patch without string booleans", patch: true, body: `{"Operations":[{"op":"replace","value":{"active":false}}]}`},
		{name: "patch string boolean at a string", patch: true, body: `{"Operations":[{"op":"replace","path":"title","value":"False"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := []byte(tt.body)
			got, changed, err := scimpatch.NormalizeBooleans(body, s, tt.patch)
			if err != nil {
				t.Fatalf("NormalizeBooleans: %v", err)
			}
			if tt.want == "" {
				if changed || string(got) != tt.body || &got[0] != &body[0] {
					t.Fatalf("got %s (changed %v); want the body itself, unchanged", got, changed)
				}
				return
			}
			if !changed {
				t.Fatalf("changed = false; got %s", got)
			}
			if !jsonEqual(t, got, []byte(tt.want)) {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestNormalizeBooleansElimity shows that Entra's string booleans pass
// elimity's validation after normalisation, and fail without it.
func TestNormalizeBooleansElimity(t *testing.T) {
	e := newElimityServer(t)
	for _, file := range []string{"entra_user_disable.json", "entra_user_enable.json"} {
		body := golden(t, file)
		if code, _, _ := e.patch(t, "/Users", body); code != http.StatusBadRequest {
			t.Fatalf("%s: elimity answered %d to a string boolean; this test expects it to reject it", file, code)
		}
		norm, changed, err := scimpatch.NormalizeBooleans(body, userSchema(), true)
		if err != nil || !changed {
			t.Fatalf("%s: changed %v, err %v", file, changed, err)
		}
		if code, resp, _ := e.patch(t, "/Users", norm); code != http.StatusNoContent {
			t.Fatalf("%s: normalised body rejected: %d %s", file, code, resp)
		}
	}
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("invalid JSON %s: %v", a, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("invalid JSON %s: %v", b, err)
	}
	return reflect.DeepEqual(x, y)
}

// TestNormalizeBooleansExact pins the re-encoding: numbers keep every
// digit, HTML characters are not escaped, keys come out sorted.
func TestNormalizeBooleansExact(t *testing.T) {
	body := []byte(`{"title":"R&D <x>","n":12345678901234567890,"d":1.50,"active":"True"}`)
	got, changed, err := scimpatch.NormalizeBooleans(body, userSchema(), false)
	if err != nil || !changed {
		t.Fatalf("changed %v, err %v", changed, err)
	}
	want := `{"active":true,"d":1.50,"n":12345678901234567890,"title":"R&D <x>"}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
