package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/sqlstore"
)

// A database written before emails were unique (migration 6) may hold
// several users with one email. The upgrade never fails and changes no
// user: the oldest owns the address, the others keep it and may still be
// updated, nobody new can take it, and a kept duplicate takes ownership on
// its next write once the address is free.
func TestUpgradeKeepsDuplicateEmails(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		old := open(t, dsn, sqlstore.WithMaxMigration(5))
		_, err := old.CreateAccount(ctx, store.Account{ID: "acme"})
		require.NoError(t, err)
		mk := func(s store.Store, name, email string) (store.User, error) {
			return s.CreateUser(ctx, "acme", store.User{UserName: name, State: store.StateActive,
				Emails: []store.Email{{Value: email, Type: "work", Primary: true}}})
		}
		first, err := mk(old, "first", "dup@acme.com")
		require.NoError(t, err)
		second, err := mk(old, "second", "DUP@acme.com")
		require.NoError(t, err, "before migration 6 emails are not unique")
		third, err := mk(old, "third", "dup@acme.com")
		require.NoError(t, err)
		require.NoError(t, old.Close())

		s := open(t, dsn)
		dups, err := s.UsersByEmail(ctx, "acme", "dup@acme.com")
		require.NoError(t, err)
		assert.Equal(t, []string{first.ID, second.ID, third.ID}, ids(dups), "the upgrade changes no user")

		_, err = mk(s, "fourth", "Dup@Acme.com")
		var ce *store.ConflictError
		require.ErrorAs(t, err, &ce, "after the upgrade nobody new gets the address")
		assert.Equal(t, store.AttrEmails, ce.Attribute)

		second.Title = "still updatable"
		second, err = s.UpdateUser(ctx, "acme", second)
		require.NoError(t, err, "a kept duplicate may be updated with its email")

		first.Emails = []store.Email{{Value: "first@acme.com", Type: "work", Primary: true}}
		_, err = s.UpdateUser(ctx, "acme", first)
		require.NoError(t, err)
		second.Title = "takes the address"
		_, err = s.UpdateUser(ctx, "acme", second)
		require.NoError(t, err)
		third.Emails = append(third.Emails, store.Email{Value: "third@acme.com", Type: "home"})
		_, err = s.UpdateUser(ctx, "acme", third)
		require.NoError(t, err, "third keeps its duplicate, without owning it")
		_, err = mk(s, "fourth", "dup@acme.com")
		require.ErrorAs(t, err, &ce, "second owns the address now")

		noErr := s.DeleteUser(ctx, "acme", second.ID)
		require.NoError(t, noErr)
		third.Title = "takes it"
		third.Version = 0
		_, err = s.UpdateUser(ctx, "acme", third)
		require.NoError(t, err)
		dups, err = s.UsersByEmail(ctx, "acme", "dup@acme.com")
		require.NoError(t, err)
		assert.Equal(t, []string{third.ID}, ids(dups))
		_, err = mk(s, "fourth", "dup@acme.com")
		require.ErrorAs(t, err, &ce, "third owns the address now")
	})
}

func ids(us []store.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.ID
	}
	return out
}
