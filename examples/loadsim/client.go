package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// client sends SCIM requests the way an IdP does: bearer token, SCIM media
// types, and 429 answers waited out as Okta waits them out.
type client struct {
	http      *http.Client
	bases     []string // requests go round-robin over these base URLs
	next      atomic.Uint64
	token     string
	userAgent string
	stats     *stats

	// maxRetries is how many 429 answers one request waits out before it
	// counts as failed (Okta: 10).
	maxRetries int
	// fallbackWait is the wait after a 429 without an integer Retry-After
	// (Okta: 5 minutes, doubled on each further 429).
	fallbackWait time.Duration
	// budget, when not nil, is decremented per request sent; at zero the
	// run stops (errBudget).
	budget *atomic.Int64
}

var errBudget = errors.New("request budget used up")

// response is an answered request.
type response struct {
	status int
	body   []byte
	// retryAfterSec is the integer Retry-After header, or -1.
	retryAfterSec int
}

func (r response) decode(v any) error { return json.Unmarshal(r.body, v) }

// do sends one request (and its 429 retries), recording each attempt
// under op. A non-nil error means no HTTP answer (or the budget or context
// ran out); any status, 4xx and 5xx included, is a response.
func (c *client) do(ctx context.Context, op, method, path string, body any) (response, error) {
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			return response{}, err
		}
	}
	wait := c.fallbackWait
	for attempt := 0; ; attempt++ {
		if c.budget != nil && c.budget.Add(-1) < 0 {
			return response{}, errBudget
		}
		resp, err := c.once(ctx, op, method, path, raw)
		if err != nil || resp.status != http.StatusTooManyRequests || attempt >= c.maxRetries {
			return resp, err
		}
		c.stats.retried(op)
		d := wait
		if s, ok := resp.retryAfter(); ok {
			d = s
		} else {
			wait *= 2
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return resp, ctx.Err()
		case <-t.C:
		}
	}
}

// retryAfter reports the wait an integer Retry-After header asks for.
func (r response) retryAfter() (time.Duration, bool) {
	if r.retryAfterSec < 0 {
		return 0, false
	}
	return time.Duration(r.retryAfterSec) * time.Second, true
}

func (c *client) once(ctx context.Context, op, method, path string, raw []byte) (response, error) {
	base := c.bases[int(c.next.Add(1)%uint64(len(c.bases)))]
	var rd io.Reader
	if raw != nil {
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
	if err != nil {
		return response{}, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/scim+json")
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	if raw != nil {
		req.Header.Set("Content-Type", "application/scim+json; charset=utf-8")
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			c.stats.record(op, 0, time.Since(start))
		}
		return response{}, err
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	resp.Body.Close()
	d := time.Since(start)
	if err != nil {
		if ctx.Err() == nil {
			c.stats.record(op, 0, d)
		}
		return response{}, fmt.Errorf("%s %s: reading the answer: %w", method, path, err)
	}
	c.stats.record(op, resp.StatusCode, d)
	out := response{status: resp.StatusCode, body: b, retryAfterSec: -1}
	if v := resp.Header.Get("Retry-After"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			out.retryAfterSec = n
		}
	}
	return out, nil
}
