package scimfilter_test

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/scim/internal/scimfilter"
)

// gen builds random filter strings of the shapes identity providers send,
// and near misses of them. Each string comes with a flag: simple reports
// that it was built only from pieces ParseSimple promises to handle, so
// that whenever Parse accepts it, ParseSimple must too.
type gen struct {
	r *rand.Rand
	k scimfilter.Kind
}

func (g gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }

func (g gen) chance(p float64) bool { return g.r.Float64() < p }

// recase returns s as written, lower-cased, upper-cased or in random case.
func (g gen) recase(s string) string {
	switch g.r.IntN(4) {
	case 0:
		return s
	case 1:
		return strings.ToLower(s)
	case 2:
		return strings.ToUpper(s)
	}
	b := []byte(s)
	for i, c := range b {
		if g.r.IntN(2) == 0 && ('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			b[i] = c ^ 0x20
		}
	}
	return string(b)
}

// sp returns a separator: usually spaces (simple), sometimes something the
// grammar rejects or ParseSimple does not promise.
func (g gen) sp() (string, bool) {
	switch g.r.IntN(12) {
	case 0:
		return "  ", true
	case 1:
		return "   ", true
	case 2:
		return "\t", false
	case 3:
		return "", false
	case 4:
		return " \n", false
	}
	return " ", true
}

type attrForm struct {
	path string
	typ  byte // 's' string, 'b' bool, 't' time, 'm' multi
}

func (g gen) attrs() []attrForm {
	if g.k == scimfilter.Groups {
		return []attrForm{
			{"id", 's'}, {"externalId", 's'}, {"displayName", 's'}, {"members", 'm'},
			{"members.value", 's'}, {"meta.created", 't'}, {"meta.lastModified", 't'},
			{coreGroup + "displayName", 's'}, {coreGroup + "members.value", 's'},
		}
	}
	return []attrForm{
		{"id", 's'}, {"externalId", 's'}, {"userName", 's'}, {"displayName", 's'},
		{"name.givenName", 's'}, {"name.familyName", 's'}, {"name.formatted", 's'}, {"name.middleName", 's'},
		{"nickName", 's'}, {"title", 's'}, {"userType", 's'}, {"locale", 's'}, {"preferredLanguage", 's'},
		{"timezone", 's'}, {"active", 'b'}, {"emails", 'm'}, {"emails.value", 's'}, {"emails.type", 's'},
		{"emails.primary", 'b'}, {"meta.created", 't'}, {"meta.lastModified", 't'},
		{"employeeNumber", 's'}, {ent + "employeeNumber", 's'}, {ent + "costCenter", 's'},
		{ent + "organization", 's'}, {ent + "division", 's'}, {ent + "department", 's'},
		{ent + "manager.value", 's'}, {coreUser + "userName", 's'}, {coreUser + "name.givenName", 's'},
		{coreUser + "emails.value", 's'},
	}
}

// attrPath returns an attribute path, its type, and whether it is simple.
func (g gen) attrPath() (string, byte, bool) {
	if g.chance(0.12) {
		return g.pick("addresses.country", "phoneNumbers", "roles.value", "userNam", "user_name", "$ref",
			"emails.display", "name", "members.display", "meta.version", "manager.value", "userName.x",
			"urn:ietf:params:scim:schemas:core:2.0:User:userName.", "foo:userName", "1userName",
			"urn:ietf:params:scim:schemas:core:2.0:Group:displayName", "meta", "managed", "state"), 's', true
	}
	a := g.attrs()[g.r.IntN(len(g.attrs()))]
	uri, name := "", a.path
	if i := strings.LastIndexByte(a.path, ':'); i >= 0 {
		uri, name = a.path[:i+1], a.path[i+1:]
	}
	simple := true
	if uri != "" && g.chance(0.2) {
		uri = g.recase(uri) // Parse accepts any case, ParseSimple only the exact URI
		simple = uri == a.path[:len(uri)]
	}
	return uri + g.recase(name), a.typ, simple
}

