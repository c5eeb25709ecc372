package mapping

import (
	"encoding/json"
	"maps"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/scimkit/scimkit/store"
)

// ToUser applies an incoming SCIM User resource onto u.
//
// attrs is the resource as a JSON-decoded map, in the shape the protocol
// library hands over after validation (and ToSCIM produces): core
// attributes at the top level, "name" and the enterprise "manager" as
// maps, "emails" and other multi-valued attributes as []any of maps,
// extension attributes nested under their schema URN. Attribute names are
// matched case-insensitively; numbers may be json.Number, float64 or int;
// booleans may be Entra's "True"/"False" strings.
//
// Every host field an In or Both row maps is set from attrs. A mapped
// attribute that is absent or null clears the field (replace semantics),
// unless a Default or ComposeDisplayName transform supplies a value.
// Everything else in u (ID, State, Linked, Version, times, unmapped
// fields) is left as it was, and so are id, meta, schemas, password,
// groups, active and unmapped attributes of attrs.
//
// FieldEmail owns u.Emails: after ToUser it holds exactly one entry, the
// value marked primary, typed as the matched element's "type" (or "work"
// when it has none), or none when the value is empty. A row writing an
// extra field clears its key when the value is absent and leaves u.Extra
// nil when no key is left; ToUser never mutates the map it was given in
// u.Extra but replaces it.
//
// If any value is bad (an email that is not an email address, a string
// where a boolean belongs, a required attribute missing, a Func
// transform's error) ToUser returns a *Errors listing each of them and
// leaves u unchanged.
func (m *Mapper) ToUser(attrs map[string]any, u *store.User) error {
	v := *u
	var errs []FieldError
	extraCopied := false
	for i := range m.in {
		r := &m.in[i]
		raw, elem := r.scim.read(attrs)
		if r.kind == fkEmail && isBlank(raw) && r.scim.urn == "" && strings.EqualFold(r.scim.attr, "emails") {
			raw, elem = emailFallback(attrs)
		}
		if !r.stringy {
			val, problem := convert(raw, r.scim.typ, r.scim.multi)
			if problem == "" && val == nil && r.required {
				problem = "is required but missing or empty"
			}
			if problem != "" {
				errs = append(errs, FieldError{SCIM: r.scim.canon, Field: r.field, Problem: problem})
				continue
			}
			setExtra(&v, &extraCopied, r.key, val)
			continue
		}
		s, problem := asString(raw)
		for j := 0; problem == "" && j < len(r.transforms); j++ {
			s, problem = r.transforms[j].apply(s, &v)
		}
		switch {
		case problem != "":
		case r.isEmail && s != "" && !isEmail(s):
			problem = strconv.Quote(s) + " is not an email address"
		case r.scim.typ == TypeDateTime && s != "" && !isDateTime(s):
			problem = strconv.Quote(s) + " is not a dateTime (RFC 3339, as in 2026-01-31T09:00:00Z)"
		case r.required && s == "":
			problem = "is required but missing or empty"
		}
		if problem != "" {
			errs = append(errs, FieldError{SCIM: r.scim.canon, Field: r.field, Problem: problem})
			continue
		}
		switch r.kind {
		case fkEmail:
			if s == "" {
				v.Emails = nil
				break
			}
			typ := "work"
			if elem != nil {
				if t, ok := lookup(elem, "type").(string); ok && strings.TrimSpace(t) != "" {
					typ = strings.TrimSpace(t)
				}
			}
			v.Emails = []store.Email{{Value: s, Type: typ, Primary: true}}
		case fkExtra:
			if s == "" {
				setExtra(&v, &extraCopied, r.key, nil)
			} else {
				setExtra(&v, &extraCopied, r.key, s)
			}
		default:
			*r.str(&v) = s
		}
	}
	if errs != nil {
		return &Errors{Fields: errs}
	}
	if extraCopied && len(v.Extra) == 0 {
		v.Extra = nil
	}
	*u = v
	return nil
}

