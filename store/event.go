package store

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"time"
)

// EventType names what happened in an Event.
type EventType string

// The event types. Each write appends the events its change calls for, in
// this order when it calls for several (UserEvents, GroupEvents,
// AccountEvents and TokenEvent decide, so that every adapter agrees).
const (
	UserCreated     EventType = "user.created"     // a user was stored (by the IdP, or imported by the host)
	UserLinked      EventType = "user.linked"      // an existing user was linked to the IdP (Linked false -> true)
	UserInvited     EventType = "user.invited"     // the invite is due: an invited user got its InvitedAt
	UserUpdated     EventType = "user.updated"     // profile fields changed (Data.Changed lists them)
	UserSuspended   EventType = "user.suspended"   // the state became suspended
	UserReactivated EventType = "user.reactivated" // the state left suspended
	UserReminded    EventType = "user.reminded"    // the invite reminder is due (RemindedAt set)
	UserAccepted    EventType = "user.accepted"    // the invite was accepted (AcceptedAt set on an invitee)
	UserDeleted     EventType = "user.deleted"     // the user was removed, with its memberships

	GroupCreated        EventType = "group.created"         // a group was stored (Data.Added: its initial members)
	GroupLinked         EventType = "group.linked"          // the IdP adopted the group (Linked false -> true)
	GroupRenamed        EventType = "group.renamed"         // displayName changed
	GroupMembersChanged EventType = "group.members_changed" // members really joined or left (Data.Added, Data.Removed)
	GroupUpdated        EventType = "group.updated"         // externalId, managed or privileged changed
	GroupDeleted        EventType = "group.deleted"         // the group was removed, with its memberships

	AccountCreated EventType = "account.created" // the account was stored
	AccountUpdated EventType = "account.updated" // provisioning switch, allowed domains or IdP changed
	TokenMinted    EventType = "token.minted"    // a token was added (Data.Token, without its hash)
	TokenRevoked   EventType = "token.revoked"   // a token was revoked
)

// ResourceType names the kind of record an Event is about.
type ResourceType string

// The resource types of events.
const (
	ResourceUser    ResourceType = "User"
	ResourceGroup   ResourceType = "Group"
	ResourceAccount ResourceType = "Account"
	ResourceToken   ResourceType = "Token"
)

// ActorKind tells who made a change.
type ActorKind string

// The actor kinds.
const (
	// ActorIdP: the identity provider, through the SCIM API. Actor.ID is
	// the id of the token it authenticated with.
	ActorIdP ActorKind = "idp"
	// ActorHost: the host's own code (its UI, an import, a background
	// job), and any write made without an actor in its context.
	ActorHost ActorKind = "host"
	// ActorAdmin: an owner or administrator of the account, through a
	// setup call of package linking. Actor.ID is the member's id.
	ActorAdmin ActorKind = "admin"
)

// Actor is who made a change. The zero Actor reads as the host.
type Actor struct {
	Kind ActorKind `json:"kind"`
	ID   string    `json:"id,omitempty"`
}

type actorKey struct{}

// WithActor returns a context that tells the store who is writing: every
// event a write made with it appends carries a. The SCIM layer sets the IdP
// (with the token id), package linking the host or the admin member. It is
// request metadata, like a request id, not a dependency.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor WithActor put in ctx; without one (or with a
// kind left empty) it is the host.
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	if a.Kind == "" {
		a.Kind = ActorHost
	}
	return a
}

// Event is one entry of an account's change feed: a change a store write
// made, appended in the same atomic step as the change itself.
type Event struct {
	// ID is unique across every account and store (random); consumers use
	// it as the idempotency key of a delivery.
	ID string
	// AccountID is the account whose feed holds the event.
	AccountID string
	// Seq numbers the account's events 1, 2, 3, ... in commit order,
	// without gap or repetition (pruning removes old ones; the numbers
	// of the others never change).
	Seq int64
	// Type says what happened.
	Type EventType
	// Time is the store clock's time of the write.
	Time time.Time
	// Resource and ResourceID name the record changed.
	Resource   ResourceType
	ResourceID string
	// Actor is who made the change (from the write's context, ActorFrom).
	Actor Actor
	// Data is what a consumer needs to act without reading the store.
	Data EventData
}

