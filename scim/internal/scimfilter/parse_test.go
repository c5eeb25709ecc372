package scimfilter_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/scim/internal/scimfilter"
	"github.com/scimkit/scimkit/store"
)

const (
	coreUser  = "urn:ietf:params:scim:schemas:core:2.0:User:"
	coreGroup = "urn:ietf:params:scim:schemas:core:2.0:Group:"
	ent       = store.EnterpriseURN + ":"
)

func cmp(attr string, op store.Op, v any) store.Compare {
	return store.Compare{Attr: attr, Op: op, Value: v}
}

func and(fs ...store.Filter) store.And { return store.And{Filters: fs} }
func or(fs ...store.Filter) store.Or   { return store.Or{Filters: fs} }

func TestParseUserAttributes(t *testing.T) {
	tests := []struct {
		filter string
		want   store.Filter
	}{
		{`id eq "2819c223"`, cmp(store.AttrID, store.OpEq, "2819c223")},
		{`ID eq "x"`, cmp(store.AttrID, store.OpEq, "x")},
		{`externalId eq "00u1"`, cmp(store.AttrExternalID, store.OpEq, "00u1")},
		{`EXTERNALID eq "00u1"`, cmp(store.AttrExternalID, store.OpEq, "00u1")},
		{`userName eq "a@x.com"`, cmp(store.AttrUserName, store.OpEq, "a@x.com")},
		{`username eq "a@x.com"`, cmp(store.AttrUserName, store.OpEq, "a@x.com")},
		{`USERNAME EQ "A@X.COM"`, cmp(store.AttrUserName, store.OpEq, "A@X.COM")},
		{`displayName co "Ann"`, cmp(store.AttrDisplayName, store.OpCo, "Ann")},
		{`name.givenName sw "A"`, cmp(store.AttrGivenName, store.OpSw, "A")},
		{`Name.GivenName sw "A"`, cmp(store.AttrGivenName, store.OpSw, "A")},
		{`name.familyName ew "son"`, cmp(store.AttrFamilyName, store.OpEw, "son")},
		{`name.formatted ne ""`, cmp(store.AttrFormattedName, store.OpNe, "")},
		{`name.middleName pr`, cmp(store.AttrMiddleName, store.OpPr, nil)},
		{`nickName gt "b"`, cmp(store.AttrNickName, store.OpGt, "b")},
		{`title ge "b"`, cmp(store.AttrTitle, store.OpGe, "b")},
		{`userType lt "b"`, cmp(store.AttrUserType, store.OpLt, "b")},
		{`locale le "en-US"`, cmp(store.AttrLocale, store.OpLe, "en-US")},
		{`preferredLanguage eq "en"`, cmp(store.AttrPreferredLanguage, store.OpEq, "en")},
		{`timezone eq "Europe/Brussels"`, cmp(store.AttrTimezone, store.OpEq, "Europe/Brussels")},
		{`active eq true`, cmp(store.AttrActive, store.OpEq, true)},
		{`active eq FALSE`, cmp(store.AttrActive, store.OpEq, false)},
		{`active ne "True"`, cmp(store.AttrActive, store.OpNe, true)},
		{`active eq "false"`, cmp(store.AttrActive, store.OpEq, false)},
		{`active pr`, cmp(store.AttrActive, store.OpPr, nil)},
		{`emails pr`, cmp(store.AttrEmails, store.OpPr, nil)},
		{`emails.value eq "a@x.com"`, cmp(store.AttrEmailValue, store.OpEq, "a@x.com")},
		{`Emails.Value eq "a@x.com"`, cmp(store.AttrEmailValue, store.OpEq, "a@x.com")},
		{`emails.type eq "work"`, cmp(store.AttrEmailType, store.OpEq, "work")},
		{`emails.primary eq true`, cmp(store.AttrEmailPrimary, store.OpEq, true)},
		{`emails.primary eq "FALSE"`, cmp(store.AttrEmailPrimary, store.OpEq, false)},
		{`meta.created gt "2026-01-02T15:04:05Z"`,
			cmp(store.AttrCreated, store.OpGt, time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC))},
		{`meta.lastModified le "2026-01-02T15:04:05.5+02:00"`,
			cmp(store.AttrLastModified, store.OpLe, time.Date(2026, 1, 2, 13, 4, 5, 5e8, time.UTC))},
		{`meta.created pr`, cmp(store.AttrCreated, store.OpPr, nil)},
		{`employeeNumber eq "42"`, cmp(store.AttrEmployeeNumber, store.OpEq, "42")},
		{ent + `employeeNumber eq "42"`, cmp(store.AttrEmployeeNumber, store.OpEq, "42")},
		{ent + `costCenter eq "c"`, cmp(store.AttrCostCenter, store.OpEq, "c")},
		{ent + `organization eq "o"`, cmp(store.AttrOrganization, store.OpEq, "o")},
		{ent + `division eq "d"`, cmp(store.AttrDivision, store.OpEq, "d")},
		{ent + `department eq "Eng"`, cmp(store.AttrDepartment, store.OpEq, "Eng")},
		{ent + `manager.value eq "u9"`, cmp(store.AttrManagerID, store.OpEq, "u9")},
		{ent + `Manager.Value eq "u9"`, cmp(store.AttrManagerID, store.OpEq, "u9")},
		{`URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:department eq "Eng"`,
			cmp(store.AttrDepartment, store.OpEq, "Eng")},
		{coreUser + `userName eq "a"`, cmp(store.AttrUserName, store.OpEq, "a")},
		{coreUser + `name.givenName eq "a"`, cmp(store.AttrGivenName, store.OpEq, "a")},
		{coreUser + `emails[type eq "work"]`,
			store.ValuePath{Attr: store.AttrEmails, Filter: cmp("type", store.OpEq, "work")}},
	}
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			got, err := scimfilter.Parse(tt.filter, scimfilter.Users)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseGroupAttributes(t *testing.T) {
	tests := []struct {
		filter string
		want   store.Filter
	}{
		{`id eq "g1"`, cmp(store.AttrID, store.OpEq, "g1")},
		{`externalId eq "e1"`, cmp(store.AttrExternalID, store.OpEq, "e1")},
		{`displayName eq "Eng"`, cmp(store.AttrDisplayName, store.OpEq, "Eng")},
		{`DISPLAYNAME sw "E"`, cmp(store.AttrDisplayName, store.OpSw, "E")},
		{coreGroup + `displayName eq "Eng"`, cmp(store.AttrDisplayName, store.OpEq, "Eng")},
		{`members pr`, cmp(store.AttrMembers, store.OpPr, nil)},
		{`members.value eq "u1"`, cmp(store.AttrMemberValue, store.OpEq, "u1")},
		{`members[value eq "u1"]`, store.ValuePath{Attr: store.AttrMembers, Filter: cmp("value", store.OpEq, "u1")}},
		{`Members[VALUE eq "u1"]`, store.ValuePath{Attr: store.AttrMembers, Filter: cmp("value", store.OpEq, "u1")}},
		{`id eq "g" and members[value eq "u"]`, and(
			cmp(store.AttrID, store.OpEq, "g"),
			store.ValuePath{Attr: store.AttrMembers, Filter: cmp("value", store.OpEq, "u")})},
		{`meta.created lt "2026-01-02T15:04:05Z"`,
			cmp(store.AttrCreated, store.OpLt, time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC))},
		{`meta.lastModified ge "2026-01-02T15:04:05Z"`,
			cmp(store.AttrLastModified, store.OpGe, time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC))},
	}
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			got, err := scimfilter.Parse(tt.filter, scimfilter.Groups)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseOperators(t *testing.T) {
	ops := map[string]store.Op{
		"eq": store.OpEq, "ne": store.OpNe, "co": store.OpCo, "sw": store.OpSw, "ew": store.OpEw,
		"gt": store.OpGt, "ge": store.OpGe, "lt": store.OpLt, "le": store.OpLe,
	}
	for name, op := range ops {
		for _, spelled := range []string{name, string(name[0]-32) + name[1:], string(name[0]-32) + string(name[1]-32)} {
			t.Run(spelled, func(t *testing.T) {
				got, err := scimfilter.Parse(`userName `+spelled+` "x"`, scimfilter.Users)
				require.NoError(t, err)
				assert.Equal(t, cmp(store.AttrUserName, op, "x"), got)
			})
		}
	}
	for _, spelled := range []string{"pr", "PR", "Pr"} {
		got, err := scimfilter.Parse(`userName `+spelled, scimfilter.Users)
		require.NoError(t, err)
		assert.Equal(t, cmp(store.AttrUserName, store.OpPr, nil), got)
	}
}

