// Package scimfilter turns SCIM filter strings (RFC 7644 section 3.4.2.2)
// into store.Filter values for GET /Users, GET /Groups and POST /.search.
//
// # Two paths, one result
//
// The general path starts from the tree that
// github.com/scim2/filter-parser/v2 builds, which is what
// github.com/elimity-com/scim hands a list handler after parsing and
// validating the filter against the schema
// (ListRequestParams.FilterValidator.GetFilter()). FromExpression converts
// that tree; Parse runs the same parser on a string first. The parser costs
// about 80 µs and 2,000 allocations for even userName eq "x"
// (BenchmarkParse).
//
// The fast path, ParseSimple, is a hand-written recogniser for the handful
// of shapes identity providers send on every lookup (userName eq "...",
// externalId eq "...", emails[type eq "work"].value eq "...", displayName eq
// "..." and the like, optionally joined by and). It runs in a few hundred
// nanoseconds and allocates only its result (BenchmarkParseSimple). Whenever it reports ok, its result is exactly the one Parse
// gives for the same string (the package's property and fuzz tests check
// this); anything else, including every filter Parse would reject, it
// refuses, and the caller falls back to the general path, which produces
// the error. Both paths build every comparison with the same code, so value
// conversions cannot drift apart.
//
// # Grammar
//
// Parse accepts the RFC 7644 filter grammar as the filter-parser implements
// it: attrPath SP "pr" and attrPath SP op SP value, with op one of eq, ne,
// co, sw, ew, gt, ge, lt, le (any case); and, or and not(...) (any case,
// and binding tighter than or), parentheses, and value paths
// multi[valFilter] whose filter is one comparison, two joined by and/or,
// or not(...) of those. Tokens are separated by spaces (U+0020 only);
// surrounding white space is trimmed; values are JSON: strings in double
// quotes (escapes as in JSON, \u with hex digits in either case), true,
// false, null and numbers. An unquoted bare word after an operator
// (externalId eq abc123, which some IdPs and Microsoft's samples send) is
// read as a string where that is unambiguous: not true, false, null or a
// number, and without a backslash. Parse also accepts, as Entra ID sends it, a
// sub-attribute after a value path,
// emails[type eq "work"].value eq "a@x.com", which means
// emails[type eq "work" and value eq "a@x.com"]; the filter-parser, and so
// elimity, rejects that form. Filters longer than MaxLength bytes or nested
// deeper than MaxDepth are refused, to bound the parser's work.
//
// # Attributes
//
// Names and schema URIs match case-insensitively (ParseSimple requires the
// URIs spelled exactly, as elimity's validator does) and come out as the
// store.Attr* constants. A name may carry the resource's core schema URI
// (urn:ietf:params:scim:schemas:core:2.0:User:userName); enterprise
// extension attributes may be written with or without theirs.
//
//	Users   id, externalId, userName, displayName, name.givenName,
//	        name.familyName, name.formatted, name.middleName, nickName,
//	        title, userType, locale, preferredLanguage, timezone (strings);
//	        active (boolean); emails (pr, or emails[...] over value, type,
//	        primary); emails.value, emails.type (strings); emails.primary
//	        (boolean); meta.created, meta.lastModified (date-times);
//	        enterprise employeeNumber, costCenter, organization, division,
//	        department, manager.value (strings)
//	Groups  id, externalId, displayName (strings); members (pr, or
//	        members[...] over value); members.value (string); meta.created,
//	        meta.lastModified (date-times)
//
// Strings take every operator and a string value, whose JSON escapes are
// decoded. Booleans take eq, ne and pr, with true or false, or the strings
// "true" and "false" in any case (Entra ID sends those). Date-times take
// eq, ne, gt, ge, lt, le and pr, with an RFC 3339 string, which becomes a
// time.Time in UTC. Anything else is an error: an attribute the store does
// not index (addresses, phoneNumbers, roles, members.display, ...), an
// operator that does not fit the type, a number or null, a malformed
// date-time.
//
// # Where elimity differs
//
// Parse is more accepting than elimity's validator in three ways, so a
// filter can reach FromExpression only through Parse (or ParseSimple):
// a sub-attribute after a value path (elimity's parser rejects it), a
// filter comparing both core and enterprise extension attributes (elimity
// validates the whole filter against one schema at a time and rejects it),
// and schema URIs in another case. ParseSimple accepts only the first of
// these, and otherwise answers only filters elimity accepts too.
//
// Every error is a *Error whose Detail is a sentence for the IdP's
// administrator, meant to be sent as the detail of a 400 invalidFilter SCIM
// error.
package scimfilter
