package store

import (
	"context"
	"time"
)

// Store is everything scimkit needs from storage. Adapters implement it as
// one value; the SCIM layer, package linking and the conformance suite take
// it whole. See the package documentation for the rules every method
// shares (context, account scoping, atomicity, concurrency, copies, errors)
// and for the change feed every write appends to ("The change feed").
type Store interface {
	Accounts
	Tokens
	Users
	Groups
	Reminders
	Feed
}

// Accounts stores the tenants and their settings.
type Accounts interface {
	// CreateAccount stores a new account with the host-chosen a.ID
	// (required, else ErrInvalid). It fails with ErrConflict if the id is
	// taken. The store sets Created, Modified and Version (1).
	CreateAccount(ctx context.Context, a Account) (Account, error)

	// GetAccount returns the account, or ErrNotFound.
	GetAccount(ctx context.Context, id string) (Account, error)

	// UpdateAccount replaces the settings of account a.ID
	// (ProvisioningEnabled, AllowedDomains, IdP) if its stored version is still
	// a.Version, else fails with ErrVersionMismatch and changes nothing.
	// ErrNotFound if there is no such account. Returns the stored account
	// with its new version.
	UpdateAccount(ctx context.Context, a Account) (Account, error)

	// AccountIDs returns the ids of every account, in creation order.
	AccountIDs(ctx context.Context) ([]string, error)
}

// Tokens stores the hashes of bearer tokens.
type Tokens interface {
	// AddToken stores t (t.Hash and t.Label; the store sets ID, AccountID
	// and Created) for the account. ErrNotFound if the account does not
	// exist; ErrConflict (possibly a *ConflictError with Attribute "token")
	// if the same hash is already stored anywhere.
	AddToken(ctx context.Context, accountID string, t Token) (Token, error)

	// TokenByHash returns the token whose Hash equals hash, in any account,
	// or ErrNotFound. This is the one call not scoped to an account: it is
	// how a request finds its account.
	TokenByHash(ctx context.Context, hash [32]byte) (Token, error)

	// ListTokens returns the account's tokens in creation order (empty, not
	// an error, when there are none; ErrNotFound if the account does not
	// exist).
	ListTokens(ctx context.Context, accountID string) ([]Token, error)

	// RevokeToken deletes the token; ErrNotFound if the account has no
	// token with that id. A revoked token stops authenticating at once as
	// far as the store is concerned: TokenByHash no longer finds it. (The
	// SCIM handler caches verified tokens for a few seconds; revoke
	// through linking.Service.RevokeToken to drop its cache entry at once,
	// see scim.WithTokenCache.)
	RevokeToken(ctx context.Context, accountID, tokenID string) error
}

// Users stores the members of accounts.
type Users interface {
	// CreateUser stores a new user and returns it with ID, Created,
	// Modified and Version (1) set. u.ID is ignored. It fails with
	// ErrInvalid if UserName is empty or State is not a valid state, with
	// ErrConflict (a *ConflictError naming the attribute) if the userName
	// (case-insensitively), the non-empty externalId or one of the
	// non-empty email values (case-insensitively, Attribute "emails", Value
	// the email as given) is taken in the account, and with ErrNotFound if
	// the account does not exist. One user may list the same email more
	// than once (a "work" and a "home" entry); two users of an account
	// never share one. Under concurrent creates of the same userName, or
	// of different userNames with the same email, exactly one succeeds.
	CreateUser(ctx context.Context, accountID string, u User) (User, error)

	// GetUser returns the user with the id, or ErrNotFound.
	GetUser(ctx context.Context, accountID, id string) (User, error)

	// UserByUserName returns the user whose userName equals userName
	// case-insensitively, whatever its state, or ErrNotFound.
	UserByUserName(ctx context.Context, accountID, userName string) (User, error)

	// UserByExternalID returns the user with that externalId (case-exact),
	// or ErrNotFound. An empty externalId matches nothing.
	UserByExternalID(ctx context.Context, accountID, externalID string) (User, error)

	// UsersByEmail returns every user that has email among its Emails
	// values, case-insensitively, in creation order; an empty slice (not an
	// error) when there is none. Since emails are unique per account it
	// returns at most one user, except for duplicates an adapter kept
	// from before it enforced the rule (see the sqlstore upgrade notes),
	// which is why it still returns a slice.
	UsersByEmail(ctx context.Context, accountID, email string) ([]User, error)

	// ListUsers returns the page of users matching q.Filter selected by
	// q.StartIndex and q.Count, ordered by creation, and the total number
	// of matches. While the account's users do not change, consecutive
	// pages neither overlap nor skip. An unsupported filter is ErrInvalid.
	ListUsers(ctx context.Context, accountID string, q Query) (UserPage, error)

	// UpdateUser replaces the stored user u.ID with u (all fields but ID,
	// Created and Modified, which the store keeps or sets) if the stored
	// version is still u.Version; otherwise it fails with
	// ErrVersionMismatch and changes nothing. A zero u.Version sets no
	// precondition (as GroupUpdate.Version): the write applies whatever the
	// stored version. Callers that read, change and write use
	// store.UpdateUser, which always writes with the version it read.
	// Other errors are as for CreateUser (an email another user has is a
	// *ConflictError on "emails"; of concurrent updates giving two users
	// one email exactly one succeeds), and ErrNotFound for a missing
	// user. Returns the stored user with its new version.
	UpdateUser(ctx context.Context, accountID string, u User) (User, error)

	// DeleteUser removes the user and, in the same atomic step, all its
	// group memberships; each group the user leaves gets a new version and
	// Modified time. ErrNotFound if there is no such user.
	DeleteUser(ctx context.Context, accountID, id string) error

	// GroupsOfUser returns the groups the user is a member of, in group
	// creation order; ErrNotFound if there is no such user.
	GroupsOfUser(ctx context.Context, accountID, userID string) ([]Group, error)
}

