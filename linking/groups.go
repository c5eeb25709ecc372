package linking

import (
	"context"
	"fmt"

	"github.com/scimkit/scimkit/store"
)

// Visible reports whether the IdP may see g: only managed groups are
// listed, looked up and read over SCIM. The SCIM layer applies the same
// rule to listings in the store query, by adding
//
//	store.Compare{Attr: store.AttrManaged, Op: store.OpEq, Value: true}
//
// to every group filter (And with the IdP's filter), and answers 404 for a
// GET of a group that is not Visible. SetGroupManaged refuses to mark a
// privileged group as managed, so privileged groups stay hidden; a host
// that marks one managed in its own store makes it visible (the IdP can
// import it) but never writable, see CheckGroupWritable.
func Visible(g store.Group) bool { return g.Managed }

// CheckGroupWritable returns nil if the IdP may change or delete g: it is
// managed and not privileged. Otherwise it returns an *Error of kind
// ErrGroupPrivileged or ErrGroupNotManaged whose detail says how to fix it.
// The SCIM layer calls it before every group change and delete, and
// changes nothing on refusal.
func (s *Service) CheckGroupWritable(g store.Group) error {
	if g.Privileged {
		return refuse(ErrGroupPrivileged,
			"group %q is a privileged group (such as owners or administrators) and is never changed by provisioning; manage it in the host, or push the IdP group under a different name",
			g.DisplayName)
	}
	if !g.Managed {
		return refuse(ErrGroupNotManaged,
			"group %q already exists in the host and is not managed by provisioning; mark it as managed under %s > Managed groups, or rename the group in your identity provider, then retry",
			g.DisplayName, s.settings)
	}
	return nil
}

// ProvisionGroup handles an IdP's push of a new group (POST /Groups). g is
// the incoming group (DisplayName, ExternalID; ID, Managed, Privileged and
// Linked are ignored) and members its initial member ids.
//
//   - Provisioning must be on (else ErrProvisioningOff).
//   - If a group with the same displayName (case-insensitively) exists:
//     privileged: ErrGroupPrivileged; not managed: ErrGroupNotManaged;
//     managed and already linked: an error matching store.ErrConflict (409
//     uniqueness); managed and not linked: it is adopted. Its ID is kept,
//     it is marked Linked, the IdP's externalId and displayName spelling are
//     recorded, and members are added to the members it already has.
//     Nobody loses access on adoption: Okta and Entra push a new group
//     with no members and add them afterwards, and a later "replace
//     members" from the IdP sets the exact set. OutcomeLinked.
//   - Else a new group is created, Managed and Linked. OutcomeCreated.
//
// Nothing changes on refusal. Store failures (an externalId taken, an
// unknown member id) are returned wrapped so errors.Is matches the store
// sentinels.
func (s *Service) ProvisionGroup(ctx context.Context, a store.Account, g store.Group, members []string) (store.Group, Outcome, error) {
	if err := s.Enabled(a); err != nil {
		return store.Group{}, 0, err
	}
	accountID := a.ID
	for range maxRetries {
		existing, err := s.st.GroupByDisplayName(ctx, accountID, g.DisplayName)
		if isNotFound(err) {
			created, err := s.st.CreateGroup(ctx, accountID, store.Group{
				ExternalID:  g.ExternalID,
				DisplayName: g.DisplayName,
				Managed:     true,
				Linked:      true,
			}, members)
			if err != nil {
				return store.Group{}, 0, fmt.Errorf("linking: create group: %w", err)
			}
			return created, OutcomeCreated, nil
		}
		if err != nil {
			return store.Group{}, 0, fmt.Errorf("linking: group by name: %w", err)
		}
		adopted, err := s.adoptGroup(ctx, accountID, existing.ID, g, members)
		if isNotFound(err) {
			continue // deleted or renamed meanwhile: decide again
		}
		if err != nil {
			return store.Group{}, 0, err
		}
		return adopted, OutcomeLinked, nil
	}
	return store.Group{}, 0, fmt.Errorf("linking: group %q kept disappearing while being adopted: %w", g.DisplayName, store.ErrContention)
}

// adoptGroup links the existing host group id to the IdP's group in, in
// one versioned write, or explains why not. ErrNotFound means "decide
// again".
func (s *Service) adoptGroup(ctx context.Context, accountID, id string, in store.Group, members []string) (store.Group, error) {
	get := func(ctx context.Context) (store.Group, error) { return s.st.GetGroup(ctx, accountID, id) }
	put := func(ctx context.Context, g store.Group) (store.Group, error) {
		upd := store.GroupUpdate{Version: g.Version, DisplayName: &g.DisplayName, Linked: &g.Linked, AddMembers: members}
		if in.ExternalID != "" {
			upd.ExternalID = &in.ExternalID
		}
		g, _, err := s.st.UpdateGroup(ctx, accountID, id, upd)
		return g, err
	}
	out, err := store.Update(ctx, get, put, func(g store.Group) (store.Group, error) {
		if store.Fold(g.DisplayName) != store.Fold(in.DisplayName) {
			return g, fmt.Errorf("linking: group %s renamed meanwhile: %w", id, store.ErrNotFound)
		}
		if err := s.CheckGroupWritable(g); err != nil {
			return g, err
		}
		if g.Linked {
			return g, fmt.Errorf("linking: group already provisioned: %w",
				&store.ConflictError{Attribute: "displayName", Value: in.DisplayName})
		}
		g.DisplayName, g.Linked = in.DisplayName, true
		return g, nil
	})
	return out, wrap(err, "linking: adopt group %s", id)
}

// SetGroupManaged is the admin's switch that marks an existing host group
// as managed by provisioning (visible to the IdP and adoptable by a push of
// the same name) or takes it back. The actor must be an owner or
// administrator (ErrNotAuthorized). A privileged group cannot be marked
// managed (ErrGroupPrivileged). Unmarking a group hides it from the IdP and
// refuses its further changes; it does not delete it or its members.
func (s *Service) SetGroupManaged(ctx context.Context, accountID string, actor Member, groupID string, managed bool) (store.Group, error) {
	if err := authorize(actor, "change which groups provisioning manages"); err != nil {
		return store.Group{}, err
	}
	ctx = asAdmin(ctx, actor)
	get := func(ctx context.Context) (store.Group, error) { return s.st.GetGroup(ctx, accountID, groupID) }
	put := func(ctx context.Context, g store.Group) (store.Group, error) {
		out, _, err := s.st.UpdateGroup(ctx, accountID, groupID, store.GroupUpdate{Version: g.Version, Managed: &g.Managed})
		return out, err
	}
	out, err := store.Update(ctx, get, put, func(g store.Group) (store.Group, error) {
		if managed && g.Privileged {
			return g, refuse(ErrGroupPrivileged,
				"group %q is a privileged group (such as owners or administrators) and cannot be managed by provisioning", g.DisplayName)
		}
		g.Managed = managed
		return g, nil
	})
	return out, wrap(err, "linking: set group %s managed", groupID)
}
