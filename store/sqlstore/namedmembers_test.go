package sqlstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/store"
)

// TestNamedMembersLargeGroup: a group of 1,201 members (more than two of
// SQLite's IN lists, one array on PostgreSQL) read right after it was
// filled (PostgreSQL has no statistics for the new rows yet) comes back
// whole, in order, with every name; long removals and member checks
// answer exactly.
func TestNamedMembersLargeGroup(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		st := open(t, dsn)
		_, err := st.CreateAccount(ctx, store.Account{ID: "big", ProvisioningEnabled: true})
		require.NoError(t, err)
		var ids []string
		var want []store.Member
		for i := range 1201 {
			u := store.User{UserName: fmt.Sprintf("u%04d", i), State: store.StateActive}
			if i%2 == 0 {
				u.DisplayName = fmt.Sprintf("User %d", i)
			}
			got, err := st.CreateUser(ctx, "big", u)
			require.NoError(t, err)
			ids = append(ids, got.ID)
			want = append(want, store.Member{ID: got.ID, Display: store.MemberDisplay(got)})
		}
		// Reverse creation order, so that member order is not user order.
		for i, j := 0, len(ids)-1; i < j; i, j = i+1, j-1 {
			ids[i], ids[j] = ids[j], ids[i]
			want[i], want[j] = want[j], want[i]
		}
		g, err := st.CreateGroup(ctx, "big", store.Group{DisplayName: "Everyone"}, ids)
		require.NoError(t, err)
		got, err := st.NamedMembers(ctx, "big", g.ID)
		require.NoError(t, err)
		require.Equal(t, want, got)

		// A replacement by the first half removes the other half (a long
		// id list: one array on PostgreSQL) and reports exactly it.
		_, d, err := st.UpdateGroup(ctx, "big", g.ID, store.GroupUpdate{ReplaceMembers: true, Members: ids[:600]})
		require.NoError(t, err)
		require.Equal(t, ids[600:], d.Removed)
		require.Empty(t, d.Added)
		got, err = st.NamedMembers(ctx, "big", g.ID)
		require.NoError(t, err)
		require.Equal(t, want[:600], got)
		// Adding unknown ids among many known ones names exactly them.
		_, _, err = st.UpdateGroup(ctx, "big", g.ID, store.GroupUpdate{AddMembers: append(append([]string{}, ids[600:]...), "ghost-1", "ghost-2")})
		var me *store.MemberError
		require.ErrorAs(t, err, &me)
		require.Equal(t, []string{"ghost-1", "ghost-2"}, me.IDs)
	})
}
