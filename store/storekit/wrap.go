package storekit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/scimkit/scimkit/store"
)

// Option configures Wrap.
type Option func(*kit)

// WithClock sets the clock that stamps Created, Modified and event times
// (default time.Now). Wrap keeps its readings at microsecond precision, in
// UTC.
func WithClock(now func() time.Time) Option {
	return func(k *kit) {
		if now != nil {
			k.now = now
		}
	}
}

// WithIDs sets the generator of the ids Wrap offers InsertUser,
// InsertGroup and of token ids: a new, unique, non-empty string on every
// call. The default is 128 random bits as 32 hex digits.
func WithIDs(newID func() string) Option {
	return func(k *kit) {
		if newID != nil {
			k.newID = newID
		}
	}
}

// FallbacksOnly makes Wrap ignore the backend's fast paths (UserFinder,
// GroupFinder, MemberTester, UserQuerier, GroupQuerier) and use its
// portable fallbacks for everything. With it, an adapter's fast paths can
// be checked against the fallbacks on the same data
// (storetest.RunSameAnswers), and measured against them.
func FallbacksOnly() Option { return func(k *kit) { k.fallbacksOnly = true } }

// Wrap builds the whole store.Store contract on b: validation
// (store.CheckUser and friends), uniqueness, versions, the case rules
// (store.Fold), member checks and deltas, filters (CompileUser,
// CompileGroup) and paging, lookups, invite reminders, the change feed's
// events (store.UserEvents and friends, numbered with store.StampEvents in
// the write's transaction), cursors and leases. b only stores records; see
// Backend for what it must guarantee, and the fast-path interfaces for
// what it may add.
//
// Every write is one b.Update transaction on its account: it reads what it
// checks, writes the change and appends its events before the commit, so
// a refused write changes nothing and appends nothing.
func Wrap(b Backend, opts ...Option) store.Store {
	k := &kit{b: b, now: time.Now, newID: randomID}
	for _, o := range opts {
		o(k)
	}
	return k
}

type kit struct {
	b             Backend
	now           func() time.Time
	newID         func() string
	fallbacksOnly bool
}

var (
	_ store.Store        = (*kit)(nil)
	_ store.NamedMembers = (*kit)(nil)
)

func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// clock is the time of a write, in UTC at microsecond precision.
func (k *kit) clock() time.Time { return k.now().UTC().Truncate(time.Microsecond) }

// micro truncates a caller's time to what every backend keeps.
func micro(t time.Time) time.Time { return t.Truncate(time.Microsecond) }

// fast returns r as the fast-path interface T, unless FallbacksOnly.
func fast[T any](k *kit, r Reader) (T, bool) {
	if k.fallbacksOnly {
		var zero T
		return zero, false
	}
	f, ok := r.(T)
	return f, ok
}

// view runs fn in a View after checking that the account exists.
func (k *kit) view(ctx context.Context, accountID string, fn func(r Reader) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return k.b.View(ctx, func(r Reader) error {
		if _, err := r.Account(ctx, accountID); err != nil {
			return err
		}
		return fn(r)
	})
}

