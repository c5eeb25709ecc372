package scim

import (
	"encoding/json"
	"math"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"
)

// writeJSON answers status with v encoded as encoding/json does with
// SetEscapeHTML(false) (keys sorted), through appendJSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	bp := bufPool.Get().(*[]byte)
	buf, err := appendJSON((*bp)[:0], v)
	if err != nil {
		writeError(w, &apiError{Status: http.StatusInternalServerError, Detail: "internal server error: the response could not be encoded"})
		return
	}
	buf = append(buf, '\n')
	if w.Header().Get("Content-Type") != contentType {
		w.Header().Set("Content-Type", contentType)
	}
	w.WriteHeader(status)
	_, _ = w.Write(buf)
	if cap(buf) <= 64<<10 {
		*bp = buf
		bufPool.Put(bp)
	}
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// appendJSON appends the JSON encoding of v, byte for byte what
// encoding/json's Encoder with SetEscapeHTML(false) writes (without its
// newline), for the values SCIM documents are built of: maps with string
// keys, slices, strings, booleans, numbers, nil. Other values go through
// encoding/json. It exists because the documents are small maps answered
// on every request, and encoding/json's reflection over maps costs more
// than the rest of a read.
func appendJSON(b []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendString(b, v), nil
	case bool:
		return strconv.AppendBool(b, v), nil
	case int:
		return strconv.AppendInt(b, int64(v), 10), nil
	case int64:
		return strconv.AppendInt(b, v, 10), nil
	case json.Number:
		if v == "" {
			return append(b, '0'), nil
		}
		return fallback(b, v)
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return fallback(b, v) // the error encoding/json gives
		}
		if v == math.Trunc(v) && math.Abs(v) < 1e21 {
			return strconv.AppendFloat(b, v, 'f', -1, 64), nil
		}
		return fallback(b, v)
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			var err error
			if b, err = appendJSON(b, v[k]); err != nil {
				return b, err
			}
		}
		return append(b, '}'), nil
	case []any:
		return appendList(b, v, appendJSON)
	case []string:
		return appendList(b, v, func(b []byte, s string) ([]byte, error) { return appendString(b, s), nil })
	}
	return fallback(b, v)
}

// appendList appends list as a JSON array (null when nil), each element
// with appendElem.
func appendList[T any](b []byte, list []T, appendElem func([]byte, T) ([]byte, error)) ([]byte, error) {
	if list == nil {
		return append(b, "null"...), nil
	}
	b = append(b, '[')
	for i, e := range list {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendElem(b, e); err != nil {
			return b, err
		}
	}
	return append(b, ']'), nil
}

// fallback appends what encoding/json writes for v.
func fallback(b []byte, v any) ([]byte, error) {
	out, err := marshalNoEscape(v)
	if err != nil {
		return b, err
	}
	return append(b, out...), nil
}

// appendString appends s as a JSON string. Printable ASCII is copied
// (quotes and backslashes escaped); strings with control or non-ASCII
// characters are escaped by encoding/json.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf {
			out, _ := marshalNoEscape(s) // a string always encodes
			return append(b, out...)
		}
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' {
			b = append(b, '\\')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

// marshalNoEscape is json.Marshal without HTML escaping.
func marshalNoEscape(v any) ([]byte, error) {
	var buf bytesBuffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.b[:len(buf.b)-1], nil // without the newline
}

type bytesBuffer struct{ b []byte }

func (w *bytesBuffer) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }
