package memstore

import "math/bits"

// slotted is a record kept in a seqList: it is told its position.
type slotted interface {
	comparable
	setSlot(int)
}

// seqList keeps records in creation order. Appending and deleting cost
// O(log n); finding the k-th live record costs O(log n) through a Fenwick
// (binary indexed) tree of live counts, so a page deep in a large listing
// costs about the same as the first one. Deleted records leave a zero hole
// until the list is mostly holes, when it is compacted (amortised O(1)).
// Compaction renumbers slots but keeps their order, so comparing slots
// under the same lock compares creation order.
type seqList[T slotted] struct {
	items []T     // by slot; the zero T where deleted
	tree  []int32 // Fenwick tree, 1-based: tree[i] = live items in slots (i-lowbit(i), i]
	live  int
}

// minCompact is the smallest list length that is ever compacted.
const minCompact = 1024

func lowbit(i int) int { return i & -i }

// len returns the number of live records.
func (l *seqList[T]) len() int { return l.live }

// add appends x as the newest record.
func (l *seqList[T]) add(x T) {
	slot := len(l.items)
	l.items = append(l.items, x)
	x.setSlot(slot)
	if len(l.tree) == 0 {
		l.tree = append(l.tree, 0) // index 0 is unused
	}
	// tree[p] covers (p-lowbit(p), p]: the new item plus the nodes below p.
	p := slot + 1
	sum := int32(1)
	for j := p - 1; j > p-lowbit(p); j -= lowbit(j) {
		sum += l.tree[j]
	}
	l.tree = append(l.tree, sum)
	l.live++
}

// remove deletes the record at slot, which must be live.
func (l *seqList[T]) remove(slot int) {
	var zero T
	l.items[slot] = zero
	for p := slot + 1; p < len(l.tree); p += lowbit(p) {
		l.tree[p]--
	}
	l.live--
	if len(l.items) >= minCompact && l.live < len(l.items)/2 {
		l.compact()
	}
}

// compact drops the holes, renumbers the slots and rebuilds the tree in O(n).
func (l *seqList[T]) compact() {
	var zero T
	items := make([]T, 0, l.live+l.live/4)
	for _, x := range l.items {
		if x != zero {
			x.setSlot(len(items))
			items = append(items, x)
		}
	}
	tree := make([]int32, len(items)+1, cap(items)+1)
	for p := 1; p < len(tree); p++ {
		tree[p]++
		if q := p + lowbit(p); q < len(tree) {
			tree[q] += tree[p]
		}
	}
	l.items, l.tree = items, tree
}

// kth returns the slot of the k-th live record (1-based); 1 <= k <= live.
func (l *seqList[T]) kth(k int) int {
	n := len(l.items)
	pos, rem := 0, int32(k)
	for step := 1 << (bits.Len(uint(n)) - 1); step > 0; step >>= 1 {
		if next := pos + step; next <= n && l.tree[next] < rem {
			pos = next
			rem -= l.tree[next]
		}
	}
	return pos // 1-based position pos+1 is slot pos
}

// page returns up to count live records starting with the start-th
// (1-based), in creation order, in O(count * log n) at worst.
func (l *seqList[T]) page(start, count int) []T {
	if start < 1 {
		start = 1
	}
	if count <= 0 || start > l.live {
		return nil
	}
	count = min(count, l.live-start+1)
	out := make([]T, 0, count)
	var zero T
	slot := l.kth(start)
	for {
		out = append(out, l.items[slot])
		if len(out) == count {
			return out
		}
		// The next slot is usually live; past a hole, ask the tree.
		if slot+1 < len(l.items) && l.items[slot+1] != zero {
			slot++
		} else {
			slot = l.kth(start + len(out))
		}
	}
}

// all calls yield for every live record in creation order until it
// returns false.
func (l *seqList[T]) all(yield func(T) bool) {
	var zero T
	for _, x := range l.items {
		if x != zero && !yield(x) {
			return
		}
	}
}