// ToSCIM renders the user's mapped fields as SCIM User resource attributes,
// in the shape ToUser accepts, for every Out and Both row. Empty strings,
// missing extra keys and extra values of the wrong type are omitted; so
// is a value an Out row's Func transform rejects. The result has no id,
// meta, schemas, active or groups: the SCIM layer adds those.
//
// FieldEmail renders as one element of the multi-valued attribute the row
// names, with "primary": true and the stored type (or the type the row's
// filter requires).
//
// For every user u that ToUser produced (so whose values are in the form
// the transforms give), ToUser(ToSCIM(u)) reproduces u's mapped fields
// exactly.
func (m *Mapper) ToSCIM(u store.User) map[string]any {
	out := make(map[string]any, len(m.out))
	for i := range m.out {
		r := &m.out[i]
		if !r.stringy {
			x, ok := u.Extra[r.key]
			if !ok {
				continue
			}
			if val, problem := convert(x, r.scim.typ, r.scim.multi); problem == "" && val != nil {
				r.scim.write(out, val)
			}
			continue
		}
		var s, emailType string
		switch r.kind {
		case fkEmail:
			s, emailType = primaryEmail(u.Emails)
		case fkExtra:
			s, _ = u.Extra[r.key].(string)
		default:
			s = *r.str(&u)
		}
		problem := ""
		for j := 0; problem == "" && j < len(r.transforms); j++ {
			s, problem = r.transforms[j].apply(s, &u)
		}
		if problem != "" || s == "" {
			continue
		}
		elem := r.scim.write(out, s)
		if r.kind == fkEmail && elem != nil {
			if r.scim.fAttr != "primary" {
				elem["primary"] = true
			}
			switch {
			case r.scim.fAttr != "type":
				if emailType == "" {
					emailType = "work"
				}
				elem["type"] = emailType
			case emailType != "" && emailType != r.scim.fStr:
				// The stored type as sent ("Work", "home"): never rewritten
				// to the row's filter value. ToUser finds it again through
				// the primary-email fallback.
				elem["type"] = emailType
			}
		}
	}
	return out
}

// setExtra sets (or, for nil, deletes) u.Extra[key], copying the map on
// the first change so that the caller's map is never mutated.
func setExtra(u *store.User, copied *bool, key string, val any) {
	if !*copied {
		if _, ok := u.Extra[key]; !ok && val == nil {
			return
		}
		u.Extra = maps.Clone(u.Extra)
		if u.Extra == nil {
			u.Extra = make(map[string]any, 2)
		}
		*copied = true
	}
	if val == nil {
		delete(u.Extra, key)
	} else {
		u.Extra[key] = val
	}
}

// jsonClone deep-copies a decoded JSON value into the types store.User.Extra
// holds (json.Number becomes float64), keeping every key as sent.
func jsonClone(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = jsonClone(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = jsonClone(e)
		}
		return out
	case json.Number:
		f, err := t.Float64()
		if err != nil {
			return t.String()
		}
		return f
	default:
		return v
	}
}

func isBlank(v any) bool {
	s, ok := v.(string)
	return v == nil || ok && strings.TrimSpace(s) == ""
}

// emailFallback finds the member's email when the email row's filtered
// path (emails[type eq "work"].value) matches nothing: the email marked
// primary, else the first email, else an email-shaped userName (Okta's
// model: the username is the email). IdPs and test clients send emails
// without a type, and some send none.
func emailFallback(attrs map[string]any) (any, map[string]any) {
	switch list := lookup(attrs, "emails").(type) {
	case []any:
		var first map[string]any
		for _, e := range list {
			em, ok := e.(map[string]any)
			if !ok || isBlank(lookup(em, "value")) {
				continue
			}
			if primary, _ := truth(lookup(em, "primary")); primary {
				return lookup(em, "value"), em
			}
			if first == nil {
				first = em
			}
		}
		if first != nil {
			return lookup(first, "value"), first
		}
	case map[string]any:
		if !isBlank(lookup(list, "value")) {
			return lookup(list, "value"), list
		}
	}
	if un, ok := lookup(attrs, "userName").(string); ok && isEmail(strings.TrimSpace(un)) {
		return un, nil
	}
	return nil, nil
}

