package linking_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/store"
)

func TestProvisionUser(t *testing.T) {
	tests := []struct {
		name string
		// setup prepares the store and returns the ids the check needs.
		setup func(t *testing.T, e *env) []string
		in    store.User
		// wantErr is matched with errors.Is; wantDetail with the *Error's
		// Detail (exactly) when set.
		wantErr    error
		wantDetail string
		wantOut    linking.Outcome
		check      func(t *testing.T, e *env, ids []string, got store.User)
	}{
		{
			name: "links an unlinked host user by case-insensitive, trimmed email",
			setup: func(t *testing.T, e *env) []string {
				return []string{e.hostUser(t, "alice", "Alice@Acme.com").ID}
			},
			in:      idpUser("alice@acme.com", "  ALICE@acme.COM ", "00u-alice"),
			wantOut: linking.OutcomeLinked,
			check: func(t *testing.T, e *env, ids []string, got store.User) {
				assert.Equal(t, ids[0], got.ID, "the existing user's id is answered")
				assert.True(t, got.Linked)
				assert.Equal(t, "00u-alice", got.ExternalID)
				assert.Equal(t, "alice@acme.com", got.UserName, "profile updated from the IdP")
				assert.Equal(t, "Given", got.Name.GivenName)
				assert.Equal(t, "Given Family", got.DisplayName)
				assert.Equal(t, store.StateActive, got.State, "state kept, u.State ignored")
				assert.True(t, got.InvitedAt.IsZero(), "a linked user is not invited")
				assert.Len(t, e.allUsers(t), 1, "no new user")
				inv, _ := e.sent(t)
				assert.Empty(t, inv, "no invite for a linked user")
			},
		},
		{
			name: "links by an email-shaped userName when no email is sent",
			setup: func(t *testing.T, e *env) []string {
				return []string{e.hostUser(t, "bob", "bob@acme.com").ID}
			},
			in:      idpUser("Bob@Acme.com", "", "00u-bob"),
			wantOut: linking.OutcomeLinked,
			check: func(t *testing.T, e *env, ids []string, got store.User) {
				assert.Equal(t, ids[0], got.ID)
				assert.Equal(t, "bob@acme.com", got.PrimaryEmail(), "host email kept when the IdP sends none")
			},
		},
		{
			name: "fields the IdP leaves empty keep the host's values; Extra is merged",
			setup: func(t *testing.T, e *env) []string {
				u := store.User{UserName: "carol", State: store.StateActive, Title: "CTO",
					Emails: []store.Email{{Value: "carol@acme.com"}},
					Extra:  map[string]any{"seat": "A1", "team": "core"}}
				u, err := e.st.CreateUser(e.ctx, acct, u)
				require.NoError(t, err)
				return []string{u.ID}
			},
			in: func() store.User {
				u := idpUser("carol@acme.com", "carol@acme.com", "00u-carol")
				u.Extra = map[string]any{"team": "platform"}
				return u
			}(),
			wantOut: linking.OutcomeLinked,
			check: func(t *testing.T, e *env, ids []string, got store.User) {
				assert.Equal(t, "CTO", got.Title)
				assert.Equal(t, map[string]any{"seat": "A1", "team": "platform"}, got.Extra)
			},
		},
		{
			name: "a suspended host user is linked and stays suspended",
			setup: func(t *testing.T, e *env) []string {
				u := e.hostUser(t, "dan", "dan@acme.com")
				linking.Suspend(&u)
				_, err := e.st.UpdateUser(e.ctx, acct, u)
				require.NoError(t, err)
				return []string{u.ID}
			},
			in:      idpUser("dan@acme.com", "dan@acme.com", "00u-dan"),
			wantOut: linking.OutcomeLinked,
			check: func(t *testing.T, e *env, ids []string, got store.User) {
				assert.Equal(t, ids[0], got.ID)
				assert.Equal(t, store.StateSuspended, got.State)
				assert.True(t, got.Linked)
			},
		},
		{
			name: "a host user linked to another IdP identity is a 409 that says so",
			setup: func(t *testing.T, e *env) []string {
				_, _, err := e.svc.ProvisionUserID(e.ctx, acct, idpUser("erin@acme.com", "erin@acme.com", "00u-first"))
				require.NoError(t, err)
				return nil
			},
			in:         idpUser("erin2@acme.com", "Erin@acme.com", "00u-second"),
			wantErr:    linking.ErrLinkedElsewhere,
			wantDetail: `a member with the email "erin@acme.com" already exists and is linked to a different identity provider user; unassign that user in your identity provider, or change this user's email, then retry`,
			check: func(t *testing.T, e *env, _ []string, _ store.User) {
				us := e.allUsers(t)
				require.Len(t, us, 1)
				assert.Equal(t, "00u-first", us[0].ExternalID, "the existing link is untouched")
			},
		},
		{
			name: "a linked host user without externalId counts as linked elsewhere",
			setup: func(t *testing.T, e *env) []string {
				u := e.hostUser(t, "fay", "fay@acme.com")
				u.Linked = true
				_, err := e.st.UpdateUser(e.ctx, acct, u)
				require.NoError(t, err)
				return nil
			},
			in:      idpUser("fay@acme.com", "fay@acme.com", "00u-fay"),
			wantErr: linking.ErrLinkedElsewhere,
		},
		{
			name: "no externalId on either side is not proof of the same identity",
			setup: func(t *testing.T, e *env) []string {
				u := e.hostUser(t, "fin", "fin@acme.com")
				u.Linked = true
				_, err := e.st.UpdateUser(e.ctx, acct, u)
				require.NoError(t, err)
				return nil
			},
			in:      idpUser("fin@acme.com", "fin@acme.com", ""),
			wantErr: linking.ErrLinkedElsewhere,
		},
		{
			name: "the same identity created twice is a store conflict (409 uniqueness)",
			setup: func(t *testing.T, e *env) []string {
				_, _, err := e.svc.ProvisionUserID(e.ctx, acct, idpUser("gus@acme.com", "gus@acme.com", "00u-gus"))
				require.NoError(t, err)
				return nil
			},
			in:      idpUser("gus@acme.com", "gus@acme.com", "00u-gus"),
			wantErr: store.ErrConflict,
		},
		{
			// The store keeps an email to one user; the other match is a
			// user without emails whose userName is the address.
			name: "two host users with the same email: refused, nothing guessed",
			setup: func(t *testing.T, e *env) []string {
				e.hostUser(t, "hal-1", "hal@acme.com")
				e.hostUser(t, "HAL@acme.com", "")
				return nil
			},
			in:         idpUser("hal@acme.com", "hal@acme.com", "00u-hal"),
			wantErr:    linking.ErrAmbiguousEmail,
			wantDetail: `2 existing members share the email "hal@acme.com", so provisioning cannot tell which one to link; give each member a unique email in the host, then retry`,
			check: func(t *testing.T, e *env, _ []string, _ store.User) {
				for _, u := range e.allUsers(t) {
					assert.False(t, u.Linked, "%s untouched", u.UserName)
					assert.Equal(t, int64(1), u.Version, "%s untouched", u.UserName)
				}
			},
		},
		{
			name: "no email match: re-invite as a new invited user, old account untouched",
			setup: func(t *testing.T, e *env) []string {
				return []string{e.hostUser(t, "ivy", "ivy.old@acme.com").ID}
			},
			in:      idpUser("ivy@acme.com", "ivy@acme.com", "00u-ivy"),
			wantOut: linking.OutcomeCreated,
			check: func(t *testing.T, e *env, ids []string, got store.User) {
				assert.NotEqual(t, ids[0], got.ID)
				assert.Equal(t, store.StateInvited, got.State)
				assert.True(t, got.Active(), "an invitee reads active:true over SCIM")
				assert.True(t, got.Linked)
				assert.Equal(t, "00u-ivy", got.ExternalID)
				assert.True(t, got.InvitedAt.Equal(t0), "InvitedAt is the service clock's now")
				inv, _ := e.sent(t)
				assert.Equal(t, []string{"acme/ivy@acme.com"}, inv, "exactly one invite")
				old, err := e.st.GetUser(e.ctx, acct, ids[0])
				require.NoError(t, err)
				assert.Equal(t, int64(1), old.Version, "old host account untouched")
				assert.False(t, old.Linked)
			},
		},
		{
			name:       "public domain refused even when listed",
			setup:      func(t *testing.T, e *env) []string { e.setDomains(t, "acme.com", "gmail.com"); return nil },
			in:         idpUser("jo@gmail.com", "Jo@GMail.com", "00u-jo"),
			wantErr:    linking.ErrPublicDomain,
			wantDetail: `email domain "gmail.com" is a public mail domain; provisioning supports only your organisation's domains`,
		},
		{
			name:       "domain not on the allowed list",
			in:         idpUser("kim@other.com", "kim@other.com", "00u-kim"),
			wantErr:    linking.ErrDomainNotAllowed,
			wantDetail: `email domain "other.com" is not on this account's allowed domains; add it under Settings > Provisioning > Allowed domains, then retry`,
		},
		{
			name: "the primary email decides, not the userName",
			in: func() store.User {
				u := idpUser("lee@acme.com", "", "00u-lee")
				u.Emails = []store.Email{{Value: "lee@acme.com"}, {Value: "lee@other.com", Primary: true}}
				return u
			}(),
			wantErr: linking.ErrDomainNotAllowed,
		},
		{
			name:    "no email at all",
			in:      idpUser("mo", "", "00u-mo"),
			wantErr: linking.ErrInvalidEmail,
		},
		{
			name:    "malformed email",
			in:      idpUser("nat@acme.com", "nat@", "00u-nat"),
			wantErr: linking.ErrInvalidEmail,
		},
		{
			name: "userName taken by another host user: wrapped store conflict",
			setup: func(t *testing.T, e *env) []string {
				e.hostUser(t, "oz@acme.com", "oz.other@acme.com")
				return nil
			},
			in:      idpUser("oz@acme.com", "oz@acme.com", "00u-oz"),
			wantErr: store.ErrConflict,
			check: func(t *testing.T, e *env, _ []string, _ store.User) {
				inv, _ := e.sent(t)
				assert.Empty(t, inv, "no invite when nothing was stored")
			},
		},
		{
			name: "provisioning off: 403 and nothing stored",
			setup: func(t *testing.T, e *env) []string {
				require.NoError(t, e.svc.DisableProvisioning(e.ctx, acct, owner))
				return nil
			},
			in:         idpUser("pat@acme.com", "pat@acme.com", "00u-pat"),
			wantErr:    linking.ErrProvisioningOff,
			wantDetail: "provisioning is turned off for this account; an owner or administrator can turn it on under Settings > Provisioning (sync with your identity provider), then retry",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			var ids []string
			if tt.setup != nil {
				ids = tt.setup(t, e)
			}
			before := e.allUsers(t)
			got, out, err := e.svc.ProvisionUserID(e.ctx, acct, tt.in)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				if tt.wantDetail != "" {
					assert.Equal(t, tt.wantDetail, detail(t, err))
				}
				assert.Equal(t, before, e.allUsers(t), "nothing stored on refusal")
			} else {
				require.NoError(t, err)
				assert.Equal(t, tt.wantOut, out)
				stored, err := e.st.GetUser(e.ctx, acct, got.ID)
				require.NoError(t, err)
				assert.Equal(t, stored, got, "the answer is what is stored")
			}
			if tt.check != nil {
				tt.check(t, e, ids, got)
			}
		})
	}
}