// EventData is the payload of an Event: the record after the change (for a
// deletion, before it), and for updates the record before it and the
// fields that changed.
type EventData struct {
	User    *User    `json:"user,omitempty"`
	Group   *Group   `json:"group,omitempty"`
	Account *Account `json:"account,omitempty"`
	// Token is the token minted or revoked, without its Hash.
	Token *Token `json:"token,omitempty"`

	// PreviousUser, PreviousGroup and PreviousAccount are the record
	// before an update (nil for creations and deletions).
	PreviousUser    *User    `json:"previousUser,omitempty"`
	PreviousGroup   *Group   `json:"previousGroup,omitempty"`
	PreviousAccount *Account `json:"previousAccount,omitempty"`
	// Changed names the fields an update changed, with the Attr* names
	// where there is one ("userName", "emails", "name.givenName") and
	// lower-camel field names otherwise ("state", "invitedAt", "managed",
	// "extra", "allowedDomains", "provisioningEnabled").
	Changed []string `json:"changed,omitempty"`

	// Added and Removed are, for group.members_changed, the user ids that
	// really joined and left the group in this write; for group.created,
	// Added holds the initial members.
	Added   []string `json:"added,omitempty"`
	Removed []string `json:"removed,omitempty"`
}

// Clone returns a deep copy of e.
func (e Event) Clone() Event {
	d := &e.Data
	if d.User != nil {
		u := d.User.Clone()
		d.User = &u
	}
	if d.PreviousUser != nil {
		u := d.PreviousUser.Clone()
		d.PreviousUser = &u
	}
	if d.Group != nil {
		g := *d.Group
		d.Group = &g
	}
	if d.PreviousGroup != nil {
		g := *d.PreviousGroup
		d.PreviousGroup = &g
	}
	if d.Account != nil {
		a := d.Account.Clone()
		d.Account = &a
	}
	if d.PreviousAccount != nil {
		a := d.PreviousAccount.Clone()
		d.PreviousAccount = &a
	}
	if d.Token != nil {
		t := *d.Token
		d.Token = &t
	}
	d.Changed = slices.Clone(d.Changed)
	d.Added = slices.Clone(d.Added)
	d.Removed = slices.Clone(d.Removed)
	return e
}

// eventJSON is the wire form of an Event (also the webhook body).
type eventJSON struct {
	ID         string       `json:"id"`
	Type       EventType    `json:"type"`
	AccountID  string       `json:"account"`
	Seq        int64        `json:"seq"`
	Time       time.Time    `json:"time"`
	Resource   ResourceType `json:"resourceType"`
	ResourceID string       `json:"resourceId"`
	Actor      Actor        `json:"actor"`
	Data       EventData    `json:"data"`
}

// MarshalJSON encodes e as {"id", "type", "account", "seq", "time",
// "resourceType", "resourceId", "actor", "data"}; data holds the records
// with their Go field names. Adapters that persist events may store this
// form and read it back with UnmarshalJSON.
func (e Event) MarshalJSON() ([]byte, error) {
	return json.Marshal(eventJSON{e.ID, e.Type, e.AccountID, e.Seq, e.Time, e.Resource, e.ResourceID, e.Actor, e.Data})
}

// UnmarshalJSON is the inverse of MarshalJSON.
func (e *Event) UnmarshalJSON(b []byte) error {
	var j eventJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*e = Event{j.ID, j.AccountID, j.Seq, j.Type, j.Time, j.Resource, j.ResourceID, j.Actor, j.Data}
	return nil
}

// StampEvents fills in what the deriving functions leave to the adapter:
// the account, the sequence numbers (after last, the account's last one so
// far), the time, the actor (from ctx) and a new id for each event from
// newID. Adapters call it inside the write, holding what serialises the
// account's feed, and return last+len(evs) as the new last sequence.
func StampEvents(ctx context.Context, evs []Event, accountID string, last int64, now time.Time, newID func() string) int64 {
	actor := ActorFrom(ctx)
	for i := range evs {
		last++
		evs[i].ID = newID()
		evs[i].AccountID = accountID
		evs[i].Seq = last
		evs[i].Time = now
		evs[i].Actor = actor
	}
	return last
}

