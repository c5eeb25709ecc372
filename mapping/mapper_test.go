package mapping_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/scimkit/scimkit/mapping"
	"github.com/scimkit/scimkit/store"
)

const ent = store.EnterpriseURN + ":"

// base is the smallest valid table: the rows every test table starts from.
func base(rows ...mapping.Row) mapping.Table {
	return mapping.Table{Rows: append([]mapping.Row{{SCIM: "userName", Field: mapping.FieldUserName}}, rows...)}
}

func TestNewRejectsStructuralProblems(t *testing.T) {
	ext := mapping.Extension{URN: "urn:example:acme:1.0:User", Attributes: []mapping.ExtensionAttribute{
		{Name: "tier", Type: mapping.TypeString},
		{Name: "vip", Type: mapping.TypeBoolean},
		{Name: "tags", Type: mapping.TypeString, MultiValued: true},
	}}
	withExt := func(rows ...mapping.Row) mapping.Table {
		t := base(rows...)
		t.Extensions = []mapping.Extension{ext}
		return t
	}
	tests := []struct {
		name  string
		table mapping.Table
		row   int    // the row the error must name; -1 for the table
		want  string // substring of the problem
	}{
		{"unknown core attribute", base(mapping.Row{SCIM: "emial", Field: mapping.FieldEmail}),
			1, `unknown SCIM attribute "emial" (not in the core User schema)`},
		{"unknown sub-attribute", base(mapping.Row{SCIM: "name.given", Field: mapping.FieldGivenName}),
			1, `unknown sub-attribute "given" of "name"`},
		{"unknown enterprise attribute", base(mapping.Row{SCIM: ent + "badge", Field: mapping.FieldDepartment}),
			1, `unknown SCIM attribute "badge" (not in the enterprise User extension schema)`},
		{"undeclared extension", base(mapping.Row{SCIM: "urn:example:other:1.0:User:tier", Field: "extra.tier"}),
			1, "unknown schema URN"},
		{"unknown extension attribute", withExt(mapping.Row{SCIM: ext.URN + ":colour", Field: "extra.colour"}),
			1, `unknown SCIM attribute "colour" (not in the extension urn:example:acme:1.0:User schema)`},
		{"a schema URN alone", base(mapping.Row{SCIM: store.EnterpriseURN, Field: mapping.FieldDepartment}),
			1, "names a schema, not an attribute"},
		{"owned by the SCIM layer", base(mapping.Row{SCIM: "active", Field: "extra.active"}),
			1, `"active" is owned by the SCIM layer`},
		{"multi-valued without filter", base(mapping.Row{SCIM: "emails.value", Field: mapping.FieldEmail}),
			1, `is multi-valued: select one element with a filter`},
		{"whole complex into a string field", base(mapping.Row{SCIM: ent + "manager", Field: mapping.FieldManagerID}),
			1, `SCIM attribute is complex but host field "managerId" holds a string; map it to an extra field`},
		{"filter on a single-valued attribute", base(mapping.Row{SCIM: `name[type eq "x"].givenName`, Field: mapping.FieldGivenName}),
			1, "is not multi-valued"},
		{"filter with another operator", base(mapping.Row{SCIM: `emails[type co "work"].value`, Field: mapping.FieldEmail}),
			1, "must be one eq comparison"},
		{"filter on unknown sub-attribute", base(mapping.Row{SCIM: `emails[kind eq "work"].value`, Field: mapping.FieldEmail}),
			1, `filter names unknown sub-attribute "kind"`},
		{"unquoted string in filter", base(mapping.Row{SCIM: `emails[type eq work].value`, Field: mapping.FieldEmail}),
			1, "must compare with a quoted string"},
		{"non-boolean in boolean filter", base(mapping.Row{SCIM: `emails[primary eq "yes"].value`, Field: mapping.FieldEmail}),
			1, "must compare with true or false"},
		{"unclosed filter", base(mapping.Row{SCIM: `emails[type eq "work".value`, Field: mapping.FieldEmail}),
			1, "unclosed filter"},
		{"filter without sub-attribute", base(mapping.Row{SCIM: `emails[type eq "work"]`, Field: mapping.FieldEmail}),
			1, "must name a sub-attribute after the filter"},
		{"reads its own filter attribute", base(mapping.Row{SCIM: `emails[type eq "work"].type`, Field: "extra.t"}),
			1, "reads the sub-attribute its filter compares"},
		{"filter with two comparisons", base(mapping.Row{SCIM: `emails[type eq "work" and primary eq true].value`, Field: mapping.FieldEmail}),
			1, "must be one eq comparison"},
		{"filter without value", base(mapping.Row{SCIM: `emails[type eq ].value`, Field: mapping.FieldEmail}),
			1, "must be one eq comparison"},
		{"core URN alone", base(mapping.Row{SCIM: mapping.CoreUserURN, Field: mapping.FieldTitle}),
			1, "names a schema, not an attribute"},
		{"core attribute twice, once URN-qualified", base(
			mapping.Row{SCIM: mapping.CoreUserURN + ":title", Field: mapping.FieldTitle},
			mapping.Row{SCIM: "title", Field: "extra.title"}),
			2, `SCIM attribute "title" is already written by row 1`},
		{"empty path", base(mapping.Row{SCIM: "", Field: mapping.FieldTitle}), 1, "SCIM path is empty"},
		{"unknown host field", base(mapping.Row{SCIM: "title", Field: "jobTitle"}),
			1, `unknown host field "jobTitle"`},
		{"empty extra key", base(mapping.Row{SCIM: "title", Field: "extra."}), 1, `unknown host field "extra."`},
		{"boolean into a string field", withExt(mapping.Row{SCIM: ext.URN + ":vip", Field: mapping.FieldTitle}),
			1, `SCIM attribute is boolean but host field "title" holds a string`},
		{"list into a string field", withExt(mapping.Row{SCIM: ext.URN + ":tags", Field: mapping.FieldTitle}),
			1, "is multi-valued string but host field"},
		{"two rows write one field", base(
			mapping.Row{SCIM: "title", Field: mapping.FieldTitle},
			mapping.Row{SCIM: "userType", Field: mapping.FieldTitle}),
			2, `host field "title" is already written by row 1`},
		{"two rows write one SCIM attribute", base(
			mapping.Row{SCIM: "title", Field: mapping.FieldTitle},
			mapping.Row{SCIM: "TITLE", Field: "extra.title", Direction: mapping.Out}),
			2, `SCIM attribute "title" is already written by row 1`},
		{"required without a source", base(mapping.Row{SCIM: "title", Field: mapping.FieldTitle, Direction: mapping.Out, Required: true}),
			1, "a required field needs an incoming source"},
		{"no userName", mapping.Table{Rows: []mapping.Row{{SCIM: "title", Field: mapping.FieldTitle}}},
			-1, `no In or Both row writes host field "userName"`},
		{"userName only outgoing", mapping.Table{Rows: []mapping.Row{{SCIM: "userName", Field: mapping.FieldUserName, Direction: mapping.Out}}},
			-1, `no In or Both row writes host field "userName"`},
		{"zero transform", base(mapping.Row{SCIM: "title", Field: mapping.FieldTitle, Transforms: []mapping.Transform{{}}}),
			1, "transform 0 is the zero Transform"},
		{"nil func", base(mapping.Row{SCIM: "title", Field: mapping.FieldTitle, Transforms: []mapping.Transform{mapping.Func("x", nil)}}),
			1, "(func(x)) has a nil function"},
		{"transform on a boolean", withExt(mapping.Row{SCIM: ext.URN + ":vip", Field: "extra.vip", Transforms: []mapping.Transform{mapping.Trim()}}),
			1, "transform trim applies to strings"},
		{"bad direction", base(mapping.Row{SCIM: "title", Field: mapping.FieldTitle, Direction: 9}),
			1, "invalid direction Direction(9)"},
		{"extension without urn: prefix", mapping.Table{Rows: base().Rows, Extensions: []mapping.Extension{{URN: "acme"}}},
			-1, `extension 0 ("acme"): URN must start with "urn:"`},
		{"extension with a standard URN", mapping.Table{Rows: base().Rows, Extensions: []mapping.Extension{{URN: store.EnterpriseURN}}},
			-1, "URN is a standard schema"},
		{"extension declared twice", mapping.Table{Rows: base().Rows, Extensions: []mapping.Extension{ext, ext}},
			-1, "extension 1 (\"urn:example:acme:1.0:User\"): URN is declared twice"},
		{"extension attribute bad name", mapping.Table{Rows: base().Rows, Extensions: []mapping.Extension{
			{URN: "urn:x:y", Attributes: []mapping.ExtensionAttribute{{Name: "1st", Type: mapping.TypeString}}}}},
			-1, `attribute "1st": name must be a letter`},
		{"extension attribute twice", mapping.Table{Rows: base().Rows, Extensions: []mapping.Extension{
			{URN: "urn:x:y", Attributes: []mapping.ExtensionAttribute{{Name: "a", Type: mapping.TypeString}, {Name: "A", Type: mapping.TypeString}}}}},
			-1, `attribute "A": declared twice`},
		{"extension attribute bad type", mapping.Table{Rows: base().Rows, Extensions: []mapping.Extension{
			{URN: "urn:x:y", Attributes: []mapping.ExtensionAttribute{{Name: "a", Type: "complex"}}}}},
			-1, `type "complex" is not one of`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := mapping.New(tt.table)
			if err == nil {
				t.Fatalf("New accepted the table; want an error containing %q", tt.want)
			}
			if m != nil {
				t.Errorf("New returned a Mapper with an error")
			}
			var re *mapping.RowError
			if !errors.As(err, &re) {
				t.Fatalf("error %v is not a *RowError", err)
			}
			if re.Row != tt.row {
				t.Errorf("error names row %d, want %d: %v", re.Row, tt.row, err)
			}
			if tt.row >= 0 {
				r := tt.table.Rows[tt.row]
				if re.SCIM != r.SCIM || re.Field != r.Field {
					t.Errorf("error names %q -> %q, want the row's %q -> %q", re.SCIM, re.Field, r.SCIM, r.Field)
				}
				if !strings.Contains(err.Error(), "row "+itoa(tt.row)+" (") {
					t.Errorf("message %q does not name row %d", err, tt.row)
				}
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\ndoes not contain %q", err, tt.want)
			}
		})
	}
}

