package scimpatch_test

import (
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
