package linking

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"time"

	"github.com/scimkit/scimkit/store"
)

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// ProvisionUser handles an IdP's create of a user (POST /Users) in account
// a, as the caller read it (the SCIM layer reads it once per request, to
// authenticate). u is the
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
//  3. The host users with that email (store.UsersByEmail, which the
//     store keeps to one per email) decide:
//     - exactly one, not linked: it is linked. The IdP's profile is copied
//     onto it (see below), ExternalID recorded, Linked set, in one write
//     (suspended in the same write when the IdP sends it deactivated); its
//     ID and invite times are kept. Outcome OutcomeLinked.
//     - exactly one, linked with the same non-empty externalId: the IdP is
//     creating a user it already created; an error matching
//     store.ErrConflict (a *store.ConflictError) so the SCIM layer answers
//     409 uniqueness. Likewise when neither side has an externalId and the
//     userName is the same (the same create sent twice).
//     - exactly one, linked to another (or no) externalId: ErrLinkedElsewhere.
//     - several (one by its emails, another by an email-shaped userName
//     without emails, or duplicates a store kept from before it made
//     emails unique): ErrAmbiguousEmail; nothing is guessed.
//     - none: a new user is created in state invited, Linked, InvitedAt now
//     (the invite is issued in the same write, as a store.UserInvited event
//     that Deliver sends from the feed). Outcome OutcomeCreated. A user the
//     IdP sends deactivated is created suspended instead, with its invite
//     deferred (InvitedAt zero, nothing sent): its reactivation through
//     UpdateUser makes it invited and sends the invite then. If the store
//     refuses the create because another user got the email meanwhile (a
//     concurrent create: Entra sends the same person under several
//     userNames at once), the lookup is made again and decides as above,
//     so that of concurrent creates with one email one creates the user
//     and the others link to it or get its 409. A conflict on another of
//     the user's emails, held by a member the lookup does not find, is
//     returned (a *store.ConflictError on "emails", 409 uniqueness).
//
// Linking copies every profile field the IdP sent a value for (userName,
// name parts, displayName, nickName, title, userType, preferredLanguage,
// locale, timezone, emails, enterprise fields) and merges Extra key by key;
// fields the IdP left empty keep the host's value. A suspended host user
// stays suspended when linked: linking is about identity and does not undo
// a host admin's suspension; the IdP's next activation (PATCH active:true)
// reactivates it.
//
// The invite is not sent here: it is recorded with the user, atomically,
// and sent by RunNotifier (Deliver) from the change feed, retried until the
// Notifier accepts it, so neither a failing Notifier nor a crash loses it.
//
// Store uniqueness failures (another user already has the userName or the
// externalId) are returned wrapped: errors.Is(err, store.ErrConflict) and
// errors.As(err, new(*store.ConflictError)) still work.
func (s *Service) ProvisionUser(ctx context.Context, a store.Account, u store.User, opts ...ProvisionOption) (store.User, Outcome, error) {
	if err := s.Enabled(a); err != nil {
		return store.User{}, 0, err
	}
	var c provisionConfig
	for _, o := range opts {
		o(&c)
	}
	accountID := a.ID
	email := UserEmail(u)
	if email == "" && len(u.Emails) == 0 && c.emailOptional {
		// Nothing to link by or invite: stored as an active member.
		created, err := s.createWithoutEmail(ctx, accountID, u)
		return created, OutcomeCreated, err
	}
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
	var raced error // the create that lost a race for the email, if any
	for range maxRetries {
		matches, err := s.hostUsersWithEmail(ctx, accountID, email)
		if err != nil {
			return store.User{}, 0, err
		}
		switch len(matches) {
		case 0:
			if raced != nil {
				// Still nobody to link to: the conflict was on another of
				// the user's emails, which another member has.
				return store.User{}, 0, raced
			}
			created, err := s.createInvited(ctx, accountID, u)
			if ce := (*store.ConflictError)(nil); errors.As(err, &ce) && ce.Attribute == store.AttrEmails {
				// A concurrent create (or update) took one of the emails
				// between the lookup and the create: decide again, which
				// links to the winner when it has the user's email.
				raced = err
				continue
			}
			return created, OutcomeCreated, err
		case 1:
			linked, err := s.link(ctx, accountID, matches[0].ID, u, email)
			if isNotFound(err) {
				continue // deleted meanwhile: decide again
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
	return store.User{}, 0, fmt.Errorf("linking: users with email %q kept disappearing while being linked: %w", email, store.ErrContention)
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

// link links the existing host user id to the incoming IdP user in, or
// explains why not, in one write; a user the IdP sends deactivated is
// suspended in the same write. ErrNotFound means "decide again".
func (s *Service) link(ctx context.Context, accountID, id string, in store.User, email string) (store.User, error) {
	out, err := store.UpdateUser(ctx, s.st, accountID, id, func(h store.User) (store.User, error) {
		if UserEmail(h) != email && !slices.ContainsFunc(h.Emails, func(e store.Email) bool { return NormalizeEmail(e.Value) == email }) {
			return h, fmt.Errorf("linking: user %s no longer has email %q: %w", id, email, store.ErrNotFound)
		}
		if h.Linked {
			if in.ExternalID != "" && h.ExternalID == in.ExternalID {
				return h, fmt.Errorf("linking: user already provisioned: %w",
					&store.ConflictError{Attribute: "externalId", Value: in.ExternalID})
			}
			if in.ExternalID == "" && h.ExternalID == "" && store.Fold(h.UserName) == store.Fold(in.UserName) {
				// The same create sent again by an IdP that sends no
				// externalId: a plain duplicate.
				return h, fmt.Errorf("linking: user already provisioned: %w",
					&store.ConflictError{Attribute: "userName", Value: in.UserName})
			}
			return h, refuse(ErrLinkedElsewhere,
				"a member with the email %q already exists and is linked to a different identity provider user; unassign that user in your identity provider, or change this user's email, then retry",
				email)
		}
		h = h.Clone()
		applyProfile(&h, in)
		markLinked(&h, in.ExternalID)
		if in.State == store.StateSuspended {
			suspend(&h)
		}
		return h, nil
	})
	return out, wrap(err, "linking: link user %s", id)
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

// createInvited stores in as a new invited user with its invite issued
// (InvitedAt now, so the store appends the user.invited event that
// Deliver sends from the feed); a user the IdP sends deactivated is stored
// suspended with the invite deferred.
// ProvisionOption configures one ProvisionUser call.
type ProvisionOption func(*provisionConfig)

type provisionConfig struct{ emailOptional bool }

// EmailOptional lets ProvisionUser store a user who has no email (no
// emails and a userName that is not an address), as a mapping that does
// not require one (mapping.Generic) provisions them: such a user is
// created active and Linked, but is never linked to an existing member or
// invited by email, because there is no address to do either with. Users
// with an email go through the rules as always. The SCIM handler passes it
// for accounts whose mapping does not require an email.
func EmailOptional() ProvisionOption {
	return func(c *provisionConfig) { c.emailOptional = true }
}

// createWithoutEmail stores a user that has no email: active (or
// suspended when the IdP sends it deactivated), Linked, never invited.
func (s *Service) createWithoutEmail(ctx context.Context, accountID string, in store.User) (store.User, error) {
	u := in.Clone()
	u.ID, u.Linked = "", true
	if u.State != store.StateSuspended {
		u.State = store.StateActive
	}
	u.InvitedAt, u.RemindedAt, u.AcceptedAt = time.Time{}, time.Time{}, time.Time{}
	created, err := s.st.CreateUser(ctx, accountID, u)
	if err != nil {
		return store.User{}, fmt.Errorf("linking: create user: %w", err)
	}
	return created, nil
}

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
		// Nobody to send it: leave the invite pending (InvitedAt zero), so
		// that a Service with a Notifier issues it through ClaimInvites,
		// and the reminder clock starts only then.
		u.InvitedAt = time.Time{}
	}
	created, err := s.st.CreateUser(ctx, accountID, u)
	if err != nil {
		return store.User{}, fmt.Errorf("linking: create user: %w", err)
	}
	return created, nil
}

// sameInstant reports whether a and b are the same time as a store may
// round-trip it (databases keep microseconds or milliseconds).
func sameInstant(a, b time.Time) bool {
	if a.IsZero() || b.IsZero() {
		return a.IsZero() == b.IsZero()
	}
	return a.Sub(b).Abs() < time.Millisecond
}

// suspend moves u to StateSuspended (the IdP's active:false). It changes
// nothing else: group memberships, invite times and the link are kept, so
// reactivate restores the user. A suspended invitee gets no reminder.
func suspend(u *store.User) { u.State = store.StateSuspended }

// reactivate undoes suspend (the IdP's active:true): a suspended user who
// never joined (AcceptedAt zero, and either invited or linked to the IdP:
// an invitee who has not accepted, or a user the IdP created deactivated)
// goes back to StateInvited, anyone else to StateActive. A user who is not
// suspended is left as is, so an invitee stays invited. Existing host
// members have AcceptedAt set when the IdP links or takes them over (see
// markLinked), so they come back active.
func reactivate(u *store.User) {
	if u.State != store.StateSuspended {
		return
	}
	if u.AcceptedAt.IsZero() && (u.Linked || !u.InvitedAt.IsZero()) {
		u.State = store.StateInvited
		return
	}
	u.State = store.StateActive
}

// markLinked records that the IdP has taken u over: Linked is set and, when
// externalID is not empty, ExternalID too. A host user who is not a
// pending invitee is an existing member: if its AcceptedAt is zero it is
// set to its creation time, so that reactivate brings it back active
// rather than invited.
func markLinked(u *store.User, externalID string) {
	u.Linked = true
	if externalID != "" {
		u.ExternalID = externalID
	}
	if u.State != store.StateInvited && u.AcceptedAt.IsZero() {
		u.AcceptedAt = u.Created
	}
}

// Change is what an IdP asks of one existing user (PUT or PATCH), worked
// out by the protocol layer from the stored user: the user to store (the
// stored one with the IdP's attributes applied) and, when the request said
// so, whether the user is active.
type Change struct {
	User   store.User
	Active *bool
	// EmailOptional lets the change leave the user without any email (the
	// generic mapping, where emails are optional, as ProvisionUser's
	// EmailOptional): such a user can no longer be linked or invited by
	// email. Without it, removing the last email is refused.
	EmailOptional bool
}

// UpdateUser applies an IdP's update of the user id in account a, in one
// versioned write. change gets the stored user (already marked linked, see
// below) and returns the Change the request amounts to; it is called again
// with a fresh read when another writer got in first, so it must not have
// side effects, and an error from it (a failed precondition such as
// If-Match) is returned as is. UpdateUser then applies the account rules:
//
//   - Active false suspends, true reactivates (a user who never joined goes
//     back to invited); memberships and invite times are kept.
//   - A host user the IdP writes is linked (Linked set, its externalId
//     recorded): the IdP found it by lookup or import and from now on it is
//     the IdP's, so a later create of another identity with the same email
//     is refused as linked elsewhere.
//   - A changed email must be on an allowed domain (ErrPublicDomain,
//     ErrDomainNotAllowed, ErrInvalidEmail) and belong to no other user of
//     the account (a *store.ConflictError on "emails").
//   - A user that becomes invited with its invite never issued (created
//     deactivated, then reactivated) gets it issued in the same write
//     (InvitedAt now, a store.UserInvited event that Deliver sends).
//
// before is the user as read for the write that applied, after as stored;
// they are equal (same version) when the request changed nothing. Updates
// of one user through the same Service are serialised, and races with
// other writers are retried (see store.Update): without a precondition the
// caller never sees store.ErrVersionMismatch.
func (s *Service) UpdateUser(ctx context.Context, a store.Account, id string, change func(cur store.User) (Change, error)) (before, after store.User, err error) {
	if err := s.Enabled(a); err != nil {
		return store.User{}, store.User{}, err
	}
	unlock, err := s.locks.lock(ctx, a.ID+"\x00"+id)
	if err != nil {
		return store.User{}, store.User{}, err
	}
	defer unlock()
	after, err = store.UpdateUser(ctx, s.st, a.ID, id, func(cur store.User) (store.User, error) {
		before = cur
		base := cur.Clone()
		if !base.Linked {
			markLinked(&base, base.ExternalID)
		}
		ch, err := change(base)
		if err != nil {
			return cur, err
		}
		next := ch.User
		if ch.Active != nil && !*ch.Active && next.Active() {
			suspend(&next)
		} else if ch.Active != nil && *ch.Active && !next.Active() {
			reactivate(&next)
		}
		if !next.Linked {
			markLinked(&next, next.ExternalID)
		}
		if email := next.PrimaryEmail(); store.Fold(email) != store.Fold(cur.PrimaryEmail()) && !reflect.DeepEqual(next, cur) &&
			(email != "" || !ch.EmailOptional) {
			if err := s.checkNewEmail(ctx, a, id, email); err != nil {
				return cur, err
			}
		}
		if s.n != nil && next.State == store.StateInvited && next.InvitedAt.IsZero() && !reflect.DeepEqual(next, cur) {
			next.InvitedAt = s.now()
		}
		return next, nil
	})
	if err != nil {
		return store.User{}, store.User{}, err
	}
	return before, after, nil
}

// checkNewEmail applies the account's domain rules to a user's new email
// and refuses an email another user of the account already has: linking
// relies on one user per email.
func (s *Service) checkNewEmail(ctx context.Context, a store.Account, id, email string) error {
	if err := s.checkDomain(a, NormalizeEmail(email)); err != nil {
		return err
	}
	others, err := s.st.UsersByEmail(ctx, a.ID, email)
	if err != nil {
		return fmt.Errorf("linking: users by email: %w", err)
	}
	for _, o := range others {
		if o.ID != id {
			return refuse(ErrEmailTaken, "email %q already belongs to another user of this account; each member needs their own email", email)
		}
	}
	return nil
}

// claimPending issues the invite of an invited user whose invite is
// pending (InvitedAt zero): it sets InvitedAt with a versioned write (which
// appends the user.invited event), so that of several callers (replicas)
// only one issues it. It reports whether this call did; a user with no
// pending invite, or a Service without a Notifier, is left as is.
func (s *Service) claimPending(ctx context.Context, accountID string, u store.User, now time.Time) (bool, error) {
	if s.n == nil || u.State != store.StateInvited || !u.InvitedAt.IsZero() {
		return false, nil
	}
	u.InvitedAt = now
	_, err := s.st.UpdateUser(ctx, accountID, u)
	if errors.Is(err, store.ErrVersionMismatch) || errors.Is(err, store.ErrNotFound) {
		return false, nil // another replica claimed it, or the user changed: the next pass decides
	}
	if err != nil {
		return false, fmt.Errorf("linking: claim invite for user %s: %w", u.ID, err)
	}
	return true, nil
}

// AcceptInvite records that the user accepted the invite; the host calls it
// from its own accept flow. An invited user becomes active with AcceptedAt
// now. An active user is returned unchanged (accepting twice is harmless).
// A suspended user stays suspended but AcceptedAt is recorded (if not
// already), so a later reactivation makes them active rather than invited
// again. ErrNotFound (wrapped) for a missing user. Concurrent writes are
// retried (see store.Update).
func (s *Service) AcceptInvite(ctx context.Context, accountID, userID string) (store.User, error) {
	out, err := store.UpdateUser(ctx, s.st, accountID, userID, func(u store.User) (store.User, error) {
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
		return u, nil
	})
	if err != nil {
		return store.User{}, fmt.Errorf("linking: accept invite: %w", err)
	}
	return out, nil
}
