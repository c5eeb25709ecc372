package scimpatch

import (
	"fmt"
	"net/http"
	"strconv"
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
	// Op is the number (from 1) of the PATCH operation at fault, 0 when
	// the error is not about one operation.
	Op int
}

// Error returns the scimType and the message.
func (e *Error) Error() string { return "scimpatch: " + e.ScimType + ": " + e.Message() }

// Message is the detail an administrator reads, naming the operation at
// fault: `operation 2: "shoeSize" is not an attribute of the User
// resource`.
func (e *Error) Message() string {
	if e.Op == 0 {
		return e.Detail
	}
	return "operation " + strconv.Itoa(e.Op) + ": " + e.Detail
}

// inOp records that e is about operation i (from 0).
func inOp(e *Error, i int) *Error {
	if e.Op == 0 {
		e.Op = i + 1
	}
	return e
}

func newError(scimType, format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, ScimType: scimType, Detail: fmt.Sprintf(format, args...)}
}
