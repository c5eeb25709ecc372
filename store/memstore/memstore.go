package memstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/scimkit/scimkit/store"
)

var (
	_ store.Store        = (*Store)(nil)
	_ store.NamedMembers = (*Store)(nil)
)

// Store is the in-memory store. Create it with New; the zero value is not
// usable. It is safe for concurrent use by multiple goroutines.
type Store struct {
	now   func() time.Time
	newID func() string

	// mu guards everything below, including every account's settings and
	// tokens. Users and groups are guarded by their account's own lock.
	mu           sync.RWMutex
	accounts     map[string]*account
	accountOrder []string
	tokens       map[[32]byte]*store.Token
}

// Option configures a Store.
type Option func(*Store)

// WithClock sets the clock the store reads for Created and Modified times.
// The default (also used for nil) is time.Now. Times are stored without
// their monotonic clock reading.
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.now = now }
}

// WithIDs sets the generator of user, group and token ids. It must return a
// new, unique, non-empty string on every call (a create that gets an id
// already in use fails). The default (also used for nil) returns 128
// random bits from crypto/rand as 32 lower-case hex digits.
func WithIDs(newID func() string) Option {
	return func(s *Store) { s.newID = newID }
}

// New returns an empty store.
func New(opts ...Option) *Store {
	s := &Store{
		now:      time.Now,
		newID:    randomID,
		accounts: make(map[string]*account),
		tokens:   make(map[[32]byte]*store.Token),
	}
	for _, o := range opts {
		o(s)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.newID == nil {
		s.newID = randomID
	}
	return s
}

func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// clock returns the current time without its monotonic reading, so that
// stored times compare by wall clock only.
func (s *Store) clock() time.Time { return s.now().Round(0) }

// account is one tenant: its settings and tokens (guarded by Store.mu) and
// its users and groups (guarded by mu).
type account struct {
	id     string // acct.ID, readable without Store.mu
	acct   store.Account
	tokens []*store.Token // creation order

	// feedMu guards feed; it is taken inside mu or Store.mu, never the
	// other way round.
	feedMu sync.Mutex
	feed   feed

	// actMu guards the activity log and the tokens' last use; it is
	// taken alone or inside Store.mu's read lock.
	actMu    sync.Mutex
	activity []store.ActivityEntry // oldest first
	actSeq   int64
	tokenUse map[string]time.Time

	mu    sync.RWMutex
	users seqList[*userRec]
	// Indexes of users: by id, Fold(userName), externalId (non-empty only)
	// and Fold(email value) (non-empty values; unique per account).
	userByID         map[string]*userRec
	userByName       map[string]*userRec
	userByExternalID map[string]*userRec
	userByEmail      map[string]*userRec

	groups            seqList[*groupRec]
	groupByID         map[string]*groupRec
	groupByName       map[string]*groupRec // by Fold(displayName)
	groupByExternalID map[string]*groupRec // non-empty only
	// groupsOfUser is the reverse membership index: user id -> its groups.
	groupsOfUser map[string]map[*groupRec]struct{}
	// awaiting holds the users a reminder may still be claimed for:
	// invited, with InvitedAt set and no RemindedAt.
	awaiting map[*userRec]struct{}
}

func newAccount(a store.Account) *account {
	return &account{
		id:                a.ID,
		acct:              a,
		userByID:          make(map[string]*userRec),
		userByName:        make(map[string]*userRec),
		userByExternalID:  make(map[string]*userRec),
		userByEmail:       make(map[string]*userRec),
		groupByID:         make(map[string]*groupRec),
		groupByName:       make(map[string]*groupRec),
		groupByExternalID: make(map[string]*groupRec),
		groupsOfUser:      make(map[string]map[*groupRec]struct{}),
		awaiting:          make(map[*userRec]struct{}),
	}
}

// account returns the account with the id, or ErrNotFound.
func (s *Store) account(ctx context.Context, id string) (*account, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	a := s.accounts[id]
	s.mu.RUnlock()
	if a == nil {
		return nil, fmt.Errorf("memstore: account %q: %w", id, store.ErrNotFound)
	}
	return a, nil
}

// CreateAccount implements store.Accounts.
func (s *Store) CreateAccount(ctx context.Context, a store.Account) (store.Account, error) {
	if err := ctx.Err(); err != nil {
		return store.Account{}, err
	}
	if err := store.CheckAccountID(a.ID); err != nil {
		return store.Account{}, fmt.Errorf("memstore: %w", err)
	}
	a = a.Clone()
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.accounts[a.ID]; ok {
		return store.Account{}, &store.ConflictError{Attribute: "id", Value: a.ID}
	}
	a.Created = s.clock()
	a.Modified = a.Created
	a.Version = 1
	na := newAccount(a)
	s.accounts[a.ID] = na
	s.accountOrder = append(s.accountOrder, a.ID)
	s.appendEvents(ctx, na, store.AccountEvents(nil, &a))
	return a.Clone(), nil
}

// GetAccount implements store.Accounts.
func (s *Store) GetAccount(ctx context.Context, id string) (store.Account, error) {
	if err := ctx.Err(); err != nil {
		return store.Account{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	a := s.accounts[id]
	if a == nil {
		return store.Account{}, fmt.Errorf("memstore: account %q: %w", id, store.ErrNotFound)
	}
	return a.acct.Clone(), nil
}

// UpdateAccount implements store.Accounts.
func (s *Store) UpdateAccount(ctx context.Context, a store.Account) (store.Account, error) {
	if err := ctx.Err(); err != nil {
		return store.Account{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	stored := s.accounts[a.ID]
	if stored == nil {
		return store.Account{}, fmt.Errorf("memstore: account %q: %w", a.ID, store.ErrNotFound)
	}
	if stored.acct.Version != a.Version {
		return store.Account{}, fmt.Errorf("memstore: account %q is at version %d, not %d: %w",
			a.ID, stored.acct.Version, a.Version, store.ErrVersionMismatch)
	}
	before := stored.acct.Clone()
	stored.acct.ProvisioningEnabled = a.ProvisioningEnabled
	stored.acct.AllowedDomains = slices.Clone(a.AllowedDomains)
	stored.acct.IdP = a.IdP
	stored.acct.Modified = s.clock()
	stored.acct.Version++
	after := stored.acct.Clone()
	s.appendEvents(ctx, stored, store.AccountEvents(&before, &after))
	return stored.acct.Clone(), nil
}

// AccountIDs implements store.Accounts.
func (s *Store) AccountIDs(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]string{}, s.accountOrder...), nil
}

// AddToken implements store.Tokens.
func (s *Store) AddToken(ctx context.Context, accountID string, t store.Token) (store.Token, error) {
	if err := ctx.Err(); err != nil {
		return store.Token{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[accountID]
	if a == nil {
		return store.Token{}, fmt.Errorf("memstore: account %q: %w", accountID, store.ErrNotFound)
	}
	if _, ok := s.tokens[t.Hash]; ok {
		return store.Token{}, fmt.Errorf("memstore: token hash already stored: %w", store.ErrConflict)
	}
	t.ID = s.newID()
	t.AccountID = accountID
	t.Created = s.clock()
	rec := &t
	s.tokens[t.Hash] = rec
	a.tokens = append(a.tokens, rec)
	s.appendEvents(ctx, a, []store.Event{store.TokenEvent(store.TokenMinted, t)})
	return t, nil
}

// TokenByHash implements store.Tokens.
func (s *Store) TokenByHash(ctx context.Context, hash [32]byte) (store.Token, error) {
	if err := ctx.Err(); err != nil {
		return store.Token{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	t := s.tokens[hash]
	if t == nil {
		return store.Token{}, fmt.Errorf("memstore: token: %w", store.ErrNotFound)
	}
	return *t, nil
}

// ListTokens implements store.Tokens.
func (s *Store) ListTokens(ctx context.Context, accountID string) ([]store.Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	a := s.accounts[accountID]
	if a == nil {
		return nil, fmt.Errorf("memstore: account %q: %w", accountID, store.ErrNotFound)
	}
	out := make([]store.Token, len(a.tokens))
	for i, t := range a.tokens {
		out[i] = *t
	}
	return out, nil
}

// RevokeToken implements store.Tokens.
func (s *Store) RevokeToken(ctx context.Context, accountID, tokenID string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[accountID]
	if a == nil {
		return fmt.Errorf("memstore: account %q: %w", accountID, store.ErrNotFound)
	}
	i := slices.IndexFunc(a.tokens, func(t *store.Token) bool { return t.ID == tokenID })
	if i < 0 {
		return fmt.Errorf("memstore: token %q: %w", tokenID, store.ErrNotFound)
	}
	revoked := *a.tokens[i]
	delete(s.tokens, revoked.Hash)
	a.tokens = slices.Delete(a.tokens, i, i+1)
	s.appendEvents(ctx, a, []store.Event{store.TokenEvent(store.TokenRevoked, revoked)})
	return nil
}
