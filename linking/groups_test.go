package linking_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/store"
)

func TestProvisionGroup(t *testing.T) {
	type fixture struct{ alice, bob, carol, group string }
	tests := []struct {
		name string
		// host is the existing host group (nil: none), members alice and bob.
		host       *store.Group
		in         store.Group
		wantErr    error
		wantDetail string
		wantOut    linking.Outcome
		check      func(t *testing.T, e *env, f fixture, got store.Group)
	}{
		{
			name:    "adopts a managed, unlinked group by case-insensitive name",
			host:    &store.Group{DisplayName: "Engineering", Managed: true},
			in:      store.Group{DisplayName: "ENGINEERING", ExternalID: "00g-eng"},
			wantOut: linking.OutcomeLinked,
			check: func(t *testing.T, e *env, f fixture, got store.Group) {
				assert.Equal(t, f.group, got.ID, "the existing id is answered")
				assert.True(t, got.Linked)
				assert.True(t, got.Managed)
				assert.Equal(t, "00g-eng", got.ExternalID)
				assert.Equal(t, "ENGINEERING", got.DisplayName, "the IdP's spelling is recorded")
				m, err := e.st.Members(e.ctx, acct, got.ID)
				require.NoError(t, err)
				assert.Equal(t, []string{f.alice, f.bob, f.carol}, m, "adoption keeps the existing members and adds the pushed ones: nobody loses access")
				assert.Len(t, e.allGroups(t), 1, "not duplicated")
			},
		},
		{
			name:    "a managed group already linked is a store conflict (409 uniqueness)",
			host:    &store.Group{DisplayName: "Sales", Managed: true, Linked: true, ExternalID: "00g-old"},
			in:      store.Group{DisplayName: "sales", ExternalID: "00g-new"},
			wantErr: store.ErrConflict,
		},
		{
			name:       "unmanaged group refused with how to fix it",
			host:       &store.Group{DisplayName: "Finance"},
			in:         store.Group{DisplayName: "Finance", ExternalID: "00g-fin"},
			wantErr:    linking.ErrGroupNotManaged,
			wantDetail: `group "Finance" already exists in the host and is not managed by provisioning; mark it as managed under Settings > Provisioning > Managed groups, or rename the group in your identity provider, then retry`,
		},
		{
			name:       "privileged group refused even if managed",
			host:       &store.Group{DisplayName: "Owners", Managed: true, Privileged: true},
			in:         store.Group{DisplayName: "owners"},
			wantErr:    linking.ErrGroupPrivileged,
			wantDetail: `group "Owners" is a privileged group (such as owners or administrators) and is never changed by provisioning; manage it in the host, or push the IdP group under a different name`,
		},
		{
			name:    "privileged and unmanaged: privileged wins",
			host:    &store.Group{DisplayName: "Administrators", Privileged: true},
			in:      store.Group{DisplayName: "Administrators"},
			wantErr: linking.ErrGroupPrivileged,
		},
		{
			name:    "new group created managed and linked; privileged flag from the IdP ignored",
			host:    &store.Group{DisplayName: "Other", Managed: true},
			in:      store.Group{DisplayName: "Design", ExternalID: "00g-des", Privileged: true, ID: "ignored"},
			wantOut: linking.OutcomeCreated,
			check: func(t *testing.T, e *env, f fixture, got store.Group) {
				assert.NotEqual(t, f.group, got.ID)
				assert.NotEqual(t, "ignored", got.ID)
				assert.True(t, got.Managed)
				assert.True(t, got.Linked)
				assert.False(t, got.Privileged)
				m, err := e.st.Members(e.ctx, acct, got.ID)
				require.NoError(t, err)
				assert.Equal(t, []string{f.bob, f.carol}, m)
			},
		},
		{
			name:    "an unknown member id is the store's error, nothing stored",
			in:      store.Group{DisplayName: "Ghosts"},
			wantErr: store.ErrUnknownMember,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			f := fixture{
				alice: e.hostUser(t, "alice", "alice@acme.com").ID,
				bob:   e.hostUser(t, "bob", "bob@acme.com").ID,
				carol: e.hostUser(t, "carol", "carol@acme.com").ID,
			}
			if tt.host != nil {
				g, err := e.st.CreateGroup(e.ctx, acct, *tt.host, []string{f.alice, f.bob})
				require.NoError(t, err)
				f.group = g.ID
			}
			members := []string{f.bob, f.carol}
			if tt.wantErr == store.ErrUnknownMember {
				members = append(members, "no-such-user")
			}
			before := e.allGroups(t)
			got, out, err := e.svc.ProvisionGroupID(e.ctx, acct, tt.in, members)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				if tt.wantDetail != "" {
					assert.Equal(t, tt.wantDetail, detail(t, err))
				}
				assert.Equal(t, before, e.allGroups(t), "groups unchanged on refusal")
				if f.group != "" {
					m, err := e.st.Members(e.ctx, acct, f.group)
					require.NoError(t, err)
					assert.Equal(t, []string{f.alice, f.bob}, m, "membership unchanged on refusal")
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantOut, out)
			stored, err := e.st.GetGroup(e.ctx, acct, got.ID)
			require.NoError(t, err)
			assert.Equal(t, stored, got, "the answer is what is stored")
			if tt.check != nil {
				tt.check(t, e, f, got)
			}
		})
	}
	t.Run("provisioning off: refused, nothing stored", func(t *testing.T) {
		e := newEnv(t)
		require.NoError(t, e.svc.DisableProvisioning(e.ctx, acct, owner))
		_, _, err := e.svc.ProvisionGroupID(e.ctx, acct, store.Group{DisplayName: "X"}, nil)
		assert.ErrorIs(t, err, linking.ErrProvisioningOff)
		assert.Empty(t, e.allGroups(t))
	})
}

