package scimtest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		name     string
		exp, act string
		ok       bool
	}{
		{"equal subset", `{"a":1}`, `{"a":1,"b":2}`, true},
		{"missing key", `{"c":1}`, `{"a":1}`, false},
		{"number type is checked", `{"a":1}`, `{"a":"1"}`, false},
		{"wrong number", `{"a":1}`, `{"a":2}`, false},
		{"any present", `{"a":"$any"}`, `{"a":"x"}`, true},
		{"any null", `{"a":"$any"}`, `{"a":null}`, false},
		{"any missing", `{"a":"$any"}`, `{}`, false},
		{"absent ok", `{"a":"$absent"}`, `{"b":1}`, true},
		{"absent present", `{"a":"$absent"}`, `{"a":1}`, false},
		{"array length", `{"a":[1]}`, `{"a":[1,2]}`, false},
		{"array elements", `{"a":[{"v":"x"}]}`, `{"a":[{"v":"x","w":1}]}`, true},
		{"empty array is not null", `{"a":[]}`, `{"a":null}`, false},
		{"contains", `{"a":{"$contains":["y"]}}`, `{"a":["x","y"]}`, true},
		{"contains missing", `{"a":{"$contains":["z"]}}`, `{"a":["x","y"]}`, false},
		{"bool", `{"a":false}`, `{"a":false}`, true},
		{"bool mismatch", `{"a":false}`, `{"a":"false"}`, false},
		{"nested", `{"a":{"b":"c"}}`, `{"a":{"b":"d"}}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var exp any
			if err := json.Unmarshal([]byte(tt.exp), &exp); err != nil {
				t.Fatal(err)
			}
			var act any
			dec := json.NewDecoder(strings.NewReader(tt.act))
			dec.UseNumber()
			if err := dec.Decode(&act); err != nil {
				t.Fatal(err)
			}
			got := match("body", exp, act)
			assert.Equal(t, tt.ok, got == "", "match said %q", got)
		})
	}
}
