package linking_test

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/store"
)

func TestNewToken(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		secret, hash, err := linking.NewToken()
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(secret, linking.TokenPrefix), "recognisable prefix: %s", secret)
		raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(secret, linking.TokenPrefix))
		require.NoError(t, err, "base64url body")
		assert.Len(t, raw, 32, "256 bits of randomness")
		assert.Equal(t, sha256.Sum256([]byte(secret)), hash)
		assert.Equal(t, hash, linking.HashToken(secret))
		assert.False(t, seen[secret], "tokens are unique")
		seen[secret] = true
	}
}

func TestEnableProvisioningNeedsOwnerOrAdmin(t *testing.T) {
	tests := []struct {
		name    string
		actor   linking.Member
		wantErr error
	}{
		{"owner", linking.Member{ID: "o", Role: linking.RoleOwner}, nil},
		{"admin", linking.Member{ID: "a", Role: linking.RoleAdmin}, nil},
		{"member", linking.Member{ID: "m", Role: linking.RoleMember}, linking.ErrNotAuthorized},
		{"unknown role", linking.Member{ID: "x", Role: "guest"}, linking.ErrNotAuthorized},
		{"zero member", linking.Member{}, linking.ErrNotAuthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			secret, err := e.svc.EnableProvisioning(e.ctx, "fresh", tt.actor, "okta")
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.Equal(t, "only an owner or administrator of the account can turn provisioning on", detail(t, err))
				assert.Equal(t, "", secret)
				_, gerr := e.st.GetAccount(e.ctx, "fresh")
				assert.ErrorIs(t, gerr, store.ErrNotFound, "nothing created")
				_, err = e.svc.MintToken(e.ctx, acct, tt.actor, "x")
				assert.ErrorIs(t, err, linking.ErrNotAuthorized, "MintToken")
				assert.ErrorIs(t, e.svc.DisableProvisioning(e.ctx, acct, tt.actor), linking.ErrNotAuthorized, "DisableProvisioning")
				assert.ErrorIs(t, e.svc.Deactivate(e.ctx, acct, tt.actor), linking.ErrNotAuthorized, "Deactivate")
				assert.NoError(t, e.svc.CheckEnabled(e.ctx, acct), "still on")
				toks, err := e.st.ListTokens(e.ctx, acct)
				require.NoError(t, err)
				assert.Len(t, toks, 1, "no token minted or revoked")
				return
			}
			require.NoError(t, err)
			assert.NoError(t, e.svc.CheckEnabled(e.ctx, "fresh"))
			tok, err := e.st.TokenByHash(e.ctx, linking.HashToken(secret))
			require.NoError(t, err, "only the hash is stored, and it finds the account")
			assert.Equal(t, "fresh", tok.AccountID)
			assert.Equal(t, "okta", tok.Label)
		})
	}
}

// TestSyncSwitch: off refuses everything and changes nothing; on resumes;
// deactivation revokes tokens and keeps users and groups.
func TestSyncSwitch(t *testing.T) {
	e := newEnv(t)
	u, _, err := e.svc.ProvisionUserID(e.ctx, acct, idpUser("vic@acme.com", "vic@acme.com", "00u-vic"))
	require.NoError(t, err)
	g, _, err := e.svc.ProvisionGroupID(e.ctx, acct, store.Group{DisplayName: "Eng"}, []string{u.ID})
	require.NoError(t, err)
	usersBefore, groupsBefore := e.allUsers(t), e.allGroups(t)

	require.NoError(t, e.svc.DisableProvisioning(e.ctx, acct, owner))
	err = e.svc.CheckEnabled(e.ctx, acct)
	require.ErrorIs(t, err, linking.ErrProvisioningOff)
	assert.True(t, strings.Contains(detail(t, err), "turned off") && strings.Contains(detail(t, err), "Settings > Provisioning"),
		"the detail says it is off and where to turn it on: %s", detail(t, err))
	_, _, err = e.svc.ProvisionUserID(e.ctx, acct, idpUser("wes@acme.com", "wes@acme.com", "00u-wes"))
	assert.ErrorIs(t, err, linking.ErrProvisioningOff)
	_, _, err = e.svc.ProvisionGroupID(e.ctx, acct, store.Group{DisplayName: "Eng"}, nil)
	assert.ErrorIs(t, err, linking.ErrProvisioningOff)
	assert.Equal(t, usersBefore, e.allUsers(t), "users untouched while off")
	assert.Equal(t, groupsBefore, e.allGroups(t), "groups untouched while off")
	toks, err := e.st.ListTokens(e.ctx, acct)
	require.NoError(t, err)
	assert.Len(t, toks, 1, "switching off keeps the token")

	second, err := e.svc.EnableProvisioning(e.ctx, acct, owner, "rotated")
	require.NoError(t, err)
	assert.NoError(t, e.svc.CheckEnabled(e.ctx, acct), "on again")
	_, out, err := e.svc.ProvisionUserID(e.ctx, acct, idpUser("wes@acme.com", "wes@acme.com", "00u-wes"))
	require.NoError(t, err, "provisioning resumes")
	assert.Equal(t, linking.OutcomeCreated, out)
	third, err := e.svc.MintToken(e.ctx, acct, owner, "third")
	require.NoError(t, err)
	assert.NotEqual(t, second, third)
	toks, err = e.st.ListTokens(e.ctx, acct)
	require.NoError(t, err)
	assert.Len(t, toks, 3)

	usersBefore, groupsBefore = e.allUsers(t), e.allGroups(t)
	require.NoError(t, e.svc.Deactivate(e.ctx, acct, owner))
	assert.ErrorIs(t, e.svc.CheckEnabled(e.ctx, acct), linking.ErrProvisioningOff)
	toks, err = e.st.ListTokens(e.ctx, acct)
	require.NoError(t, err)
	assert.Empty(t, toks, "every token revoked")
	_, err = e.st.TokenByHash(e.ctx, linking.HashToken(second))
	assert.ErrorIs(t, err, store.ErrNotFound)
	assert.Equal(t, usersBefore, e.allUsers(t), "users as they were")
	assert.Equal(t, groupsBefore, e.allGroups(t), "groups as they were")
	m, err := e.st.Members(e.ctx, acct, g.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{u.ID}, m, "memberships as they were")

	assert.ErrorIs(t, e.svc.CheckEnabled(e.ctx, "nope"), linking.ErrProvisioningOff, "a missing account counts as off")
	assert.ErrorIs(t, e.svc.DisableProvisioning(e.ctx, "nope", owner), store.ErrNotFound)
	_, err = e.svc.MintToken(e.ctx, "nope", owner, "x")
	assert.ErrorIs(t, err, store.ErrNotFound)
}

func TestErrorType(t *testing.T) {
	e := newEnv(t)
	err := e.svc.CheckEmail(e.ctx, acct, "a@other.com")
	var le *linking.Error
	require.ErrorAs(t, err, &le)
	assert.Equal(t, linking.ErrDomainNotAllowed, le.Kind)
	assert.Equal(t, le.Detail, err.Error())
	assert.Equal(t, linking.ErrDomainNotAllowed, le.Unwrap())
	assert.False(t, strings.Contains(le.Detail, "linking:"), "no internal text in the detail")
}

func TestOutcomeString(t *testing.T) {
	assert.Equal(t, "created", linking.OutcomeCreated.String())
	assert.Equal(t, "linked", linking.OutcomeLinked.String())
	assert.Equal(t, "Outcome(0)", linking.Outcome(0).String())
}