// lifecycleFields are the fields of a User, besides those of the attribute
// table, whose change has an event of its own, by the name
// Event.Data.Changed uses.
var lifecycleFields = []struct {
	name string
	same func(a, b *User) bool
}{
	{AttrState, func(a, b *User) bool { return a.State == b.State }},
	{"linked", func(a, b *User) bool { return a.Linked == b.Linked }},
	{"invitedAt", func(a, b *User) bool { return a.InvitedAt.Equal(b.InvitedAt) }},
	{"remindedAt", func(a, b *User) bool { return a.RemindedAt.Equal(b.RemindedAt) }},
	{"acceptedAt", func(a, b *User) bool { return a.AcceptedAt.Equal(b.AcceptedAt) }},
}

// profileChanges returns the names of the profile fields that differ: the
// string attributes of the attribute table (UserAttributes, in its order;
// not id, nor state), then emails and extra (nil and empty alike).
func profileChanges(before, after *User) []string {
	var out []string
	for a := range UserAttributes() {
		if a.String == nil || a.Name == AttrID || a.Name == AttrState {
			continue
		}
		if *a.String(before) != *a.String(after) {
			out = append(out, a.Name)
		}
	}
	if !slices.Equal(before.Emails, after.Emails) {
		out = append(out, AttrEmails)
	}
	if (len(before.Extra) != 0 || len(after.Extra) != 0) && !reflect.DeepEqual(before.Extra, after.Extra) {
		out = append(out, "extra")
	}
	return out
}

// ChangedUserFields returns the names (as in EventData.Changed) of the
// fields that differ between before and after: the profile fields in the
// order of the attribute table (UserAttributes), then "emails", "extra",
// and the lifecycle fields "state", "linked", "invitedAt", "remindedAt",
// "acceptedAt". Store-set fields (ID, Created, Modified, Version) are not
// compared.
func ChangedUserFields(before, after *User) []string {
	out := profileChanges(before, after)
	for _, f := range lifecycleFields {
		if !f.same(before, after) {
			out = append(out, f.name)
		}
	}
	return out
}

// UserEvents returns the events a write of one user appends: before is nil
// for a creation, after nil for a deletion. The adapter stamps them
// (StampEvents). An update that changes nothing but store-set fields
// appends none. In order, an update appends: user.linked (Linked became
// true), user.suspended or user.reactivated (the state entered or left
// suspended), user.accepted (an invitee became active, or a
// suspended user's AcceptedAt was set), user.invited (an invitee's InvitedAt was set), user.reminded
// (RemindedAt was set), user.updated (any other field changed, or only
// lifecycle fields changed without one of the above).
func UserEvents(before, after *User) []Event {
	switch {
	case before == nil && after == nil:
		return nil
	case before == nil:
		u := after.Clone()
		evs := []Event{userEvent(UserCreated, &u, nil, nil)}
		if u.State == StateInvited && !u.InvitedAt.IsZero() {
			evs = append(evs, userEvent(UserInvited, &u, nil, nil))
		}
		return evs
	case after == nil:
		u := before.Clone()
		return []Event{userEvent(UserDeleted, &u, nil, nil)}
	}
	changed := ChangedUserFields(before, after)
	if len(changed) == 0 {
		return nil
	}
	var types []EventType
	if !before.Linked && after.Linked {
		types = append(types, UserLinked)
	}
	switch {
	case before.State == after.State:
	case after.State == StateSuspended:
		types = append(types, UserSuspended)
	case before.State == StateSuspended:
		types = append(types, UserReactivated)
	}
	// Linking an existing member records its AcceptedAt too (it has
	// joined long ago): that is no acceptance of an invite.
	accepted := before.State == StateInvited && after.State == StateActive ||
		before.AcceptedAt.IsZero() && !after.AcceptedAt.IsZero() && before.State == StateSuspended && before.Linked == after.Linked
	if accepted {
		types = append(types, UserAccepted)
	}
	if after.State == StateInvited && before.InvitedAt.IsZero() && !after.InvitedAt.IsZero() {
		types = append(types, UserInvited)
	}
	if before.RemindedAt.IsZero() && !after.RemindedAt.IsZero() {
		types = append(types, UserReminded)
	}
	if len(profileChanges(before, after)) > 0 || len(types) == 0 {
		types = append(types, UserUpdated)
	}
	a, b := after.Clone(), before.Clone()
	evs := make([]Event, len(types))
	for i, t := range types {
		evs[i] = userEvent(t, &a, &b, changed)
	}
	return evs
}

