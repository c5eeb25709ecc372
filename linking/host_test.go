package linking_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/store"
)

// lastEvents returns the account's events after seq.
func (e *env) eventsAfter(t *testing.T, seq int64) []store.Event {
	t.Helper()
	evs, err := e.st.Events(e.ctx, acct, seq, 1000)
	require.NoError(t, err)
	return evs
}

func (e *env) lastSeq(t *testing.T) int64 {
	t.Helper()
	evs := e.eventsAfter(t, 0)
	if len(evs) == 0 {
		return 0
	}
	return evs[len(evs)-1].Seq
}

func types(evs []store.Event) []store.EventType {
	var out []store.EventType
	for _, ev := range evs {
		out = append(out, ev.Type)
	}
	return out
}

// TestHostChangesAppendHostEvents: the host's own suspend, reactivate,
// email change and delete go through linking, keep the rules and appear
// in the feed with the host as actor, also while provisioning is off.
func TestHostChangesAppendHostEvents(t *testing.T) {
	e := newEnv(t)
	u := e.hostUser(t, "hal", "hal@acme.com")
	other := e.hostUser(t, "ida", "ida@acme.com")
	require.NoError(t, e.svc.DisableProvisioning(e.ctx, acct, owner))
	seq := e.lastSeq(t)

	got, err := e.svc.SuspendMember(e.ctx, acct, u.ID)
	require.NoError(t, err)
	assert.Equal(t, store.StateSuspended, got.State)
	_, err = e.svc.SuspendMember(e.ctx, acct, u.ID)
	require.NoError(t, err, "suspending twice is harmless")
	got, err = e.svc.ReactivateMember(e.ctx, acct, u.ID)
	require.NoError(t, err)
	assert.Equal(t, store.StateActive, got.State, "an existing member comes back active")

	_, err = e.svc.ChangeEmail(e.ctx, acct, u.ID, "hal@gmail.com")
	assert.ErrorIs(t, err, linking.ErrPublicDomain)
	_, err = e.svc.ChangeEmail(e.ctx, acct, u.ID, "hal@elsewhere.com")
	assert.ErrorIs(t, err, linking.ErrDomainNotAllowed)
	_, err = e.svc.ChangeEmail(e.ctx, acct, u.ID, "IDA@acme.com")
	assert.ErrorIs(t, err, linking.ErrEmailTaken)
	got, err = e.svc.ChangeEmail(e.ctx, acct, u.ID, " hal.new@acme.org ")
	require.NoError(t, err)
	assert.Equal(t, "hal.new@acme.org", got.PrimaryEmail())
	_, err = e.svc.ChangeEmail(e.ctx, acct, u.ID, "HAL.new@acme.org")
	require.NoError(t, err, "the same email in another case changes nothing")

	require.NoError(t, e.svc.DeleteMember(e.ctx, acct, other.ID))
	assert.ErrorIs(t, e.svc.DeleteMember(e.ctx, acct, other.ID), store.ErrNotFound)
	_, err = e.svc.SuspendMember(e.ctx, acct, other.ID)
	assert.ErrorIs(t, err, store.ErrNotFound)

	evs := e.eventsAfter(t, seq)
	assert.Equal(t, []store.EventType{store.UserSuspended, store.UserReactivated, store.UserUpdated, store.UserDeleted}, types(evs),
		"one event per real change; refused and no-op changes append nothing")
	for _, ev := range evs {
		assert.Equal(t, store.ActorHost, ev.Actor.Kind, "%s", ev.Type)
	}
	assert.Contains(t, evs[2].Data.Changed, store.AttrEmails)
}

func TestImportUsers(t *testing.T) {
	e := newEnv(t)
	existing := e.hostUser(t, "kim", "Kim@Acme.com")
	batch := []store.User{
		{UserName: "kim", Emails: []store.Email{{Value: "kim@acme.com", Primary: true}}, DisplayName: "Kim K"},
		{Emails: []store.Email{{Value: "lee@acme.com", Type: "work", Primary: true}}, DisplayName: "Lee"},
		{UserName: "max@gmail.com", DisplayName: "Max", State: store.StateSuspended},
		{UserName: "bad", State: "deleted"},
	}
	res, err := e.svc.ImportUsers(e.ctx, acct, batch)
	require.NoError(t, err)
	require.Len(t, res, 4)
	assert.Equal(t, linking.ImportUpdated, res[0].Outcome, "matched by email, case-insensitively")
	assert.Equal(t, existing.ID, res[0].ID)
	assert.Equal(t, linking.ImportCreated, res[1].Outcome)
	assert.Equal(t, linking.ImportCreated, res[2].Outcome, "the host's own members are not domain-checked")
	assert.Equal(t, linking.ImportFailed, res[3].Outcome)
	assert.ErrorIs(t, res[3].Err, store.ErrInvalid)

	lee, err := e.st.GetUser(e.ctx, acct, res[1].ID)
	require.NoError(t, err)
	assert.Equal(t, "lee@acme.com", lee.UserName, "the email is the userName when none is given")
	assert.Equal(t, store.StateActive, lee.State)
	assert.False(t, lee.Linked, "an existing member, not the IdP's")
	assert.True(t, lee.InvitedAt.IsZero(), "not invited")
	max, err := e.st.GetUser(e.ctx, acct, res[2].ID)
	require.NoError(t, err)
	assert.Equal(t, store.StateSuspended, max.State)

	// Idempotent: the same import again writes nothing.
	seq := e.lastSeq(t)
	again, err := e.svc.ImportUsers(e.ctx, acct, batch[:3])
	require.NoError(t, err)
	for i, r := range again {
		assert.Equal(t, linking.ImportUnchanged, r.Outcome, "user %d", i)
		assert.Equal(t, res[i].ID, r.ID)
	}
	assert.Empty(t, e.eventsAfter(t, seq), "no write, no event")

	// By the store id the host kept; the host's values win.
	res, err = e.svc.ImportUsers(e.ctx, acct, []store.User{
		{ID: lee.ID, DisplayName: "Lee Renamed"},
		{ID: "no-such-id", UserName: "ghost"},
	})
	require.NoError(t, err)
	assert.Equal(t, linking.ImportUpdated, res[0].Outcome)
	assert.ErrorIs(t, res[1].Err, store.ErrNotFound)
	evs := e.eventsAfter(t, seq)
	require.Len(t, evs, 1)
	assert.Equal(t, store.UserUpdated, evs[0].Type)
	assert.Equal(t, store.ActorHost, evs[0].Actor.Kind)

	// The IdP then links the imported member by email instead of inviting.
	u, out, err := e.svc.ProvisionUserID(e.ctx, acct, idpUser("lee@acme.com", "lee@acme.com", "00u-lee"))
	require.NoError(t, err)
	assert.Equal(t, linking.OutcomeLinked, out)
	assert.Equal(t, lee.ID, u.ID)

	_, err = e.svc.ImportUsers(e.ctx, "no-such-account", batch)
	assert.ErrorIs(t, err, store.ErrNotFound)
}
