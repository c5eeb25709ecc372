package scimfilter_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/scim2/filter-parser/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/scim/internal/scimfilter"
	"github.com/scimkit/scimkit/store"
)

func path(name string) filter.AttributePath { return filter.AttributePath{AttributeName: name} }

func subPath(name, sub string) filter.AttributePath {
	return filter.AttributePath{AttributeName: name, SubAttribute: &sub}
}

func uriPath(uri, name string) filter.AttributePath {
	return filter.AttributePath{URIPrefix: &uri, AttributeName: name}
}

func attrExp(p filter.AttributePath, op filter.CompareOperator, v any) *filter.AttributeExpression {
	return &filter.AttributeExpression{AttributePath: p, Operator: op, CompareValue: v}
}

// TestFromExpressionTrees feeds hand-built trees, including shapes the
// filter-parser itself never produces, such as right-leaning chains and
// upper-case operators.
func TestFromExpressionTrees(t *testing.T) {
	a := attrExp(path("userName"), filter.EQ, "a")
	b := attrExp(path("externalId"), filter.EQ, "b")
	c := attrExp(path("id"), filter.EQ, "c")
	ca, cb, cc := cmp(store.AttrUserName, store.OpEq, "a"), cmp(store.AttrExternalID, store.OpEq, "b"), cmp(store.AttrID, store.OpEq, "c")
	tests := []struct {
		name string
		e    filter.Expression
		want store.Filter
	}{
		{"right-leaning and chain", &filter.LogicalExpression{Operator: filter.AND, Left: a,
			Right: &filter.LogicalExpression{Operator: filter.AND, Left: b, Right: c}}, and(ca, cb, cc)},
		{"upper-case logical operator", &filter.LogicalExpression{Operator: "OR", Left: a,
			Right: &filter.LogicalExpression{Operator: "or", Left: b, Right: c}}, or(ca, cb, cc)},
		{"mixed chain is not flattened", &filter.LogicalExpression{Operator: filter.AND, Left: a,
			Right: &filter.LogicalExpression{Operator: filter.OR, Left: b, Right: c}}, and(ca, or(cb, cc))},
		{"upper-case compare operator", attrExp(path("userName"), "EQ", "a"), ca},
		{"enterprise URI", attrExp(uriPath(store.EnterpriseURN, "department"), filter.EQ, "Eng"),
			cmp(store.AttrDepartment, store.OpEq, "Eng")},
		{"pr ignores a value", attrExp(path("userName"), filter.PR, "ignored"), cmp(store.AttrUserName, store.OpPr, nil)},
		{"escaped value", attrExp(path("userName"), filter.EQ, `a\"b`), cmp(store.AttrUserName, store.OpEq, `a"b`)},
		{"value path with sub-attribute comparison", &filter.ValuePath{AttributePath: path("emails"),
			ValueFilter: &filter.LogicalExpression{Operator: filter.AND,
				Left:  attrExp(path("type"), filter.EQ, "work"),
				Right: attrExp(path("value"), filter.EQ, "x")}},
			store.ValuePath{Attr: store.AttrEmails, Filter: and(cmp("type", store.OpEq, "work"), cmp("value", store.OpEq, "x"))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := scimfilter.FromExpression(tt.e, scimfilter.Users)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestFromExpressionErrors(t *testing.T) {
	tests := []struct {
		name   string
		e      filter.Expression
		detail string
	}{
		{"nil", nil, "empty or unknown expression"},
		{"typed nil attribute expression", (*filter.AttributeExpression)(nil), "empty or unknown expression"},
		{"typed nil logical", (*filter.LogicalExpression)(nil), "empty or unknown expression"},
		{"typed nil not", (*filter.NotExpression)(nil), "empty or unknown expression"},
		{"typed nil value path", (*filter.ValuePath)(nil), "empty or unknown expression"},
		{"nil inside not", &filter.NotExpression{}, "empty or unknown expression"},
		{"nil value filter", &filter.ValuePath{AttributePath: path("emails")}, "empty or unknown expression"},
		{"nil operand", &filter.LogicalExpression{Operator: filter.AND, Left: attrExp(path("id"), filter.EQ, "x")}, "empty or unknown expression"},
		{"unknown logical operator", &filter.LogicalExpression{Operator: "xor",
			Left: attrExp(path("id"), filter.EQ, "x"), Right: attrExp(path("id"), filter.EQ, "y")}, `"xor" is not a logical operator`},
		{"unknown compare operator", attrExp(path("id"), "in", "x"), `"in" is not a SCIM comparison operator`},
		{"json.Number", attrExp(path("userName"), filter.EQ, json.Number("12")), "got 12"},
		{"other value type", attrExp(path("userName"), filter.EQ, []string{"x"}), "got a value of an unsupported type"},
		{"malformed escape", attrExp(path("userName"), filter.EQ, `a\x`), "not valid UTF-8 text"},
		{"nested value path", &filter.ValuePath{AttributePath: path("emails"),
			ValueFilter: &filter.ValuePath{AttributePath: path("value"), ValueFilter: attrExp(path("x"), filter.EQ, "y")}},
			"value paths cannot be nested"},
		{"URI inside value path", &filter.ValuePath{AttributePath: path("emails"),
			ValueFilter: attrExp(uriPath(store.EnterpriseURN, "value"), filter.EQ, "y")}, "inside emails[...]"},
		{"sub-attribute inside value path", &filter.ValuePath{AttributePath: path("emails"),
			ValueFilter: attrExp(subPath("value", "x"), filter.EQ, "y")}, `"emails.value.x" is not supported`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := scimfilter.FromExpression(tt.e, scimfilter.Users)
			assert.Nil(t, got)
			var fe *scimfilter.Error
			require.True(t, errors.As(err, &fe), "want a *scimfilter.Error, got %T %v", err, err)
			assert.Contains(t, fe.Detail, tt.detail)
		})
	}
	_, err := scimfilter.FromExpression(attrExp(path("id"), filter.EQ, "x"), 0)
	assert.EqualError(t, err, "scimfilter: filtering Kind(0) resources is not supported")
}

func TestKindString(t *testing.T) {
	assert.Equal(t, "User", scimfilter.Users.String())
	assert.Equal(t, "Group", scimfilter.Groups.String())
	assert.Equal(t, "Kind(7)", scimfilter.Kind(7).String())
}
