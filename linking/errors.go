package linking

import (
	"errors"
	"fmt"

	"github.com/scimkit/scimkit/store"
)

// Sentinel errors: the kinds of refusal. Every refusal is returned as an
// *Error whose Kind is one of these, so callers match with errors.Is and
// read the admin-readable sentence with errors.As.
//
// Suggested HTTP mapping for the SCIM layer (RFC 7644 section 3.12):
//
//	ErrDomainNotAllowed, ErrPublicDomain, ErrInvalidEmail  400 invalidValue
//	ErrLinkedElsewhere, ErrAmbiguousEmail, ErrEmailTaken   409 uniqueness
//	ErrGroupNotManaged, ErrGroupPrivileged                 403 (mutability on 400 is also defensible)
//	ErrProvisioningOff                                     403
//	ErrNotAuthorized, ErrInvalidIdP                        host API only, never SCIM
var (
	// ErrDomainNotAllowed: the email's domain is not on the account's
	// allowed-domains list.
	ErrDomainNotAllowed = errors.New("linking: email domain not allowed")
	// ErrPublicDomain: the email's domain is a public mail domain
	// (gmail.com and the like), refused even if listed.
	ErrPublicDomain = errors.New("linking: public email domain")
	// ErrInvalidEmail: the user has no email address (and a userName that
	// is not one), or the address is malformed, so no domain can be checked.
	ErrInvalidEmail = errors.New("linking: missing or malformed email")
	// ErrLinkedElsewhere: the host user with the incoming email is already
	// linked to a different identity of the IdP.
	ErrLinkedElsewhere = errors.New("linking: user linked to another identity")
	// ErrAmbiguousEmail: several host users have the incoming email, so
	// which one to link cannot be decided.
	ErrAmbiguousEmail = errors.New("linking: several users share the email")
	// ErrEmailTaken: an update would give a user an email another user of
	// the account already has (linking relies on one user per email).
	ErrEmailTaken = errors.New("linking: email taken by another user")
	// ErrGroupNotManaged: the group exists in the host but the admin has not
	// marked it as managed by provisioning.
	ErrGroupNotManaged = errors.New("linking: group not managed")
	// ErrGroupPrivileged: the group is privileged (owners, administrators)
	// and is never changed by the IdP.
	ErrGroupPrivileged = errors.New("linking: group privileged")
	// ErrNotAuthorized: the acting member is neither an owner nor an
	// administrator of the account.
	ErrNotAuthorized = errors.New("linking: not authorized")
	// ErrInvalidIdP: the identity provider name given for an account is
	// not one the host accepts (see CheckIdP and WithIdPs).
	ErrInvalidIdP = errors.New("linking: unknown identity provider")
	// ErrProvisioningOff: the account's provisioning switch is off (or the
	// account does not exist).
	ErrProvisioningOff = errors.New("linking: provisioning is off")
)

// Error is a refusal by one of the account's rules. Kind is one of the
// sentinel errors above; Detail is one admin-readable sentence that says
// what is wrong and how to fix it. Detail contains only values the caller
// or the admin supplied (emails, domains, group names) and never internal
// error text, so the SCIM layer may send it to the IdP as the error's
// "detail".
type Error struct {
	Kind   error
	Detail string
}

// Error returns Detail.
func (e *Error) Error() string { return e.Detail }

// Unwrap returns Kind, so errors.Is(err, ErrPublicDomain) works.
func (e *Error) Unwrap() error { return e.Kind }

func refuse(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Detail: fmt.Sprintf(format, args...)}
}

// wrap adds context to a store failure. Refusals (an *Error, whose text is
// the admin's sentence), conflicts (a *store.ConflictError, already
// described) and ErrNotFound (which callers branch on) are returned as
// they are.
func wrap(err error, format string, args ...any) error {
	var le *Error
	var ce *store.ConflictError
	if err == nil || errors.As(err, &le) || errors.As(err, &ce) || errors.Is(err, store.ErrNotFound) {
		return err
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}
