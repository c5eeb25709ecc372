package linking_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/store"
)

func TestEnableProvisioningForIdP(t *testing.T) {
	e := newEnv(t)
	_, err := e.svc.EnableProvisioning(e.ctx, "fresh", owner, "Okta", linking.ForIdP(" Entra "))
	require.NoError(t, err)
	a, err := e.st.GetAccount(e.ctx, "fresh")
	require.NoError(t, err)
	assert.True(t, a.ProvisioningEnabled)
	assert.Equal(t, store.IdPEntra, a.IdP, "normalised name stored with the switch")

	// Turning it on again without ForIdP keeps the choice.
	_, err = e.svc.EnableProvisioning(e.ctx, "fresh", owner, "second")
	require.NoError(t, err)
	idp, err := e.svc.AccountIdP(e.ctx, "fresh")
	require.NoError(t, err)
	assert.Equal(t, store.IdPEntra, idp)

	// An unknown name changes nothing: no switch, no token.
	_, err = e.svc.EnableProvisioning(e.ctx, "other", owner, "x", linking.ForIdP("onelogin"))
	require.ErrorIs(t, err, linking.ErrInvalidIdP)
	assert.Contains(t, detail(t, err), "choose one of okta, entra, generic")
	_, err = e.st.GetAccount(e.ctx, "other")
	assert.ErrorIs(t, err, store.ErrNotFound, "nothing created")
}

func TestSetIdP(t *testing.T) {
	e := newEnv(t, linking.WithIdPs("okta", "ACME-HR", "bad name", "okta"))
	assert.Equal(t, []string{"okta", "acme-hr"}, e.svc.IdPs(), "normalised, invalid and duplicate names dropped")

	require.NoError(t, e.svc.SetIdP(e.ctx, acct, owner, "acme-hr"))
	idp, err := e.svc.AccountIdP(e.ctx, acct)
	require.NoError(t, err)
	assert.Equal(t, "acme-hr", idp)

	err = e.svc.SetIdP(e.ctx, acct, owner, "entra")
	require.ErrorIs(t, err, linking.ErrInvalidIdP, "entra is not among this host's names")
	err = e.svc.SetIdP(e.ctx, acct, owner, "a b")
	require.ErrorIs(t, err, linking.ErrInvalidIdP)
	err = e.svc.SetIdP(e.ctx, acct, linking.Member{ID: "m", Role: linking.RoleMember}, "okta")
	require.ErrorIs(t, err, linking.ErrNotAuthorized)
	idp, _ = e.svc.AccountIdP(e.ctx, acct)
	assert.Equal(t, "acme-hr", idp, "refusals change nothing")

	evs, err := e.st.Events(e.ctx, acct, 0, 1000)
	require.NoError(t, err)
	last := evs[len(evs)-1]
	assert.Equal(t, store.AccountUpdated, last.Type)
	assert.Equal(t, []string{"idp"}, last.Data.Changed)
	assert.Equal(t, store.ActorAdmin, last.Actor.Kind)

	require.NoError(t, e.svc.SetIdP(e.ctx, acct, owner, ""), "empty: back to the handler's default")
	idp, _ = e.svc.AccountIdP(e.ctx, acct)
	assert.Equal(t, "", idp)
	assert.Equal(t, linking.DefaultIdPs(), linking.New(e.st, nil).IdPs())
}
