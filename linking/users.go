package linking

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/scimkit/scimkit/store"
)

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// ProvisionUser handles an IdP's create of a user (POST /Users). u is the
// incoming user as mapped from the request (UserName, Emails, Name,
// ExternalID and the other profile fields); u.ID, u.Linked and the invite
// times are ignored, and u.State only says whether the IdP sends the user
// deactivated (StateSuspended; anything else means active). In order:
//
//  1. Provisioning must be on for the account (else ErrProvisioningOff).
//  2. The email (UserEmail: the primary email, else an email-shaped
//     userName; trimmed, lower-cased) must have a domain on the account's
//     allowed list that is not a public mail domain (else
//     ErrInvalidEmail, ErrPublicDomain or ErrDomainNotAllowed). Nothing is
//     stored on refusal.
//  3. The host users with that email (store.UsersByEmail) decide:
//     - exactly one, not linked: it is linked. The IdP's profile is copied
//     onto it (see below), ExternalID recorded, Linked set; its ID, state
//     and invite times are kept. Outcome OutcomeLinked.
//     - exactly one, linked with the same non-empty externalId: the IdP is
//     creating a user it already created; an error matching
//     store.ErrConflict (a *store.ConflictError) so the SCIM layer answers
//     409 uniqueness. Likewise when neither side has an externalId and the
//     userName is the same (the same create sent twice).
//     - exactly one, linked to another (or no) externalId: ErrLinkedElsewhere.
//     - several: ErrAmbiguousEmail; nothing is guessed.
//     - none: a new user is created in state invited, Linked, InvitedAt now,
//     and Notifier.SendInvite is called. Outcome OutcomeCreated. A user the
//     IdP sends deactivated is created suspended instead, with its invite
//     deferred (InvitedAt zero, nothing sent): Reactivate makes it invited
//     and SendPendingInvite sends the invite then.
//
// Linking copies every profile field the IdP sent a value for (userName,
// name parts, displayName, nickName, title, userType, preferredLanguage,
// locale, timezone, emails, enterprise fields) and merges Extra key by key;
// fields the IdP left empty keep the host's value. A suspended host user
// stays suspended when linked: linking is about identity and does not undo
// a host admin's suspension; the IdP's next activation (PATCH active:true)
// reactivates it.
//
// If SendInvite fails the user is kept (the create succeeded and the IdP
// must learn its id), the failure is logged, and the user's InvitedAt is
// reset to zero so that RetryInvites sends the invite again later.
//
// Store uniqueness failures (another user already has the userName or the
// externalId) are returned wrapped: errors.Is(err, store.ErrConflict) and
// errors.As(err, new(*store.ConflictError)) still work.
func (s *Service) ProvisionUser(ctx context.Context, accountID string, u store.User) (store.User, Outcome, error) {
	a, err := s.enabledAccount(ctx, accountID)
	if err != nil {
		return store.User{}, 0, err
	}
	email := UserEmail(u)
	if err := s.checkDomain(a, email); err != nil {
		return store.User{}, 0, err
	}
	for _, e := range u.Emails {
		// Every email the user would be stored with must be allowed, not
		// only the one the rules link by. (The userName is not checked:
		// Entra's user principal names often sit on another domain.)
		if n := NormalizeEmail(e.Value); n != "" && n != email {
			if err := s.checkDomain(a, n); err != nil {
				return store.User{}, 0, err
			}
		}
	}
	for range maxRetries {
		matches, err := s.hostUsersWithEmail(ctx, accountID, email)
		if err != nil {
			return store.User{}, 0, err
		}
		switch len(matches) {
		case 0:
			created, err := s.createInvited(ctx, accountID, u)
			return created, OutcomeCreated, err
		case 1:
			linked, err := s.link(ctx, accountID, matches[0], u, email)
			if errors.Is(err, store.ErrVersionMismatch) {
				continue // someone wrote the user meanwhile: decide again
			}
			if err != nil {
				return store.User{}, 0, err
			}
			return linked, OutcomeLinked, nil
		default:
			return store.User{}, 0, refuse(ErrAmbiguousEmail,
				"%d existing members share the email %q, so provisioning cannot tell which one to link; give each member a unique email in the host, then retry",
				len(matches), email)
		}
	}
	return store.User{}, 0, fmt.Errorf("linking: user with email %q kept changing while being linked: %w", email, store.ErrVersionMismatch)
}

