package storekit

import (
	"strings"
	"testing"

	"github.com/scimkit/scimkit/store"
)

// TestFoldingMatcher checks the buffer-reusing case-insensitive matcher
// against store.Fold and the string operators, for ASCII and non-ASCII
// values (where store.Fold is not plain A-Z lowering).
func TestFoldingMatcher(t *testing.T) {
	values := []string{"", "a", "A", "abc", "ABC", "aBd", "Zoë", "ZOË", "zoë", "İstanbul", "istanbul", "ǅemal", "straße", "STRASSE", "K", "\u212a", "a@X.com", "A@x.COM", "b"}
	ops := []store.Op{store.OpEq, store.OpNe, store.OpCo, store.OpSw, store.OpEw, store.OpGt, store.OpGe, store.OpLt, store.OpLe}
	for _, op := range ops {
		for _, v := range values {
			m, err := stringMatcher(store.Compare{Attr: store.AttrUserName, Op: op, Value: v}, true)
			if err != nil {
				t.Fatal(err)
			}
			fv := store.Fold(v)
			for _, x := range values {
				fx := store.Fold(x)
				var want bool
				switch op {
				case store.OpEq:
					want = fx == fv
				case store.OpNe:
					want = fx != fv
				case store.OpCo:
					want = strings.Contains(fx, fv)
				case store.OpSw:
					want = strings.HasPrefix(fx, fv)
				case store.OpEw:
					want = strings.HasSuffix(fx, fv)
				case store.OpGt:
					want = fx > fv
				case store.OpGe:
					want = fx >= fv
				case store.OpLt:
					want = fx < fv
				case store.OpLe:
					want = fx <= fv
				}
				if got := m(x); got != want {
					t.Errorf("%q %s %q = %v, want %v (compare store.Fold forms)", x, op, v, got, want)
				}
			}
		}
	}
}
