package scimpatch

import (
	"maps"
	"slices"
	"strings"

	"github.com/elimity-com/scim"
	"github.com/scim2/filter-parser/v2"
)

// ApplyUser applies the PATCH operations ops, as elimity parsed them, in
// order to the SCIM attribute map doc of a user, described by s. All or
// nothing: on the first operation that cannot be applied it returns a
// *Error and no document. On success out is the patched document and
// changed reports whether it differs from doc.
//
// doc is never modified. out shares the values of attributes the operations
// did not touch with doc (copy on write): treat both as read-only, or deep
// copy before mutating. See the package documentation for the semantics.
func ApplyUser(doc map[string]any, ops []scim.PatchOperation, s Schema) (out map[string]any, changed bool, err error) {
	u := userPatch{s: s, out: maps.Clone(doc)}
	if u.out == nil {
		u.out = map[string]any{}
	}
	for i, op := range ops {
		c, perr := u.apply(op)
		if perr != nil {
			return nil, false, inOp(perr, i)
		}
		changed = changed || c
	}
	return u.out, changed, nil
}

// userPatch is the state of one ApplyUser call.
type userPatch struct {
	s   Schema
	out map[string]any
	// owned lists the top-level keys of out whose values were deep-copied
	// from the input document and may be modified in place.
	owned []string
}

// own makes out[key] (exact key) safe to modify in place.
func (u *userPatch) own(key string) {
	if slices.Contains(u.owned, key) {
		return
	}
	if v, ok := u.out[key]; ok {
		u.out[key] = deepCopy(v)
	}
	u.owned = append(u.owned, key)
}

// target is what one operation addresses.
type target struct {
	c      *container
	attr   *attribute
	sub    *attribute        // sub-attribute, nil for none
	filter filter.Expression // value filter of a multi-valued attribute
	path   string            // for error details
}

func (u *userPatch) apply(op scim.PatchOperation) (bool, *Error) {
	kind := strings.ToLower(op.Op)
	switch kind {
	case scim.PatchOperationAdd, scim.PatchOperationReplace, scim.PatchOperationRemove:
	default:
		return false, newError(ScimTypeInvalidSyntax, "unknown operation %q; use add, remove or replace", op.Op)
	}
	if op.Path == nil {
		if kind == scim.PatchOperationRemove {
			return false, newError(ScimTypeNoTarget, "a remove operation needs a path")
		}
		return u.applyPathless(kind, op.Value)
	}
	t, err := u.resolvePath(op.Path)
	if err != nil {
		return false, err
	}
	return u.applyTarget(kind, t, op.Value)
}

func (u *userPatch) resolvePath(p *filter.Path) (target, *Error) {
	path := p.String()
	if p.ValueExpression == nil && p.SubAttribute == nil && u.s.container(path) != nil {
		// The filter-parser reads "urn:...:enterprise:2.0:User" as the
		// attribute "User" of the schema "urn:...:2.0".
		return target{}, newError(ScimTypeInvalidPath,
			"%q names a whole schema extension, not an attribute; name its attributes one by one, as in %s:%s",
			path, path, u.s.container(path).firstAttr())
	}
	c := u.s.core
	if uri := p.AttributePath.URI(); uri != "" {
		if c = u.s.container(uri); c == nil {
			return target{}, newError(ScimTypeInvalidPath, "%q does not name a schema of this resource type", uri)
		}
	}
	subName := p.AttributePath.SubAttributeName()
	if subName == "" {
		subName = p.SubAttributeName()
	}
	c, a, sub, err := u.s.resolve(c, path, p.AttributePath.AttributeName, subName)
	if err != nil {
		return target{}, err
	}
	return target{c: c, attr: a, sub: sub, filter: p.ValueExpression, path: path}, nil
}

