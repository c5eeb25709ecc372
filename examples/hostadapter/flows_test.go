package hostadapter_test

import (
	"path/filepath"
	"testing"

	"github.com/scimkit/scimkit/scim/scimtest"
)

// TestGoldenFlows replays every recorded Okta and Entra ID conversation
// (testdata/{okta,entra,generic}/flows, as the scim package and sqlstore replay
// them) through the SCIM handler on the adapter: the host's own tables
// under the IdPs' real request shapes.
func TestGoldenFlows(t *testing.T) {
	scimtest.ReplayFlows(t, filepath.Join("..", "..", "testdata"), func(t *testing.T, idp string) (string, string) {
		return scimtest.Serve(t, open(t, fresh(t)), idp)
	})
}
