package scimpatch

import (
	"fmt"
	"net/http"
)

// The scimType values of RFC 7644 section 3.12 that this package returns.
const (
	ScimTypeInvalidPath   = "invalidPath"
	ScimTypeNoTarget      = "noTarget"
	ScimTypeInvalidValue  = "invalidValue"
	ScimTypeMutability    = "mutability"
	ScimTypeInvalidSyntax = "invalidSyntax"
	ScimTypeInvalidFilter = "invalidFilter"
)

// Error is a PATCH operation that cannot be applied. It carries what the
// SCIM error response needs: the HTTP status (400), the RFC 7644 scimType
// and a detail an administrator can act on. Functions of this package return
// it as a *Error; find it with errors.As.
type Error struct {
	// Status is the HTTP status code, http.StatusBadRequest.
	Status int
	// ScimType is one of the ScimType* constants.
	ScimType string
	// Detail says what is wrong and, where possible, what to do instead.
	Detail string
}

// Error returns the scimType and the detail.
func (e *Error) Error() string { return "scimpatch: " + e.ScimType + ": " + e.Detail }

func newError(scimType, format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, ScimType: scimType, Detail: fmt.Sprintf(format, args...)}
}
