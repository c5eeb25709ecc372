package scim_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestHTTPBench compares scimkit's handler on memstore with the bare
// elimity baseline (bench_test.go) over real HTTP on 127.0.0.1, in one
// run, driving both with wrk (Debian: apt-get install -y wrk):
//
//	SCIMKIT_HTTPBENCH=1 go test -run TestHTTPBench -v ./scim
//
// Both servers hold 20,000 users (SCIMKIT_HTTPBENCH_USERS) and are
// measured in alternation, each request kind for SCIMKIT_HTTPBENCH_DURATION
// (default 3s) per round with wrk -t2 -c16, three rounds
// (SCIMKIT_HTTPBENCH_ROUNDS); the table gives the median requests per
// second and the ratios. scimkit runs with its production path (token
// authentication, the account's switch, mapping, linking) but rate
// limiting off and a discarding logger, as the baseline has neither. It is
// a measurement, not an assertion: it fails only if a request kind gets
// errors or non-2xx answers.
func TestHTTPBench(t *testing.T) {
	if os.Getenv("SCIMKIT_HTTPBENCH") == "" {
		t.Skip("set SCIMKIT_HTTPBENCH=1 to run the HTTP benchmark (needs wrk)")
	}
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		t.Skip("wrk is not installed (apt-get install -y wrk)")
	}
	users := envInt("SCIMKIT_HTTPBENCH_USERS", 20_000)
	rounds := envInt("SCIMKIT_HTTPBENCH_ROUNDS", 5)
	duration := os.Getenv("SCIMKIT_HTTPBENCH_DURATION")
	if duration == "" {
		duration = "3s"
	}
	f := newBenchFixture(users)
	mount := func(h http.Handler) string {
		srv := httptest.NewServer(http.StripPrefix("/scim/v2", h))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	servers := []struct{ name, url string }{{"scimkit", mount(f.h)}, {"bare", mount(f.bare)}}

	dir := t.TempDir()
	ids := make([]string, len(f.ids))
	for i, id := range f.ids {
		ids[i] = strconv.Quote(id)
	}
	prelude := fmt.Sprintf(`ids = {%s}
n = %d
i = 0
counter = 0
function setup(thread) counter = counter + 1; thread:set("tid", counter) end
function init(args) i = (tid or 1) * 7919; wrk_run = args[1] end
wrk.headers["Authorization"] = "Bearer %s"
wrk.headers["Content-Type"] = "application/scim+json"
`, strings.Join(ids, ","), len(ids), f.token)
	const patchOp = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[`
	kinds := []struct{ name, lua string }{
		{"GET /Users/{id}", `request = function() i = i + 1; return wrk.format("GET", "/scim/v2/Users/" .. ids[i % n + 1]) end`},
		{"userName eq lookup", `request = function() i = i + 1
  return wrk.format("GET", "/scim/v2/Users?filter=userName%20eq%20%22" .. string.format("user%06d", i % n) .. "%40example.com%22&startIndex=1&count=100") end`},
		{"POST /Users", `request = function() i = i + 1
  local e = string.format("new-%s-%d-%d@example.com", wrk_run, tid or 1, i)
  return wrk.format("POST", "/scim/v2/Users", nil, '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"' .. e .. '","name":{"givenName":"New","familyName":"User"},"emails":[{"primary":true,"value":"' .. e .. '","type":"work"}],"displayName":"New User","locale":"en-US","externalId":"' .. e .. '","groups":[],"password":"x","active":true}')
end`},
		{"PATCH deactivate", `request = function() i = i + 1
  local active = (math.floor(i / n) % 2 == 1) and "true" or "false"
  return wrk.format("PATCH", "/scim/v2/Users/" .. ids[i % n + 1], nil, '` + patchOp + `{"op":"replace","value":{"active":' .. active .. '}}]}')
end`},
		{"PATCH group member add", `request = function() i = i + 1
  return wrk.format("PATCH", "/scim/v2/Groups/` + f.groupID + `", nil, '` + patchOp + `{"op":"add","path":"members","value":[{"value":"' .. ids[i % n + 1] .. '"}]}]}')
end`},
	}
	rps := map[string]map[string][]float64{}
	scripts := make([]string, len(kinds))
	for i, k := range kinds {
		scripts[i] = filepath.Join(dir, fmt.Sprintf("k%d.lua", i))
		if err := os.WriteFile(scripts[i], []byte(prelude+k.lua+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		rps[k.name] = map[string][]float64{}
	}
	for round := range rounds {
		for i, k := range kinds {
			for _, s := range servers {
				run := fmt.Sprintf("%d%d", time.Now().UnixNano(), round) // unique userNames per run
				out, err := exec.Command(wrk, "-t2", "-c16", "-d"+duration, "-s", scripts[i], s.url, "--", run).CombinedOutput()
				if err != nil {
					t.Fatalf("wrk %s %s: %v\n%s", k.name, s.name, err, out)
				}
				if bad := regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)|Socket errors: .*`).Find(out); bad != nil {
					t.Errorf("%s on %s: %s", k.name, s.name, bad)
				}
				m := regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`).FindSubmatch(out)
				if m == nil {
					t.Fatalf("wrk output without Requests/sec:\n%s", out)
				}
				v, _ := strconv.ParseFloat(string(m[1]), 64)
				rps[k.name][s.name] = append(rps[k.name][s.name], v)
			}
		}
	}
	median := func(v []float64) float64 {
		v = slices.Clone(v)
		slices.Sort(v)
		return v[len(v)/2]
	}
	// ratios pairs the measurements of each round (taken one after the
	// other), so that load from outside the benchmark cancels out.
	ratios := func(a, b []float64) []float64 {
		out := make([]float64, len(a))
		for i := range a {
			out[i] = a[i] / b[i]
		}
		return out
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%d users, memstore, wrk -t2 -c16 -d%s, %d alternating rounds; medians\n", users, duration, rounds)
	fmt.Fprintf(&b, "| request | scimkit req/s | bare req/s | scimkit/bare (median of per-round ratios) | per-round ratios |\n|---|---|---|---|---|\n")
	for _, k := range kinds {
		sk, br := rps[k.name]["scimkit"], rps[k.name]["bare"]
		r := ratios(sk, br)
		fmt.Fprintf(&b, "| %s | %.0f | %.0f | %.2fx | %s |\n", k.name, median(sk), median(br), median(r), fmtRatios(r))
	}
	r := ratios(rps["userName eq lookup"]["scimkit"], rps["GET /Users/{id}"]["scimkit"])
	fmt.Fprintf(&b, "scimkit userName-eq lookup / scimkit GET by id: %.2fx (%s)\n", median(r), fmtRatios(r))
	t.Log(b.String())
}

func fmtRatios(r []float64) string {
	s := make([]string, len(r))
	for i, v := range r {
		s[i] = fmt.Sprintf("%.2f", v)
	}
	return strings.Join(s, " ")
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}
