// Package scimpatch is package scim's one pass over request bodies: it
// validates and normalises resource bodies (Schema.Resource), parses PATCH
// requests (ParseRequest) and applies PATCH operations (RFC 7644 section
// 3.5.2), all driven by the SCIM schema definitions of
// github.com/elimity-com/scim (schema.CoreUserSchema and the extensions),
// on the value encoding/json decoded once with UseNumber.
//
// Users are patched as documents: ApplyUser takes the user's SCIM attribute
// map and returns a patched copy. Groups are patched as deltas: ApplyGroup
// folds the operations into one store.GroupUpdate without reading the group
// or its membership. Entra ID's string booleans ("active":"False") are
// accepted wherever the schema says boolean, and Entra's manager shapes (a
// plain id, a one-element list, the path "manager" without its URN)
// wherever the schema has the enterprise manager. Errors are *Error values
// carrying the HTTP status, the RFC 7644 scimType, an
// administrator-readable detail naming the attribute at fault, and the
// number of the PATCH operation at fault (see Error.Message).
//
// # What ParseRequest hands over
//
// op lower-cased; the path parsed with github.com/scim2/filter-parser (not
// yet checked against the schema); an "id" key stripped from object values
// (Okta sends the resource's id with a rename); the value otherwise as
// sent. Keys of pathless values arrive as sent: any case, dotted
// ("name.givenName"), URN-qualified ("urn:...:User:department"), filtered
// ("emails[type eq \"work\"].value") or a schema URN holding an object.
// ApplyUser resolves all of them and checks every path, type and
// mutability itself, so it is safe to call with operations built
// otherwise.
//
// # User semantics
//
//   - Operations apply in order, all or nothing: an error returns no
//     document. The input document is never modified; the output shares
//     untouched attribute values with it (copy on write).
//   - Attribute names match case-insensitively; the output uses schema
//     case (an existing key spelled otherwise is renamed when written).
//     Extension attributes live in an object under the extension's URN,
//     created when first written and removed when a remove empties it.
//   - add on a single-valued attribute replaces it (as Entra ID expects).
//     add and replace on a single-valued complex attribute (name, manager)
//     merge the given sub-attributes, leaving the others as they are
//     (RFC 7644 3.5.2.3).
//   - add on a multi-valued attribute appends the values not already
//     present: exact duplicates are skipped, and a value with the same
//     "value" and "type" sub-attributes as an existing one (compared as
//     filters compare) is merged into it instead of being listed twice.
//     replace replaces the whole list; remove without a value removes the attribute, and with a value
//     list removes only the listed values (matched on their "value"
//     sub-attribute, case-insensitively unless caseExact).
//   - A value filter (emails[type eq "work"]) selects elements: replace
//     swaps matching elements for the value, add merges the value's
//     sub-attributes into them, and with a sub-attribute
//     (emails[type eq "work"].value) both set it on every match; remove
//     removes matching elements (or the sub-attribute from them).
//   - When a filtered add or replace matches nothing, a new element is
//     appended, made of the sub-attributes the filter pins with eq (and
//     "and") plus the value: Entra ID sends Replace
//     emails[type eq "work"].value for users that have no work email, and
//     gets {"type":"work","value":...}. RFC 7644 would answer noTarget; we
//     do that only when the filter pins nothing (or, ne, ...) and there is
//     no way to build the element.
//   - Filters support eq, ne, co, sw, ew and pr on sub-attributes, joined
//     with and, or and not. Strings compare case-insensitively unless the
//     sub-attribute is caseExact (emails.value and emails.type are not); an
//     absent boolean is false, so emails[primary eq false] matches elements
//     without primary. Other operators are invalidFilter.
//   - When an operation marks an element primary, the other elements lose
//     the mark (RFC 7643 2.4: at most one primary).
//   - Removing something absent is a no-op, and so is setting a value equal
//     to the current one: changed is false when the output equals the input.
//     A JSON null value is treated as remove.
//   - Read-only attributes (id, meta, groups, schemas, and read-only
//     sub-attributes such as manager.displayName) give mutability, except
//     an operation setting id to its current value, which is ignored.
//     Immutable attributes may only be set when absent. Write-only
//     attributes (password) are accepted and dropped: never stored.
//   - Values are checked against the attribute type: booleans accept JSON
//     booleans and the strings "true"/"false" in any case (converted to
//     bool); string, reference, dateTime and binary attributes need
//     strings; integers become int64 and decimals float64. Anything else is
//     invalidValue.
//
// # Group semantics
//
// displayName (non-empty string) and externalId may be added or replaced,
// with a path or in a pathless object, which may also carry "id" (ignored:
// Okta sends the group's id with every rename) and "members". Members are
// objects whose "value" is a non-empty user id; a member with type "Group"
// or a $ref to /Groups/ is invalidValue: nested groups are not supported.
//
//   - add members: adds the listed members.
//   - remove members[value eq "u1"] (or several value eq joined by or):
//     removes those; filters on other sub-attributes or with other
//     operators are invalidFilter.
//   - remove members with a value list (Entra ID's legacy form): removes
//     only the listed members.
//   - remove members without value: removes every member.
//   - replace members: the exact set.
//
// Operations fold in order into one consistent update. A replace (or remove
// of all members) resets the set, and later adds and removes edit that set:
// the result is ReplaceMembers with the final list. Otherwise the last
// action per id wins (add then remove is a remove, remove then add an add),
// so AddMembers and RemoveMembers are disjoint. Editing a member entry
// (members[...].display, replace members[...]) and touching id, meta or
// schemas give mutability.
package scimpatch