// applyPathless applies an add or replace without path: every key of the
// value map is a target of its own, applied in sorted key order (so "name"
// comes before "name.givenName").
func (u *userPatch) applyPathless(kind string, value any) (bool, *Error) {
	m, ok := value.(map[string]any)
	if !ok {
		return false, newError(ScimTypeInvalidValue, "an %s operation without path needs an object value, not %s", kind, describe(value))
	}
	changed := false
	for _, key := range slices.Sorted(maps.Keys(m)) {
		v := m[key]
		if c := u.s.container(key); c != nil {
			// A schema URN key holds that schema's attributes.
			inner, ok := v.(map[string]any)
			if !ok {
				return false, newError(ScimTypeInvalidValue, "%q must be an object holding that schema's attributes, not %s", key, describe(v))
			}
			for _, ik := range slices.Sorted(maps.Keys(inner)) {
				name, subName, _ := strings.Cut(ik, ".")
				_, a, sub, err := u.s.resolve(c, c.urn+":"+ik, name, subName)
				if err != nil {
					return false, err
				}
				ch, err := u.applyTarget(kind, target{c: c, attr: a, sub: sub, path: c.urn + ":" + ik}, inner[ik])
				if err != nil {
					return false, err
				}
				changed = changed || ch
			}
			continue
		}
		var t target
		if strings.IndexByte(key, '[') >= 0 {
			p, perr := parsePath(key)
			if perr != nil {
				return false, newError(ScimTypeInvalidPath, "%q is not a valid attribute path", key)
			}
			var err *Error
			if t, err = u.resolvePath(&p); err != nil {
				return false, err
			}
		} else {
			c, a, sub, err := u.s.resolveKey(key)
			if err != nil {
				return false, err
			}
			t = target{c: c, attr: a, sub: sub, path: key}
		}
		ch, err := u.applyTarget(kind, t, v)
		if err != nil {
			return false, err
		}
		changed = changed || ch
	}
	return changed, nil
}

// checkMutability rejects operations on read-only attributes, and on
// immutable ones that already hold a different value. It reports skip for
// operations that are accepted and dropped: write-only attributes
// (password) and setting id to its current value.
func (u *userPatch) checkMutability(kind string, t target, value any) (skip bool, err *Error) {
	a := t.attr
	switch a.mutability {
	case mutWriteOnly:
		return true, nil
	case mutReadOnly:
		if t.c.core && a.name == "id" && t.sub == nil && t.filter == nil && kind != scim.PatchOperationRemove {
			if cur, ok := get(u.out, "id"); ok && equal(cur, value) {
				return true, nil
			}
		}
		if t.c.core && a.name == "groups" {
			return false, newError(ScimTypeMutability, "%q is read-only; change group membership through the group instead", t.path)
		}
		return false, newError(ScimTypeMutability, "%q is read-only and cannot be changed", t.path)
	case mutImmutable:
		if parent := u.parent(t.c, false); parent != nil {
			if cur, ok := get(parent, a.name); ok && cur != nil && (kind == scim.PatchOperationRemove || t.sub != nil || t.filter != nil || !equal(cur, value)) {
				return false, newError(ScimTypeMutability, "%q is immutable and already set", t.path)
			}
		}
	}
	if t.sub != nil {
		switch t.sub.mutability {
		case mutWriteOnly:
			return true, nil
		case mutReadOnly, mutImmutable:
			return false, newError(ScimTypeMutability, "%q is %s and cannot be changed", t.path, t.sub.mutability)
		}
	}
	return false, nil
}

// parent returns the map that holds t's attributes: the document for the
// core schema, the extension's object for an extension (created when
// create is set, else nil when absent). The returned map may be modified.
func (u *userPatch) parent(c *container, create bool) map[string]any {
	if c.core {
		return u.out
	}
	key, ok := findKey(u.out, c.urn)
	if ok {
		if _, isMap := u.out[key].(map[string]any); !isMap {
			if !create {
				return nil
			}
			delete(u.out, key)
			ok = false
		}
	}
	if !ok {
		if !create {
			return nil
		}
		u.out[c.urn] = map[string]any{}
		u.owned = append(u.owned, c.urn)
		return u.out[c.urn].(map[string]any)
	}
	u.own(key)
	if key != c.urn { // settle on schema case
		u.out[c.urn] = u.out[key]
		delete(u.out, key)
		u.owned = append(u.owned, c.urn)
	}
	return u.out[c.urn].(map[string]any)
}

// cleanup removes an extension object left empty by a remove.
func (u *userPatch) cleanup(c *container) {
	if c.core {
		return
	}
	if m, ok := u.out[c.urn].(map[string]any); ok && len(m) == 0 {
		delete(u.out, c.urn)
	}
}