func TestProvisionUserConflictIsRich(t *testing.T) {
	e := newEnv(t)
	e.hostUser(t, "taken@acme.com", "someone@acme.com")
	_, _, err := e.svc.ProvisionUserID(e.ctx, acct, idpUser("taken@acme.com", "new@acme.com", "00u-x"))
	var ce *store.ConflictError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "userName", ce.Attribute)
}

func TestInviteFailureKeepsUserAndInvite(t *testing.T) {
	e := newEnv(t)
	e.n.set(true, false)
	got, out, err := e.svc.ProvisionUserID(e.ctx, acct, idpUser("quin@acme.com", "quin@acme.com", "00u-quin"))
	require.NoError(t, err, "the IdP gets its 201 whatever the notifier does")
	assert.Equal(t, linking.OutcomeCreated, out)
	assert.Equal(t, store.StateInvited, got.State)
	assert.True(t, got.InvitedAt.Equal(t0), "the invite is issued with the user, in one write")

	// The feed keeps offering it while the notifier fails.
	for range 2 {
		e.clock.Advance(time.Minute)
		require.ErrorIs(t, e.deliver(t), errSMTP)
	}
	e.n.set(false, false)
	require.NoError(t, e.deliver(t))
	require.NoError(t, e.deliver(t))
	inv, _ := e.n.sent()
	assert.Equal(t, []string{"acme/quin@acme.com"}, inv, "sent once it works, then never again")
	n, err := e.svc.ClaimInvites(e.ctx, e.clock.Now())
	require.NoError(t, err)
	assert.Equal(t, 0, n, "nothing pending: the claim pass has no part in a failed send")

	// The reminder clock starts at the invite.
	n, err = e.svc.ClaimReminders(e.ctx, t0.Add(47*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 0, n)
	n, err = e.svc.ClaimReminders(e.ctx, t0.Add(48*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 1, n)
}

func TestSuspendReactivate(t *testing.T) {
	tests := []struct {
		name      string
		u         store.User
		suspended store.UserState // after Suspend
		back      store.UserState // after Suspend then Reactivate
	}{
		{"invited, never accepted", store.User{State: store.StateInvited, InvitedAt: t0}, store.StateSuspended, store.StateInvited},
		{"invited then accepted", store.User{State: store.StateActive, InvitedAt: t0, AcceptedAt: t0.Add(time.Hour)}, store.StateSuspended, store.StateActive},
		{"host user never invited", store.User{State: store.StateActive}, store.StateSuspended, store.StateActive},
		{"already suspended invitee", store.User{State: store.StateSuspended, InvitedAt: t0}, store.StateSuspended, store.StateInvited},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := tt.u
			linking.Suspend(&u)
			assert.Equal(t, tt.suspended, u.State)
			assert.False(t, u.Active())
			linking.Reactivate(&u)
			assert.Equal(t, tt.back, u.State)
			assert.True(t, u.Active(), "a reactivated user reads active:true, invitee included")
			assert.Equal(t, tt.u.InvitedAt, u.InvitedAt, "times untouched")
			assert.Equal(t, tt.u.AcceptedAt, u.AcceptedAt)
		})
	}
	t.Run("reactivating a user who is not suspended changes nothing", func(t *testing.T) {
		for _, s := range []store.UserState{store.StateInvited, store.StateActive} {
			u := store.User{State: s}
			linking.Reactivate(&u)
			assert.Equal(t, s, u.State)
		}
	})
}

