package store

import (
	"maps"
	"slices"
	"time"
)

// Account is one tenant of the host: a customer organisation whose identity
// provider provisions into it. Every user, group and token belongs to
// exactly one account.
type Account struct {
	// ID is chosen by the host (its own tenant key) and never changes.
	ID string
	// ProvisioningEnabled is the account's "sync with my identity provider"
	// switch. While it is false the SCIM layer refuses every request for the
	// account and changes nothing.
	ProvisioningEnabled bool
	// AllowedDomains lists the email domains members of the account may
	// have, lower-case, without "@". Order is kept as given.
	AllowedDomains []string
	// IdP names the identity provider the account's admin chose, and so
	// the attribute mapping its SCIM requests are translated with:
	// IdPOkta, IdPEntra, IdPGeneric, or a name the host registered with
	// its own mapping table (see scim.WithMappers). Empty means the
	// handler's default mapping. Stored as given; linking normalises it
	// (see CheckIdP).
	IdP string
	// Created and Modified are set by the store.
	Created, Modified time.Time
	// Version starts at 1 and grows by one on every write.
	Version int64
}

// The identity providers scimkit ships a mapping for (see package mapping).
// A host may register more names of its own.
const (
	IdPOkta    = "okta"
	IdPEntra   = "entra"
	IdPGeneric = "generic"
)

// Clone returns a deep copy of a.
func (a Account) Clone() Account {
	a.AllowedDomains = slices.Clone(a.AllowedDomains)
	return a
}

// Token is a bearer credential of an account. Only the SHA-256 hash of the
// secret is stored; the secret itself is shown once, when it is minted, and
// never kept. An account may have several tokens at once (rotation).
type Token struct {
	// ID is assigned by the store; it names the token for revocation and in
	// logs (never the secret).
	ID string
	// AccountID is the account the token authenticates as.
	AccountID string
	// Hash is the SHA-256 digest of the secret token.
	Hash [32]byte
	// Label is a free-form description chosen by the admin.
	Label string
	// Created is set by the store.
	Created time.Time
}

// UserState is where a user is in its lifecycle. See package linking for the
// transitions.
type UserState string

// The user states.
const (
	// StateInvited: provisioned by the IdP, invite sent, not yet accepted.
	// Reads as active over SCIM.
	StateInvited UserState = "invited"
	// StateActive: an ordinary, working member.
	StateActive UserState = "active"
	// StateSuspended: deactivated by the IdP (or the host); kept with its
	// group memberships, restorable.
	StateSuspended UserState = "suspended"
)

// Valid reports whether s is one of the defined states.
func (s UserState) Valid() bool {
	return s == StateInvited || s == StateActive || s == StateSuspended
}

// Name holds the parts of a user's name (SCIM core User "name").
type Name struct {
	Formatted       string
	FamilyName      string
	GivenName       string
	MiddleName      string
	HonorificPrefix string
	HonorificSuffix string
}

// Email is one entry of a user's email list (SCIM core User "emails").
type Email struct {
	Value   string
	Type    string
	Primary bool
}

// Enterprise holds the SCIM enterprise-extension fields
// (urn:ietf:params:scim:schemas:extension:enterprise:2.0:User).
type Enterprise struct {
	EmployeeNumber string
	CostCenter     string
	Organization   string
	Division       string
	Department     string
	// ManagerID is manager.value: the id of the user's manager.
	ManagerID string
}

// User is a member of an account, as the host knows it.
type User struct {
	// ID is assigned by the store on create: opaque, stable, never reused.
	ID string
	// ExternalID is the IdP's identifier for the user (Okta's "00u..."),
	// unique per account when not empty, case-exact.
	ExternalID string
	// UserName is unique per account, case-insensitively, and required.
	UserName string

	Name              Name
	DisplayName       string
	NickName          string
	Title             string
	UserType          string
	PreferredLanguage string
	Locale            string
	Timezone          string
	// Emails may list one address more than once, but no other user of
	// the account may have any of its non-empty values (compared with
	// Fold): the store refuses that with a *ConflictError on "emails".
	Emails     []Email
	Enterprise Enterprise

	// Extra holds further attributes by host field name (custom IdP
	// attributes mapped by package mapping). Values are JSON-compatible:
	// string, bool, float64, nil, []any and map[string]any.
	Extra map[string]any

	// State is the lifecycle state; required.
	State UserState
	// Linked reports whether the user is linked to an identity of the IdP
	// (created by it, or matched to it by email).
	Linked bool

	// InvitedAt is when the invite was sent; zero if never invited.
	InvitedAt time.Time
	// RemindedAt is when the invite reminder was claimed; zero if none.
	RemindedAt time.Time
	// AcceptedAt is when the user accepted the invite; zero if not yet (or
	// never invited).
	AcceptedAt time.Time

	// Created and Modified are set by the store.
	Created, Modified time.Time
	// Version starts at 1 and grows by one on every write.
	Version int64
}

