package linking_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/store"
)

// The setup calls record the admin member who made them as the actor of
// their events; the host's own writes (no actor in the context) are the
// host's.
func TestFeedActorOfSetupCalls(t *testing.T) {
	e := newEnv(t) // SetAllowedDomains and EnableProvisioning by owner
	evs, err := e.st.Events(e.ctx, acct, 0, 100)
	require.NoError(t, err)
	var kinds []store.EventType
	for _, ev := range evs {
		kinds = append(kinds, ev.Type)
		assert.Equal(t, store.Actor{Kind: store.ActorAdmin, ID: owner.ID}, ev.Actor, "event %s", ev)
	}
	assert.Equal(t, []store.EventType{store.AccountCreated, store.AccountUpdated, store.AccountUpdated, store.TokenMinted}, kinds)

	e.hostUser(t, "host@acme.com", "host@acme.com")
	more, err := e.st.Events(e.ctx, acct, evs[len(evs)-1].Seq, 100)
	require.NoError(t, err)
	require.Len(t, more, 1)
	assert.Equal(t, store.Actor{Kind: store.ActorHost}, more[0].Actor)
}