func TestParseLogic(t *testing.T) {
	a := cmp(store.AttrUserName, store.OpEq, "a")
	b := cmp(store.AttrExternalID, store.OpEq, "b")
	c := cmp(store.AttrID, store.OpEq, "c")
	d := cmp(store.AttrDisplayName, store.OpEq, "d")
	tests := []struct {
		filter string
		want   store.Filter
	}{
		{`userName eq "a" and externalId eq "b"`, and(a, b)},
		{`userName eq "a" AND externalId eq "b" And id eq "c"`, and(a, b, c)},
		{`userName eq "a" and (externalId eq "b" and id eq "c")`, and(a, b, c)},
		{`(userName eq "a" and externalId eq "b") and (id eq "c" and displayName eq "d")`, and(a, b, c, d)},
		{`userName eq "a" or externalId eq "b" or id eq "c"`, or(a, b, c)},
		{`userName eq "a" or externalId eq "b" and id eq "c"`, or(a, and(b, c))},
		{`userName eq "a" and externalId eq "b" or id eq "c"`, or(and(a, b), c)},
		{`(userName eq "a" or externalId eq "b") and id eq "c"`, and(or(a, b), c)},
		{`userName eq "a" and (externalId eq "b" or id eq "c") and displayName eq "d"`, and(a, or(b, c), d)},
		{`not(userName eq "a")`, store.Not{Filter: a}},
		{`NOT (userName eq "a")`, store.Not{Filter: a}},
		{`not ( userName eq "a" or externalId eq "b" )`, store.Not{Filter: or(a, b)}},
		{`not(userName eq "a") and not(not(externalId eq "b"))`,
			and(store.Not{Filter: a}, store.Not{Filter: store.Not{Filter: b}})},
		{`userName eq "a"   and   externalId eq "b"`, and(a, b)},
		{"  userName eq \"a\"\t\n", a},
		{strings.Repeat("(", 16) + `userName eq "a"` + strings.Repeat(")", 16), a},
		{`userName eq "((((((((((((((((((((" and not(externalId eq "b")`, and(cmp(store.AttrUserName, store.OpEq, "(((((((((((((((((((("), store.Not{Filter: b})},
	}
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			got, err := scimfilter.Parse(tt.filter, scimfilter.Users)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseValuePaths(t *testing.T) {
	vp := func(f store.Filter) store.ValuePath { return store.ValuePath{Attr: store.AttrEmails, Filter: f} }
	work := cmp("type", store.OpEq, "work")
	tests := []struct {
		filter string
		want   store.Filter
	}{
		{`emails[type eq "work"]`, vp(work)},
		{`emails[ type eq "work" ]`, vp(work)},
		{`EMAILS[TYPE eq "work"]`, vp(work)},
		{`emails[type eq "work" and value co "x"]`, vp(and(work, cmp("value", store.OpCo, "x")))},
		{`emails[type eq "work" or primary eq true]`, vp(or(work, cmp("primary", store.OpEq, true)))},
		{`emails[not(type eq "work")]`, vp(store.Not{Filter: work})},
		{`emails[value pr]`, vp(cmp("value", store.OpPr, nil))},
		{`emails[primary eq "True"]`, vp(cmp("primary", store.OpEq, true))},
		{`emails[type eq "work"].value eq "a@x.com"`, vp(and(work, cmp("value", store.OpEq, "a@x.com")))},
		{`emails[type eq "work"].Value eq "a@x.com"`, vp(and(work, cmp("value", store.OpEq, "a@x.com")))},
		{`emails[type eq "work"].value pr`, vp(and(work, cmp("value", store.OpPr, nil)))},
		{`emails[type eq "work" and primary eq true].value eq "a"`,
			vp(and(work, cmp("primary", store.OpEq, true), cmp("value", store.OpEq, "a")))},
		{`emails[type eq "work" or primary eq true].value eq "a"`,
			vp(and(or(work, cmp("primary", store.OpEq, true)), cmp("value", store.OpEq, "a")))},
		{`userName eq "u" and emails[type eq "work"].value eq "a"`,
			and(cmp(store.AttrUserName, store.OpEq, "u"), vp(and(work, cmp("value", store.OpEq, "a"))))},
		{`emails[type eq "work"].value eq "a" or emails[type eq "home"].value eq "b"`,
			or(vp(and(work, cmp("value", store.OpEq, "a"))), vp(and(cmp("type", store.OpEq, "home"), cmp("value", store.OpEq, "b"))))},
		{`not(emails[type eq "work"].value eq "a")`,
			store.Not{Filter: vp(and(work, cmp("value", store.OpEq, "a")))}},
		{`emails[type eq "]."].value eq "a"`,
			vp(and(cmp("type", store.OpEq, "]."), cmp("value", store.OpEq, "a")))},
		{`emails.value eq "a" and emails[type eq "work"]`,
			and(cmp(store.AttrEmailValue, store.OpEq, "a"), vp(work))},
	}
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			got, err := scimfilter.Parse(tt.filter, scimfilter.Users)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseStringValues(t *testing.T) {
	tests := []struct {
		filter string
		want   string
	}{
		{`userName eq ""`, ""},
		{`userName eq "a b"`, "a b"},
		{`userName eq "DOMAIN\\user"`, `DOMAIN\user`},
		{`userName eq "say \"hi\""`, `say "hi"`},
		{`userName eq "a\/b"`, "a/b"},
		{`userName eq "\b\f\n\r\t"`, "\b\f\n\r\t"},
		{`userName eq "caf\u00E9"`, "café"},
		{`userName eq "café"`, "café"},
		{`userName eq "\uD83D\uDE00"`, "😀"},
		{`userName eq "\uD83D"`, "\uFFFD"},
		{`userName eq "\uDE00\uD83D"`, "\uFFFD\uFFFD"},
	}
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			got, err := scimfilter.Parse(tt.filter, scimfilter.Users)
			require.NoError(t, err)
			assert.Equal(t, cmp(store.AttrUserName, store.OpEq, tt.want), got)
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, filter string
		kind         scimfilter.Kind
		detail       string // substring of the detail
	}{
		{"empty", "  ", scimfilter.Users, "the filter is empty"},
		{"too long", `userName eq "` + string(make([]byte, 5000)) + `"`, scimfilter.Users, "longer than 4096"},
		{"too deep", strings.Repeat("(", 17) + `userName eq "a"` + strings.Repeat(")", 17), scimfilter.Users,
			"the filter nests parentheses more than 16 levels deep"},
		{"too deep with not", strings.Repeat("not(", 17) + `userName eq "a"` + strings.Repeat(")", 17), scimfilter.Users,
			"more than 16 levels deep"},
		{"unclosed string", `userName eq "a`, scimfilter.Users, "not closed with a double quote"},
		{"single quotes", `userName eq 'a'`, scimfilter.Users, "double quotes"},
		{"parentheses", `(userName eq "a"`, scimfilter.Users, "parentheses are not balanced"},
		{"brackets", `emails[type eq "a"`, scimfilter.Users, "square brackets"},
		{"tab", "userName\teq \"a\"", scimfilter.Users, "spaces only"},
		{"unknown operator", `userName equals "a"`, scimfilter.Users,
			`"userName equals \"a\"" is not a valid SCIM filter: "equals" is not a SCIM operator; use eq, ne, co, sw, ew, gt, ge, lt, le or pr; for example userName eq "someone@example.com"`},
		{"missing value", `userName eq`, scimfilter.Users, "the operator eq needs a value after it"},
		{"garbage", `userName eq "a" and`, scimfilter.Users, `is not a valid SCIM filter: write attribute, operator and value`},
		{"garbage in parentheses", `(userName eq "a") or`, scimfilter.Users, `is not a valid SCIM filter: write attribute, operator and value`},
		{"three in value filter", `emails[type eq "a" and value eq "b" and primary eq true]`, scimfilter.Users, "not a valid SCIM filter"},
		{"sub after value path with garbage", `emails[type eq "a"].value`, scimfilter.Users, "not a valid SCIM filter"},
		{"sub-sub after value path", `emails[type eq "a"].value.x eq "b"`, scimfilter.Users, "not a valid SCIM filter"},
		{"marker spelled by client", `emails[type eq "a"] and x-scimkit-valuepath-subattr:value eq "b"`, scimfilter.Users, `the schema "x-scimkit-valuepath-subattr"`},
		{"addresses", `addresses.country eq "BE"`, scimfilter.Users,
			`filtering on "addresses.country" is not supported; supported attributes are id, externalId, userName,`},
		{"phoneNumbers", `phoneNumbers pr`, scimfilter.Users, `filtering on "phoneNumbers" is not supported`},
		{"roles", `roles[value eq "x"]`, scimfilter.Users, `filtering on "roles" is not supported`},
		{"x509", `x509Certificates.value eq "x"`, scimfilter.Users, `"x509Certificates.value" is not supported`},
		{"meta.version", `meta.version eq "x"`, scimfilter.Users, `"meta.version" is not supported`},
		{"state is not SCIM", `state eq "active"`, scimfilter.Users, `"state" is not supported`},
		{"managed is not SCIM", `managed eq true`, scimfilter.Groups, `"managed" is not supported`},
		{"userName on groups", `userName eq "a"`, scimfilter.Groups, `supported attributes are id, externalId, displayName, members, members.value, meta.created, meta.lastModified`},
		{"members.display", `members.display eq "a"`, scimfilter.Groups, `"members.display" is not supported`},
		{"members[display]", `members[display eq "a"]`, scimfilter.Groups, `"members.display" is not supported; inside members[...] compare one of value`},
		{"emails[display]", `emails[display eq "a"]`, scimfilter.Users, `inside emails[...] compare one of value, type, primary`},
		{"emails[value.x]", `emails[value.x eq "a"]`, scimfilter.Users, `"emails.value.x" is not supported`},
		{"enterprise on groups", ent + `department eq "a"`, scimfilter.Groups, `the schema "` + store.EnterpriseURN + `"`},
		{"group URN on users", coreGroup + `displayName eq "a"`, scimfilter.Users, "the schema"},
		{"core URN with extension attr", coreUser + `department eq "a"`, scimfilter.Users, "is not supported"},
		{"enterprise URN with core attr", ent + `userName eq "a"`, scimfilter.Users, "is not supported"},
		{"manager without value", ent + `manager eq "a"`, scimfilter.Users, "is not supported"},
		{"name without sub", `name eq "a"`, scimfilter.Users, `"name" is not supported`},
		{"value path on single", `userName[value eq "a"]`, scimfilter.Users, `needs a multi-valued attribute (emails), not "userName"`},
		{"value path with sub", `emails.value[value eq "a"]`, scimfilter.Users, `not "emails.value"`},
		{"number", `userName eq 12`, scimfilter.Users, `"userName" needs a string value in double quotes, got 12`},
		{"float", `userName eq 1.5`, scimfilter.Users, "got 1.5"},
		{"null", `externalId eq null`, scimfilter.Users, `"externalId" needs a string value in double quotes, got null`},
		{"bool on string", `userName eq true`, scimfilter.Users, "got true"},
		{"co on boolean", `active co "t"`, scimfilter.Users, "operator co cannot be used with the boolean attribute \"active\"; use eq, ne or pr"},
		{"gt on boolean", `emails.primary gt true`, scimfilter.Users, "boolean attribute \"emails.primary\""},
		{"gt on boolean in value path", `emails[primary gt true]`, scimfilter.Users, "boolean attribute \"emails.primary\""},
		{"boolean string", `active eq "yes"`, scimfilter.Users, `"active" needs true or false, got "yes"`},
		{"boolean number", `active eq 1`, scimfilter.Users, `"active" needs true or false, got 1`},
		{"boolean null", `active eq null`, scimfilter.Users, `got null`},
		{"date-time text", `meta.created gt "yesterday"`, scimfilter.Users, `"meta.created" needs an RFC 3339 date-time such as "2026-01-02T15:04:05Z", got "yesterday"`},
		{"date only", `meta.lastModified gt "2026-01-02"`, scimfilter.Groups, `"meta.lastModified" needs an RFC 3339 date-time`},
		{"date-time number", `meta.created gt 5`, scimfilter.Users, "got 5"},
		{"co on date-time", `meta.created co "2026"`, scimfilter.Users, "operator co cannot be used with the date-time attribute \"meta.created\""},
		{"multi with eq", `emails eq "a@x.com"`, scimfilter.Users, `"emails" is multi-valued and can only be tested with pr`},
		{"members with eq", `members eq "u"`, scimfilter.Groups, `members.value eq "..." or members[value eq "..."]`},
		{"invalid UTF-8", "userName eq \"\xff\"", scimfilter.Users, "not valid UTF-8"},
		{"error inside or", `userName eq "a" or addresses pr`, scimfilter.Users, `"addresses" is not supported`},
		{"error inside not", `not(addresses pr)`, scimfilter.Users, `"addresses" is not supported`},
		{"error inside value path", `emails[type eq 1]`, scimfilter.Users, `"emails.type" needs a string value`},
		{"zero kind", `userName eq "a"`, 0, "filtering Kind(0) resources is not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := scimfilter.Parse(tt.filter, tt.kind)
			require.Error(t, err)
			assert.Nil(t, got)
			var fe *scimfilter.Error
			require.True(t, errors.As(err, &fe), "every error must be a *scimfilter.Error, got %T", err)
			assert.Contains(t, fe.Detail, tt.detail)
			assert.NotContains(t, fe.Detail, "parse conflict", "the parser's internal messages must not leak")
			if !strings.Contains(tt.filter, "x-scimkit") {
				assert.NotContains(t, fe.Detail, "x-scimkit", "the rewrite marker must not leak")
			}
			_, ok := scimfilter.ParseSimple(tt.filter, tt.kind)
			assert.False(t, ok, "ParseSimple must refuse a filter Parse rejects")
		})
	}
}
