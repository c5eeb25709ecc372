package scim

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

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
func checkIfMatch(r *http.Request, current int64, what string) (int64, *apiError) {
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
	return 0, &apiError{Status: http.StatusPreconditionFailed,
		Detail: what + " has changed since the version in If-Match (it is now " + etag(current) + "); read it again and retry"}
}

// userAttributes is the SCIM form of u without the common attributes (id,
// externalId, meta, schemas), which the caller adds.
func (h *Handler) userAttributes(p *profile, u store.User) map[string]any {
	attrs := p.mapper.ToSCIM(u)
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

// userDoc is the whole SCIM document of u: its attributes, groups (when
// not nil), the common attributes and meta.
func (h *Handler) userDoc(p *profile, u store.User, groups []any) map[string]any {
	doc := h.userAttributes(p, u)
	if groups != nil {
		doc["groups"] = groups
	}
	h.common(doc, "User", u.ID, u.ExternalID, u.Created, u.Modified, u.Version)
	doc["schemas"] = p.userSchemas
	return doc
}

// members reads the group's members as its document lists them: with
// their display names when names is set (the profile returns them and
// the request's projection may).
func (h *Handler) members(ctx context.Context, account, groupID string, names bool) (memberList, error) {
	m := memberList{base: h.endpointURL("Users/")}
	if !names {
		ids, err := h.store.Members(ctx, account, groupID)
		m.ids = ids
		return m, err
	}
	named, err := store.NamedMembersOf(ctx, h.store, account, groupID)
	if err != nil {
		return m, err
	}
	m.ids, m.names = make([]string, len(named)), make([]string, len(named))
	for i, n := range named {
		m.ids[i], m.names[i] = n.ID, n.Display
	}
	return m, nil
}

// groupDoc is the whole SCIM document of g, with its members unless
// members.ids is nil.
func (h *Handler) groupDoc(g store.Group, members memberList) map[string]any {
	doc := map[string]any{"displayName": g.DisplayName}
	if members.ids != nil {
		doc["members"] = members
	}
	h.common(doc, "Group", g.ID, g.ExternalID, g.Created, g.Modified, g.Version)
	doc["schemas"] = []string{groupSchemaURN}
	return doc
}

// common adds id, externalId and meta to doc.
func (h *Handler) common(doc map[string]any, resourceType, id, externalID string, created, modified time.Time, version int64) {
	doc["id"] = id
	if externalID != "" {
		doc["externalId"] = externalID
	}
	doc["meta"] = map[string]any{
		"resourceType": resourceType,
		"location":     h.location(resourceType+"s", id),
		"version":      etag(version),
		"created":      created.Format(time.RFC3339),
		"lastModified": modified.Format(time.RFC3339),
	}
}

// writeUser answers with u, its groups and its ETag; a 201 also gets the
// Location header.
func (h *Handler) writeUser(w http.ResponseWriter, q *request, status int, u store.User) {
	if rec, ok := w.(*recorder); ok {
		rec.resName = u.UserName
	}
	groups, err := h.userGroups(q.ctx(), q.acct.ID, u)
	if err != nil {
		writeError(w, h.translate(q.ctx(), err, userWhat(u.ID)))
		return
	}
	h.writeResource(w, status, "Users", u.ID, u.Version, h.userDoc(q.p, u, groups))
}

// writeGroup answers with g and its members.
func (h *Handler) writeGroup(w http.ResponseWriter, status int, g store.Group, members memberList) {
	if rec, ok := w.(*recorder); ok {
		rec.resName = g.DisplayName
	}
	h.writeResource(w, status, "Groups", g.ID, g.Version, h.groupDoc(g, members))
}

func (h *Handler) writeResource(w http.ResponseWriter, status int, endpoint, id string, version int64, doc map[string]any) {
	if rec, ok := w.(*recorder); ok {
		rec.resID = id
	}
	w.Header().Set("ETag", etag(version))
	if status == http.StatusCreated {
		w.Header().Set("Location", h.location(endpoint, id))
	}
	writeJSON(w, status, doc)
}

// writeNoContent answers 204: no body, so no content type.
func writeNoContent(w http.ResponseWriter) {
	w.Header().Del("Content-Type")
	w.WriteHeader(http.StatusNoContent)
}

// endpointURL is the location of an endpoint, relative unless a base URL
// is configured.
func (h *Handler) endpointURL(endpoint string) string {
	if h.baseURL == "" {
		return endpoint
	}
	return h.baseURL + "/" + endpoint
}

// location is a resource's meta.location and Location header: relative
// ("Users/42") unless a base URL is configured.
func (h *Handler) location(endpoint, id string) string {
	return h.endpointURL(endpoint + "/" + url.PathEscape(id))
}
