package scimpatch

import "testing"

func TestHasStringBoolean(t *testing.T) {
	tests := []struct {
		body string
		want bool
	}{
		{`"true"`, true},
		{`"false"`, true},
		{`{"active":"TrUe"}`, true},
		{`{"a":"FALSE"}`, true},
		{`{"true":1}`, true}, // a key: a false positive, which only costs a decode
		{`{"active":true}`, false},
		{`{"active":false,"x":"untrue"}`, false},
		{`{"x":"true "}`, false},
		{`{"x":"tru"}`, false},
		{`{"x":"alse"}`, false},
		{`{"x":"false`, false},
		{`e"`, false},
		{``, false},
		{`{"x":"tRUE"}`, true},
		{`{"x":"\"true"}`, true}, // escaped quote: also a harmless false positive
	}
	for _, tt := range tests {
		if got := hasStringBoolean([]byte(tt.body)); got != tt.want {
			t.Errorf("hasStringBoolean(%s) = %v, want %v", tt.body, got, tt.want)
		}
	}
}