func (u *userPatch) applyTarget(kind string, t target, value any) (bool, *Error) {
	if t.filter != nil && !t.attr.multi {
		return false, newError(ScimTypeInvalidPath, "%q: a value filter needs a multi-valued attribute", t.path)
	}
	if t.filter != nil {
		if err := checkFilter(t.attr, t.filter, t.path); err != nil {
			return false, err
		}
	}
	if t.sub == nil && t.attr.multi && t.filter == nil {
		if l, ok := value.([]any); ok && len(l) == 0 && kind == scim.PatchOperationAdd {
			return false, nil // nothing to add
		}
	}
	skip, err := u.checkMutability(kind, t, value)
	if err != nil || skip {
		return false, err
	}
	if value == nil && kind != scim.PatchOperationRemove {
		kind = scim.PatchOperationRemove // null is unassigned (RFC 7643 2.5)
	}
	if kind == scim.PatchOperationRemove {
		if t.attr.required && t.sub == nil && t.filter == nil {
			return false, newError(ScimTypeInvalidValue, "%q is required and cannot be removed", t.path)
		}
		parent := u.parent(t.c, false)
		if parent == nil {
			return false, nil
		}
		u.ownCore(t)
		changed, err := u.remove(parent, t, value)
		u.cleanup(t.c)
		return changed, err
	}
	parent := u.parent(t.c, true)
	u.ownCore(t)
	changed, err := u.update(kind, parent, t, value)
	if !changed {
		u.cleanup(t.c)
	}
	return changed, err
}

// ownCore makes a core attribute's value safe to modify in place (an
// extension's object is owned whole by parent).
func (u *userPatch) ownCore(t target) {
	if !t.c.core {
		return
	}
	if k, ok := findKey(u.out, t.attr.name); ok {
		u.own(k)
	}
}

// update applies add or replace to parent[t.attr].
func (u *userPatch) update(kind string, parent map[string]any, t target, value any) (bool, *Error) {
	a := t.attr
	cur, _ := get(parent, a.name)
	switch {
	case !a.multi && t.sub == nil && a.typ != typeComplex:
		v, err := convert(a, value, t.path)
		if err != nil {
			return false, err
		}
		if a.required && v == "" {
			return false, newError(ScimTypeInvalidValue, "%q is required and cannot be empty", t.path)
		}
		if cur != nil && equal(cur, v) {
			return false, nil
		}
		set(parent, a.name, v)
		return true, nil
	case !a.multi:
		// A single-valued complex attribute: merge sub-attributes (RFC 7644
		// 3.5.2.1 and 3.5.2.3: sub-attributes not given are left unchanged).
		obj, _ := cur.(map[string]any)
		var given map[string]any
		if t.sub != nil {
			v, err := convert(t.sub, value, t.path)
			if err != nil {
				return false, err
			}
			given = map[string]any{t.sub.name: v}
		} else {
			v, err := convert(a, value, t.path)
			if err != nil {
				return false, err
			}
			given = v.(map[string]any)
		}
		changed := false
		for k, v := range given {
			if old, ok := get(obj, k); ok && equal(old, v) {
				continue
			}
			if obj == nil {
				obj = map[string]any{}
			}
			set(obj, k, v)
			changed = true
		}
		if changed {
			set(parent, a.name, obj)
		}
		return changed, nil
	}
	list, _ := cur.([]any)
	var changed bool
	var touched []int
	var err *Error
	switch {
	case t.filter != nil:
		list, touched, changed, err = updateFiltered(kind, t, list, value)
	case t.sub != nil:
		list, touched, changed, err = updateAllSub(t, list, value)
	case kind == scim.PatchOperationAdd:
		list, touched, changed, err = addValues(t, list, value)
	default:
		var vals []any
		if vals, err = convertList(t, value); err == nil {
			changed = !equal(list, vals)
			list = vals
			for i := range vals {
				touched = append(touched, i)
			}
		}
	}
	if err != nil || !changed {
		return false, err
	}
	settlePrimary(a, list, touched)
	if len(list) == 0 {
		del(parent, a.name)
	} else {
		set(parent, a.name, list)
	}
	return true, nil
}

