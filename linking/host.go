package linking

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/scimkit/scimkit/store"
)

// The host's own changes to its members go through the methods below
// rather than straight to the store, so that the change feed is complete
// (each write appends its events, with the host as actor, or whoever
// store.WithActor put in ctx, such as an admin member) and the account
// rules that concern the host hold: emails stay on allowed domains and
// unique, a suspended member keeps memberships and can come back. They
// work whatever the account's provisioning switch says: the switch stops
// the IdP, not the host.

// SuspendMember suspends the user in the host's own UI (the same
// suspension as the IdP's active:false: memberships and invite times are
// kept). Suspending a suspended user changes nothing and appends no event.
func (s *Service) SuspendMember(ctx context.Context, accountID, userID string) (store.User, error) {
	return s.hostUpdate(ctx, accountID, userID, "suspend", func(u store.User) (store.User, error) {
		suspend(&u)
		return u, nil
	})
}

// ReactivateMember undoes SuspendMember (or the IdP's suspension): a user
// who never joined goes back to invited, anyone else to active, as with
// the IdP's active:true.
func (s *Service) ReactivateMember(ctx context.Context, accountID, userID string) (store.User, error) {
	return s.hostUpdate(ctx, accountID, userID, "reactivate", func(u store.User) (store.User, error) {
		reactivate(&u)
		return u, nil
	})
}

// ChangeEmail sets the user's primary email (the one linking matches by)
// to email, as the host's UI would: the value is trimmed and must be an
// email whose domain the account allows (ErrInvalidEmail, ErrPublicDomain,
// ErrDomainNotAllowed) and that no other user of the account has
// (ErrEmailTaken). The other emails and the userName are kept.
func (s *Service) ChangeEmail(ctx context.Context, accountID, userID, email string) (store.User, error) {
	email = strings.TrimSpace(email)
	a, err := s.st.GetAccount(ctx, accountID)
	if err != nil {
		return store.User{}, fmt.Errorf("linking: change email: get account: %w", err)
	}
	return s.hostUpdate(ctx, accountID, userID, "change email of", func(u store.User) (store.User, error) {
		if store.Fold(u.PrimaryEmail()) == store.Fold(email) {
			return u, nil
		}
		if err := s.checkNewEmail(ctx, a, u.ID, email); err != nil {
			return u, err
		}
		setPrimaryEmail(&u, email)
		return u, nil
	})
}

// setPrimaryEmail replaces the value of u's primary email (its first, if
// none is marked), or gives u one work email.
func setPrimaryEmail(u *store.User, email string) {
	for i, e := range u.Emails {
		if e.Primary {
			u.Emails[i].Value = email
			return
		}
	}
	if len(u.Emails) > 0 {
		u.Emails[0].Value = email
		return
	}
	u.Emails = []store.Email{{Value: email, Type: "work", Primary: true}}
}

// DeleteMember removes the user and its memberships, as the host's own
// "remove member" does (the IdP never deletes: it suspends). A missing
// user is store.ErrNotFound, wrapped.
func (s *Service) DeleteMember(ctx context.Context, accountID, userID string) error {
	unlock, err := s.locks.lock(ctx, accountID+"\x00"+userID)
	if err != nil {
		return err
	}
	defer unlock()
	if err := s.st.DeleteUser(ctx, accountID, userID); err != nil {
		return fmt.Errorf("linking: delete member %s: %w", userID, err)
	}
	return nil
}

func (s *Service) hostUpdate(ctx context.Context, accountID, userID, what string, change func(store.User) (store.User, error)) (store.User, error) {
	unlock, err := s.locks.lock(ctx, accountID+"\x00"+userID)
	if err != nil {
		return store.User{}, err
	}
	defer unlock()
	u, err := store.UpdateUser(ctx, s.st, accountID, userID, func(u store.User) (store.User, error) {
		return change(u.Clone())
	})
	if err != nil {
		return store.User{}, wrap(err, "linking: %s member %s", what, userID)
	}
	return u, nil
}

// ImportOutcome tells what ImportUsers did with one user.
type ImportOutcome int

// The import outcomes.
const (
	ImportFailed    ImportOutcome = iota // Err says why; nothing was written for this user
	ImportCreated                        // a new user was stored
	ImportUpdated                        // an existing user was changed
	ImportUnchanged                      // an existing user already had every value given
)

// String returns "failed", "created", "updated" or "unchanged".
func (o ImportOutcome) String() string {
	switch o {
	case ImportCreated:
		return "created"
	case ImportUpdated:
		return "updated"
	case ImportUnchanged:
		return "unchanged"
	default:
		return "failed"
	}
}

// ImportResult is what ImportUsers did with the user at the same index.
type ImportResult struct {
	// ID is the user's id in the store (empty when Outcome is
	// ImportFailed): the host keeps it next to its own id for the user.
	ID      string
	Outcome ImportOutcome
	Err     error
}

