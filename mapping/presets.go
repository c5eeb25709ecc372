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

// Generic returns the full-fidelity table for any SCIM client (and the
// RFC 7643/7644 compliance suites): every core User attribute of RFC 7643
// section 4.1 and the whole enterprise extension (section 4.3) are stored
// and returned exactly as sent, nothing trimmed or rewritten; multi-valued
// attributes (emails, phoneNumbers, ims, photos, addresses, entitlements,
// roles, x509Certificates) keep every element with its type, primary and
// display. Only userName is required: a user without an email is
// provisioned, but cannot be linked to an existing member or invited by
// email (there is no address to do either with). The primary email (else
// the first, else an email-shaped userName) is also the user's email for
// linking, domains and uniqueness. Group members are returned with their
// display names (MemberDisplay). Each call returns a fresh Table the
// caller may modify.
func Generic() Table {
	ent := func(attr string) string { return store.EnterpriseURN + ":" + attr }
	rows := []Row{
		{SCIM: "userName", Field: FieldUserName, Required: true},
		{SCIM: "externalId", Field: FieldExternalID},
		{SCIM: "name.formatted", Field: FieldFormattedName},
		{SCIM: "name.familyName", Field: FieldFamilyName},
		{SCIM: "name.givenName", Field: FieldGivenName},
		{SCIM: "name.middleName", Field: FieldMiddleName},
		{SCIM: "name.honorificPrefix", Field: FieldHonorificPrefix},
		{SCIM: "name.honorificSuffix", Field: FieldHonorificSuffix},
		{SCIM: "displayName", Field: FieldDisplayName},
		{SCIM: "nickName", Field: FieldNickName},
		{SCIM: "profileUrl", Field: ExtraField("profileUrl")},
		{SCIM: "title", Field: FieldTitle},
		{SCIM: "userType", Field: FieldUserType},
		{SCIM: "preferredLanguage", Field: FieldPreferredLanguage},
		{SCIM: "locale", Field: FieldLocale},
		{SCIM: "timezone", Field: FieldTimezone},
		// The primary email drives linking (In only); the whole list,
		// every element as sent, is what is returned.
		{SCIM: `emails[primary eq true].value`, Field: FieldEmail, Direction: In},
		{SCIM: "emails", Field: ExtraField("emails")},
		{SCIM: ent("employeeNumber"), Field: FieldEmployeeNumber},
		{SCIM: ent("costCenter"), Field: FieldCostCenter},
		{SCIM: ent("organization"), Field: FieldOrganization},
		{SCIM: ent("division"), Field: FieldDivision},
		{SCIM: ent("department"), Field: FieldDepartment},
		{SCIM: ent("manager.value"), Field: FieldManagerID, Direction: In},
		{SCIM: ent("manager"), Field: ExtraField("manager")},
	}
	for _, multi := range []string{"phoneNumbers", "ims", "photos", "addresses", "entitlements", "roles", "x509Certificates"} {
		rows = append(rows, Row{SCIM: multi, Field: ExtraField(multi)})
	}
	return Table{Rows: rows, MemberDisplay: true}
}

// PresetNames are the identity provider names Preset knows, in the order
// the SCIM layer registers them.
var PresetNames = []string{store.IdPOkta, store.IdPEntra, store.IdPGeneric}

// Preset returns a fresh preset table for an identity provider name:
// Okta() for store.IdPOkta, Entra() for store.IdPEntra, Generic() for
// store.IdPGeneric. ok is false for any other name.
func Preset(name string) (t Table, ok bool) {
	switch name {
	case store.IdPOkta:
		return Okta(), true
	case store.IdPEntra:
		return Entra(), true
	case store.IdPGeneric:
		return Generic(), true
	}
	return Table{}, false
}
