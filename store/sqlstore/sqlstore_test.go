package sqlstore_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/sqlstore"
)

func TestOpenRejectsOtherDSNs(t *testing.T) {
	for _, dsn := range []string{
		"",
		"sqlite:",
		"sqlite:/tmp/x.db?mode=ro",
		"mysql://root:hunter2@localhost/db",
		"file:/tmp/x.db",
		"postgres://u:hunter2@host:notaport/db",
		"postgresql://u:hunter2@host/db?sslmode=bogus",
		"/tmp/x.db",
	} {
		t.Run(dsn, func(t *testing.T) {
			_, err := sqlstore.Open(context.Background(), dsn)
			require.ErrorIs(t, err, store.ErrInvalid, "only sqlite:PATH and postgres:// DSNs are accepted")
			assert.NotContains(t, err.Error(), "hunter2", "the error must not leak the DSN's password")
		})
	}
}

func TestOpenHidesPostgresPassword(t *testing.T) {
	// Port 1 on a socket directory that does not exist: the connection
	// fails; the error must not carry the password.
	_, err := sqlstore.Open(context.Background(), "postgres://u:hunter2@/db?host=/nonexistent-scimkit&port=1&connect_timeout=1")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "hunter2")
}

func TestSQLitePathWithSpecialCharacters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a dir with %41 and #hash")
	require.NoError(t, os.Mkdir(dir, 0o755))
	path := filepath.Join(dir, "my %20 db.sqlite")
	s := open(t, "sqlite:"+path)
	_, err := s.CreateAccount(context.Background(), store.Account{ID: "acme"})
	require.NoError(t, err)
	_, err = os.Stat(path)
	require.NoError(t, err, "the database is the file named, taken literally")
}

func TestMigrationsAreIdempotent(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s1 := open(t, dsn)
		_, err := s1.CreateAccount(ctx, store.Account{ID: "acme"})
		require.NoError(t, err)
		require.NoError(t, s1.Close())

		// Opening again finds the schema applied and keeps the data.
		s2 := open(t, dsn)
		ids, err := s2.AccountIDs(ctx)
		require.NoError(t, err)
		assert.Equal(t, []string{"acme"}, ids)
		s3 := open(t, dsn)
		_, err = s3.GetAccount(ctx, "acme")
		require.NoError(t, err)

		// A newer release migrated further (a rolling upgrade): this one
		// still opens, leaving the versions it does not know alone.
		require.NoError(t, sqlstore.Exec(ctx, s3, "INSERT INTO scimkit_schema_migrations (version, name, applied) VALUES (9999, 'future.sql', 0)"))
		s4 := open(t, dsn)
		_, err = s4.GetAccount(ctx, "acme")
		require.NoError(t, err)
	})
}

// A database an older release created (schema version 1, with data) is
// upgraded in place: migration 2 backfills the count of managed groups.
func TestUpgradeFromVersion1(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		old := open(t, dsn, sqlstore.WithMaxMigration(1))
		// The account and groups as release 1 wrote them (today's
		// CreateAccount needs schema version 3, CreateGroup version 2).
		require.NoError(t, sqlstore.Exec(ctx, old, `INSERT INTO scimkit_accounts (id, provisioning_enabled, allowed_domains,
			created, modified, version) VALUES ('acme', FALSE, '[]', 0, 0, 1)`))
		for i, managed := range []bool{true, false, true} {
			require.NoError(t, sqlstore.Exec(ctx, old, `INSERT INTO scimkit_groups (account_id, id, display_name,
				display_name_fold, managed, privileged, linked, created, modified, version)
				VALUES ('acme', ?, ?, ?, ?, FALSE, FALSE, 0, 0, 1)`, fmt.Sprint("id", i), fmt.Sprint("g", i), fmt.Sprint("g", i), managed))
		}
		require.NoError(t, sqlstore.Exec(ctx, old, "UPDATE scimkit_accounts SET group_count = 3, groups_gen = 3"))
		require.NoError(t, old.Close())

		s := open(t, dsn)
		managed := store.Compare{Attr: store.AttrManaged, Op: store.OpEq, Value: true}
		page, err := s.ListGroups(ctx, "acme", store.Query{Filter: managed, Count: 1})
		require.NoError(t, err)
		assert.Equal(t, 2, page.Total, "the managed groups created before the upgrade are counted")
		assert.Equal(t, "g0", page.Groups[0].DisplayName)
	})
}

