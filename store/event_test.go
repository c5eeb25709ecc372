package store_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/scimkit/scimkit/store"
)

func typesOf(evs []store.Event) []store.EventType {
	var out []store.EventType
	for _, e := range evs {
		out = append(out, e.Type)
	}
	return out
}

func TestUserEvents(t *testing.T) {
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	host := store.User{ID: "u1", UserName: "ada@example.com", State: store.StateActive}
	invitee := store.User{ID: "u2", UserName: "bob@example.com", State: store.StateInvited, Linked: true, InvitedAt: at}
	with := func(u store.User, f func(*store.User)) store.User { u = u.Clone(); f(&u); return u }
	for _, tt := range []struct {
		name          string
		before, after *store.User
		want          []store.EventType
		changed       []string
	}{
		{"create", nil, &host, []store.EventType{store.UserCreated}, nil},
		{"create an invitee", nil, &invitee, []store.EventType{store.UserCreated, store.UserInvited}, nil},
		{"delete", &host, nil, []store.EventType{store.UserDeleted}, nil},
		{"no change", &host, ptr(with(host, func(u *store.User) { u.Version = 7 })), nil, nil},
		{"profile", &host, ptr(with(host, func(u *store.User) { u.Title = "Countess" })),
			[]store.EventType{store.UserUpdated}, []string{store.AttrTitle}},
		{"link with profile", &host, ptr(with(host, func(u *store.User) {
			u.Linked, u.ExternalID, u.AcceptedAt = true, "00u1", at
		})), []store.EventType{store.UserLinked, store.UserUpdated}, []string{store.AttrExternalID, "linked", "acceptedAt"}},
		{"link a suspended member", ptr(with(host, func(u *store.User) { u.State = store.StateSuspended })),
			ptr(with(host, func(u *store.User) { u.State, u.Linked, u.AcceptedAt = store.StateSuspended, true, at })),
			[]store.EventType{store.UserLinked}, []string{"linked", "acceptedAt"}},
		{"suspend", &host, ptr(with(host, func(u *store.User) { u.State = store.StateSuspended })),
			[]store.EventType{store.UserSuspended}, []string{store.AttrState}},
		{"reactivate to invited", ptr(with(invitee, func(u *store.User) { u.State = store.StateSuspended })), &invitee,
			[]store.EventType{store.UserReactivated}, []string{store.AttrState}},
		{"accept", &invitee, ptr(with(invitee, func(u *store.User) { u.State, u.AcceptedAt = store.StateActive, at })),
			[]store.EventType{store.UserAccepted}, []string{store.AttrState, "acceptedAt"}},
		{"pending invite sent", ptr(with(invitee, func(u *store.User) { u.InvitedAt = time.Time{} })), &invitee,
			[]store.EventType{store.UserInvited}, []string{"invitedAt"}},
		{"invite released", &invitee, ptr(with(invitee, func(u *store.User) { u.InvitedAt = time.Time{} })),
			[]store.EventType{store.UserUpdated}, []string{"invitedAt"}},
		{"reminded", &invitee, ptr(with(invitee, func(u *store.User) { u.RemindedAt = at })),
			[]store.EventType{store.UserReminded}, []string{"remindedAt"}},
		{"emails", &host, ptr(with(host, func(u *store.User) { u.Emails = []store.Email{{Value: "a@example.com"}} })),
			[]store.EventType{store.UserUpdated}, []string{store.AttrEmails}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			evs := store.UserEvents(tt.before, tt.after)
			if got := typesOf(evs); !slices.Equal(got, tt.want) {
				t.Fatalf("types %v, want %v", got, tt.want)
			}
			for _, e := range evs {
				if !slices.Equal(e.Data.Changed, tt.changed) {
					t.Errorf("%s: Changed %v, want %v", e.Type, e.Data.Changed, tt.changed)
				}
				if e.Resource != store.ResourceUser || e.ResourceID == "" || e.Data.User == nil {
					t.Errorf("%s: resource %s/%s, user %v", e.Type, e.Resource, e.ResourceID, e.Data.User)
				}
			}
		})
	}
}

func TestGroupEvents(t *testing.T) {
	g := store.Group{ID: "g1", DisplayName: "Eng"}
	renamed := g
	renamed.DisplayName, renamed.Linked, renamed.Managed = "Engineering", true, true
	evs := store.GroupEvents(&g, &renamed, []string{"u1"}, nil)
	want := []store.EventType{store.GroupLinked, store.GroupRenamed, store.GroupUpdated, store.GroupMembersChanged}
	if got := typesOf(evs); !slices.Equal(got, want) {
		t.Fatalf("types %v, want %v", got, want)
	}
	if evs := store.GroupEvents(&g, &g, nil, nil); len(evs) != 0 {
		t.Fatalf("no change, no event: %v", typesOf(evs))
	}
}

func TestEventJSON(t *testing.T) {
	u := store.User{ID: "u1", UserName: "ada@example.com", State: store.StateActive,
		Emails: []store.Email{{Value: "ada@example.com", Primary: true}}, Extra: map[string]any{"n": 1.5}}
	e := store.UserEvents(nil, &u)[0]
	e.ID, e.AccountID, e.Seq, e.Time = "e1", "acme", 7, time.Date(2026, 3, 1, 2, 3, 4, 5, time.UTC)
	e.Actor = store.Actor{Kind: store.ActorIdP, ID: "t1"}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]any
	if err := json.Unmarshal(b, &top); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "type", "account", "seq", "time", "data", "actor", "resourceType", "resourceId"} {
		if _, ok := top[k]; !ok {
			t.Errorf("the JSON form has no %q: %s", k, b)
		}
	}
	var back store.Event
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.ID != e.ID || back.Seq != 7 || !back.Time.Equal(e.Time) || back.Actor != e.Actor || back.Type != store.UserCreated ||
		back.Data.User == nil || back.Data.User.Emails[0] != u.Emails[0] || back.Data.User.Extra["n"] != 1.5 {
		t.Fatalf("round trip: %s gave %+v", b, back)
	}
}

func ptr[T any](v T) *T { return &v }
