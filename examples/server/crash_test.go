package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/feed"
	"github.com/scimkit/scimkit/internal/pgtest"
	"github.com/scimkit/scimkit/scim/scimtest"
	"github.com/scimkit/scimkit/store"
	"github.com/scimkit/scimkit/store/sqlstore"
)

// crashKills is how many times TestCrashRestart kills the server.
const crashKills = 20

// TestCrashRestart runs the example server as a separate process with
// -webhook to a receiver in this test, drives it with Okta's recorded group
// push (with its import) and then a stream of creates, renames,
// suspensions and group member PATCHes, and kills it with SIGKILL at
// random moments, crashKills times, restarting it each time. Then it
// checks what the change feed promises: every delivery's signature
// verifies; the receiver got the account's sequence 1..N with no gap, each
// number with the id the store holds (duplicates allowed); every
// acknowledged write has its event; every acknowledged invitee got its
// invite (the server's notifier logs each one). On SQLite and PostgreSQL.
func TestCrashRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the example server 2x20 times; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "server")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run(), "build the example server")

	t.Run("sqlite", func(t *testing.T) {
		crashRun(t, bin, "sqlite:"+filepath.Join(t.TempDir(), "scim.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		crashRun(t, bin, pgtest.Schema(t, "scimkit_crash_"))
	})
}

// receiver is the webhook endpoint: it verifies every delivery and keeps,
// per sequence number, the event id it got.
type receiver struct {
	secret string
	mu     sync.Mutex
	ids    map[int64]string // seq -> event id
	events map[int64]store.Event
	got    int // deliveries accepted, duplicates included
	bad    []string
	n      atomic.Int64
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	if err != nil {
		http.Error(w, "read", http.StatusBadRequest)
		return
	}
	if err := feed.Verify(r.secret, req.Header, body, time.Now(), 5*time.Minute); err != nil {
		r.mu.Lock()
		r.bad = append(r.bad, err.Error())
		r.mu.Unlock()
		http.Error(w, "signature", http.StatusUnauthorized)
		return
	}
	// Some deliveries fail, as receivers do, so retries are exercised.
	if r.n.Add(1)%97 == 0 {
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	}
	var e store.Event
	if err := json.Unmarshal(body, &e); err != nil {
		r.mu.Lock()
		r.bad = append(r.bad, "decode: "+err.Error())
		r.mu.Unlock()
		http.Error(w, "decode", http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if id, ok := r.ids[e.Seq]; ok && id != e.ID {
		r.bad = append(r.bad, fmt.Sprintf("seq %d delivered with ids %s and %s", e.Seq, id, e.ID))
	}
	if req.Header.Get(feed.HeaderID) != e.ID {
		r.bad = append(r.bad, fmt.Sprintf("seq %d: webhook-id %q is not the event id %q", e.Seq, req.Header.Get(feed.HeaderID), e.ID))
	}
	r.ids[e.Seq] = e.ID
	r.events[e.Seq] = e
	r.got++
	w.WriteHeader(http.StatusNoContent)
}

// acked are the writes the server acknowledged, with what their events
// must show.
type acked struct {
	mu        sync.Mutex
	created   map[string]bool   // user id -> created (invited)
	renamed   map[string]string // givenName -> user id
	suspended map[string]bool   // user id
	joined    map[string]string // user id -> group id
	groups    []string
	users     []string // created user ids, for picking targets
	active    []string // not yet suspended
}

// proc is one run of the server binary.
type proc struct {
	cmd    *exec.Cmd
	base   string
	exited chan struct{} // closed when the process has been waited for
}

func startProc(t *testing.T, bin string, args []string, env []string, out *syncBuffer) *proc {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"-addr", "127.0.0.1:0", "-rate", "0"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	require.NoError(t, cmd.Start())
	baseCh := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			_, _ = out.Write([]byte(line + "\n"))
			if v, ok := strings.CutPrefix(line, "SCIM base URL: "); ok && !sent {
				baseCh <- v
				sent = true
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); _ = pw.Close(); close(exited) }()
	select {
	case base := <-baseCh:
		return &proc{cmd: cmd, base: base, exited: exited}
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("server did not start:\n%s", out.String())
		return nil
	}
}

func (p *proc) kill() {
	_ = p.cmd.Process.Kill() // SIGKILL: no shutdown, no flush
	<-p.exited
}

func crashRun(t *testing.T, bin, dsn string) {
	secret := feed.NewSecret()
	rcv := &receiver{secret: secret, ids: map[int64]string{}, events: map[int64]store.Event{}}
	hook := httptest.NewServer(rcv)
	t.Cleanup(hook.Close)
	const token = "crash-test-token-0123456789abcdef0123456789abcdef"
	args := []string{"-store", dsn, "-webhook", hook.URL, "-allowed-domains", "example.com"}
	env := []string{"SCIM_TOKEN=" + token, "SCIM_WEBHOOK_SECRET=" + secret}
	out := &syncBuffer{}
	a := &acked{created: map[string]bool{}, renamed: map[string]string{}, suspended: map[string]bool{}, joined: map[string]string{}}
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewPCG(1, 2))

	var counter atomic.Int64
	for run := 0; run <= crashKills; run++ {
		p := startProc(t, bin, args, env, out)
		if run == 0 {
			// Okta's recorded group push (create, rename, member deltas,
			// push-now, import, delete) first.
			scimtest.Replay(t, p.base, token, filepath.Join("..", "..", "testdata", "okta", "flows", "groups.json"))
		}
		if run == crashKills {
			// The last run is not killed: it delivers what is left.
			killed := time.Now()
			waitDelivered(t, dsn, rcv, a, out)
			t.Logf("the last run delivered the rest in %v", time.Since(killed).Round(time.Millisecond))
			p.kill()
			break
		}
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for w := range 3 {
			wg.Go(func() { drive(ctx, client, p.base, token, a, &counter, int64(w)) })
		}
		time.Sleep(time.Duration(80+rng.IntN(300)) * time.Millisecond)
		p.kill() // mid-stream: requests in flight get no answer
		cancel()
		wg.Wait()
	}

	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	assert.Empty(t, rcv.bad, "every delivery verifies, one id per sequence number")
	a.mu.Lock()
	defer a.mu.Unlock()
	t.Logf("%d kills; acknowledged: %d creates, %d renames, %d suspensions, %d member adds; %d events, %d deliveries (%d duplicates)",
		crashKills, len(a.created), len(a.renamed), len(a.suspended), len(a.joined), len(rcv.ids), rcv.got, rcv.got-len(rcv.ids))
}

// drive sends a stream of writes until ctx ends or the server is gone,
// recording what was acknowledged.
func drive(ctx context.Context, client *http.Client, base, token string, a *acked, counter *atomic.Int64, seed int64) {
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(time.Now().UnixNano())))
	for ctx.Err() == nil {
		n := counter.Add(1)
		a.mu.Lock()
		var target, group string
		if len(a.active) > 0 {
			target = a.active[rng.IntN(len(a.active))]
		}
		if len(a.groups) > 0 {
			group = a.groups[rng.IntN(len(a.groups))]
		}
		a.mu.Unlock()
		op := rng.IntN(10)
		switch {
		case op < 4 || target == "":
			email := fmt.Sprintf("crash%d@example.com", n)
			status, body := call(ctx, client, base, token, "POST", "/Users", fmt.Sprintf(
				`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":%q,"name":{"givenName":"C","familyName":"R"},"emails":[{"primary":true,"value":%q,"type":"work"}],"active":true}`,
				email, email))
			if status == http.StatusCreated {
				id := body["id"].(string)
				a.mu.Lock()
				a.created[id] = true
				a.users = append(a.users, id)
				a.active = append(a.active, id)
				a.mu.Unlock()
			}
		case op < 5 && len(a.groups) < 5:
			status, body := call(ctx, client, base, token, "POST", "/Groups", fmt.Sprintf(
				`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"crash-group-%d","members":[]}`, n))
			if status == http.StatusCreated {
				a.mu.Lock()
				a.groups = append(a.groups, body["id"].(string))
				a.mu.Unlock()
			}
		case op < 7:
			given := fmt.Sprintf("G%d", n)
			status, _ := call(ctx, client, base, token, "PATCH", "/Users/"+target, patch(`{"op":"replace","path":"name.givenName","value":"`+given+`"}`))
			if status == http.StatusOK {
				a.mu.Lock()
				a.renamed[given] = target
				a.mu.Unlock()
			}
		case op < 8:
			a.mu.Lock()
			i := indexOf(a.active, target)
			if i < 0 {
				a.mu.Unlock()
				continue
			}
			a.active = append(a.active[:i], a.active[i+1:]...) // one suspension per user
			a.mu.Unlock()
			status, _ := call(ctx, client, base, token, "PATCH", "/Users/"+target, patch(`{"op":"replace","value":{"active":false}}`))
			if status == http.StatusOK {
				a.mu.Lock()
				a.suspended[target] = true
				a.mu.Unlock()
			}
		default:
			if group == "" {
				continue
			}
			a.mu.Lock()
			_, already := a.joined[target]
			a.mu.Unlock()
			if already {
				continue
			}
			status, _ := call(ctx, client, base, token, "PATCH", "/Groups/"+group, patch(`{"op":"add","path":"members","value":[{"value":"`+target+`"}]}`))
			if status == http.StatusNoContent || status == http.StatusOK {
				a.mu.Lock()
				a.joined[target] = group
				a.mu.Unlock()
			}
		}
	}
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

