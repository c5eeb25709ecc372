package storekit

import (
	"context"
	"time"

	"github.com/scimkit/scimkit/store"
)

// Backend is the storage a custom adapter provides: transactions over
// plain records. Wrap builds the whole store.Store contract on it, so a
// Backend never checks a version, a uniqueness rule or a member id,
// evaluates a filter, pages a list, decides or numbers an event, or runs
// a lease: it reads and writes what it is told to, inside transactions
// that keep the contract's atomicity.
//
// Every method of Reader and Tx receives the context of the call; errors
// other than store.ErrNotFound (and store.ErrConflict from the inserts,
// see Tx) end the operation and are returned to the caller as they are,
// so wrap database errors without matching store's sentinels.
type Backend interface {
	// View runs fn with a Reader that sees one consistent state of the
	// data (a read-only transaction: REPEATABLE READ on PostgreSQL, a
	// deferred transaction on SQLite, a read lock in memory) and returns
	// fn's error.
	View(ctx context.Context, fn func(r Reader) error) error

	// Update runs fn in one read-write transaction and commits it if fn
	// returns nil; if fn returns an error (or panics: roll back in a
	// defer), nothing fn wrote persists and Update returns that error
	// (wrapped or not). Wrap calls it with the
	// account the write concerns (the new account's id for
	// CreateAccount).
	//
	// Update calls with the same accountID must be serialisable: each
	// runs as if no other ran at the same time, from its first read to
	// its commit, in every process sharing the data. That is what keeps
	// check-then-write atomic (a userName taken between the check and the
	// insert, a version changed between the read and the write) and the
	// feed gapless (its sequence numbers are read and written in the same
	// transaction as the change). SQLite's BEGIN IMMEDIATE, a lock on the
	// account's row (SELECT ... FOR UPDATE on PostgreSQL) or a mutex in
	// memory each give it; READ COMMITTED without such a lock does not.
	// Updates of different accounts may run in parallel. Update may run
	// fn again after an attempt the database aborted (a deadlock, a
	// serialisation failure): the fn Wrap passes starts from its reads
	// each time.
	Update(ctx context.Context, accountID string, fn func(tx Tx) error) error
}

// Reader reads records. Every value it returns is the caller's: it shares
// no memory (slices, maps) with what the backend keeps. A missing record
// is an error matching store.ErrNotFound; an account's users, groups and
// tokens are only ever asked for after the account was read, so an
// adapter need not check the account itself.
type Reader interface {
	// Account returns the account with the id, or store.ErrNotFound.
	Account(ctx context.Context, id string) (store.Account, error)
	// AccountIDs returns every account id, in creation order.
	AccountIDs(ctx context.Context) ([]string, error)

	// TokenByHash returns the token with the hash, in any account, or
	// store.ErrNotFound.
	TokenByHash(ctx context.Context, hash [32]byte) (store.Token, error)
	// Tokens returns the account's tokens in creation order.
	Tokens(ctx context.Context, accountID string) ([]store.Token, error)

	// User returns the user with the id, or store.ErrNotFound.
	User(ctx context.Context, accountID, id string) (store.User, error)
	// EachUser calls fn with each of the account's users, in creation
	// order (the order InsertUser was called), until fn returns false.
	// Wrap calls no other method of the Reader from fn.
	EachUser(ctx context.Context, accountID string, fn func(store.User) bool) error

	// Group returns the group with the id, or store.ErrNotFound.
	Group(ctx context.Context, accountID, id string) (store.Group, error)
	// EachGroup is EachUser for groups.
	EachGroup(ctx context.Context, accountID string, fn func(store.Group) bool) error
	// Members returns the ids of the group's members in the order they
	// were added (empty for an empty group). Wrap calls it only for a
	// group that exists.
	Members(ctx context.Context, accountID, groupID string) ([]string, error)

	// LastSeq returns the Seq of the last event ever appended to the
	// account's feed, 0 if none; pruned events count (it is a counter
	// kept with the account, not the largest Seq still stored).
	LastSeq(ctx context.Context, accountID string) (int64, error)
	// Events returns up to limit (> 0) of the account's events with
	// Seq > after, in Seq order.
	Events(ctx context.Context, accountID string, after int64, limit int) ([]store.Event, error)
	// Consumer returns the named consumer's state in the account; the
	// zero Consumer if it has none.
	Consumer(ctx context.Context, name, accountID string) (Consumer, error)
}

