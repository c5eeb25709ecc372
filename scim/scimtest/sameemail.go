package scimtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// ConcurrentCreatesSameEmail sends n POST /Users at the same time, each
// with its own userName and externalId and all with one work email (what
// Entra ID sends when one person is assigned under several user principal
// names: userName is the UPN, the email comes from mail), and checks the
// rule the service promises: exactly one is answered 201, every other one
// 409 (the email is taken, or its user is linked to another identity),
// none another status, and afterwards exactly one user has the email. The
// email's domain must be allowed in the account; the handler must not
// rate-limit the token. It reports what went wrong through t.
func ConcurrentCreatesSameEmail(t testing.TB, baseURL, token, email string, n int) {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: n}}
	defer client.CloseIdleConnections()
	do := func(method, path, body string) (int, []byte, error) {
		return send(client, baseURL+path, token, method, body)
	}
	local, domain, _ := strings.Cut(email, "@")
	statuses := make([]int, n)
	details := make([]string, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			// Half of them spell the email in upper case: the rule is
			// case-insensitive.
			e := email
			if i%2 == 1 {
				e = strings.ToUpper(e)
			}
			body, _ := json.Marshal(map[string]any{
				"schemas":    []string{"urn:ietf:params:scim:schemas:core:2.0:User"},
				"userName":   fmt.Sprintf("%s.upn%d@%s", local, i, domain),
				"externalId": fmt.Sprintf("ext-%d-%s", i, local),
				"active":     true,
				"name":       map[string]string{"givenName": "Same", "familyName": fmt.Sprintf("Mail %d", i)},
				"emails":     []map[string]any{{"value": e, "type": "work", "primary": true}},
			})
			status, b, err := do(http.MethodPost, "/Users", string(body))
			statuses[i] = status
			if err != nil {
				details[i] = err.Error()
			} else {
				details[i] = string(b)
			}
		})
	}
	close(start)
	wg.Wait()

	counts := map[int]int{}
	for i, s := range statuses {
		counts[s]++
		if s != http.StatusCreated && s != http.StatusConflict && counts[s] == 1 {
			t.Errorf("scimtest: a create with a shared email got %d: %s", s, details[i])
		}
	}
	if counts[http.StatusCreated] != 1 || counts[http.StatusConflict] != n-1 {
		t.Errorf("scimtest: %d concurrent creates with one email: answers by status %v; want one 201 and %d 409", n, counts, n-1)
	}
	// Count the users by userName prefix and by email, the latter both
	// by eq (which a store may answer from an index) and by sw (which it
	// may scan): a store that overwrote an index entry would show one.
	for _, f := range []string{
		fmt.Sprintf("userName sw %q", local+".upn"),
		fmt.Sprintf("emails.value eq %q", email),
		fmt.Sprintf("emails.value sw %q", email),
	} {
		status, body, err := do(http.MethodGet, "/Users?count=0&filter="+url.QueryEscape(f), "")
		if err != nil || status != http.StatusOK {
			t.Fatalf("scimtest: GET /Users?filter=%s: %d %v %s", f, status, err, body)
		}
		var list struct{ TotalResults int }
		if err := json.Unmarshal(body, &list); err != nil {
			t.Fatalf("scimtest: list users: %v", err)
		}
		if list.TotalResults != 1 {
			t.Errorf("scimtest: after %d concurrent creates with the email %q, %d users match %s, want 1", n, email, list.TotalResults, f)
		}
	}
}
