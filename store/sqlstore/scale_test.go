package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/sqlstore"
)

// TestScaleManyAccounts measures how a userName lookup against one
// account grows with the number of accounts in the database: 10,000
// accounts of 100 users (SCIMKIT_SCALE_ACCOUNTS and SCIMKIT_SCALE_USERS
// change the shape) on PostgreSQL, against the same lookup in a database
// holding only that account. It loads a million users, so it runs only
// when SCIMKIT_SCALE=1; its figures are a report, not an assertion:
//
//	SCIMKIT_SCALE=1 SCIMKIT_TEST_POSTGRES=... go test -run TestScaleManyAccounts -v -timeout 60m ./store/sqlstore
func TestScaleManyAccounts(t *testing.T) {
	if os.Getenv("SCIMKIT_SCALE") != "1" {
		t.Skip("a scale measurement: set SCIMKIT_SCALE=1 (and SCIMKIT_TEST_POSTGRES) to run it")
	}
	accounts, users := envInt("SCIMKIT_SCALE_ACCOUNTS", 10_000), envInt("SCIMKIT_SCALE_USERS", 100)
	ctx := context.Background()

	lookup := func(s *sqlstore.Store, acct string) (p50, p99 time.Duration) {
		var lat []time.Duration
		for round := range 5 {
			for i := range users {
				start := time.Now()
				_, err := s.UserByUserName(ctx, acct, fmt.Sprintf("user%d@%s.example.com", (i*7+round)%users, acct))
				lat = append(lat, time.Since(start))
				require.NoError(t, err)
			}
		}
		slices.Sort(lat)
		return lat[len(lat)/2], lat[len(lat)*99/100]
	}
	load := func(s *sqlstore.Store, ids []string) {
		var next atomic.Int64
		var wg sync.WaitGroup
		start := time.Now()
		for range 8 {
			wg.Go(func() {
				for {
					k := int(next.Add(1)) - 1
					if k >= len(ids) {
						return
					}
					acct := ids[k]
					_, err := s.CreateAccount(ctx, store.Account{ID: acct, ProvisioningEnabled: true})
					require.NoError(t, err)
					for i := range users {
						u := store.User{UserName: fmt.Sprintf("user%d@%s.example.com", i, acct), State: store.StateActive,
							DisplayName: fmt.Sprintf("User %d", i), ExternalID: fmt.Sprintf("00u%d", i),
							Emails: []store.Email{{Value: fmt.Sprintf("user%d@%s.example.com", i, acct), Type: "work", Primary: true}}}
						_, err := s.CreateUser(ctx, acct, u)
						require.NoError(t, err)
					}
					if k%1000 == 999 {
						t.Logf("%d accounts loaded, %.0f users/s", k+1, float64((k+1)*users)/time.Since(start).Seconds())
					}
				}
			})
		}
		wg.Wait()
	}

	alone := open(t, postgresDSN(t))
	load(alone, []string{"acct-target"})
	a50, a99 := lookup(alone, "acct-target")

	crowded := open(t, postgresDSN(t))
	ids := make([]string, accounts)
	for i := range ids {
		ids[i] = fmt.Sprintf("acct-%05d", i)
	}
	ids[accounts/2] = "acct-target"
	load(crowded, ids)
	c50, c99 := lookup(crowded, "acct-target")
	t.Logf("userName lookup, one account of %d users: alone p50 %v p99 %v; among %d accounts p50 %v p99 %v; ratio p50 %.2fx p99 %.2fx",
		users, a50, a99, accounts, c50, c99, float64(c50)/float64(a50), float64(c99)/float64(a99))
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