func itoa(i int) string { return string(rune('0' + i)) }

func TestNewReportsEveryProblem(t *testing.T) {
	_, err := mapping.New(mapping.Table{Rows: []mapping.Row{
		{SCIM: "nope", Field: mapping.FieldTitle},
		{SCIM: "title", Field: "nope"},
	}})
	if err == nil {
		t.Fatal("New accepted a bad table")
	}
	msg := err.Error()
	for _, want := range []string{`row 0 ("nope" -> "title")`, `row 1 ("title" -> "nope")`, `no In or Both row writes host field "userName"`} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q does not contain %q", msg, want)
		}
	}
}

func TestNewAcceptsEveryPathForm(t *testing.T) {
	ext := mapping.Extension{URN: "urn:example:acme:1.0:User", Attributes: []mapping.ExtensionAttribute{
		{Name: "hired", Type: mapping.TypeDateTime},
		{Name: "homepage", Type: mapping.TypeReference},
		{Name: "ratio", Type: mapping.TypeDecimal},
	}}
	table := base(
		mapping.Row{SCIM: "NAME.GIVENNAME", Field: mapping.FieldGivenName},
		mapping.Row{SCIM: `emails[primary eq true].value`, Field: mapping.FieldEmail},
		mapping.Row{SCIM: `emails[type eq "home"].value`, Field: "extra.homeEmail"},
		mapping.Row{SCIM: `phoneNumbers[type eq "mobile"].value`, Field: "extra.mobile"},
		mapping.Row{SCIM: `addresses[type eq "work"].locality`, Field: "extra.city"},
		mapping.Row{SCIM: `addresses[type eq "work"].primary`, Field: "extra.cityPrimary"},
		mapping.Row{SCIM: "profileUrl", Field: "extra.profile"},
		mapping.Row{SCIM: strings.ToLower(ent) + "Manager.Value", Field: mapping.FieldManagerID},
		mapping.Row{SCIM: ext.URN + ":hired", Field: "extra.hired"},
		mapping.Row{SCIM: ext.URN + ":homepage", Field: "extra.homepage"},
		mapping.Row{SCIM: ext.URN + ":ratio", Field: "extra.ratio"},
		mapping.Row{SCIM: `addresses[type eq "home office"].country`, Field: "extra.country"},
		mapping.Row{SCIM: `ims[ value eq "a]b" ].type`, Field: "extra.imType"},
		mapping.Row{SCIM: "urn:ietf:params:scim:schemas:core:2.0:User:nickName", Field: mapping.FieldNickName},
		// Two rows may read one attribute when only one writes it back.
		mapping.Row{SCIM: "userName", Field: "extra.login", Direction: mapping.In},
	)
	table.Extensions = []mapping.Extension{ext}
	m, err := mapping.New(table)
	noErr(t, err)
	if !m.UsesEnterprise() {
		t.Error("UsesEnterprise is false for a table with the manager row")
	}
	m2, err := mapping.New(mapping.Okta())
	noErr(t, err)
	if m2.UsesEnterprise() {
		t.Error("UsesEnterprise is true for the Okta preset")
	}
}