func TestConcurrentOpensMigrateOnce(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		const replicas = 4
		var wg sync.WaitGroup
		stores := make([]*sqlstore.Store, replicas)
		errs := make([]error, replicas)
		for i := range replicas {
			wg.Go(func() { stores[i], errs[i] = sqlstore.Open(context.Background(), dsn) })
		}
		wg.Wait()
		for i := range replicas {
			require.NoError(t, errs[i], "replica %d: concurrent Opens of one database must all succeed", i)
			t.Cleanup(func() { _ = stores[i].Close() })
		}
		// Every replica works on the one schema.
		ctx := context.Background()
		_, err := stores[0].CreateAccount(ctx, store.Account{ID: "acme"})
		require.NoError(t, err)
		for i := 1; i < replicas; i++ {
			_, err := stores[i].GetAccount(ctx, "acme")
			require.NoError(t, err, "replica %d sees the account", i)
		}
	})
}

func TestDataSurvivesReopen(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := open(t, dsn)
		_, err := s.CreateAccount(ctx, store.Account{ID: "acme", ProvisioningEnabled: true, AllowedDomains: []string{"acme.com"}})
		require.NoError(t, err)
		tok, err := s.AddToken(ctx, "acme", store.Token{Hash: sha256.Sum256([]byte("secret")), Label: "okta"})
		require.NoError(t, err)
		invited := time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC)
		u, err := s.CreateUser(ctx, "acme", store.User{
			UserName: "Ann@Acme.com", ExternalID: "00u1", State: store.StateInvited, InvitedAt: invited,
			Name:       store.Name{GivenName: "Ann", FamilyName: "Lee"},
			Emails:     []store.Email{{Value: "ann@acme.com", Type: "work", Primary: true}, {Value: "a@home.example"}},
			Extra:      map[string]any{"badge": "7", "floors": []any{1.0, 2.5}, "vip": true},
			Enterprise: store.Enterprise{Department: "R&D", ManagerID: "m1"},
		})
		require.NoError(t, err)
		g, err := s.CreateGroup(ctx, "acme", store.Group{DisplayName: "Eng", Managed: true}, []string{u.ID})
		require.NoError(t, err)
		require.NoError(t, s.Close())

		s = open(t, dsn)
		got, err := s.GetUser(ctx, "acme", u.ID)
		require.NoError(t, err)
		assert.Equal(t, u, got, "the user reads back exactly as CreateUser returned it")
		assert.True(t, got.InvitedAt.Equal(invited), "nanosecond times survive")
		gotTok, err := s.TokenByHash(ctx, sha256.Sum256([]byte("secret")))
		require.NoError(t, err)
		assert.Equal(t, tok, gotTok)
		gotGroup, err := s.GetGroup(ctx, "acme", g.ID)
		require.NoError(t, err)
		assert.Equal(t, g, gotGroup)
		members, err := s.Members(ctx, "acme", g.ID)
		require.NoError(t, err)
		assert.Equal(t, []string{u.ID}, members)
		a, err := s.GetAccount(ctx, "acme")
		require.NoError(t, err)
		assert.Equal(t, []string{"acme.com"}, a.AllowedDomains)
		assert.True(t, a.ProvisioningEnabled)
	})
}

// Two Store values on one database stand for two replicas of the host.
func TestReplicasCreateSameUserOnce(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		a, b := open(t, dsn), open(t, dsn)
		_, err := a.CreateAccount(ctx, store.Account{ID: "acme"})
		require.NoError(t, err)
		for round := range 10 {
			name := fmt.Sprintf("user%d@acme.com", round)
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, s := range []*sqlstore.Store{a, b} {
				// Different case: uniqueness is case-insensitive.
				n := name
				if i == 1 {
					n = strings.ToUpper(name)
				}
				wg.Go(func() { _, errs[i] = s.CreateUser(ctx, "acme", store.User{UserName: n, State: store.StateActive}) })
			}
			wg.Wait()
			var ok, conflicts int
			for _, err := range errs {
				var ce *store.ConflictError
				switch {
				case err == nil:
					ok++
				case errors.As(err, &ce):
					conflicts++
					assert.Equal(t, store.AttrUserName, ce.Attribute)
					assert.ErrorIs(t, err, store.ErrConflict)
				default:
					t.Errorf("round %d: unexpected error %v", round, err)
				}
			}
			assert.Equal(t, 1, ok, "round %d: exactly one replica creates the user", round)
			assert.Equal(t, 1, conflicts, "round %d: the other gets a conflict on userName", round)
		}
		page, err := a.ListUsers(ctx, "acme", store.Query{Count: 100})
		require.NoError(t, err)
		assert.Equal(t, 10, page.Total)
	})
}

