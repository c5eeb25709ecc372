package store

// Filter is a parsed, validated filter over users or groups: one of
// Compare, And, Or, Not or ValuePath. The SCIM layer builds it from the
// RFC 7644 filter syntax, with attribute names already in their canonical
// spelling (the Attr* constants); adapters evaluate it (memstore) or
// translate it to their query language with bound parameters (sqlstore).
//
// An adapter returns an error matching ErrInvalid for an attribute, operator
// or value type it does not support; it never ignores part of a filter.
type Filter interface{ isFilter() }

// Op is a comparison operator of RFC 7644 section 3.4.2.2.
type Op string

// The comparison operators.
const (
	OpEq Op = "eq" // equal
	OpNe Op = "ne" // not equal
	OpCo Op = "co" // contains (strings)
	OpSw Op = "sw" // starts with (strings)
	OpEw Op = "ew" // ends with (strings)
	OpPr Op = "pr" // present: non-empty string, non-empty list; booleans are always present
	OpGt Op = "gt" // greater than (strings, times)
	OpGe Op = "ge" // greater than or equal
	OpLt Op = "lt" // less than
	OpLe Op = "le" // less than or equal
)

// Compare compares one attribute with a value.
//
// Value is a string for string attributes, a bool for boolean attributes and
// a time.Time for meta.created and meta.lastModified; it is ignored for
// OpPr. Case-insensitive attributes (see the Attr* constants) compare their
// Fold-ed forms, for ordering operators too. An absent string attribute
// compares as the empty string, so "externalId ne "x"" matches a user
// without externalId.
//
// On a multi-valued attribute's sub-attribute ("emails.value",
// "members.value") the comparison matches when any one value matches.
type Compare struct {
	Attr  string
	Op    Op
	Value any
}

// And matches when every one of Filters matches (true when empty).
type And struct{ Filters []Filter }

// Or matches when at least one of Filters matches (false when empty).
type Or struct{ Filters []Filter }

// Not matches when Filter does not match.
type Not struct{ Filter Filter }

// ValuePath matches when at least one value of the multi-valued attribute
// Attr ("emails", "members") matches Filter, whose Compare attributes are
// sub-attribute names ("value", "type", "primary"). So
// emails[type eq "work" and value eq "a@x.com"] requires one email that is
// both.
type ValuePath struct {
	Attr   string
	Filter Filter
}

func (Compare) isFilter()   {}
func (And) isFilter()       {}
func (Or) isFilter()        {}
func (Not) isFilter()       {}
func (ValuePath) isFilter() {}

// EnterpriseURN is the schema URN of the SCIM enterprise User extension.
const EnterpriseURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

// Attributes a user filter may name. Case-insensitive ones are marked (ci);
// the rest of the strings are case-exact. UserAttributes declares each one
// with its kind, case rule and accessor: the table, not this list, is what
// the adapters, the SCIM filter parser and package mapping iterate.
const (
	AttrID                = "id"                // case-exact
	AttrExternalID        = "externalId"        // case-exact
	AttrUserName          = "userName"          // ci
	AttrDisplayName       = "displayName"       // ci (users and groups)
	AttrGivenName         = "name.givenName"    // ci
	AttrFamilyName        = "name.familyName"   // ci
	AttrFormattedName     = "name.formatted"    // ci
	AttrMiddleName        = "name.middleName"   // ci
	AttrNickName          = "nickName"          // ci
	AttrTitle             = "title"             // ci
	AttrUserType          = "userType"          // ci
	AttrLocale            = "locale"            // ci
	AttrPreferredLanguage = "preferredLanguage" // ci
	AttrTimezone          = "timezone"          // ci
	AttrActive            = "active"            // bool: State != StateSuspended
	AttrEmails            = "emails"            // multi-valued: pr, or ValuePath with value (ci), type (ci), primary (bool)
	AttrEmailValue        = "emails.value"      // ci, any email
	AttrEmailType         = "emails.type"       // ci, any email
	AttrEmailPrimary      = "emails.primary"    // bool, any email
	AttrCreated           = "meta.created"      // time.Time
	AttrLastModified      = "meta.lastModified" // time.Time

	AttrEmployeeNumber = EnterpriseURN + ":employeeNumber" // case-exact
	AttrCostCenter     = EnterpriseURN + ":costCenter"     // ci
	AttrOrganization   = EnterpriseURN + ":organization"   // ci
	AttrDivision       = EnterpriseURN + ":division"       // ci
	AttrDepartment     = EnterpriseURN + ":department"     // ci
	AttrManagerID      = EnterpriseURN + ":manager.value"  // case-exact

	// AttrState compares the user's lifecycle state (a UserState string,
	// case-exact). It is not a SCIM attribute; the host and package linking
	// use it.
	AttrState = "state"
)

// Attributes a group filter may name, besides AttrID, AttrExternalID,
// AttrDisplayName, AttrCreated and AttrLastModified.
const (
	// AttrMembers is multi-valued: pr, or ValuePath with "value"
	// (case-exact user id).
	AttrMembers = "members"
	// AttrMemberValue matches any member id, case-exact.
	AttrMemberValue = "members.value"
	// AttrManaged compares Group.Managed (bool). Not a SCIM attribute: the
	// SCIM layer uses it to show the IdP only managed groups.
	AttrManaged = "managed"
)
