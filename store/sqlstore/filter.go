package sqlstore

import (
	"fmt"
	"strings"
	"time"

	"github.com/scimkit/scimkit/store"
)

// The filter translator turns a store.Filter into a SQL condition and its
// arguments. Every value from the filter travels as a bound parameter; the
// SQL text is built only from the fixed column names below and operators.

// attrKind is the type of an attribute's values.
type attrKind int

const (
	kindString attrKind = iota + 1
	kindBool
	kindTime
)

// column is how one filterable attribute is stored: an SQL expression over
// the row alias, its kind, and whether it holds folded values.
type column struct {
	expr string
	kind attrKind
	fold bool
}

// multi is a multi-valued attribute kept in a child table: the start of a
// condition "parent key IN (SELECT child key FROM child WHERE account = ?"
// (the caller binds the account id and adds the sub-condition and the
// closing parenthesis), and its sub-attributes. An uncorrelated IN
// subquery, rather than a correlated EXISTS, lets both databases answer
// an equality on a value from the child table's index (the Entra lookup
// emails[type eq "work"].value eq "x"), instead of probing every parent
// row.
type multi struct {
	in   string
	subs map[string]column
}

// schema is the set of attributes a filter over one resource type may
// name.
type schema struct {
	resource string
	cols     map[string]column
	multis   map[string]multi
}

// userSchema maps every filterable attribute of store.UserAttributes to
// its column: the host fields to the userFields columns (the folded one
// for case-insensitive attributes), the rest by name.
var userSchema = func() schema {
	cols := map[string]column{
		store.AttrID:           {"u.id", kindString, false},
		store.AttrState:        {"u.state", kindString, false},
		store.AttrCreated:      {"u.created", kindTime, false},
		store.AttrLastModified: {"u.modified", kindTime, false},
		store.AttrActive:       {"u.state", kindBool, false}, // special-cased in compare
	}
	for a := range store.UserAttributes() {
		if a.Filterable && a.Kind == store.KindString && a.Field != "" {
			c := column{"u." + snakeCase(a.Field), kindString, !a.CaseExact}
			if c.fold {
				c.expr += "_fold"
			}
			cols[a.Name] = c
		}
	}
	return schema{
		resource: "user",
		cols:     cols,
		multis: map[string]multi{
			store.AttrEmails: {
				in: "u.seq IN (SELECT e.user_seq FROM scimkit_user_emails e WHERE e.account_id = ?",
				subs: map[string]column{
					"value":   {"e.value_fold", kindString, true},
					"type":    {"e.type_fold", kindString, true},
					"primary": {"e.is_primary", kindBool, false},
				},
			},
		},
	}
}()

var groupSchema = schema{
	resource: "group",
	cols: map[string]column{
		store.AttrID:           {"g.id", kindString, false},
		store.AttrExternalID:   {"g.external_id", kindString, false},
		store.AttrDisplayName:  {"g.display_name_fold", kindString, true},
		store.AttrCreated:      {"g.created", kindTime, false},
		store.AttrLastModified: {"g.modified", kindTime, false},
		store.AttrManaged:      {"g.managed", kindBool, false},
	},
	multis: map[string]multi{
		store.AttrMembers: {
			in: "g.id IN (SELECT m.group_id FROM scimkit_group_members m WHERE m.account_id = ?",
			subs: map[string]column{
				"value": {"m.user_id", kindString, false},
			},
		},
	},
}

// translator accumulates the arguments of the condition it builds.
type translator struct {
	d         dialect
	sch       schema
	accountID string
	args      []any
}

// where translates f (nil selects everything) into a condition and its
// arguments. An attribute, operator or value the store does not support is
// an error matching store.ErrInvalid.
func (d dialect) where(sch schema, accountID string, f store.Filter) (string, []any, error) {
	if f == nil {
		return "1 = 1", nil, nil
	}
	t := &translator{d: d, sch: sch, accountID: accountID}
	cond, err := t.filter(f, nil)
	if err != nil {
		return "", nil, err
	}
	return cond, t.args, nil
}

func invalid(format string, a ...any) error {
	return fmt.Errorf("sqlstore: filter: %s: %w", fmt.Sprintf(format, a...), store.ErrInvalid)
}

// filter translates f. Inside a value path, sub holds the sub-attributes
// its comparisons name.
func (t *translator) filter(f store.Filter, sub map[string]column) (string, error) {
	switch f := f.(type) {
	case store.Compare:
		return t.compare(f, sub)
	case *store.Compare:
		if f != nil {
			return t.compare(*f, sub)
		}
	case store.And:
		return t.list(f.Filters, " AND ", "1 = 1", sub)
	case *store.And:
		if f != nil {
			return t.list(f.Filters, " AND ", "1 = 1", sub)
		}
	case store.Or:
		return t.list(f.Filters, " OR ", "1 = 0", sub)
	case *store.Or:
		if f != nil {
			return t.list(f.Filters, " OR ", "1 = 0", sub)
		}
	case store.Not:
		return t.not(f, sub)
	case *store.Not:
		if f != nil {
			return t.not(*f, sub)
		}
	case store.ValuePath:
		return t.valuePath(f, sub)
	case *store.ValuePath:
		if f != nil {
			return t.valuePath(*f, sub)
		}
	}
	return "", invalid("unsupported filter %T", f)
}

func (t *translator) list(fs []store.Filter, sep, empty string, sub map[string]column) (string, error) {
	if len(fs) == 0 {
		return empty, nil
	}
	parts := make([]string, len(fs))
	for i, f := range fs {
		c, err := t.filter(f, sub)
		if err != nil {
			return "", err
		}
		parts[i] = "(" + c + ")"
	}
	return strings.Join(parts, sep), nil
}