func TestReplicasClaimEachReminderOnce(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		a, b := open(t, dsn), open(t, dsn)
		_, err := a.CreateAccount(ctx, store.Account{ID: "acme"})
		require.NoError(t, err)
		invited := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		const users = 40
		for i := range users {
			_, err := a.CreateUser(ctx, "acme", store.User{UserName: fmt.Sprintf("u%d", i), State: store.StateInvited, InvitedAt: invited})
			require.NoError(t, err)
		}
		var (
			mu      sync.Mutex
			claimed = map[string]int{}
			wg      sync.WaitGroup
		)
		for w := range 6 {
			s := []*sqlstore.Store{a, b}[w%2]
			wg.Go(func() {
				for {
					us, err := s.ClaimReminders(ctx, "acme", invited.Add(time.Hour), invited.Add(48*time.Hour), 3)
					if !assert.NoError(t, err) || len(us) == 0 {
						return
					}
					mu.Lock()
					for _, u := range us {
						claimed[u.ID]++
						assert.True(t, u.RemindedAt.Equal(invited.Add(48*time.Hour)))
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		// A pass may stop early when the rest is locked by a concurrent
		// pass; one more pass picks up anything left.
		rest, err := a.ClaimReminders(ctx, "acme", invited.Add(time.Hour), invited.Add(48*time.Hour), users)
		require.NoError(t, err)
		for _, u := range rest {
			claimed[u.ID]++
		}
		assert.Len(t, claimed, users, "every invited user is claimed")
		for id, n := range claimed {
			assert.Equal(t, 1, n, "user %s claimed once", id)
		}
	})
}

func TestReplicasAddMembersWithoutLostUpdates(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		a, b := open(t, dsn), open(t, dsn)
		_, err := a.CreateAccount(ctx, store.Account{ID: "acme"})
		require.NoError(t, err)
		g, err := a.CreateGroup(ctx, "acme", store.Group{DisplayName: "Eng"}, nil)
		require.NoError(t, err)
		const per = 15
		ids := make([]string, 2*per)
		for i := range ids {
			u, err := a.CreateUser(ctx, "acme", store.User{UserName: fmt.Sprintf("u%d", i), State: store.StateActive})
			require.NoError(t, err)
			ids[i] = u.ID
		}
		var wg sync.WaitGroup
		for r, s := range []*sqlstore.Store{a, b} {
			wg.Go(func() {
				for _, id := range ids[r*per : (r+1)*per] {
					_, _, err := s.UpdateGroup(ctx, "acme", g.ID, store.GroupUpdate{AddMembers: []string{id}})
					assert.NoError(t, err)
				}
			})
		}
		wg.Wait()
		members, err := a.Members(ctx, "acme", g.ID)
		require.NoError(t, err)
		assert.ElementsMatch(t, ids, members, "no membership change is lost")
		got, err := b.GetGroup(ctx, "acme", g.ID)
		require.NoError(t, err)
		assert.Equal(t, int64(1+2*per), got.Version, "every update bumps the version once")
	})
}

func TestReplicasUpdateUserFromSameVersion(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		a, b := open(t, dsn), open(t, dsn)
		_, err := a.CreateAccount(ctx, store.Account{ID: "acme"})
		require.NoError(t, err)
		u, err := a.CreateUser(ctx, "acme", store.User{UserName: "ann", State: store.StateActive})
		require.NoError(t, err)
		for round := range 5 {
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, s := range []*sqlstore.Store{a, b} {
				v := u
				v.Title = fmt.Sprintf("title %d/%d", round, i)
				wg.Go(func() { _, errs[i] = s.UpdateUser(ctx, "acme", v) })
			}
			wg.Wait()
			var ok, stale int
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case errors.Is(err, store.ErrVersionMismatch):
					stale++
				default:
					t.Errorf("unexpected error %v", err)
				}
			}
			require.Equal(t, 1, ok, "round %d: one update wins", round)
			require.Equal(t, 1, stale, "round %d: the other is stale", round)
			u, err = a.GetUser(ctx, "acme", u.ID)
			require.NoError(t, err)
			assert.Equal(t, int64(round+2), u.Version)
		}
	})
}