func TestAcceptInvite(t *testing.T) {
	tests := []struct {
		name        string
		prepare     func(u *store.User)
		wantState   store.UserState
		wantWrite   bool // a new version is stored
		wantAccepts bool // AcceptedAt is set afterwards
	}{
		{"invited becomes active", func(*store.User) {}, store.StateActive, true, true},
		{"active is idempotent", func(u *store.User) { u.State = store.StateActive; u.AcceptedAt = t0 }, store.StateActive, false, true},
		{"suspended stays suspended, acceptance recorded", func(u *store.User) { u.State = store.StateSuspended }, store.StateSuspended, true, true},
		{"suspended and already accepted: unchanged", func(u *store.User) { u.State = store.StateSuspended; u.AcceptedAt = t0 }, store.StateSuspended, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			u, _, err := e.svc.ProvisionUserID(e.ctx, acct, idpUser("rae@acme.com", "rae@acme.com", "00u-rae"))
			require.NoError(t, err)
			tt.prepare(&u)
			u, err = e.st.UpdateUser(e.ctx, acct, u)
			require.NoError(t, err)
			acceptAt := e.clock.Advance(90 * 24 * time.Hour) // invites never expire

			got, err := e.svc.AcceptInvite(e.ctx, acct, u.ID)
			require.NoError(t, err)
			assert.Equal(t, tt.wantState, got.State)
			if tt.wantWrite {
				assert.Equal(t, u.Version+1, got.Version)
				assert.True(t, got.AcceptedAt.Equal(acceptAt))
			} else {
				assert.Equal(t, u.Version, got.Version, "nothing written")
			}
			assert.Equal(t, tt.wantAccepts, !got.AcceptedAt.IsZero())
			if got.State == store.StateSuspended {
				linking.Reactivate(&got)
				assert.Equal(t, store.StateActive, got.State, "an accepted user reactivates as active")
			}
		})
	}
	t.Run("missing user", func(t *testing.T) {
		e := newEnv(t)
		_, err := e.svc.AcceptInvite(e.ctx, acct, "nope")
		require.ErrorIs(t, err, store.ErrNotFound)
	})
}

