package scim

import (
	"net/http"
	"strings"
)

// projection is the attributes / excludedAttributes request parameters of
// RFC 7644 section 3.9, parsed into attribute paths: each path is the
// sequence of keys from the resource root ("name", "givenName"; or an
// extension URN key, then its attribute).
type projection struct {
	include [][]string
	exclude [][]string
}

func (p projection) empty() bool { return len(p.include) == 0 && len(p.exclude) == 0 }

// excludes reports whether the top-level attribute is excluded outright
// (used to skip loading group members).
func (p projection) excludes(attr string) bool {
	for _, path := range p.exclude {
		if len(path) == 1 && strings.EqualFold(path[0], attr) {
			return true
		}
	}
	if len(p.include) > 0 {
		for _, path := range p.include {
			if strings.EqualFold(path[0], attr) {
				return false
			}
		}
		return true
	}
	return false
}

// reachesInto reports whether a path goes below the top-level attribute
// (members.value).
// returnsSub reports whether the projection may return the sub-attribute
// attr.sub, so that it is worth loading (members.display).
func (p projection) returnsSub(attr, sub string) bool {
	if p.excludes(attr) {
		return false
	}
	for _, path := range p.exclude {
		if len(path) == 2 && strings.EqualFold(path[0], attr) && strings.EqualFold(path[1], sub) {
			return false
		}
	}
	if len(p.include) == 0 {
		return true
	}
	for _, path := range p.include {
		if strings.EqualFold(path[0], attr) && (len(path) == 1 || strings.EqualFold(path[1], sub)) {
			return true
		}
	}
	return false
}

func (p projection) reachesInto(attr string) bool {
	for _, paths := range [][][]string{p.include, p.exclude} {
		for _, path := range paths {
			if len(path) > 1 && strings.EqualFold(path[0], attr) {
				return true
			}
		}
	}
	return false
}

// requests reports whether the attribute is asked for by name in
// attributes.
func (p projection) requests(attr string) bool {
	for _, path := range p.include {
		if strings.EqualFold(path[0], attr) {
			return true
		}
	}
	return false
}

// projection parses the request's attributes and excludedAttributes
// parameters.
func (p *profile) projection(r *http.Request) projection {
	if r.URL.RawQuery == "" {
		return projection{}
	}
	q := r.URL.Query()
	return p.newProjection(q.Get("attributes"), q.Get("excludedAttributes"))
}

func (p *profile) newProjection(include, exclude string) projection {
	return projection{include: p.parseAttrList(include), exclude: p.parseAttrList(exclude)}
}

func (p *profile) parseAttrList(s string) [][]string {
	if s == "" {
		return nil
	}
	var out [][]string
	for _, name := range splitOutsideBrackets(s) {
		if name = strings.TrimSpace(stripValueFilters(name)); name != "" {
			out = append(out, p.splitAttrPath(name))
		}
	}
	return out
}

// splitOutsideBrackets splits an attributes list at the commas that are
// not inside a value filter's brackets.
func splitOutsideBrackets(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[':
			depth++
		case ']':
			depth = max(depth-1, 0)
		case ',':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// stripValueFilters reads a value-filtered path leniently as the attribute
// it filters (RFC 7644 section 3.9 takes attribute names only; some
// clients send emails[type eq "work"] or emails[type eq "work"].value):
// the bracketed filter is dropped.
func stripValueFilters(name string) string {
	i := strings.IndexByte(name, '[')
	if i < 0 {
		return name
	}
	j := strings.LastIndexByte(name, ']')
	if j < i {
		return name[:i]
	}
	return name[:i] + name[j+1:]
}

// splitAttrPath turns "name.givenName", "urn:...:core:2.0:User:userName",
// "urn:...:enterprise:2.0:User:manager.value" and a bare extension URN
// (the whole extension object) into key sequences.
func (p *profile) splitAttrPath(name string) []string {
	for _, urn := range p.userSchemas[1:] {
		if strings.EqualFold(name, urn) {
			return []string{urn}
		}
	}
	if strings.HasPrefix(strings.ToLower(name), "urn:") {
		i := strings.LastIndex(name, ":")
		urn, attr := name[:i], name[i+1:]
		if strings.EqualFold(urn, userSchemaURN) || strings.EqualFold(urn, groupSchemaURN) {
			return strings.Split(attr, ".")
		}
		return append([]string{urn}, strings.Split(attr, ".")...)
	}
	return strings.Split(name, ".")
}

// alwaysReturned attributes survive every projection.
var alwaysReturned = [...]string{"id", "schemas"}

// apply returns attrs projected. attrs is not modified.
func (p projection) apply(attrs map[string]any) map[string]any {
	if p.empty() {
		return attrs
	}
	if p.reachesInto("members") {
		if m, ok := attrs["members"].(memberList); ok {
			attrs = cloneShallow(attrs)
			attrs["members"] = m.docs()
		}
	}
	out := attrs
	if len(p.include) > 0 {
		out = make(map[string]any, len(p.include)+len(alwaysReturned))
		for _, k := range alwaysReturned {
			if v, ok := attrs[k]; ok {
				out[k] = v
			}
		}
		for _, path := range p.include {
			includePath(out, attrs, path)
		}
	}
	if len(p.exclude) > 0 {
		out = cloneShallow(out)
		for _, path := range p.exclude {
			if len(path) == 1 && (strings.EqualFold(path[0], "id") || strings.EqualFold(path[0], "schemas")) {
				continue
			}
			excludePath(out, path)
		}
	}
	return out
}

func lookupFold(m map[string]any, key string) (string, any, bool) {
	if v, ok := m[key]; ok {
		return key, v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return k, v, true
		}
	}
	return "", nil, false
}

func includePath(dst, src map[string]any, path []string) {
	k, v, ok := lookupFold(src, path[0])
	if !ok {
		return
	}
	if len(path) == 1 {
		dst[k] = v
		return
	}
	switch v := v.(type) {
	case map[string]any:
		sub, _ := dst[k].(map[string]any)
		if sub == nil {
			sub = map[string]any{}
		}
		includePath(sub, v, path[1:])
		if len(sub) > 0 {
			dst[k] = sub
		}
	case []any:
		prev, _ := dst[k].([]any)
		out := make([]any, len(v))
		for i, el := range v {
			em, ok := el.(map[string]any)
			if !ok {
				continue
			}
			var sub map[string]any
			if i < len(prev) {
				sub, _ = prev[i].(map[string]any)
			}
			if sub == nil {
				sub = map[string]any{}
			}
			includePath(sub, em, path[1:])
			out[i] = sub
		}
		dst[k] = out
	}
}

func excludePath(m map[string]any, path []string) {
	k, v, ok := lookupFold(m, path[0])
	if !ok {
		return
	}
	if len(path) == 1 {
		delete(m, k)
		return
	}
	switch v := v.(type) {
	case map[string]any:
		c := cloneShallow(v)
		excludePath(c, path[1:])
		m[k] = c
	case []any:
		out := make([]any, len(v))
		for i, el := range v {
			if em, ok := el.(map[string]any); ok {
				c := cloneShallow(em)
				excludePath(c, path[1:])
				out[i] = c
			} else {
				out[i] = el
			}
		}
		m[k] = out
	}
}

func cloneShallow(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