// update runs fn in an Update of the account after checking that it
// exists.
func (k *kit) update(ctx context.Context, accountID string, fn func(tx Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return k.b.Update(ctx, accountID, func(tx Tx) error {
		if _, err := tx.Account(ctx, accountID); err != nil {
			return err
		}
		return fn(tx)
	})
}

// appendEvents stamps evs at now after the account's last event and
// appends them in the transaction.
func (k *kit) appendEvents(ctx context.Context, tx Tx, accountID string, now time.Time, evs []store.Event) error {
	if len(evs) == 0 {
		return nil
	}
	last, err := tx.LastSeq(ctx, accountID)
	if err != nil {
		return err
	}
	store.StampEvents(ctx, evs, accountID, last, now, randomID)
	return tx.AppendEvents(ctx, accountID, evs)
}

func stale(kind, id string, stored, given int64) error {
	return fmt.Errorf("storekit: %s %q is at version %d, not %d: %w", kind, id, stored, given, store.ErrVersionMismatch)
}

// CreateAccount implements store.Accounts.
func (k *kit) CreateAccount(ctx context.Context, a store.Account) (store.Account, error) {
	if err := ctx.Err(); err != nil {
		return store.Account{}, err
	}
	if err := store.CheckAccountID(a.ID); err != nil {
		return store.Account{}, err
	}
	a = a.Clone()
	err := k.b.Update(ctx, a.ID, func(tx Tx) error {
		if _, err := tx.Account(ctx, a.ID); err == nil {
			return &store.ConflictError{Attribute: "id", Value: a.ID}
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		now := k.clock()
		a.Created, a.Modified, a.Version = now, now, 1
		if err := tx.InsertAccount(ctx, a.Clone()); err != nil {
			return err
		}
		return k.appendEvents(ctx, tx, a.ID, now, store.AccountEvents(nil, &a))
	})
	if err != nil {
		return store.Account{}, err
	}
	return a.Clone(), nil
}

// GetAccount implements store.Accounts.
func (k *kit) GetAccount(ctx context.Context, id string) (a store.Account, err error) {
	if err := ctx.Err(); err != nil {
		return a, err
	}
	err = k.b.View(ctx, func(r Reader) (err error) {
		a, err = r.Account(ctx, id)
		return err
	})
	return a, err
}

// UpdateAccount implements store.Accounts.
func (k *kit) UpdateAccount(ctx context.Context, a store.Account) (store.Account, error) {
	a = a.Clone()
	var out store.Account
	err := k.update(ctx, a.ID, func(tx Tx) error {
		old, err := tx.Account(ctx, a.ID)
		if err != nil {
			return err
		}
		if old.Version != a.Version {
			return stale("account", a.ID, old.Version, a.Version)
		}
		next := old.Clone()
		next.ProvisioningEnabled, next.AllowedDomains, next.IdP = a.ProvisioningEnabled, slices.Clone(a.AllowedDomains), a.IdP
		now := k.clock()
		next.Modified, next.Version = now, old.Version+1
		if err := tx.UpdateAccount(ctx, next.Clone()); err != nil {
			return err
		}
		out = next
		return k.appendEvents(ctx, tx, a.ID, now, store.AccountEvents(&old, &next))
	})
	if err != nil {
		return store.Account{}, err
	}
	return out.Clone(), nil
}

// AccountIDs implements store.Accounts.
func (k *kit) AccountIDs(ctx context.Context) (ids []string, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	err = k.b.View(ctx, func(r Reader) (err error) {
		ids, err = r.AccountIDs(ctx)
		return err
	})
	if ids == nil && err == nil {
		ids = []string{}
	}
	return ids, err
}

// AddToken implements store.Tokens.
func (k *kit) AddToken(ctx context.Context, accountID string, t store.Token) (store.Token, error) {
	err := k.update(ctx, accountID, func(tx Tx) error {
		if _, err := tx.TokenByHash(ctx, t.Hash); err == nil {
			return &store.ConflictError{Attribute: "token"}
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		now := k.clock()
		t.ID, t.AccountID, t.Created = k.newID(), accountID, now
		if err := tx.InsertToken(ctx, t); err != nil {
			return err
		}
		return k.appendEvents(ctx, tx, accountID, now, []store.Event{store.TokenEvent(store.TokenMinted, t)})
	})
	if err != nil {
		return store.Token{}, err
	}
	return t, nil
}

// TokenByHash implements store.Tokens.
func (k *kit) TokenByHash(ctx context.Context, hash [32]byte) (t store.Token, err error) {
	if err := ctx.Err(); err != nil {
		return t, err
	}
	err = k.b.View(ctx, func(r Reader) (err error) {
		t, err = r.TokenByHash(ctx, hash)
		return err
	})
	return t, err
}

// ListTokens implements store.Tokens.
func (k *kit) ListTokens(ctx context.Context, accountID string) (ts []store.Token, err error) {
	err = k.view(ctx, accountID, func(r Reader) (err error) {
		ts, err = r.Tokens(ctx, accountID)
		return err
	})
	if err != nil {
		return nil, err
	}
	if ts == nil {
		ts = []store.Token{}
	}
	return ts, nil
}

// RevokeToken implements store.Tokens.
func (k *kit) RevokeToken(ctx context.Context, accountID, tokenID string) error {
	return k.update(ctx, accountID, func(tx Tx) error {
		ts, err := tx.Tokens(ctx, accountID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(ts, func(t store.Token) bool { return t.ID == tokenID })
		if i < 0 {
			return fmt.Errorf("storekit: token %q: %w", tokenID, store.ErrNotFound)
		}
		if err := tx.DeleteToken(ctx, accountID, tokenID); err != nil {
			return err
		}
		return k.appendEvents(ctx, tx, accountID, k.clock(), []store.Event{store.TokenEvent(store.TokenRevoked, ts[i])})
	})
}

// Events implements store.Feed.
func (k *kit) Events(ctx context.Context, accountID string, after int64, limit int) (evs []store.Event, err error) {
	err = k.view(ctx, accountID, func(r Reader) (err error) {
		if limit > 0 {
			evs, err = r.Events(ctx, accountID, after, limit)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if evs == nil {
		evs = []store.Event{}
	}
	return evs, nil
}

// PruneEvents implements store.Feed.
func (k *kit) PruneEvents(ctx context.Context, accountID string, before time.Time) (n int, err error) {
	err = k.update(ctx, accountID, func(tx Tx) (err error) {
		n, err = tx.PruneEvents(ctx, accountID, before)
		return err
	})
	return n, err
}

// Cursor implements store.Feed.
func (k *kit) Cursor(ctx context.Context, consumer, accountID string) (seq int64, err error) {
	err = k.view(ctx, accountID, func(r Reader) error {
		c, err := r.Consumer(ctx, consumer, accountID)
		seq = c.Cursor
		return err
	})
	return seq, err
}

// SetCursor implements store.Feed.
func (k *kit) SetCursor(ctx context.Context, consumer, accountID string, seq int64) error {
	return k.update(ctx, accountID, func(tx Tx) error {
		if seq < 0 {
			return fmt.Errorf("storekit: cursor %d is negative: %w", seq, store.ErrInvalid)
		}
		c, err := tx.Consumer(ctx, consumer, accountID)
		if err != nil {
			return err
		}
		c.Cursor = seq
		return tx.PutConsumer(ctx, consumer, accountID, c)
	})
}

// Lease implements store.Feed.
func (k *kit) Lease(ctx context.Context, consumer, accountID, holder string, now time.Time, ttl time.Duration) (got bool, err error) {
	err = k.update(ctx, accountID, func(tx Tx) error {
		if holder == "" {
			return fmt.Errorf("storekit: lease holder is empty: %w", store.ErrInvalid)
		}
		c, err := tx.Consumer(ctx, consumer, accountID)
		if err != nil {
			return err
		}
		got = false
		if ttl <= 0 {
			if c.Holder != holder {
				return nil
			}
			c.Holder, c.Until = "", time.Time{}
			return tx.PutConsumer(ctx, consumer, accountID, c)
		}
		if c.Holder != "" && c.Holder != holder && c.Until.After(now) {
			return nil
		}
		c.Holder, c.Until = holder, micro(now.Add(ttl))
		got = true
		return tx.PutConsumer(ctx, consumer, accountID, c)
	})
	return got, err
}
