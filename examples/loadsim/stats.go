package main

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// stats records the outcome of every request, per operation.
type stats struct {
	mu  sync.Mutex
	ops map[string]*opStats
}

type opStats struct {
	latencies []time.Duration
	status    map[int]int
	errors    int // transport failures (no HTTP answer)
	retries   int // 429 answers waited out
}

func newStats() *stats { return &stats{ops: map[string]*opStats{}} }

func (s *stats) op(name string) *opStats {
	o := s.ops[name]
	if o == nil {
		o = &opStats{status: map[int]int{}}
		s.ops[name] = o
	}
	return o
}

// record adds one answered request (status > 0) or one transport failure
// (status 0).
func (s *stats) record(name string, status int, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.op(name)
	if status == 0 {
		o.errors++
		return
	}
	o.status[status]++
	o.latencies = append(o.latencies, d)
}

func (s *stats) retried(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.op(name).retries++
}

// Summary is the outcome of a run, totalled over every operation.
type Summary struct {
	Requests  int // answered requests, 429s included
	Status5xx int
	Status4xx int // 429s excluded
	Throttled int // 429 answers
	Transport int // requests with no HTTP answer
}

func (s *stats) summary() Summary {
	s.mu.Lock()
	defer s.mu.Unlock()
	var sum Summary
	for _, o := range s.ops {
		sum.Transport += o.errors
		for code, n := range o.status {
			sum.Requests += n
			switch {
			case code == 429:
				sum.Throttled += n
			case code >= 500:
				sum.Status5xx += n
			case code >= 400:
				sum.Status4xx += n
			}
		}
	}
	return sum
}

// print writes one line per operation: count, rate over elapsed, latency
// percentiles and the status codes seen.
func (s *stats) print(w io.Writer, elapsed time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.ops))
	for n := range s.ops {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintf(w, "%-18s %8s %9s %9s %9s %9s %9s  %s\n", "operation", "count", "req/s", "p50", "p90", "p99", "max", "status")
	var total int
	for _, n := range names {
		o := s.ops[n]
		lat := slices.Clone(o.latencies)
		slices.Sort(lat)
		total += len(lat)
		fmt.Fprintf(w, "%-18s %8d %9.1f %9s %9s %9s %9s  %s\n", n, len(lat),
			float64(len(lat))/elapsed.Seconds(),
			fmtDur(pct(lat, 50)), fmtDur(pct(lat, 90)), fmtDur(pct(lat, 99)), fmtDur(pct(lat, 100)),
			statusLine(o))
	}
	fmt.Fprintf(w, "%-18s %8d %9.1f   elapsed %s\n", "total", total, float64(total)/elapsed.Seconds(), elapsed.Round(time.Millisecond))
}

func statusLine(o *opStats) string {
	codes := make([]int, 0, len(o.status))
	for c := range o.status {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	var b strings.Builder
	for i, c := range codes {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%d:%d", c, o.status[c])
	}
	if o.errors > 0 {
		fmt.Fprintf(&b, " transport-errors:%d", o.errors)
	}
	if o.retries > 0 {
		fmt.Fprintf(&b, " (waited out %d)", o.retries)
	}
	return b.String()
}

// pct returns the p-th percentile (nearest rank) of sorted latencies.
func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (p*len(sorted) + 99) / 100
	if i < 1 {
		i = 1
	}
	return sorted[i-1]
}

func fmtDur(d time.Duration) string {
	switch {
	case d == 0:
		return "-"
	case d < time.Millisecond:
		return fmt.Sprintf("%.0fµs", float64(d)/float64(time.Microsecond))
	case d < time.Second:
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.2fs", d.Seconds())
	}
}
