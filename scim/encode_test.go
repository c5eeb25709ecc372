package scim

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
	"time"
)

// TestAppendJSONMatchesEncodingJSON: appendJSON writes exactly what
// encoding/json's Encoder with SetEscapeHTML(false) writes.
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	values := []any{
		nil, "", "plain", `quo"te`, `back\slash`, "tab\tnew\nline", "<b>&amp;</b>", "ünïcødé", "\u2028\u2029", "bad \xff utf8",
		true, false, 0, -7, int64(1) << 60, 0.5, 3.0, -0.0, 1e21, 1e20, 123456789.125, 1e-7,
		json.Number("42"), json.Number("1.50"), json.Number(""),
		[]any{}, []any(nil), []string{}, []string(nil), []string{"a", "b<"},
		map[string]any{}, map[string]any{"b": 1, "a": []any{map[string]any{"z": nil, "é": "x"}}, "": true},
		map[string]any{"meta": map[string]any{"version": `W/"3"`, "created": time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).Format(time.RFC3339)}},
		time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), struct{ A int }{1}, []int{1, 2},
	}
	for _, v := range values {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		got, err := appendJSON(nil, v)
		if err != nil || string(got)+"\n" != want.String() {
			t.Errorf("%#v: appendJSON %s (%v), encoding/json %s", v, got, err, want.String())
		}
	}
	for _, bad := range []any{math.Inf(1), math.NaN(), map[string]any{"x": func() {}}} {
		if _, err := appendJSON(nil, bad); err == nil {
			t.Errorf("%#v: no error, as encoding/json gives", bad)
		}
	}
}