// ImportUsers brings the host's existing members into the account (an
// idempotent bulk upsert), so that the IdP's lookups and email linking
// find them. Each user is matched, in this order, by
//
//  1. u.ID, the store id an earlier import returned (which the host keeps
//     next to its own primary key); a u.ID that matches nobody fails;
//  2. its email (the primary email, else an email-shaped userName,
//     case-insensitively, as linking matches); several users with the
//     email fail with ErrAmbiguousEmail;
//  3. its userName.
//
// A match is updated with every profile field u has a value for (the
// host's values win; empty fields keep the stored value) and, when u.State
// is set, suspended or reactivated to match; a user that already had every
// value is left unchanged (no write, no event). Anyone else is created, in
// u.State (active when empty), not linked and not invited: an existing
// member, whom the IdP links when it provisions the same email. Running
// the same import twice changes nothing the second time.
//
// Domain rules do not apply (these are the host's own members; CheckDomains
// reports those the IdP would be refused for). Each user is written in its
// own store write with its own events, the host as actor; one user's
// failure (a userName another user has, say) is reported in its result
// and does not stop the others. The error is non-nil only when the
// account cannot be read, or ctx ends (the results then hold what was
// done).
func (s *Service) ImportUsers(ctx context.Context, accountID string, users []store.User) ([]ImportResult, error) {
	if _, err := s.st.GetAccount(ctx, accountID); err != nil {
		return nil, fmt.Errorf("linking: import users: get account: %w", err)
	}
	out := make([]ImportResult, len(users))
	for i, u := range users {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		out[i] = s.importOne(ctx, accountID, u)
	}
	return out, nil
}

func (s *Service) importOne(ctx context.Context, accountID string, in store.User) ImportResult {
	fail := func(err error) ImportResult { return ImportResult{Outcome: ImportFailed, Err: err} }
	if in.State != "" && !in.State.Valid() {
		return fail(fmt.Errorf("linking: import: state %q is not invited, active or suspended: %w", in.State, store.ErrInvalid))
	}
	for range maxRetries {
		id, err := s.importMatch(ctx, accountID, in)
		if err != nil {
			return fail(err)
		}
		if id == "" {
			u := in.Clone()
			u.ID, u.Linked = "", false
			if u.UserName == "" {
				u.UserName = UserEmail(in)
			}
			if u.State == "" {
				u.State = store.StateActive
			}
			created, err := s.st.CreateUser(ctx, accountID, u)
			if errors.Is(err, store.ErrConflict) && in.ID == "" {
				continue // created meanwhile by someone else: match again
			}
			if err != nil {
				return fail(fmt.Errorf("linking: import: create user: %w", err))
			}
			return ImportResult{ID: created.ID, Outcome: ImportCreated}
		}
		var before int64
		stored, err := s.hostUpdate(ctx, accountID, id, "import", func(cur store.User) (store.User, error) {
			before = cur.Version
			applyProfile(&cur, in)
			switch in.State {
			case store.StateSuspended:
				suspend(&cur)
			case store.StateActive, store.StateInvited:
				reactivate(&cur)
			}
			return cur, nil
		})
		if errors.Is(err, store.ErrNotFound) && in.ID == "" {
			continue // deleted meanwhile: match again
		}
		if err != nil {
			return fail(err)
		}
		if stored.Version == before {
			return ImportResult{ID: stored.ID, Outcome: ImportUnchanged}
		}
		return ImportResult{ID: stored.ID, Outcome: ImportUpdated}
	}
	return fail(fmt.Errorf("linking: import: the matching users kept changing: %w", store.ErrContention))
}

// importMatch returns the id of the stored user in matches, or "" for a
// new one.
func (s *Service) importMatch(ctx context.Context, accountID string, in store.User) (string, error) {
	if in.ID != "" {
		u, err := s.st.GetUser(ctx, accountID, in.ID)
		if err != nil {
			return "", fmt.Errorf("linking: import: user %s: %w", in.ID, err)
		}
		return u.ID, nil
	}
	if email := UserEmail(in); email != "" {
		matches, err := s.hostUsersWithEmail(ctx, accountID, email)
		if err != nil {
			return "", err
		}
		switch len(matches) {
		case 0:
		case 1:
			return matches[0].ID, nil
		default:
			return "", refuse(ErrAmbiguousEmail, "%d existing members share the email %q; give each member a unique email, then import again", len(matches), email)
		}
	}
	name := in.UserName
	if name == "" {
		name = UserEmail(in)
	}
	if name == "" {
		return "", fmt.Errorf("linking: import: a user needs a userName or an email: %w", store.ErrInvalid)
	}
	u, err := s.st.UserByUserName(ctx, accountID, name)
	if isNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("linking: import: user by userName: %w", err)
	}
	return u.ID, nil
}
