package scimpatch

import (
	"maps"
	"slices"
	"strings"

	"github.com/elimity-com/scim"
	"github.com/scim2/filter-parser/v2"

	"github.com/scimkit/scimkit/store"
)

// GroupPatch is what a group PATCH amounts to.
type GroupPatch struct {
	// Update holds the changes for store.Groups.UpdateGroup. Its Version is
	// left zero for the caller to fill in. Either ReplaceMembers is set
	// with the exact final Members (never nil then), or AddMembers and
	// RemoveMembers hold disjoint deltas.
	Update store.GroupUpdate
	// Changed reports whether Update carries anything at all. A rename to
	// the current name still counts: the store decides what really changed.
	Changed bool
	// Renamed reports whether Update sets DisplayName.
	Renamed bool
}

// ApplyGroup folds the PATCH operations ops for a group, as elimity parsed
// them, into one GroupUpdate, without reading the group: membership is
// changed by deltas. On the first operation that cannot be applied it
// returns a *Error and nothing else. See the package documentation for the
// accepted shapes.
func ApplyGroup(ops []scim.PatchOperation) (GroupPatch, error) {
	g := groupPatch{action: map[string]bool{}}
	for i, op := range ops {
		if err := g.apply(op); err != nil {
			return GroupPatch{}, inOp(err, i)
		}
	}
	return g.result(), nil
}

// groupPatch is the state of one ApplyGroup call.
type groupPatch struct {
	upd store.GroupUpdate

	// replace: the operations so far make the membership exactly the ids
	// in set, which maps each to the index in added of its latest add.
	replace bool
	set     map[string]int
	added   []string

	// Without replace: the last action per id (true add, false remove),
	// ids in first-seen order.
	action map[string]bool
	order  []string
}

func (g *groupPatch) result() GroupPatch {
	out := GroupPatch{Update: g.upd}
	if g.replace {
		out.Update.ReplaceMembers = true
		out.Update.Members = make([]string, 0, len(g.set))
		for i, id := range g.added {
			if j, in := g.set[id]; in && j == i {
				out.Update.Members = append(out.Update.Members, id)
			}
		}
	} else {
		for _, id := range g.order {
			if g.action[id] {
				out.Update.AddMembers = append(out.Update.AddMembers, id)
			} else {
				out.Update.RemoveMembers = append(out.Update.RemoveMembers, id)
			}
		}
	}
	out.Renamed = out.Update.DisplayName != nil
	out.Changed = out.Renamed || out.Update.ExternalID != nil || out.Update.ReplaceMembers ||
		len(out.Update.AddMembers) > 0 || len(out.Update.RemoveMembers) > 0
	return out
}

func (g *groupPatch) apply(op scim.PatchOperation) *Error {
	kind := strings.ToLower(op.Op)
	switch kind {
	case scim.PatchOperationAdd, scim.PatchOperationReplace, scim.PatchOperationRemove:
	default:
		return newError(ScimTypeInvalidSyntax, "unknown operation %q; use add, remove or replace", op.Op)
	}
	if op.Path == nil {
		if kind == scim.PatchOperationRemove {
			return newError(ScimTypeNoTarget, "a remove operation needs a path")
		}
		m, ok := op.Value.(map[string]any)
		if !ok {
			return newError(ScimTypeInvalidValue, "an %s operation without path needs an object value, not %s", kind, describe(op.Value))
		}
		return g.applyPathless(kind, m)
	}
	p := op.Path
	if p.AttributePath.URIPrefix != nil && !strings.EqualFold(p.AttributePath.URI(), groupURN) {
		return newError(ScimTypeInvalidPath, "%q is not an attribute of a group", p.String())
	}
	if p.AttributePath.SubAttribute != nil || p.SubAttribute != nil {
		if strings.EqualFold(p.AttributePath.AttributeName, "members") {
			return newError(ScimTypeMutability, "%q: member entries cannot be edited; add or remove members instead", p.String())
		}
		return newError(ScimTypeInvalidPath, "%q is not an attribute of a group", p.String())
	}
	if p.ValueExpression != nil && !strings.EqualFold(p.AttributePath.AttributeName, "members") {
		return newError(ScimTypeInvalidPath, "%q: a value filter needs a multi-valued attribute", p.String())
	}
	return g.applyAttr(kind, p.AttributePath.AttributeName, p.ValueExpression, op.Value)
}

// groupURN is the core Group schema.
const groupURN = "urn:ietf:params:scim:schemas:core:2.0:Group"

// applyPathless applies the keys of a pathless add or replace in sorted
// order: deterministic, and "displayName" before "members".
func (g *groupPatch) applyPathless(kind string, m map[string]any) *Error {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		switch {
		case strings.EqualFold(k, "id"):
			continue // Okta sends the group's id along with a rename
		case strings.EqualFold(k, groupURN):
			inner, ok := m[k].(map[string]any)
			if !ok {
				return newError(ScimTypeInvalidValue, "%q must be an object holding group attributes, not %s", k, describe(m[k]))
			}
			if err := g.applyPathless(kind, inner); err != nil {
				return err
			}
			continue
		case len(k) > 4 && strings.EqualFold(k[:4], "urn:"):
			return newError(ScimTypeInvalidPath, "%q is not an attribute of a group", k)
		}
		if err := g.applyAttr(kind, k, nil, m[k]); err != nil {
			return err
		}
	}
	return nil
}

