package linking_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/store"
)

var member = linking.Member{ID: "m-plain", Role: linking.RoleMember}

func TestTokensListRevoke(t *testing.T) {
	e := newEnv(t)
	second, err := e.svc.MintToken(e.ctx, acct, owner, "rotation")
	require.NoError(t, err)
	toks, err := e.svc.ListTokens(e.ctx, acct, owner)
	require.NoError(t, err)
	require.Len(t, toks, 2)
	assert.Equal(t, []string{"okta", "rotation"}, []string{toks[0].Label, toks[1].Label})
	assert.True(t, toks[0].LastUsed.IsZero(), "never used")

	used := t0.Add(time.Hour)
	require.NoError(t, e.st.TouchTokens(e.ctx, []store.TokenUse{{AccountID: acct, TokenID: toks[1].ID, At: used}}))
	toks, err = e.svc.ListTokens(e.ctx, acct, owner)
	require.NoError(t, err)
	assert.True(t, toks[1].LastUsed.Equal(used), "last use from the store: %v", toks[1].LastUsed)

	_, err = e.svc.ListTokens(e.ctx, acct, member)
	assert.ErrorIs(t, err, linking.ErrNotAuthorized)
	assert.ErrorIs(t, e.svc.RevokeToken(e.ctx, acct, member, toks[0].ID), linking.ErrNotAuthorized)
	require.NoError(t, e.svc.RevokeToken(e.ctx, acct, owner, toks[0].ID))
	assert.ErrorIs(t, e.svc.RevokeToken(e.ctx, acct, owner, toks[0].ID), store.ErrNotFound)
	left, err := e.st.ListTokens(e.ctx, acct)
	require.NoError(t, err)
	require.Len(t, left, 1)
	got, err := e.st.TokenByHash(e.ctx, linking.HashToken(second))
	require.NoError(t, err, "the second token still works")
	assert.Equal(t, toks[1].ID, got.ID)

	evs, err := e.st.Events(e.ctx, acct, 0, 100)
	require.NoError(t, err)
	last := evs[len(evs)-1]
	assert.Equal(t, store.TokenRevoked, last.Type)
	assert.Equal(t, store.Actor{Kind: store.ActorAdmin, ID: owner.ID}, last.Actor, "the revocation is the admin's")
}

func TestPauseResumeKeepsTokens(t *testing.T) {
	e := newEnv(t)
	before, err := e.st.ListTokens(e.ctx, acct)
	require.NoError(t, err)
	_, err = e.svc.PauseProvisioning(e.ctx, acct, member)
	assert.ErrorIs(t, err, linking.ErrNotAuthorized)
	a, err := e.svc.PauseProvisioning(e.ctx, acct, owner)
	require.NoError(t, err)
	assert.False(t, a.ProvisioningEnabled)
	assert.ErrorIs(t, e.svc.CheckEnabled(e.ctx, acct), linking.ErrProvisioningOff)
	_, err = e.svc.ResumeProvisioning(e.ctx, acct, member)
	assert.ErrorIs(t, err, linking.ErrNotAuthorized)
	a, err = e.svc.ResumeProvisioning(e.ctx, acct, owner)
	require.NoError(t, err)
	assert.True(t, a.ProvisioningEnabled)
	assert.NoError(t, e.svc.CheckEnabled(e.ctx, acct))
	after, err := e.st.ListTokens(e.ctx, acct)
	require.NoError(t, err)
	assert.Equal(t, before, after, "pause and resume leave the tokens alone")
	_, err = e.svc.ResumeProvisioning(e.ctx, "nope", owner)
	assert.ErrorIs(t, err, store.ErrNotFound, "resume does not create accounts")
}

func TestPreflightDomains(t *testing.T) {
	e := newEnv(t)
	e.hostUser(t, "ann", "ann@acme.com")
	bob := e.hostUser(t, "bob", "bob@acme.org")
	norm, refused, err := e.svc.PreflightDomains(e.ctx, acct, []string{" @ACME.com ", "acme.com", ""})
	require.NoError(t, err)
	assert.Equal(t, []string{"acme.com"}, norm)
	require.Len(t, refused, 1)
	assert.Equal(t, bob.ID, refused[0].UserID)
	assert.ErrorIs(t, refused[0].Reason, linking.ErrDomainNotAllowed)
	a, err := e.svc.Account(e.ctx, acct)
	require.NoError(t, err)
	assert.Equal(t, []string{"acme.com", "acme.org"}, a.AllowedDomains, "the preflight stores nothing")

	_, _, err = e.svc.PreflightDomains(e.ctx, acct, []string{"acme.com", "gmail.com"})
	assert.ErrorIs(t, err, linking.ErrPublicDomain)
	assert.Contains(t, detail(t, err), "public mail domain")
	_, _, err = e.svc.PreflightDomains(e.ctx, acct, []string{"not a domain"})
	assert.ErrorIs(t, err, linking.ErrInvalidEmail)
}

func TestResendInvite(t *testing.T) {
	e := newEnv(t)
	u, out, err := e.svc.ProvisionUserID(e.ctx, acct, idpUser("ivy@acme.com", "ivy@acme.com", "00u-ivy"))
	require.NoError(t, err)
	require.Equal(t, linking.OutcomeCreated, out)
	invites, _ := e.sent(t)
	require.Equal(t, []string{"acme/ivy@acme.com"}, invites)

	_, err = e.svc.ResendInvite(e.ctx, acct, member, u.ID)
	assert.ErrorIs(t, err, linking.ErrNotAuthorized)
	_, err = e.svc.ResendInvite(e.ctx, acct, owner, u.ID)
	require.NoError(t, err)
	invites, _ = e.n.sent()
	assert.Equal(t, []string{"acme/ivy@acme.com", "acme/ivy@acme.com"}, invites, "sent again")

	_, err = e.svc.AcceptInvite(e.ctx, acct, u.ID)
	require.NoError(t, err)
	_, err = e.svc.ResendInvite(e.ctx, acct, owner, u.ID)
	assert.ErrorIs(t, err, linking.ErrNotInvited)
	_, err = e.svc.ResendInvite(e.ctx, acct, owner, "nope")
	assert.ErrorIs(t, err, store.ErrNotFound)

	quiet := linking.New(e.st, nil)
	_, err = quiet.ResendInvite(e.ctx, acct, owner, u.ID)
	assert.ErrorIs(t, err, linking.ErrNoNotifier)
}