func TestCancelledContext(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		_, err := s.CreateAccount(context.Background(), store.Account{ID: "acme"})
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err = s.CreateUser(ctx, "acme", store.User{UserName: "ann", State: store.StateActive})
		assert.ErrorIs(t, err, context.Canceled)
		_, err = s.ListUsers(ctx, "acme", store.Query{Count: 10})
		assert.ErrorIs(t, err, context.Canceled)
		_, err = s.GetAccount(ctx, "acme")
		assert.ErrorIs(t, err, context.Canceled)
		_, err = s.ClaimReminders(ctx, "acme", time.Now(), time.Now(), 10)
		assert.ErrorIs(t, err, context.Canceled)
		_, err = sqlstore.Open(ctx, dsn)
		assert.ErrorIs(t, err, context.Canceled)
		page, err := s.ListUsers(context.Background(), "acme", store.Query{Count: 10})
		require.NoError(t, err)
		assert.Zero(t, page.Total, "the cancelled create changed nothing")
	})
}

// The cursor that continues an unfiltered listing must never serve a page
// that differs from what OFFSET would give, also when users are created and
// deleted between pages (by this replica or another).
func TestPagingAcrossChanges(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		a, b := open(t, dsn), open(t, dsn)
		_, err := a.CreateAccount(ctx, store.Account{ID: "acme"})
		require.NoError(t, err)
		var want []string // user names in creation order
		create := func(s *sqlstore.Store, name string) {
			_, err := s.CreateUser(ctx, "acme", store.User{UserName: name, State: store.StateActive})
			require.NoError(t, err)
			want = append(want, name)
		}
		for i := range 30 {
			create(a, fmt.Sprintf("u%02d", i))
		}
		check := func(s *sqlstore.Store, start, count int) {
			t.Helper()
			page, err := s.ListUsers(ctx, "acme", store.Query{StartIndex: start, Count: count})
			require.NoError(t, err)
			require.Equal(t, len(want), page.Total)
			var got []string
			for _, u := range page.Users {
				got = append(got, u.UserName)
			}
			end := min(start-1+count, len(want))
			exp := want[min(start-1, len(want)):end]
			if len(exp) == 0 {
				exp = nil
			}
			require.Equal(t, exp, got, "page at %d, count %d", start, count)
		}
		check(a, 1, 7)
		check(a, 8, 7) // continues from the remembered cursor
		// Another replica deletes a user on an earlier page: positions shift.
		u3, err := b.UserByUserName(ctx, "acme", "u03")
		require.NoError(t, err)
		require.NoError(t, b.DeleteUser(ctx, "acme", u3.ID))
		want = append(want[:3], want[4:]...)
		check(a, 15, 7)
		check(a, 22, 7)
		create(b, "late")
		check(a, 29, 7)
		check(a, 1, 100)
		check(a, 5, 0)
	})
}

// PostgreSQL text cannot hold NUL bytes or invalid UTF-8; both databases
// refuse such strings alike, with ErrInvalid, and store nothing.
func TestTextThatCannotBeStored(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := open(t, dsn)
		_, err := s.CreateAccount(ctx, store.Account{ID: "acme"})
		require.NoError(t, err)
		ok, err := s.CreateUser(ctx, "acme", store.User{UserName: "ok", State: store.StateActive})
		require.NoError(t, err)
		for _, bad := range []string{"nul\x00byte", "bad\xffutf8"} {
			_, err := s.CreateUser(ctx, "acme", store.User{UserName: bad, State: store.StateActive})
			assert.ErrorIs(t, err, store.ErrInvalid, "create %q", bad)
			_, err = s.CreateUser(ctx, "acme", store.User{UserName: "x", State: store.StateActive,
				Emails: []store.Email{{Value: bad}}})
			assert.ErrorIs(t, err, store.ErrInvalid, "create with email %q", bad)
			_, err = s.GetUser(ctx, "acme", bad)
			assert.ErrorIs(t, err, store.ErrInvalid, "get %q", bad)
			_, err = s.ListUsers(ctx, "acme", store.Query{Count: 10,
				Filter: store.Compare{Attr: store.AttrExternalID, Op: store.OpNe, Value: bad}})
			assert.ErrorIs(t, err, store.ErrInvalid, "filter on %q", bad)
			_, _, err = s.UpdateGroup(ctx, "acme", bad, store.GroupUpdate{})
			assert.ErrorIs(t, err, store.ErrInvalid, "update group %q", bad)
			ok.Title = bad
			_, err = s.UpdateUser(ctx, "acme", ok)
			assert.ErrorIs(t, err, store.ErrInvalid, "update with title %q", bad)
		}
		page, err := s.ListUsers(ctx, "acme", store.Query{Count: 10})
		require.NoError(t, err)
		require.Equal(t, 1, page.Total, "nothing was stored")
		got, err := s.GetUser(ctx, "acme", ok.ID)
		require.NoError(t, err)
		assert.Equal(t, int64(1), got.Version, "the refused update changed nothing")
	})
}