func (g *groupPatch) applyAttr(kind, name string, expr filter.Expression, value any) *Error {
	switch strings.ToLower(name) {
	case "displayname":
		if kind == scim.PatchOperationRemove {
			return newError(ScimTypeMutability, "displayName is required and cannot be removed")
		}
		s, ok := value.(string)
		if !ok || strings.TrimSpace(s) == "" {
			return newError(ScimTypeInvalidValue, "displayName must be a non-empty string")
		}
		g.upd.DisplayName = &s
	case "externalid":
		var s string
		if kind != scim.PatchOperationRemove && value != nil {
			var ok bool
			if s, ok = value.(string); !ok {
				return newError(ScimTypeInvalidValue, "externalId must be a string, not %s", describe(value))
			}
		}
		g.upd.ExternalID = &s
	case "members":
		return g.applyMembers(kind, expr, value)
	case "id", "meta", "schemas":
		return newError(ScimTypeMutability, "%q is read-only and cannot be changed", name)
	default:
		return newError(ScimTypeInvalidPath, "%q is not an attribute of a group", name)
	}
	return nil
}

func (g *groupPatch) applyMembers(kind string, expr filter.Expression, value any) *Error {
	if expr != nil {
		if kind != scim.PatchOperationRemove {
			return newError(ScimTypeMutability, "member entries cannot be edited; add or remove members instead")
		}
		ids, err := memberFilterIDs(expr)
		if err != nil {
			return err
		}
		for _, id := range ids {
			g.edit(id, false)
		}
		return nil
	}
	if kind == scim.PatchOperationRemove && value == nil {
		g.resetMembers(0) // remove every member
		return nil
	}
	ids, err := memberIDs(value)
	if err != nil {
		return err
	}
	switch kind {
	case scim.PatchOperationReplace:
		g.resetMembers(len(ids))
		fallthrough
	case scim.PatchOperationAdd:
		for _, id := range ids {
			g.edit(id, true)
		}
	default: // remove with a value list: only those (Entra ID's legacy form)
		for _, id := range ids {
			g.edit(id, false)
		}
	}
	return nil
}

// resetMembers makes the membership empty, forgetting earlier deltas:
// later edits change that empty set. sizeHint is the expected set size.
func (g *groupPatch) resetMembers(sizeHint int) {
	g.replace = true
	g.set = make(map[string]int, sizeHint)
	g.added = g.added[:0]
	clear(g.action)
	g.order = nil
}

// edit records that id is added (add) or removed (!add), after everything
// recorded so far.
func (g *groupPatch) edit(id string, add bool) {
	if g.replace {
		if _, in := g.set[id]; add && !in {
			g.set[id] = len(g.added)
			g.added = append(g.added, id)
		} else if !add {
			delete(g.set, id)
		}
		return
	}
	if _, seen := g.action[id]; !seen {
		g.order = append(g.order, id)
	}
	g.action[id] = add
}

// memberIDs returns the ids of a members value: a list of member objects,
// or one object.
func memberIDs(value any) ([]string, *Error) {
	list, ok := value.([]any)
	if !ok {
		list = []any{value}
	}
	ids := make([]string, 0, len(list))
	for i, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, newError(ScimTypeInvalidValue, "member %d must be an object with a \"value\" holding a user id, not %s", i+1, describe(e))
		}
		var v any
		for k, kv := range m {
			switch {
			case strings.EqualFold(k, "value"):
				v = kv
			case strings.EqualFold(k, "type"):
				if ts, _ := kv.(string); strings.EqualFold(ts, "Group") {
					return nil, newError(ScimTypeInvalidValue, "nested groups are not supported: member %d is a group; add its users instead", i+1)
				}
			case strings.EqualFold(k, "$ref"):
				if rs, _ := kv.(string); strings.Contains(strings.ToLower(rs), "/groups/") {
					return nil, newError(ScimTypeInvalidValue, "nested groups are not supported: member %d refers to a group; add its users instead", i+1)
				}
			}
		}
		id, ok := v.(string)
		if !ok || id == "" {
			return nil, newError(ScimTypeInvalidValue, "member %d has no user id: its \"value\" must be a non-empty string", i+1)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// memberFilterIDs returns the ids named by a members value filter, which
// must be value eq "id", or several of those joined by or.
func memberFilterIDs(expr filter.Expression) ([]string, *Error) {
	switch e := expr.(type) {
	case *filter.AttributeExpression:
		if e.AttributePath.URIPrefix != nil || e.AttributePath.SubAttribute != nil || !strings.EqualFold(e.AttributePath.AttributeName, "value") {
			return nil, newError(ScimTypeInvalidFilter, "members can be selected by value only, as in members[value eq \"<user id>\"], not by %q", e.AttributePath.String())
		}
		if e.Operator != filter.EQ {
			return nil, newError(ScimTypeInvalidFilter, "members can be selected with eq only, as in members[value eq \"<user id>\"], not %q", string(e.Operator))
		}
		id, ok := e.CompareValue.(string)
		if !ok || id == "" {
			return nil, newError(ScimTypeInvalidFilter, "members[value eq ...] needs a non-empty user id string")
		}
		return []string{id}, nil
	case *filter.LogicalExpression:
		if e.Operator != filter.OR {
			return nil, newError(ScimTypeInvalidFilter, "members filters can join value eq comparisons with or only")
		}
		l, err := memberFilterIDs(e.Left)
		if err != nil {
			return nil, err
		}
		r, err := memberFilterIDs(e.Right)
		if err != nil {
			return nil, err
		}
		return append(l, r...), nil
	}
	return nil, newError(ScimTypeInvalidFilter, "members filters support value eq comparisons joined by or only")
}
