package scimpatch_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/scimkit/scimkit/scim/internal/scimpatch"
)

func benchmarkApplyUser(b *testing.B, file string) {
	e := newParser(b)
	ops := e.parse(b, "/Users", golden(b, file))
	s := userSchema()
	doc := baseUser()
	b.ReportAllocs()
	for b.Loop() {
		if _, changed, err := scimpatch.ApplyUser(doc, ops, s); err != nil || !changed {
			b.Fatal(changed, err)
		}
	}
}

// BenchmarkApplyUserOktaDeactivate: the pathless {"active":false}.
func BenchmarkApplyUserOktaDeactivate(b *testing.B) {
	benchmarkApplyUser(b, "okta_user_deactivate.json")
}

// BenchmarkApplyUserEntraMultiOp: Entra's PATCH with filtered email, name,
// externalId and enterprise extension paths.
func BenchmarkApplyUserEntraMultiOp(b *testing.B) {
	benchmarkApplyUser(b, "entra_user_multi_op.json")
}

// BenchmarkApplyGroupOktaMembers: remove one member and add one.
func BenchmarkApplyGroupOktaMembers(b *testing.B) {
	e := newParser(b)
	ops := e.parse(b, "/Groups", golden(b, "okta_group_members.json"))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := scimpatch.ApplyGroup(ops); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseRequest: Entra's 5-operation user PATCH, decoded and
// parsed as package scim does it (once per request).
func BenchmarkParseRequest(b *testing.B) {
	body := golden(b, "entra_user_multi_op.json")
	s := userSchema()
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		var doc any
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			b.Fatal(err)
		}
		if _, err := scimpatch.ParseRequest(doc, s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApplyGroupReplace5000: Okta's "Push now" replace of a
// 5,000-member group, then one add and one remove.
func BenchmarkApplyGroupReplace5000(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`[{"op":"replace","path":"members","value":[`)
	for i := range 5000 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"value":"u%d"}`, i)
	}
	sb.WriteString(`]},{"op":"add","path":"members","value":[{"value":"x"}]},{"op":"remove","path":"members[value eq \"u7\"]"}]`)
	e := newParser(b)
	ops := e.parse(b, "/Groups", patchBody(sb.String()))
	b.ReportAllocs()
	for b.Loop() {
		p, err := scimpatch.ApplyGroup(ops)
		if err != nil || len(p.Update.Members) != 5000 {
			b.Fatal(len(p.Update.Members), err)
		}
	}
}
