package store

import (
	"iter"
	"time"
)

// Kind is the type of an attribute's values, which decides the filter
// operators and values it takes (see Compare).
type Kind uint8

// The kinds of attribute.
const (
	// KindString: every operator, a string value.
	KindString Kind = iota + 1
	// KindBool: eq, ne and pr, a bool value.
	KindBool
	// KindTime: eq, ne, gt, ge, lt, le and pr, a time.Time value.
	KindTime
	// KindMulti: a multi-valued complex attribute (emails, members). It
	// takes pr (a non-empty list) or a ValuePath over its sub-attributes;
	// "emails.value" and the like name a sub-attribute of any one value.
	KindMulti
)

// Attribute describes one attribute of the record type R: a User, a Group,
// an Email (the sub-attributes of emails) or a member id (the
// sub-attributes of members). The tables UserAttributes, GroupAttributes,
// EmailAttributes and MemberAttributes are the one place the attributes are
// declared; the adapters' filters, the SCIM filter parser and package
// mapping iterate them, so adding a field is one line there plus the
// adapters' storage.
type Attribute[R any] struct {
	// Name is what a store.Filter names: an Attr* constant, or inside a
	// ValuePath the bare sub-attribute name ("value", "type", "primary").
	Name string
	// Kind is the type of the values.
	Kind Kind
	// CaseExact marks strings that compare byte for byte; the others
	// compare their Fold-ed forms, for the ordering operators too.
	CaseExact bool
	// Filterable attributes may be named in filters; every adapter must
	// evaluate a filter on any of them. The others (the honorifics) are
	// stored and mapped only.
	Filterable bool
	// Internal attributes are not SCIM attributes (the user's state, a
	// group's managed flag): the host and the SCIM layer filter on them,
	// an identity provider never does.
	Internal bool
	// Field is the host field name of a string field a mapping may fill
	// (package mapping's Field* constants, "givenName"); "" for attributes
	// the store or the SCIM layer owns (id, state, active, meta).
	Field string

	// Exactly one accessor is set, per Kind; KindMulti has none (its values
	// are User.Emails or the group's members).

	// String returns the address of the string field (KindString): for
	// reading and, where Field is set, writing.
	String func(*R) *string
	// Bool returns the value of a boolean attribute (KindBool).
	Bool func(*R) bool
	// Time returns the value of a time attribute (KindTime).
	Time func(*R) time.Time
}

// Multi reports whether the attribute is multi-valued (KindMulti).
func (a Attribute[R]) Multi() bool { return a.Kind == KindMulti }

// userAttributes is the table of User attributes; the order is the order
// of the lists shown to administrators in filter errors.
var userAttributes = []Attribute[User]{
	{Name: AttrID, Kind: KindString, CaseExact: true, Filterable: true,
		String: func(u *User) *string { return &u.ID }},
	{Name: AttrExternalID, Kind: KindString, CaseExact: true, Filterable: true, Field: "externalId",
		String: func(u *User) *string { return &u.ExternalID }},
	ciString(AttrUserName, "userName", func(u *User) *string { return &u.UserName }),
	ciString(AttrDisplayName, "displayName", func(u *User) *string { return &u.DisplayName }),
	ciString(AttrGivenName, "givenName", func(u *User) *string { return &u.Name.GivenName }),
	ciString(AttrFamilyName, "familyName", func(u *User) *string { return &u.Name.FamilyName }),
	ciString(AttrFormattedName, "formattedName", func(u *User) *string { return &u.Name.Formatted }),
	ciString(AttrMiddleName, "middleName", func(u *User) *string { return &u.Name.MiddleName }),
	{Name: "name.honorificPrefix", Kind: KindString, Field: "honorificPrefix",
		String: func(u *User) *string { return &u.Name.HonorificPrefix }},
	{Name: "name.honorificSuffix", Kind: KindString, Field: "honorificSuffix",
		String: func(u *User) *string { return &u.Name.HonorificSuffix }},
	ciString(AttrNickName, "nickName", func(u *User) *string { return &u.NickName }),
	ciString(AttrTitle, "title", func(u *User) *string { return &u.Title }),
	ciString(AttrUserType, "userType", func(u *User) *string { return &u.UserType }),
	ciString(AttrLocale, "locale", func(u *User) *string { return &u.Locale }),
	ciString(AttrPreferredLanguage, "preferredLanguage", func(u *User) *string { return &u.PreferredLanguage }),
	ciString(AttrTimezone, "timezone", func(u *User) *string { return &u.Timezone }),
	{Name: AttrActive, Kind: KindBool, Filterable: true,
		Bool: func(u *User) bool { return u.Active() }},
	{Name: AttrEmails, Kind: KindMulti, Filterable: true},
	{Name: AttrCreated, Kind: KindTime, Filterable: true,
		Time: func(u *User) time.Time { return u.Created }},
	{Name: AttrLastModified, Kind: KindTime, Filterable: true,
		Time: func(u *User) time.Time { return u.Modified }},
	{Name: AttrEmployeeNumber, Kind: KindString, CaseExact: true, Filterable: true, Field: "employeeNumber",
		String: func(u *User) *string { return &u.Enterprise.EmployeeNumber }},
	ciString(AttrCostCenter, "costCenter", func(u *User) *string { return &u.Enterprise.CostCenter }),
	ciString(AttrOrganization, "organization", func(u *User) *string { return &u.Enterprise.Organization }),
	ciString(AttrDivision, "division", func(u *User) *string { return &u.Enterprise.Division }),
	ciString(AttrDepartment, "department", func(u *User) *string { return &u.Enterprise.Department }),
	{Name: AttrManagerID, Kind: KindString, CaseExact: true, Filterable: true, Field: "managerId",
		String: func(u *User) *string { return &u.Enterprise.ManagerID }},
	{Name: AttrState, Kind: KindString, CaseExact: true, Filterable: true, Internal: true,
		String: func(u *User) *string { return (*string)(&u.State) }},
}

