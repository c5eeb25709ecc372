package mapping

import (
	"errors"
	"strconv"
	"strings"

	"github.com/scimkit/scimkit/store"
)

// Mapper applies a validated Table. Build it with New. It is immutable and
// safe for concurrent use; ToUser and ToSCIM do no I/O and use no
// reflection.
type Mapper struct {
	in         []row // rows used by ToUser, composing rows last
	out        []row // rows used by ToSCIM
	exts       []Extension
	enterprise bool
	display    bool // Table.MemberDisplay
}

// row is a compiled Row.
type row struct {
	scim       path
	field      string
	kind       fieldKind
	key        string                    // Extra key
	str        func(*store.User) *string // the field, for fkString
	required   bool
	transforms []Transform
	isEmail    bool // value must be an email address
	stringy    bool // the SCIM attribute holds one string
}

// New validates t and compiles it into a Mapper. Every structural problem
// is reported, each as a *RowError naming the row index and SCIM path,
// joined with errors.Join:
//
//   - an unknown or unmappable SCIM attribute, or a malformed path;
//   - an unknown host field;
//   - a SCIM attribute whose type does not fit the host field (a boolean
//     into a string field, a list into anything but an extra field);
//   - two In/Both rows writing the same host field, or two Out/Both rows
//     writing the same SCIM attribute;
//   - a required row that has no incoming source (Direction Out), and a
//     table in which no In or Both row writes userName, which the store
//     requires;
//   - an invalid transform (the zero Transform, a Func without fn, any
//     transform on a non-string attribute);
//   - an invalid extension (missing or duplicate URN, bad attribute name
//     or type).
//
// A table New accepts cannot fail in ToUser or ToSCIM for a structural
// reason; ToUser fails only for bad values. New copies what it needs from
// t: changing t afterwards does not change the Mapper.
func New(t Table) (*Mapper, error) {
	var errs []error
	ss := &schemaSet{core: coreUserAttrs(), enterprise: enterpriseAttrs(), exts: t.Extensions}
	errs = append(errs, validateExtensions(t.Extensions)...)

	m := &Mapper{exts: cloneExtensions(t.Extensions), display: t.MemberDisplay}
	var composing []row
	inFields := make(map[string]int)
	outPaths := make(map[string]int)
	userName := false
	for i, r := range t.Rows {
		bad := func(problem string) {
			errs = append(errs, &RowError{Row: i, SCIM: r.SCIM, Field: r.Field, Problem: problem})
		}
		if r.Direction > Out {
			bad("invalid direction " + r.Direction.String())
			continue
		}
		p, problem := ss.parsePath(r.SCIM)
		if problem != "" {
			bad(problem)
		}
		kind, key, str := parseField(r.Field)
		if kind == fkInvalid {
			bad("unknown host field " + strconv.Quote(r.Field) +
				" (use a mapping.Field* constant or \"" + FieldExtraPrefix + "<key>\")")
		}
		if problem != "" || kind == fkInvalid {
			continue
		}
		stringy := isStringType(p.typ) && !p.multi
		if kind != fkExtra && !stringy {
			what := p.typ
			if p.multi {
				what = "multi-valued " + what
			}
			bad("SCIM attribute is " + what + " but host field " + strconv.Quote(r.Field) +
				" holds a string; map it to an extra field")
		}
		compose := false
		for j, tr := range r.Transforms {
			switch {
			case tr.kind == tkInvalid:
				bad("transform " + strconv.Itoa(j) + " is the zero Transform; build it with Trim, Lower, Default, ComposeDisplayName or Func")
			case tr.kind == tkFunc && tr.fn == nil:
				bad("transform " + strconv.Itoa(j) + " (" + tr.String() + ") has a nil function")
			case !stringy:
				bad("transform " + tr.String() + " applies to strings, but the SCIM attribute is not a single string")
			}
			compose = compose || tr.kind == tkCompose
		}
		if r.Required && !r.Direction.in() {
			bad("required, but the row is Out only: a required field needs an incoming source")
		}
		if r.Direction.in() {
			if prev, dup := inFields[r.Field]; dup {
				bad("host field " + strconv.Quote(r.Field) + " is already written by row " + strconv.Itoa(prev))
			} else {
				inFields[r.Field] = i
			}
			if r.Field == FieldUserName {
				userName = true
			}
		}
		if r.Direction.out() {
			if prev, dup := outPaths[p.canon]; dup {
				bad("SCIM attribute " + strconv.Quote(p.canon) + " is already written by row " + strconv.Itoa(prev))
			} else {
				outPaths[p.canon] = i
			}
		}
		if p.urn == store.EnterpriseURN {
			m.enterprise = true
		}
		cr := row{
			scim:       p,
			field:      r.Field,
			kind:       kind,
			key:        key,
			str:        str,
			required:   r.Required,
			transforms: append([]Transform(nil), r.Transforms...),
			isEmail:    kind == fkEmail || (p.attr == "emails" && p.sub == "value" && p.urn == ""),
			stringy:    stringy,
		}
		if r.Direction.in() {
			if compose {
				composing = append(composing, cr)
			} else {
				m.in = append(m.in, cr)
			}
		}
		if r.Direction.out() {
			if r.Direction == Both {
				// Transforms shape incoming values; a Both row renders
				// the stored value as it is.
				cr.transforms = nil
			}
			m.out = append(m.out, cr)
		}
	}
	if !userName {
		errs = append(errs, &RowError{Row: -1, Problem: "no In or Both row writes host field " +
			strconv.Quote(FieldUserName) + ", which the store requires"})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	m.in = append(m.in, composing...)
	return m, nil
}

func isStringType(typ string) bool {
	return typ == TypeString || typ == TypeReference || typ == TypeDateTime
}

func validateExtensions(exts []Extension) []error {
	var errs []error
	bad := func(problem string) { errs = append(errs, &RowError{Row: -1, Problem: problem}) }
	seen := make(map[string]bool)
	for i, e := range exts {
		where := "extension " + strconv.Itoa(i) + " (" + strconv.Quote(e.URN) + "): "
		switch {
		case len(e.URN) < 5 || !strings.EqualFold(e.URN[:4], "urn:"):
			bad(where + "URN must start with \"urn:\"")
		case strings.ContainsAny(e.URN, " \t\r\n[]\"") || strings.HasSuffix(e.URN, ":"):
			bad(where + "URN contains spaces, brackets, quotes or a trailing colon")
		case strings.EqualFold(e.URN, CoreUserURN) || strings.EqualFold(e.URN, store.EnterpriseURN):
			bad(where + "URN is a standard schema; extensions declare custom schemas only")
		case seen[strings.ToLower(e.URN)]:
			bad(where + "URN is declared twice")
		}
		seen[strings.ToLower(e.URN)] = true
		names := make(map[string]bool)
		for _, a := range e.Attributes {
			aw := where + "attribute " + strconv.Quote(a.Name) + ": "
			if !validAttrName(a.Name) {
				bad(aw + "name must be a letter followed by letters, digits, \"-\" or \"_\"")
			}
			if names[strings.ToLower(a.Name)] {
				bad(aw + "declared twice")
			}
			names[strings.ToLower(a.Name)] = true
			switch a.Type {
			case TypeString, TypeBoolean, TypeInteger, TypeDecimal, TypeDateTime, TypeReference:
			default:
				bad(aw + "type " + strconv.Quote(a.Type) +
					" is not one of string, boolean, integer, decimal, dateTime, reference")
			}
		}
	}
	return errs
}

func validAttrName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if i == 0 && !letter {
			return false
		}
		if !letter && !(c >= '0' && c <= '9') && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

// Extensions returns the table's custom extension schemas (never the
// enterprise extension, which the SCIM layer always registers), as a fresh
// copy. The SCIM layer publishes them on /Schemas and validates requests
// against them.
func (m *Mapper) Extensions() []Extension { return cloneExtensions(m.exts) }

// UsesEnterprise reports whether a row maps an attribute of the enterprise
// User extension.
func (m *Mapper) UsesEnterprise() bool { return m.enterprise }

// MemberDisplay reports the table's MemberDisplay: whether group members
// are returned with their display names.
func (m *Mapper) MemberDisplay() bool { return m.display }

// Maps reports whether the table reads the SCIM attribute scimPath into a
// host field (in: an In or Both row) and whether it writes it into
// outgoing resources (out: an Out or Both row). scimPath is compared
// case-insensitively with the rows' canonical paths, as FieldError.SCIM
// spells them: "externalId", "name.givenName",
// `emails[type eq "work"].value`, or URN-qualified for extensions.
func (m *Mapper) Maps(scimPath string) (in, out bool) {
	for i := range m.in {
		if strings.EqualFold(m.in[i].scim.canon, scimPath) {
			in = true
			break
		}
	}
	for i := range m.out {
		if strings.EqualFold(m.out[i].scim.canon, scimPath) {
			out = true
			break
		}
	}
	return in, out
}

// Attribute is one SCIM attribute a Mapper reads or writes, as Attributes
// lists it for discovery (/Schemas).
type Attribute struct {
	// URN is the extension schema holding the attribute; empty for the
	// core User schema.
	URN string
	// Name is the top-level attribute and Sub its sub-attribute (empty
	// for a simple attribute or a whole complex value), in canonical
	// spelling.
	Name, Sub string
	// In: a row reads it from requests into a host field. Out: a row
	// writes it into responses. Required: a row requires it on requests.
	In, Out, Required bool
}

// Attributes lists the SCIM attributes the table reads or writes, one
// entry per (URN, Name, Sub), in table order. A value-filtered row
// (emails[type eq "work"].value) lists its sub-attribute and, as it is
// written into responses too, the filter's sub-attribute (type); the email
// row also lists emails.primary and emails.type, which ToSCIM writes. The
// SCIM layer publishes exactly these on /Schemas.
func (m *Mapper) Attributes() []Attribute {
	var out []Attribute
	add := func(urn, name, sub string, in, o, req bool) {
		for i := range out {
			a := &out[i]
			if a.URN == urn && strings.EqualFold(a.Name, name) && strings.EqualFold(a.Sub, sub) {
				a.In, a.Out, a.Required = a.In || in, a.Out || o, a.Required || req
				return
			}
		}
		out = append(out, Attribute{URN: urn, Name: name, Sub: sub, In: in, Out: o, Required: req})
	}
	rows := func(rs []row, in bool) {
		for i := range rs {
			r := &rs[i]
			p := r.scim
			add(p.urn, p.attr, p.sub, in, !in, in && r.required)
			if p.filtered && p.fAttr != "" {
				add(p.urn, p.attr, p.fAttr, in, !in, false)
			}
			if r.kind == fkEmail {
				add(p.urn, p.attr, "type", in, !in, false)
				add(p.urn, p.attr, "primary", in, !in, false)
			}
		}
	}
	rows(m.in, true)
	rows(m.out, false)
	return out
}
