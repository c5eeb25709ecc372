package sqlstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
	"github.com/scimkit/scimkit/store/sqlstore"
)

// TestRandomPagingMatchesMemstore runs one random sequence of creates,
// deletes, updates and paged listings on memstore and on two sqlstore
// replicas sharing a database, and requires every page and total to be the
// same. Listings often continue where the previous page of the same
// listing ended, the way IdPs import, so the cursors that sqlstore keeps
// for unfiltered and "managed eq true" listings are exercised across every
// kind of change, made by either replica.
func TestRandomPagingMatchesMemstore(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		clock := func() time.Time { return t0 }
		memSeq, sqlSeq := 0, 0
		mem := memstore.New(memstore.WithClock(clock), memstore.WithIDs(func() string { memSeq++; return fmt.Sprintf("id-%04d", memSeq) }))
		sqlID := sqlstore.WithIDGenerator(func() string { sqlSeq++; return fmt.Sprintf("id-%04d", sqlSeq) })
		replicas := []store.Store{open(t, dsn, sqlID, sqlstore.WithClock(clock)), open(t, dsn, sqlID, sqlstore.WithClock(clock))}
		for _, s := range []store.Store{mem, replicas[0]} {
			_, err := s.CreateAccount(ctx, store.Account{ID: "acme"})
			require.NoError(t, err)
		}
		rng := rand.New(rand.NewPCG(3, 4))
		var users, groups []string // live ids
		states := []store.UserState{store.StateActive, store.StateInvited, store.StateSuspended}
		filters := []store.Filter{
			nil,
			store.Compare{Attr: store.AttrManaged, Op: store.OpEq, Value: true},
			store.Compare{Attr: store.AttrState, Op: store.OpEq, Value: "invited"},
			store.Compare{Attr: store.AttrActive, Op: store.OpEq, Value: true},
		}
		next := map[string]int{} // listing -> the start that continues it
		both := func(step int, what string, fn func(s store.Store) error) {
			t.Helper()
			sqlS := replicas[rng.IntN(2)]
			errMem, errSQL := fn(mem), fn(sqlS)
			require.NoError(t, errMem, "step %d: %s on memstore", step, what)
			require.NoError(t, errSQL, "step %d: %s on sqlstore", step, what)
		}
		for step := range 700 {
			switch op := rng.IntN(13); {
			case op <= 2:
				name := fmt.Sprintf("u%d", step)
				st := states[rng.IntN(3)]
				both(step, "create user", func(s store.Store) error {
					_, err := s.CreateUser(ctx, "acme", store.User{UserName: name, State: st})
					return err
				})
				users = append(users, fmt.Sprintf("id-%04d", memSeq))
			case op == 3 && len(users) > 0:
				i := rng.IntN(len(users))
				id := users[i]
				users = append(users[:i], users[i+1:]...)
				both(step, "delete user", func(s store.Store) error { return s.DeleteUser(ctx, "acme", id) })
			case op == 4 && len(users) > 0:
				id, st := users[rng.IntN(len(users))], states[rng.IntN(3)]
				both(step, "update user", func(s store.Store) error {
					u, err := s.GetUser(ctx, "acme", id)
					if err != nil {
						return err
					}
					u.State = st
					_, err = s.UpdateUser(ctx, "acme", u)
					return err
				})
			case op == 5:
				name, managed := fmt.Sprintf("g%d", step), rng.IntN(2) == 0
				both(step, "create group", func(s store.Store) error {
					_, err := s.CreateGroup(ctx, "acme", store.Group{DisplayName: name, Managed: managed}, nil)
					return err
				})
				groups = append(groups, fmt.Sprintf("id-%04d", memSeq))
			case op == 6 && len(groups) > 0:
				i := rng.IntN(len(groups))
				id := groups[i]
				groups = append(groups[:i], groups[i+1:]...)
				both(step, "delete group", func(s store.Store) error { return s.DeleteGroup(ctx, "acme", id) })
			case op == 7 && len(groups) > 0:
				id, managed := groups[rng.IntN(len(groups))], rng.IntN(2) == 0
				both(step, "set managed", func(s store.Store) error {
					_, _, err := s.UpdateGroup(ctx, "acme", id, store.GroupUpdate{Managed: &managed})
					return err
				})
			case op == 8 && len(groups) > 0 && len(users) > 0:
				// A membership change: deltas or a replacement, compared
				// through Members (order included) and the group itself.
				gid := groups[rng.IntN(len(groups))]
				pickUsers := func() []string {
					var ids []string
					for range rng.IntN(4) {
						ids = append(ids, users[rng.IntN(len(users))])
					}
					return ids
				}
				var upd store.GroupUpdate
				if rng.IntN(3) == 0 {
					upd = store.GroupUpdate{ReplaceMembers: true, Members: pickUsers()}
				} else {
					add := pickUsers()
					var remove []string
					for _, id := range pickUsers() {
						if !slices.Contains(add, id) {
							remove = append(remove, id)
						}
					}
					upd = store.GroupUpdate{AddMembers: add, RemoveMembers: remove}
				}
				sqlS := replicas[rng.IntN(2)]
				mg, _, err := mem.UpdateGroup(ctx, "acme", gid, upd)
				require.NoError(t, err)
				sg, _, err := sqlS.UpdateGroup(ctx, "acme", gid, upd)
				require.NoError(t, err)
				require.Equal(t, mg.Version, sg.Version, "step %d: group version", step)
				mm, err := mem.Members(ctx, "acme", gid)
				require.NoError(t, err)
				sm, err := replicas[rng.IntN(2)].Members(ctx, "acme", gid)
				require.NoError(t, err)
				require.Equal(t, mm, sm, "step %d: members after %+v", step, upd)
			default:
				fi := rng.IntN(len(filters))
				count := 1 + rng.IntN(6)
				key := fmt.Sprintf("%d/%d", fi, count)
				start := next[key]
				if start == 0 || rng.IntN(4) == 0 {
					start = 1 + rng.IntN(len(users)+2)
				}
				q := store.Query{Filter: filters[fi], StartIndex: start, Count: count}
				sqlS := replicas[rng.IntN(2)]
				if fi == 1 || (fi == 0 && rng.IntN(2) == 0) { // managed is a group attribute; state and active are user attributes
					mp, err := mem.ListGroups(ctx, "acme", q)
					require.NoError(t, err)
					sp, err := sqlS.ListGroups(ctx, "acme", q)
					require.NoError(t, err)
					require.Equal(t, groupNames(mp.Groups), groupNames(sp.Groups), "step %d: groups page %+v", step, q)
					require.Equal(t, mp.Total, sp.Total, "step %d: groups total %+v", step, q)
					next[key] = start + len(mp.Groups)
					continue
				}
				mp, err := mem.ListUsers(ctx, "acme", q)
				require.NoError(t, err)
				sp, err := sqlS.ListUsers(ctx, "acme", q)
				require.NoError(t, err)
				require.Equal(t, userNames(mp.Users), userNames(sp.Users), "step %d: users page %+v", step, q)
				require.Equal(t, mp.Total, sp.Total, "step %d: users total %+v", step, q)
				next[key] = start + len(mp.Users)
			}
		}
	})
}

func userNames(us []store.User) []string {
	out := []string{}
	for _, u := range us {
		out = append(out, fmt.Sprintf("%s@v%d", u.UserName, u.Version))
	}
	return out
}

func groupNames(gs []store.Group) []string {
	out := []string{}
	for _, g := range gs {
		out = append(out, fmt.Sprintf("%s@v%d", g.DisplayName, g.Version))
	}
	return out
}
