package mapping_test

import (
	"encoding/json"
	"reflect"
	"testing"
)

// eq fails the test unless got equals want (reflect.DeepEqual), showing
// both as JSON-ish values.
func eq(t testing.TB, want, got any, what ...string) {
	t.Helper()
	if !reflect.DeepEqual(want, got) {
		label := ""
		if len(what) > 0 {
			label = what[0] + ": "
		}
		t.Errorf("%snot equal:\n got: %s\nwant: %s", label, show(got), show(want))
	}
}

func show(v any) string {
	if b, err := json.Marshal(v); err == nil {
		return string(b) + "  (" + reflect.TypeOf(v).String() + ")"
	}
	return reflect.ValueOf(v).String()
}

// noErr stops the test on a non-nil error.
func noErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}
