package scimtest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scimkit/scimkit/linking"
)

// FloodConfig describes a bad-token flood measurement (see Flood).
type FloodConfig struct {
	// BaseURL is the SCIM base URL, on a loopback address.
	BaseURL string
	// Token is the valid token of the account whose latency is measured.
	Token string
	// ValidFrom and FloodFrom are the local IP addresses the two clients
	// send from, so that the service sees two client addresses
	// ("127.0.0.1" and "127.0.0.2": on Linux every 127/8 address is
	// loopback). Empty means the system's choice.
	ValidFrom, FloodFrom string
	// Requests is how many requests the valid client sends in each
	// phase, one at a time; Rounds how many times the unloaded and the
	// flooded phase alternate (to spread the machine's own noise over
	// both).
	Requests, Rounds int
	// Flooders is how many connections send bad tokens at once, each as
	// fast as the service answers.
	Flooders int
	// Path is what the valid client requests (default /Users?count=1).
	Path string
}

// FloodResult is what Flood measured.
type FloodResult struct {
	// Unloaded and Flooded are the valid client's latencies, sorted.
	Unloaded, Flooded []time.Duration
	// FloodRequests is how many bad-token requests were answered, by
	// status; FloodTime the time the flood ran.
	FloodRequests map[int]int
	FloodTime     time.Duration
	// ValidErrors counts valid requests not answered 200.
	ValidErrors int
}

// Percentile returns the p-th percentile (0 < p <= 100) of sorted.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p/100+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// String summarises the result: p50 and p99 with and without the flood,
// their ratio, and the flood's rate by status.
func (r FloodResult) String() string {
	u99, f99 := Percentile(r.Unloaded, 99), Percentile(r.Flooded, 99)
	var total int
	for _, n := range r.FloodRequests {
		total += n
	}
	return fmt.Sprintf("valid requests: unloaded p50 %v p99 %v; flooded p50 %v p99 %v; p99 ratio %.2f; %d not 200; flood: %d requests in %v (%.0f/s) by status %v",
		Percentile(r.Unloaded, 50), u99, Percentile(r.Flooded, 50), f99, float64(f99)/float64(max(u99, 1)), r.ValidErrors,
		total, r.FloodTime.Round(time.Millisecond), float64(total)/max(r.FloodTime.Seconds(), 1e-9), r.FloodRequests)
}

// Flood measures what a flood of bad tokens from one client address does
// to another account's requests from another address: the valid client
// sends cfg.Requests requests one at a time without a flood and then
// again while cfg.Flooders connections send random tokens (a third
// shaped like scimkit tokens with a wrong checksum, a third junk, a third
// forgeries with a valid checksum), cfg.Rounds times. It is a measurement
// for a bounded run on a loopback address, not a unit test: compare the
// percentiles, never assert on times in CI.
func Flood(ctx context.Context, cfg FloodConfig) (FloodResult, error) {
	if cfg.Path == "" {
		cfg.Path = "/Users?count=1"
	}
	client := func(from string, conns int) *http.Client {
		d := &net.Dialer{Timeout: 5 * time.Second}
		if from != "" {
			d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(from)}
		}
		return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
			DialContext: d.DialContext, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
	}
	valid, flood := client(cfg.ValidFrom, 1), client(cfg.FloodFrom, cfg.Flooders)
	defer valid.CloseIdleConnections()
	defer flood.CloseIdleConnections()

	send := func(c *http.Client, token, path string) (int, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, cfg.BaseURL+path, nil)
		if err != nil {
			return 0, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := c.Do(req)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	var res FloodResult
	res.FloodRequests = map[int]int{}
	phase := func(dst *[]time.Duration) error {
		for range cfg.Requests {
			t0 := time.Now()
			status, err := send(valid, cfg.Token, cfg.Path)
			if err != nil {
				return err
			}
			*dst = append(*dst, time.Since(t0))
			if status != http.StatusOK {
				res.ValidErrors++
			}
		}
		return nil
	}
	// Warm up both paths (connections, caches).
	for range 20 {
		if _, err := send(valid, cfg.Token, cfg.Path); err != nil {
			return res, err
		}
	}
	// The flooders run throughout and send only while on is set, so that
	// the phases can alternate often (the machine's own noise then falls
	// on both alike) without waiting for answers the service holds.
	var (
		on, stop atomic.Bool
		wg       sync.WaitGroup
		mu       sync.Mutex
	)
	for i := range cfg.Flooders {
		wg.Go(func() {
			local := map[int]int{}
			for n := 0; !stop.Load(); n++ {
				if !on.Load() {
					time.Sleep(time.Millisecond)
					continue
				}
				b := make([]byte, 36)
				_, _ = rand.Read(b)
				var tok string
				switch (n + i) % 3 {
				case 0: // scimkit's shape, a wrong checksum
					tok = linking.TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
				case 1: // junk
					tok = base64.RawURLEncoding.EncodeToString(b)[:20] + "!junk"
				default: // a forgery with a valid checksum: only a lookup can tell
					tok, _, _ = linking.NewToken()
				}
				status, err := send(flood, tok, "/Users")
				if err != nil {
					status = 0
				}
				local[status]++
			}
			mu.Lock()
			for k, v := range local {
				res.FloodRequests[k] += v
			}
			mu.Unlock()
		})
	}
	var err error
	for r := 0; r < cfg.Rounds && err == nil; r++ {
		if err = phase(&res.Unloaded); err != nil {
			break
		}
		on.Store(true)
		start := time.Now()
		time.Sleep(20 * time.Millisecond) // the flood is under way
		err = phase(&res.Flooded)
		on.Store(false)
		res.FloodTime += time.Since(start)
	}
	stop.Store(true)
	wg.Wait()
	if err != nil {
		return res, err
	}
	slices.Sort(res.Unloaded)
	slices.Sort(res.Flooded)
	return res, nil
}
