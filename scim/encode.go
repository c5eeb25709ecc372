package scim

import (
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"
)

// writeJSON answers status with v encoded as encoding/json does with
// SetEscapeHTML(false) (keys sorted), through appendJSON. A body that
// grows past flushAt while member lists are encoded is sent in pieces of
// about that size, so that a response's buffer stays bounded whatever the
// size of the groups in it.
func writeJSON(w http.ResponseWriter, status int, v any) {
	bp := bufPool.Get().(*[]byte)
	e := encoder{w: w, status: status}
	buf, err := e.append((*bp)[:0], v)
	if err != nil {
		if !e.started {
			writeError(w, &apiError{Status: http.StatusInternalServerError, Detail: "internal server error: the response could not be encoded"})
		}
		return // a body already under way cannot become an error: it stays cut off
	}
	buf = append(buf, '\n')
	e.start()
	_, _ = w.Write(buf)
	if cap(buf) <= 64<<10 {
		*bp = buf
		bufPool.Put(bp)
	}
}

// flushAt is the size past which a response body being encoded is sent
// on (only between the members of a member list, where the encoding
// cannot fail any more).
const flushAt = 64 << 10

// encoder appends JSON to a buffer and, when it has a ResponseWriter, may
// send the buffer on before the end (see flushAt).
type encoder struct {
	w       http.ResponseWriter
	status  int
	started bool
}

// start writes the header once.
func (e *encoder) start() {
	if e.started {
		return
	}
	e.started = true
	if e.w.Header().Get("Content-Type") != contentType {
		e.w.Header().Set("Content-Type", contentType)
	}
	e.w.WriteHeader(e.status)
}

// flush sends b on when it is large and returns what is left to fill.
func (e *encoder) flush(b []byte) []byte {
	if e.w == nil || len(b) < flushAt {
		return b
	}
	e.start()
	_, _ = e.w.Write(b)
	return b[:0]
}

// memberList is a group's members as the SCIM document lists them
// ([{"$ref", "display", "type", "value"}]), kept as ids until encoded: a
// map per member costs about ten times the id itself. base is the
// "Users/" location prefix of the $ref values. names, when not nil, holds
// each member's display (the profile's memberDisplay); without it members
// have no display.
type memberList struct {
	ids   []string
	names []string
	base  string
}

// docs returns the members as maps, for the projections that reach into
// them (attributes=members.value).
func (m memberList) docs() []any {
	out := make([]any, len(m.ids))
	for i, id := range m.ids {
		d := map[string]any{"value": id, "$ref": m.base + url.PathEscape(id), "type": "User"}
		if m.names != nil {
			d["display"] = m.names[i]
		}
		out[i] = d
	}
	return out
}

// appendRef appends the JSON string base+url.PathEscape(id) without
// building it first when neither part needs escaping (the usual ids).
func appendRef(b []byte, base, id string) []byte {
	if plainJSON(base) && pathSafe(id) {
		b = append(b, '"')
		b = append(b, base...)
		b = append(b, id...)
		return append(b, '"')
	}
	return appendString(b, base+url.PathEscape(id))
}

// plainJSON reports whether s is printable ASCII without '"' and '\\'.
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// pathSafe reports whether url.PathEscape leaves s as it is, for the
// characters ids are made of.
func pathSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~') {
			return false
		}
	}
	return true
}

func (e *encoder) appendMembers(b []byte, m memberList) []byte {
	b = append(b, '[')
	for i, id := range m.ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"$ref":`...)
		b = appendRef(b, m.base, id)
		if m.names != nil {
			b = append(b, `,"display":`...)
			b = appendString(b, m.names[i])
		}
		b = append(b, `,"type":"User","value":`...)
		b = appendString(b, id)
		b = append(b, '}')
		if i%256 == 255 {
			b = e.flush(b)
		}
	}
	return append(b, ']')
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
	var e encoder
	return e.append(b, v)
}

func (e *encoder) append(b []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case memberList:
		return e.appendMembers(b, v), nil
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
			if b, err = e.append(b, v[k]); err != nil {
				return b, err
			}
		}
		return append(b, '}'), nil
	case []any:
		return appendList(b, v, e.append)
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

// MarshalJSON encodes the list as appendJSON does, for any encoding/json
// path a document may take.
func (m memberList) MarshalJSON() ([]byte, error) {
	var e encoder
	return e.appendMembers(nil, m), nil
}