// TestMarkLinked: a host user the IdP found by lookup and then wrote is
// protected from a second takeover by email.
func TestMarkLinked(t *testing.T) {
	e := newEnv(t)
	u := e.hostUser(t, "okta-imported@acme.com", "imported@acme.com")
	linking.MarkLinked(&u, "")
	assert.True(t, u.Linked)
	assert.Equal(t, "", u.ExternalID, "no externalId sent: none recorded")
	linking.MarkLinked(&u, "00u-imported")
	assert.Equal(t, "00u-imported", u.ExternalID)
	_, err := e.st.UpdateUser(e.ctx, acct, u)
	require.NoError(t, err)

	_, _, err = e.svc.ProvisionUserID(e.ctx, acct, idpUser("other@acme.com", "Imported@acme.com", "00u-other"))
	require.ErrorIs(t, err, linking.ErrLinkedElsewhere)
	_, _, err = e.svc.ProvisionUserID(e.ctx, acct, idpUser("okta-imported@acme.com", "imported@acme.com", "00u-imported"))
	require.ErrorIs(t, err, store.ErrConflict, "the same identity again is a plain conflict")
}

func TestProvisionUserTwiceWithoutExternalIDIsADuplicate(t *testing.T) {
	e := newEnv(t)
	in := store.User{UserName: "dup@acme.com", Emails: []store.Email{{Value: "dup@acme.com", Type: "work", Primary: true}}}
	_, _, err := e.svc.ProvisionUserID(e.ctx, acct, in)
	require.NoError(t, err)
	_, _, err = e.svc.ProvisionUserID(e.ctx, acct, in)
	var ce *store.ConflictError
	require.ErrorAs(t, err, &ce, "the same create twice is a uniqueness conflict, not 'linked elsewhere'")
	assert.Equal(t, "userName", ce.Attribute)
	assert.NotErrorIs(t, err, linking.ErrLinkedElsewhere)
}

