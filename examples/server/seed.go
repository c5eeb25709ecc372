package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/scimkit/scimkit/store"
)

// seed is the -seed file: the host's directory before provisioning starts.
//
//	{"allowedDomains":["example.com"],
//	 "users":[{"email":"a@example.com","givenName":"A","familyName":"B","displayName":"A B","state":"active"}],
//	 "groups":[{"displayName":"Engineering","managed":true,"members":["a@example.com"]}]}
//
// Seeded users are existing host users, not linked to the IdP; seeded
// groups are host groups, visible to the IdP only when managed.
type seed struct {
	AllowedDomains []string    `json:"allowedDomains"`
	Users          []seedUser  `json:"users"`
	Groups         []seedGroup `json:"groups"`
}

type seedUser struct {
	Email       string `json:"email"`
	GivenName   string `json:"givenName"`
	FamilyName  string `json:"familyName"`
	DisplayName string `json:"displayName"`
	State       string `json:"state"`
}

type seedGroup struct {
	DisplayName string   `json:"displayName"`
	Managed     bool     `json:"managed"`
	Privileged  bool     `json:"privileged"`
	Members     []string `json:"members"` // emails of seeded users
}

// seedFile loads the file into the account. Loading is idempotent: users
// and groups that already exist (same email, same displayName) are left
// as they are, so a persistent store can be restarted with the same seed.
func seedFile(ctx context.Context, st store.Store, account, path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	var s seed
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return fmt.Errorf("seed %s: %w", path, err)
	}
	a, err := st.GetAccount(ctx, account)
	if err != nil {
		return err
	}
	if s.AllowedDomains != nil {
		a.AllowedDomains = nil
		for _, d := range s.AllowedDomains {
			a.AllowedDomains = append(a.AllowedDomains, strings.ToLower(strings.TrimSpace(d)))
		}
		if _, err := st.UpdateAccount(ctx, a); err != nil {
			return fmt.Errorf("seed: allowed domains: %w", err)
		}
	}
	ids := map[string]string{} // folded email -> user id
	for i, su := range s.Users {
		state := store.UserState(su.State)
		if su.State == "" {
			state = store.StateActive
		}
		if !state.Valid() || su.Email == "" {
			return fmt.Errorf("seed: users[%d]: need an email and a state of invited, active or suspended", i)
		}
		u := store.User{
			UserName:    su.Email,
			Name:        store.Name{GivenName: su.GivenName, FamilyName: su.FamilyName},
			DisplayName: su.DisplayName,
			Emails:      []store.Email{{Value: su.Email, Type: "work", Primary: true}},
			State:       state,
		}
		if state == store.StateInvited {
			// The host sent this invite before provisioning started; the
			// reminder pass counts from now.
			u.InvitedAt = time.Now()
		}
		created, err := st.CreateUser(ctx, account, u)
		if errors.Is(err, store.ErrConflict) {
			if created, err = st.UserByUserName(ctx, account, su.Email); err != nil {
				return fmt.Errorf("seed: users[%d]: %w", i, err)
			}
		} else if err != nil {
			return fmt.Errorf("seed: users[%d]: %w", i, err)
		}
		ids[store.Fold(su.Email)] = created.ID
	}
	for i, sg := range s.Groups {
		if sg.Managed && sg.Privileged {
			return fmt.Errorf("seed: groups[%d]: %q is privileged and cannot be managed by provisioning", i, sg.DisplayName)
		}
		members := make([]string, 0, len(sg.Members))
		for _, email := range sg.Members {
			id, ok := ids[store.Fold(email)]
			if !ok {
				return fmt.Errorf("seed: groups[%d]: member %q is not a seeded user", i, email)
			}
			members = append(members, id)
		}
		g := store.Group{DisplayName: sg.DisplayName, Managed: sg.Managed, Privileged: sg.Privileged}
		if _, err := st.CreateGroup(ctx, account, g, members); err != nil && !errors.Is(err, store.ErrConflict) {
			return fmt.Errorf("seed: groups[%d]: %w", i, err)
		}
	}
	return nil
}
