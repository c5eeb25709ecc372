package scim_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/scim"
)

// A policy refusing an update: the host's status and detail, nothing
// stored; a policy failing with a plain error: a 500 without its text.
func TestPolicyOnUpdate(t *testing.T) {
	forbidden := func(_ context.Context, c scim.PolicyCheck) error {
		if c.Before != nil && c.After.Title == "CEO" {
			return &scim.PolicyError{Status: http.StatusUnprocessableEntity, Detail: "the title CEO is reserved; choose another title"}
		}
		if c.After.Title == "boom" {
			return errors.New("policy database down: secret internals")
		}
		return nil
	}
	e := newEnv(t, "entra", scim.WithPolicy(forbidden))
	id := createUser(t, e, "pol@example.com")
	before, err := e.st.GetUser(context.Background(), testAccount, id)
	require.NoError(t, err)

	status, h, body := e.do(t, "PATCH", "/Users/"+id, patchOp+`{"op":"replace","path":"title","value":"CEO"}]}`)
	assert.Equal(t, http.StatusUnprocessableEntity, status, body)
	_, detail := scimError(t, status, h, body)
	assert.Equal(t, "the title CEO is reserved; choose another title", detail)
	status, _, body = e.do(t, "PATCH", "/Users/"+id, patchOp+`{"op":"replace","path":"title","value":"boom"}]}`)
	assert.Equal(t, http.StatusInternalServerError, status)
	assert.NotContains(t, body, "secret internals")

	after, err := e.st.GetUser(context.Background(), testAccount, id)
	require.NoError(t, err)
	assert.Equal(t, before.Version, after.Version, "nothing stored")
	assert.Equal(t, "", after.Title)

	status, _, body = e.do(t, "PATCH", "/Users/"+id, patchOp+`{"op":"replace","path":"title","value":"Engineer"}]}`)
	assert.Equal(t, http.StatusOK, status, body)
}