// op returns an operator (random case), or a near miss.
func (g gen) op() (string, bool) {
	if g.chance(0.03) {
		return g.pick("eqq", "e", "equals", "==", "and", "not"), true
	}
	return g.recase(g.pick("eq", "eq", "eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le", "pr")), true
}

// value returns a filter value for an attribute of type t.
func (g gen) value(t byte) (string, bool) {
	switch g.r.IntN(20) {
	case 0:
		return g.recase(g.pick("true", "false")), true
	case 1:
		return g.pick("null", "12", "-1.5e3", "0", "01", "tru", "truex"), true
	case 2:
		return g.pick(`"true"`, `"False"`, `"TRUE"`, `"yes"`), true
	case 3:
		return g.pick(`"2026-01-02T15:04:05Z"`, `"2026-01-02T15:04:05.123+02:00"`, `"2026-01-02"`, `"yesterday"`), true
	case 4:
		return g.pick(`"a\"b"`, `"DOMAIN\\user"`, `"caf\u00E9"`, `"\uD83D\uDE00"`, `"\uD83D"`, `"a\/b\n\t"`), true
	case 5:
		return g.pick(`"caf\u00e9"`, `"bad\x"`, `"bad\u12"`, "\"ctl\x01\"", "\"bad\xff\"", `'single'`, `"unterminated`,
			`"a"b"`, `"\"`, `"\\"`), true
	case 6:
		return g.pick(`""`, `"]."`, `"x] and y"`, `"é ü 漢字"`, `"  spaced  "`, `"and"`), true
	}
	if t == 'b' && g.chance(0.5) {
		return g.recase(g.pick("true", "false")), true
	}
	if t == 't' && g.chance(0.6) {
		return g.pick(`"2026-01-02T15:04:05Z"`, `"2025-12-31T23:59:59.999999999-08:00"`), true
	}
	return g.pick(`"a@x.com"`, `"00u1abc"`, `"Engineering"`, `"someone@example.com"`, `"x"`), true
}

// attrExp returns "path op value" or "path pr" with the path given.
func (g gen) attrExp(path string, t byte) (string, bool) {
	s1, ok1 := g.sp()
	op, ok2 := g.op()
	if strings.EqualFold(op, "pr") {
		return path + s1 + op, ok1 && ok2
	}
	s2, ok3 := g.sp()
	v, ok4 := g.value(t)
	return path + s1 + op + s2 + v, ok1 && ok2 && ok3 && ok4
}

// subExp returns a comparison of a sub-attribute inside a value path.
func (g gen) subExp(multi string) (string, bool) {
	var sub string
	var t byte = 's'
	if multi == "members" {
		sub = g.pick("value", "value", "display", "$ref")
	} else {
		sub = g.pick("value", "type", "primary", "display")
		if sub == "primary" {
			t = 'b'
		}
	}
	return g.attrExp(g.recase(sub), t)
}

// valuePath returns multi[...] or multi[...].sub op value.
func (g gen) valuePath() (string, bool) {
	multi := "emails"
	if g.k == scimfilter.Groups {
		multi = "members"
	}
	if g.chance(0.05) {
		multi = g.pick("roles", "userName", "emails.value", "members", "emails")
	}
	inner, simple := g.subExp(multi)
	switch g.r.IntN(6) {
	case 0, 1:
		s1, ok1 := g.sp()
		s2, ok2 := g.sp()
		second, ok3 := g.subExp(multi)
		inner += s1 + g.recase("and") + s2 + second
		simple = simple && ok1 && ok2 && ok3 && s1 != "" && s2 != ""
	case 2:
		second, _ := g.subExp(multi)
		inner += " " + g.pick("or", "and "+second+" and") + " " + second
		simple = false
	case 3:
		if g.chance(0.3) {
			inner = "not(" + inner + ")"
			simple = false
		}
	}
	if g.chance(0.2) {
		inner = " " + inner + "  "
	}
	s := g.recase(multi) + "[" + inner + "]"
	if g.chance(0.05) {
		s = g.recase(multi) + " [" + inner + "]"
		simple = false
	}
	if g.chance(0.5) {
		e, ok := g.subExp(multi)
		s += "." + e
		simple = simple && ok
	}
	return s, simple
}