func (t *translator) not(f store.Not, sub map[string]column) (string, error) {
	c, err := t.filter(f.Filter, sub)
	if err != nil {
		return "", err
	}
	// Every column is NOT NULL (absent strings are ''), so NOT is exact.
	return "NOT (" + c + ")", nil
}

func (t *translator) valuePath(f store.ValuePath, sub map[string]column) (string, error) {
	if sub != nil {
		return "", invalid("nested value path %q", f.Attr)
	}
	m, ok := t.sch.multis[f.Attr]
	if !ok {
		return "", invalid("%s attribute %q is not multi-valued", t.sch.resource, f.Attr)
	}
	in := m.in + t.bind(t.accountID)
	c, err := t.filter(f.Filter, m.subs)
	if err != nil {
		return "", err
	}
	return in + " AND (" + c + "))", nil
}

func (t *translator) arg(v any) string {
	t.args = append(t.args, v)
	return "?"
}

func (t *translator) compare(c store.Compare, sub map[string]column) (string, error) {
	if sub != nil {
		col, ok := sub[c.Attr]
		if !ok {
			return "", invalid("unknown sub-attribute %q", c.Attr)
		}
		return t.compareCol(c, col)
	}
	if col, ok := t.sch.cols[c.Attr]; ok {
		return t.compareCol(c, col)
	}
	// "emails" pr, "members" pr: a non-empty list.
	if m, ok := t.sch.multis[c.Attr]; ok {
		if c.Op != store.OpPr {
			return "", invalid("operator %q on multi-valued %q (use a value path)", c.Op, c.Attr)
		}
		return m.in + t.bind(t.accountID) + ")", nil
	}
	// "emails.value", "members.value": any one value matches.
	if parent, subName, ok := strings.Cut(c.Attr, "."); ok {
		if m, ok := t.sch.multis[parent]; ok {
			col, ok := m.subs[subName]
			if !ok {
				return "", invalid("unknown attribute %q", c.Attr)
			}
			in := m.in + t.bind(t.accountID)
			cond, err := t.compareCol(store.Compare{Attr: subName, Op: c.Op, Value: c.Value}, col)
			if err != nil {
				return "", err
			}
			return in + " AND (" + cond + "))", nil
		}
	}
	return "", invalid("unknown %s attribute %q", t.sch.resource, c.Attr)
}

func (t *translator) compareCol(c store.Compare, col column) (string, error) {
	switch col.kind {
	case kindString:
		return t.compareString(c, col)
	case kindBool:
		return t.compareBool(c, col)
	case kindTime:
		return t.compareTime(c, col)
	}
	return "", invalid("attribute %q", c.Attr)
}

var sqlOps = map[store.Op]string{
	store.OpEq: "=", store.OpNe: "<>", store.OpGt: ">", store.OpGe: ">=", store.OpLt: "<", store.OpLe: "<=",
}

func (t *translator) compareString(c store.Compare, col column) (string, error) {
	if c.Op == store.OpPr {
		return col.expr + " <> ''", nil
	}
	v, ok := c.Value.(string)
	if st, isState := c.Value.(store.UserState); isState && c.Attr == store.AttrState {
		v, ok = string(st), true
	}
	if !ok {
		return "", invalid("attribute %q compares strings, not %T", c.Attr, c.Value)
	}
	if col.fold {
		v = store.Fold(v)
	}
	switch c.Op {
	case store.OpCo:
		return col.expr + " " + t.d.matchOp() + t.bind(t.d.pattern(v, true, true)), nil
	case store.OpSw:
		return col.expr + " " + t.d.matchOp() + t.bind(t.d.pattern(v, false, true)), nil
	case store.OpEw:
		return col.expr + " " + t.d.matchOp() + t.bind(t.d.pattern(v, true, false)), nil
	}
	if op, ok := sqlOps[c.Op]; ok {
		return col.expr + " " + op + " " + t.arg(v), nil
	}
	return "", invalid("unknown operator %q", c.Op)
}

// bind adds the argument of a '?' that the SQL text already contains (in
// matchOp, or in multi.in) and returns "".
func (t *translator) bind(v string) string {
	t.args = append(t.args, v)
	return ""
}

func (t *translator) compareBool(c store.Compare, col column) (string, error) {
	if c.Op == store.OpPr {
		return "1 = 1", nil // booleans are always present
	}
	if c.Op != store.OpEq && c.Op != store.OpNe {
		return "", invalid("operator %q on boolean %q", c.Op, c.Attr)
	}
	v, ok := c.Value.(bool)
	if !ok {
		return "", invalid("attribute %q compares booleans, not %T", c.Attr, c.Value)
	}
	if c.Op == store.OpNe {
		v = !v
	}
	if c.Attr == store.AttrActive {
		// active is every state but suspended.
		if v {
			return col.expr + " <> " + t.arg(string(store.StateSuspended)), nil
		}
		return col.expr + " = " + t.arg(string(store.StateSuspended)), nil
	}
	return col.expr + " = " + t.arg(v), nil
}

func (t *translator) compareTime(c store.Compare, col column) (string, error) {
	if c.Op == store.OpPr {
		return "1 = 1", nil // created and lastModified are always set
	}
	op, ok := sqlOps[c.Op]
	if !ok {
		return "", invalid("operator %q on time %q", c.Op, c.Attr)
	}
	v, ok := c.Value.(time.Time)
	if !ok {
		return "", invalid("attribute %q compares times, not %T", c.Attr, c.Value)
	}
	return col.expr + " " + op + " " + t.arg(toNanos(v)), nil
}