// Consumer is a feed consumer's delivery state in one account: its cursor
// and lease, which Wrap reads and writes whole.
type Consumer struct {
	// Cursor is the last sequence number delivered.
	Cursor int64
	// Holder holds the lease until Until; "" when free.
	Holder string
	Until  time.Time
}

// Tx is a Reader inside an Update transaction, with the writes. Wrap has
// checked everything before it writes: the record exists (for updates and
// deletes), the values are valid and unique, the member ids are users.
// Values passed in are the backend's to keep (Wrap does not touch them
// afterwards).
//
// Times arrive with at most microsecond precision in UTC (Wrap's clock);
// a backend stores them so that they read back Equal (microseconds or
// better). Zero times (InvitedAt and the like) must read back as zero.
type Tx interface {
	Reader

	// InsertAccount stores a new account. It may report store.ErrConflict
	// if the id is taken (Wrap has checked inside this transaction; a
	// unique key that also says so is harmless).
	InsertAccount(ctx context.Context, a store.Account) error
	// UpdateAccount replaces the stored account a.ID.
	UpdateAccount(ctx context.Context, a store.Account) error

	// InsertToken stores a new token (every field set). A backend whose
	// Update serialises by account only must refuse a hash stored in
	// another account with store.ErrConflict (a unique key on the hash):
	// Wrap checks this transaction's view, which another account's
	// concurrent insert is not part of.
	InsertToken(ctx context.Context, t store.Token) error
	// DeleteToken deletes the account's token with the id.
	DeleteToken(ctx context.Context, accountID, id string) error

	// InsertUser stores a new user and returns its id. u.ID holds a
	// fresh id from Wrap's generator; a backend whose keys are its own
	// (an autoincrement column) ignores it and returns its key instead,
	// which must never be reused within the account. Every other field
	// is set, Created, Modified and Version included.
	InsertUser(ctx context.Context, accountID string, u store.User) (string, error)
	// UpdateUser replaces every field of the stored user u.ID (but ID
	// and Created).
	UpdateUser(ctx context.Context, accountID string, u store.User) error
	// DeleteUser deletes the user. Wrap has removed its memberships
	// first.
	DeleteUser(ctx context.Context, accountID, id string) error

	// InsertGroup stores a new group without members and returns its id,
	// as InsertUser.
	InsertGroup(ctx context.Context, accountID string, g store.Group) (string, error)
	// UpdateGroup replaces every field of the stored group g.ID (but ID
	// and Created).
	UpdateGroup(ctx context.Context, accountID string, g store.Group) error
	// DeleteGroup deletes the group and its memberships.
	DeleteGroup(ctx context.Context, accountID, id string) error
	// AddMembers appends the ids, in order, to the group's members. Wrap
	// passes only ids of users that are not members yet, each once.
	AddMembers(ctx context.Context, accountID, groupID string, ids []string) error
	// RemoveMembers removes the ids from the group's members. Wrap
	// passes only ids that are members, each once.
	RemoveMembers(ctx context.Context, accountID, groupID string, ids []string) error

	// AppendEvents stores evs (stamped: Seq runs on from LastSeq without
	// gap) and makes LastSeq the Seq of the last one. The events are
	// part of the transaction: they commit with the change or not at
	// all. store.Event's MarshalJSON gives a form to store them in.
	AppendEvents(ctx context.Context, accountID string, evs []store.Event) error
	// PruneEvents deletes the account's events whose Time is before
	// before, leaving LastSeq alone, and returns how many it deleted.
	PruneEvents(ctx context.Context, accountID string, before time.Time) (int, error)
	// PutConsumer stores the named consumer's state in the account.
	PutConsumer(ctx context.Context, name, accountID string, c Consumer) error
}

// The optional fast paths. A Reader (and so a Tx) may implement any of
// these interfaces; Wrap finds them by type assertion on the value View
// and Update pass to fn and uses them instead of its portable fallback.
// Each fallback is correct for every input; a fast path only has to be
// quicker, and must give the same answers (storetest.RunSameAnswers
// compares the two on one backend; Wrap's FallbacksOnly option turns the
// fast paths off to get the other side).