// Active reports whether the user reads as active over SCIM: everyone but a
// suspended user, including a pending invitee.
func (u User) Active() bool { return u.State != StateSuspended }

// PrimaryEmail returns the value of the email marked primary, else the first
// email, else "".
func (u User) PrimaryEmail() string {
	for _, e := range u.Emails {
		if e.Primary {
			return e.Value
		}
	}
	if len(u.Emails) > 0 {
		return u.Emails[0].Value
	}
	return ""
}

// Clone returns a deep copy of u.
func (u User) Clone() User {
	u.Emails = slices.Clone(u.Emails)
	u.Extra = cloneMap(u.Extra)
	return u
}

func cloneMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := maps.Clone(m)
	for k, v := range out {
		out[k] = cloneValue(v)
	}
	return out
}

func cloneValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		return cloneMap(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = cloneValue(e)
		}
		return out
	default:
		return v
	}
}

// Group is a group of users in an account.
type Group struct {
	// ID is assigned by the store on create.
	ID string
	// ExternalID is the IdP's identifier, unique per account when not empty.
	ExternalID string
	// DisplayName is unique per account, case-insensitively, and required.
	DisplayName string
	// Managed groups are visible to and controlled by the IdP. Groups the
	// IdP creates are managed; existing host groups are managed only when
	// the admin marks them so.
	Managed bool
	// Privileged groups (owners, administrators) are never changed by the
	// IdP, managed or not.
	Privileged bool
	// Linked reports whether the IdP created or adopted the group.
	Linked bool
	// Created and Modified are set by the store.
	Created, Modified time.Time
	// Version starts at 1 and grows by one on every write, membership
	// changes included.
	Version int64
}

// GroupUpdate is a set of changes to one group, applied atomically by
// Groups.UpdateGroup. Nil pointers and empty slices leave things as they
// are.
type GroupUpdate struct {
	// Version, when not zero, is the version the caller read; the update
	// fails with ErrVersionMismatch if the group has moved on. Zero sets
	// no precondition (the same rule as for User.Version in UpdateUser).
	Version int64

	DisplayName *string
	ExternalID  *string
	Managed     *bool
	Privileged  *bool
	Linked      *bool

	// ReplaceMembers makes the membership exactly Members (duplicates
	// ignored). AddMembers and RemoveMembers must then be empty.
	ReplaceMembers bool
	Members        []string

	// AddMembers and RemoveMembers are deltas: ids already in (or not in)
	// the group are ignored. An id may not be in both.
	AddMembers    []string
	RemoveMembers []string
}

// MemberDelta is the membership change Groups.UpdateGroup applied: the
// user ids that really joined and left the group.
type MemberDelta struct {
	Added, Removed []string
}

// Query selects and pages records for the List methods.
type Query struct {
	// Filter selects records; nil selects all.
	Filter Filter
	// StartIndex is the 1-based position of the first record returned;
	// values below 1 mean 1.
	StartIndex int
	// Count is the most records returned; values below 0 mean 0, and 0
	// returns no records, only the total.
	Count int
}

// UserPage is one page of a user listing.
type UserPage struct {
	// Users holds the page, in creation order; never nil.
	Users []User
	// Total is the number of users matching the filter in the whole account.
	Total int
}

// GroupPage is one page of a group listing.
type GroupPage struct {
	// Groups holds the page, in creation order; never nil.
	Groups []Group
	// Total is the number of groups matching the filter in the whole account.
	Total int
}
