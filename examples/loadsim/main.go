package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sum, err := run(ctx, os.Args[1:], os.Stdout)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "loadsim:", err)
		os.Exit(1)
	}
	if sum.failed() {
		os.Exit(2)
	}
}

type config struct {
	bases       []string
	token       string
	idp         string
	users       int
	groups      int
	groupSize   int
	memberBatch int
	workers     int
	churn       time.Duration
	maxDuration time.Duration
	maxRequests int64
	prefix      string
	domain      string
	seed        uint64
	verify      bool
	allowRemote bool
	timeout     time.Duration
	maxRetries  int
	retryWait   time.Duration
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	var bases string
	fs := flag.NewFlagSet("loadsim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&bases, "base-url", "", "SCIM base `URL`s, comma-separated (requests go round-robin over them)")
	fs.StringVar(&c.token, "token", "", "bearer `token` (default $SCIM_TOKEN)")
	fs.StringVar(&c.idp, "idp", "okta", "traffic pattern: okta or entra")
	fs.IntVar(&c.users, "users", 1000, "users to import")
	fs.IntVar(&c.groups, "groups", 10, "groups to push")
	fs.IntVar(&c.groupSize, "group-size", 100, "members per pushed group")
	fs.IntVar(&c.memberBatch, "member-batch", 0, "members per group PATCH (default: okta 100, entra 10)")
	fs.IntVar(&c.workers, "workers", 8, "concurrent requests")
	fs.DurationVar(&c.churn, "churn", 30*time.Second, "how long to churn updates, deactivations and memberships after the import (0: none)")
	fs.DurationVar(&c.maxDuration, "max-duration", 30*time.Minute, "hard limit on the whole run")
	fs.Int64Var(&c.maxRequests, "max-requests", 5_000_000, "hard limit on requests sent (429 retries included)")
	fs.StringVar(&c.prefix, "prefix", "sim", "userName and group name `prefix`, so that runs can share a directory")
	fs.StringVar(&c.domain, "domain", "example.com", "email `domain` of the simulated users (must be allowed by the account)")
	fs.Uint64Var(&c.seed, "seed", 1, "random seed of the churn")
	fs.BoolVar(&c.verify, "verify", true, "read everything back at the end and compare it with what was written")
	fs.BoolVar(&c.allowRemote, "allow-remote", false, "allow a base URL that is not on this machine (loopback)")
	fs.DurationVar(&c.timeout, "timeout", 60*time.Second, "per-request timeout (Okta gives up after 60s)")
	fs.IntVar(&c.maxRetries, "max-retries", 10, "429 answers one request waits out (Okta: 10)")
	fs.DurationVar(&c.retryWait, "retry-wait", 5*time.Minute, "wait after a 429 without an integer Retry-After, doubled each time (Okta: 5m)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	for b := range strings.SplitSeq(bases, ",") {
		if b = strings.TrimRight(strings.TrimSpace(b), "/"); b != "" {
			c.bases = append(c.bases, b)
		}
	}
	if len(c.bases) == 0 {
		return c, errors.New("-base-url is required (for example http://127.0.0.1:8080/scim/v2)")
	}
	for _, b := range c.bases {
		u, err := url.Parse(b)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return c, fmt.Errorf("-base-url %q: want http(s)://host[:port]/path", b)
		}
		if !c.allowRemote && !isLoopback(u.Hostname()) {
			return c, fmt.Errorf("-base-url %q is not on this machine: pass -allow-remote to load a remote service", b)
		}
	}
	if c.token == "" {
		c.token = os.Getenv("SCIM_TOKEN")
	}
	if c.token == "" {
		return c, errors.New("no token: set $SCIM_TOKEN or pass -token")
	}
	switch c.idp {
	case "okta", "entra":
	default:
		return c, fmt.Errorf("-idp %q: want okta or entra", c.idp)
	}
	if c.memberBatch == 0 {
		c.memberBatch = map[string]int{"okta": 100, "entra": 10}[c.idp]
	}
	switch {
	case c.users < 1:
		return c, errors.New("-users must be at least 1")
	case c.groups < 0 || c.groupSize < 0 || c.memberBatch < 1:
		return c, errors.New("-groups and -group-size must not be negative, -member-batch must be at least 1")
	case c.workers < 1:
		return c, errors.New("-workers must be at least 1")
	case c.maxDuration <= 0 || c.maxRequests <= 0:
		return c, errors.New("-max-duration and -max-requests must be positive")
	}
	return c, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// result is what run reports: the request totals and the verification.
type result struct {
	Summary
	Verified  bool
	Check     verification
	StepError int // steps that failed with an unexpected answer
}

// failed reports whether the run saw a server error, a lost or duplicated
// write, or a step that failed.
func (r result) failed() bool {
	c := r.Check
	return r.Status5xx > 0 || r.Transport > 0 || r.StepError > 0 ||
		c.Missing > 0 || c.Duplicates > 0 || c.LostUpdates > 0 || c.MembershipDrifts > 0
}

// run plays the scenario and prints its report; it stops early, with what
// it has, when ctx is done or a hard limit is reached.
func run(ctx context.Context, args []string, stdout io.Writer) (result, error) {
	cfg, err := parseFlags(args, stdout)
	if err != nil {
		return result{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.maxDuration)
	defer cancel()

	st := newStats()
	budget := &atomic.Int64{}
	budget.Store(cfg.maxRequests)
	ua := map[string]string{"okta": "Okta SCIM Client 1.0.0", "entra": "Azure AD SCIM Client (loadsim)"}[cfg.idp]
	transport := &http.Transport{MaxIdleConnsPerHost: cfg.workers, IdleConnTimeout: 30 * time.Second}
	defer transport.CloseIdleConnections()
	c := &client{
		http:         &http.Client{Transport: transport, Timeout: cfg.timeout},
		bases:        cfg.bases,
		token:        cfg.token,
		userAgent:    ua,
		stats:        st,
		maxRetries:   cfg.maxRetries,
		fallbackWait: cfg.retryWait,
		budget:       budget,
	}
	s := &sim{c: c, cfg: cfg, users: make([]simUser, cfg.users), groups: make([]simGroup, cfg.groups)}

	var (
		mu       sync.Mutex
		failures int
		shown    int
	)
	report := func(err error) {
		if stopErr(ctx, err) {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		failures++
		if shown < 10 {
			shown++
			fmt.Fprintln(stdout, "error:", err)
		}
	}

	fmt.Fprintf(stdout, "loadsim: %s pattern, %d users, %d groups of %d, %d workers, against %s\n",
		cfg.idp, cfg.users, cfg.groups, cfg.groupSize, cfg.workers, strings.Join(cfg.bases, ", "))
	start := time.Now()
	step := func(name string, f func(context.Context)) {
		if ctx.Err() != nil {
			return
		}
		t := time.Now()
		f(ctx)
		fmt.Fprintf(stdout, "phase %-7s %s\n", name, time.Since(t).Round(time.Millisecond))
	}
	step("import", func(ctx context.Context) { s.importUsers(ctx, report) })
	step("groups", func(ctx context.Context) { s.pushGroups(ctx, report) })
	if cfg.churn > 0 {
		step("churn", func(ctx context.Context) {
			stop, cancel := context.WithTimeout(ctx, cfg.churn)
			defer cancel()
			s.churn(ctx, stop.Done(), report)
		})
	}
	elapsed := time.Since(start)
	res := result{}
	if cfg.verify && ctx.Err() == nil {
		v, err := s.verify(ctx)
		if err != nil {
			report(fmt.Errorf("verify: %w", err))
		} else {
			res.Verified, res.Check = true, v
		}
	}
	st.print(stdout, elapsed)
	res.Summary = st.summary()
	mu.Lock()
	res.StepError = failures
	mu.Unlock()
	fmt.Fprintf(stdout, "requests %d, 5xx %d, other 4xx %d, 429 %d, transport errors %d, failed steps %d\n",
		res.Requests, res.Status5xx, res.Status4xx, res.Throttled, res.Transport, res.StepError)
	if res.Verified {
		v := res.Check
		fmt.Fprintf(stdout, "verify: %d of %d users found, %d missing, %d duplicate userNames, %d lost updates; %d groups, %d membership drifts\n",
			v.Found, v.Expected, v.Missing, v.Duplicates, v.LostUpdates, v.GroupsChecked, v.MembershipDrifts)
		for _, e := range v.Examples {
			fmt.Fprintln(stdout, "  difference:", e)
		}
	}
	if err := ctx.Err(); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return res, err
	}
	if budget.Load() < 0 {
		fmt.Fprintln(stdout, "stopped early: -max-requests reached")
	} else if ctx.Err() != nil {
		fmt.Fprintln(stdout, "stopped early: -max-duration reached")
	}
	return res, nil
}
