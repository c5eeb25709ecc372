package mapping

import "github.com/scimkit/scimkit/store"

// WorkEmail is the SCIM path of a user's work email, the one Okta and
// Entra ID both send and filter on.
const WorkEmail = `emails[type eq "work"].value`

// Okta returns the default table for Okta (see the package documentation
// for the attribute table). userName is kept as Okta sends it (trimmed),
// because Okta compares the userName it reads back with its own, and so
// is the email (Okta's CRUD certification compares emails[0].value byte
// for byte; the store and linking compare emails case-insensitively). Okta's custom attributes need an
// Extension and rows added by the host. Each call returns a fresh Table
// the caller may modify.
func Okta() Table {
	return Table{Rows: []Row{
		{SCIM: "userName", Field: FieldUserName, Required: true, Transforms: []Transform{Trim()}},
		{SCIM: "externalId", Field: FieldExternalID, Transforms: []Transform{Trim()}},
		{SCIM: "name.givenName", Field: FieldGivenName, Transforms: []Transform{Trim()}},
		{SCIM: "name.familyName", Field: FieldFamilyName, Transforms: []Transform{Trim()}},
		{SCIM: "displayName", Field: FieldDisplayName, Transforms: []Transform{Trim(), ComposeDisplayName()}},
		{SCIM: WorkEmail, Field: FieldEmail, Required: true, Transforms: []Transform{Trim()}},
		{SCIM: "locale", Field: FieldLocale, Transforms: []Transform{Trim()}},
	}}
}

// Entra returns the default table for Microsoft Entra ID (see the package
// documentation for the attribute table), including the enterprise
// extension fields Entra sends by default. Each call returns a fresh
// Table the caller may modify.
func Entra() Table {
	ent := func(attr string) string { return store.EnterpriseURN + ":" + attr }
	trim := func() []Transform { return []Transform{Trim()} }
	return Table{Rows: []Row{
		{SCIM: "userName", Field: FieldUserName, Required: true, Transforms: trim()},
		{SCIM: "externalId", Field: FieldExternalID, Transforms: trim()},
		{SCIM: "displayName", Field: FieldDisplayName, Transforms: []Transform{Trim(), ComposeDisplayName()}},
		{SCIM: "name.givenName", Field: FieldGivenName, Transforms: trim()},
		{SCIM: "name.familyName", Field: FieldFamilyName, Transforms: trim()},
		{SCIM: "name.formatted", Field: FieldFormattedName, Transforms: trim()},
		{SCIM: "title", Field: FieldTitle, Transforms: trim()},
		{SCIM: "preferredLanguage", Field: FieldPreferredLanguage, Transforms: trim()},
		{SCIM: WorkEmail, Field: FieldEmail, Required: true, Transforms: []Transform{Trim()}},
		{SCIM: ent("employeeNumber"), Field: FieldEmployeeNumber, Transforms: trim()},
		{SCIM: ent("department"), Field: FieldDepartment, Transforms: trim()},
		{SCIM: ent("costCenter"), Field: FieldCostCenter, Transforms: trim()},
		{SCIM: ent("organization"), Field: FieldOrganization, Transforms: trim()},
		{SCIM: ent("division"), Field: FieldDivision, Transforms: trim()},
		{SCIM: ent("manager.value"), Field: FieldManagerID, Transforms: trim()},
		// Entra's default mappings also send phone numbers and the work
		// address; the host keeps them as extra fields.
		{SCIM: `phoneNumbers[type eq "work"].value`, Field: ExtraField("workPhone"), Transforms: trim()},
		{SCIM: `phoneNumbers[type eq "mobile"].value`, Field: ExtraField("mobilePhone"), Transforms: trim()},
		{SCIM: `phoneNumbers[type eq "fax"].value`, Field: ExtraField("fax"), Transforms: trim()},
		{SCIM: `addresses[type eq "work"].formatted`, Field: ExtraField("office"), Transforms: trim()},
		{SCIM: `addresses[type eq "work"].streetAddress`, Field: ExtraField("streetAddress"), Transforms: trim()},
		{SCIM: `addresses[type eq "work"].locality`, Field: ExtraField("locality"), Transforms: trim()},
		{SCIM: `addresses[type eq "work"].region`, Field: ExtraField("region"), Transforms: trim()},
		{SCIM: `addresses[type eq "work"].postalCode`, Field: ExtraField("postalCode"), Transforms: trim()},
		{SCIM: `addresses[type eq "work"].country`, Field: ExtraField("country"), Transforms: trim()},
	}}
}