func TestExtensionsAreCopies(t *testing.T) {
	table := oktaWithCustom()
	m, err := mapping.New(table)
	noErr(t, err)
	table.Extensions[0].Attributes[0].Name = "changedAfterNew"
	got := m.Extensions()
	eq(t, acmeExtension(), got[0])
	got[0].Attributes[0].Name = "changedByCaller"
	eq(t, acmeExtension(), m.Extensions()[0])
	m2, err := mapping.New(mapping.Entra())
	noErr(t, err)
	if len(m2.Extensions()) != 0 {
		t.Errorf("Entra preset declares extensions %v; the enterprise one is the scim layer's", m2.Extensions())
	}
}

func TestMaps(t *testing.T) {
	m := mustNew(t, base(
		mapping.Row{SCIM: "Name.GivenName", Field: mapping.FieldGivenName, Direction: mapping.In},
		mapping.Row{SCIM: "title", Field: mapping.FieldTitle, Direction: mapping.Out},
		mapping.Row{SCIM: mapping.WorkEmail, Field: mapping.FieldEmail},
		mapping.Row{SCIM: ent + "department", Field: mapping.FieldDepartment},
	))
	for _, tt := range []struct {
		path    string
		in, out bool
	}{
		{"userName", true, true},
		{"name.givenName", true, false},
		{"TITLE", false, true},
		{`emails[type eq "work"].value`, true, true},
		{ent + "department", true, true},
		{"externalId", false, false},
	} {
		in, out := m.Maps(tt.path)
		if in != tt.in || out != tt.out {
			t.Errorf("Maps(%q) = %v, %v; want %v, %v", tt.path, in, out, tt.in, tt.out)
		}
	}
}