func patch(ops string) string {
	return `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[` + ops + `]}`
}

// call sends one request; status 0 means no answer (the server died).
func call(ctx context.Context, client *http.Client, base, token, method, path, body string) (int, map[string]any) {
	req, err := http.NewRequestWithContext(ctx, method, base+path, strings.NewReader(body))
	if err != nil {
		return 0, nil
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/scim+json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil // the answer was cut off: not acknowledged
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return resp.StatusCode, m
}

// waitDelivered waits until the receiver holds every event of the store's
// feed and the server has logged every acknowledged invitee's invite, then
// checks the acknowledged writes against the events.
func waitDelivered(t *testing.T, dsn string, rcv *receiver, a *acked, out *syncBuffer) {
	t.Helper()
	st, err := sqlstore.Open(context.Background(), dsn)
	require.NoError(t, err)
	defer st.Close()
	ids, err := st.AccountIDs(context.Background())
	require.NoError(t, err)
	require.Equal(t, []string{"default"}, ids)
	var all []store.Event
	missing := func() []string {
		all = all[:0]
		for after := int64(0); ; {
			page, err := st.Events(context.Background(), "default", after, 1000)
			require.NoError(t, err)
			if len(page) == 0 {
				break
			}
			all = append(all, page...)
			after = page[len(page)-1].Seq
		}
		var miss []string
		rcv.mu.Lock()
		for _, e := range all {
			if rcv.ids[e.Seq] != e.ID {
				miss = append(miss, fmt.Sprintf("event %d (%s) not delivered", e.Seq, e.Type))
			}
		}
		rcv.mu.Unlock()
		logs := out.String()
		a.mu.Lock()
		for id := range a.created {
			if !strings.Contains(logs, `msg="invite sent" account=default user=`+id) {
				miss = append(miss, "invite of "+id+" not sent")
			}
		}
		a.mu.Unlock()
		return miss
	}
	deadline := time.Now().Add(90 * time.Second)
	for m := missing(); len(m) > 0; m = missing() {
		if time.Now().After(deadline) {
			t.Fatalf("after the last restart, still missing %d, e.g. %v", len(m), m[:min(5, len(m))])
		}
		time.Sleep(100 * time.Millisecond)
	}

	for i, e := range all {
		require.Equal(t, int64(i+1), e.Seq, "the store's sequence has no gap")
	}
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	a.mu.Lock()
	defer a.mu.Unlock()
	has := func(typ store.EventType, id string, ok func(store.Event) bool) bool {
		for _, e := range rcv.events {
			if e.Type == typ && e.ResourceID == id && (ok == nil || ok(e)) {
				return true
			}
		}
		return false
	}
	for id := range a.created {
		assert.True(t, has(store.UserCreated, id, nil), "user.created of acknowledged %s", id)
		assert.True(t, has(store.UserInvited, id, nil), "user.invited of acknowledged %s", id)
	}
	for given, id := range a.renamed {
		assert.True(t, has(store.UserUpdated, id, func(e store.Event) bool {
			return e.Data.User != nil && e.Data.User.Name.GivenName == given
		}), "user.updated of %s to %s", id, given)
	}
	for id := range a.suspended {
		assert.True(t, has(store.UserSuspended, id, nil), "user.suspended of %s", id)
	}
	for uid, gid := range a.joined {
		assert.True(t, has(store.GroupMembersChanged, gid, func(e store.Event) bool {
			return bytes.Contains([]byte(strings.Join(e.Data.Added, ",")), []byte(uid))
		}), "group.members_changed of %s adding %s", gid, uid)
	}
}