// term returns one term, and whether it compares a core ('c') or an
// enterprise extension ('e') attribute, or neither (0, a value path).
func (g gen) term() (string, bool, byte) {
	if g.chance(0.3) {
		s, ok := g.valuePath()
		return s, ok, 0
	}
	path, t, ok1 := g.attrPath()
	e, ok2 := g.attrExp(path, t)
	class := byte('c')
	lower := strings.ToLower(path)
	if strings.Contains(lower, "enterprise") {
		class = 'e'
	}
	switch lower {
	case "employeenumber", "costcenter", "organization", "division", "department", "manager.value":
		class = 'e'
	}
	return e, ok1 && ok2, class
}

// filter returns a whole filter and whether it is simple.
func (g gen) filter() (string, bool) {
	s, simple, class := g.term()
	classes := map[byte]bool{class: true}
	for n := g.r.IntN(4); n > 0 && g.chance(0.5); n-- {
		t, ok, class := g.term()
		classes[class] = true
		s1, ok1 := g.sp()
		s2, ok2 := g.sp()
		conj := g.recase(g.pick("and", "and", "and", "or"))
		s += s1 + conj + s2 + t
		simple = simple && ok && ok1 && ok2 && s1 != "" && s2 != "" && strings.EqualFold(conj, "and")
	}
	// ParseSimple leaves filters that mix core and enterprise comparisons
	// to elimity, which rejects them.
	simple = simple && !(classes['c'] && classes['e'])
	switch g.r.IntN(20) {
	case 0:
		s, simple = "not("+s+")", false
	case 1:
		s, simple = "("+s+")", false
	case 2:
		s = g.pick(" ", "\t", "\n ") + s + g.pick("", " ", "\r\n")
	case 3:
		if len(s) > 3 { // truncation: a near miss
			s = s[:g.r.IntN(len(s))]
		}
	}
	return s, simple
}

// corpus returns n generated filters for k, after a fixed list of
// hand-picked ones.
func corpus(k scimfilter.Kind, seed uint64, n int) (filters []string, simple []bool) {
	for _, s := range []string{
		`userName eq "a@x.com"`, `username EQ "a@x.com"`, `externalId eq "00u1"`, `id eq "x"`,
		`displayName eq "Eng"`, `emails[type eq "work"].value eq "a@x.com"`, `emails.value eq "a@x.com"`,
		`userName eq "a" and externalId eq "b"`, `id eq "g" and members[value eq "u"]`, `members[value eq "u1"]`,
		`emails[type eq "work" and value co "x"]`, `active eq "False"`, `active eq TRUE`,
		ent + `employeeNumber eq "1"`, coreUser + `userName eq "a"`, " userName eq \"a\" ",
	} {
		filters, simple = append(filters, s), append(simple, true)
	}
	g := gen{r: rand.New(rand.NewPCG(seed, uint64(k))), k: k}
	for range n {
		s, ok := g.filter()
		filters, simple = append(filters, s), append(simple, ok)
	}
	return filters, simple
}

