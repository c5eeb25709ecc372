package scim

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	elimity "github.com/elimity-com/scim"
	"github.com/elimity-com/scim/optional"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/store"
)

const (
	userSchemaURN  = "urn:ietf:params:scim:schemas:core:2.0:User"
	groupSchemaURN = "urn:ietf:params:scim:schemas:core:2.0:Group"
	listSchemaURN  = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
)

// etag is the entity tag of a stored version: W/"<version>".
func etag(version int64) string { return `W/"` + strconv.FormatInt(version, 10) + `"` }

// checkIfMatch reports a 412 when the request carries If-Match and none of
// its tags names the current version. It returns the version the request
// expects (0 when there is no If-Match or it is "*").
func checkIfMatch(r *http.Request, current int64, what string) (int64, *Error) {
	h := r.Header.Get("If-Match")
	if h == "" {
		return 0, nil
	}
	for _, tag := range strings.Split(h, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" {
			return 0, nil
		}
		tag = strings.TrimPrefix(tag, "W/")
		if tag == strings.TrimPrefix(etag(current), "W/") {
			return current, nil
		}
	}
	return 0, &Error{Status: http.StatusPreconditionFailed,
		Detail: what + " has changed since the version in If-Match (it is now " + etag(current) + "); read it again and retry"}
}

func hasIfMatch(r *http.Request) bool {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	return h != "" && h != "*"
}

// userAttributes is the SCIM form of u without the common attributes (id,
// externalId, meta, schemas), which the caller adds.
func (h *Handler) userAttributes(u store.User) map[string]any {
	attrs := h.mapper.ToSCIM(u)
	attrs["active"] = u.Active()
	delete(attrs, "id")
	delete(attrs, "externalId")
	return attrs
}

// userGroups is the readOnly "groups" attribute of a user: the visible
// (managed) groups it belongs to.
func (h *Handler) userGroups(ctx context.Context, account string, u store.User) ([]any, error) {
	groups, err := h.store.GroupsOfUser(ctx, account, u.ID)
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(groups))
	for _, g := range groups {
		if !linking.Visible(g) {
			continue
		}
		out = append(out, map[string]any{"value": g.ID, "display": g.DisplayName, "$ref": h.location("Groups", g.ID), "type": "direct"})
	}
	return out, nil
}

func (h *Handler) userResource(u store.User, groups []any) elimity.Resource {
	attrs := h.userAttributes(u)
	if groups != nil {
		attrs["groups"] = groups
	}
	return elimity.Resource{
		ID:         u.ID,
		ExternalID: optionalString(u.ExternalID),
		Attributes: attrs,
		Meta:       meta(u.Created, u.Modified, u.Version),
	}
}

func (h *Handler) groupResource(g store.Group, members []string) elimity.Resource {
	attrs := map[string]any{"displayName": g.DisplayName}
	if members != nil {
		ms := make([]any, len(members))
		for i, id := range members {
			ms[i] = map[string]any{"value": id, "$ref": h.location("Users", id), "type": "User"}
		}
		attrs["members"] = ms
	}
	return elimity.Resource{
		ID:         g.ID,
		ExternalID: optionalString(g.ExternalID),
		Attributes: attrs,
		Meta:       meta(g.Created, g.Modified, g.Version),
	}
}

func optionalString(s string) optional.String {
	if s == "" {
		return optional.String{}
	}
	return optional.NewString(s)
}

func meta(created, modified time.Time, version int64) elimity.Meta {
	c, m := created, modified
	return elimity.Meta{Created: &c, LastModified: &m, Version: etag(version)}
}

// endpointURL is the location of an endpoint, relative unless a base URL
// is configured.
func (h *Handler) endpointURL(endpoint string) string {
	if h.baseURL == "" {
		return endpoint
	}
	return h.baseURL + "/" + endpoint
}

// location is the resource's meta.location, as the protocol library forms
// it: relative ("Users/42") unless a base URL is configured.
func (h *Handler) location(endpoint, id string) string {
	return h.endpointURL(endpoint + "/" + url.PathEscape(id))
}

// fullResource renders a resource the way the protocol library does for
// single-resource answers, for the responses this package writes itself
// (lists and searches).
func (h *Handler) fullResource(res elimity.Resource, resourceType string, schemas []string) map[string]any {
	out := make(map[string]any, len(res.Attributes)+4)
	for k, v := range res.Attributes {
		out[k] = v
	}
	out["id"] = res.ID
	if res.ExternalID.Present() {
		out["externalId"] = res.ExternalID.Value()
	}
	out["schemas"] = schemas
	endpoint := "Users"
	if resourceType == "Group" {
		endpoint = "Groups"
	}
	m := map[string]any{"resourceType": resourceType, "location": h.location(endpoint, res.ID), "version": res.Meta.Version}
	if res.Meta.Created != nil {
		m["created"] = res.Meta.Created.Format(time.RFC3339)
	}
	if res.Meta.LastModified != nil {
		m["lastModified"] = res.Meta.LastModified.Format(time.RFC3339)
	}
	out["meta"] = m
	return out
}