// A claim of more users than one statement reads back (they are read in
// chunks, to stay within the databases' limits on bound parameters).
func TestClaimManyReminders(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := open(t, dsn)
		_, err := s.CreateAccount(ctx, store.Account{ID: "acme"})
		require.NoError(t, err)
		const n = 1234
		ids, err := sqlstore.BulkCreateUsers(ctx, s, "acme", n)
		require.NoError(t, err)
		invited := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		require.NoError(t, sqlstore.Exec(ctx, s, "UPDATE scimkit_users SET state = 'invited', invited_at = ?", invited.UnixNano()))
		got, err := s.ClaimReminders(ctx, "acme", invited, invited.Add(time.Hour), 5000)
		require.NoError(t, err)
		require.Len(t, got, n)
		for i, u := range got {
			require.Equal(t, ids[i], u.ID, "claimed users come in creation order")
			require.Equal(t, int64(2), u.Version)
		}
		again, err := s.ClaimReminders(ctx, "acme", invited, invited.Add(time.Hour), 5000)
		require.NoError(t, err)
		assert.Empty(t, again, "each reminder is claimed once")
	})
}

// Filter values are bound parameters, never SQL: values that would break
// out of a string literal or a pattern match only themselves.
func TestFilterValuesAreNotSQL(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := open(t, dsn)
		_, err := s.CreateAccount(ctx, store.Account{ID: "acme"})
		require.NoError(t, err)
		evil := []string{`x' OR '1'='1`, `'; DROP TABLE scimkit_users; --`, `") OR 1=1 --`, `%' OR ''='`, `\'`}
		for _, v := range evil {
			_, err := s.CreateUser(ctx, "acme", store.User{UserName: v, State: store.StateActive})
			require.NoError(t, err)
		}
		for _, v := range evil {
			for _, op := range []store.Op{store.OpEq, store.OpCo, store.OpSw, store.OpEw} {
				page, err := s.ListUsers(ctx, "acme", store.Query{Count: 10,
					Filter: store.Compare{Attr: store.AttrUserName, Op: op, Value: v}})
				require.NoError(t, err)
				require.Equal(t, 1, page.Total, "%s %q matches only itself", op, v)
				require.Equal(t, v, page.Users[0].UserName)
			}
		}
		page, err := s.ListUsers(ctx, "acme", store.Query{Count: 10})
		require.NoError(t, err)
		assert.Equal(t, len(evil), page.Total, "the table is intact")
	})
}

// TestOpenFreshSQLiteConcurrently: replicas opening one new SQLite file at
// the same moment all succeed (SQLite reports SQLITE_BUSY for some of the
// locks a fresh file takes without waiting for its busy timeout; Open
// retries those).
func TestOpenFreshSQLiteConcurrently(t *testing.T) {
	const rounds, openers = 20, 8
	for round := range rounds {
		path := filepath.Join(t.TempDir(), fmt.Sprintf("fresh%d.db", round))
		errs := make(chan error, openers)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for range openers {
			wg.Go(func() {
				<-start
				st, err := sqlstore.Open(t.Context(), "sqlite:"+path)
				if err == nil {
					_, err = st.AccountIDs(t.Context())
					_ = st.Close()
				}
				errs <- err
			})
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err, "round %d", round)
		}
	}
}
