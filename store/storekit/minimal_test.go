package storekit_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/storekit"
)

// minimal is a storekit.Backend with the required methods only: no
// finder, no querier, no member tester. Everything else comes from Wrap's
// fallbacks; TestMinimal proves them complete with the whole suite.
//
// One RWMutex serialises the writes (Update holds it from the first read
// to the commit) and lets reads share a consistent state; an undo log
// rolls back a failed transaction.
type minimal struct {
	mu       sync.RWMutex
	accounts map[string]*macct
	order    []string
	tokens   map[[32]byte]store.Token
}

type macct struct {
	a       store.Account
	tokens  []store.Token
	users   []*store.User // creation order; nil once deleted
	userAt  map[string]int
	groups  []*store.Group
	groupAt map[string]int
	members map[string][]string
	events  []store.Event
	last    int64
	cons    map[string]storekit.Consumer
}

func newMinimal() *minimal {
	return &minimal{accounts: map[string]*macct{}, tokens: map[[32]byte]store.Token{}}
}

func (m *minimal) View(ctx context.Context, fn func(storekit.Reader) error) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return fn(&mtx{m: m})
}

func (m *minimal) Update(ctx context.Context, _ string, fn func(storekit.Tx) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	tx := &mtx{m: m}
	if err := fn(tx); err != nil {
		for i := len(tx.undo) - 1; i >= 0; i-- {
			tx.undo[i]()
		}
		return err
	}
	return nil
}

// mtx is a transaction: reads, and writes that log their undo.
type mtx struct {
	m    *minimal
	undo []func()
}

func (t *mtx) onUndo(f func()) { t.undo = append(t.undo, f) }

func notFound(what, id string) error {
	return fmt.Errorf("minimal: %s %q: %w", what, id, store.ErrNotFound)
}

func (t *mtx) acct(id string) *macct { return t.m.accounts[id] }

func (t *mtx) Account(_ context.Context, id string) (store.Account, error) {
	a := t.acct(id)
	if a == nil {
		return store.Account{}, notFound("account", id)
	}
	return a.a.Clone(), nil
}

func (t *mtx) AccountIDs(context.Context) ([]string, error) { return slices.Clone(t.m.order), nil }

func (t *mtx) TokenByHash(_ context.Context, h [32]byte) (store.Token, error) {
	tok, ok := t.m.tokens[h]
	if !ok {
		return store.Token{}, notFound("token", "")
	}
	return tok, nil
}

func (t *mtx) Tokens(_ context.Context, acct string) ([]store.Token, error) {
	return slices.Clone(t.acct(acct).tokens), nil
}

func (t *mtx) User(_ context.Context, acct, id string) (store.User, error) {
	a := t.acct(acct)
	if i, ok := a.userAt[id]; ok {
		return a.users[i].Clone(), nil
	}
	return store.User{}, notFound("user", id)
}

func (t *mtx) EachUser(_ context.Context, acct string, fn func(store.User) bool) error {
	for _, u := range t.acct(acct).users {
		if u != nil && !fn(u.Clone()) {
			break
		}
	}
	return nil
}

func (t *mtx) Group(_ context.Context, acct, id string) (store.Group, error) {
	a := t.acct(acct)
	if i, ok := a.groupAt[id]; ok {
		return *a.groups[i], nil
	}
	return store.Group{}, notFound("group", id)
}

func (t *mtx) EachGroup(_ context.Context, acct string, fn func(store.Group) bool) error {
	for _, g := range t.acct(acct).groups {
		if g != nil && !fn(*g) {
			break
		}
	}
	return nil
}

func (t *mtx) Members(_ context.Context, acct, id string) ([]string, error) {
	return slices.Clone(t.acct(acct).members[id]), nil
}

func (t *mtx) LastSeq(_ context.Context, acct string) (int64, error) { return t.acct(acct).last, nil }

func (t *mtx) Events(_ context.Context, acct string, after int64, limit int) ([]store.Event, error) {
	var out []store.Event
	for _, e := range t.acct(acct).events {
		if e.Seq > after && len(out) < limit {
			out = append(out, e.Clone())
		}
	}
	return out, nil
}

func (t *mtx) Consumer(_ context.Context, name, acct string) (storekit.Consumer, error) {
	return t.acct(acct).cons[name], nil
}

func (t *mtx) InsertAccount(_ context.Context, a store.Account) error {
	t.m.accounts[a.ID] = &macct{a: a, userAt: map[string]int{}, groupAt: map[string]int{},
		members: map[string][]string{}, cons: map[string]storekit.Consumer{}}
	t.m.order = append(t.m.order, a.ID)
	t.onUndo(func() { delete(t.m.accounts, a.ID); t.m.order = t.m.order[:len(t.m.order)-1] })
	return nil
}