// TestParseSimpleEquivalence checks, on a generated corpus, that
// ParseSimple's answer is always Parse's, and that ParseSimple takes every
// filter of the shapes it promises whenever Parse accepts it.
func TestParseSimpleEquivalence(t *testing.T) {
	n := 6000
	if testing.Short() {
		n = 600
	}
	for _, k := range []scimfilter.Kind{scimfilter.Users, scimfilter.Groups} {
		t.Run(k.String(), func(t *testing.T) {
			filters, simple := corpus(k, 1, n)
			var fast, parsed, parsedSimple, missed int
			for i, s := range filters {
				want, err := scimfilter.Parse(s, k)
				if err != nil {
					var fe *scimfilter.Error
					require.True(t, errors.As(err, &fe), "Parse(%q): error %T is not a *Error", s, err)
					for _, internal := range []string{"parse conflict", "internal error", "strconv.", "x-scimkit"} {
						if !strings.Contains(s, internal) {
							assert.NotContains(t, fe.Detail, internal, "Parse(%q) leaks internal text", s)
						}
					}
				} else {
					parsed++
				}
				got, ok := scimfilter.ParseSimple(s, k)
				if ok {
					fast++
					if !assert.NoError(t, err, "ParseSimple accepted %q, which Parse rejects", s) {
						continue
					}
					assert.Equal(t, want, got, "ParseSimple(%q) differs from Parse", s)
				} else {
					assert.Nil(t, got)
				}
				if simple[i] && err == nil {
					parsedSimple++
					if !ok {
						missed++
						t.Errorf("ParseSimple refused %q, a simple shape that Parse accepts", s)
					}
				}
			}
			t.Logf("%d filters: Parse accepted %d, ParseSimple %d; of %d simple-shaped filters Parse accepted, ParseSimple took all but %d",
				len(filters), parsed, fast, parsedSimple, missed)
			// The corpus must exercise both outcomes, or the test proves nothing.
			assert.Greater(t, fast, len(filters)/10)
			assert.Greater(t, len(filters)-parsed, len(filters)/10)
		})
	}
}

// TestParseSimpleRefusals lists shapes ParseSimple deliberately leaves to
// the general path although Parse accepts them.
func TestParseSimpleRefusals(t *testing.T) {
	for _, s := range []string{
		`userName eq "a" or id eq "b"`,
		`not(userName eq "a")`,
		`(userName eq "a")`,
		`emails [type eq "work"]`,
		`emails[type eq "work"and value eq "x"]`,
		`emails[type eq "work" or value eq "x"]`,
		`emails[not(type eq "work")]`,
		`URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:userName eq "a"`,
		// elimity rejects comparisons of core and extension attributes in
		// one filter; ParseSimple must not answer what it refuses.
		`userName eq "a" and ` + ent + `department eq "Eng"`,
		`employeeNumber eq "1" and active eq true`,
	} {
		t.Run(s, func(t *testing.T) {
			_, err := scimfilter.Parse(s, scimfilter.Users)
			require.NoError(t, err)
			_, ok := scimfilter.ParseSimple(s, scimfilter.Users)
			assert.False(t, ok)
		})
	}
}

func TestParseSimpleInvalidKind(t *testing.T) {
	_, ok := scimfilter.ParseSimple(`userName eq "a"`, 0)
	assert.False(t, ok)
	_, ok = scimfilter.ParseSimple(`userName eq "a"`, scimfilter.Kind(3))
	assert.False(t, ok)
}

// FuzzParseSimple checks on arbitrary input that ParseSimple never panics
// and that whenever it accepts a filter its result is Parse's; and that
// Parse fails only with *Error.
func FuzzParseSimple(f *testing.F) {
	filters, _ := corpus(scimfilter.Users, 2, 200)
	for _, s := range filters {
		f.Add(s)
	}
	g, _ := corpus(scimfilter.Groups, 2, 50)
	for _, s := range g {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, k := range []scimfilter.Kind{scimfilter.Users, scimfilter.Groups} {
			want, err := scimfilter.Parse(s, k)
			if err != nil {
				var fe *scimfilter.Error
				if !errors.As(err, &fe) {
					t.Fatalf("Parse(%q): error %T is not a *Error", s, err)
				}
			}
			got, ok := scimfilter.ParseSimple(s, k)
			if !ok {
				continue
			}
			if err != nil {
				t.Fatalf("ParseSimple accepted %q (%#v), which Parse rejects: %v", s, got, err)
			}
			if !assert.ObjectsAreEqual(want, got) {
				t.Fatalf("ParseSimple(%q) = %#v, Parse = %#v", s, got, want)
			}
		}
	})
}
