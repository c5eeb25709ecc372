package feed_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/feed"
	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/memstore"
)

// The test vector the Standard Webhooks reference libraries sign with.
const (
	vectorSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vectorID        = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vectorTimestamp = 1614265330
	vectorBody      = `{"test": 2432232314}`
	vectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func TestSignTestVector(t *testing.T) {
	key, err := feed.ParseSecret(vectorSecret)
	require.NoError(t, err)
	assert.Equal(t, vectorSignature, feed.Sign(key, vectorID, time.Unix(vectorTimestamp, 0), []byte(vectorBody)))

	h := http.Header{}
	h.Set(feed.HeaderID, vectorID)
	h.Set(feed.HeaderTimestamp, "1614265330")
	h.Set(feed.HeaderSignature, "v1,bm9wZQ== "+vectorSignature) // several signatures: one must match
	at := time.Unix(vectorTimestamp, 0)
	require.NoError(t, feed.Verify(vectorSecret, h, []byte(vectorBody), at.Add(time.Minute), 5*time.Minute))
	assert.ErrorIs(t, feed.Verify(vectorSecret, h, []byte(vectorBody+" "), at, 5*time.Minute), feed.ErrBadSignature, "another body")
	assert.ErrorIs(t, feed.Verify(vectorSecret, h, []byte(vectorBody), at.Add(6*time.Minute), 5*time.Minute), feed.ErrBadSignature, "too old")
	assert.ErrorIs(t, feed.Verify(vectorSecret, h, []byte(vectorBody), at.Add(-6*time.Minute), 5*time.Minute), feed.ErrBadSignature, "too new")
	assert.ErrorIs(t, feed.Verify(feed.NewSecret(), h, []byte(vectorBody), at, 5*time.Minute), feed.ErrBadSignature, "another secret")
	h.Del(feed.HeaderID)
	assert.ErrorIs(t, feed.Verify(vectorSecret, h, []byte(vectorBody), at, 5*time.Minute), feed.ErrBadSignature, "no id")

	for _, bad := range []string{"", "whsec_", "whsec_not base64!"} {
		_, err := feed.ParseSecret(bad)
		assert.Error(t, err, "%q", bad)
	}
	_, err = feed.NewWebhook("ftp://example.com", feed.NewSecret())
	assert.Error(t, err)
	_, err = feed.NewWebhook("/relative", feed.NewSecret())
	assert.Error(t, err)
}

// receiver is a webhook endpoint that verifies every delivery and records
// the events it accepted.
type receiver struct {
	secret string
	mu     sync.Mutex
	got    []store.Event
	bad    int
	status func(n int) int // the answer to the nth delivery (from 1)
	n      int
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.n++
	if err := feed.Verify(rc.secret, r.Header, body, time.Now(), 5*time.Minute); err != nil || r.Method != http.MethodPost ||
		r.Header.Get("Content-Type") != "application/json" {
		rc.bad++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if rc.status != nil {
		if code := rc.status(rc.n); code != 0 {
			w.WriteHeader(code)
			return
		}
	}
	var e store.Event
	if err := json.Unmarshal(body, &e); err != nil || e.ID != r.Header.Get(feed.HeaderID) {
		rc.bad++
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	rc.got = append(rc.got, e)
	w.WriteHeader(http.StatusNoContent)
}

func (rc *receiver) events() []store.Event {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]store.Event(nil), rc.got...)
}

func TestWebhookDeliversSignedEvents(t *testing.T) {
	st := memstore.New()
	newAccounts(t, st, 3, "a")
	rc := &receiver{secret: feed.NewSecret(), status: func(n int) int {
		if n%3 == 2 {
			return http.StatusServiceUnavailable // every third delivery fails once
		}
		return 0
	}}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	wh, err := feed.NewWebhook(srv.URL, rc.secret)
	require.NoError(t, err)
	start(t, st, "webhook", wh.Handle)
	eventually(t, "every event", func() bool { return len(rc.events()) == 4 })
	evs := rc.events()
	stored, err := st.Events(t.Context(), "a", 0, 10)
	require.NoError(t, err)
	for i, e := range evs {
		assert.Equal(t, int64(i+1), e.Seq)
		assert.Equal(t, stored[i].ID, e.ID)
		assert.Equal(t, stored[i].Type, e.Type)
		assert.Equal(t, "a", e.AccountID)
	}
	assert.Equal(t, store.AccountCreated, evs[0].Type)
	require.NotNil(t, evs[1].Data.User)
	assert.Equal(t, "u0@example.com", evs[1].Data.User.UserName)
	assert.Zero(t, rc.bad, "every delivery's signature verifies")
}

func TestWebhookErrors(t *testing.T) {
	secret := feed.NewSecret()
	e := store.Event{ID: "e1", AccountID: "a", Seq: 1, Type: store.UserCreated}

	teapot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) }))
	defer teapot.Close()
	wh, err := feed.NewWebhook(teapot.URL, secret)
	require.NoError(t, err)
	var se *feed.StatusError
	require.ErrorAs(t, wh.Handle(t.Context(), e), &se)
	assert.Equal(t, http.StatusTeapot, se.Status)

	redirect := httptest.NewServer(http.RedirectHandler("http://127.0.0.1:1/elsewhere", http.StatusFound))
	defer redirect.Close()
	wh, err = feed.NewWebhook(redirect.URL, secret)
	require.NoError(t, err)
	require.ErrorAs(t, wh.Handle(t.Context(), e), &se, "a redirect is not followed and not an acknowledgement")

	hang := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-hang }))
	defer slow.Close()
	defer close(hang)
	wh, err = feed.NewWebhook(slow.URL, secret, feed.WithHTTPClient(&http.Client{Timeout: 50 * time.Millisecond}))
	require.NoError(t, err)
	begin := time.Now()
	err = wh.Handle(context.Background(), e)
	require.Error(t, err)
	assert.Less(t, time.Since(begin), 5*time.Second, "every delivery has a timeout")
	assert.False(t, errors.As(err, &se))
}
