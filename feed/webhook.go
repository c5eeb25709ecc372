package feed

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/scimkit/scimkit/store"
)

// The Standard Webhooks headers (https://www.standardwebhooks.com).
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// SecretPrefix starts every webhook secret: "whsec_" and the key in
// standard base64.
const SecretPrefix = "whsec_"

// ErrBadSignature reports a webhook delivery whose headers are missing, too
// old or too new, or whose signature does not match.
var ErrBadSignature = errors.New("feed: webhook signature does not verify")

// NewSecret returns a new webhook secret: SecretPrefix followed by 32
// random bytes in standard base64.
func NewSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return SecretPrefix + base64.StdEncoding.EncodeToString(b[:])
}

// ParseSecret returns the key of a "whsec_<base64>" secret (the prefix is
// optional, as in the Standard Webhooks libraries). The key must not be
// empty.
func ParseSecret(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil || len(key) == 0 {
		return nil, errors.New("feed: a webhook secret is \"whsec_\" followed by a non-empty key in standard base64")
	}
	return key, nil
}

// Sign returns the webhook-signature header value for a delivery: "v1,"
// and the base64 HMAC-SHA256, under key, of "id.timestamp.body" (the
// timestamp in Unix seconds).
func Sign(key []byte, id string, timestamp time.Time, body []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + strconv.FormatInt(timestamp.Unix(), 10) + "."))
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Verify checks a delivery as a receiver should: the three headers are
// present, the timestamp is within tolerance of now (either way), and one
// of the space-separated signatures is a "v1" signature of
// "id.timestamp.body" under secret. It returns an error matching
// ErrBadSignature otherwise.
func Verify(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	key, err := ParseSecret(secret)
	if err != nil {
		return err
	}
	id, ts, sigs := h.Get(HeaderID), h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if id == "" || ts == "" || sigs == "" {
		return fmt.Errorf("%w: missing %s, %s or %s", ErrBadSignature, HeaderID, HeaderTimestamp, HeaderSignature)
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: bad timestamp %q", ErrBadSignature, ts)
	}
	at := time.Unix(sec, 0)
	if d := now.Sub(at); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w: timestamp %s is more than %s from now", ErrBadSignature, at.UTC().Format(time.RFC3339), tolerance)
	}
	want := Sign(key, id, at, body)
	for _, sig := range strings.Fields(sigs) {
		if subtle.ConstantTimeCompare([]byte(sig), []byte(want)) == 1 {
			return nil
		}
	}
	return fmt.Errorf("%w: no signature matches", ErrBadSignature)
}

// Webhook delivers events as signed HTTP POSTs; its Handle method is a
// Handler for Run. Create it with NewWebhook.
type Webhook struct {
	url    string
	key    []byte
	client *http.Client
	now    func() time.Time
}

// WebhookOption configures a Webhook.
type WebhookOption func(*Webhook)

// WithHTTPClient sets the client that posts deliveries. The default is a
// client with a 10 s timeout per delivery and no redirects followed.
func WithHTTPClient(c *http.Client) WebhookOption {
	return func(w *Webhook) {
		if c != nil {
			w.client = c
		}
	}
}

// WithWebhookClock sets the clock of the webhook-timestamp header; the
// default is time.Now.
func WithWebhookClock(now func() time.Time) WebhookOption {
	return func(w *Webhook) {
		if now != nil {
			w.now = now
		}
	}
}

// NewWebhook returns a Webhook that posts to target (an http or https URL)
// with deliveries signed by secret ("whsec_<base64>", see NewSecret).
func NewWebhook(target, secret string, opts ...WebhookOption) (*Webhook, error) {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("feed: webhook URL %q is not an absolute http or https URL", target)
	}
	key, err := ParseSecret(secret)
	if err != nil {
		return nil, err
	}
	w := &Webhook{url: target, key: key, now: time.Now, client: &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	for _, o := range opts {
		o(w)
	}
	return w, nil
}

// StatusError is the error of a delivery the receiver answered with a
// status other than 2xx.
type StatusError struct{ Status int }

func (e *StatusError) Error() string {
	return fmt.Sprintf("feed: webhook receiver answered %d %s", e.Status, http.StatusText(e.Status))
}

// Handle posts e as JSON (store.Event's MarshalJSON: {"id", "type",
// "account", "seq", "time", "resourceType", "resourceId", "actor",
// "data"}) with the Standard Webhooks headers; webhook-id is the event id,
// the receiver's idempotency key. A 2xx answer acknowledges it; any other
// answer (a *StatusError), a timeout or a network error is returned for
// Run to retry.
func (w *Webhook) Handle(ctx context.Context, e store.Event) error {
	body, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("feed: encode event %s: %w", e.ID, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("feed: webhook request: %w", err)
	}
	now := w.now()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(HeaderID, e.ID)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
	req.Header.Set(HeaderSignature, Sign(w.key, e.ID, now, body))
	resp, err := w.client.Do(req)
	if err != nil {
		return fmt.Errorf("feed: webhook delivery of %s: %w", e.ID, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &StatusError{Status: resp.StatusCode}
	}
	return nil
}
