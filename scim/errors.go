package scim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/mapping"
	"github.com/scimkit/scimkit/scim/internal/scimfilter"
	"github.com/scimkit/scimkit/scim/internal/scimpatch"
	"github.com/scimkit/scimkit/store"
)

// apiError is a SCIM error answer (RFC 7644 section 3.12). Every error the
// handler sends is one: status, scimType where the RFC defines one, and a
// detail an admin can act on. Internal error text never goes into Detail.
type apiError struct {
	Status   int
	ScimType string
	Detail   string

	retryAfter int  // seconds, for 429
	hold       bool // an address over its failure budget: answer late (auth.go)
}

func (e *apiError) Error() string {
	if e.ScimType != "" {
		return fmt.Sprintf("scim %d (%s): %s", e.Status, e.ScimType, e.Detail)
	}
	return fmt.Sprintf("scim %d: %s", e.Status, e.Detail)
}

const errorSchema = "urn:ietf:params:scim:api:messages:2.0:Error"

// MarshalJSON writes the SCIM error body, with status as a string.
func (e *apiError) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Schemas  []string `json:"schemas"`
		ScimType string   `json:"scimType,omitempty"`
		Detail   string   `json:"detail,omitempty"`
		Status   string   `json:"status"`
	}{[]string{errorSchema}, e.ScimType, e.Detail, strconv.Itoa(e.Status)})
}

func writeError(w http.ResponseWriter, e *apiError) {
	if rec, ok := w.(*recorder); ok {
		rec.err = e
	}
	body, _ := json.Marshal(e) // cannot fail: strings and ints only
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "no-store")
	if e.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.retryAfter))
	}
	w.WriteHeader(e.Status)
	_, _ = w.Write(body)
}

func errBadRequest(scimType, detail string) *apiError {
	return &apiError{Status: http.StatusBadRequest, ScimType: scimType, Detail: detail}
}

// translate turns any error from the layers below into a SCIM error,
// logging what the client must not see. what names the resource for
// not-found answers, e.g. `User "42"`.
func (h *Handler) translate(ctx context.Context, err error, what string) *apiError {
	var (
		se  *apiError
		le  *linking.Error
		pe  *scimpatch.Error
		fe  *scimfilter.Error
		me  *mapping.Errors
		ce  *store.ConflictError
		mbe *store.MemberError
		ie  *store.InvalidError
	)
	switch {
	case errors.As(err, &se):
		return se
	case errors.As(err, &le):
		return linkingError(le)
	case errors.As(err, &pe):
		return patchError(pe)
	case errors.As(err, &fe):
		return errBadRequest("invalidFilter", fe.Detail)
	case errors.As(err, &me):
		return errBadRequest("invalidValue", me.Error())
	case errors.As(err, &ce):
		return &apiError{Status: http.StatusConflict, ScimType: "uniqueness",
			Detail: fmt.Sprintf("%s %q is already in use in this account; use a different value, or update the existing resource instead", ce.Attribute, ce.Value)}
	case errors.Is(err, store.ErrConflict):
		return &apiError{Status: http.StatusConflict, ScimType: "uniqueness", Detail: "a unique attribute value is already in use in this account"}
	case errors.As(err, &mbe):
		return errBadRequest("invalidValue", fmt.Sprintf("members %q are not users of this account; only users can be members (nested groups are not supported)", mbe.IDs))
	case errors.Is(err, store.ErrUnknownMember):
		return errBadRequest("invalidValue", "a member is not a user of this account; only users can be members (nested groups are not supported)")
	case errors.Is(err, store.ErrNotFound):
		return &apiError{Status: http.StatusNotFound, Detail: what + " not found"}
	case errors.Is(err, store.ErrVersionMismatch):
		return &apiError{Status: http.StatusPreconditionFailed, Detail: what + " was changed by another request; read it again and retry"}
	case errors.Is(err, store.ErrContention):
		h.log.WarnContext(ctx, "scim: gave up an update under contention", slog.String("error", err.Error()))
		return &apiError{Status: http.StatusServiceUnavailable, Detail: what + " is being changed by many requests at once; retry it", retryAfter: 1}
	case errors.As(err, &ie):
		return errBadRequest("invalidValue", ie.Attribute+" "+ie.Reason)
	case errors.Is(err, store.ErrInvalid):
		h.log.InfoContext(ctx, "scim: store refused a value", slog.String("error", err.Error()))
		return errBadRequest("invalidValue", "a value was refused: userName and group displayName must not be empty, and filters may only use supported attributes")
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return &apiError{Status: http.StatusServiceUnavailable, Detail: "the request was cancelled before it completed; retry it"}
	}
	h.log.ErrorContext(ctx, "scim: internal error", slog.String("error", err.Error()))
	return &apiError{Status: http.StatusInternalServerError, Detail: "internal server error; the service logged the cause, retry later"}
}

func linkingError(le *linking.Error) *apiError {
	e := &apiError{Status: http.StatusBadRequest, ScimType: "invalidValue", Detail: le.Detail}
	switch {
	case errors.Is(le, linking.ErrLinkedElsewhere), errors.Is(le, linking.ErrAmbiguousEmail), errors.Is(le, linking.ErrEmailTaken):
		e.Status, e.ScimType = http.StatusConflict, "uniqueness"
	case errors.Is(le, linking.ErrGroupNotManaged), errors.Is(le, linking.ErrGroupPrivileged):
		e.Status, e.ScimType = http.StatusForbidden, ""
	case errors.Is(le, linking.ErrProvisioningOff), errors.Is(le, linking.ErrNotAuthorized):
		e.Status, e.ScimType = http.StatusForbidden, ""
	}
	return e
}

// patchError is the SCIM error of a refused request body, naming the
// operation at fault.
func patchError(pe *scimpatch.Error) *apiError {
	return &apiError{Status: pe.Status, ScimType: pe.ScimType, Detail: pe.Message()}
}
