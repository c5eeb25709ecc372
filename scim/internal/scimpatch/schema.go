package scimpatch

import (
	"slices"
	"strings"

	"github.com/elimity-com/scim/schema"
)

// Attribute types, as elimity's CoreAttribute.AttributeType reports them.
const (
	typeString    = "string"
	typeBoolean   = "boolean"
	typeComplex   = "complex"
	typeInteger   = "integer"
	typeDecimal   = "decimal"
	typeDateTime  = "dateTime"
	typeReference = "reference"
	typeBinary    = "binary"
)

// Mutability values, as elimity's CoreAttribute.Mutability reports them.
const (
	mutReadWrite = "readWrite"
	mutReadOnly  = "readOnly"
	mutImmutable = "immutable"
	mutWriteOnly = "writeOnly"
)

// attribute is the precomputed description of one schema attribute.
type attribute struct {
	name       string // schema case
	typ        string
	multi      bool
	caseExact  bool
	required   bool
	mutability string
	subs       map[string]*attribute // by lower-case name
	primary    *attribute            // the "primary" sub-attribute, if any
	value      *attribute            // the "value" sub-attribute, if any
}

func (a *attribute) sub(name string) *attribute {
	if a.subs == nil {
		return nil
	}
	if s, ok := a.subs[name]; ok {
		return s
	}
	return a.subs[strings.ToLower(name)]
}

// container is one schema: the core schema or an extension.
type container struct {
	urn   string // schema case
	core  bool
	attrs map[string]*attribute // by lower-case name
}

func (c *container) attr(name string) *attribute {
	if a, ok := c.attrs[name]; ok {
		return a
	}
	return c.attrs[strings.ToLower(name)]
}

// Schema describes a resource type for ApplyUser, ParseRequest and
// Resource: its
// core schema (with the common attributes id, externalId, meta and schemas
// added when missing) and its extensions, with attribute names indexed
// case-insensitively. Build it once with NewSchema and share it: it is
// immutable and safe for concurrent use. The zero Schema knows no attribute.
type Schema struct {
	name  string // the resource type, for error details: "User"
	core  *container
	exts  []*container
	byURN map[string]*container // lower-case URN, core included
}

// NewSchema precomputes the description of a resource type with the core
// schema core (for example schema.CoreUserSchema()) and the given schema
// extensions (for example schema.ExtensionEnterpriseUser()).
func NewSchema(core schema.Schema, extensions ...schema.Schema) Schema {
	s := Schema{name: core.Name.Value(), byURN: make(map[string]*container, 1+len(extensions))}
	s.core = newContainer(core, true)
	for _, common := range commonAttributes() {
		if _, ok := s.core.attrs[strings.ToLower(common.name)]; !ok {
			s.core.attrs[strings.ToLower(common.name)] = common
		}
	}
	s.byURN[strings.ToLower(core.ID)] = s.core
	for _, e := range extensions {
		c := newContainer(e, false)
		s.exts = append(s.exts, c)
		s.byURN[strings.ToLower(e.ID)] = c
	}
	return s
}

func newContainer(sc schema.Schema, core bool) *container {
	c := &container{urn: sc.ID, core: core, attrs: make(map[string]*attribute, len(sc.Attributes))}
	for _, a := range sc.Attributes {
		c.attrs[strings.ToLower(a.Name())] = newAttribute(a)
	}
	return c
}

func newAttribute(a schema.CoreAttribute) *attribute {
	out := &attribute{
		name:       a.Name(),
		typ:        a.AttributeType(),
		multi:      a.MultiValued(),
		caseExact:  a.CaseExact(),
		required:   a.Required(),
		mutability: a.Mutability(),
	}
	if subs := a.SubAttributes(); len(subs) > 0 {
		out.subs = make(map[string]*attribute, len(subs))
		for _, sa := range subs {
			sub := newAttribute(sa)
			out.subs[strings.ToLower(sub.name)] = sub
		}
		out.primary = out.subs["primary"]
		out.value = out.subs["value"]
	}
	return out
}

