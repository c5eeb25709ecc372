package linking_test

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"slices"
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
		assert.Len(t, secret, linking.TokenLen)
		raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(secret, linking.TokenPrefix))
		require.NoError(t, err, "base64url body")
		require.Len(t, raw, 36, "256 bits of randomness and a CRC-32")
		assert.Equal(t, crc32.ChecksumIEEE(raw[:32]), binary.BigEndian.Uint32(raw[32:]), "the CRC-32 of the random part")
		assert.Equal(t, linking.TokenChecked, linking.CheckToken(secret))
		assert.Equal(t, sha256.Sum256([]byte(secret)), hash)
		assert.Equal(t, hash, linking.HashToken(secret))
		assert.False(t, seen[secret], "tokens are unique")
		seen[secret] = true
	}
}

func TestCheckToken(t *testing.T) {
	good, _, err := linking.NewToken()
	require.NoError(t, err)
	body := []byte(strings.TrimPrefix(good, linking.TokenPrefix))
	flip := func(i int) string {
		b := slices.Clone(body)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return linking.TokenPrefix + string(b)
	}
	var old [32]byte
	_, _ = rand.Read(old[:])
	legacy := linking.TokenPrefix + base64.RawURLEncoding.EncodeToString(old[:])
	for _, tc := range []struct {
		name   string
		secret string
		want   linking.TokenFormat
	}{
		{"minted", good, linking.TokenChecked},
		{"one character changed in the random part", flip(3), linking.TokenMalformed},
		{"one character changed in the checksum", flip(len(body) - 2), linking.TokenMalformed},
		{"truncated", good[:len(good)-1], linking.TokenMalformed},
		{"one character more", good + "A", linking.TokenMalformed},
		{"not base64url", good[:20] + "!" + good[21:], linking.TokenMalformed},
		{"minted before the checksum", legacy, linking.TokenLegacy},
		{"prefix only", linking.TokenPrefix, linking.TokenMalformed},
		{"host-chosen, long enough", strings.Repeat("k", linking.MinTokenLen), linking.TokenLegacy},
		{"host-chosen, with RFC 6750 characters and padding", "abc-._~+/" + strings.Repeat("9", 30) + "==", linking.TokenLegacy},
		{"host-chosen, too short", strings.Repeat("k", linking.MinTokenLen-1), linking.TokenMalformed},
		{"host-chosen, too long", strings.Repeat("k", linking.MaxTokenLen+1), linking.TokenMalformed},
		{"a space", strings.Repeat("k", 20) + " " + strings.Repeat("k", 20), linking.TokenMalformed},
		{"padding inside", strings.Repeat("k", 20) + "=" + strings.Repeat("k", 20), linking.TokenMalformed},
		{"only padding", strings.Repeat("=", 40), linking.TokenMalformed},
		{"non-ASCII", strings.Repeat("k", 30) + "é", linking.TokenMalformed},
		{"empty", "", linking.TokenMalformed},
	} {
		assert.Equal(t, tc.want, linking.CheckToken(tc.secret), tc.name)
	}
}

func FuzzCheckToken(f *testing.F) {
	good, _, _ := linking.NewToken()
	f.Add(good)
	f.Add("scimkit_")
	f.Add(strings.Repeat("x", 40))
	f.Fuzz(func(t *testing.T, s string) {
		switch linking.CheckToken(s) {
		case linking.TokenChecked:
			raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(s, linking.TokenPrefix))
			if err != nil || len(raw) != 36 || len(s) != linking.TokenLen || crc32.ChecksumIEEE(raw[:32]) != binary.BigEndian.Uint32(raw[32:]) {
				t.Fatalf("CheckToken(%q) = checked, but the checksum does not hold", s)
			}
		case linking.TokenLegacy:
			if len(s) < linking.MinTokenLen || len(s) > linking.MaxTokenLen || strings.ContainsAny(s, " \t\r\n\x00\"") {
				t.Fatalf("CheckToken(%q) = legacy, outside the bounds", s)
			}
		}
	})
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
				toks0, _ := e.st.ListTokens(e.ctx, acct)
				if len(toks0) > 0 {
					assert.ErrorIs(t, e.svc.RevokeToken(e.ctx, acct, tt.actor, toks0[0].ID), linking.ErrNotAuthorized, "RevokeToken")
				}
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

// Every change to an account's access made through the Service tells the
// OnAccessChange watchers (the SCIM handler's token cache), after it is
// stored; refusals tell nobody.
func TestOnAccessChange(t *testing.T) {
	e := newEnv(t)
	owner := linking.Member{ID: "o", Role: linking.RoleOwner}
	var got []string
	e.svc.OnAccessChange(func(id string) { got = append(got, id) })
	e.svc.OnAccessChange(nil)
	expect := func(what string, n int) {
		t.Helper()
		assert.Len(t, got, n, what)
		for _, id := range got {
			assert.Equal(t, acct, id, what)
		}
		got = nil
	}
	secret, err := e.svc.MintToken(e.ctx, acct, owner, "second")
	require.NoError(t, err)
	expect("MintToken", 1)
	tok, err := e.st.TokenByHash(e.ctx, linking.HashToken(secret))
	require.NoError(t, err)
	require.NoError(t, e.svc.RevokeToken(e.ctx, acct, owner, tok.ID))
	expect("RevokeToken", 1)
	_, err = e.st.TokenByHash(e.ctx, linking.HashToken(secret))
	assert.ErrorIs(t, err, store.ErrNotFound, "RevokeToken revokes in the store")
	assert.ErrorIs(t, e.svc.RevokeToken(e.ctx, acct, owner, tok.ID), store.ErrNotFound, "RevokeToken of a revoked token")
	expect("a failed RevokeToken", 0)
	require.NoError(t, e.svc.SetAllowedDomains(e.ctx, acct, owner, []string{"acme.com"}))
	expect("SetAllowedDomains", 1)
	require.NoError(t, e.svc.DisableProvisioning(e.ctx, acct, owner))
	expect("DisableProvisioning", 1)
	_, err = e.svc.EnableProvisioning(e.ctx, acct, owner, "again")
	require.NoError(t, err)
	assert.NotEmpty(t, got, "EnableProvisioning")
	got = nil
	require.NoError(t, e.svc.Deactivate(e.ctx, acct, owner))
	assert.NotEmpty(t, got, "Deactivate")
	got = nil
	_, err = e.svc.MintToken(e.ctx, acct, linking.Member{ID: "m", Role: linking.RoleMember}, "x")
	require.ErrorIs(t, err, linking.ErrNotAuthorized)
	expect("a refused MintToken", 0)
}