// UserFinder looks users up by index.
//
// If a Reader does not implement UserFinder, Wrap answers UserByUserName,
// UserByExternalID and UsersByEmail, and checks the uniqueness of
// userName, externalId and email values on every CreateUser and
// UpdateUser, by calling EachUser over the account: O(n) per call, which
// makes an import of n users O(n²). At 100,000 users a lookup costs about
// 9 ms over an in-memory backend (memstore's index: 0.2 µs) and 0.35 s
// over SQLite (the adapter's index: 0.1 ms). Implement it as soon as an
// account may hold more than a few thousand users; with an index on the
// folded keys it is O(log n).
type UserFinder interface {
	// UserByUserName returns the user whose store.Fold(UserName) equals
	// store.Fold(userName) (compute the folded key with store.Fold and
	// keep it in an indexed column; never a database's lower()), or
	// store.ErrNotFound.
	UserByUserName(ctx context.Context, accountID, userName string) (store.User, error)
	// UserByExternalID returns the user with the externalId (case-exact,
	// never called with ""), or store.ErrNotFound.
	UserByExternalID(ctx context.Context, accountID, externalID string) (store.User, error)
	// UsersByEmail returns the users with an email whose Fold equals
	// store.Fold(email), each once, in creation order.
	UsersByEmail(ctx context.Context, accountID, email string) ([]store.User, error)
}

// GroupFinder looks groups up by index.
//
// If a Reader does not implement GroupFinder, Wrap answers
// GroupByDisplayName and GroupByExternalID, and checks their uniqueness on
// writes, with EachGroup (O(groups) per call); GroupsOfUser, and DeleteUser
// which must find the groups it leaves, call Members for every group of
// the account (O(groups + memberships)). Implement it when accounts have
// more than a few hundred groups, or when users are deleted often.
type GroupFinder interface {
	// GroupByDisplayName returns the group whose displayName folds
	// (store.Fold) to the same as name, or store.ErrNotFound.
	GroupByDisplayName(ctx context.Context, accountID, name string) (store.Group, error)
	// GroupByExternalID returns the group with the externalId
	// (case-exact, never called with ""), or store.ErrNotFound.
	GroupByExternalID(ctx context.Context, accountID, externalID string) (store.Group, error)
	// GroupsOfUser returns the groups the user is a member of, in group
	// creation order.
	GroupsOfUser(ctx context.Context, accountID, userID string) ([]store.Group, error)
}

// UserQuerier lists users natively: a filter translated to the backend's
// query language, a count and an offset.
//
// If a Reader does not implement UserQuerier, or returns an error
// matching errors.ErrUnsupported for a filter it does not translate, Wrap
// evaluates the filter with CompileUser on every user EachUser yields,
// counts the matches and keeps the page: O(n) per page, whatever the
// page size. Measured at 100,000 users (BenchmarkWrap here,
// BenchmarkFastPaths in examples/hostadapter): about 25 ms per page over
// an in-memory backend that copies each user (250 ns a user, against
// memstore's 60 µs page), 0.75 s over SQLite (against 10 ms natively);
// the backend's reading dominates. A host whose accounts stay in the
// thousands of users can live with it; above that, or for hosts whose
// IdPs page through all users often (Okta's import), translate at least
// the nil filter (COUNT plus LIMIT/OFFSET) and eq on userName,
// externalId and emails.value, and return errors.ErrUnsupported for the
// rest.
type UserQuerier interface {
	// QueryUsers returns the page of the account's users matching f (nil:
	// all) from the 1-based position start (>= 1), at most count (>= 0)
	// users, in creation order, and the total number of matches. f has
	// been validated (CompileUser accepted it).
	QueryUsers(ctx context.Context, accountID string, f store.Filter, start, count int) (store.UserPage, error)
}

// GroupQuerier is UserQuerier for groups; its fallback evaluates
// CompileGroup on every group EachGroup yields, reading Members for each
// one when the filter names members.
type GroupQuerier interface {
	QueryGroups(ctx context.Context, accountID string, f store.Filter, start, count int) (store.GroupPage, error)
}
