package scim

import (
	"net/http"
)

// serveGet answers GET /Users/{id} and GET /Groups/{id} the way lists are
// answered, so that attributes and excludedAttributes govern every
// attribute but id and schemas (the protocol library adds externalId and
// meta after its handler returns).
func (h *Handler) serveGet(w http.ResponseWriter, r *http.Request, users bool, id string) {
	ctx, account, proj := r.Context(), accountOf(r), h.projection(r)
	if users {
		u, err := h.store.GetUser(ctx, account, id)
		if err != nil {
			writeError(w, h.translate(ctx, err, userWhat(id)))
			return
		}
		var groups []any
		if !proj.excludes("groups") {
			if groups, err = h.userGroups(ctx, account, u); err != nil {
				writeError(w, h.translate(ctx, err, userWhat(id)))
				return
			}
		}
		w.Header().Set("ETag", etag(u.Version))
		writeJSON(w, http.StatusOK, proj.apply(h.fullResource(h.userResource(u, groups), "User", h.userSchemas)))
		return
	}
	g, err := h.visibleGroup(ctx, account, id)
	if err != nil {
		writeError(w, h.translate(ctx, err, groupWhat(id)))
		return
	}
	var members []string
	if !proj.excludes("members") {
		if members, err = h.store.Members(ctx, account, id); err != nil {
			writeError(w, h.translate(ctx, err, groupWhat(id)))
			return
		}
	}
	w.Header().Set("ETag", etag(g.Version))
	writeJSON(w, http.StatusOK, proj.apply(h.fullResource(h.groupResource(g, members), "Group", []string{groupSchemaURN})))
}