func primaryEmail(emails []store.Email) (string, string) {
	for _, e := range emails {
		if e.Primary {
			return e.Value, e.Type
		}
	}
	if len(emails) > 0 {
		return emails[0].Value, emails[0].Type
	}
	return "", ""
}

// asString reads a value for a string attribute. Numbers are taken as
// their decimal text; booleans, objects and lists are errors.
func asString(v any) (string, string) {
	switch v := v.(type) {
	case nil:
		return "", ""
	case string:
		return v, ""
	case json.Number:
		return v.String(), ""
	case float64, int, int64:
		return describe(v), ""
	case bool:
		return "", "must be a string, not the boolean " + describe(v)
	}
	return "", "must be a string, not " + describe(v)
}

// convert reads a value of an attribute that is not a single string into
// its stored form: bool, float64, string, or []any of those. nil means
// absent. The same conversion normalises stored Extra values on the way
// out.
func convert(v any, typ string, multi bool) (any, string) {
	if v == nil {
		return nil, ""
	}
	if !multi {
		return convertOne(v, typ)
	}
	list, ok := v.([]any)
	if !ok {
		return nil, "must be a list, not " + describe(v)
	}
	var out []any
	for _, e := range list {
		c, problem := convertOne(e, typ)
		if problem != "" {
			return nil, problem
		}
		if c != nil {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, ""
	}
	return out, ""
}

func convertOne(v any, typ string) (any, string) {
	if v == nil {
		return nil, ""
	}
	switch typ {
	case typeComplex:
		m, ok := v.(map[string]any)
		if !ok {
			return nil, "must be an object, not " + describe(v)
		}
		return jsonClone(m), ""
	case TypeBoolean:
		if b, ok := truth(v); ok {
			return b, ""
		}
		return nil, describe(v) + " is not a boolean (true or false)"
	case TypeInteger, TypeDecimal:
		f, ok := number(v)
		if !ok {
			return nil, describe(v) + " is not a number"
		}
		if typ == TypeInteger && (f != math.Trunc(f) || math.IsInf(f, 0)) {
			return nil, describe(v) + " is not an integer"
		}
		return f, ""
	default: // string, reference, dateTime
		s, ok := v.(string)
		if !ok {
			return nil, "must be a string, not " + describe(v)
		}
		if s == "" {
			return nil, ""
		}
		if typ == TypeDateTime && !isDateTime(s) {
			return nil, strconv.Quote(s) + " is not a dateTime (RFC 3339, as in 2026-01-31T09:00:00Z)"
		}
		return s, ""
	}
}

func number(v any) (float64, bool) {
	var f float64
	switch n := v.(type) {
	case float64:
		f = n
	case float32:
		f = float64(n)
	case int:
		f = float64(n)
	case int64:
		f = float64(n)
	case int32:
		f = float64(n)
	case json.Number:
		var err error
		if f, err = strconv.ParseFloat(string(n), 64); err != nil {
			return 0, false
		}
	default:
		return 0, false
	}
	return f, !math.IsNaN(f) && !math.IsInf(f, 0)
}

// isDateTime accepts xsd:dateTime as SCIM uses it: RFC 3339, or without a
// zone.
func isDateTime(s string) bool {
	if _, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return true
	}
	_, err := time.Parse("2006-01-02T15:04:05.999999999", s)
	return err == nil
}

// isEmail is a pragmatic address check: one "@", a non-empty local part,
// a domain of at least two non-empty dot-separated labels, no white space
// or control characters, at most 254 bytes.
func isEmail(s string) bool {
	if len(s) > 254 {
		return false
	}
	at := strings.IndexByte(s, '@')
	if at <= 0 || strings.IndexByte(s[at+1:], '@') >= 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f {
			return false
		}
	}
	domain := s[at+1:]
	if !strings.Contains(domain, ".") {
		return false
	}
	for label := range strings.SplitSeq(domain, ".") {
		if label == "" {
			return false
		}
	}
	return true
}