// hostUsersWithEmail returns the account's users whose email is email: by
// their email values, and by an email-shaped userName for users without
// emails (UserEmail's rule), without duplicates, in creation order.
func (s *Service) hostUsersWithEmail(ctx context.Context, accountID, email string) ([]store.User, error) {
	matches, err := s.st.UsersByEmail(ctx, accountID, email)
	if err != nil {
		return nil, fmt.Errorf("linking: users by email: %w", err)
	}
	byName, err := s.st.UserByUserName(ctx, accountID, email)
	switch {
	case isNotFound(err):
	case err != nil:
		return nil, fmt.Errorf("linking: user by userName: %w", err)
	case UserEmail(byName) == email && !slices.ContainsFunc(matches, func(m store.User) bool { return m.ID == byName.ID }):
		matches = append(matches, byName)
		slices.SortStableFunc(matches, func(a, b store.User) int { return a.Created.Compare(b.Created) })
	}
	return matches, nil
}

// link links the existing host user h to the incoming IdP user in, or
// explains why not. A store.ErrVersionMismatch return means "re-read and
// decide again".
func (s *Service) link(ctx context.Context, accountID string, h, in store.User, email string) (store.User, error) {
	if h.Linked {
		if in.ExternalID != "" && h.ExternalID == in.ExternalID {
			return store.User{}, fmt.Errorf("linking: user already provisioned: %w",
				&store.ConflictError{Attribute: "externalId", Value: in.ExternalID})
		}
		if in.ExternalID == "" && h.ExternalID == "" && store.Fold(h.UserName) == store.Fold(in.UserName) {
			// The same create sent again by an IdP that sends no
			// externalId: a plain duplicate.
			return store.User{}, fmt.Errorf("linking: user already provisioned: %w",
				&store.ConflictError{Attribute: "userName", Value: in.UserName})
		}
		return store.User{}, refuse(ErrLinkedElsewhere,
			"a member with the email %q already exists and is linked to a different identity provider user; unassign that user in your identity provider, or change this user's email, then retry",
			email)
	}
	applyProfile(&h, in)
	MarkLinked(&h, in.ExternalID)
	out, err := s.st.UpdateUser(ctx, accountID, h)
	if err != nil {
		if errors.Is(err, store.ErrVersionMismatch) {
			return store.User{}, err
		}
		return store.User{}, fmt.Errorf("linking: link user %s: %w", h.ID, err)
	}
	return out, nil
}

// applyProfile copies onto dst every profile field src has a value for.
func applyProfile(dst *store.User, src store.User) {
	set := func(d *string, v string) {
		if v != "" {
			*d = v
		}
	}
	set(&dst.UserName, src.UserName)
	set(&dst.Name.Formatted, src.Name.Formatted)
	set(&dst.Name.FamilyName, src.Name.FamilyName)
	set(&dst.Name.GivenName, src.Name.GivenName)
	set(&dst.Name.MiddleName, src.Name.MiddleName)
	set(&dst.Name.HonorificPrefix, src.Name.HonorificPrefix)
	set(&dst.Name.HonorificSuffix, src.Name.HonorificSuffix)
	set(&dst.DisplayName, src.DisplayName)
	set(&dst.NickName, src.NickName)
	set(&dst.Title, src.Title)
	set(&dst.UserType, src.UserType)
	set(&dst.PreferredLanguage, src.PreferredLanguage)
	set(&dst.Locale, src.Locale)
	set(&dst.Timezone, src.Timezone)
	set(&dst.Enterprise.EmployeeNumber, src.Enterprise.EmployeeNumber)
	set(&dst.Enterprise.CostCenter, src.Enterprise.CostCenter)
	set(&dst.Enterprise.Organization, src.Enterprise.Organization)
	set(&dst.Enterprise.Division, src.Enterprise.Division)
	set(&dst.Enterprise.Department, src.Enterprise.Department)
	set(&dst.Enterprise.ManagerID, src.Enterprise.ManagerID)
	if len(src.Emails) > 0 {
		dst.Emails = src.Clone().Emails
	}
	if len(src.Extra) > 0 {
		if dst.Extra == nil {
			dst.Extra = make(map[string]any, len(src.Extra))
		}
		maps.Copy(dst.Extra, src.Clone().Extra)
	}
}