func TestVisibleAndWritable(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		g        store.Group
		visible  bool
		writeErr error
	}{
		{store.Group{DisplayName: "Eng", Managed: true}, true, nil},
		{store.Group{DisplayName: "Eng", Managed: true, Linked: true}, true, nil},
		{store.Group{DisplayName: "Local"}, false, linking.ErrGroupNotManaged},
		{store.Group{DisplayName: "Owners", Privileged: true}, false, linking.ErrGroupPrivileged},
		{store.Group{DisplayName: "Admins", Managed: true, Privileged: true}, true, linking.ErrGroupPrivileged},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.visible, linking.Visible(tt.g), "Visible(%+v)", tt.g)
		err := e.svc.CheckGroupWritable(tt.g)
		if tt.writeErr == nil {
			assert.NoError(t, err, "CheckGroupWritable(%+v)", tt.g)
		} else {
			assert.ErrorIs(t, err, tt.writeErr, "CheckGroupWritable(%+v)", tt.g)
			assert.True(t, detail(t, err) != "", "a detail for the IdP")
		}
	}
}

func TestSetGroupManaged(t *testing.T) {
	tests := []struct {
		name    string
		group   store.Group
		actor   linking.Member
		managed bool
		wantErr error
	}{
		{"admin marks a group managed", store.Group{DisplayName: "Eng"}, linking.Member{ID: "a", Role: linking.RoleAdmin}, true, nil},
		{"owner unmarks it", store.Group{DisplayName: "Eng", Managed: true}, owner, false, nil},
		{"marking twice is harmless", store.Group{DisplayName: "Eng", Managed: true}, owner, true, nil},
		{"a member may not", store.Group{DisplayName: "Eng"}, linking.Member{ID: "m", Role: linking.RoleMember}, true, linking.ErrNotAuthorized},
		{"a privileged group cannot be managed", store.Group{DisplayName: "Owners", Privileged: true}, owner, true, linking.ErrGroupPrivileged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			g, err := e.st.CreateGroup(e.ctx, acct, tt.group, nil)
			require.NoError(t, err)
			got, err := e.svc.SetGroupManaged(e.ctx, acct, tt.actor, g.ID, tt.managed)
			stored, gerr := e.st.GetGroup(e.ctx, acct, g.ID)
			require.NoError(t, gerr)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
				assert.Equal(t, g, stored, "unchanged")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.managed, stored.Managed)
			assert.Equal(t, stored, got)
		})
	}
}
