package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/scimkit/scimkit/store"
)

// race runs f(i) for i in [0, n) in n goroutines released at the same
// moment and returns their errors by i.
func race(n int, f func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = f(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// oneWinner checks that exactly one of errs is nil and every other one
// matches target.
func oneWinner(t *testing.T, errs []error, target error, rule string) int {
	t.Helper()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			fail(t, rule, "goroutines %d and %d both succeeded", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, target):
			fail(t, rule, "goroutine %d failed with %v, want an error matching %v", i, err, target)
		}
	}
	if winner < 0 {
		fail(t, rule, "no goroutine succeeded")
	}
	return winner
}

var concurrencyTests = []test{
	{"CreateSameUserName", func(t *testing.T, s store.Store) {
		acct := newAccount(t, s)
		errs := race(32, func(i int) error {
			name := "race@example.com"
			if i%2 == 1 {
				name = strings.ToUpper(name)
			}
			u := user(name)
			u.ExternalID = fmt.Sprintf("ext-%d", i)
			_, err := s.CreateUser(t.Context(), acct, u)
			return err
		})
		oneWinner(t, errs, store.ErrConflict, "under concurrent creates of the same userName (any case) exactly one succeeds, the others are ErrConflict")
		if us := allUsers(t, s, acct); len(us) != 1 {
			fail(t, "under concurrent creates of the same userName exactly one user is stored", "account has %d users", len(us))
		}
	}},
	{"CreateSameEmail", func(t *testing.T, s store.Store) {
		// Entra's import: userName is the UPN, the email comes from mail.
		acct := newAccount(t, s)
		errs := race(32, func(i int) error {
			u := user(fmt.Sprintf("upn-%d@corp.example", i))
			email := "race@example.com"
			if i%2 == 1 {
				email = strings.ToUpper(email)
			}
			u.Emails = []store.Email{{Value: email, Type: "work", Primary: true}}
			_, err := s.CreateUser(t.Context(), acct, u)
			return err
		})
		w := oneWinner(t, errs, store.ErrConflict, "under concurrent creates of different userNames with the same email (any case) exactly one succeeds, the others are ErrConflict")
		for i, err := range errs {
			var ce *store.ConflictError
			if i != w && (!errors.As(err, &ce) || ce.Attribute != store.AttrEmails) {
				fail(t, "the losers' error is a *store.ConflictError on emails", "goroutine %d: %v", i, err)
			}
		}
		if us := allUsers(t, s, acct); len(us) != 1 {
			fail(t, "under concurrent creates with the same email exactly one user is stored", "account has %d users", len(us))
		}
		if us, err := s.UsersByEmail(t.Context(), acct, "race@example.com"); err != nil || len(us) != 1 {
			fail(t, "the email finds exactly the one user", "got %d users, %v", len(us), err)
		}
	}},
	{"UpdateToSameEmail", func(t *testing.T, s store.Store) {
		acct := newAccount(t, s)
		users := make([]store.User, 16)
		for i := range users {
			users[i] = createUser(t, s, acct, user(fmt.Sprintf("u%d@example.com", i)))
		}
		errs := race(len(users), func(i int) error {
			u := users[i]
			u.Emails = []store.Email{{Value: "Taken@example.com", Type: "work", Primary: true}}
			_, err := s.UpdateUser(t.Context(), acct, u)
			return err
		})
		oneWinner(t, errs, store.ErrConflict, "under concurrent updates giving different users the same email exactly one succeeds, the others are ErrConflict")
		if us, err := s.UsersByEmail(t.Context(), acct, "taken@example.com"); err != nil || len(us) != 1 {
			fail(t, "after concurrent updates to one email exactly one user has it", "got %d users, %v", len(us), err)
		}
	}},
	{"CreateSameExternalID", func(t *testing.T, s store.Store) {
		acct := newAccount(t, s)
		errs := race(16, func(i int) error {
			u := user(fmt.Sprintf("u%d@example.com", i))
			u.ExternalID = "00uSame"
			_, err := s.CreateUser(t.Context(), acct, u)
			return err
		})
		oneWinner(t, errs, store.ErrConflict, "under concurrent creates of the same externalId exactly one succeeds, the others are ErrConflict")
	}},
	{"CreateSameDisplayName", func(t *testing.T, s store.Store) {
		acct := newAccount(t, s)
		errs := race(16, func(i int) error {
			_, err := s.CreateGroup(t.Context(), acct, store.Group{DisplayName: "Same"}, nil)
			return err
		})
		oneWinner(t, errs, store.ErrConflict, "under concurrent creates of the same group displayName exactly one succeeds")
	}},
	{"AddSameTokenHash", func(t *testing.T, s store.Store) {
		acct := newAccount(t, s)
		h := hash("race")
		errs := race(16, func(i int) error {
			_, err := s.AddToken(t.Context(), acct, store.Token{Hash: h})
			return err
		})
		oneWinner(t, errs, store.ErrConflict, "under concurrent AddToken of the same hash exactly one succeeds")
	}},
	{"CreateManyUsers", func(t *testing.T, s store.Store) {
		acct := newAccount(t, s)
		errs := race(32, func(i int) error {
			_, err := s.CreateUser(t.Context(), acct, user(fmt.Sprintf("u%02d@example.com", i)))
			if err != nil {
				return err
			}
			_, err = s.ListUsers(t.Context(), acct, store.Query{StartIndex: i%5 + 1, Count: 3})
			return err
		})
		for i, err := range errs {
			noErr(t, err, fmt.Sprintf("concurrent creates of distinct users and listings all succeed (goroutine %d)", i))
		}
		us := allUsers(t, s, acct)
		ids := userIDs(us)
		if len(ids) != 32 || len(slices.Compact(slices.Sorted(slices.Values(ids)))) != 32 {
			fail(t, "concurrent creates of distinct users store every user once, with distinct ids", "got %d users", len(ids))
		}
	}},
	{"AddMembers", func(t *testing.T, s store.Store) {
		acct := newAccount(t, s)
		var ids []string
		for i := range 64 {
			ids = append(ids, createUser(t, s, acct, user(fmt.Sprintf("m%02d@example.com", i))).ID)
		}
		g := createGroup(t, s, acct, store.Group{DisplayName: "Big"})
		errs := race(64, func(i int) error {
			_, _, err := s.UpdateGroup(t.Context(), acct, g.ID, store.GroupUpdate{AddMembers: []string{ids[i]}})
			return err
		})
		for i, err := range errs {
			noErr(t, err, fmt.Sprintf("concurrent UpdateGroup calls without Version all succeed (goroutine %d)", i))
		}
		ms := members(t, s, acct, g.ID)
		if !slices.Equal(slices.Sorted(slices.Values(ms)), slices.Sorted(slices.Values(ids))) {
			fail(t, "no concurrent membership change is lost: 64 goroutines each adding one member leave 64 members", "got %d members", len(ms))
		}
		if v := getGroup(t, s, acct, g.ID).Version; v != 65 {
			fail(t, "every successful UpdateGroup bumps the version by one, also concurrently", "version %d after 64 updates, want 65", v)
		}
	}},
	{"UpdateUserSameVersion", func(t *testing.T, s store.Store) {
		acct := newAccount(t, s)
		u := createUser(t, s, acct, user("ann@example.com"))
		errs := race(16, func(i int) error {
			v := u.Clone()
			v.Title = fmt.Sprintf("title %d", i)
			_, err := s.UpdateUser(t.Context(), acct, v)
			return err
		})
		w := oneWinner(t, errs, store.ErrVersionMismatch, "of concurrent UpdateUser calls carrying the same read version exactly one wins, the others are ErrVersionMismatch")
		got := getUser(t, s, acct, u.ID)
		if got.Version != 2 || got.Title != fmt.Sprintf("title %d", w) {
			fail(t, "the stored user is the winner's", "got version %d title %q, want 2 and %q", got.Version, got.Title, fmt.Sprintf("title %d", w))
		}
	}},
	{"UpdateGroupSameVersion", func(t *testing.T, s store.Store) {
		acct := newAccount(t, s)
		g := createGroup(t, s, acct, store.Group{DisplayName: "G"})
		errs := race(16, func(i int) error {
			_, _, err := s.UpdateGroup(t.Context(), acct, g.ID, store.GroupUpdate{Version: g.Version, DisplayName: ptr(fmt.Sprintf("G%d", i))})
			return err
		})
		w := oneWinner(t, errs, store.ErrVersionMismatch, "of concurrent UpdateGroup calls carrying the same Version exactly one wins")
		if got := getGroup(t, s, acct, g.ID); got.Version != 2 || got.DisplayName != fmt.Sprintf("G%d", w) {
			fail(t, "the stored group is the winner's", "got %+v", got)
		}
	}},
	{"ClaimReminders", func(t *testing.T, s store.Store) {
		acct := newAccount(t, s)
		const n = 50
		for i := range n {
			createUser(t, s, acct, invitee(fmt.Sprintf("i%02d@example.com", i), store.StateInvited, ts(1, 0)))
		}
		var mu sync.Mutex
		claimed := map[string]int{}
		errs := race(8, func(int) error {
			// Each call that returns users claims at least one of the n, so
			// more than n calls means users are claimed again.
			for range n + 1 {
				us, err := s.ClaimReminders(t.Context(), acct, ts(2, 0), ts(3, 0), 3)
				if err != nil || len(us) == 0 {
					return err
				}
				mu.Lock()
				for _, u := range us {
					claimed[u.ID]++
				}
				mu.Unlock()
			}
			return errors.New("ClaimReminders still returns users after every eligible user was claimed")
		})
		for i, err := range errs {
			noErr(t, err, fmt.Sprintf("concurrent ClaimReminders succeed (goroutine %d)", i))
		}
		if len(claimed) != n {
			fail(t, "concurrent ClaimReminders together claim every eligible user", "claimed %d of %d", len(claimed), n)
		}
		for id, c := range claimed {
			if c != 1 {
				fail(t, "a user is returned by at most one ClaimReminders call, whatever the number of concurrent callers", "user %s claimed %d times", id, c)
			}
		}
	}},
	{"DeleteUserWhileAdding", func(t *testing.T, s store.Store) {
		acct := newAccount(t, s)
		var ids []string
		for i := range 16 {
			ids = append(ids, createUser(t, s, acct, user(fmt.Sprintf("d%02d@example.com", i))).ID)
		}
		g := createGroup(t, s, acct, store.Group{DisplayName: "G"})
		// Even goroutines delete user i, odd ones add user i-1 to the group:
		// whichever runs first, a deleted user never remains a member.
		errs := race(32, func(i int) error {
			id := ids[i/2]
			if i%2 == 0 {
				return s.DeleteUser(t.Context(), acct, id)
			}
			_, _, err := s.UpdateGroup(t.Context(), acct, g.ID, store.GroupUpdate{AddMembers: []string{id}})
			if errors.Is(err, store.ErrUnknownMember) {
				return nil // the delete came first
			}
			return err
		})
		for i, err := range errs {
			noErr(t, err, fmt.Sprintf("concurrent DeleteUser and UpdateGroup succeed or report an unknown member (goroutine %d)", i))
		}
		if ms := members(t, s, acct, g.ID); len(ms) != 0 {
			fail(t, "DeleteUser removes the user's memberships atomically: no deleted user stays a member", "members %q", ms)
		}
	}},
}
