package mappingtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/scimkit/scimkit/mapping"
	"github.com/scimkit/scimkit/store"
)

// New builds a Mapper from table, failing the test at once if the table
// does not validate.
func New(t testing.TB, table mapping.Table) *mapping.Mapper {
	t.Helper()
	m, err := mapping.New(table)
	if err != nil {
		t.Fatalf("mapping.New: invalid table:\n%v", err)
	}
	return m
}

// Load reads a SCIM resource from a JSON file the way the protocol layer
// decodes request bodies (numbers as json.Number), failing the test if the
// file is missing or not a JSON object.
func Load(t testing.TB, file string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("mappingtest: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var attrs map[string]any
	if err := dec.Decode(&attrs); err != nil {
		t.Fatalf("mappingtest: %s: %v", file, err)
	}
	if attrs == nil {
		t.Fatalf("mappingtest: %s: not a JSON object", file)
	}
	return attrs
}

// AssertUser applies the payload in file to a zero store.User with
// m.ToUser and fails the test, listing every differing field, unless the
// result equals want. It returns the user it got.
func AssertUser(t testing.TB, m *mapping.Mapper, file string, want store.User) store.User {
	t.Helper()
	var got store.User
	if err := m.ToUser(Load(t, file), &got); err != nil {
		t.Fatalf("mappingtest: %s: ToUser failed: %v", file, err)
	}
	if d := Diff(got, want); len(d) > 0 {
		t.Errorf("mappingtest: %s gives a different user (got, want):\n\t%s", file, joinLines(d))
	}
	return got
}

// AssertUpdate applies the payload in file (a PUT body, or a resource
// after PATCH) onto a copy of before, as the SCIM layer does on an
// update, and fails the test, listing every differing field, unless the
// result equals want. Fields the table does not map keep before's values.
// It returns the user it got.
func AssertUpdate(t testing.TB, m *mapping.Mapper, file string, before, want store.User) store.User {
	t.Helper()
	got := before.Clone()
	if err := m.ToUser(Load(t, file), &got); err != nil {
		t.Fatalf("mappingtest: %s: ToUser failed: %v", file, err)
	}
	if d := Diff(got, want); len(d) > 0 {
		t.Errorf("mappingtest: %s applied to the user gives a different user (got, want):\n\t%s", file, joinLines(d))
	}
	return got
}

// AssertInvalid applies the payload in file with m.ToUser and fails the
// test unless ToUser rejects it with a *mapping.Errors whose problems are
// exactly for the SCIM paths wantSCIM (in table order, canonical
// spelling, as in `emails[type eq "work"].value`). It returns the errors.
func AssertInvalid(t testing.TB, m *mapping.Mapper, file string, wantSCIM ...string) *mapping.Errors {
	t.Helper()
	var u store.User
	err := m.ToUser(Load(t, file), &u)
	var errs *mapping.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("mappingtest: %s: ToUser returned %v, want a *mapping.Errors for %q", file, err, wantSCIM)
		return nil
	}
	got := make([]string, len(errs.Fields))
	for i, f := range errs.Fields {
		got[i] = f.SCIM
	}
	if !slices.Equal(got, wantSCIM) {
		t.Errorf("mappingtest: %s: problems for %q, want %q (%v)", file, got, wantSCIM, err)
	}
	return errs
}

// AssertRoundTrip checks that rendering u with m.ToSCIM and applying the
// result back onto u with m.ToUser changes nothing: every field the table
// maps in both directions survives a SCIM round-trip, which is what makes
// PATCH (render, patch, apply) safe. u must be in the form the table's
// transforms produce (a user ToUser made is). It returns the rendered
// resource.
func AssertRoundTrip(t testing.TB, m *mapping.Mapper, u store.User) map[string]any {
	t.Helper()
	attrs := m.ToSCIM(u)
	// A JSON round-trip too, as the resource travels to the IdP and back.
	data, err := json.Marshal(attrs)
	if err != nil {
		t.Fatalf("mappingtest: ToSCIM result does not encode: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var back map[string]any
	if err := dec.Decode(&back); err != nil {
		t.Fatalf("mappingtest: %v", err)
	}
	got := u.Clone()
	if err := m.ToUser(back, &got); err != nil {
		t.Fatalf("mappingtest: ToUser(ToSCIM(u)) failed: %v\nresource: %s", err, data)
	}
	if d := Diff(got, u); len(d) > 0 {
		t.Errorf("mappingtest: ToUser(ToSCIM(u)) differs from u (got, want):\n\t%s\nresource: %s", joinLines(d), data)
	}
	return attrs
}

// Diff lists the fields in which got and want differ, one line each, as
// "Name.GivenName: "A" != "B"" (got first). Emails compare as lists, Extra
// key by key. It returns nil when they are equal.
func Diff(got, want store.User) []string {
	var out []string
	diffValue("", reflect.ValueOf(got), reflect.ValueOf(want), &out)
	return out
}

func diffValue(prefix string, g, w reflect.Value, out *[]string) {
	switch g.Kind() {
	case reflect.Struct:
		if g.Type().PkgPath() == "time" {
			break
		}
		for i := range g.NumField() {
			name := g.Type().Field(i).Name
			if prefix != "" {
				name = prefix + "." + name
			}
			diffValue(name, g.Field(i), w.Field(i), out)
		}
		return
	case reflect.Map:
		keys := map[string]bool{}
		for _, k := range g.MapKeys() {
			keys[k.String()] = true
		}
		for _, k := range w.MapKeys() {
			keys[k.String()] = true
		}
		names := make([]string, 0, len(keys))
		for k := range keys {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			gv := g.MapIndex(reflect.ValueOf(k))
			wv := w.MapIndex(reflect.ValueOf(k))
			if !gv.IsValid() || !wv.IsValid() || !reflect.DeepEqual(gv.Interface(), wv.Interface()) {
				*out = append(*out, fmt.Sprintf("%s[%q]: %s != %s", prefix, k, show(gv), show(wv)))
			}
		}
		return
	}
	if !reflect.DeepEqual(g.Interface(), w.Interface()) {
		*out = append(*out, fmt.Sprintf("%s: %s != %s", prefix, show(g), show(w)))
	}
}

func show(v reflect.Value) string {
	if !v.IsValid() {
		return "(absent)"
	}
	if v.Kind() == reflect.String {
		return fmt.Sprintf("%q", v.String())
	}
	return fmt.Sprintf("%#v", v.Interface())
}

func joinLines(lines []string) string {
	var b bytes.Buffer
	for i, l := range lines {
		if i > 0 {
			b.WriteString("\n\t")
		}
		b.WriteString(l)
	}
	return b.String()
}