// convertList converts the value of an operation on a whole multi-valued
// attribute: a list of values, or one value.
func convertList(t target, value any) ([]any, *Error) {
	in, ok := value.([]any)
	if !ok {
		in = []any{value}
	}
	out := make([]any, 0, len(in))
	for _, e := range in {
		if e == nil {
			continue
		}
		v, err := convert(t.attr, e, t.path)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// addValues adds values not already present (RFC 7644 3.5.2.1): exact
// duplicates are skipped, and a complex value with the same "value" and
// "type" as an existing one (compared as by filters) is merged into it, so
// that adding {"value":"a@x.com","type":"work","primary":true} marks the
// existing work address primary instead of listing it twice. Other values
// are appended.
func addValues(t target, list []any, value any) ([]any, []int, bool, *Error) {
	vals, err := convertList(t, value)
	if err != nil {
		return nil, nil, false, err
	}
	changed := false
	var touched []int
	for _, v := range vals {
		if slices.ContainsFunc(list, func(e any) bool { return equal(e, v) }) {
			continue
		}
		if i := sameElement(t.attr, list, v); i >= 0 {
			m := list[i].(map[string]any)
			for k, sv := range v.(map[string]any) {
				if old, ok := get(m, k); !ok || !equal(old, sv) {
					set(m, k, sv)
					changed = true
				}
			}
			touched = append(touched, i)
			continue
		}
		list = append(list, v)
		touched = append(touched, len(list)-1)
		changed = true
	}
	return list, touched, changed, nil
}

// sameElement returns the index of the element of list that has the same
// "value" and "type" sub-attributes as the complex value v, or -1. Values
// without a "value" sub-attribute never match.
func sameElement(a *attribute, list []any, v any) int {
	vm, ok := v.(map[string]any)
	if !ok || a.value == nil {
		return -1
	}
	if _, ok := vm[a.value.name]; !ok {
		return -1
	}
	typ := a.sub("type")
	for i, e := range list {
		em, ok := e.(map[string]any)
		if !ok || !sameSub(a.value, em, vm) || typ != nil && !sameSub(typ, em, vm) {
			continue
		}
		return i
	}
	return -1
}

// sameSub reports whether the stored element e and the new value v agree
// on sub-attribute sub: both absent, or equal (strings case-insensitively
// unless caseExact).
func sameSub(sub *attribute, e, v map[string]any) bool {
	ev, eok := get(e, sub.name)
	vv, vok := v[sub.name]
	if !eok || !vok {
		return eok == vok
	}
	es, ok1 := ev.(string)
	vs, ok2 := vv.(string)
	if ok1 && ok2 && !sub.caseExact {
		return strings.EqualFold(es, vs)
	}
	return equal(ev, vv)
}

// updateAllSub sets a sub-attribute on every value ("emails.type"); with no
// values yet it creates one holding only that sub-attribute.
func updateAllSub(t target, list []any, value any) ([]any, []int, bool, *Error) {
	v, err := convert(t.sub, value, t.path)
	if err != nil {
		return nil, nil, false, err
	}
	if len(list) == 0 {
		return []any{map[string]any{t.sub.name: v}}, []int{0}, true, nil
	}
	changed := false
	var touched []int
	for i, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		touched = append(touched, i)
		if old, ok := get(m, t.sub.name); ok && equal(old, v) {
			continue
		}
		set(m, t.sub.name, v)
		changed = true
	}
	return list, touched, changed, nil
}

// updateFiltered applies add or replace to the values matching t.filter:
// with a sub-attribute it sets that sub-attribute on each; without, replace
// swaps each matching value for the new one and add merges the new
// sub-attributes into it. When nothing matches, a new value is appended,
// made of the sub-attributes the filter pins with eq (type eq "work") plus
// the given value; if the filter pins nothing that way (or, ne, ...) the
// operation fails with noTarget.
func updateFiltered(kind string, t target, list []any, value any) ([]any, []int, bool, *Error) {
	var v any
	var err *Error
	if t.sub != nil {
		v, err = convert(t.sub, value, t.path)
	} else {
		v, err = convert(t.attr, value, t.path)
	}
	if err != nil {
		return nil, nil, false, err
	}
	changed := false
	var touched []int
	for i, e := range list {
		if !matchFilter(t.attr, e, t.filter) {
			continue
		}
		touched = append(touched, i)
		switch {
		case t.sub != nil:
			m, ok := e.(map[string]any)
			if !ok {
				continue
			}
			if old, ok := get(m, t.sub.name); ok && equal(old, v) {
				continue
			}
			set(m, t.sub.name, v)
			changed = true
		case kind == scim.PatchOperationAdd && t.attr.typ == typeComplex:
			m, ok := e.(map[string]any)
			if !ok {
				continue
			}
			for k, sv := range v.(map[string]any) {
				if old, ok := get(m, k); ok && equal(old, sv) {
					continue
				}
				set(m, k, sv)
				changed = true
			}
		default:
			if !equal(e, v) {
				list[i] = v
				changed = true
			}
		}
	}
	if len(touched) > 0 {
		return list, touched, changed, nil
	}
	elem := map[string]any{}
	if !eqValues(t.attr, t.filter, elem) {
		if kind == scim.PatchOperationAdd && t.sub == nil {
			return append(list, v), []int{len(list)}, true, nil
		}
		return nil, nil, false, newError(ScimTypeNoTarget, "%q matches no value, and a new one cannot be made from the filter; use a filter of eq comparisons joined by and", t.path)
	}
	if t.sub != nil {
		elem[t.sub.name] = v
	} else if m, ok := v.(map[string]any); ok {
		maps.Copy(elem, m)
	} else {
		return append(list, v), []int{len(list)}, true, nil
	}
	return append(list, elem), []int{len(list)}, true, nil
}

// settlePrimary keeps at most one value marked primary (RFC 7643 2.4): when
// the operation touched a value that is now primary, every other value
// loses the mark.
func settlePrimary(a *attribute, list []any, touched []int) {
	if a.primary == nil {
		return
	}
	winner := -1
	for _, i := range touched {
		if m, ok := list[i].(map[string]any); ok {
			if p, _ := get(m, a.primary.name); p == true {
				winner = i
			}
		}
	}
	if winner < 0 {
		return
	}
	for i, e := range list {
		if i == winner {
			continue
		}
		if m, ok := e.(map[string]any); ok {
			if p, _ := get(m, a.primary.name); p == true {
				set(m, a.primary.name, false)
			}
		}
	}
}

// remove applies remove to parent[t.attr].
func (u *userPatch) remove(parent map[string]any, t target, value any) (bool, *Error) {
	a := t.attr
	cur, ok := get(parent, a.name)
	if !ok {
		return false, nil
	}
	if !a.multi {
		if t.sub == nil {
			return del(parent, a.name), nil
		}
		obj, ok := cur.(map[string]any)
		if !ok || !del(obj, t.sub.name) {
			return false, nil
		}
		if len(obj) == 0 {
			del(parent, a.name)
		}
		return true, nil
	}
	list, _ := cur.([]any)
	var keep []any
	changed := false
	switch {
	case t.filter == nil && t.sub == nil && value == nil:
		return del(parent, a.name), nil
	case t.filter == nil && t.sub == nil:
		// Remove the listed values only (as Entra's legacy member removal).
		vals, err := convertList(t, value)
		if err != nil {
			return false, err
		}
		for _, e := range list {
			if slices.ContainsFunc(vals, func(v any) bool { return sameValue(a, e, v) }) {
				changed = true
				continue
			}
			keep = append(keep, e)
		}
	default:
		for _, e := range list {
			if t.filter != nil && !matchFilter(a, e, t.filter) {
				keep = append(keep, e)
				continue
			}
			if t.sub == nil {
				changed = true
				continue
			}
			if m, ok := e.(map[string]any); ok && del(m, t.sub.name) {
				changed = true
				if len(m) == 0 {
					continue
				}
			}
			keep = append(keep, e)
		}
	}
	if !changed {
		return false, nil
	}
	if len(keep) == 0 {
		del(parent, a.name)
	} else {
		set(parent, a.name, keep)
	}
	return true, nil
}

// sameValue reports whether the stored value e is what v names in a remove
// with a value list: for complex values with a "value" sub-attribute, the
// same value (case-insensitively unless caseExact); otherwise equal.
func sameValue(a *attribute, e, v any) bool {
	if a.value == nil {
		return equal(e, v)
	}
	em, _ := e.(map[string]any)
	vm, _ := v.(map[string]any)
	if _, ok := vm[a.value.name]; !ok {
		return equal(e, v)
	}
	return sameSub(a.value, em, vm)
}
