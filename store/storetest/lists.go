package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/scimkit/scimkit/store"
)

var listTests = []test{
	{"UserPages", func(t *testing.T, s store.Store) {
		acct := newAccount(t, s)
		var want []string
		for i := range 23 {
			want = append(want, createUser(t, s, acct, user(fmt.Sprintf("user%02d@example.com", 22-i))).ID)
		}
		checkUserPages(t, s, acct, want)

		// Delete some, including the first and the last: pages close up.
		for _, i := range []int{0, 5, 6, 7, 22} {
			noErr(t, s.DeleteUser(t.Context(), acct, want[i]), "DeleteUser must succeed")
		}
		want = slices.Delete(slices.Delete(slices.Delete(want, 22, 23), 5, 8), 0, 1)
		checkUserPages(t, s, acct, want)
		want = append(want, createUser(t, s, acct, user("late@example.com")).ID)
		checkUserPages(t, s, acct, want)
	}},
	{"UserPageBounds", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		var ids []string
		for i := range 5 {
			ids = append(ids, createUser(t, s, acct, user(fmt.Sprintf("u%d@example.com", i))).ID)
		}
		for _, tc := range []struct {
			start, count int
			want         []string
			rule         string
		}{
			{0, 2, ids[:2], "StartIndex below 1 means 1"},
			{-7, 2, ids[:2], "StartIndex below 1 means 1"},
			{1, 0, nil, "Count 0 returns no records, only the total"},
			{1, -3, nil, "Count below 0 means 0"},
			{5, 10, ids[4:], "a page past the end holds the remaining records"},
			{6, 10, nil, "a StartIndex past the end returns no records"},
			{2, 1 << 30, ids[1:], "a huge Count returns all remaining records"},
		} {
			p, err := s.ListUsers(ctx, acct, store.Query{StartIndex: tc.start, Count: tc.count})
			noErr(t, err, "ListUsers must succeed")
			if p.Users == nil {
				fail(t, "UserPage.Users is never nil", "StartIndex %d Count %d", tc.start, tc.count)
			}
			if !sameIDs(userIDs(p.Users), tc.want) || p.Total != 5 {
				fail(t, tc.rule, "StartIndex %d Count %d: got %q (total %d), want %q (total 5)",
					tc.start, tc.count, userIDs(p.Users), p.Total, tc.want)
			}
		}
		empty := newAccount(t, s)
		p, err := s.ListUsers(ctx, empty, store.Query{StartIndex: 1, Count: 10})
		noErr(t, err, "ListUsers of an empty account must succeed")
		if p.Users == nil || len(p.Users) != 0 || p.Total != 0 {
			fail(t, "ListUsers of an empty account is an empty, non-nil page with total 0", "got %+v", p)
		}
	}},
	{"GroupPages", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		acct := newAccount(t, s)
		var want []string
		for i := range 11 {
			want = append(want, createGroup(t, s, acct, store.Group{DisplayName: fmt.Sprintf("g%02d", 10-i)}).ID)
		}
		noErr(t, s.DeleteGroup(ctx, acct, want[3]), "DeleteGroup must succeed")
		want = slices.Delete(want, 3, 4)
		for _, size := range []int{1, 3, 10, 11} {
			var got []string
			for start := 1; start <= len(want)+size; start += size {
				p, err := s.ListGroups(ctx, acct, store.Query{StartIndex: start, Count: size})
				noErr(t, err, "ListGroups must succeed")
				if p.Total != len(want) || p.Groups == nil {
					fail(t, "GroupPage.Total counts every group, Groups is never nil", "got total %d, want %d", p.Total, len(want))
				}
				got = append(got, groupIDs(p.Groups)...)
			}
			if !slices.Equal(got, want) {
				fail(t, "consecutive group pages neither overlap nor skip, in creation order",
					"pages of %d give %q, want %q", size, got, want)
			}
		}
		p, err := s.ListGroups(ctx, acct, store.Query{StartIndex: -1, Count: 0})
		noErr(t, err, "ListGroups must succeed")
		if len(p.Groups) != 0 || p.Total != len(want) {
			fail(t, "Count 0 returns no groups, only the total", "got %+v", p)
		}
	}},
}

// checkUserPages pages through the account's users with several page
// sizes and compares the concatenation with want.
func checkUserPages(t *testing.T, s store.Store, acct string, want []string) {
	t.Helper()
	for _, size := range []int{1, 2, 7, len(want), len(want) + 1} {
		var got []string
		for start := 1; start <= len(want); start += size {
			p, err := s.ListUsers(t.Context(), acct, store.Query{StartIndex: start, Count: size})
			noErr(t, err, "ListUsers must succeed")
			if p.Total != len(want) {
				fail(t, "UserPage.Total is the number of users in the account", "got %d, want %d", p.Total, len(want))
			}
			if n := min(size, len(want)-start+1); len(p.Users) != n {
				fail(t, "a page holds Count users unless the listing ends", "StartIndex %d Count %d: got %d users, want %d", start, size, len(p.Users), n)
			}
			got = append(got, userIDs(p.Users)...)
		}
		if !slices.Equal(got, want) {
			fail(t, "consecutive pages neither overlap nor skip and list users in creation order",
				"pages of %d give %q, want %q", size, got, want)
		}
	}
}