// Groups stores groups and their memberships. Membership is kept as a set
// of user ids per group and changed only by deltas, so that adding one
// member costs the same whatever the size of the group.
type Groups interface {
	// CreateGroup stores a new group with the given initial members and
	// returns it with ID, Created, Modified and Version (1) set. It fails
	// with ErrInvalid if DisplayName is empty, with ErrConflict (a
	// *ConflictError) if the displayName (case-insensitively) or the
	// non-empty externalId is taken, with ErrUnknownMember (a *MemberError)
	// if a member id is not a user of the account, and with ErrNotFound if
	// the account does not exist. Nothing is stored on failure.
	CreateGroup(ctx context.Context, accountID string, g Group, members []string) (Group, error)

	// GetGroup returns the group with the id, or ErrNotFound.
	GetGroup(ctx context.Context, accountID, id string) (Group, error)

	// GroupByDisplayName returns the group whose displayName equals name
	// case-insensitively, or ErrNotFound.
	GroupByDisplayName(ctx context.Context, accountID, name string) (Group, error)

	// GroupByExternalID returns the group with that externalId
	// (case-exact), or ErrNotFound. An empty externalId matches nothing.
	GroupByExternalID(ctx context.Context, accountID, externalID string) (Group, error)

	// ListGroups is ListUsers for groups.
	ListGroups(ctx context.Context, accountID string, q Query) (GroupPage, error)

	// UpdateGroup applies upd to the group atomically: all of it or, on any
	// error, nothing. Errors: ErrNotFound (no such group),
	// ErrVersionMismatch (upd.Version set and stale), ErrConflict (new
	// displayName or externalId taken), ErrUnknownMember (an added id is
	// not a user of the account), ErrInvalid (empty displayName, an id both
	// added and removed, deltas together with ReplaceMembers). Every
	// successful call bumps the version. Returns the updated group and the
	// membership change it really applied, computed inside the write: the
	// ids that joined (in the order given, each once) and left (in the
	// order given; for ReplaceMembers, in the order they had been added),
	// leaving out ids that already were, or never were, members.
	UpdateGroup(ctx context.Context, accountID, id string, upd GroupUpdate) (Group, MemberDelta, error)

	// DeleteGroup removes the group and its memberships (never the member
	// users). ErrNotFound if there is no such group.
	DeleteGroup(ctx context.Context, accountID, id string) error

	// Members returns the ids of the group's members in the order they
	// were added (empty, not nil, for an empty group); ErrNotFound if there
	// is no such group.
	Members(ctx context.Context, accountID, groupID string) ([]string, error)
}

// Reminders hands out invite reminders so that each is sent once, even when
// several replicas run the reminder pass at the same time.
type Reminders interface {
	// ClaimReminders atomically selects up to limit users of the account
	// that are in StateInvited, were invited at or before invitedBefore
	// (InvitedAt not zero) and have no RemindedAt, sets their RemindedAt to
	// now (bumping their version), and returns them in creation order. A
	// user is returned by at most one call, ever, whatever the number of
	// concurrent callers. limit <= 0 returns nothing.
	ClaimReminders(ctx context.Context, accountID string, invitedBefore, now time.Time, limit int) ([]User, error)
}

// Feed reads an account's change feed and keeps the delivery state of its
// consumers. The events themselves are appended by the other interfaces'
// writes, in the same atomic step as each change (see the package
// documentation, "The change feed"); Feed never appends.
//
// A consumer is a name the host chooses ("webhook", "invites"); each has,
// per account, a cursor (the last sequence number delivered) and a lease
// (which replica delivers the account's events now). Both live next to the
// data, so that every replica sharing the store shares them.
type Feed interface {
	// Events returns up to limit events of the account with Seq > after,
	// in Seq order (empty, not an error, when there are none; limit <= 0
	// returns none). ErrNotFound if the account does not exist. An event a
	// concurrent write has not committed is never returned, and once a
	// caller has read Seq n it will never later see a new event below n.
	Events(ctx context.Context, accountID string, after int64, limit int) ([]Event, error)

	// PruneEvents deletes the account's events whose Time is before
	// before, whatever the consumers' cursors, and returns how many it
	// deleted. The sequence numbers of later events never change, and new
	// events continue the sequence. ErrNotFound if the account does not
	// exist.
	PruneEvents(ctx context.Context, accountID string, before time.Time) (int, error)

	// Cursor returns the consumer's last delivered sequence number in the
	// account, 0 if it never set one. ErrNotFound if the account does not
	// exist.
	Cursor(ctx context.Context, consumer, accountID string) (int64, error)

	// SetCursor records seq (>= 0, else ErrInvalid) as the consumer's last
	// delivered sequence number in the account; a lower value than the
	// stored one is allowed (a replay). ErrNotFound if the account does
	// not exist.
	SetCursor(ctx context.Context, consumer, accountID string, seq int64) error

	// Lease takes, renews or releases the consumer's lease on the account
	// for holder (a non-empty name unique to one replica, else
	// ErrInvalid). With ttl > 0 it succeeds, setting the lease to expire
	// at now+ttl, when the lease is free, held by holder, or expired (its
	// expiry at or before now); it reports false, changing nothing, when
	// another holder's lease is still running. With ttl <= 0 it releases
	// holder's lease (reporting false; nothing happens if another holder
	// has it). Of concurrent callers with different holders at most one
	// gets true for a running lease. Times come from the caller, so that
	// replicas judge expiry by one clock each; keep ttl well above their
	// skew. ErrNotFound if the account does not exist.
	Lease(ctx context.Context, consumer, accountID, holder string, now time.Time, ttl time.Duration) (bool, error)
}
