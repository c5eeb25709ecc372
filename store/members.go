package store

import (
	"cmp"
	"context"
	"errors"
)

// Member is a group member as a SCIM client shows it: the user's id and
// its display name.
type Member struct {
	ID string
	// Display is the user's DisplayName, else its UserName.
	Display string
}

// MemberDisplay is the name a client shows for u as a group member: its
// DisplayName, else its UserName.
func MemberDisplay(u User) string { return cmp.Or(u.DisplayName, u.UserName) }

// NamedMembers is optional: a store that implements it answers a group's
// members with their display names in one call, instead of one GetUser
// per member. Mappings that return members.display (the generic
// preset) use it; NamedMembersOf falls back to Members and GetUser.
type NamedMembers interface {
	// NamedMembers is Members with each member's MemberDisplay, read in
	// one consistent view: the members in the order they were added
	// (empty, not nil, for an empty group); ErrNotFound if there is no
	// such group.
	NamedMembers(ctx context.Context, accountID, groupID string) ([]Member, error)
}

// NamedMembersOf returns the group's members with their display names:
// through s's NamedMembers when it has it, else Members then GetUser for
// each member (a member deleted in between is left out).
func NamedMembersOf(ctx context.Context, s Store, accountID, groupID string) ([]Member, error) {
	if n, ok := s.(NamedMembers); ok {
		return n.NamedMembers(ctx, accountID, groupID)
	}
	ids, err := s.Members(ctx, accountID, groupID)
	if err != nil {
		return nil, err
	}
	out := make([]Member, 0, len(ids))
	for _, id := range ids {
		u, err := s.GetUser(ctx, accountID, id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, Member{ID: id, Display: MemberDisplay(u)})
	}
	return out, nil
}
