package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"time"
)

// maxUpdateAttempts bounds how often Update calls its updater when other
// writers keep getting in first.
const maxUpdateAttempts = 32

// Update is the one read-modify-write discipline over a store (dex's
// "updater" pattern): it reads the current value with get, passes it to
// updater, and stores what updater returns with put, whose write carries
// the version that was read. When another writer got in between (put fails
// with ErrVersionMismatch), it waits a moment and starts again from a fresh
// read, so updater may be called several times and must not have side
// effects beyond its return value. An updater that returns its input
// unchanged (reflect.DeepEqual) writes nothing and Update returns the
// current value. An error from get or updater ends Update with that error
// as is (an updater refuses a change by returning one; a caller checking a
// precondition such as If-Match returns ErrVersionMismatch from updater
// itself).
//
// A caller without a precondition never sees ErrVersionMismatch: after
// maxUpdateAttempts lost races Update gives up with ErrContention, a
// different error (the value is being changed faster than this caller can
// read it), and changes nothing.
func Update[T any](ctx context.Context, get func(context.Context) (T, error), put func(context.Context, T) (T, error), updater func(old T) (T, error)) (T, error) {
	var zero T
	for attempt := 1; ; attempt++ {
		old, err := get(ctx)
		if err != nil {
			return zero, err
		}
		next, err := updater(old)
		if err != nil {
			return zero, err
		}
		if reflect.DeepEqual(old, next) {
			return old, nil
		}
		stored, err := put(ctx, next)
		if !errors.Is(err, ErrVersionMismatch) {
			return stored, err
		}
		if attempt == maxUpdateAttempts {
			return zero, fmt.Errorf("store: gave up after %d attempts: %w", attempt, ErrContention)
		}
		if err := backoff(ctx, attempt); err != nil {
			return zero, err
		}
	}
}

// backoff sleeps a random time that grows with attempt (full jitter,
// capped at 50ms), or until ctx is done.
func backoff(ctx context.Context, attempt int) error {
	limit := min(time.Duration(1<<min(attempt, 16))*100*time.Microsecond, 50*time.Millisecond)
	t := time.NewTimer(rand.N(limit) + 1)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// UpdateUser applies updater to the user id with Update: the updater gets
// the stored user and returns the user to store (its Version is the one
// read, so the write is checked).
func UpdateUser(ctx context.Context, st Users, accountID, id string, updater func(User) (User, error)) (User, error) {
	return Update(ctx,
		func(ctx context.Context) (User, error) { return st.GetUser(ctx, accountID, id) },
		func(ctx context.Context, u User) (User, error) { return st.UpdateUser(ctx, accountID, u) },
		updater)
}

// UpdateAccount applies updater to the account id with Update.
func UpdateAccount(ctx context.Context, st Accounts, id string, updater func(Account) (Account, error)) (Account, error) {
	return Update(ctx,
		func(ctx context.Context) (Account, error) { return st.GetAccount(ctx, id) },
		func(ctx context.Context, a Account) (Account, error) { return st.UpdateAccount(ctx, a) },
		updater)
}
