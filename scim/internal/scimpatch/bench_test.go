package scimpatch_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/scimkit/scimkit/scim/internal/scimpatch"
)

func benchmarkApplyUser(b *testing.B, file string) {
	e := newElimityServer(b)
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
	e := newElimityServer(b)
	ops := e.parse(b, "/Groups", golden(b, "okta_group_members.json"))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := scimpatch.ApplyGroup(ops); err != nil {
			b.Fatal(err)
		}
	}
}

func benchmarkNormalize(b *testing.B, file string, wantChanged bool) {
	body := golden(b, file)
	s := userSchema()
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, changed, err := scimpatch.NormalizeBooleans(body, s, true); err != nil || changed != wantChanged {
			b.Fatal(changed, err)
		}
	}
}

// BenchmarkNormalizeBooleansFast: a body without string booleans (the
// 5-operation Entra PATCH) is only scanned.
func BenchmarkNormalizeBooleansFast(b *testing.B) {
	benchmarkNormalize(b, "entra_user_multi_op.json", false)
}

// BenchmarkNormalizeBooleansSlow: Entra's disable with "False" is decoded,
// rewritten and re-encoded.
func BenchmarkNormalizeBooleansSlow(b *testing.B) {
	benchmarkNormalize(b, "entra_user_disable.json", true)
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
	e := newElimityServer(b)
	ops := e.parse(b, "/Groups", patchBody(sb.String()))
	b.ReportAllocs()
	for b.Loop() {
		p, err := scimpatch.ApplyGroup(ops)
		if err != nil || len(p.Update.Members) != 5000 {
			b.Fatal(len(p.Update.Members), err)
		}
	}
}
