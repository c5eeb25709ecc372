package store

import (
	"context"
	"time"
)

// ActivityKind tells what an ActivityEntry records.
type ActivityKind string

// The activity kinds.
const (
	// ActivitySCIM: one SCIM request of the identity provider (or, for
	// successful reads, Count of them within one minute).
	ActivitySCIM ActivityKind = "scim"
	// ActivityAdmin: an action of an owner or administrator on the
	// provisioning settings (the console records these).
	ActivityAdmin ActivityKind = "admin"
)

// ActivityEntry is one line of an account's activity log: what the IdP
// asked, what it got and why, or what an admin did. It never holds a
// token, a password or a request body.
type ActivityEntry struct {
	// ID is set by the store: it grows with every entry appended to the
	// account (the log's order), and names the entry for paging.
	ID int64
	// AccountID is the account the entry belongs to.
	AccountID string
	// Time is when the request started (for aggregated reads: the start
	// of their minute).
	Time time.Time
	Kind ActivityKind

	// Method and Path are the HTTP request's (the path relative to the
	// SCIM base URL, without the query).
	Method string
	Path   string
	// ResourceType ("User", "Group", or empty) and ResourceID name the
	// record the request was about, when there is one.
	ResourceType string
	ResourceID   string
	// Name is the userName or displayName the request carried or the
	// record has, so that an admin can find "why did alice not arrive".
	Name string
	// Status is the HTTP status answered; SCIMType and Detail the SCIM
	// error's scimType and detail (empty on success).
	Status   int
	SCIMType string
	Detail   string
	// Latency is how long the request took.
	Latency time.Duration
	// UserAgent is the client's User-Agent header (truncated).
	UserAgent string
	// TokenID is the id of the token the request authenticated with
	// (never the token).
	TokenID string
	// Count is how many requests the entry stands for: 1 for every
	// write and every failure; successful reads of one minute may be
	// aggregated into one entry per method, resource type and path kind.
	Count int

	// ActorID and Action are, for ActivityAdmin entries, the member who
	// acted and what they did ("turned provisioning on").
	ActorID string
	Action  string
}

// Failed reports whether the entry records a refused or failed request.
func (e ActivityEntry) Failed() bool { return e.Status >= 400 }

// ActivityQuery selects entries for ListActivity.
type ActivityQuery struct {
	// Before, when not zero, returns only entries with ID < Before (the
	// next page after the last ID seen).
	Before int64
	// Limit is the most entries returned; <= 0 means 50.
	Limit int
	// ErrorsOnly keeps entries with Status >= 400.
	ErrorsOnly bool
	// Search keeps entries whose Name, ResourceID or ActorID equals it
	// case-insensitively (a user's userName or id).
	Search string
}

// ActivityLog is the optional storage of the activity log. An adapter
// that implements it (memstore, sqlstore) lets scim.WithActivity record
// what the IdP did, and the console show it; callers find it by type
// assertion on their store.Store.
type ActivityLog interface {
	// AppendActivity stores the entries, which may belong to several
	// accounts, in their order, assigning each its ID. Entries of an
	// account that does not exist are dropped without error (it may
	// have been deleted meanwhile). The store keeps AccountID, Time (to
	// the microsecond at least) and every field as given.
	AppendActivity(ctx context.Context, entries []ActivityEntry) error

	// ListActivity returns the account's entries matching q, newest (the
	// highest ID) first. ErrNotFound if the account does not exist.
	ListActivity(ctx context.Context, accountID string, q ActivityQuery) ([]ActivityEntry, error)

	// PruneActivity deletes the account's entries older than before and
	// all but the newest keep entries (keep <= 0: no count limit), and
	// returns how many it deleted. ErrNotFound if the account does not
	// exist.
	PruneActivity(ctx context.Context, accountID string, before time.Time, keep int) (int, error)
}

// TokenUse is one token's last use, as TokenUsage stores it.
type TokenUse struct {
	AccountID string
	TokenID   string
	At        time.Time
}

// TokenUsage is the optional storage of the tokens' last use. Callers
// (scim.WithActivity through its recorder) write it at most once a minute
// per token, never once per request.
type TokenUsage interface {
	// TouchTokens records the uses: a token's stored last use becomes
	// At unless it is already later. Unknown or revoked tokens are
	// ignored.
	TouchTokens(ctx context.Context, uses []TokenUse) error

	// TokensLastUsed returns, for the account's tokens that were ever
	// used, token id -> last use. ErrNotFound if the account does not
	// exist.
	TokensLastUsed(ctx context.Context, accountID string) (map[string]time.Time, error)
}
