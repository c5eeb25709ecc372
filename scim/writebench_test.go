package scim_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"log/slog"
	"math"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/scim"
	"github.com/scimkit/scimkit/store"
)

// BenchmarkWrites measures the two writes the change feed touches most,
// POST /Users and a group member PATCH, through the whole handler on
// memstore and (with SCIMKIT_TEST_POSTGRES) PostgreSQL:
//
//	go test -run '^$' -bench BenchmarkWrites -count 6 ./scim
//
// Compare runs of two commits as ratios (benchstat). The same file (with
// the older scim.New signature) measured the commit before the change feed.
func BenchmarkWrites(b *testing.B) {
	benchOnStores(b, "scimkit_bench_", benchWrites)
}

func benchWrites(b *testing.B, st store.Store) {
	ctx := context.Background()
	secret, u := benchAccount(b, st)
	g, err := st.CreateGroup(ctx, testAccount, store.Group{DisplayName: "Everyone", Managed: true, Linked: true}, nil)
	if err != nil {
		b.Fatal(err)
	}
	h, err := scim.New(linking.New(st, nil), scim.WithRateLimit(math.Inf(1), 1), scim.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		b.Fatal(err)
	}
	do := func(b *testing.B, method, target, body string, want int) {
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+secret)
		req.Header.Set("Content-Type", "application/scim+json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			b.Fatalf("%s %s: %d %s", method, target, rec.Code, rec.Body.String())
		}
	}
	b.Run("POST_Users", func(b *testing.B) {
		prefix := fmt.Sprintf("w%d-", time.Now().UnixNano())
		i := 0
		for b.Loop() {
			i++
			email := fmt.Sprintf("%s%d@example.com", prefix, i)
			do(b, "POST", "/Users", fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":%q,"name":{"givenName":"New","familyName":"User"},"emails":[{"primary":true,"value":%q,"type":"work"}],"externalId":"%s%d","active":true}`, email, email, prefix, i), http.StatusCreated)
		}
	})
	b.Run("PATCH_member", func(b *testing.B) {
		add := true
		for b.Loop() {
			op := `"op":"add","path":"members","value":[{"value":"` + u.ID + `"}]`
			if !add {
				op = `"op":"remove","path":"members[value eq \"` + u.ID + `\"]"`
			}
			do(b, "PATCH", "/Groups/"+g.ID, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{`+op+`}]}`, http.StatusNoContent)
			add = !add
		}
	})
}