// TestDeactivatedCreateDefersTheInvite: a user the IdP creates
// deactivated gets no invite until it is reactivated.
func TestDeactivatedCreateDefersTheInvite(t *testing.T) {
	e := newEnv(t)
	in := idpUser("pre.hire@acme.com", "pre.hire@acme.com", "00u-pre")
	in.State = store.StateSuspended
	u, out, err := e.svc.ProvisionUserID(e.ctx, acct, in)
	require.NoError(t, err)
	assert.Equal(t, linking.OutcomeCreated, out)
	assert.Equal(t, store.StateSuspended, u.State)
	assert.True(t, u.InvitedAt.IsZero(), "the invite is deferred")
	inv, _ := e.sent(t)
	assert.Empty(t, inv, "no invite for a deactivated user")

	linking.Reactivate(&u)
	assert.Equal(t, store.StateInvited, u.State, "never joined: back to invited, not active")
	u, err = e.st.UpdateUser(e.ctx, acct, u)
	require.NoError(t, err)
	ok, err := e.svc.ClaimPendingInvite(e.ctx, acct, u)
	require.NoError(t, err)
	assert.True(t, ok, "issued")
	ok, err = e.svc.ClaimPendingInvite(e.ctx, acct, u)
	require.NoError(t, err)
	assert.False(t, ok, "the stale copy loses the version check")
	inv, _ = e.sent(t)
	assert.Len(t, inv, 1, "sent once, however often it is asked")
	n, err := e.svc.ClaimInvites(e.ctx, e.clock.Now())
	require.NoError(t, err)
	assert.Zero(t, n, "nothing left pending for the retry pass")
}

