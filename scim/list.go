package scim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	elimity "github.com/elimity-com/scim"

	"github.com/scimkit/scimkit/scim/internal/scimfilter"
	"github.com/scimkit/scimkit/store"
)

// listParams are the query parameters of a list or search request.
type listParams struct {
	filter     string
	startIndex int
	count      int // -1: not given
	proj       projection
	err        *Error
}

func (h *Handler) listParamsFromQuery(r *http.Request) listParams {
	q := r.URL.Query()
	p := listParams{filter: strings.TrimSpace(q.Get("filter")), startIndex: 1, count: -1, proj: h.projection(r)}
	if q.Has("filter") && p.filter == "" {
		p.err = errBadRequest("invalidFilter", `the filter parameter is empty; leave it out to list everything, or give a filter such as userName eq "someone@example.com"`)
		return p
	}
	if s := q.Get("startIndex"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			p.err = errBadRequest("invalidValue", "startIndex must be an integer, got "+strconv.Quote(s))
			return p
		}
		p.startIndex = n
	}
	if s := q.Get("count"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			p.err = errBadRequest("invalidValue", "count must be an integer, got "+strconv.Quote(s))
			return p
		}
		p.count = max(n, 0)
	}
	return p
}

// searchRequest is the body of POST /.search (RFC 7644 section 3.4.3).
type searchRequest struct {
	Schemas            []string `json:"schemas"`
	Attributes         []string `json:"attributes"`
	ExcludedAttributes []string `json:"excludedAttributes"`
	Filter             string   `json:"filter"`
	StartIndex         *int     `json:"startIndex"`
	Count              *int     `json:"count"`
	SortBy             string   `json:"sortBy"`
	SortOrder          string   `json:"sortOrder"`
}

const searchSchemaURN = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"

func (h *Handler) serveSearch(w http.ResponseWriter, r *http.Request, users bool) {
	var req searchRequest
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(&req); err != nil {
		writeError(w, errBadRequest("invalidSyntax", "the search request body is not a valid JSON SearchRequest"))
		return
	}
	if len(req.Schemas) != 1 || req.Schemas[0] != searchSchemaURN {
		writeError(w, errBadRequest("invalidValue", "a search request must list exactly the schema "+searchSchemaURN))
		return
	}
	p := listParams{filter: strings.TrimSpace(req.Filter), startIndex: 1, count: -1,
		proj: h.newProjection(strings.Join(req.Attributes, ","), strings.Join(req.ExcludedAttributes, ","))}
	if req.StartIndex != nil {
		p.startIndex = *req.StartIndex
	}
	if req.Count != nil {
		p.count = max(*req.Count, 0)
	}
	h.serveList(w, r, users, p)
}

// serveList answers a list or search. Lookups of the simple equality
// shapes IdPs send (userName eq "x") skip the general filter parser.
func (h *Handler) serveList(w http.ResponseWriter, r *http.Request, users bool, p listParams) {
	if p.err != nil {
		writeError(w, p.err)
		return
	}
	ctx, account := r.Context(), accountOf(r)
	kind := scimfilter.Groups
	if users {
		kind = scimfilter.Users
	}
	var f store.Filter
	if p.filter != "" {
		var ok bool
		if f, ok = scimfilter.ParseSimple(p.filter, kind); !ok {
			var err error
			if f, err = scimfilter.Parse(p.filter, kind); err != nil {
				writeError(w, h.translate(ctx, err, "filter"))
				return
			}
		}
	}
	q := store.Query{Filter: f, StartIndex: max(p.startIndex, 1), Count: p.count}
	if q.Count < 0 || q.Count > h.maxResults {
		q.Count = h.maxResults
	}
	resources := make([]any, 0, min(q.Count, 64))
	var total int
	if users {
		page, err := h.store.ListUsers(ctx, account, q)
		if err != nil {
			writeError(w, h.translate(ctx, err, "users"))
			return
		}
		total = page.Total
		// groups costs a lookup per user: lists include it only on request.
		withGroups := p.proj.requests("groups")
		for _, u := range page.Users {
			var groups []any
			if withGroups {
				if groups, err = h.userGroups(ctx, account, u); err != nil {
					writeError(w, h.translate(ctx, err, "users"))
					return
				}
			}
			resources = append(resources, p.proj.apply(h.fullResource(h.userResource(u, groups), "User", h.userSchemas)))
		}
	} else {
		q.Filter = visibleGroups(q.Filter)
		page, err := h.store.ListGroups(ctx, account, q)
		if err != nil {
			writeError(w, h.translate(ctx, err, "groups"))
			return
		}
		total = page.Total
		withMembers := !p.proj.excludes("members")
		for _, g := range page.Groups {
			var members []string
			if withMembers {
				if members, err = h.store.Members(ctx, account, g.ID); err != nil {
					writeError(w, h.translate(ctx, err, "group"))
					return
				}
			}
			resources = append(resources, p.proj.apply(h.fullResource(h.groupResource(g, members), "Group", []string{groupSchemaURN})))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"schemas":      []string{listSchemaURN},
		"totalResults": total,
		"itemsPerPage": len(resources),
		"startIndex":   q.StartIndex,
		"Resources":    resources,
	})
}

// libraryPage answers the protocol library's GetAll for either endpoint,
// from its parsed filter, with the same store queries as serveList.
func (h *Handler) libraryPage(r *http.Request, params elimity.ListRequestParams, users bool) (elimity.Page, error) {
	ctx, account := r.Context(), accountOf(r)
	kind := scimfilter.Groups
	if users {
		kind = scimfilter.Users
	}
	q := store.Query{StartIndex: params.StartIndex, Count: params.Count}
	if params.FilterValidator != nil {
		f, err := scimfilter.FromExpression(params.FilterValidator.GetFilter(), kind)
		if err != nil {
			return elimity.Page{}, h.forElimity(r, err, "filter")
		}
		q.Filter = f
	}
	out := elimity.Page{Resources: []elimity.Resource{}}
	if users {
		page, err := h.store.ListUsers(ctx, account, q)
		if err != nil {
			return elimity.Page{}, h.forElimity(r, err, "users")
		}
		out.TotalResults = page.Total
		for _, u := range page.Users {
			out.Resources = append(out.Resources, h.userResource(u, nil))
		}
		return out, nil
	}
	q.Filter = visibleGroups(q.Filter)
	page, err := h.store.ListGroups(ctx, account, q)
	if err != nil {
		return elimity.Page{}, h.forElimity(r, err, "groups")
	}
	out.TotalResults = page.Total
	for _, g := range page.Groups {
		members, err := h.store.Members(ctx, account, g.ID)
		if err != nil {
			return elimity.Page{}, h.forElimity(r, err, groupWhat(g.ID))
		}
		out.Resources = append(out.Resources, h.groupResource(g, members))
	}
	return out, nil
}

// visibleGroups restricts a group filter to managed groups: the IdP never
// sees the others.
func visibleGroups(f store.Filter) store.Filter {
	managed := store.Compare{Attr: store.AttrManaged, Op: store.OpEq, Value: true}
	if f == nil {
		return managed
	}
	return store.And{Filters: []store.Filter{managed, f}}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		writeError(w, &Error{Status: http.StatusInternalServerError, Detail: "internal server error: the response could not be encoded"})
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
