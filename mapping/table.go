package mapping

import (
	"strconv"
	"strings"

	"github.com/scimkit/scimkit/store"
)

// Host fields: the names a Row uses to say which part of a store.User it
// fills. Every constant but FieldEmail is the Field of one string attribute
// in store.UserAttributes, which declares them (a field added there is
// mappable by its name at once); FieldEmail is the user's primary email
// entry, and FieldExtraPrefix+key names store.User.Extra[key].
const (
	FieldUserName          = "userName"          // User.UserName
	FieldExternalID        = "externalId"        // User.ExternalID
	FieldEmail             = "email"             // the primary entry of User.Emails; owns the list (see the package doc)
	FieldGivenName         = "givenName"         // User.Name.GivenName
	FieldFamilyName        = "familyName"        // User.Name.FamilyName
	FieldFormattedName     = "formattedName"     // User.Name.Formatted
	FieldMiddleName        = "middleName"        // User.Name.MiddleName
	FieldHonorificPrefix   = "honorificPrefix"   // User.Name.HonorificPrefix
	FieldHonorificSuffix   = "honorificSuffix"   // User.Name.HonorificSuffix
	FieldDisplayName       = "displayName"       // User.DisplayName
	FieldNickName          = "nickName"          // User.NickName
	FieldTitle             = "title"             // User.Title
	FieldUserType          = "userType"          // User.UserType
	FieldLocale            = "locale"            // User.Locale
	FieldPreferredLanguage = "preferredLanguage" // User.PreferredLanguage
	FieldTimezone          = "timezone"          // User.Timezone
	FieldEmployeeNumber    = "employeeNumber"    // User.Enterprise.EmployeeNumber
	FieldDepartment        = "department"        // User.Enterprise.Department
	FieldCostCenter        = "costCenter"        // User.Enterprise.CostCenter
	FieldOrganization      = "organization"      // User.Enterprise.Organization
	FieldDivision          = "division"          // User.Enterprise.Division
	FieldManagerID         = "managerId"         // User.Enterprise.ManagerID

	// FieldExtraPrefix starts the name of a custom host field:
	// "extra.costCenterCode" is store.User.Extra["costCenterCode"].
	FieldExtraPrefix = "extra."
)

// ExtraField returns the host field name of store.User.Extra[key].
func ExtraField(key string) string { return FieldExtraPrefix + key }

// Direction says which way a Row carries a value.
type Direction uint8

// The directions. The zero value is Both.
const (
	// Both: the row fills the host field from the incoming resource
	// (ToUser) and the outgoing resource from the host field (ToSCIM).
	Both Direction = iota
	// In: the row is used by ToUser only.
	In
	// Out: the row is used by ToSCIM only.
	Out
)

// String returns "both", "in" or "out".
func (d Direction) String() string {
	switch d {
	case Both:
		return "both"
	case In:
		return "in"
	case Out:
		return "out"
	}
	return "Direction(" + strconv.Itoa(int(d)) + ")"
}

func (d Direction) in() bool  { return d == Both || d == In }
func (d Direction) out() bool { return d == Both || d == Out }

// Row maps one SCIM attribute to one host field.
type Row struct {
	// SCIM is the attribute path in the SCIM User resource, as in RFC 7644
	// PATCH paths, matched case-insensitively:
	//
	//	userName                  a core attribute
	//	name.givenName            a sub-attribute of a complex attribute
	//	emails[type eq "work"].value
	//	emails[primary eq true].value
	//	                          a sub-attribute of the first element of a
	//	                          multi-valued attribute matching the filter
	//	                          (one eq comparison on a sub-attribute)
	//	urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department
	//	urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value
	//	                          enterprise extension, fully URN-qualified
	//	urn:example:acme:2.0:User:badgeColour
	//	                          an attribute of one of Table.Extensions
	//
	// id, meta, schemas, active, password and groups are owned by the
	// SCIM layer and cannot be mapped.
	SCIM string
	// Field is the host field: one of the Field* constants, or
	// FieldExtraPrefix+key for store.User.Extra[key].
	Field string
	// Direction is the way the row carries values; the zero value is Both.
	Direction Direction
	// Required makes ToUser reject a resource in which the attribute is
	// missing, null or empty after the transforms (a Default transform
	// therefore satisfies it). Only meaningful for In and Both rows.
	Required bool
	// Transforms run in order on the value the row writes: on the incoming
	// value for In and Both rows (ToUser), on the host value for Out rows
	// (ToSCIM). They apply to string attributes only.
	Transforms []Transform
}