// commonAttributes are RFC 7643 section 3.1's attributes, which elimity
// does not put into the resource schemas it hands out.
func commonAttributes() []*attribute {
	str := func(name, mut string, caseExact bool) *attribute {
		return &attribute{name: name, typ: typeString, caseExact: caseExact, mutability: mut}
	}
	meta := &attribute{name: "meta", typ: typeComplex, mutability: mutReadOnly, subs: map[string]*attribute{}}
	for _, name := range []string{"resourceType", "created", "lastModified", "location", "version"} {
		sub := str(name, mutReadOnly, true)
		meta.subs[strings.ToLower(name)] = sub
	}
	return []*attribute{
		str("id", mutReadOnly, true),
		str("externalId", mutReadWrite, true),
		meta,
		{name: "schemas", typ: typeReference, multi: true, caseExact: true, mutability: mutReadOnly},
	}
}

// resolveKey finds the attribute named by a path written without a value
// filter: "userName", "name.givenName", "urn:...:User:employeeNumber",
// "urn:...:User:manager.value". It reports the schema holding the attribute,
// the attribute and the sub-attribute (nil when none).
func (s Schema) resolveKey(key string) (*container, *attribute, *attribute, *Error) {
	c := s.core
	name := key
	if len(key) > 4 && strings.EqualFold(key[:4], "urn:") {
		i := strings.LastIndexByte(key, ':')
		uri := key[:i]
		if c = s.container(uri); c == nil {
			return nil, nil, nil, newError(ScimTypeInvalidPath, "%q does not name a schema of this resource type", uri)
		}
		name = key[i+1:]
	}
	var subName string
	if i := strings.IndexByte(name, '.'); i >= 0 {
		name, subName = name[:i], name[i+1:]
	}
	return s.resolve(c, key, name, subName)
}

// resource names the resource type in error details.
func (s Schema) resource() string {
	if s.name == "" {
		return "this resource type"
	}
	return "the " + s.name + " resource"
}

// alias returns the extension that an attribute name written without its
// URN stands for, or nil. The one such name is "manager": Microsoft's
// provisioning tutorial sends that path for the enterprise extension's
// manager.
func (s Schema) alias(name string) *container {
	if !strings.EqualFold(name, "manager") {
		return nil
	}
	return s.container(enterpriseURN)
}

const enterpriseURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

func (s Schema) container(uri string) *container {
	if c, ok := s.byURN[uri]; ok {
		return c
	}
	return s.byURN[strings.ToLower(uri)]
}

func (s Schema) resolve(c *container, path, name, subName string) (*container, *attribute, *attribute, *Error) {
	if c == nil {
		return nil, nil, nil, newError(ScimTypeInvalidPath, "%q is not an attribute of %s", path, s.resource())
	}
	a := c.attr(name)
	if a == nil && c.core {
		if ext := s.alias(name); ext != nil {
			c, a = ext, ext.attr(name)
		}
	}
	if a == nil {
		if c.core {
			for _, ext := range s.exts {
				if ext.attr(name) != nil {
					return nil, nil, nil, newError(ScimTypeInvalidPath, "%q is not an attribute of %s; extension attributes need their schema URN, as %s:%s", path, s.resource(), ext.urn, path)
				}
			}
		}
		return nil, nil, nil, newError(ScimTypeInvalidPath, "%q is not an attribute of %s", path, s.resource())
	}
	if subName == "" {
		return c, a, nil, nil
	}
	sub := a.sub(subName)
	if sub == nil {
		return nil, nil, nil, newError(ScimTypeInvalidPath, "%q is not an attribute of %s: %q has no sub-attribute %q", path, s.resource(), a.name, subName)
	}
	return c, a, sub, nil
}

// firstAttr is the alphabetically first attribute name of c, for examples
// in error details.
func (c *container) firstAttr() string {
	names := make([]string, 0, len(c.attrs))
	for _, a := range c.attrs {
		names = append(names, a.name)
	}
	slices.Sort(names)
	if len(names) == 0 {
		return "attribute"
	}
	return names[0]
}