// createInvited stores in as a new invited user and sends the invite; a
// user the IdP sends deactivated is stored suspended with the invite
// deferred.
func (s *Service) createInvited(ctx context.Context, accountID string, in store.User) (store.User, error) {
	deactivated := in.State == store.StateSuspended
	u := in.Clone()
	u.ID = ""
	u.State = store.StateInvited
	u.Linked = true
	u.InvitedAt = s.now()
	u.RemindedAt = time.Time{}
	u.AcceptedAt = time.Time{}
	if deactivated {
		u.State, u.InvitedAt = store.StateSuspended, time.Time{}
	}
	if s.n == nil {
		// Nobody to send it now: leave the invite pending (InvitedAt
		// zero), so that a Service with a Notifier sends it through
		// RetryInvites, and the reminder clock starts only then.
		u.InvitedAt = time.Time{}
	}
	created, err := s.st.CreateUser(ctx, accountID, u)
	if err != nil {
		return store.User{}, fmt.Errorf("linking: create user: %w", err)
	}
	if s.n == nil || deactivated {
		return created, nil
	}
	if err := s.n.SendInvite(ctx, accountID, created); err != nil {
		s.log.ErrorContext(ctx, "linking: invite not sent; RetryInvites will try again",
			"account", accountID, "user", created.ID, "err", err)
		if reset, rerr := s.releaseInvite(ctx, accountID, created); rerr == nil {
			created = reset
		} else {
			s.log.ErrorContext(ctx, "linking: could not mark invite for retry",
				"account", accountID, "user", created.ID, "err", rerr)
		}
	}
	return created, nil
}

// releaseInvite resets InvitedAt of an invited user whose invite failed,
// so that RetryInvites picks it up. It gives up quietly if the user has
// moved on (accepted, suspended, deleted).
func (s *Service) releaseInvite(ctx context.Context, accountID string, u store.User) (store.User, error) {
	claimed := u.InvitedAt
	for range maxRetries {
		if u.State != store.StateInvited || !sameInstant(u.InvitedAt, claimed) {
			return u, nil
		}
		u.InvitedAt = time.Time{}
		out, err := s.st.UpdateUser(ctx, accountID, u)
		if err == nil {
			return out, nil
		}
		if !errors.Is(err, store.ErrVersionMismatch) {
			return u, err
		}
		if u, err = s.st.GetUser(ctx, accountID, u.ID); err != nil {
			return u, err
		}
	}
	return u, store.ErrVersionMismatch
}

// sameInstant reports whether a and b are the same time as a store may
// round-trip it (databases keep microseconds or milliseconds).
func sameInstant(a, b time.Time) bool {
	if a.IsZero() || b.IsZero() {
		return a.IsZero() == b.IsZero()
	}
	return a.Sub(b).Abs() < time.Millisecond
}

// Suspend moves u to StateSuspended (the IdP's active:false, or a host
// admin's suspension). It changes nothing else: group memberships, invite
// times and the link are kept, so Reactivate restores the user. A
// suspended invitee gets no reminder.
func Suspend(u *store.User) { u.State = store.StateSuspended }

// Reactivate undoes Suspend (the IdP's active:true): a suspended user who
// never joined (AcceptedAt zero, and either invited or linked to the IdP:
// an invitee who has not accepted, or a user the IdP created deactivated)
// goes back to StateInvited, anyone else to StateActive. A user who is not suspended is left as is, so an invitee
// stays invited. An invited user whose InvitedAt is zero has an invite
// pending: send it with SendPendingInvite (RetryInvites also does).
//
// Existing host members have AcceptedAt set when the IdP links or takes
// them over (see MarkLinked), so they come back active.
func Reactivate(u *store.User) {
	if u.State != store.StateSuspended {
		return
	}
	if u.AcceptedAt.IsZero() && (u.Linked || !u.InvitedAt.IsZero()) {
		u.State = store.StateInvited
		return
	}
	u.State = store.StateActive
}