// Table is a complete mapping: its rows and the custom extension schemas
// whose attributes the rows may name. Build a Mapper from it with New.
// Presets (Okta, Entra) return fresh Tables that may be modified freely.
type Table struct {
	Rows       []Row
	Extensions []Extension
	// MemberDisplay makes the SCIM layer return each group member's
	// "display" (the user's displayName, else its userName) next to its
	// value, $ref and type, and list members.display under /Schemas. It
	// costs a name lookup per member (store.NamedMembers), so the
	// Okta and Entra presets, whose clients never read it, leave it off;
	// the generic preset turns it on. Incoming member display values are
	// ignored either way: the name always comes from the user record.
	MemberDisplay bool
}

// Clone returns a deep copy of t.
func (t Table) Clone() Table {
	out := Table{Rows: make([]Row, len(t.Rows)), Extensions: cloneExtensions(t.Extensions), MemberDisplay: t.MemberDisplay}
	for i, r := range t.Rows {
		r.Transforms = append([]Transform(nil), r.Transforms...)
		out.Rows[i] = r
	}
	if t.Rows == nil {
		out.Rows = nil
	}
	return out
}

// AddExtension declares custom IdP attributes in one step: it appends e to
// t.Extensions and, for each attribute of e, a Both row mapping it to the
// extra field of the same name (ExtraField(a.Name)), trimmed when it is a
// single string. Adjust or remove the rows afterwards as needed.
func (t *Table) AddExtension(e Extension) {
	t.Extensions = append(t.Extensions, cloneExtensions([]Extension{e})...)
	for _, a := range e.Attributes {
		r := Row{SCIM: e.URN + ":" + a.Name, Field: ExtraField(a.Name), Required: a.Required}
		if !a.MultiValued && (a.Type == TypeString || a.Type == TypeReference) {
			r.Transforms = []Transform{Trim()}
		}
		t.Rows = append(t.Rows, r)
	}
}

// Extension is a custom SCIM schema extension of the User resource, for
// attributes no standard schema has (an IdP's custom attributes). Its
// attributes arrive nested under the URN key of the resource, and a row
// names them as URN + ":" + attribute name. The SCIM layer publishes it on
// /Schemas and validates requests against it. It is plain data.
type Extension struct {
	// URN is the schema id, for example
	// "urn:ietf:params:scim:schemas:extension:acme:2.0:User". Required;
	// unique; not the core User or enterprise extension URN.
	URN string
	// Name and Description are shown on /Schemas.
	Name        string
	Description string
	// Attributes are the extension's attributes; simple (not complex)
	// types only.
	Attributes []ExtensionAttribute
}

// ExtensionAttribute is one attribute of an Extension.
type ExtensionAttribute struct {
	// Name is the attribute name: a letter, then letters, digits, "-" or
	// "_". Unique (case-insensitively) within its extension.
	Name string
	// Type is the SCIM data type: "string", "boolean", "integer",
	// "decimal", "dateTime" or "reference".
	Type string
	// MultiValued makes the attribute a list of values of Type.
	MultiValued bool
	// Required makes the SCIM layer reject a create or replace that lacks
	// the attribute.
	Required bool
	// Description is shown on /Schemas.
	Description string
}

// The extension attribute types.
const (
	TypeString    = "string"
	TypeBoolean   = "boolean"
	TypeInteger   = "integer"
	TypeDecimal   = "decimal"
	TypeDateTime  = "dateTime"
	TypeReference = "reference"
)

func cloneExtensions(exts []Extension) []Extension {
	if exts == nil {
		return nil
	}
	out := make([]Extension, len(exts))
	for i, e := range exts {
		e.Attributes = append([]ExtensionAttribute(nil), e.Attributes...)
		out[i] = e
	}
	return out
}

// fieldKind identifies a host field without string comparisons at apply
// time.
type fieldKind uint8

const (
	fkInvalid fieldKind = iota
	fkString            // a host field of store.UserAttributes
	fkEmail
	fkExtra
)

// parseField resolves a host field name: a string field of
// store.UserAttributes (with its accessor), FieldEmail, or an extra field
// (with its Extra key).
func parseField(name string) (kind fieldKind, key string, str func(*store.User) *string) {
	if name == FieldEmail {
		return fkEmail, "", nil
	}
	for a := range store.UserAttributes() {
		if a.Field == name && a.Kind == store.KindString {
			return fkString, "", a.String
		}
	}
	if key, ok := strings.CutPrefix(name, FieldExtraPrefix); ok && validExtraKey(key) {
		return fkExtra, key, nil
	}
	return fkInvalid, "", nil
}

func validExtraKey(key string) bool {
	if key == "" {
		return false
	}
	for _, r := range key {
		if r <= ' ' || r == 0x7f {
			return false
		}
	}
	return true
}
