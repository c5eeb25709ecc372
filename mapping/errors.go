package mapping

import (
	"strconv"
	"strings"
)

// RowError is a structural problem of one row (or, with Row -1, of the
// table as a whole) found by New. New returns every problem it finds,
// joined with errors.Join; find them with errors.As.
type RowError struct {
	// Row is the index of the row in Table.Rows, or -1 for a problem of
	// the whole table (a missing required field, a bad extension).
	Row int
	// SCIM and Field are the row's SCIM path and host field as written.
	SCIM  string
	Field string
	// Problem says what is wrong.
	Problem string
}

func (e *RowError) Error() string {
	if e.Row < 0 {
		return "mapping: table: " + e.Problem
	}
	return "mapping: row " + strconv.Itoa(e.Row) + " (" + strconv.Quote(e.SCIM) + " -> " +
		strconv.Quote(e.Field) + "): " + e.Problem
}

// FieldError is one bad value found by ToUser.
type FieldError struct {
	// SCIM is the attribute path as the table names it (canonical
	// spelling), for example `emails[type eq "work"].value`.
	SCIM string
	// Field is the host field the value was for.
	Field string
	// Problem says what is wrong with the value, in words an IdP admin
	// can act on: `"not-an-email" is not an email address`.
	Problem string
}

// Error returns SCIM + ": " + Problem.
func (e FieldError) Error() string { return e.SCIM + ": " + e.Problem }

// Errors is the error ToUser returns for bad values: every problem found,
// in row order. The SCIM layer answers it with a 400 invalidValue whose
// detail is Error().
type Errors struct {
	Fields []FieldError
}

// Error lists the problems, separated by "; ", each as FieldError.Error
// does. It contains no internal text and is meant to be shown to the IdP.
func (e *Errors) Error() string {
	switch len(e.Fields) {
	case 0:
		return "invalid attributes"
	case 1:
		return e.Fields[0].Error()
	}
	var b strings.Builder
	for i, f := range e.Fields {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f.Error())
	}
	return b.String()
}

// Unwrap returns the problems as errors (FieldError values), so that
// errors.As finds a FieldError.
func (e *Errors) Unwrap() []error {
	out := make([]error, len(e.Fields))
	for i, f := range e.Fields {
		out[i] = f
	}
	return out
}

// describe renders a JSON value for an error message, without fmt.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(v)
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(v), 'g', -1, 32)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case interface{ String() string }: // json.Number
		return v.String()
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	}
	return "a value of an unsupported type"
}
