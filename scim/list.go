package scim

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/scimkit/scimkit/scim/internal/scimfilter"
	"github.com/scimkit/scimkit/store"
)

// listParams are the query parameters of a list or search request.
type listParams struct {
	filter     string
	startIndex int
	count      int // -1: not given
	proj       projection
	err        *apiError
}

func (h *Handler) listParamsFromQuery(req *request) listParams {
	q := req.r.URL.Query()
	p := listParams{filter: strings.TrimSpace(q.Get("filter")), startIndex: 1, count: -1, proj: req.p.projection(req.r)}
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

const searchSchemaURN = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"

// serveSearch answers POST /.search (RFC 7644 section 3.4.3) from the
// decoded SearchRequest body.
func (h *Handler) serveSearch(w http.ResponseWriter, q *request, users bool) {
	req, ok := q.body.(map[string]any)
	if !ok {
		writeError(w, errBadRequest("invalidSyntax", "the search request body is not a valid JSON SearchRequest"))
		return
	}
	if schemas, _ := valueFold(req, "schemas").([]any); len(schemas) != 1 || schemas[0] != searchSchemaURN {
		writeError(w, errBadRequest("invalidValue", "a search request must list exactly the schema "+searchSchemaURN))
		return
	}
	filter, ok1 := stringField(req, "filter")
	include, ok2 := listField(req, "attributes")
	exclude, ok3 := listField(req, "excludedAttributes")
	start, ok4 := intField(req, "startIndex", 1)
	count, ok5 := intField(req, "count", -1)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 {
		writeError(w, errBadRequest("invalidSyntax", "the search request body is not a valid JSON SearchRequest"))
		return
	}
	p := listParams{filter: strings.TrimSpace(filter), startIndex: start, count: count,
		proj: q.p.newProjection(strings.Join(include, ","), strings.Join(exclude, ","))}
	if _, given := lookupFoldOK(req, "count"); given {
		p.count = max(count, 0)
	}
	h.serveList(w, q, users, p)
}

// valueFold is the value of key in m, matched case-insensitively (nil if
// absent).
func valueFold(m map[string]any, key string) any {
	_, v, _ := lookupFold(m, key)
	return v
}

func lookupFoldOK(m map[string]any, key string) (any, bool) {
	_, v, ok := lookupFold(m, key)
	return v, ok
}

func stringField(m map[string]any, key string) (string, bool) {
	v := valueFold(m, key)
	if v == nil {
		return "", true
	}
	s, ok := v.(string)
	return s, ok
}

func listField(m map[string]any, key string) ([]string, bool) {
	v := valueFold(m, key)
	if v == nil {
		return nil, true
	}
	list, ok := v.([]any)
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, isStr := e.(string)
		if !isStr {
			return nil, false
		}
		out = append(out, s)
	}
	return out, ok
}

// intField reads an integer field, def when absent.
func intField(m map[string]any, key string, def int) (int, bool) {
	v := valueFold(m, key)
	if v == nil {
		return def, true
	}
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(n.String())
	return i, err == nil
}

// serveList answers a list or search. Lookups of the simple equality
// shapes IdPs send (userName eq "x") skip the general filter parser.
func (h *Handler) serveList(w http.ResponseWriter, q *request, users bool, p listParams) {
	if p.err != nil {
		writeError(w, p.err)
		return
	}
	ctx, account := q.ctx(), q.acct.ID
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
	sq := store.Query{Filter: f, StartIndex: max(p.startIndex, 1), Count: p.count}
	if sq.Count < 0 || sq.Count > h.maxResults {
		sq.Count = h.maxResults
	}
	resources := make([]any, 0, min(sq.Count, 64))
	var total int
	if users {
		page, err := h.store.ListUsers(ctx, account, sq)
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
			resources = append(resources, p.proj.apply(h.userDoc(q.p, u, groups)))
		}
	} else {
		sq.Filter = visibleGroups(sq.Filter)
		page, err := h.store.ListGroups(ctx, account, sq)
		if err != nil {
			writeError(w, h.translate(ctx, err, "groups"))
			return
		}
		total = page.Total
		withMembers := !p.proj.excludes("members")
		withNames := q.p.memberDisplay && p.proj.returnsSub("members", "display")
		for _, g := range page.Groups {
			var members memberList
			if withMembers {
				if members, err = h.members(ctx, account, g.ID, withNames); err != nil {
					writeError(w, h.translate(ctx, err, "group"))
					return
				}
			}
			resources = append(resources, p.proj.apply(h.groupDoc(g, members)))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"schemas":      []string{listSchemaURN},
		"totalResults": total,
		"itemsPerPage": len(resources),
		"startIndex":   sq.StartIndex,
		"Resources":    resources,
	})
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
