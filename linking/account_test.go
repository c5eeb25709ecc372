package linking_test

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/store"
)

func TestNewToken(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		secret, hash, err := linking.NewToken()
		must.NoError(t, err)
		check.True(t, strings.HasPrefix(secret, linking.TokenPrefix), "recognisable prefix: %s", secret)
		raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(secret, linking.TokenPrefix))
		must.NoError(t, err, "base64url body")
		check.Len(t, raw, 32, "256 bits of randomness")
		check.Equal(t, sha256.Sum256([]byte(secret)), hash)
		check.Equal(t, hash, linking.HashToken(secret))
		check.False(t, seen[secret], "tokens are unique")
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
				must.ErrorIs(t, err, tt.wantErr)
				check.Equal(t, "only an owner or administrator of the account can turn provisioning on", detail(t, err))
				check.Equal(t, "", secret)
				_, gerr := e.st.GetAccount(e.ctx, "fresh")
				check.ErrorIs(t, gerr, store.ErrNotFound, "nothing created")
				_, err = e.svc.MintToken(e.ctx, acct, tt.actor, "x")
				check.ErrorIs(t, err, linking.ErrNotAuthorized, "MintToken")
				check.ErrorIs(t, e.svc.DisableProvisioning(e.ctx, acct, tt.actor), linking.ErrNotAuthorized, "DisableProvisioning")
				check.ErrorIs(t, e.svc.Deactivate(e.ctx, acct, tt.actor), linking.ErrNotAuthorized, "Deactivate")
				check.NoError(t, e.svc.CheckEnabled(e.ctx, acct), "still on")
				toks, err := e.st.ListTokens(e.ctx, acct)
				must.NoError(t, err)
				check.Len(t, toks, 1, "no token minted or revoked")
				return
			}
			must.NoError(t, err)
			check.NoError(t, e.svc.CheckEnabled(e.ctx, "fresh"))
			tok, err := e.st.TokenByHash(e.ctx, linking.HashToken(secret))
			must.NoError(t, err, "only the hash is stored, and it finds the account")
			check.Equal(t, "fresh", tok.AccountID)
			check.Equal(t, "okta", tok.Label)
		})
	}
}

// TestSyncSwitch: off refuses everything and changes nothing; on resumes;
// deactivation revokes tokens and keeps users and groups.
func TestSyncSwitch(t *testing.T) {
	e := newEnv(t)
	u, _, err := e.svc.ProvisionUser(e.ctx, acct, idpUser("vic@acme.com", "vic@acme.com", "00u-vic"))
	must.NoError(t, err)
	g, _, err := e.svc.ProvisionGroup(e.ctx, acct, store.Group{DisplayName: "Eng"}, []string{u.ID})
	must.NoError(t, err)
	usersBefore, groupsBefore := e.allUsers(t), e.allGroups(t)

	must.NoError(t, e.svc.DisableProvisioning(e.ctx, acct, owner))
	err = e.svc.CheckEnabled(e.ctx, acct)
	must.ErrorIs(t, err, linking.ErrProvisioningOff)
	check.True(t, strings.Contains(detail(t, err), "turned off") && strings.Contains(detail(t, err), "Settings > Provisioning"),
		"the detail says it is off and where to turn it on: %s", detail(t, err))
	_, _, err = e.svc.ProvisionUser(e.ctx, acct, idpUser("wes@acme.com", "wes@acme.com", "00u-wes"))
	check.ErrorIs(t, err, linking.ErrProvisioningOff)
	_, _, err = e.svc.ProvisionGroup(e.ctx, acct, store.Group{DisplayName: "Eng"}, nil)
	check.ErrorIs(t, err, linking.ErrProvisioningOff)
	check.Equal(t, usersBefore, e.allUsers(t), "users untouched while off")
	check.Equal(t, groupsBefore, e.allGroups(t), "groups untouched while off")
	toks, err := e.st.ListTokens(e.ctx, acct)
	must.NoError(t, err)
	check.Len(t, toks, 1, "switching off keeps the token")

	second, err := e.svc.EnableProvisioning(e.ctx, acct, owner, "rotated")
	must.NoError(t, err)
	check.NoError(t, e.svc.CheckEnabled(e.ctx, acct), "on again")
	_, out, err := e.svc.ProvisionUser(e.ctx, acct, idpUser("wes@acme.com", "wes@acme.com", "00u-wes"))
	must.NoError(t, err, "provisioning resumes")
	check.Equal(t, linking.OutcomeCreated, out)
	third, err := e.svc.MintToken(e.ctx, acct, owner, "third")
	must.NoError(t, err)
	check.NotEqual(t, second, third)
	toks, err = e.st.ListTokens(e.ctx, acct)
	must.NoError(t, err)
	check.Len(t, toks, 3)

	usersBefore, groupsBefore = e.allUsers(t), e.allGroups(t)
	must.NoError(t, e.svc.Deactivate(e.ctx, acct, owner))
	check.ErrorIs(t, e.svc.CheckEnabled(e.ctx, acct), linking.ErrProvisioningOff)
	toks, err = e.st.ListTokens(e.ctx, acct)
	must.NoError(t, err)
	check.Empty(t, toks, "every token revoked")
	_, err = e.st.TokenByHash(e.ctx, linking.HashToken(second))
	check.ErrorIs(t, err, store.ErrNotFound)
	check.Equal(t, usersBefore, e.allUsers(t), "users as they were")
	check.Equal(t, groupsBefore, e.allGroups(t), "groups as they were")
	m, err := e.st.Members(e.ctx, acct, g.ID)
	must.NoError(t, err)
	check.Equal(t, []string{u.ID}, m, "memberships as they were")

	check.ErrorIs(t, e.svc.CheckEnabled(e.ctx, "nope"), linking.ErrProvisioningOff, "a missing account counts as off")
	check.ErrorIs(t, e.svc.DisableProvisioning(e.ctx, "nope", owner), store.ErrNotFound)
	_, err = e.svc.MintToken(e.ctx, "nope", owner, "x")
	check.ErrorIs(t, err, store.ErrNotFound)
}

func TestErrorType(t *testing.T) {
	e := newEnv(t)
	err := e.svc.CheckEmail(e.ctx, acct, "a@other.com")
	var le *linking.Error
	must.ErrorAs(t, err, &le)
	check.Equal(t, linking.ErrDomainNotAllowed, le.Kind)
	check.Equal(t, le.Detail, err.Error())
	check.Equal(t, linking.ErrDomainNotAllowed, le.Unwrap())
	check.False(t, strings.Contains(le.Detail, "linking:"), "no internal text in the detail")
}

func TestOutcomeString(t *testing.T) {
	check.Equal(t, "created", linking.OutcomeCreated.String())
	check.Equal(t, "linked", linking.OutcomeLinked.String())
	check.Equal(t, "Outcome(0)", linking.Outcome(0).String())
}
