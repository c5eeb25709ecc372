package scim

import (
	"net/http"
	"strings"
	"time"

	"github.com/scimkit/scimkit/store"
)

// ActivityRecorder receives the outcome of every authenticated SCIM
// request (the account's activity log; the entry's TokenID is the token
// used). Record is called on the request's goroutine, after the answer is
// written, and must return at once: *activity.Recorder collects in memory
// and writes to the store in batches from its own goroutine, and keeps
// the tokens' last use from the entries.
type ActivityRecorder interface {
	Record(e store.ActivityEntry)
}

// WithActivity records every authenticated request's outcome in r: time,
// method, path, resource type and id, the userName or displayName the
// request carried, status, scimType and detail of an error, latency,
// User-Agent, and the token's id (never the token, the Authorization
// header or the body). Requests refused before an account is known (a
// missing or unknown token) have no account to be logged in; they are
// counted nowhere but the debug log. A nil r records nothing.
func WithActivity(r ActivityRecorder) Option {
	return func(c *config) { c.activity = r }
}

// recordActivity builds the request's entry; it reads only what the
// request already decoded and what the handler noted while answering.
func (h *Handler) recordActivity(r *http.Request, rec *recorder, start time.Time, account, tokenID, path string, body any) {
	e := store.ActivityEntry{
		AccountID: account, Time: start, Kind: store.ActivitySCIM,
		Method: r.Method, Path: path, Status: rec.status(),
		Latency: time.Since(start), UserAgent: r.Header.Get("User-Agent"), TokenID: tokenID, Count: 1,
	}
	if path == "" {
		e.Path = "/"
	}
	rest := ""
	switch {
	case strings.HasPrefix(path, "/Users"):
		e.ResourceType, rest = "User", strings.TrimPrefix(path, "/Users")
	case strings.HasPrefix(path, "/Groups"):
		e.ResourceType, rest = "Group", strings.TrimPrefix(path, "/Groups")
	}
	if id, ok := strings.CutPrefix(rest, "/"); ok && id != ".search" {
		e.ResourceID = id
	} else if rec.resID != "" {
		e.ResourceID = rec.resID
	}
	if m, ok := body.(map[string]any); ok {
		for _, k := range [...]string{"userName", "displayName"} {
			if v, ok := lookupFoldOK(m, k); ok {
				if s, ok := v.(string); ok && s != "" {
					e.Name = s
					break
				}
			}
		}
	}
	if e.Name == "" {
		e.Name = rec.resName // a PATCH names no userName: the record answered does
	}
	if rec.err != nil {
		e.SCIMType, e.Detail = rec.err.ScimType, rec.err.Detail
	}
	h.activity.Record(e)
}
