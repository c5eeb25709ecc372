package scim

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/scimkit/scimkit/store"
)

// PolicyCheck is what a Policy decides on: a user the IdP is about to
// create (Before nil) or change (Before the stored user), as it would be
// stored (After: mapped, not yet written).
type PolicyCheck struct {
	AccountID string
	// Before is the stored user on an update (PUT or PATCH); nil on a
	// create.
	Before *store.User
	// After is the user as the request would store it.
	After store.User
}

// PolicyError is a host's refusal of a create or an update (a seat limit,
// a forbidden attribute value). The IdP gets a SCIM error with Status
// (403 when zero; any other value must be a 4xx, else 403 is used) and
// Detail, which must be a sentence the IdP's admin can act on: it is sent
// as is.
type PolicyError struct {
	Status int
	Detail string
}

// Error returns Detail.
func (e *PolicyError) Error() string { return e.Detail }

// Policy is a host's rule for creates and updates of users, called before
// anything is stored: a nil error lets the request proceed; a
// *PolicyError (found with errors.As) refuses it with a 4xx SCIM error and
// nothing is stored. Any other error is a failure of the policy itself:
// the IdP gets a 500 without its text, which the handler logs. On an
// update the policy may be called more than once (a write that lost a race
// is retried with the newer stored user). It runs on the request's
// goroutine: keep it fast.
type Policy func(ctx context.Context, c PolicyCheck) error

// WithPolicy adds a policy; each call adds one more, checked in order
// until one refuses. A nil p is ignored. See PolicyError.
func WithPolicy(p Policy) Option {
	return func(c *config) {
		if p != nil {
			c.policies = append(c.policies, p)
		}
	}
}

// checkPolicies runs the host's policies; the error is an *apiError.
func (h *Handler) checkPolicies(ctx context.Context, c PolicyCheck) *apiError {
	for _, p := range h.policies {
		err := p(ctx, c)
		if err == nil {
			continue
		}
		var pe *PolicyError
		if errors.As(err, &pe) {
			status := pe.Status
			if status < 400 || status > 499 {
				status = http.StatusForbidden
			}
			detail := pe.Detail
			if detail == "" {
				detail = "refused by the service provider's policy"
			}
			return &apiError{Status: status, Detail: detail}
		}
		h.log.ErrorContext(ctx, "scim: policy failed", slog.String("account", c.AccountID), slog.Any("error", err))
		return &apiError{Status: http.StatusInternalServerError, Detail: "internal server error; the service logged the cause, retry later"}
	}
	return nil
}
