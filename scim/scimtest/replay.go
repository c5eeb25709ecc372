package scimtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
)

// Flow is a recorded conversation; see the package documentation for the
// file format.
type Flow struct {
	Name  string `json:"name"`
	Steps []Step `json:"steps"`
}

// Step is one request and the answer it must get.
type Step struct {
	Name     string            `json:"name"`
	Request  Request           `json:"request"`
	Response Response          `json:"response"`
	Capture  map[string]string `json:"capture"`
}

// Request is what a step sends.
type Request struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"`
	RawBody *string           `json:"rawBody"`
}

// Response is what a step expects.
type Response struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"`
}

// Load reads a flow file.
func Load(path string) (Flow, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return Flow{}, err
	}
	var f Flow
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return Flow{}, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// Replay loads the flow file and runs it against baseURL with token;
// see Run.
func Replay(t testing.TB, baseURL, token, path string) map[string]string {
	t.Helper()
	f, err := Load(path)
	if err != nil {
		t.Fatalf("scimtest: %v", err)
	}
	return Run(t, http.DefaultClient, baseURL, token, f)
}

// Run sends every step of f in order and checks each answer. It stops at
// the first step whose answer does not match, reporting the step, the
// mismatch and the whole answer. It returns the captured values.
func Run(t testing.TB, client *http.Client, baseURL, token string, f Flow) map[string]string {
	t.Helper()
	vars := map[string]string{}
	for i, st := range f.Steps {
		label := fmt.Sprintf("%s: step %d (%s)", f.Name, i+1, st.Name)
		req, err := buildRequest(baseURL, token, st.Request, vars)
		if err != nil {
			t.Fatalf("%s: %v", label, err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", label, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("%s: reading answer: %v", label, err)
		}
		if problem := check(st.Response, resp, body, vars); problem != "" {
			t.Fatalf("%s: %s %s: %s\nanswer: %d %s\n%s", label, req.Method, req.URL.RequestURI(), problem, resp.StatusCode, resp.Header, body)
		}
		for name, path := range st.Capture {
			v, ok := capture(path, resp, body)
			if !ok {
				t.Fatalf("%s: capture %q: no value at %q in the answer\n%s", label, name, path, body)
			}
			vars[name] = v
		}
	}
	return vars
}

func substitute(s string, vars map[string]string) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	for k, v := range vars {
		s = strings.ReplaceAll(s, "{{"+k+"}}", v)
	}
	return s
}

func buildRequest(baseURL, token string, r Request, vars map[string]string) (*http.Request, error) {
	var body io.Reader
	switch {
	case r.RawBody != nil:
		body = strings.NewReader(substitute(*r.RawBody, vars))
	case len(r.Body) > 0:
		body = strings.NewReader(substitute(string(r.Body), vars))
	}
	req, err := http.NewRequest(r.Method, baseURL+substitute(r.Path, vars), body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/scim+json; charset=utf-8")
	}
	for k, v := range r.Headers {
		v = substitute(v, vars)
		if v == "" {
			req.Header.Del(k)
			continue
		}
		req.Header.Set(k, v)
	}
	return req, nil
}

func check(want Response, resp *http.Response, body []byte, vars map[string]string) string {
	if want.Status != 0 && resp.StatusCode != want.Status {
		return fmt.Sprintf("status %d, want %d", resp.StatusCode, want.Status)
	}
	for k, v := range want.Headers {
		got := resp.Header.Get(k)
		v = substitute(v, vars)
		switch {
		case v == "$any" && got == "":
			return fmt.Sprintf("header %s missing", k)
		case v == "$absent" && got != "":
			return fmt.Sprintf("header %s present (%q), want none", k, got)
		case v != "$any" && v != "$absent" && got != v:
			return fmt.Sprintf("header %s = %q, want %q", k, got, v)
		}
	}
	if len(want.Body) == 0 {
		return ""
	}
	var exp, act any
	if err := json.Unmarshal([]byte(substitute(string(want.Body), vars)), &exp); err != nil {
		return fmt.Sprintf("flow file: expected body: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&act); err != nil {
		return fmt.Sprintf("answer body is not JSON: %v", err)
	}
	return match("body", exp, act)
}

// match reports where act does not match the expectation exp, or "".
func match(at string, exp, act any) string {
	switch e := exp.(type) {
	case string:
		if e == "$any" {
			if act == nil {
				return at + ": missing, want a value"
			}
			return ""
		}
		if a, ok := act.(string); !ok || a != e {
			return fmt.Sprintf("%s = %v, want %q", at, show(act), e)
		}
	case float64:
		n, ok := act.(json.Number)
		if !ok {
			return fmt.Sprintf("%s = %v, want the number %v", at, show(act), e)
		}
		if f, err := n.Float64(); err != nil || f != e {
			return fmt.Sprintf("%s = %v, want %v", at, n, e)
		}
	case bool, nil:
		if act != exp {
			return fmt.Sprintf("%s = %v, want %v", at, show(act), exp)
		}
	case map[string]any:
		if c, ok := e["$contains"]; ok && len(e) == 1 {
			return containsAll(at, c, act)
		}
		a, ok := act.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s = %v, want an object", at, show(act))
		}
		for k, ev := range e {
			av, present := a[k]
			if ev == "$absent" {
				if present {
					return fmt.Sprintf("%s.%s = %v, want it absent", at, k, show(av))
				}
				continue
			}
			if !present {
				return fmt.Sprintf("%s.%s missing", at, k)
			}
			if p := match(at+"."+k, ev, av); p != "" {
				return p
			}
		}
	case []any:
		a, ok := act.([]any)
		if !ok {
			return fmt.Sprintf("%s = %v, want an array", at, show(act))
		}
		if len(a) != len(e) {
			return fmt.Sprintf("%s has %d elements, want %d", at, len(a), len(e))
		}
		for i := range e {
			if p := match(at+"."+strconv.Itoa(i), e[i], a[i]); p != "" {
				return p
			}
		}
	default:
		return fmt.Sprintf("%s: unsupported expectation %T", at, exp)
	}
	return ""
}

func containsAll(at string, exp, act any) string {
	e, ok := exp.([]any)
	if !ok {
		return at + ": $contains needs an array"
	}
	a, ok := act.([]any)
	if !ok {
		return fmt.Sprintf("%s = %v, want an array", at, show(act))
	}
	for i, ev := range e {
		found := false
		for _, av := range a {
			if match(at, ev, av) == "" {
				found = true
				break
			}
		}
		if !found {
			return fmt.Sprintf("%s: no element matches expected element %d (%v)", at, i, show(ev))
		}
	}
	return ""
}

func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func capture(path string, resp *http.Response, body []byte) (string, bool) {
	if h, ok := strings.CutPrefix(path, "header:"); ok {
		v := resp.Header.Get(h)
		return v, v != ""
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return "", false
	}
	for _, key := range strings.Split(path, ".") {
		switch c := v.(type) {
		case map[string]any:
			v = c[key]
		case []any:
			i, err := strconv.Atoi(key)
			if err != nil || i < 0 || i >= len(c) {
				return "", false
			}
			v = c[i]
		default:
			return "", false
		}
	}
	switch v := v.(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case bool:
		return strconv.FormatBool(v), true
	}
	return "", false
}