// SendPendingInvite sends the invite of an invited user whose invite is
// pending (InvitedAt zero): it claims the invite by setting InvitedAt with a
// versioned write, so that of several callers (replicas, RetryInvites) only
// one sends it, then calls Notifier.SendInvite. On a failed send the claim
// is released for RetryInvites. It returns the user as stored; a user with
// no pending invite, or a Service without a Notifier, is returned as is.
func (s *Service) SendPendingInvite(ctx context.Context, accountID string, u store.User) (store.User, error) {
	return s.sendPending(ctx, accountID, u, s.now())
}

func (s *Service) sendPending(ctx context.Context, accountID string, u store.User, now time.Time) (store.User, error) {
	if s.n == nil || u.State != store.StateInvited || !u.InvitedAt.IsZero() {
		return u, nil
	}
	u.InvitedAt = now
	claimed, err := s.st.UpdateUser(ctx, accountID, u)
	if errors.Is(err, store.ErrVersionMismatch) || errors.Is(err, store.ErrNotFound) {
		return u, nil // another replica claimed it, or the user changed: RetryInvites decides
	}
	if err != nil {
		return u, fmt.Errorf("linking: claim invite for user %s: %w", u.ID, err)
	}
	if err := s.n.SendInvite(ctx, accountID, claimed); err != nil {
		if released, rerr := s.releaseInvite(ctx, accountID, claimed); rerr == nil {
			claimed = released
		} else {
			s.log.ErrorContext(ctx, "linking: could not release failed invite", "account", accountID, "user", u.ID, "err", rerr)
		}
		return claimed, fmt.Errorf("linking: invite for user %s in account %s: %w", u.ID, accountID, err)
	}
	return claimed, nil
}

// AcceptInvite records that the user accepted the invite; the host calls it
// from its own accept flow. An invited user becomes active with AcceptedAt
// now. An active user is returned unchanged (accepting twice is harmless).
// A suspended user stays suspended but AcceptedAt is recorded (if not
// already), so a later Reactivate makes them active rather than invited
// again. ErrNotFound (wrapped) for a missing user. Concurrent writes are
// retried.
func (s *Service) AcceptInvite(ctx context.Context, accountID, userID string) (store.User, error) {
	for range maxRetries {
		u, err := s.st.GetUser(ctx, accountID, userID)
		if err != nil {
			return store.User{}, fmt.Errorf("linking: get user: %w", err)
		}
		switch u.State {
		case store.StateActive:
			return u, nil
		case store.StateSuspended:
			if !u.AcceptedAt.IsZero() {
				return u, nil
			}
		default:
			u.State = store.StateActive
		}
		if u.AcceptedAt.IsZero() {
			u.AcceptedAt = s.now()
		}
		out, err := s.st.UpdateUser(ctx, accountID, u)
		if errors.Is(err, store.ErrVersionMismatch) {
			continue
		}
		if err != nil {
			return store.User{}, fmt.Errorf("linking: accept invite: %w", err)
		}
		return out, nil
	}
	return store.User{}, fmt.Errorf("linking: user %s kept changing while accepting: %w", userID, store.ErrVersionMismatch)
}

// MarkLinked records that the IdP has taken u over: Linked is set and, when
// externalID is not empty, ExternalID too. ProvisionUser does this itself;
// the SCIM layer calls MarkLinked when the IdP writes (PUT or PATCH) a host
// user that it found through a lookup or an import instead of creating it
// (Okta's own import-and-link path), so that a later create of a different
// IdP identity with the same email is refused as linked elsewhere instead
// of taking the user over a second time.
//
// A host user who is not a pending invitee is an existing member: if its
// AcceptedAt is zero it is set to its creation time, so that Reactivate
// brings it back active rather than invited.
func MarkLinked(u *store.User, externalID string) {
	u.Linked = true
	if externalID != "" {
		u.ExternalID = externalID
	}
	if u.State != store.StateInvited && u.AcceptedAt.IsZero() {
		u.AcceptedAt = u.Created
	}
}
