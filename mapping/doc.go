// Package mapping decides, per identity provider, which SCIM attribute
// fills which field of the host's user record (store.User), and applies
// that decision in both directions: an incoming SCIM User resource onto a
// store.User (Mapper.ToUser) and a store.User into an outgoing resource
// (Mapper.ToSCIM). The scim package calls both on every user request; a
// host unit-tests its rules with them directly, or with the helpers in
// package mapping/mappingtest, without an HTTP server.
//
// # Tables
//
// A Table is plain data: Rows, each mapping one SCIM attribute path to one
// host field with a Direction, a Required flag and a list of Transforms,
// plus the custom extension schemas (Extensions) the rows may name. New
// validates a table, reporting every problem with the row that has it,
// and compiles it into an immutable *Mapper. A table New accepts cannot
// fail at request time for a structural reason; only bad values fail, as
// a *Errors listing a FieldError per attribute, whose text is meant for
// the IdP admin:
//
//	emails[type eq "work"].value: "not-an-email" is not an email address
//
// SCIM paths name core attributes (userName), sub-attributes
// (name.givenName), one element of a multi-valued attribute selected by a
// filter (emails[type eq "work"].value, emails[primary eq true].value,
// phoneNumbers[type eq "mobile"].value), enterprise extension attributes,
// fully URN-qualified
// (urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department),
// and attributes of the table's custom Extensions. An IdP's custom
// attributes (Okta's profile editor, Entra's directory extensions) are
// declared in an Extension and mapped to extra fields ("extra.<key>", kept
// in store.User.Extra) instead of being silently dropped; the SCIM layer
// publishes those extensions on /Schemas.
//
// # The email host field
//
// FieldEmail is the member's email, the address the host invites and
// links by. It is stored as the single, primary entry of store.User.Emails,
// typed as the payload types it ("work" when it does not say). When the
// row's filtered path (emails[type eq "work"].value) matches no element,
// the email marked primary is used, else the first email, else an
// email-shaped userName: IdPs and test clients send emails without a type,
// and Okta's username is the email. ToSCIM
// renders it as one element of the mapped multi-valued attribute with
// "primary": true. Its values, and any emails[...].value, must look like
// an email address (one "@", a local part, a dotted domain, no spaces).
//
// # Presets
//
// Okta and Entra return the default tables as fresh values a host may
// change (add rows, drop rows, switch transforms) before calling New.
// Both trim every string and change nothing else: userName and the email
// are stored and returned as sent, because IdPs compare what they read
// back with what they sent (Okta's CRUD certification compares
// emails[0].value byte for byte); the store and package linking compare
// emails case-insensitively. An email's type is returned as sent ("home"
// stays "home", never rewritten to the row's "work"). Both compose displayName from the given and
// family name when the IdP sends none. In both, userName and the work
// email are required: a user without them cannot be invited.
//
// Okta (the password-manager model: the member's Okta username is their
// email):
//
//	SCIM attribute                Okta attribute (app profile)   host field       meaning
//	userName                      userName (Okta username)       userName         sign-in name, the member's email; kept as sent
//	externalId                    the Okta user id (00u...)      externalId       the IdP's id for the user
//	name.givenName                firstName (user.firstName)     givenName        first name
//	name.familyName               lastName (user.lastName)       familyName       last name
//	displayName                   displayName                    displayName      name shown in the host; composed if absent
//	emails[type eq "work"].value  email (user.email)             email            the member's email, as sent; required
//	locale                        locale                         locale           language and region, as en-US
//
// Microsoft Entra ID (default attribute mappings of a non-gallery app;
// ent: stands for urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:,
// the enterprise extension):
//
//	SCIM attribute                Entra attribute                host field         meaning
//	userName                      userPrincipalName (UPN)        userName           sign-in name; kept as sent
//	externalId                    mailNickname (or objectId)     externalId         the IdP's id for the user
//	displayName                   displayName                    displayName        name shown; composed if absent
//	name.givenName                givenName                      givenName          first name
//	name.familyName               surname                        familyName         last name
//	name.formatted                Join(" ", givenName, surname)  formattedName      full name
//	title                         jobTitle                       title              job title
//	preferredLanguage             preferredLanguage              preferredLanguage  language, as en-US
//	emails[type eq "work"].value  mail                           email              the member's email, as sent; required
//	ent:employeeNumber            employeeId                     employeeNumber     HR number
//	ent:department                department                     department         department
//	ent:costCenter                (not mapped by default)        costCenter         cost centre
//	ent:organization              (not mapped by default)        organization       organisation
//	ent:division                  (not mapped by default)        division           division
//	ent:manager.value             manager                        managerId          the manager's user id
//	phoneNumbers[type eq "work"].value    telephoneNumber        extra.workPhone    office phone
//	phoneNumbers[type eq "mobile"].value  mobile                 extra.mobilePhone  mobile phone
//	phoneNumbers[type eq "fax"].value     facsimileTelephoneNumber  extra.fax       fax
//	addresses[type eq "work"].formatted   physicalDeliveryOfficeName  extra.office  office
//	addresses[type eq "work"].streetAddress  streetAddress       extra.streetAddress  street
//	addresses[type eq "work"].locality    city                   extra.locality     city
//	addresses[type eq "work"].region      state                  extra.region       state or region
//	addresses[type eq "work"].postalCode  postalCode             extra.postalCode   postal code
//	addresses[type eq "work"].country     country                extra.country      country
//
// Entra users without a mail attribute (accounts without a mailbox) are
// rejected with a required-email error; map userPrincipalName to the work
// email in Entra, or relax the row, if the host can invite them otherwise.
//
// Generic is the full-fidelity table for any other SCIM client (and the
// RFC compliance suites): every RFC 7643 User attribute and the whole
// enterprise extension, stored and returned exactly as sent; only userName
// is required, and group members are returned with their display names
// (Table.MemberDisplay). Preset returns the preset for an identity
// provider name (store.IdPOkta, store.IdPEntra, store.IdPGeneric), the
// names the SCIM layer registers them under.
//
// # Semantics in brief
//
// ToUser sets every field the table maps in: an absent or null attribute
// clears its field (a PUT replaces the user), unless a Default or
// ComposeDisplayName transform supplies a value. It leaves alone what the
// table does not map, and ignores id, meta, schemas, password, groups and
// active, which the SCIM layer owns. ToSCIM omits empty values. For users
// ToUser produced, ToUser(ToSCIM(u)) gives back u: that is how the SCIM
// layer applies PATCH (render, patch the resource, apply).
//
// Transforms shape the value a row writes: the incoming one for In and
// Both rows, the host's for Out rows. A Both row renders the stored value
// unchanged.
package mapping