// TestLinkedHostUserReactivatesActive: an existing host member the IdP
// linked and then suspended comes back active, never invited.
func TestLinkedHostUserReactivatesActive(t *testing.T) {
	e := newEnv(t)
	e.hostUser(t, "hank", "hank@acme.com")
	u, out, err := e.svc.ProvisionUserID(e.ctx, acct, idpUser("hank@acme.com", "hank@acme.com", "00u-hank"))
	require.NoError(t, err)
	require.Equal(t, linking.OutcomeLinked, out)
	assert.False(t, u.AcceptedAt.IsZero(), "an existing member counts as joined")
	linking.Suspend(&u)
	linking.Reactivate(&u)
	assert.Equal(t, store.StateActive, u.State)

	host := store.User{State: store.StateActive, Created: time.Unix(100, 0)}
	linking.MarkLinked(&host, "00u-x")
	assert.Equal(t, time.Unix(100, 0), host.AcceptedAt, "taken over by lookup: joined when created")
	pending := store.User{State: store.StateInvited}
	linking.MarkLinked(&pending, "00u-y")
	assert.True(t, pending.AcceptedAt.IsZero(), "a pending invitee has not joined")
}

// TestReviewFindings pins rules an adversarial review found broken.
func TestReviewFindings(t *testing.T) {
	t.Run("a host user whose email is its userName is linked", func(t *testing.T) {
		e := newEnv(t)
		host, err := e.st.CreateUser(e.ctx, acct, store.User{UserName: "Alice@acme.com", State: store.StateActive})
		require.NoError(t, err)
		in := idpUser("alice.smith@acme.com", "alice@acme.com", "00u-alice")
		u, out, err := e.svc.ProvisionUserID(e.ctx, acct, in)
		require.NoError(t, err)
		assert.Equal(t, linking.OutcomeLinked, out)
		assert.Equal(t, host.ID, u.ID)
	})
	t.Run("every email the user is stored with must be allowed", func(t *testing.T) {
		e := newEnv(t)
		in := idpUser("bob@acme.com", "bob@acme.com", "00u-bob")
		in.Emails = append(in.Emails, store.Email{Value: "bob@gmail.com", Type: "home"})
		_, _, err := e.svc.ProvisionUserID(e.ctx, acct, in)
		assert.ErrorIs(t, err, linking.ErrPublicDomain)
		assert.Empty(t, e.allUsers(t))
	})
	t.Run("linking without an IdP externalId keeps the host's", func(t *testing.T) {
		e := newEnv(t)
		_, err := e.st.CreateUser(e.ctx, acct, store.User{UserName: "carl", ExternalID: "host-ext", State: store.StateActive,
			Emails: []store.Email{{Value: "carl@acme.com", Primary: true}}})
		require.NoError(t, err)
		u, out, err := e.svc.ProvisionUserID(e.ctx, acct, idpUser("carl@acme.com", "carl@acme.com", ""))
		require.NoError(t, err)
		assert.Equal(t, linking.OutcomeLinked, out)
		assert.Equal(t, "host-ext", u.ExternalID)
	})
}

func TestAnyDomain(t *testing.T) {
	e := newEnv(t)
	require.NoError(t, e.svc.SetAllowedDomains(e.ctx, acct, owner, []string{"*"}))
	_, out, err := e.svc.ProvisionUserID(e.ctx, acct, idpUser("zed@anything.example", "zed@anything.example", "00u-zed"))
	require.NoError(t, err, "* allows a company domain that is not listed")
	assert.Equal(t, linking.OutcomeCreated, out)
	_, _, err = e.svc.ProvisionUserID(e.ctx, acct, idpUser("zed@gmail.com", "zed@gmail.com", "00u-gm"))
	assert.ErrorIs(t, err, linking.ErrPublicDomain, "public mail domains stay refused under *")
	assert.NoError(t, e.svc.CheckEmail(e.ctx, acct, "x@other.example"))
}