// ciString declares a filterable, mappable, case-insensitive string
// attribute of users.
func ciString(name, field string, get func(*User) *string) Attribute[User] {
	return Attribute[User]{Name: name, Kind: KindString, Filterable: true, Field: field, String: get}
}

var groupAttributes = []Attribute[Group]{
	{Name: AttrID, Kind: KindString, CaseExact: true, Filterable: true,
		String: func(g *Group) *string { return &g.ID }},
	{Name: AttrExternalID, Kind: KindString, CaseExact: true, Filterable: true,
		String: func(g *Group) *string { return &g.ExternalID }},
	{Name: AttrDisplayName, Kind: KindString, Filterable: true,
		String: func(g *Group) *string { return &g.DisplayName }},
	{Name: AttrMembers, Kind: KindMulti, Filterable: true},
	{Name: AttrCreated, Kind: KindTime, Filterable: true,
		Time: func(g *Group) time.Time { return g.Created }},
	{Name: AttrLastModified, Kind: KindTime, Filterable: true,
		Time: func(g *Group) time.Time { return g.Modified }},
	{Name: AttrManaged, Kind: KindBool, Filterable: true, Internal: true,
		Bool: func(g *Group) bool { return g.Managed }},
}

var emailAttributes = []Attribute[Email]{
	{Name: "value", Kind: KindString, Filterable: true,
		String: func(e *Email) *string { return &e.Value }},
	{Name: "type", Kind: KindString, Filterable: true,
		String: func(e *Email) *string { return &e.Type }},
	{Name: "primary", Kind: KindBool, Filterable: true,
		Bool: func(e *Email) bool { return e.Primary }},
}

var memberAttributes = []Attribute[string]{
	{Name: "value", Kind: KindString, CaseExact: true, Filterable: true,
		String: func(id *string) *string { return id }},
}

// UserAttributes yields the attributes of User: every one a filter may name
// (Filterable), and the remaining string fields a mapping may fill. The
// multi-valued emails has its sub-attributes in EmailAttributes.
func UserAttributes() iter.Seq[Attribute[User]] { return all(userAttributes) }

// GroupAttributes yields the attributes of Group a filter may name. The
// multi-valued members has its sub-attributes in MemberAttributes.
func GroupAttributes() iter.Seq[Attribute[Group]] { return all(groupAttributes) }

// EmailAttributes yields the sub-attributes of one entry of User.Emails, by
// their bare names ("value", "type", "primary").
func EmailAttributes() iter.Seq[Attribute[Email]] { return all(emailAttributes) }

// MemberAttributes yields the sub-attributes of one member of a group: its
// "value", the member's user id.
func MemberAttributes() iter.Seq[Attribute[string]] { return all(memberAttributes) }

// UserAttribute returns the User attribute with the name (exact spelling).
func UserAttribute(name string) (Attribute[User], bool) { return find(userAttributes, name) }

// GroupAttribute returns the Group attribute with the name (exact spelling).
func GroupAttribute(name string) (Attribute[Group], bool) { return find(groupAttributes, name) }

// EmailAttribute returns the emails sub-attribute with the name.
func EmailAttribute(name string) (Attribute[Email], bool) { return find(emailAttributes, name) }

// MemberAttribute returns the members sub-attribute with the name.
func MemberAttribute(name string) (Attribute[string], bool) { return find(memberAttributes, name) }

func all[R any](as []Attribute[R]) iter.Seq[Attribute[R]] {
	return func(yield func(Attribute[R]) bool) {
		for _, a := range as {
			if !yield(a) {
				return
			}
		}
	}
}

func find[R any](as []Attribute[R], name string) (Attribute[R], bool) {
	for _, a := range as {
		if a.Name == name {
			return a, true
		}
	}
	return Attribute[R]{}, false
}
