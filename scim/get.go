package scim

import (
	"net/http"
)

// serveGet answers GET /Users/{id} and GET /Groups/{id} the way lists are
// answered, so that attributes and excludedAttributes govern every
// attribute but id and schemas.
func (h *Handler) serveGet(w http.ResponseWriter, q *request, users bool, id string) {
	ctx, account, proj := q.ctx(), q.acct.ID, q.p.projection(q.r)
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
		writeJSON(w, http.StatusOK, proj.apply(h.userDoc(q.p, u, groups)))
		return
	}
	g, err := h.visibleGroup(ctx, account, id)
	if err != nil {
		writeError(w, h.translate(ctx, err, groupWhat(id)))
		return
	}
	var members memberList
	if !proj.excludes("members") {
		if members, err = h.members(ctx, account, id, q.p.memberDisplay && proj.returnsSub("members", "display")); err != nil {
			writeError(w, h.translate(ctx, err, groupWhat(id)))
			return
		}
	}
	w.Header().Set("ETag", etag(g.Version))
	writeJSON(w, http.StatusOK, proj.apply(h.groupDoc(g, members)))
}
