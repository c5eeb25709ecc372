package memstore

import (
	"math/rand/v2"
	"slices"
	"testing"
)

type item struct {
	n    int
	slot int
}

func (i *item) setSlot(s int) { i.slot = s }

// TestSeqList checks the ordered list against a plain slice under random
// appends and deletes, across compactions: every page must equal the
// reference's page and every item must know its slot.
func TestSeqList(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var l seqList[*item]
	var ref []*item
	next := 0
	for step := range 20000 {
		if len(ref) > 0 && rng.IntN(3) == 0 {
			i := rng.IntN(len(ref))
			l.remove(ref[i].slot)
			ref = slices.Delete(ref, i, i+1)
		} else {
			x := &item{n: next}
			next++
			l.add(x)
			ref = append(ref, x)
		}
		if l.len() != len(ref) {
			t.Fatalf("step %d: len %d, want %d", step, l.len(), len(ref))
		}
		if step%97 != 0 {
			continue
		}
		for _, x := range ref {
			if l.items[x.slot] != x {
				t.Fatalf("step %d: item %d does not sit at its slot %d", step, x.n, x.slot)
			}
		}
		start, count := rng.IntN(len(ref)+3), rng.IntN(40)
		got := l.page(start, count)
		var want []*item
		if s := max(start, 1); count > 0 && s <= len(ref) {
			want = ref[s-1 : min(s-1+count, len(ref))]
		}
		if !slices.Equal(got, want) {
			t.Fatalf("step %d: page(%d, %d) = %v, want %v", step, start, count, got, want)
		}
		var all []*item
		l.all(func(x *item) bool { all = append(all, x); return true })
		if !slices.Equal(all, ref) {
			t.Fatalf("step %d: all() differs from the reference", step)
		}
	}
	if len(l.items) > 2*len(ref)+minCompact {
		t.Fatalf("list holds %d slots for %d live items: not compacted", len(l.items), len(ref))
	}
}

// TestGroupMembersOrder checks the member list against a plain slice under
// random adds and removes, across compactions.
func TestGroupMembersOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	r := &groupRec{members: map[string]int{}}
	var ref []string
	for step := range 20000 {
		id := string(rune('a' + rng.IntN(200)))
		if rng.IntN(2) == 0 {
			if r.add(id) != !slices.Contains(ref, id) {
				t.Fatalf("step %d: add(%q) reported the wrong thing", step, id)
			}
			if !slices.Contains(ref, id) {
				ref = append(ref, id)
			}
		} else {
			i := slices.Index(ref, id)
			if r.remove(id) != (i >= 0) {
				t.Fatalf("step %d: remove(%q) reported the wrong thing", step, id)
			}
			if i >= 0 {
				ref = slices.Delete(ref, i, i+1)
			}
		}
		if got := r.ids(); !slices.Equal(got, ref) && len(got)+len(ref) > 0 {
			t.Fatalf("step %d: ids() = %q, want %q", step, got, ref)
		}
		if len(r.order) > 2*len(r.members)+64 {
			t.Fatalf("step %d: order holds %d entries for %d members: not compacted", step, len(r.order), len(r.members))
		}
	}
}
