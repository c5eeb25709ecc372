package store

import (
	"errors"
	"fmt"
)

// Sentinel errors. Adapters may wrap them (fmt.Errorf("...: %w", ErrNotFound));
// callers match with errors.Is.
var (
	// ErrNotFound reports that the addressed account, user, group or token
	// does not exist in the account.
	ErrNotFound = errors.New("store: not found")

	// ErrConflict reports that a write would break a uniqueness rule:
	// userName, externalId, group displayName or group externalId already
	// used by another record of the same account, or an account id taken.
	ErrConflict = errors.New("store: conflict")

	// ErrVersionMismatch reports that a write carried an expected version
	// that is no longer the stored one: someone else wrote first. Nothing
	// was changed; re-read and retry.
	ErrVersionMismatch = errors.New("store: version mismatch")

	// ErrContention reports that Update gave up because other writers kept
	// changing the item between its read and its write. Nothing was
	// changed; the item is busy, retry later. It is not ErrVersionMismatch:
	// the caller set no precondition that failed.
	ErrContention = errors.New("store: too many concurrent writers")

	// ErrUnknownMember reports that a group membership change named a member
	// id that is not a user of the account. Nothing was changed.
	ErrUnknownMember = errors.New("store: unknown member")

	// ErrInvalid reports a value the store cannot accept: an empty userName
	// or displayName, an unknown user state, a filter on an attribute the
	// store does not support.
	ErrInvalid = errors.New("store: invalid value")
)

// ConflictError is the rich form of ErrConflict: it names the attribute
// whose uniqueness would be broken. Adapters should return it (wrapped or
// not) so that callers can tell the IdP which value is taken; it matches
// ErrConflict with errors.Is.
type ConflictError struct {
	// Attribute is the SCIM attribute whose value is taken: "userName",
	// "externalId" or "displayName" (or "id" for accounts).
	Attribute string
	// Value is the value that is taken, as the caller gave it.
	Value string
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("store: conflict: %s %q is already in use", e.Attribute, e.Value)
}

// Is reports whether target is ErrConflict.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// MemberError is the rich form of ErrUnknownMember: it lists the ids that are
// not users of the account. It matches ErrUnknownMember with errors.Is.
type MemberError struct {
	IDs []string
}

func (e *MemberError) Error() string {
	return fmt.Sprintf("store: unknown member: %q", e.IDs)
}

// Is reports whether target is ErrUnknownMember.
func (e *MemberError) Is(target error) bool { return target == ErrUnknownMember }