func (t *mtx) UpdateAccount(_ context.Context, a store.Account) error {
	acct := t.acct(a.ID)
	old := acct.a
	acct.a = a
	t.onUndo(func() { acct.a = old })
	return nil
}

func (t *mtx) InsertToken(_ context.Context, tok store.Token) error {
	a := t.acct(tok.AccountID)
	t.m.tokens[tok.Hash] = tok
	a.tokens = append(a.tokens, tok)
	t.onUndo(func() { delete(t.m.tokens, tok.Hash); a.tokens = a.tokens[:len(a.tokens)-1] })
	return nil
}

func (t *mtx) DeleteToken(_ context.Context, acct, id string) error {
	a := t.acct(acct)
	old := slices.Clone(a.tokens)
	a.tokens = slices.DeleteFunc(a.tokens, func(tok store.Token) bool {
		if tok.ID == id {
			delete(t.m.tokens, tok.Hash)
			return true
		}
		return false
	})
	t.onUndo(func() {
		a.tokens = old
		for _, tok := range old {
			t.m.tokens[tok.Hash] = tok
		}
	})
	return nil
}

func (t *mtx) InsertUser(_ context.Context, acct string, u store.User) (string, error) {
	a := t.acct(acct)
	a.userAt[u.ID] = len(a.users)
	a.users = append(a.users, &u)
	t.onUndo(func() { delete(a.userAt, u.ID); a.users = a.users[:len(a.users)-1] })
	return u.ID, nil
}

func (t *mtx) UpdateUser(_ context.Context, acct string, u store.User) error {
	a := t.acct(acct)
	i := a.userAt[u.ID]
	old := a.users[i]
	a.users[i] = &u
	t.onUndo(func() { a.users[i] = old })
	return nil
}

func (t *mtx) DeleteUser(_ context.Context, acct, id string) error {
	a := t.acct(acct)
	i := a.userAt[id]
	old := a.users[i]
	a.users[i] = nil
	delete(a.userAt, id)
	t.onUndo(func() { a.users[i] = old; a.userAt[id] = i })
	return nil
}

func (t *mtx) InsertGroup(_ context.Context, acct string, g store.Group) (string, error) {
	a := t.acct(acct)
	a.groupAt[g.ID] = len(a.groups)
	a.groups = append(a.groups, &g)
	t.onUndo(func() { delete(a.groupAt, g.ID); a.groups = a.groups[:len(a.groups)-1] })
	return g.ID, nil
}

func (t *mtx) UpdateGroup(_ context.Context, acct string, g store.Group) error {
	a := t.acct(acct)
	i := a.groupAt[g.ID]
	old := a.groups[i]
	a.groups[i] = &g
	t.onUndo(func() { a.groups[i] = old })
	return nil
}

func (t *mtx) DeleteGroup(_ context.Context, acct, id string) error {
	a := t.acct(acct)
	i := a.groupAt[id]
	old, ms := a.groups[i], a.members[id]
	a.groups[i] = nil
	delete(a.groupAt, id)
	delete(a.members, id)
	t.onUndo(func() { a.groups[i] = old; a.groupAt[id] = i; a.members[id] = ms })
	return nil
}

func (t *mtx) setMembers(acct, id string, ms []string) {
	a := t.acct(acct)
	old := a.members[id]
	a.members[id] = ms
	t.onUndo(func() { a.members[id] = old })
}

func (t *mtx) AddMembers(_ context.Context, acct, id string, ids []string) error {
	t.setMembers(acct, id, append(slices.Clone(t.acct(acct).members[id]), ids...))
	return nil
}

func (t *mtx) RemoveMembers(_ context.Context, acct, id string, ids []string) error {
	ms := slices.DeleteFunc(slices.Clone(t.acct(acct).members[id]), func(m string) bool { return slices.Contains(ids, m) })
	t.setMembers(acct, id, ms)
	return nil
}

func (t *mtx) AppendEvents(_ context.Context, acct string, evs []store.Event) error {
	a := t.acct(acct)
	n, last := len(a.events), a.last
	a.events = append(a.events, evs...)
	a.last = evs[len(evs)-1].Seq
	t.onUndo(func() { a.events, a.last = a.events[:n], last })
	return nil
}

func (t *mtx) PruneEvents(_ context.Context, acct string, before time.Time) (int, error) {
	a := t.acct(acct)
	old := a.events
	a.events = slices.DeleteFunc(slices.Clone(a.events), func(e store.Event) bool { return e.Time.Before(before) })
	t.onUndo(func() { a.events = old })
	return len(old) - len(a.events), nil
}

func (t *mtx) PutConsumer(_ context.Context, name, acct string, c storekit.Consumer) error {
	a := t.acct(acct)
	old, had := a.cons[name]
	a.cons[name] = c
	t.onUndo(func() {
		if had {
			a.cons[name] = old
		} else {
			delete(a.cons, name)
		}
	})
	return nil
}
