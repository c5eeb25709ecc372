package sqlstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/sqlstore"
)

// A database written by a release whose Fold only lower-cased is refolded
// in place by migration 5: lookups by any spelling of an identity find the
// records stored before, and two records that are one identity today (and
// were distinct then) both survive the upgrade.
func TestUpgradeRefoldsIdentities(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		old := open(t, dsn, sqlstore.WithMaxMigration(4))
		_, err := old.CreateAccount(ctx, store.Account{ID: "acme"})
		require.NoError(t, err)
		zola, err := old.CreateUser(ctx, "acme", store.User{UserName: "ＥＭＩＬＥ@example.com", State: store.StateActive,
			Title: "Ｃｈｉｅｆ", Emails: []store.Email{{Value: "Émile@Example.com", Type: "work", Primary: true}}})
		require.NoError(t, err)
		// A second user whose name is the NFD spelling of the first's
		// email-like name: distinct under the old fold.
		nfc, err := old.CreateUser(ctx, "acme", store.User{UserName: "\u00e9mile", State: store.StateActive})
		require.NoError(t, err)
		nfd, err := old.CreateUser(ctx, "acme", store.User{UserName: "placeholder", State: store.StateActive})
		require.NoError(t, err)
		grp, err := old.CreateGroup(ctx, "acme", store.Group{DisplayName: "Ｏｐｓ", Managed: true}, nil)
		require.NoError(t, err)
		// What the old release stored: strings.ToLower folds.
		for _, stmt := range []struct {
			sql  string
			args []any
		}{
			{"UPDATE scimkit_users SET user_name_fold = ?, title_fold = ? WHERE id = ?", []any{strings.ToLower("ＥＭＩＬＥ@example.com"), strings.ToLower("Ｃｈｉｅｆ"), zola.ID}},
			{"UPDATE scimkit_users SET user_name = ?, user_name_fold = ? WHERE id = ?", []any{"e\u0301mile", "e\u0301mile", nfd.ID}},
			{"UPDATE scimkit_user_emails SET value_fold = ? WHERE value = ?", []any{strings.ToLower("Émile@Example.com"), "Émile@Example.com"}},
			{"UPDATE scimkit_groups SET display_name_fold = ? WHERE id = ?", []any{strings.ToLower("Ｏｐｓ"), grp.ID}},
		} {
			require.NoError(t, sqlstore.Exec(ctx, old, stmt.sql, stmt.args...))
		}
		_, err = old.UserByUserName(ctx, "acme", "emile@example.com")
		require.ErrorIs(t, err, store.ErrNotFound, "before the upgrade the fullwidth name is not found by its ASCII spelling")
		require.NoError(t, old.Close())

		s := open(t, dsn)
		got, err := s.UserByUserName(ctx, "acme", "emile@example.com")
		require.NoError(t, err, "after the upgrade the fullwidth userName is found by its ASCII spelling")
		assert.Equal(t, zola.ID, got.ID)
		assert.Equal(t, "ＥＭＩＬＥ@example.com", got.UserName, "values are kept as stored")
		byEmail, err := s.UsersByEmail(ctx, "acme", "E\u0301MILE@example.com")
		require.NoError(t, err)
		require.Len(t, byEmail, 1)
		assert.Equal(t, zola.ID, byEmail[0].ID)
		g, err := s.GroupByDisplayName(ctx, "acme", "ops")
		require.NoError(t, err)
		assert.Equal(t, grp.ID, g.ID)
		page, err := s.ListUsers(ctx, "acme", store.Query{Filter: store.Compare{Attr: store.AttrTitle, Op: store.OpEq, Value: "chief"}, Count: 10})
		require.NoError(t, err)
		assert.Equal(t, 1, page.Total, "every _fold column is refolded, not only the unique ones")

		// The two users that are one identity today both survived; the
		// older one is found by either spelling, the other by id.
		got, err = s.UserByUserName(ctx, "acme", "e\u0301mile")
		require.NoError(t, err)
		assert.Equal(t, nfc.ID, got.ID)
		got, err = s.GetUser(ctx, "acme", nfd.ID)
		require.NoError(t, err)
		assert.Equal(t, "e\u0301mile", got.UserName)
		all, err := s.ListUsers(ctx, "acme", store.Query{Count: 10})
		require.NoError(t, err)
		assert.Equal(t, 3, all.Total)
	})
}
