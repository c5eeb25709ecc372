package scimtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// ConcurrentPatches sends n PATCH requests without If-Match to the user
// id at the same time, each setting the user's displayName to a value of
// its own, and checks the rule the SCIM handler promises for them: every
// one is answered 200 (none 412, none any other error), and none is lost:
// the user's version grew by exactly n, each request one write. The
// handler must not rate-limit the token (scim.WithRateLimit(math.Inf(1),
// 0)). It reports what went wrong through t.
func ConcurrentPatches(t testing.TB, baseURL, token, id string, n int) {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: n}}
	defer client.CloseIdleConnections()
	do := func(method, body string) (int, []byte, error) {
		return send(client, baseURL+"/Users/"+id, token, method, body)
	}
	version := func() string {
		status, body, err := do(http.MethodGet, "")
		if err != nil || status != http.StatusOK {
			t.Fatalf("scimtest: GET /Users/%s: %d %v %s", id, status, err, body)
		}
		var u struct{ Meta struct{ Version string } }
		if err := json.Unmarshal(body, &u); err != nil {
			t.Fatalf("scimtest: GET /Users/%s: %v", id, err)
		}
		return u.Meta.Version
	}
	var vb, va int
	if _, err := fmt.Sscanf(version(), `W/"%d"`, &vb); err != nil {
		t.Fatalf("scimtest: meta.version is not W/\"<n>\": %v", err)
	}

	statuses := make([]int, n)
	details := make([]string, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			body := fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"concurrent %d"}]}`, i)
			status, b, err := do(http.MethodPatch, body)
			statuses[i] = status
			if err != nil {
				details[i] = err.Error()
			} else if status != http.StatusOK {
				details[i] = string(b)
			}
		}()
	}
	close(start)
	wg.Wait()

	counts := map[int]int{}
	for i, s := range statuses {
		counts[s]++
		if s != http.StatusOK && counts[s] == 1 {
			t.Errorf("scimtest: a PATCH without If-Match got %d: %s", s, details[i])
		}
	}
	if counts[http.StatusPreconditionFailed] > 0 || counts[http.StatusOK] != n {
		t.Errorf("scimtest: %d concurrent PATCHes without If-Match: answers by status %v; want all %d answered 200 (none 412)", n, counts, n)
	}
	if _, err := fmt.Sscanf(version(), `W/"%d"`, &va); err != nil {
		t.Fatalf("scimtest: meta.version is not W/\"<n>\": %v", err)
	}
	if va-vb != counts[http.StatusOK] {
		t.Errorf("scimtest: the version grew by %d for %d applied PATCHes: updates were lost or merged", va-vb, counts[http.StatusOK])
	}
}

// send makes one authenticated SCIM request and returns the status and
// the body read whole.
func send(client *http.Client, target, token, method, body string) (int, []byte, error) {
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/scim+json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}
