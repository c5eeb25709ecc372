package memstore

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/scimkit/scimkit/store"
)

// feed is an account's change feed and its consumers' state, guarded by
// its own lock. Writers append while holding the lock that guards the
// record they change (the account's, or the store's for settings and
// tokens), so an event is numbered and appended in the same step as its
// change, and the feed lock orders every writer of the account.
type feed struct {
	events    []store.Event // Seq order
	last      int64
	consumers map[string]*consumer
}

// consumer is one consumer's cursor and lease in one account.
type consumer struct {
	cursor int64
	holder string
	until  time.Time
}

// appendEvents stamps evs and appends them to the account's feed. The
// caller holds the lock of the records the events describe.
func (s *Store) appendEvents(ctx context.Context, a *account, evs []store.Event) {
	if len(evs) == 0 {
		return
	}
	now := s.clock()
	a.feedMu.Lock()
	defer a.feedMu.Unlock()
	a.feed.last = store.StampEvents(ctx, evs, a.id, a.feed.last, now, randomID)
	a.feed.events = append(a.feed.events, evs...)
}

// Events implements store.Feed.
func (s *Store) Events(ctx context.Context, accountID string, after int64, limit int) ([]store.Event, error) {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return nil, err
	}
	out := []store.Event{}
	if limit <= 0 {
		return out, nil
	}
	a.feedMu.Lock()
	defer a.feedMu.Unlock()
	evs := a.feed.events
	i := sort.Search(len(evs), func(i int) bool { return evs[i].Seq > after })
	for _, e := range evs[i:min(len(evs), i+limit)] {
		out = append(out, e.Clone())
	}
	return out, nil
}

// PruneEvents implements store.Feed.
func (s *Store) PruneEvents(ctx context.Context, accountID string, before time.Time) (int, error) {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return 0, err
	}
	a.feedMu.Lock()
	defer a.feedMu.Unlock()
	n := len(a.feed.events)
	a.feed.events = slices.DeleteFunc(a.feed.events, func(e store.Event) bool { return e.Time.Before(before) })
	return n - len(a.feed.events), nil
}

// consumer returns the state of name in a, creating it. The caller holds
// a.feedMu.
func (a *account) consumer(name string) *consumer {
	if a.feed.consumers == nil {
		a.feed.consumers = make(map[string]*consumer)
	}
	c := a.feed.consumers[name]
	if c == nil {
		c = &consumer{}
		a.feed.consumers[name] = c
	}
	return c
}

// Cursor implements store.Feed.
func (s *Store) Cursor(ctx context.Context, name, accountID string) (int64, error) {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return 0, err
	}
	a.feedMu.Lock()
	defer a.feedMu.Unlock()
	if c := a.feed.consumers[name]; c != nil {
		return c.cursor, nil
	}
	return 0, nil
}

// SetCursor implements store.Feed.
func (s *Store) SetCursor(ctx context.Context, name, accountID string, seq int64) error {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return err
	}
	if seq < 0 {
		return fmt.Errorf("memstore: cursor %d is negative: %w", seq, store.ErrInvalid)
	}
	a.feedMu.Lock()
	defer a.feedMu.Unlock()
	a.consumer(name).cursor = seq
	return nil
}

// Lease implements store.Feed.
func (s *Store) Lease(ctx context.Context, name, accountID, holder string, now time.Time, ttl time.Duration) (bool, error) {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return false, err
	}
	if holder == "" {
		return false, fmt.Errorf("memstore: lease holder is empty: %w", store.ErrInvalid)
	}
	a.feedMu.Lock()
	defer a.feedMu.Unlock()
	c := a.consumer(name)
	if ttl <= 0 {
		if c.holder == holder {
			c.holder, c.until = "", time.Time{}
		}
		return false, nil
	}
	if c.holder != "" && c.holder != holder && c.until.After(now) {
		return false, nil
	}
	c.holder, c.until = holder, now.Add(ttl)
	return true, nil
}
