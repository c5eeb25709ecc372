package memstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/scimkit/scimkit/store"
)

var (
	_ store.ActivityLog = (*Store)(nil)
	_ store.TokenUsage  = (*Store)(nil)
)

// AppendActivity implements store.ActivityLog.
func (s *Store) AppendActivity(ctx context.Context, entries []store.ActivityEntry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, e := range entries {
		a := s.accounts[e.AccountID]
		if a == nil {
			continue
		}
		a.actMu.Lock()
		a.actSeq++
		e.ID = a.actSeq
		e.Time = e.Time.Round(0)
		a.activity = append(a.activity, e)
		a.actMu.Unlock()
	}
	return nil
}

// ListActivity implements store.ActivityLog.
func (s *Store) ListActivity(ctx context.Context, accountID string, q store.ActivityQuery) ([]store.ActivityEntry, error) {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	a.actMu.Lock()
	defer a.actMu.Unlock()
	out := []store.ActivityEntry{}
	for i := len(a.activity) - 1; i >= 0 && len(out) < limit; i-- {
		e := a.activity[i]
		if q.Before != 0 && e.ID >= q.Before {
			continue
		}
		if q.ErrorsOnly && e.Status < 400 {
			continue
		}
		if q.Search != "" && !strings.EqualFold(e.Name, q.Search) && !strings.EqualFold(e.ResourceID, q.Search) && !strings.EqualFold(e.ActorID, q.Search) {
			continue
		}
		out = append(out, e)
	}
	return out, nil
}

// PruneActivity implements store.ActivityLog.
func (s *Store) PruneActivity(ctx context.Context, accountID string, before time.Time, keep int) (int, error) {
	a, err := s.account(ctx, accountID)
	if err != nil {
		return 0, err
	}
	a.actMu.Lock()
	defer a.actMu.Unlock()
	n := len(a.activity)
	a.activity = slices.DeleteFunc(a.activity, func(e store.ActivityEntry) bool { return e.Time.Before(before) })
	if keep > 0 && len(a.activity) > keep {
		a.activity = slices.Delete(a.activity, 0, len(a.activity)-keep)
	}
	a.activity = slices.Clip(a.activity)
	return n - len(a.activity), nil
}

// TouchTokens implements store.TokenUsage.
func (s *Store) TouchTokens(ctx context.Context, uses []store.TokenUse) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, u := range uses {
		a := s.accounts[u.AccountID]
		if a == nil || !slices.ContainsFunc(a.tokens, func(t *store.Token) bool { return t.ID == u.TokenID }) {
			continue
		}
		a.actMu.Lock()
		if a.tokenUse == nil {
			a.tokenUse = map[string]time.Time{}
		}
		if at := u.At.Round(0); at.After(a.tokenUse[u.TokenID]) {
			a.tokenUse[u.TokenID] = at
		}
		a.actMu.Unlock()
	}
	return nil
}

// TokensLastUsed implements store.TokenUsage.
func (s *Store) TokensLastUsed(ctx context.Context, accountID string) (map[string]time.Time, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	a := s.accounts[accountID]
	if a == nil {
		return nil, fmt.Errorf("memstore: account %q: %w", accountID, store.ErrNotFound)
	}
	a.actMu.Lock()
	defer a.actMu.Unlock()
	out := map[string]time.Time{}
	for _, t := range a.tokens {
		if at, ok := a.tokenUse[t.ID]; ok {
			out[t.ID] = at
		}
	}
	return out, nil
}