func userEvent(t EventType, u, prev *User, changed []string) Event {
	e := Event{Type: t, Resource: ResourceUser, ResourceID: u.ID,
		Data: EventData{User: u, PreviousUser: prev, Changed: changed}}
	return e.Clone()
}

// GroupEvents returns the events a write of one group appends: before is
// nil for a creation (added then lists the initial members), after nil for
// a deletion; otherwise added and removed are the members that really
// joined and left in the write. In order, an update appends: group.linked,
// group.renamed, group.updated (externalId, managed or privileged changed),
// group.members_changed. An update that changes nothing appends none.
func GroupEvents(before, after *Group, added, removed []string) []Event {
	switch {
	case before == nil && after == nil:
		return nil
	case before == nil:
		return []Event{groupEvent(GroupCreated, after, nil, nil, added, nil)}
	case after == nil:
		return []Event{groupEvent(GroupDeleted, before, nil, nil, nil, nil)}
	}
	var changed []string
	if before.DisplayName != after.DisplayName {
		changed = append(changed, AttrDisplayName)
	}
	if before.ExternalID != after.ExternalID {
		changed = append(changed, AttrExternalID)
	}
	if before.Managed != after.Managed {
		changed = append(changed, AttrManaged)
	}
	if before.Privileged != after.Privileged {
		changed = append(changed, "privileged")
	}
	if before.Linked != after.Linked {
		changed = append(changed, "linked")
	}
	if len(added)+len(removed) > 0 {
		changed = append(changed, AttrMembers)
	}
	var types []EventType
	if !before.Linked && after.Linked {
		types = append(types, GroupLinked)
	}
	if before.DisplayName != after.DisplayName {
		types = append(types, GroupRenamed)
	}
	if before.ExternalID != after.ExternalID || before.Managed != after.Managed || before.Privileged != after.Privileged ||
		(before.Linked && !after.Linked) {
		types = append(types, GroupUpdated)
	}
	if len(added)+len(removed) > 0 {
		types = append(types, GroupMembersChanged)
	}
	evs := make([]Event, len(types))
	for i, t := range types {
		evs[i] = groupEvent(t, after, before, changed, added, removed)
	}
	return evs
}

func groupEvent(t EventType, g, prev *Group, changed, added, removed []string) Event {
	e := Event{Type: t, Resource: ResourceGroup, ResourceID: g.ID,
		Data: EventData{Group: g, PreviousGroup: prev, Changed: changed, Added: added, Removed: removed}}
	return e.Clone()
}

// AccountEvents returns the events a write of an account's settings
// appends: account.created (before nil) or account.updated when the
// provisioning switch, the allowed domains or the IdP changed.
func AccountEvents(before, after *Account) []Event {
	if after == nil {
		return nil
	}
	e := Event{Resource: ResourceAccount, ResourceID: after.ID, Data: EventData{Account: after}}
	if before == nil {
		e.Type = AccountCreated
		return []Event{e.Clone()}
	}
	if before.ProvisioningEnabled != after.ProvisioningEnabled {
		e.Data.Changed = append(e.Data.Changed, "provisioningEnabled")
	}
	if !slices.Equal(before.AllowedDomains, after.AllowedDomains) {
		e.Data.Changed = append(e.Data.Changed, "allowedDomains")
	}
	if before.IdP != after.IdP {
		e.Data.Changed = append(e.Data.Changed, "idp")
	}
	if len(e.Data.Changed) == 0 {
		return nil
	}
	e.Type = AccountUpdated
	e.Data.PreviousAccount = before
	return []Event{e.Clone()}
}

// TokenEvent returns the event of minting (typ TokenMinted) or revoking
// (TokenRevoked) t; the event carries t without its Hash.
func TokenEvent(typ EventType, t Token) Event {
	t.Hash = [32]byte{}
	return Event{Type: typ, Resource: ResourceToken, ResourceID: t.ID, Data: EventData{Token: &t}}
}

// String describes e on one line, for logs.
func (e Event) String() string {
	return fmt.Sprintf("%s #%d %s %s %s/%s by %s", e.AccountID, e.Seq, e.ID, e.Type, e.Resource, e.ResourceID, e.Actor.Kind)
}