func TestAddExtension(t *testing.T) {
	table := mapping.Okta()
	rows := len(table.Rows)
	ext := acmeExtension()
	ext.Attributes[2].Required = true // seatCount
	table.AddExtension(ext)
	ext.Attributes[0].Name = "changedAfterAdd"
	eq(t, 1, len(table.Extensions))
	eq(t, "vaultTier", table.Extensions[0].Attributes[0].Name, "the table holds a copy")
	got := table.Rows[rows:]
	urn := "urn:ietf:params:scim:schemas:extension:acme:2.0:User:"
	eq(t, 4, len(got))
	eq(t, urn+"vaultTier", got[0].SCIM)
	eq(t, "extra.vaultTier", got[0].Field)
	eq(t, "[trim]", fmtTransforms(got[0].Transforms))
	eq(t, "[]", fmtTransforms(got[1].Transforms), "no transform on a boolean")
	eq(t, true, got[2].Required, "required follows the attribute")
	eq(t, "[]", fmtTransforms(got[3].Transforms), "no transform on a list")

	m := mustNew(t, table)
	var u store.User
	err := m.ToUser(map[string]any{"userName": "a", "emails": []any{map[string]any{"type": "work", "value": "a@x.io"}},
		urn[:len(urn)-1]: map[string]any{"vaultTier": " Gold ", "isContractor": false}}, &u)
	eq(t, []mapping.FieldError{{SCIM: urn + "seatCount", Field: "extra.seatCount", Problem: "is required but missing or empty"}},
		problems(t, err))
}

func fmtTransforms(ts []mapping.Transform) string {
	parts := make([]string, len(ts))
	for i, tr := range ts {
		parts[i] = tr.String()
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func TestTableClone(t *testing.T) {
	a := oktaWithCustom()
	b := a.Clone()
	b.Rows[0].Transforms[0] = mapping.Lower()
	b.Rows[1].SCIM = "changed"
	b.Extensions[0].Attributes[0].Name = "changed"
	eq(t, oktaWithCustom(), a)
	eq(t, mapping.Table{}, mapping.Table{}.Clone())
	eq(t, mapping.Generic(), mapping.Generic().Clone()) // MemberDisplay too
}

func TestMemberDisplay(t *testing.T) {
	for name, tc := range map[string]struct {
		table mapping.Table
		want  bool
	}{"okta": {mapping.Okta(), false}, "entra": {mapping.Entra(), false}, "generic": {mapping.Generic(), true}} {
		m, err := mapping.New(tc.table)
		if err != nil {
			t.Fatal(err)
		}
		if m.MemberDisplay() != tc.want {
			t.Errorf("%s: MemberDisplay() = %v, want %v", name, m.MemberDisplay(), tc.want)
		}
	}
}

func TestPreset(t *testing.T) {
	want := map[string]mapping.Table{"okta": mapping.Okta(), "entra": mapping.Entra(), "generic": mapping.Generic()}
	for _, name := range mapping.PresetNames {
		got, ok := mapping.Preset(name)
		if !ok {
			t.Fatalf("Preset(%q) not found", name)
		}
		eq(t, want[name], got)
		delete(want, name)
	}
	if len(want) != 0 {
		t.Errorf("PresetNames misses %v", want)
	}
	if _, ok := mapping.Preset("Okta"); ok {
		t.Error(`Preset("Okta") found: names are exact`)
	}
}
