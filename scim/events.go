package scim

import (
	"context"
	"log/slog"

	"github.com/scimkit/scimkit/store"
)

// EventType names a lifecycle event.
type EventType string

// The lifecycle events a host can observe with WithHook.
const (
	UserCreated     EventType = "user.created"     // a new user was provisioned (and invited)
	UserLinked      EventType = "user.linked"      // an existing host user was linked by email
	UserUpdated     EventType = "user.updated"     // profile attributes changed
	UserSuspended   EventType = "user.suspended"   // deactivated by the IdP
	UserReactivated EventType = "user.reactivated" // reactivated by the IdP
	UserDeleted     EventType = "user.deleted"     // hard-deleted by the IdP

	GroupCreated        EventType = "group.created"         // a new group was pushed
	GroupLinked         EventType = "group.linked"          // an existing managed group was adopted
	GroupRenamed        EventType = "group.renamed"         // displayName changed
	GroupMembersChanged EventType = "group.members_changed" // members added, removed or replaced
	GroupDeleted        EventType = "group.deleted"         // deleted by the IdP
)

// Event describes one change made through the SCIM API.
type Event struct {
	Type      EventType
	AccountID string
	// User is the user after the change (for user.deleted, before it).
	// Zero for group events.
	User store.User
	// Group is the group after the change (for group.deleted, before it).
	// Zero for user events.
	Group store.Group
	// Added and Removed are, for group.members_changed, the ids that
	// became and stopped being members (ids the request named that were
	// already, or never, members are left out; a request that changes
	// nothing emits no event). Replaced tells that the request set the
	// exact member set. For group.created and group.linked, Added is the
	// member list after the push.
	Added, Removed []string
	Replaced       bool
}

func (h *Handler) emit(ctx context.Context, e Event) {
	for _, hook := range h.hooks {
		h.callHook(ctx, hook, e)
	}
}

func (h *Handler) callHook(ctx context.Context, hook func(context.Context, Event), e Event) {
	defer func() {
		if p := recover(); p != nil {
			h.log.ErrorContext(ctx, "scim: event hook panicked", slog.String("event", string(e.Type)), slog.Any("panic", p))
		}
	}()
	hook(ctx, e)
}
